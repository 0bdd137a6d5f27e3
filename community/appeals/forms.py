"""Appeal forms: shape checks and messages in the user's language."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from community.appeals.models import AppealOutcome
from community.core.forms import SubmissionKeyField, at_most, length, markdown_field, required, strip
from community.core.lists import id_arg
from community.places.forms import LocalityField
from community.threads.models import Category

SUBJECT_MAX = 160
BODY_MAX = 10_000
ANSWER_MAX = 10_000
# A phone number as people write it: digits with spaces, brackets, dashes and a leading plus.
PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{5,28}[0-9]")


class AppealForm(FlaskForm):
    """Write to a deputy."""

    deputy = SelectField(_l("To"), validate_choice=False, validators=[InputRequired(message=_l("Choose a deputy."))])
    subject = StringField(_l("Subject"), validators=[required(), length(8, SUBJECT_MAX)], filters=[strip])
    body = markdown_field(_l("Your appeal"), validators=[required(), length(20, BODY_MAX)])
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(category.value, category.label) for category in Category],
        validate_choice=False,
    )
    locality = LocalityField(_l("Where"), validators=[InputRequired(message=_l("Choose a locality."))])
    public = RadioField(
        _l("Who may read it"),
        choices=[
            SelectChoice("private", _l("Only the deputy (and their assistant): a private appeal")),
            SelectChoice("public", _l("Everyone: a public appeal, listed with its answer")),
        ],
        default="private",
        validate_choice=False,
    )
    contact_phone = StringField(
        _l("Phone number (optional)"),
        validators=[Optional(), at_most(40)],
        filters=[strip],
        description=_l("Only the deputy and their assistant see it, also on a public appeal."),
    )
    submission_key = SubmissionKeyField()

    def load_choices(self, deputies) -> None:
        """Fill the localities and the deputies who can receive appeals."""
        self.locality.load_choices()
        self.deputy.choices = [SelectChoice("", str(_l("— choose a deputy —")))] + [
            SelectChoice(str(deputy.id), deputy.name) for deputy in deputies
        ]

    def validate_deputy(self, field) -> None:
        if not field.data or field.data not in {choice.value for choice in self.deputy.choices}:
            raise ValidationError(_l("Choose a deputy from the list."))

    def validate_category(self, field) -> None:
        if field.data not in {category.value for category in Category}:
            raise ValidationError(_l("Choose a category from the list."))

    def validate_public(self, field) -> None:
        if field.data not in ("private", "public"):
            raise ValidationError(_l("Choose who may read it."))

    def validate_contact_phone(self, field) -> None:
        if field.data and not PHONE.fullmatch(field.data):
            raise ValidationError(_l("Enter a phone number, e.g. +7 701 123 45 67."))

    @property
    def deputy_id(self) -> int | None:
        """The chosen deputy's id."""
        return id_arg(self.deputy.data)


class AnswerForm(FlaskForm):
    """The deputy's answer (or their assistant's on their behalf)."""

    body = TextAreaField(_l("Your answer"), validators=[required(), length(2, ANSWER_MAX)])


class AskForm(FlaskForm):
    """The deputy asks the author for more details."""

    body = TextAreaField(_l("What do you need to know?"), validators=[required(), length(2, ANSWER_MAX)])


class DetailsForm(FlaskForm):
    """The author's details, asked for by the deputy."""

    body = TextAreaField(_l("The details the deputy asked for"), validators=[required(), length(2, ANSWER_MAX)])


class PassOnForm(FlaskForm):
    """Pass an appeal on to another deputy, saying why."""

    deputy = SelectField(_l("Pass it on to"), validate_choice=False)
    note = StringField(_l("Why (the author sees this)"), validators=[required(), length(3, 500)], filters=[strip])

    def load_choices(self, deputies, current_id: int) -> None:
        """Every other deputy who can receive appeals."""
        self.deputy.choices = [SelectChoice("", str(_l("— choose a deputy —")))] + [
            SelectChoice(str(deputy.id), deputy.name) for deputy in deputies if deputy.id != current_id
        ]

    def validate_deputy(self, field) -> None:
        if not field.data or field.data not in {choice.value for choice in self.deputy.choices if choice.value}:
            raise ValidationError(_l("Choose a deputy from the list."))


class CloseForm(FlaskForm):
    """The author closes an answered appeal."""

    outcome = RadioField(
        _l("Is the matter resolved?"),
        choices=[SelectChoice(outcome.value, outcome.label) for outcome in AppealOutcome],
        validate_choice=False,
        validators=[InputRequired(message=_l("Say whether it is resolved."))],
    )
    helped = RadioField(
        _l("Did the answer help? (optional)"),
        choices=[SelectChoice("yes", _l("Yes, it helped")), SelectChoice("no", _l("No, it did not help"))],
        validate_choice=False,
        validators=[Optional()],
    )

    def validate_outcome(self, field) -> None:
        if field.data not in {outcome.value for outcome in AppealOutcome}:
            raise ValidationError(_l("Say whether it is resolved."))

    def validate_helped(self, field) -> None:
        if field.data not in (None, "", "yes", "no"):
            raise ValidationError(_l("Choose yes or no."))


class AssistantForm(FlaskForm):
    """Name the account that may answer appeals on the deputy's behalf, by its e-mail address."""

    email = StringField(_l("The assistant's e-mail address"), validators=[Optional(), at_most(254)], filters=[strip])
    remove = BooleanField(_l("Nobody answers on my behalf"))
