"""The header's language switch: shape checks only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import ValidationError

from community.core.i18n import supported


class LanguageForm(FlaskForm):
    """One of the site's languages, and the page to go back to."""

    lang = HiddenField()
    next = HiddenField()

    def validate_lang(self, field) -> None:
        if not supported(field.data):
            raise ValidationError(_l("This language is not available: choose Kazakh, Russian or English."))
