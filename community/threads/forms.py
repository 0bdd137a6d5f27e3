"""Thread forms: shape checks and messages in the user's language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from community.core.forms import SubmissionKeyField, length, markdown_field, required, text_language_field
from community.core.lists import id_arg
from community.places.forms import LocalityField
from community.threads.models import Category

TITLE_MAX = 160
BODY_MAX = 10_000
COMMENT_MAX = 5_000


class ThreadForm(FlaskForm):
    """Raise a local issue."""

    title = StringField(
        _l("Title"),
        validators=[required(), length(8, TITLE_MAX)],
        filters=[lambda value: value.strip() if value else value],
        description=_l("Say what and where, e.g. «No street lights on Abai street in Shamalgan»."),
    )
    body = markdown_field(_l("Describe the issue"), validators=[required(), length(20, BODY_MAX)])
    locality = LocalityField(_l("Where"), validators=[InputRequired(message=_l("Choose a locality."))])
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice(category.value, category.label) for category in Category],
        validate_choice=False,
    )
    addressed_to = SelectField(_l("Address it to a deputy (optional)"), validate_choice=False, validators=[Optional()])
    submission_key = SubmissionKeyField()

    def load_choices(self, deputies) -> None:
        """Fill the localities and the deputies the thread may be addressed to."""
        self.locality.load_choices()
        self.addressed_to.choices = [SelectChoice("", str(_l("— nobody —")))] + [
            SelectChoice(str(deputy.id), deputy.display_name) for deputy in deputies
        ]

    def validate_category(self, field) -> None:
        if field.data not in {category.value for category in Category}:
            raise ValidationError(_l("Choose a category from the list."))

    def validate_addressed_to(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in self.addressed_to.choices}:
            raise ValidationError(_l("Choose a deputy from the list."))


class ThreadEditForm(ThreadForm):
    """Change one's own issue: its text, the language it is written in, its place and category."""

    lang = text_language_field()


class CommentForm(FlaskForm):
    """Write a comment, a reply or an official answer."""

    body = TextAreaField(_l("Your comment"), validators=[required(), length(2, COMMENT_MAX)])
    parent_id = HiddenField()
    submission_key = SubmissionKeyField()

    def validate_parent_id(self, field) -> None:
        if field.data and id_arg(field.data) is None:
            raise ValidationError(_l("The comment you reply to no longer exists."))


class CommentEditForm(FlaskForm):
    """Change one's own comment and the language it is written in."""

    body = TextAreaField(_l("Your comment"), validators=[required(), length(2, COMMENT_MAX)])
    lang = text_language_field()
