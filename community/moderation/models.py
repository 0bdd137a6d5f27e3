"""Flags raised by residents and the public record of moderators' actions."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.db import UTCDateTime, enum_type, utcnow
from community.core.permissions import Role
from community.extensions import db


class FlagReason(enum.Enum):
    """Why a resident flags something."""

    SPAM = "spam"
    INSULT = "insult"
    OFF_TOPIC = "off_topic"
    PERSONAL_DATA = "personal_data"
    OTHER = "other"

    @property
    def label(self):
        """The reason's translated name."""
        return FLAG_REASON_LABELS[self]


FLAG_REASON_LABELS = {
    FlagReason.SPAM: _l("Spam or advertising"),
    FlagReason.INSULT: _l("Insult or hate"),
    FlagReason.OFF_TOPIC: _l("Off topic"),
    FlagReason.PERSONAL_DATA: _l("Someone's personal data"),
    FlagReason.OTHER: _l("Something else"),
}


class Action(enum.Enum):
    """What a moderator did."""

    HIDE = "hide"
    RESTORE = "restore"
    DISMISS = "dismiss"
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"
    CLOSE = "close"
    REOPEN = "reopen"
    SUSPEND = "suspend"
    AUTO_HIDE = "auto_hide"

    @property
    def label(self):
        """The action's translated name."""
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.HIDE: _l("Hidden"),
    Action.RESTORE: _l("Restored"),
    Action.DISMISS: _l("Reports dismissed"),
    Action.LOCK: _l("Locked"),
    Action.UNLOCK: _l("Unlocked"),
    Action.PIN: _l("Pinned"),
    Action.UNPIN: _l("Unpinned"),
    Action.CLOSE: _l("Closed"),
    Action.REOPEN: _l("Reopened"),
    Action.SUSPEND: _l("User suspended"),
    Action.AUTO_HIDE: _l("Hidden after reports, awaiting review"),
}


class Flag(db.Model):
    """One resident's report of a thread or comment; each may flag an item once."""

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("reporter_id", "thread_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    # 0 means the flag is about the thread itself (a real 0 keeps the unique key working everywhere).
    comment_id: Mapped[int] = mapped_column(default=0, index=True)
    reason: Mapped[FlagReason] = mapped_column(enum_type(FlagReason))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    reporter: Mapped[User] = relationship()
    thread: Mapped["Thread"] = relationship()  # noqa: F821 - resolved by the registry


class ModerationAction(db.Model):
    """The public, append-only log of what moderators did and why."""

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moderator_role: Mapped[Role | None] = mapped_column(enum_type(Role))
    action: Mapped[Action] = mapped_column(enum_type(Action))
    reason: Mapped[str] = mapped_column(String(500))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    thread: Mapped["Thread | None"] = relationship()  # noqa: F821 - resolved by the registry
    comment: Mapped["Comment | None"] = relationship()  # noqa: F821 - resolved by the registry
