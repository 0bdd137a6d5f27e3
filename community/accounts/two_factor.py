"""Two-factor sign-in: enrolling an authenticator app (TOTP), checking its codes once each, the ten single-use
recovery codes, the sign-in's second step, and the devices remembered for up to 30 days.

Deputies, moderators and admins act with their role only in a session that passed the second factor
(`LoginSession.second_factor_at`); until they enrol, they act as residents. Residents may turn it on for themselves.
"""

import hmac
import secrets
import time
from datetime import timedelta

import pyotp
import segno
from flask import current_app, request, session
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup
from sqlalchemy import delete, func, or_, update

from community.accounts.models import LoginAttempt, LoginSession, RecoveryCode, TrustedDevice, User, hash_token
from community.accounts.services import TooManyLogins, login_limit, seconds_until_counted
from community.accounts.sessions import sign_in
from community.core.db import utcnow
from community.core.permissions import Role
from community.core.security import SESSION_TOKEN_KEY, client_address
from community.core.text import storable
from community.extensions import db

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper and typed again
DEVICE_COOKIE = "device"
DEVICE_SALT = "trusted-device"
PENDING_KEY = "second_step"  # the session key of a sign-in waiting for its code
PENDING_FOR = 300  # seconds a password sign-in waits for its second step
ENROLMENT_KEY = "totp_enrolment"  # the session key of a secret shown but not confirmed yet
MAX_REMEMBER = timedelta(days=30)


def required_for(user: User) -> bool:
    """Deputies, moderators and admins must sign in with a second factor before they act with their role."""
    return user.role is not Role.RESIDENT


# --- Codes -------------------------------------------------------------------------------------------------------


def _normalised(code: str) -> str:
    """A typed code without spaces and dashes, in lower case."""
    return "".join(character for character in (code or "") if character not in " -\t").lower()[:64]


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (of now, the one before or the one after, for clocks a little off) whose code this is."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():  # "١٢٣٤٥٦" is digits too, but not a code
        return None
    totp = pyotp.TOTP(secret)
    now = time.time()
    for offset in (-1, 0, 1):
        moment = now + offset * totp.interval
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def _take_step(user: User, step: int) -> bool:
    """Record that the code of this time step was used, unless it or a later one was: so a code seen over a
    shoulder or caught on the way cannot be used again in its window, also by two requests at once."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        user.totp_last_step = step
        return True
    return False


def _take_recovery_code(user: User, code: str) -> bool:
    """Use one of the account's unused recovery codes, once: a guarded update, so two requests cannot both."""
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def check_code(user: User, code: str) -> bool:
    """True when the code is the authenticator's code of now (not used before) or an unused recovery code, which
    is then used up. Flushes."""
    code = _normalised(code)
    if not user.has_two_factor or not code:
        return False
    step = _matching_step(user.totp_secret, code)
    if step is not None:
        return _take_step(user, step)
    return len(code) == 16 and _take_recovery_code(user, code)


def _attempt_key(user: User) -> str:
    """The key second-factor attempts are counted under in login_attempts (beside the e-mail addresses typed)."""
    return f"second-factor:{user.id}"


def check_code_limited(user: User, code: str) -> bool:
    """check_code under the password limit's rule, as passwords are counted: the attempt is written and committed
    first, so parallel guesses in any worker count each other; past the limit (per account and per address, this
    one included) TooManyLogins is raised before the code is looked at, and the attempt is not counted; a right
    code takes its attempt back, a wrong one stays counted. The caller commits afterwards either way."""
    limit, window = login_limit()
    attempt = LoginAttempt.record(_attempt_key(user), client_address(), window)
    db.session.commit()
    since = utcnow() - window
    for counted in ({"email": _attempt_key(user)}, {"address": client_address()}):
        if LoginAttempt.count_since(since, **counted) > limit:
            LoginAttempt.forget(id=attempt)
            raise TooManyLogins(seconds_until_counted(since, limit, window, **counted))
    if check_code(user, code):
        LoginAttempt.forget(id=attempt)
        return True
    return False


def remaining_recovery_codes(user: User) -> int:
    """How many of the account's recovery codes are still unused."""
    return db.session.scalar(
        db.select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with ten new ones and return them (shown once, kept only hashed)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(16)) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(code)) for code in codes)
    db.session.flush()
    return [format_recovery_code(code) for code in codes]


def format_recovery_code(code: str) -> str:
    """A recovery code in groups of four, as printed for the owner."""
    return "-".join(code[index : index + 4] for index in range(0, len(code), 4))


# --- Enrolment ---------------------------------------------------------------------------------------------------


def enrolment_secret() -> str:
    """The secret being enrolled in this browser: made once and kept in the session until confirmed."""
    secret = session.get(ENROLMENT_KEY)
    if not secret:
        secret = session[ENROLMENT_KEY] = pyotp.random_base32()
    return secret


def enrolment_qr(user: User, secret: str) -> Markup:
    """The otpauth:// address of the secret as an inline SVG QR code, for the authenticator app to scan."""
    address = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=current_app.config["SITE_NAME"])
    return Markup(segno.make(address, error="m").svg_inline(scale=5, dark="#111", light="#fff", omitsize=True))  # noqa: S704 - made by segno from the secret and our own names


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn two-factor sign-in on with the secret shown in this browser, if the code is its code of now (the view
    has checked the password again): this browser gets a new session that has passed the second factor. Returns
    the ten recovery codes, or None for a wrong code. Flushes."""
    secret = session.get(ENROLMENT_KEY)
    step = _matching_step(secret, _normalised(code)) if secret else None
    if step is None:
        return None
    user.totp_secret, user.two_factor_since, user.totp_last_step = secret, utcnow(), step
    session.pop(ENROLMENT_KEY, None)
    codes = new_recovery_codes(user)
    mark_session_passed(user)
    return codes


def remove_two_factor(user: User) -> None:
    """Turn the account's second factor off (the owner, a resident) or reset it (an admin): the secret, recovery
    codes and remembered devices go, and no session of the account counts as having passed it any more."""
    user.totp_secret = user.two_factor_since = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    forget_devices(user)
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id)
        .values(second_factor_at=None)
        .execution_options(synchronize_session=False)
    )


def mark_session_passed(user: User) -> None:
    """This browser's session has passed the second factor: it is replaced by a new one that has, so a token that
    leaked while it acted as a resident does not become a privileged one."""
    token = session.get(SESSION_TOKEN_KEY)
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == hash_token(token)))
    sign_in(user, second_factor=True)


# --- The sign-in's second step -------------------------------------------------------------------------------------


def begin_second_step(user: User) -> None:
    """The password was right for an account with a second factor: remember who, for a few minutes, in this
    browser's session; nobody is signed in yet."""
    session.clear()
    session[PENDING_KEY] = {"user": user.id, "until": int(time.time()) + PENDING_FOR}


def pending_user() -> User | None:
    """The account whose password this browser gave a few minutes ago and whose code is awaited, if it is still
    active and has a second factor."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("until"), int) or pending["until"] < time.time():
        return None
    user = db.session.get(User, pending.get("user")) if isinstance(pending.get("user"), int) else None
    return user if user is not None and user.is_active and user.has_two_factor else None


def drop_second_step() -> None:
    """Forget a sign-in waiting for its code."""
    session.pop(PENDING_KEY, None)


# --- Remembered devices ------------------------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def remember_for() -> timedelta:
    """How long a device is remembered: TWO_FACTOR_REMEMBER_DAYS, never more than 30 days."""
    return min(timedelta(days=current_app.config["TWO_FACTOR_REMEMBER_DAYS"]), MAX_REMEMBER)


def remember_device(user: User) -> str:
    """Remember this browser for the account; returns the signed value of its cookie. Flushes."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        TrustedDevice(
            token_hash=hash_token(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + remember_for(),
            user_agent=storable(request.user_agent.string or "")[:200],
            address=client_address(),
        )
    )
    db.session.flush()
    return _serializer().dumps(token)


def is_remembered(user: User) -> bool:
    """True when this browser's device cookie is a remembered, unexpired device of this account."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    try:
        token = _serializer().loads(value, max_age=int(MAX_REMEMBER.total_seconds())) if value else None
    except BadSignature:
        return False
    if not isinstance(token, str):
        return False
    return bool(
        db.session.scalar(
            db.select(func.count())
            .select_from(TrustedDevice)
            .where(
                TrustedDevice.token_hash == hash_token(token),
                TrustedDevice.user_id == user.id,
                TrustedDevice.expires_at > utcnow(),
            )
        )
    )


def devices_of(user: User) -> list[TrustedDevice]:
    """The account's remembered devices, newest first."""
    return list(
        db.session.scalars(
            db.select(TrustedDevice)
            .where(TrustedDevice.user_id == user.id, TrustedDevice.expires_at > utcnow())
            .order_by(TrustedDevice.created_at.desc())
        )
    )


def forget_devices(user: User, token_hash: str | None = None) -> int:
    """Forget one remembered device of the account (by its hash) or all of them; returns how many."""
    statement = delete(TrustedDevice).where(TrustedDevice.user_id == user.id)
    if token_hash is not None:
        statement = statement.where(TrustedDevice.token_hash == token_hash)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
