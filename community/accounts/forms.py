"""Account forms: shape checks and messages in the user's language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from community.accounts.services import password_is_common
from community.core.forms import markdown_field, required
from community.places.forms import LocalityField

MIN_PASSWORD = 8
LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def name_field():
    return StringField(
        _l("Name shown to others"),
        validators=[
            required(),
            Length(min=2, max=80, message=_l("From %(min)d to %(max)d characters.", min=2, max=80)),
        ],
        filters=[lambda value: value.strip() if value else value],
    )


def email_field(label=_l("E-mail")):
    return EmailField(
        label,
        validators=[
            required(),
            Length(max=254, message=_l("At most %(max)d characters.", max=254)),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
        ],
        filters=[lambda value: value.strip().lower() if value else value],
    )


def _new_password_field(label=_l("Password")):
    return PasswordField(
        label,
        validators=[
            required(),
            Length(
                min=MIN_PASSWORD,
                max=128,
                message=_l("A password needs %(min)d to %(max)d characters.", min=MIN_PASSWORD, max=128),
            ),
        ],
        description=_l("At least %(min)d characters; not a common password.", min=MIN_PASSWORD),
    )


def _confirm_field(target: str):
    return PasswordField(
        _l("Repeat the password"),
        validators=[required(), EqualTo(target, message=_l("The passwords do not match."))],
    )


def _refuse_common(password: str | None, email: str | None = None) -> None:
    """Refuse a password from the common list, or one equal to the account's e-mail."""
    if password and (password_is_common(password) or password.lower() == (email or "").lower()):
        raise ValidationError(_l("This password is too common. Choose one that is harder to guess."))


class RegistrationForm(FlaskForm):
    """A new resident's account; the password is chosen through the link mailed to the address."""

    email = email_field()
    display_name = name_field()
    locality = LocalityField(_l("Where you live"), validators=[InputRequired(message=_l("Choose a locality."))])
    accept_terms = BooleanField(
        _l("I accept the rules of the site and the privacy notice"),
        validators=[DataRequired(message=_l("To register, accept the rules of the site and the privacy notice."))],
    )


class LoginForm(FlaskForm):
    """Sign in with e-mail and password."""

    email = email_field()
    password = PasswordField(_l("Password"), validators=[required()])


class PasswordChangeForm(FlaskForm):
    """Change the password; the current one is asked again."""

    current = PasswordField(_l("Current password"), validators=[required()])
    password = _new_password_field(_l("New password"))
    confirm = _confirm_field("password")

    def validate_password(self, field) -> None:
        _refuse_common(field.data)


class ResetRequestForm(FlaskForm):
    """Ask for a password reset link."""

    email = email_field()


class ResetPasswordForm(FlaskForm):
    """Choose a new password with a reset link."""

    password = _new_password_field(_l("New password"))
    confirm = _confirm_field("password")

    def validate_password(self, field) -> None:
        _refuse_common(field.data)


class ProfileForm(FlaskForm):
    """What a user tells about themselves."""

    display_name = name_field()
    locality = LocalityField(_l("Where you live"), validators=[InputRequired(message=_l("Choose a locality."))])
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        validate_choice=False,
        validators=[AnyOf(list(LANGUAGES), message=_l("Choose a language from the list."))],
    )
    bio = markdown_field(_l("About you"), 2000)


class AccountDeletionForm(FlaskForm):
    """Delete one's own account: the password again, and whether what one wrote goes too."""

    password = PasswordField(_l("Current password"), validators=[required()])
    remove_content = BooleanField(_l("Also remove what I wrote: my comments and the text of my issues"))


def _code_field(label=_l("Code")):
    return StringField(
        label,
        validators=[required(), Length(max=40, message=_l("At most %(max)d characters.", max=40))],
        description=_l("The six digits your authenticator app shows now, or one of your recovery codes."),
        filters=[lambda value: value.strip() if value else value],
    )


class SecondFactorForm(FlaskForm):
    """The sign-in's second step: a code from the authenticator app or a recovery code."""

    code = _code_field()
    remember = BooleanField(_l("Remember this device for 30 days"))


class EnrolmentForm(FlaskForm):
    """Confirm an authenticator app by typing the code it shows for the secret just scanned, and the password
    again (a session left open elsewhere must not take the second factor for itself)."""

    password = PasswordField(_l("Current password"), validators=[required()])
    code = StringField(
        _l("Code from the app"),
        validators=[required(), Length(max=40, message=_l("At most %(max)d characters.", max=40))],
        description=_l("The six digits the app shows for this site after you scanned the code."),
        filters=[lambda value: value.strip() if value else value],
    )


class CodeConfirmForm(FlaskForm):
    """A code asked again before the second factor is changed (new recovery codes, turning it off)."""

    code = _code_field()
