"""The e-mail settings form: one choice of frequency per kind of notification."""

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from community.notifications.models import ABOUT_ME, EmailFrequency, NotificationKind


def email_settings_form(choices: dict[NotificationKind, EmailFrequency]) -> FlaskForm:
    """A form with a select per kind (named by the kind's value), each set to the person's current choice."""

    class EmailSettingsForm(FlaskForm):
        """How each kind of notification reaches the person by e-mail."""

    options = [SelectChoice(frequency.value, frequency.label) for frequency in EmailFrequency]
    for kind in NotificationKind:
        field = SelectField(kind.label, choices=options, default=choices[kind].value)
        setattr(EmailSettingsForm, kind.value, field)
    return EmailSettingsForm()


def kind_groups() -> list[tuple[str, list[NotificationKind]]]:
    """The kinds in the settings page's two groups: about me, and what I follow."""
    about_me = [kind for kind in NotificationKind if kind in ABOUT_ME]
    followed = [kind for kind in NotificationKind if kind not in ABOUT_ME]
    return [(_("About you and what you wrote"), about_me), (_("What you follow"), followed)]
