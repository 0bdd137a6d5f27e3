"""Events and registrations; capacity is kept by guarded writes, never by read-then-write."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.db import LabelledEnum, UTCDateTime, enum_type, utcnow
from community.core.states import MoveRefused, Moves, move_state
from community.core.text import StoredMarkdown
from community.extensions import db
from community.places.models import Locality


class EventKind(LabelledEnum):
    """What sort of gathering an event is."""

    SEMINAR = "seminar", _l("Seminar")
    EXPERIENCE_SEMINAR = "experience_seminar", _l("Experience-sharing seminar")
    TRAINING = "training", _l("Training")
    PUBLIC_RECEPTION = "public_reception", _l("Public reception")
    YOUTH_COUNCIL = "youth_council", _l("Youth council meeting")
    STREET_COMMITTEE = "street_committee", _l("Street committee meeting")
    COUNCIL_SESSION = "council_session", _l("Council session")
    OTHER = "other", _l("Other")


class RegistrationState(LabelledEnum):
    """Where a registration stands."""

    GOING = "going", _l("Registered")
    WAITING = "waiting", _l("On the waiting list")
    CANCELLED = "cancelled", _l("Cancelled")


G, W, X = RegistrationState.GOING, RegistrationState.WAITING, RegistrationState.CANCELLED
# The moves a registration may make, from → to: a waiting resident gets a place or leaves, one going leaves, and
# one who left may queue again.
REGISTRATION_MOVES = Moves({W: {G, X}, G: {X}, X: {W}})

event_deputies = Table(
    "event_deputies",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("deputy_id", ForeignKey("deputies.id", ondelete="CASCADE"), primary_key=True),
)


class Event(StoredMarkdown, db.Model):
    """A seminar, meeting or reception with a place, a capacity and registrations."""

    markdown_fields = ("description", "report")

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, length=30), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    address: Mapped[str] = mapped_column(String(300), default="")
    room: Mapped[str] = mapped_column(String(100), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"), index=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    capacity: Mapped[int] = mapped_column()
    going_count: Mapped[int] = mapped_column(default=0)
    waiting_count: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")
    report: Mapped[str] = mapped_column(Text, default="")
    report_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    locality: Mapped[Locality] = relationship()
    organiser: Mapped[User] = relationship()
    deputies: Mapped[list["Deputy"]] = relationship(secondary=event_deputies)  # noqa: F821 - by the registry

    @property
    def places_left(self) -> int:
        """Free places; never below zero."""
        return max(self.capacity - self.going_count, 0)

    def registration_open(self, now: datetime | None = None) -> bool:
        """Open until the organiser's deadline or the start, unless cancelled."""
        now = now or utcnow()
        closes = self.registration_closes_at or self.starts_at
        return self.published_at is not None and self.cancelled_at is None and now < closes


class Registration(db.Model):
    """One resident's place at an event, or their place in its waiting list; one row per resident."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[RegistrationState] = mapped_column(enum_type(RegistrationState), index=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attended: Mapped[bool | None] = mapped_column()
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()

    def move_to(self, to: RegistrationState, **values) -> bool:
        """Move by a guarded write; False when the move is not allowed from where the registration is, or another
        request moved it first: registering and leaving repeat harmlessly."""
        try:
            move_state(self, REGISTRATION_MOVES, to, **values)
        except MoveRefused:
            return False
        return True


class VisitOutcome(LabelledEnum):
    """What became of a booked reception slot, as the deputy marks it."""

    HELD = "held", _l("Held")
    MISSED = "missed", _l("Missed")


class ReceptionSlot(db.Model):
    """A time slot of a public reception day, free or booked by one resident with a short topic. A slot is taken by a
    guarded write (only while it is free) and a resident holds one slot per day (unique event and resident)."""

    __tablename__ = "reception_slots"
    __table_args__ = (
        UniqueConstraint("event_id", "starts_at"),
        UniqueConstraint("event_id", "user_id"),
        Index("ix_reception_slots_starts_at", "starts_at"),  # the notifications job's reminders
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    topic: Mapped[str] = mapped_column(String(300), default="")
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[VisitOutcome | None] = mapped_column(enum_type(VisitOutcome))
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()
    appeal: Mapped["Appeal | None"] = relationship()  # noqa: F821 - by the registry

    @property
    def is_free(self) -> bool:
        """Nobody has booked it."""
        return self.user_id is None
