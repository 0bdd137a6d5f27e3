"""Admin forms: an account's role, with a confirmation, and the bare form that disables or enables it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from community.core.permissions import Role


class RoleForm(FlaskForm):
    """Give an account another role; the admin confirms it."""

    role = SelectField(
        _l("Role"), choices=[SelectChoice(role.value, role.label) for role in Role], validate_choice=False
    )
    confirm = BooleanField(
        _l("I confirm this change of role"),
        validators=[DataRequired(message=_l("Tick the box to confirm the change of role."))],
    )

    def validate_role(self, field) -> None:
        if field.data not in {role.value for role in Role}:
            raise ValidationError(_l("Choose a role from the list."))


class AccountStateForm(FlaskForm):
    """Disable or enable an account: the CSRF token is all it carries."""
