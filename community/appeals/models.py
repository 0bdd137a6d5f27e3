"""Appeals to deputies: the appeal, its append-only history (which also holds the exchange), supports and follows."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.db import HideableMixin, LabelledEnum, UTCDateTime, enum_type, utcnow
from community.core.states import Moves, move_state
from community.core.text import StoredMarkdown
from community.extensions import db
from community.places.models import Locality
from community.pledges.models import Deputy
from community.threads.models import Category


class AppealState(LabelledEnum):
    """Where an appeal stands."""

    SENT = "sent", _l("Sent"), _l("Delivered; the deputy has not opened it yet.")
    RECEIVED = "received", _l("Received"), _l("The deputy has opened it and is to answer.")
    WAITING = "waiting", _l("Waiting for the author"), _l("The deputy asked for more details; the clock is stopped.")
    ANSWERED = "answered", _l("Answered"), _l("The deputy has answered; the author may close it.")
    CLOSED = "closed", _l("Closed"), _l("The author closed it and said whether it was resolved.")

    @property
    def awaits_answer(self) -> bool:
        """Sent or received: the deputy owes an answer and the clock runs."""
        return self in (AppealState.SENT, AppealState.RECEIVED)


class AppealOutcome(LabelledEnum):
    """What the author said when closing their appeal."""

    RESOLVED = "resolved", _l("Resolved")
    NOT_RESOLVED = "not_resolved", _l("Not resolved")


class AppealSource(LabelledEnum):
    """Where an appeal began."""

    WRITTEN = "written", _l("Written on the site")
    RECEPTION = "reception", _l("Raised at a public reception")
    DIALOGUE = "dialogue", _l("Asked in a dialogue session")


A = AppealState
# The moves an appeal may make, from → to. Passing it on to another deputy is sent → sent (a new addressee).
APPEAL_MOVES = Moves(
    {
        A.SENT: {A.SENT, A.RECEIVED, A.WAITING, A.ANSWERED},
        A.RECEIVED: {A.SENT, A.WAITING, A.ANSWERED},
        A.WAITING: {A.RECEIVED},
        A.ANSWERED: {A.CLOSED},
        A.CLOSED: set(),
    }
)


class EntryKind(LabelledEnum):
    """One step of an appeal's history."""

    SENT = "sent", _l("Sent")
    RECEIVED = "received", _l("Opened by the addressee")
    ASKED = "asked", _l("More details asked for")
    DETAILS = "details", _l("Details added by the author")
    PASSED_ON = "passed_on", _l("Passed on to another deputy")
    ANSWERED = "answered", _l("Answered")
    CLOSED = "closed", _l("Closed by the author")


# The public list's rows: public appeals not hidden. Its indexes hold only these, and its queries say the same.
LISTED = text("public AND hidden_at IS NULL")


AWAITING = text("state IN ('sent', 'received')")


def listed_index(name: str, *columns: str) -> Index:
    """An index over the publicly listed appeals only."""
    return Index(name, *columns, sqlite_where=LISTED, postgresql_where=LISTED)


class Appeal(HideableMixin, StoredMarkdown, db.Model):
    """A resident's message to one deputy, public or private, with its deadline counted in working days."""

    markdown_fields = ("body",)

    __tablename__ = "appeals"
    __table_args__ = (
        UniqueConstraint("author_id", "submission_key"),
        listed_index("ix_appeals_listed_activity", "last_activity_at", "id", "state", "category"),
        listed_index("ix_appeals_listed_deputy", "deputy_id", "last_activity_at", "id"),
        listed_index("ix_appeals_listed_place", "locality_id", "last_activity_at", "id"),
        # The inbox's tabs and the scorecards: an addressee's appeals by state and deadline.
        Index("ix_appeals_deputy_state_due", "deputy_id", "state", "due_on", "id"),
        # The notifications job's overdue appeals: those awaiting an answer, by their term.
        Index("ix_appeals_awaiting_due", "due_on", sqlite_where=AWAITING, postgresql_where=AWAITING),
        Index("ix_appeals_deputy_created", "deputy_id", "created_at"),
        Index("ix_appeals_author_activity", "author_id", "last_activity_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str | None] = mapped_column(String(2))
    category: Mapped[Category] = mapped_column(enum_type(Category))
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"))
    public: Mapped[bool] = mapped_column(default=False)
    anonymous: Mapped[bool] = mapped_column(default=False)  # a public appeal that does not name its author
    contact_phone: Mapped[str] = mapped_column(String(40), default="")  # the addressee's eyes only
    state: Mapped[AppealState] = mapped_column(enum_type(AppealState), default=AppealState.SENT)
    outcome: Mapped[AppealOutcome | None] = mapped_column(enum_type(AppealOutcome))
    helped: Mapped[bool | None] = mapped_column()
    source: Mapped[AppealSource] = mapped_column(enum_type(AppealSource), default=AppealSource.WRITTEN)
    submission_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the first answer
    answer_days: Mapped[int | None] = mapped_column()  # working days to the first answer, stopped days left out
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_on: Mapped[date] = mapped_column(Date)  # the last working day of the answer's term
    # The term whose passing the addressee was told of (the notifications job's mark, so it tells once per term).
    overdue_told_on: Mapped[date | None] = mapped_column(Date)
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the clock stopped then
    stopped_days: Mapped[int] = mapped_column(default=0)  # working days the clock stood still so far
    support_count: Mapped[int] = mapped_column(default=0)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    deputy: Mapped[Deputy] = relationship()
    locality: Mapped[Locality] = relationship()

    def move_to(self, to: AppealState, *conditions, **values) -> AppealState:
        """Move by a guarded write (also moving the last activity); raises MoveRefused when the move is not allowed
        or another request moved the appeal first. The caller appends the history entry."""
        return move_state(self, APPEAL_MOVES, to, *conditions, last_activity_at=utcnow(), **values)


class AppealEntry(StoredMarkdown, db.Model):
    """Append-only history of an appeal: every move, who made it (an assistant on a deputy's behalf is named as
    such), and the words of the answers, questions and details exchanged."""

    markdown_fields = ("body",)

    __tablename__ = "appeal_entries"
    __table_args__ = (Index("ix_appeal_entries_appeal_id_id", "appeal_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"))
    kind: Mapped[EntryKind] = mapped_column(enum_type(EntryKind))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    for_deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id", ondelete="SET NULL"))
    to_deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputies.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    by: Mapped[User | None] = relationship()
    for_deputy: Mapped[Deputy | None] = relationship(foreign_keys=[for_deputy_id])
    to_deputy: Mapped[Deputy | None] = relationship(foreign_keys=[to_deputy_id])


class AppealSupport(db.Model):
    """One resident's "me too" on a public appeal; the pair is unique."""

    __tablename__ = "appeal_supports"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AppealFollow(db.Model):
    """A user following an appeal (its author always does); the pair is unique."""

    __tablename__ = "appeal_follows"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
