"""The declarative base with stable constraint names, the mixins models share, enums stored as words, and how
SQLite connections are set up and open their transactions (reads side by side, writers queued)."""

import enum
from datetime import datetime, timezone

from flask import has_request_context, request
from sqlalchemy import DateTime, Enum, ForeignKey, MetaData, String, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware, also from SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    """The base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    """Adds created_at and updated_at, both kept by the database layer."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """Turn on WAL, foreign keys and a busy timeout on every new SQLite connection."""
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event open transactions itself (see _begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def reads_only(conn) -> bool:
    """True for a transaction that will not write: any in a request with a safe method (pages never write on a
    GET; tests/conftest.py fails every test in which one does), and one on a connection marked readonly (a live
    region read again after a POST's commit). Commands, jobs and mail sent after a response have no request."""
    return bool(conn.get_execution_options().get("readonly")) or (
        has_request_context() and request.method in SAFE_METHODS
    )


@event.listens_for(Engine, "begin")
def _begin(conn) -> None:
    """The one place that opens SQLite transactions. A read starts with a plain deferred BEGIN: under WAL it waits
    for no writer and none waits for it, so the workers serve pages side by side. Everything else starts with
    BEGIN IMMEDIATE, taking the write lock at once, so concurrent writers queue for the busy timeout instead of a
    reader's late upgrade to writer failing at once with "database is locked". PostgreSQL is left as it is."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN" if reads_only(conn) else "BEGIN IMMEDIATE")


def enum_type(enum_class, length: int = 20) -> Enum:
    """Store an Enum as its lower-case value in a plain string column (portable, readable)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class LabelledEnum(enum.Enum):
    """An Enum whose members carry their translated name (and, where useful, a sentence on what they mean):
    `OPEN = "open", _l("Open")` stores "open" and shows `member.label` in the user's language."""

    def __new__(cls, value: str, label, explanation=None):
        member = object.__new__(cls)
        member._value_ = value
        member.label = label
        member.explanation = explanation
        return member


class HideableMixin:
    """Moderation hides rows instead of deleting them: when, by whom and why."""

    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")

    @declared_attr
    def hidden_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def is_hidden(self) -> bool:
        """True while a moderator (or enough flags) keeps the row out of sight."""
        return self.hidden_at is not None

    def hide(self, by_id: int | None, reason: str) -> None:
        """Take the row out of every list, count, feed and fragment."""
        self.hidden_at = utcnow()
        self.hidden_by_id = by_id
        self.hidden_reason = reason

    def restore(self) -> None:
        """Show the row again."""
        self.hidden_at = None
        self.hidden_by_id = None
        self.hidden_reason = ""
