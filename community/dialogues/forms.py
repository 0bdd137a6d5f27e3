"""Dialogue forms: shape checks and messages in the user's language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from community.core.forms import (
    DATABASE_INT_MAX,
    SubmissionKeyField,
    length,
    local_time_field,
    markdown_field,
    number_field,
    required,
    strip,
)
from community.dialogues.services import QUESTION_LENGTH
from community.places.forms import LocalityField
from community.pledges.forms import PledgeForm
from community.threads.models import Category


class SessionForm(FlaskForm):
    """Announce or change a dialogue session."""

    title = StringField(_l("Title"), validators=[required(), length(5, 200)], filters=[strip])
    topic = StringField(
        _l("Topic"), validators=[Length(max=200, message=_l("At most %(max)d characters.", max=200))], filters=[strip]
    )
    description = markdown_field(_l("Description"), 10_000)
    scheduled_at = local_time_field(_l("Starts (Almaty time)"))
    locality = LocalityField(_l("Where"), validators=[InputRequired(message=_l("Choose a locality."))])
    event = SelectField(_l("Linked event (optional)"), coerce=str, validate_choice=False)
    deputies = SelectMultipleField(_l("Deputies taking part (optional)"), coerce=str, validate_choice=False)
    premoderation = BooleanField(_l("Questions wait for a moderator's approval before others see them"), default=True)

    def load_choices(self, deputies, events) -> None:
        """Fill the localities, the deputies and the events a session may be linked to."""
        self.locality.load_choices()
        self.deputies.choices = [SelectChoice(str(deputy.id), deputy.name) for deputy in deputies]
        self.event.choices = [SelectChoice("", _l("None"))] + [SelectChoice(str(e.id), e.title) for e in events]

    def validate_deputies(self, field) -> None:
        known = {choice.value for choice in field.choices or []}
        if any(value not in known for value in field.data or []):
            raise ValidationError(_l("Choose deputies from the list."))

    def validate_event(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError(_l("Choose an event from the list."))


class QuestionForm(FlaskForm):
    """A resident's question."""

    body = TextAreaField(_l("Your question"), validators=[required(), length(5, QUESTION_LENGTH)], filters=[strip])
    anonymous = BooleanField(_l("Ask anonymously (moderators still see who asked)"))
    submission_key = SubmissionKeyField()


class HallQuestionForm(FlaskForm):
    """A question said aloud in the hall, typed in by a moderator."""

    body = TextAreaField(
        _l("The question as it was asked"), validators=[required(), length(5, QUESTION_LENGTH)], filters=[strip]
    )
    speaker_name = StringField(
        _l("Who asked (leave empty for anonymous)"),
        filters=[strip],
        validators=[Length(max=100, message=_l("At most %(max)d characters.", max=100))],
    )
    submission_key = SubmissionKeyField()


class CorrectionForm(FlaskForm):
    """A moderator's correction of a question's wording."""

    body = TextAreaField(_l("Corrected wording"), validators=[required(), length(5, QUESTION_LENGTH)], filters=[strip])


class AnswerForm(FlaskForm):
    """The short note of what was answered."""

    note = TextAreaField(_l("What was answered"), validators=[required(), length(3, 1000)], filters=[strip])


class MergeForm(FlaskForm):
    """Which question a duplicate belongs to."""

    into = number_field(
        _l("Number of the question it repeats"),
        1,
        DATABASE_INT_MAX,
        message=_l("Enter a question number."),
        required_message=_l("Enter a question number."),
    )


class CloseForm(FlaskForm):
    """Closing a session, with an optional summary for its minutes."""

    summary = markdown_field(_l("Summary for the minutes (optional)"), 20_000)


class FollowUpForm(PledgeForm):
    """A follow-up a deputy promised in the session, recorded as their pledge with the session as its source."""

    source_description = None
    source_url = None
    made_on = None
    locality = None
    deputy = SelectField(_l("Deputy who promised"), coerce=str, validate_choice=False)

    def load_deputies(self, deputies) -> None:
        """Offer the deputies who may be named."""
        self.deputy.choices = [SelectChoice(str(deputy.id), deputy.name) for deputy in deputies]

    def validate_deputy(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError(_l("Choose a deputy from the list."))


class IssueForm(FlaskForm):
    """Turn a question left open into a local issue addressed to a deputy."""

    deputy = SelectField(_l("Addressed to"), coerce=str, validate_choice=False)
    category = SelectField(
        _l("Category"), choices=[SelectChoice(c.value, c.label) for c in Category], validate_choice=False
    )
    submission_key = SubmissionKeyField()

    def load_deputies(self, deputies) -> None:
        """Offer the session's deputies who have an account to answer from."""
        self.deputy.choices = [SelectChoice(str(deputy.id), deputy.name) for deputy in deputies if deputy.user_id]

    def validate_deputy(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError(_l("Choose a deputy from the list."))

    def validate_category(self, field) -> None:
        if field.data not in {c.value for c in Category}:
            raise ValidationError(_l("Choose a category from the list."))


class PromiseForm(IssueForm):
    """A follow-up promised in the hall, recorded as the asker's appeal that the deputy has received and owes an
    answer on."""

    promised = StringField(_l("What the deputy promised"), validators=[required(), length(3, 1000)], filters=[strip])
