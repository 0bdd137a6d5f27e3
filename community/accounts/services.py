"""Account workflows: registering, checking passwords with their limits, passwords and resets (the sessions a sign-in
opens are in accounts/sessions.py)."""

import math
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from limits import parse as parse_limit
from sqlalchemy import delete, update

from community.accounts.models import LoginAttempt, PasswordReset, TrustedDevice, User, hash_token
from community.accounts.sessions import end_all_sessions, end_other_sessions
from community.core.db import utcnow
from community.core.i18n import current_lang
from community.core.mail import queue_mail, recent_mail_count
from community.core.permissions import Role
from community.core.urls import absolute_url
from community.core.writes import insert_once
from community.extensions import db

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


# The version of the rules (/rules) and the privacy notice (/privacy) a registration accepts: one value for both,
# kept here alone until registration records community/pages' RULES_VERSION and PRIVACY_VERSION.
ACCEPTED_TERMS_VERSION = "2026-11-27"
REGISTRATION_VALID = timedelta(days=2)
ADDRESS_CEILING = 5  # times the login limit: beyond it an address gets no password checked at all
MAILS_PER_ADDRESS = 3  # registration and reset messages one address is sent in an hour; more are skipped
RESET_SUBJECT = _l("Reset your password on %(site)s")


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
    """Add an account whose address is known to be its owner's (the command line, the demo, an admin); raises
    EmailTaken when the address is in use (also under a race). Flushes."""
    user = User(
        email=email.strip().lower(),
        display_name=display_name.strip(),
        role=role,
        locality_id=locality_id,
        locale=locale,
        email_confirmed_at=utcnow(),
    )
    user.set_password(password)
    user, new = insert_once(user, email=user.email)  # another request may take the address at the same moment
    if not new:
        raise EmailTaken(email)
    return user


def invite_account(
    email: str, display_name: str, role: Role, locality_id: int | None = None, locale: str | None = None
) -> User:
    """Start an account for someone else (an admin's invitation): it gets its role now and a link, valid two days,
    on which its owner chooses the password, which also proves the address; until then it cannot sign in. Raises
    EmailTaken when the address has an account (also under a race). Queues the mail; flushes."""
    unusable = User(password_hash="")
    unusable.set_password(secrets.token_urlsafe(32))
    pending = User(
        email=email.strip().lower(),
        display_name=display_name.strip(),
        role=role,
        locality_id=locality_id,
        locale=locale,
        password_hash=unusable.password_hash,
    )
    user, new = insert_once(pending, email=pending.email)
    if not new:
        raise EmailTaken(email)
    _queue_link(user, "accounts/email/invited.txt", _l("Your account on %(site)s"), REGISTRATION_VALID)
    return user


class TooManyLogins(Exception):
    """Raised when a sign-in is refused for wrong passwords; retry_after is in how many seconds one would count."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class SignInAttempt(NamedTuple):
    """A sign-in being counted: its row in login_attempts, the e-mail typed and the client's address."""

    id: int
    email: str
    address: str


def login_limit() -> tuple[int, timedelta]:
    """LOGIN_ATTEMPTS_LIMIT ("10 per 10 minutes") as a number of attempts and the window they count in."""
    limit = parse_limit(current_app.config["LOGIN_ATTEMPTS_LIMIT"])
    return limit.amount, timedelta(seconds=limit.get_expiry())


def start_login(email: str, address: str) -> SignInAttempt:
    """Count a sign-in attempt before its password is checked (clearing attempts older than the window). The
    caller commits it at once, so every worker counts it, also while it is being checked. Flushes."""
    email = email.strip().lower()
    _, window = login_limit()
    return SignInAttempt(LoginAttempt.record(email, address, window), email, address)


def seconds_until_counted(since, limit: int, window: timedelta, **key: str) -> int:
    """Seconds until one more attempt with these values is within the limit: the limit-th newest leaves the window."""
    blocking = LoginAttempt.nth_newest_since(since, limit, **key)
    if blocking is None:
        return 1
    return max(1, math.ceil((blocking + window - utcnow()).total_seconds()))


def authenticate(attempt: SignInAttempt, password: str) -> User | None:
    """The active account the attempt's e-mail and this password open, or None; the same work whether or not the
    account exists. Raises TooManyLogins before the password is checked while this address has failed too often
    for this account, or is over its own limit and has failed for this account before, or is far beyond its
    limit; and after a wrong password while the account or the address has (others' failures
    included), so a right password from anywhere else still opens the account. A sign-in forgets the address's
    failures for the account; a wrong password stays counted. Flushes."""
    limit, window = login_limit()
    since = utcnow() - window
    pair = {"email": attempt.email, "address": attempt.address}
    from_here = {"address": attempt.address}
    tried_here = LoginAttempt.count_since(since, **pair)  # this attempt included
    sent_here = LoginAttempt.count_since(since, **from_here)
    # Refused before the password is hashed: an address that failed too often for this account; an address over
    # its own limit that has failed for this account before; and any address far beyond its limit.
    if tried_here > limit:
        LoginAttempt.forget(id=attempt.id)  # not checked, so not a failure
        raise TooManyLogins(seconds_until_counted(since, limit, window, **pair))
    if sent_here > ADDRESS_CEILING * limit or (sent_here > limit and tried_here > 1):
        LoginAttempt.forget(id=attempt.id)
        raise TooManyLogins(seconds_until_counted(since, limit, window, **from_here))
    user = user_by_email(attempt.email)
    if user is None:
        # Hash anyway, so a missing account takes as long as a wrong password.
        User(password_hash="").set_password(password)
    elif user.check_password(password) and user.is_active:
        LoginAttempt.forget(**pair)
        return user
    keys = ({"email": attempt.email}, {"address": attempt.address})
    crowded = [key for key in keys if LoginAttempt.count_since(since, **key) > limit]
    if crowded:
        raise TooManyLogins(max(seconds_until_counted(since, limit, window, **key) for key in crowded))
    return None


def change_password(user: User, new_password: str) -> None:
    """Set a new password, end the user's other sessions, forget the devices remembered for the second factor, and
    make every unused reset link useless."""
    forget_links(user)
    user.set_password(new_password)
    end_other_sessions(user)
    db.session.execute(delete(TrustedDevice).where(TrustedDevice.user_id == user.id))


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


def register_account(
    email: str, display_name: str, locality_id: int | None, locale: str, terms_version: str = ACCEPTED_TERMS_VERSION
) -> None:
    """A visitor's registration, the rules and privacy notice of `terms_version` accepted (the form asks): start
    an account for a new address, recording the acceptance on it, and mail it the link that finishes it (the
    password is chosen there, so only the address's owner can), or tell the owner of an address that has an
    account (whose record stays as it is). The same work and the same answer either way, so the form tells nobody
    which addresses have accounts. Queues the mail; flushes."""
    address = email.strip().lower()
    unusable = User(password_hash="")
    unusable.set_password(secrets.token_urlsafe(32))  # hashed either way, so both cases take as long
    user = user_by_email(address)
    if user is None:
        pending = User(
            email=address,
            display_name=display_name.strip(),
            locality_id=locality_id,
            locale=locale,
            password_hash=unusable.password_hash,
            terms_version=terms_version,
            terms_accepted_at=utcnow(),
        )
        user, _new = insert_once(pending, email=address)  # two registrations at once make one account
    elif user.email_confirmed_at is None and user.disabled_at is None:
        # Not finished yet: the newest registration's details, acceptance and link count, the older links stop working.
        user.display_name, user.locality_id, user.locale = display_name.strip(), locality_id, locale
        user.terms_version, user.terms_accepted_at = terms_version, utcnow()
        forget_links(user)
    if user.email_confirmed_at is None and user.disabled_at is None:
        _queue_link(user, "accounts/email/finish.txt", _l("Finish your account on %(site)s"), REGISTRATION_VALID)
    else:
        _queue(user.email, user.locale, "accounts/email/registered.txt", _l("Your account on %(site)s"), user=user)


def start_password_reset(email: str) -> None:
    """Mail a one-time link to set a new password to the account with this address (also one not finished yet,
    whose owner lost the first link), or tell the address that it has no account; the same work either way.
    Queues the mail; flushes."""
    user = user_by_email(email)
    if user is not None and user.disabled_at is None:
        _queue_link(user, "accounts/email/reset.txt", RESET_SUBJECT, None)
    else:
        _queue(email.strip().lower(), current_lang(), "accounts/email/no_account.txt", RESET_SUBJECT, user=None)


def _queue_link(user: User, template: str, subject, valid: timedelta | None) -> None:
    """Make a one-time link for the account and queue the message that carries it."""
    token = secrets.token_urlsafe(32)
    valid = valid or current_app.config["PASSWORD_RESET_VALID"]
    db.session.add(PasswordReset(user=user, token_hash=hash_token(token), expires_at=utcnow() + valid))
    db.session.flush()
    link = absolute_url("accounts.reset_password", token=token)
    _queue(user.email, user.locale, template, subject, user=user, link=link)


def _queue(address: str, locale: str | None, template: str, subject, **context) -> None:
    """Queue a message in the recipient's language; beyond MAILS_PER_ADDRESS an hour to one address, skip it
    quietly (the answer stays the same), so the forms cannot be used to flood someone's mailbox."""
    if recent_mail_count(address, timedelta(hours=1)) >= MAILS_PER_ADDRESS:
        return
    config = current_app.config
    with force_locale(locale or config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(template, **context)
        queue_mail(address, str(subject) % {"site": config["SITE_NAME"]}, body)


def forget_links(user: User) -> None:
    """Every unused link of the account stops working (one was used, or the password changed)."""
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


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
    forget_links(reset.user)
    reset.user.set_password(new_password)
    if reset.user.email_confirmed_at is None:
        reset.user.email_confirmed_at = utcnow()  # the link proved the address: a new account is now finished
    end_all_sessions(reset.user)
    db.session.execute(delete(TrustedDevice).where(TrustedDevice.user_id == reset.user.id))
    return True
