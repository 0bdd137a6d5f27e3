"""Threads, their comments, supports, follows and state history."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.db import HideableMixin, LabelledEnum, UTCDateTime, enum_type, utcnow
from community.core.states import Moves, move_state
from community.core.text import StoredMarkdown
from community.extensions import db
from community.places.models import Locality


class Category(LabelledEnum):
    """What a local issue is about."""

    ROADS = "roads", _l("Roads")
    WATER = "water", _l("Water")
    SCHOOLS = "schools", _l("Schools")
    HEALTH = "health", _l("Health")
    YOUTH = "youth", _l("Youth")
    CULTURE = "culture", _l("Culture")
    LAND = "land", _l("Land")
    PUBLIC_ORDER = "public_order", _l("Public order")
    OTHER = "other", _l("Other")


class ThreadState(LabelledEnum):
    """Where a local issue stands."""

    OPEN = "open", _l("Open")
    ANSWERED = "answered", _l("Answered")
    RESOLVED = "resolved", _l("Resolved")
    CLOSED = "closed", _l("Closed")


# The moves a thread's state may make, from → to; Thread.move_to refuses any other.
THREAD_MOVES = Moves(
    {
        ThreadState.OPEN: {ThreadState.ANSWERED, ThreadState.RESOLVED, ThreadState.CLOSED},
        ThreadState.ANSWERED: {ThreadState.RESOLVED, ThreadState.CLOSED},
        ThreadState.RESOLVED: {ThreadState.OPEN},
        ThreadState.CLOSED: {ThreadState.OPEN},
    }
)


# The threads the public list shows: visible local issues, not pledge discussions. The list's indexes hold only
# these rows, and its queries say the same conditions so both databases can use them.
LISTED = text("hidden_at IS NULL AND pledge_id IS NULL")
PINNED = text("pinned_at IS NOT NULL")
DISCUSSION = text("pledge_id IS NOT NULL")
SHOWN_TOP = text("parent_id IS NULL AND hidden_at IS NULL")


def listed_index(name: str, *columns: str) -> Index:
    """An index over the listed threads only."""
    return Index(name, *columns, sqlite_where=LISTED, postgresql_where=LISTED)


class Thread(HideableMixin, StoredMarkdown, db.Model):
    """A local issue raised by a resident."""

    markdown_fields = ("body",)

    __tablename__ = "threads"
    __table_args__ = (
        UniqueConstraint("author_id", "submission_key"),
        # The list's sorts and its locality filter, each over the listed threads only (see LISTED).
        # Category and state ride along, so their filters and the list's capped count read this index alone.
        listed_index("ix_threads_listed_activity", "last_activity_at", "id", "category", "state"),
        listed_index("ix_threads_listed_newest", "created_at", "id"),
        listed_index("ix_threads_listed_supported", "support_count", "last_activity_at", "id"),
        listed_index("ix_threads_listed_place_activity", "locality_id", "last_activity_at", "id"),
        Index("ix_threads_pinned", "pinned_at", sqlite_where=PINNED, postgresql_where=PINNED),
        # One discussion per pledge. Partial, so `pledge_id IS NULL` in the list's queries never looks like a
        # one-row lookup to SQLite's planner (a unique index on the column made it skip the list's indexes).
        Index("uq_threads_pledge_id", "pledge_id", unique=True, sqlite_where=DISCUSSION, postgresql_where=DISCUSSION),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    slug: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str | None] = mapped_column(String(2))  # the language it was written in, when known
    search_text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"), index=True)
    # No index of their own: an equality on either made SQLite's planner sort every match instead of reading
    # the list's order index and skipping the others (the list is their only reader).
    category: Mapped[Category] = mapped_column(enum_type(Category))
    state: Mapped[ThreadState] = mapped_column(enum_type(ThreadState), default=ThreadState.OPEN)
    addressed_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Set when the thread is the discussion of a pledge; such threads stay out of the issue list.
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"))
    submission_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the author removed the text with their account; the thread stays for the comments under it.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    pinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment_count: Mapped[int] = mapped_column(default=0)
    support_count: Mapped[int] = mapped_column(default=0, index=True)
    follower_count: Mapped[int] = mapped_column(default=0)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    addressed_to: Mapped[User | None] = relationship(foreign_keys=[addressed_to_id])
    locality: Mapped[Locality] = relationship()

    @property
    def takes_comments(self) -> bool:
        """Resolved, closed and locked threads take no new comments."""
        return self.state in (ThreadState.OPEN, ThreadState.ANSWERED) and self.locked_at is None

    def may_move_to(self, new: ThreadState | str) -> bool:
        """True when the thread may move to this state (or state name) from where it is now."""
        return THREAD_MOVES.allows(self.state, ThreadState(new))

    def move_to(self, new: ThreadState, by: User, reason: str = "") -> "ThreadStateChange":
        """Move to a new state by a guarded write and append the history row; raises MoveRefused when the move
        is not allowed or another request moved the thread first."""
        now = utcnow()
        was = move_state(self, THREAD_MOVES, new, last_activity_at=now)
        change = ThreadStateChange(thread_id=self.id, old_state=was, new_state=new, by=by, reason=reason)
        db.session.add(change)
        return change


class ThreadStateChange(db.Model):
    """Append-only history of a thread's states: who moved it, from what, to what, why."""

    __tablename__ = "thread_state_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    old_state: Mapped[ThreadState] = mapped_column(enum_type(ThreadState))
    new_state: Mapped[ThreadState] = mapped_column(enum_type(ThreadState))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    thread: Mapped[Thread] = relationship()
    by: Mapped[User | None] = relationship()


class Comment(HideableMixin, StoredMarkdown, db.Model):
    """A comment on a thread, or a reply to one (one level deep)."""

    markdown_fields = ("body",)

    __tablename__ = "comments"
    __table_args__ = (
        UniqueConstraint("author_id", "submission_key"),
        Index("ix_comments_thread_parent_created", "thread_id", "parent_id", "created_at"),
        # A visitor's page of a thread: its shown top-level comments in order, however many the thread has.
        Index(
            "ix_comments_shown_top", "thread_id", "created_at", "id", sqlite_where=SHOWN_TOP, postgresql_where=SHOWN_TOP
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str | None] = mapped_column(String(2))  # the language it was written in, when known
    official: Mapped[bool] = mapped_column(default=False)
    submission_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply_count: Mapped[int] = mapped_column(default=0)
    support_count: Mapped[int] = mapped_column(default=0)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])

    @property
    def anchor(self) -> str:
        """The id of the comment's element on the thread page."""
        return f"comment-{self.id}"


class ThreadSupport(db.Model):
    """One resident's support of a thread; the pair is unique."""

    __tablename__ = "thread_supports"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CommentSupport(db.Model):
    """One resident's support of a comment; the pair is unique."""

    __tablename__ = "comment_supports"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ThreadFollow(db.Model):
    """A user following a thread; the pair is unique."""

    __tablename__ = "thread_follows"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
