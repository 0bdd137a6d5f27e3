"""Pledge forms: shape checks and messages in the user's language; the rules live in the model."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length, Optional, ValidationError

from community.core.forms import SubmissionKeyField, date_field, length, number_field, required
from community.core.time import local_today
from community.places.forms import LocalityField
from community.pledges.models import PledgeCategory, PledgeStatus

MAX_LINKS = 10
# Pledges go back to the first councils of independent Kazakhstan, and fall due within the century.
EARLIEST_PLEDGE = date(1990, 1, 1)
LATEST_DUE = date(2100, 12, 31)


class PledgeUpdateForm(FlaskForm):
    """Report where a pledge stands: status, progress, a note and evidence links."""

    status = SelectField(
        _l("New status"),
        choices=[SelectChoice(s.value, s.label) for s in PledgeStatus if s is not PledgeStatus.NOT_RATED],
        validate_choice=False,
    )
    progress = number_field(_l("Progress, %"), 0, 100)
    note = TextAreaField(_l("What happened"), validators=[required(), length(10, 3000)])
    evidence = TextAreaField(
        _l("Evidence links, one per line"),
        validators=[Optional()],
        description=_l("Required for fulfilled, partially fulfilled and broken."),
    )
    corrects = HiddenField()
    submission_key = SubmissionKeyField()

    def validate_status(self, field) -> None:
        if field.data not in {s.value for s in PledgeStatus if s is not PledgeStatus.NOT_RATED}:
            raise ValidationError(_l("Choose a status from the list."))

    def validate_evidence(self, field) -> None:
        links = self.links()
        if len(links) > MAX_LINKS:
            raise ValidationError(_l("At most %(max)d links.", max=MAX_LINKS))
        checker = URL(require_tld=True, message=_l("Each line must be a web address starting with http or https."))
        for link in links:
            if not link.startswith(("http://", "https://")):
                raise ValidationError(checker.message)

    def links(self) -> list[str]:
        """The evidence addresses, one per non-empty line."""
        return [line.strip() for line in (self.evidence.data or "").splitlines() if line.strip()]


class PledgeForm(FlaskForm):
    """Add a pledge with its source."""

    title = StringField(_l("Short title"), validators=[required(), length(8, 200)])
    text = TextAreaField(_l("The promise in the deputy's words"), validators=[required(), length(20, 5000)])
    source_description = StringField(
        _l("Where it was made"),
        validators=[required(), length(4, 300)],
        description=_l("A programme, a meeting, a newspaper interview…"),
    )
    source_url = StringField(
        _l("Source link (optional)"),
        validators=[
            Optional(),
            Length(max=500, message=_l("At most %(max)d characters.", max=500)),
            URL(require_tld=True, message=_l("Enter a web address starting with http or https.")),
        ],
    )
    made_on = date_field(_l("Date it was made"), EARLIEST_PLEDGE, local_today)
    locality = LocalityField(_l("Where"), validators=[InputRequired(message=_l("Choose a locality."))])
    category = SelectField(
        _l("Category"), choices=[SelectChoice(c.value, c.label) for c in PledgeCategory], validate_choice=False
    )
    due_on = date_field(_l("Due date (optional)"), EARLIEST_PLEDGE, LATEST_DUE, required=False)
    submission_key = SubmissionKeyField()

    def validate_category(self, field) -> None:
        if field.data not in {c.value for c in PledgeCategory}:
            raise ValidationError(_l("Choose a category from the list."))

    def validate_source_url(self, field) -> None:
        if field.data and not field.data.startswith(("http://", "https://")):
            raise ValidationError(_l("Enter a web address starting with http or https."))


class CheckForm(FlaskForm):
    """A moderator's verdict on the latest update."""

    verified = BooleanField(_l("Verified"))
    note = StringField(_l("Note"), validators=[required(), length(3, 500)])


class DisputeForm(FlaskForm):
    """A resident's dispute of the latest update, with a reason."""

    reason = StringField(_l("Why you dispute it"), validators=[required(), length(5, 500)])
