"""A notification: one row per person and happening, written in the same transaction as what caused it."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.db import LabelledEnum, UTCDateTime, enum_type, utcnow
from community.core.time import utc_to_local
from community.extensions import db


class NotificationKind(LabelledEnum):
    """What happened, as the bell's list says it."""

    COMMENT = "comment", _l("New comment in an issue you follow")
    REPLY = "reply", _l("Reply to your comment")
    OFFICIAL_ANSWER = "official_answer", _l("Official answer to an issue you follow")
    APPEAL_NEW = "appeal_new", _l("New appeal to you")
    APPEAL_RECEIVED = "appeal_received", _l("Your appeal was received")
    APPEAL_ANSWERED = "appeal_answered", _l("Your appeal was answered")
    APPEAL_ASKED = "appeal_asked", _l("The deputy asks you for details")
    APPEAL_DETAILS = "appeal_details", _l("The author added details")
    APPEAL_PASSED_ON = "appeal_passed_on", _l("Your appeal was passed on to another deputy")
    FOLLOWED_APPEAL = "followed_appeal", _l("News of an appeal you follow")
    PROMOTED = "promoted", _l("A place became free: you are registered")
    EVENT_CANCELLED = "event_cancelled", _l("An event you registered for is cancelled")
    EVENT_CHANGED = "event_changed", _l("An event you registered for has a new time or place")
    HIDDEN = "hidden", _l("A moderator hid what you wrote")
    RESTORED = "restored", _l("A moderator showed what you wrote again")
    QUESTION_APPROVED = "question_approved", _l("Your question is on the session's list")
    QUESTION_CURRENT = "question_current", _l("Your question is put to the deputies now")
    QUESTION_ANSWERED = "question_answered", _l("Your question was answered")
    EVENT_REMINDER = "event_reminder", _l("Reminder: an event you registered for is tomorrow")
    SLOT_REMINDER = "slot_reminder", _l("Reminder: your reception slot is tomorrow")
    APPEAL_OVERDUE = "appeal_overdue", _l("An appeal to you is past its answer's term")
    # Kinds of what one follows (pledges, deputies, events, dialogue sessions, localities) go below.
    PLEDGE_UPDATE = "pledge_update", _l("New update of a pledge you follow")
    PLEDGE_CHECKED = "pledge_checked", _l("A moderator checked an update of a pledge you follow")
    PLEDGE_DISPUTED = "pledge_disputed", _l("A resident disputed an update of a pledge you follow")
    THREAD_IN_LOCALITY = "thread_in_locality", _l("New issue in a place you follow")
    EVENT_IN_LOCALITY = "event_in_locality", _l("New event in a place you follow")
    DIALOGUE_LIVE = "dialogue_live", _l("A dialogue session you follow is live now")
    DIALOGUE_CLOSED = "dialogue_closed", _l("A dialogue session you follow is closed: its minutes are public")


class EmailFrequency(LabelledEnum):
    """How a person wants one kind of notification by e-mail."""

    NOW = "now", _l("At once")
    DAILY = "daily", _l("Daily digest")
    WEEKLY = "weekly", _l("Weekly digest")
    NEVER = "never", _l("Never")


# What happened to one's own writing, appeals, questions and registrations is mailed at once, and so is news that
# is stale by the next morning (a followed session is live now); other news of what one follows waits for the
# daily digest. Every kind not named here is followed news.
ABOUT_ME = frozenset(
    {
        NotificationKind.REPLY,
        NotificationKind.APPEAL_NEW,
        NotificationKind.APPEAL_RECEIVED,
        NotificationKind.APPEAL_ANSWERED,
        NotificationKind.APPEAL_ASKED,
        NotificationKind.APPEAL_DETAILS,
        NotificationKind.APPEAL_PASSED_ON,
        NotificationKind.APPEAL_OVERDUE,
        NotificationKind.PROMOTED,
        NotificationKind.EVENT_CANCELLED,
        NotificationKind.EVENT_CHANGED,
        NotificationKind.EVENT_REMINDER,
        NotificationKind.SLOT_REMINDER,
        NotificationKind.HIDDEN,
        NotificationKind.RESTORED,
        NotificationKind.QUESTION_APPROVED,
        NotificationKind.QUESTION_CURRENT,
        NotificationKind.QUESTION_ANSWERED,
    }
)
TIMELY = frozenset({NotificationKind.DIALOGUE_LIVE})


def default_frequency(kind: NotificationKind) -> EmailFrequency:
    """How a kind is mailed to someone who has not chosen: at once when it is about them or timely, else in the
    daily digest."""
    return EmailFrequency.NOW if kind in ABOUT_ME or kind in TIMELY else EmailFrequency.DAILY


UNREAD = text("read_at IS NULL")
NOT_MAILED = text("mailed_at IS NULL")


class Notification(db.Model):
    """Something one person is told of once: the happening's key is unique per person, so two routes to the same
    news (following an issue and being replied to) make one row."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_notifications_user_id_id", "user_id", "id"),
        Index("ix_notifications_unread", "user_id", sqlite_where=UNREAD, postgresql_where=UNREAD),
        # The sender's queue: what is still to be mailed, at once or in which digest, for whom.
        Index(
            "ix_notifications_to_mail",
            "email",
            "user_id",
            "id",
            sqlite_where=NOT_MAILED,
            postgresql_where=NOT_MAILED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind, length=30))
    key: Mapped[str] = mapped_column(String(80))  # the happening, e.g. comment-42
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("dialogue_questions.id", ondelete="CASCADE"))
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"))
    pledge_update_id: Mapped[int | None] = mapped_column(ForeignKey("pledge_updates.id", ondelete="CASCADE"))
    dialogue_id: Mapped[int | None] = mapped_column(ForeignKey("dialogue_sessions.id", ondelete="CASCADE"))
    excerpt: Mapped[str] = mapped_column(String(300), default="")  # plain text, for the list's preview
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How it is to be mailed, from the person's choice when written (a later choice updates what still waits), and
    # when the sender settled it: mailed at once, gathered into a digest, or set aside (never, or read before its
    # digest). Rows of "never" are settled as they are written.
    email: Mapped[EmailFrequency] = mapped_column(enum_type(EmailFrequency, length=10), default=EmailFrequency.NOW)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    thread: Mapped["Thread | None"] = relationship()  # noqa: F821 - by the registry
    comment: Mapped["Comment | None"] = relationship()  # noqa: F821
    event: Mapped["Event | None"] = relationship()  # noqa: F821
    appeal: Mapped["Appeal | None"] = relationship()  # noqa: F821
    question: Mapped["Question | None"] = relationship()  # noqa: F821
    pledge: Mapped["Pledge | None"] = relationship()  # noqa: F821
    dialogue: Mapped["DialogueSession | None"] = relationship()  # noqa: F821

    @property
    def day(self):
        """The region's day it was written on, to group a list by."""
        return utc_to_local(self.created_at).date()

    @property
    def subject(self):
        """What it is about, as the list names it: the appeal's subject, the issue's, event's, pledge's or dialogue
        session's title, or the question."""
        for item, field in (
            (self.appeal, "subject"),
            (self.thread, "title"),
            (self.event, "title"),
            (self.question, "body"),
            (self.pledge, "title"),
            (self.dialogue, "title"),
        ):
            if item is not None:
                return getattr(item, field), getattr(item, "lang", None)
        return "", None


class EmailPreference(db.Model):
    """A person's choice of how one kind of notification reaches them by e-mail; kinds without a row take
    `default_frequency`."""

    __tablename__ = "email_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind, length=30), primary_key=True)
    frequency: Mapped[EmailFrequency] = mapped_column(enum_type(EmailFrequency, length=10))


class DigestClock(db.Model):
    """When a person's last daily or weekly digest was gathered: the guarded move of this row is the claim that
    makes one sender, of any number running, write each digest once."""

    __tablename__ = "digest_clocks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    frequency: Mapped[EmailFrequency] = mapped_column(enum_type(EmailFrequency, length=10), primary_key=True)
    gathered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FollowTarget(LabelledEnum):
    """What a person may follow besides issues and appeals (which keep tables of their own)."""

    PLEDGE = "pledge", _l("Pledge")
    DEPUTY = "deputy", _l("Deputy")
    EVENT = "event", _l("Event")
    DIALOGUE = "dialogue", _l("Dialogue session")
    LOCALITY = "locality", _l("Locality")


class Follow(db.Model):
    """A person following a pledge, a deputy, an event, a dialogue session or a locality, to hear of its news; one
    row per person and thing (the primary key), found by thing through the (target, target_id) index."""

    __tablename__ = "follows"
    __table_args__ = (Index("ix_follows_target", "target", "target_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    target: Mapped[FollowTarget] = mapped_column(enum_type(FollowTarget, length=10), primary_key=True)
    target_id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
