"""Event forms: shape checks and messages in the user's language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from community.core.forms import (
    at_most,
    length,
    local_time_field,
    markdown_field,
    number_between,
    number_field,
    required,
    strip,
)
from community.events.models import EventKind
from community.events.receptions import SLOTS_A_DAY, slot_grid
from community.places.forms import LocalityField

SLOT_MINUTES = (5, 120)  # shorter leaves no time to talk; longer is a meeting, not a reception


def check_slot_count(starts, ends, minutes: int) -> None:
    """A reception's time must hold at least one slot of `minutes`, and at most SLOTS_A_DAY of them."""
    count = len(slot_grid(starts, ends, minutes))
    if count < 1:
        raise ValidationError(_l("The reception is shorter than one time of this length."))
    if count > SLOTS_A_DAY:
        raise ValidationError(_l("At most %(max)d times a day: choose longer ones.", max=SLOTS_A_DAY))


class EventForm(FlaskForm):
    """Announce an event."""

    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("This field is required.")),
            Length(min=5, max=200, message=_l("From %(min)d to %(max)d characters.", min=5, max=200)),
        ],
    )
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, k.label) for k in EventKind], validate_choice=False)
    description = markdown_field(_l("Description"), 10_000)
    starts_at = local_time_field(_l("Starts (Almaty time)"))
    ends_at = local_time_field(_l("Ends (Almaty time)"))
    registration_closes_at = local_time_field(_l("Registration closes (optional)"), required=False)
    locality = LocalityField(_l("Where"), validators=[InputRequired(message=_l("Choose a locality."))])
    address = StringField(
        _l("Address"), validators=[Length(max=300, message=_l("At most %(max)d characters.", max=300))]
    )
    room = StringField(_l("Room"), validators=[Length(max=100, message=_l("At most %(max)d characters.", max=100))])
    online_url = StringField(_l("Online link (optional)"), validators=[Optional(), Length(max=500)])
    capacity = number_field(_l("Places"), 1, 10_000, default=30)
    deputies = SelectMultipleField(_l("Deputies taking part (optional)"), coerce=str, validate_choice=False)
    slot_minutes = IntegerField(
        _l("Minutes per visitor (public receptions, optional)"),
        validators=[Optional(), number_between(SLOT_MINUTES[0], SLOT_MINUTES[1])],
        description=_l(
            "Cuts the reception into times residents book, e.g. 15; times already booked stay. Leave it empty to keep "
            "the times as they are."
        ),
    )
    publish = BooleanField(_l("Publish now (otherwise it stays a draft only you can see)"), default=True)

    def load_choices(self, deputies) -> None:
        """Fill the localities and the deputies who may be linked."""
        self.locality.load_choices()
        self.deputies.choices = [SelectChoice(str(deputy.id), deputy.name) for deputy in deputies]

    def validate_deputies(self, field) -> None:
        known = {choice.value for choice in field.choices or []}
        if any(value not in known for value in field.data or []):
            raise ValidationError(_l("Choose deputies from the list."))

    def validate_kind(self, field) -> None:
        if field.data not in {k.value for k in EventKind}:
            raise ValidationError(_l("Choose a kind from the list."))

    def validate_ends_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must come after the start."))

    def validate_registration_closes_at(self, field) -> None:
        if field.data and self.starts_at.data and field.data > self.starts_at.data:
            raise ValidationError(_l("Registration must close before the start."))

    def validate_online_url(self, field) -> None:
        if field.data and not field.data.startswith(("http://", "https://")):
            raise ValidationError(_l("Enter a web address starting with http or https."))

    def validate_slot_minutes(self, field) -> None:
        if field.data is None or field.errors:
            return
        if self.kind.data != EventKind.PUBLIC_RECEPTION.value:
            raise ValidationError(_l("Times to book are for public receptions only."))
        if self.starts_at.data and self.ends_at.data and self.ends_at.data > self.starts_at.data:
            check_slot_count(self.starts_at.data, self.ends_at.data, field.data)


class AttendanceForm(FlaskForm):
    """Who came: checkboxes named `attended`, read by the view; this form carries the CSRF check."""


class ReportForm(FlaskForm):
    """The report after the event: what was discussed and decided."""

    report = markdown_field(_l("What was discussed and decided"), validators=[required(), at_most(20_000)])


class SlotsForm(FlaskForm):
    """Cut a reception day into times of a length; the view gives the day's start and end."""

    slot_minutes = number_field(_l("Minutes per visitor"), *SLOT_MINUTES, default=15)

    def __init__(self, *args, span=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.span = span

    def validate_slot_minutes(self, field) -> None:
        if field.data is not None and not field.errors and self.span:
            check_slot_count(*self.span, field.data)


class BookingForm(FlaskForm):
    """What a resident wants to talk about at the time they book."""

    topic = StringField(
        _l("What would you like to talk about?"), validators=[required(), length(3, 300)], filters=[strip]
    )
