"""Form pieces every domain uses: the common validators with translated messages, and submission keys."""

import secrets
from collections.abc import Callable
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from community.core.i18n import format_day
from community.core.languages import TEXT_LANGUAGES
from community.core.time import local_today

INVALID = 422  # the status of a form sent back with its errors
EXPIRED = _l("The form has expired or was not sent from this site. Please reload the page and try again.")

# The largest number an INTEGER column holds (PostgreSQL's is 32 bits); no number field may go past it.
DATABASE_INT_MAX = 2**31 - 1
# The earliest day an event or a dialogue session may be entered for (the archive goes back no further).
EARLIEST_EVENT = date(2000, 1, 1)
# How far ahead an event or a dialogue session may be announced: a council's term.
EVENT_YEARS_AHEAD = 5

DateBound = date | Callable[[], date]


def required():
    """A field that must be filled in."""
    return DataRequired(message=_l("This field is required."))


def length(low: int, high: int):
    """A text between low and high characters long."""
    return Length(min=low, max=high, message=_l("From %(min)d to %(max)d characters.", min=low, max=high))


def strip(value):
    """Leading and trailing spaces do not count."""
    return value.strip() if isinstance(value, str) else value


def at_most(high: int):
    """A text of at most high characters (it may be empty)."""
    return Length(max=high, message=_l("At most %(max)d characters.", max=high))


def markdown_field(label, high: int = 10_000, validators=None, **kwargs) -> TextAreaField:
    """A Markdown text (optional and at most high characters, unless other validators are given), with the hint
    of what Markdown allows."""
    hint = _l("Markdown is allowed: **bold**, *italic*, lists and links.")
    return TextAreaField(label, validators=validators or [at_most(high)], description=hint, **kwargs)


def text_language_field(label=_l("Language of the text")) -> SelectField:
    """Which language a text is written in: Kazakh, Russian or English, each named in itself. A form sent without
    it (a page from before the field) gives None, which keeps the language recorded."""
    return SelectField(
        label,
        choices=[SelectChoice(code, name) for code, name in TEXT_LANGUAGES.items()],
        validate_choice=False,
        validators=[Optional(), AnyOf(list(TEXT_LANGUAGES), message=_l("Choose a language from the list."))],
    )


def number_between(low: int, high: int, message=None) -> NumberRange:
    """A whole number from low to high (text that is no number gets this message too); every number field has
    one, within what a database integer holds."""
    if not -DATABASE_INT_MAX <= low <= high <= DATABASE_INT_MAX:
        raise ValueError(f"{low}..{high} does not fit a database integer")
    return NumberRange(min=low, max=high, message=message or _l("From %(min)d to %(max)d.", min=low, max=high))


def number_field(label, low: int, high: int, message=None, required_message=None, **kwargs) -> IntegerField:
    """A required whole number from low to high."""
    check = InputRequired(message=required_message or _l("This field is required."))
    return IntegerField(label, validators=[check, number_between(low, high, message)], **kwargs)


def years_ahead(years: int) -> Callable[[], date]:
    """A bound that moves with time: the region's today, some years on (29 February gives the 28th)."""

    def bound() -> date:
        today = local_today()
        try:
            return today.replace(year=today.year + years)
        except ValueError:
            return today.replace(year=today.year + years, day=28)

    return bound


class DateBetween:
    """A date, or a date and time, on a day from earliest to latest (each a date, or a function giving one when the
    form is checked, such as local_today); text that is no date gets the same message. So nothing reaches the
    database or the time-zone arithmetic that they cannot hold (year 1, year 9999)."""

    def __init__(self, earliest: DateBound, latest: DateBound):
        self.earliest, self.latest = earliest, latest

    def bounds(self) -> tuple[date, date]:
        """The first and the last day allowed now."""
        return tuple(bound() if callable(bound) else bound for bound in (self.earliest, self.latest))

    def __call__(self, form, field) -> None:
        value = field.data
        if value is None and not (field.raw_data and "".join(field.raw_data).strip()):
            return  # nothing typed: the required or optional check has said what to say
        earliest, latest = self.bounds()
        day = value.date() if isinstance(value, datetime) else value
        if day is not None and earliest <= day <= latest:
            return
        raise ValidationError(
            _(
                "Enter a date from %(earliest)s to %(latest)s.",
                earliest=format_day(earliest, "page"),
                latest=format_day(latest, "page"),
            )
        )


def date_field(label, earliest: DateBound, latest: DateBound, required: bool = True, **kwargs) -> DateField:
    """A date on a day from earliest to latest."""
    check = InputRequired(message=_l("Enter a date.")) if required else Optional()
    return DateField(label, validators=[check, DateBetween(earliest, latest)], **kwargs)


def local_time_field(
    label,
    required: bool = True,
    earliest: DateBound = EARLIEST_EVENT,
    latest: DateBound = years_ahead(EVENT_YEARS_AHEAD),
) -> DateTimeLocalField:
    """A date and time typed in the region's local time (core/time turns it into UTC), by default when an event
    or a session takes place: from 2000 to a term ahead."""
    check = InputRequired(message=_l("Enter a date and time.")) if required else Optional()
    return DateTimeLocalField(label, format="%Y-%m-%dT%H:%M", validators=[check, DateBetween(earliest, latest)])


class SubmissionKeyField(HiddenField):
    """A random key made when the form is shown; the same key twice means the same submission."""

    def process_data(self, value) -> None:
        self.data = value or secrets.token_urlsafe(16)

    def pre_validate(self, form) -> None:
        if not self.data or len(self.data) > 64:
            raise ValidationError(EXPIRED)


class ReasonForm(FlaskForm):
    """A reason, required for closing a thread, cancelling an event and every moderation step."""

    reason = StringField(_l("Reason"), validators=[required(), length(3, 500)], filters=[strip])
