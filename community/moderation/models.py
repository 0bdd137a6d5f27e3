"""Flags raised by residents and the public record of moderators' actions."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.db import LabelledEnum, UTCDateTime, enum_type, utcnow
from community.core.permissions import Role
from community.extensions import db


class FlagReason(LabelledEnum):
    """Why a resident flags something."""

    SPAM = "spam", _l("Spam or advertising")
    INSULT = "insult", _l("Insult or hate")
    OFF_TOPIC = "off_topic", _l("Off topic")
    PERSONAL_DATA = "personal_data", _l("Someone's personal data")
    OTHER = "other", _l("Something else")


class Action(LabelledEnum):
    """What a moderator did."""

    HIDE = "hide", _l("Hidden")
    RESTORE = "restore", _l("Restored")
    DISMISS = "dismiss", _l("Reports dismissed")
    LOCK = "lock", _l("Locked")
    UNLOCK = "unlock", _l("Unlocked")
    PIN = "pin", _l("Pinned")
    UNPIN = "unpin", _l("Unpinned")
    CLOSE = "close", _l("Closed")
    REOPEN = "reopen", _l("Reopened")
    SUSPEND = "suspend", _l("User suspended")
    AUTO_HIDE = "auto_hide", _l("Hidden after reports, awaiting review")


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
