"""Account workflows: registering, signing in and out, sessions, passwords and resets."""

import secrets
from functools import lru_cache
from pathlib import Path

from flask import current_app, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy import delete

from community.accounts.models import LoginSession, PasswordReset, User, hash_token
from community.core.db import utcnow
from community.core.mail import send_mail
from community.core.permissions import Role
from community.core.security import SESSION_TOKEN_KEY
from community.core.writes import insert_once
from community.extensions import db

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


class EmailTaken(Exception):
    """Raised when an e-mail address already has an account."""


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_is_common(password: str) -> bool:
    """True for a password on the list of common ones, or one character repeated."""
    lowered = password.lower()
    return lowered in _common_passwords() or len(set(lowered)) <= 2


def user_by_email(email: str) -> User | None:
    """The account with this e-mail address, compared case-insensitively."""
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


def create_user(
    email: str,
    display_name: str,
    password: str,
    role: Role = Role.RESIDENT,
    locality_id: int | None = None,
    locale: str | None = None,
) -> User:
    """Add an account; raises EmailTaken when the address is in use (also under a race). Flushes."""
    user = User(
        email=email.strip().lower(),
        display_name=display_name.strip(),
        role=role,
        locality_id=locality_id,
        locale=locale,
    )
    user.set_password(password)
    user, new = insert_once(user, email=user.email)  # another request may take the address at the same moment
    if not new:
        raise EmailTaken(email)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account these credentials open, or None; the same work either way."""
    user = user_by_email(email)
    if user is None:
        # Hash anyway, so a missing account takes as long as a wrong password.
        User(password_hash="").set_password(password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def sign_in(user: User) -> None:
    """Start a new server-side session for the user; the old session's contents are dropped."""
    session.clear()
    session[SESSION_TOKEN_KEY] = LoginSession.start(user, request.user_agent.string or "")
    session.permanent = True
    login_user(user)


def sign_out() -> None:
    """End this browser's session on the server, so a copy of its cookie no longer works."""
    token = session.get(SESSION_TOKEN_KEY)
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == hash_token(token)))
    logout_user()
    session.clear()


def end_other_sessions(user: User) -> None:
    """End every session of the user but this browser's."""
    token = session.get(SESSION_TOKEN_KEY)
    statement = delete(LoginSession).where(LoginSession.user_id == user.id)
    if token:
        statement = statement.where(LoginSession.token_hash != hash_token(token))
    db.session.execute(statement)


def end_all_sessions(user: User) -> None:
    """End every session of the user, everywhere."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def load_session_user(user_id: str) -> User | None:
    """The user of this browser's session, if the session still exists on the server and is active."""
    token = session.get(SESSION_TOKEN_KEY)
    if not token or not str(user_id).isdecimal():
        return None
    return db.session.scalar(
        db.select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.token_hash == hash_token(token),
            User.id == int(user_id),
            User.disabled_at.is_(None),
        )
    )


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end the user's other sessions."""
    user.set_password(new_password)
    end_other_sessions(user)


def disable_user(user: User) -> None:
    """Disable an account and end all its sessions; who may call it: admins (CLI)."""
    user.disabled_at = utcnow()
    end_all_sessions(user)


def enable_user(user: User) -> None:
    """Let a disabled account sign in again."""
    user.disabled_at = None


def set_role(user: User, role: Role) -> None:
    """Give an account a role; who may call it: admins (CLI)."""
    user.role = role


def start_password_reset(email: str) -> tuple[User, str] | None:
    """Create a reset token for an active account; returns (user, token) or None. Flushes."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        return None
    token = secrets.token_urlsafe(32)
    valid = current_app.config["PASSWORD_RESET_VALID"]
    db.session.add(PasswordReset(user=user, token_hash=hash_token(token), expires_at=utcnow() + valid))
    db.session.flush()
    return user, token


def send_password_reset(user: User, token: str) -> None:
    """E-mail the reset link in the user's language; call after the commit."""
    link = url_for("accounts.reset_password", token=token, _external=True)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Reset your password on %(site)s", site=current_app.config["SITE_NAME"])
        body = render_template("accounts/email/reset.txt", user=user, link=link)
    send_mail(user.email, subject, body)


def valid_reset(token: str) -> PasswordReset | None:
    """The unused, unexpired reset row for a token, or None."""
    return db.session.scalar(
        db.select(PasswordReset).where(
            PasswordReset.token_hash == hash_token(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > utcnow(),
        )
    )


def finish_password_reset(reset: PasswordReset, new_password: str) -> bool:
    """Use the token once to set a new password and end every session; False if it was used meanwhile."""
    if not reset.claim():
        return False
    reset.user.set_password(new_password)
    end_all_sessions(reset.user)
    return True
