"""Form pieces every domain uses: the common validators with translated messages, and submission keys."""

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

EXPIRED = _l("The form has expired or was not sent from this site. Please reload the page and try again.")


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


def local_time_field(label, required: bool = True) -> DateTimeLocalField:
    """A date and time typed in the region's local time (core/time turns it into UTC)."""
    check = InputRequired(message=_l("Enter a date and time.")) if required else Optional()
    return DateTimeLocalField(label, format="%Y-%m-%dT%H:%M", validators=[check])


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
