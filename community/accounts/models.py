"""Users, their server-side login sessions, password reset tokens, the sign-in attempts the login limits count, and
their second factor: recovery codes and remembered devices."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, delete, func, insert
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from community.core.db import TimestampMixin, UTCDateTime, enum_type, utcnow
from community.core.permissions import Role
from community.core.text import StoredMarkdown
from community.core.writes import update_row
from community.extensions import db
from community.places.models import Locality

BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("YaBrowser/", "Yandex Browser"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def browser_of(user_agent: str) -> str:
    """A browser's User-Agent as a person recognises it: "Chrome, Android"; the raw text's start when unknown."""
    browser = next((name for marker, name in BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in SYSTEMS if marker in user_agent), "")
    return ", ".join(part for part in (browser, system) if part) or user_agent[:60]


def hash_token(token: str) -> str:
    """The SHA-256 of a random token: what the database keeps instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


class User(UserMixin, TimestampMixin, StoredMarkdown, db.Model):
    """An account: a resident, deputy, moderator or admin."""

    markdown_fields = ("bio",)

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_role_id", "role", "id"),)  # the admin's list of accounts by role

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # The name as stored; pages print `display_name`, which speaks for a deleted account.
    stored_name: Mapped[str] = mapped_column("display_name", String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.RESIDENT)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the owner of the address followed the link mailed at registration (or by whoever made the account).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The version of the rules and privacy notice accepted at registration, and when; NULL for older accounts and
    # for those made by an admin, the command line or the demo.
    terms_version: Mapped[str | None] = mapped_column(String(20))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Raised with every notification written for the account, so the bell's count polls with one indexed read.
    notification_version: Mapped[int] = mapped_column(default=0)
    # Set when the owner deleted the account: it cannot sign in, its address and name are gone, and what it wrote
    # is shown under "Deleted user" (accounts/services.py `delete_account`).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Two-factor sign-in (accounts/two_factor.py): the TOTP secret (base32) once enrolment is confirmed, since when,
    # and the last time step whose code was accepted, so a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    two_factor_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    locality: Mapped[Locality | None] = relationship()

    # Set by the session loader for this request only: a deputy, moderator or admin whose session has not passed
    # the second factor acts as a resident (core/permissions.py `has_role`).
    acting_as_resident = False

    @hybrid_property
    def display_name(self) -> str:
        """The name shown to others: "Deleted user" in the reader's language once the account is deleted. In a
        query it is the stored column."""
        if self.deleted_at is not None:
            return _("Deleted user")
        return self.stored_name

    @display_name.inplace.setter
    def _set_display_name(self, value: str) -> None:
        self.stored_name = value

    @display_name.inplace.expression
    @classmethod
    def _display_name_column(cls):
        return cls.stored_name

    @property
    def is_deleted(self) -> bool:
        """The owner deleted the account."""
        return self.deleted_at is not None

    @property
    def is_active(self) -> bool:
        """A disabled or deleted account, or one whose owner has not yet followed the registration link, cannot
        sign in (Flask-Login asks this)."""
        return self.disabled_at is None and self.deleted_at is None and self.email_confirmed_at is not None

    @property
    def is_suspended(self) -> bool:
        """A moderator's suspension keeps the user from posting until it ends."""
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def has_two_factor(self) -> bool:
        """The account signs in with a second factor (an authenticator app's code or a recovery code)."""
        return self.two_factor_since is not None

    @property
    def is_new(self) -> bool:
        """Accounts younger than a day get stricter posting limits."""
        return self.created_at is not None and (utcnow() - self.created_at).total_seconds() < 86400

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of the password."""
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class LoginSession(db.Model):
    """One signed-in browser. The cookie carries the token; deleting the row ends the session. It keeps the browser,
    the address it was opened from, when it was last seen (refreshed every few minutes, so pruning can drop the
    idle ones) and when it passed the second factor."""

    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def browser(self) -> str:
        """The browser as a person recognises it."""
        return browser_of(self.user_agent)

    @classmethod
    def start(cls, user: User, user_agent: str = "", address: str = "", second_factor: bool = False) -> str:
        """Open a session for the user and return its token (shown to the browser once)."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        db.session.add(
            cls(
                token_hash=hash_token(token),
                user=user,
                user_agent=user_agent[:200],
                address=address[:64],
                created_at=now,
                last_seen_at=now,
                second_factor_at=now if second_factor else None,
            )
        )
        return token


class RecoveryCode(db.Model):
    """One of the ten single-use codes that stand in for the authenticator app, kept hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class TrustedDevice(db.Model):
    """A browser that passed the second factor and asked to be remembered: its signed cookie carries a token whose
    hash is here; deleting the row (or its expiry) makes the browser ask for a code again."""

    __tablename__ = "trusted_devices"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")

    @property
    def browser(self) -> str:
        """The browser as a person recognises it."""
        return browser_of(self.user_agent)


class PasswordReset(db.Model):
    """A one-time password reset token, stored hashed, valid for an hour, used at most once."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # pruning deletes the long-lapsed
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    def claim(self) -> bool:
        """Mark the token used, unless it was used or expired meanwhile; True when this call won."""
        now = utcnow()
        return update_row(
            PasswordReset, self.id, PasswordReset.used_at.is_(None), PasswordReset.expires_at > now, used_at=now
        )


class LoginAttempt(db.Model):
    """A password being checked, or a wrong one, kept for LOGIN_ATTEMPTS_LIMIT's window: the login limits count
    these rows per account (the e-mail typed), per client address and per both, so every worker sees every one."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_email_at", "address", "email", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # the cleaning deletes a range of it

    @classmethod
    def record(cls, email: str, address: str, window: timedelta) -> int:
        """Add an attempt made now and delete those older than the window, so the table holds about one window's
        attempts; returns the new row's id."""
        now = utcnow()
        db.session.execute(delete(cls).where(cls.at <= now - window).execution_options(synchronize_session=False))
        return db.session.scalar(insert(cls).values(email=email, address=address[:64], at=now).returning(cls.id))

    @classmethod
    def count_since(cls, since: datetime, **key: str) -> int:
        """How many attempts with these values (email=, address= or both) were made after `since`."""
        return db.session.scalar(db.select(func.count()).select_from(cls).filter_by(**key).where(cls.at > since))

    @classmethod
    def nth_newest_since(cls, since: datetime, n: int, **key: str) -> datetime | None:
        """When the n-th newest of those attempts was made; None when there are fewer."""
        return db.session.scalar(
            db.select(cls.at).filter_by(**key).where(cls.at > since).order_by(cls.at.desc()).offset(n - 1).limit(1)
        )

    @classmethod
    def forget(cls, **key) -> None:
        """Delete the attempts with these values: one by id=, or an address's for an account (email=, address=)."""
        db.session.execute(delete(cls).filter_by(**key).execution_options(synchronize_session=False))
