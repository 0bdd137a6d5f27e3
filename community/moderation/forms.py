"""Moderation forms: a flag with its reason, and a suspension."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from community.core.forms import ReasonForm, number_field
from community.moderation.models import FlagReason


class FlagForm(FlaskForm):
    """Report a thread or comment to the moderators."""

    reason = SelectField(
        _l("What is wrong"), choices=[SelectChoice(r.value, r.label) for r in FlagReason], validate_choice=False
    )
    note = StringField(
        _l("Details (optional)"), validators=[Length(max=500, message=_l("At most %(max)d characters.", max=500))]
    )

    def validate_reason(self, field) -> None:
        if field.data not in {reason.value for reason in FlagReason}:
            raise ValidationError(_l("Choose a reason from the list."))


class SuspendForm(ReasonForm):
    """Suspend a user for some days, with a reason."""

    days = number_field(_l("Days"), 1, 365, message=_l("From %(min)d to %(max)d days.", min=1, max=365), default=7)
