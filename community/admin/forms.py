"""Admin forms: a new account, an account's role, with a confirmation, the bare form that disables or enables it,
a deputy profile, and the link of a profile to an account."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Optional, ValidationError

from community.accounts.forms import LANGUAGES, email_field, name_field
from community.admin.services import EARLIEST_TERM, LATEST_TERM
from community.core.forms import at_most, length, markdown_field, number_field, required, strip
from community.core.permissions import Role
from community.places.forms import LocalityField
from community.pledges.models import Council

MAX_LOCALITIES = 50


class NewAccountForm(FlaskForm):
    """An account an admin makes for someone: its owner is mailed a link to choose the password."""

    email = email_field()
    display_name = name_field()
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role.value, role.label) for role in Role], validate_choice=False
    )
    locality = LocalityField(_l("Home place (optional)"), validators=[Optional()])
    locale = SelectField(
        _l("Language of the account's mail"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        validate_choice=False,
        validators=[AnyOf(list(LANGUAGES), message=_l("Choose a language from the list."))],
    )

    def validate_role(self, field) -> None:
        if field.data not in {role.value for role in Role}:
            raise ValidationError(_l("Choose a role from the list."))


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


class DeputyForm(FlaskForm):
    """A deputy profile's fields; the localities come from the tree (load_choices)."""

    name = StringField(_l("Full name"), validators=[required(), length(2, 120)], filters=[strip])
    council = SelectField(
        _l("Council"),
        choices=[SelectChoice(council.value, council.label) for council in Council],
        validate_choice=False,
    )
    district = LocalityField(_l("District (optional)"), validators=[Optional()])
    constituency = StringField(
        _l("Constituency (optional)"),
        validators=[at_most(200)],
        filters=[strip],
        description=_l("Its name or number, e.g. No. 8 Kaskelen constituency."),
    )
    localities = SelectMultipleField(
        _l("Constituency localities"),
        coerce=str,
        validate_choice=False,
        description=_l("The places the deputy represents; hold Ctrl (or ⌘) to choose several."),
    )
    party_kk = StringField(_l("Party in Kazakh (optional)"), validators=[at_most(120)], filters=[strip])
    party_ru = StringField(_l("Party in Russian (optional)"), validators=[at_most(120)], filters=[strip])
    party_en = StringField(_l("Party in English (optional)"), validators=[at_most(120)], filters=[strip])
    term_start = number_field(_l("Term starts (year)"), EARLIEST_TERM, LATEST_TERM)
    term_end = number_field(_l("Term ends (year)"), EARLIEST_TERM, LATEST_TERM)
    biography = markdown_field(_l("Biography (optional)"), high=10_000)
    reception_hours = StringField(
        _l("Reception hours (optional)"),
        validators=[at_most(200)],
        filters=[strip],
        description=_l("E.g. the first Wednesday of every month, 10:00–13:00."),
    )
    reception_place = StringField(_l("Reception place (optional)"), validators=[at_most(200)], filters=[strip])

    def load_choices(self) -> None:
        """Fill the district and localities from the locality tree."""
        self.district.load_choices()
        self.localities.choices = self.district.choices[1:]  # the tree without the blank

    def validate_council(self, field) -> None:
        if field.data not in {council.value for council in Council}:
            raise ValidationError(_l("Choose a council from the list."))

    def validate_localities(self, field) -> None:
        known = {choice.value for choice in field.choices or []}
        if len(field.data or []) > MAX_LOCALITIES:
            raise ValidationError(_l("At most %(max)d localities.", max=MAX_LOCALITIES))
        if any(value not in known for value in field.data or []):
            raise ValidationError(_l("Choose localities from the list."))

    def validate_term_end(self, field) -> None:
        if field.data is not None and self.term_start.data is not None and field.data < self.term_start.data:
            raise ValidationError(_l("The term cannot end before it starts."))

    def locality_ids(self) -> list[int]:
        """The chosen localities' ids, each once."""
        return sorted({int(value) for value in self.localities.data or []})


class LinkForm(FlaskForm):
    """Link a deputy profile to an account by its e-mail address; `force` is the confirmation that takes the
    profile from the account it is linked to now."""

    email = EmailField(_l("E-mail address of the account"), validators=[required(), length(3, 254)], filters=[strip])
    force = BooleanField(_l("Yes, take the profile from that account"))


class UnlinkForm(FlaskForm):
    """Remove a deputy profile's account link: the CSRF token is all it carries."""
