"""Signed-in sessions: opening and ending them, loading the session's user (acting as a resident until a
privileged session passed the second factor), the sessions page's list, "last seen" renewed after the response,
and pruning what has lapsed."""

from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import delete, update
from sqlalchemy.exc import OperationalError

from community.accounts.models import LoginAttempt, LoginSession, PasswordReset, TrustedDevice, User, hash_token
from community.core.db import utcnow
from community.core.permissions import Role
from community.core.security import SESSION_TOKEN_KEY, seen_address
from community.core.text import storable
from community.extensions import db

LAST_SEEN_EVERY = timedelta(minutes=5)  # how stale a session's "last seen" may get before a request renews it


def sign_in(user: User, second_factor: bool = False) -> None:
    """Start a new server-side session for the user (noting the browser and address, and whether it passed the
    second factor); the old session's contents are dropped."""
    session.clear()
    session[SESSION_TOKEN_KEY] = LoginSession.start(
        user, storable(request.user_agent.string or ""), seen_address(), second_factor=second_factor
    )
    session.permanent = True
    login_user(user)


def sign_out() -> None:
    """End this browser's session on the server, so a copy of its cookie no longer works."""
    token = session.get(SESSION_TOKEN_KEY)
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == hash_token(token)))
    logout_user()
    session.clear()


def current_session_hash() -> str | None:
    """The stored hash of this browser's session token, if it carries one."""
    token = session.get(SESSION_TOKEN_KEY)
    return hash_token(token) if token else None


def sessions_of(user: User) -> list[LoginSession]:
    """The account's signed-in browsers, the most recently seen first."""
    return list(
        db.session.scalars(
            db.select(LoginSession)
            .where(LoginSession.user_id == user.id)
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.token_hash)
        )
    )


def end_session(user: User, token_hash: str) -> bool:
    """End one of the account's sessions, named by its stored hash; False when it had ended already."""
    statement = delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.token_hash == token_hash)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1


def end_other_sessions(user: User) -> int:
    """End every session of the user but this browser's; returns how many ended."""
    statement = delete(LoginSession).where(LoginSession.user_id == user.id)
    mine = current_session_hash()
    if mine:
        statement = statement.where(LoginSession.token_hash != mine)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def end_all_sessions(user: User) -> int:
    """End every session of the user, everywhere; returns how many ended."""
    statement = delete(LoginSession).where(LoginSession.user_id == user.id)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def prune_sessions() -> dict[str, int]:
    """Delete what has lapsed: sessions not seen for PERMANENT_SESSION_LIFETIME (their cookies have expired too),
    remembered devices past their time, reset links a day past theirs, and sign-in attempts outside the login
    limit's window. Returns how many of each; the caller commits."""
    from community.accounts.services import login_limit  # the password checks import this module

    now = utcnow()
    _, window = login_limit()
    idle = now - current_app.config["PERMANENT_SESSION_LIFETIME"]
    statements = {
        "sessions": delete(LoginSession).where(LoginSession.last_seen_at < idle),
        "devices": delete(TrustedDevice).where(TrustedDevice.expires_at < now),
        "reset links": delete(PasswordReset).where(PasswordReset.expires_at < now - timedelta(days=1)),
        "sign-in attempts": delete(LoginAttempt).where(LoginAttempt.at <= now - window),
    }
    return {
        name: db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
        for name, statement in statements.items()
    }


def load_session_user(user_id: str) -> User | None:
    """The user of this browser's session, if the session still exists on the server and is active. A deputy,
    moderator or admin whose session has not passed the second factor acts as a resident for this request. The
    session's "last seen" is renewed when it is some minutes old."""
    token = session.get(SESSION_TOKEN_KEY)
    if not token or not str(user_id).isdecimal():
        return None
    found = db.session.execute(
        db.select(User, LoginSession.second_factor_at, LoginSession.last_seen_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            LoginSession.token_hash == hash_token(token),
            User.id == int(user_id),
            User.disabled_at.is_(None),
            User.deleted_at.is_(None),
        )
    ).first()
    if found is None:
        return None
    user, passed_at, last_seen_at = found
    user.acting_as_resident = user.role is not Role.RESIDENT and passed_at is None
    if last_seen_at < utcnow() - LAST_SEEN_EVERY:
        g.stale_session = (hash_token(token), seen_address())
    return user


def renew_last_seen_after_response(response):
    """When the session loader found this browser's session some minutes stale, note it seen now once the response
    has been sent, in a transaction of its own (a page's GET writes nothing; the request's own may be rolled back);
    skipped when the database is busy, as it is only a hint."""
    stale = g.pop("stale_session", None)
    if stale is None:
        return response
    app = current_app._get_current_object()
    token_hash, address = stale

    def renew() -> None:
        now = utcnow()
        with app.app_context():
            try:
                db.session.execute(
                    update(LoginSession)
                    .where(LoginSession.token_hash == token_hash, LoginSession.last_seen_at < now - LAST_SEEN_EVERY)
                    .values(last_seen_at=now, address=address)
                    .execution_options(synchronize_session=False)
                )
                db.session.commit()
            except OperationalError:
                db.session.rollback()
                app.logger.info("session last-seen not renewed: the database was busy")
            finally:
                db.session.remove()

    response.call_on_close(renew)
    return response
