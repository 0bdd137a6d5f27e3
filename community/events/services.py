"""Event workflows: listing, registering within capacity, the waiting list, cancelling (the month calendar and
other reads are in queries.py)."""

from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import joinedload, selectinload

from community.accounts.models import User
from community.core.db import utcnow
from community.core.lists import ListFilters, enum_arg, id_arg, page_number
from community.core.states import MoveRefused
from community.core.writes import bump, insert_once, update_row
from community.events.models import Event, EventKind, Registration, RegistrationState
from community.extensions import db
from community.notifications.models import NotificationKind
from community.places.models import Locality
from community.places.services import locality_arg, within

PER_PAGE = 20
G, W, X = RegistrationState.GOING, RegistrationState.WAITING, RegistrationState.CANCELLED


@dataclass
class EventFilters(ListFilters):
    """What the event list is narrowed to; unknown values are ignored."""

    locality: Locality | None = None
    kind: EventKind | None = None
    organiser: User | None = None
    past: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "EventFilters":
        """Read the filters from a query string."""
        organiser_id = id_arg(args.get("organiser"))
        return cls(
            locality_arg(args),
            enum_arg(EventKind, args.get("kind")),
            db.session.get(User, organiser_id) if organiser_id else None,
            args.get("when") == "past",
            page_number(args),
        )

    def query_values(self) -> dict:
        """The filters as query arguments."""
        return {
            "place": self.locality.slug if self.locality else None,
            "kind": self.kind.value if self.kind else None,
            "organiser": self.organiser.id if self.organiser else None,
            "when": "past" if self.past else None,
        }


def filtered_events(filters: EventFilters):
    """Published upcoming events soonest first, or past ones latest first, with place and organiser loaded."""
    now = utcnow()
    statement = (
        db.select(Event)
        .where(Event.published_at.is_not(None))
        .options(joinedload(Event.locality), joinedload(Event.organiser))
    )
    statement = within(statement, Event.locality_id, filters.locality)
    if filters.kind:
        statement = statement.where(Event.kind == filters.kind)
    if filters.organiser:
        statement = statement.where(Event.organiser_id == filters.organiser.id)
    if filters.past:
        return statement.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id)
    return statement.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)


def event_page(filters: EventFilters):
    """One page of the event list."""
    return db.paginate(filtered_events(filters), page=filters.page, per_page=PER_PAGE, error_out=False)


def event_or_404(event_id: int, user=None) -> Event:
    """An event with place, organiser and deputies loaded; 404 when missing, or a draft this user may not see."""
    from community.core.permissions import can_manage_event

    event = db.session.scalar(
        db.select(Event)
        .where(Event.id == event_id)
        .options(joinedload(Event.locality), joinedload(Event.organiser), selectinload(Event.deputies))
    )
    if event is None or (event.published_at is None and not can_manage_event(user, event)):
        abort(404)
    return event


def registration_of(user, event: Event) -> Registration | None:
    """The user's registration at an event, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(db.select(Registration).filter_by(event_id=event.id, user_id=user.id))


def waiting_position(registration: Registration) -> int:
    """1 for the first in the waiting list, and so on."""
    ahead = db.session.scalar(
        db.select(func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.state == W,
            (Registration.queued_at < registration.queued_at)
            | ((Registration.queued_at == registration.queued_at) & (Registration.id < registration.id)),
        )
    )
    return (ahead or 0) + 1


def _take_place(event_id: int) -> bool:
    """Take one place if one is free; the condition is checked by the database under its row lock."""
    return bump(Event, event_id, Event.going_count < Event.capacity, Event.cancelled_at.is_(None), going_count=1)


def register(user: User, event: Event) -> Registration:
    """Give the user a place, or a place in the waiting list, and follow the event (which they may undo); repeating
    it changes nothing. Flushes."""
    from community.notifications.follows import follow
    from community.notifications.models import FollowTarget

    registration, new = insert_once(
        Registration(event_id=event.id, user_id=user.id, state=W), event_id=event.id, user_id=user.id
    )
    if not new and not registration.move_to(W, queued_at=utcnow(), attended=None):
        return registration  # already going or waiting
    follow(user, FollowTarget.EVENT, event.id)
    if not _take_place(event.id):
        bump(Event, event.id, waiting_count=1)
    elif not registration.move_to(G):  # moved meanwhile (its row is ours, so this should not happen): give it back
        bump(Event, event.id, going_count=-1, waiting_count=1)
    db.session.expire(registration)
    return registration


def cancel_registration(user: User, event: Event) -> None:
    """Give the place up; the first in the waiting list moves up at once. Repeating it changes nothing."""
    registration = registration_of(user, event)
    if registration is None:
        return
    was = registration.state
    if not registration.move_to(X):
        return
    if was is G:
        bump(Event, event.id, going_count=-1)
        promote_waiting(event)
    else:
        bump(Event, event.id, waiting_count=-1)


def promote_waiting(event: Event) -> list[Registration]:
    """Move the first of the waiting list into free places, in order, while there are any."""
    promoted: list[Registration] = []
    while True:
        candidate = db.session.scalar(
            db.select(Registration)
            .where(Registration.event_id == event.id, Registration.state == W)
            .order_by(Registration.queued_at, Registration.id)
            .limit(1)
            .execution_options(populate_existing=True)  # the state as the database has it now, not as loaded
        )
        if candidate is None or not _take_place(event.id):
            return promoted
        if candidate.move_to(G, promoted_at=utcnow()):
            bump(Event, event.id, waiting_count=-1)
            promoted.append(candidate)
            _tell(
                NotificationKind.PROMOTED,
                [candidate.user_id],
                f"promoted-{candidate.id}-{utcnow():%Y%m%d%H%M%S%f}",
                event,
            )
        else:
            bump(Event, event.id, going_count=-1)  # someone else moved them; try the next


def _audit_for_organiser(by: User | None, event: Event, action_name: str, before: dict, after: dict) -> None:
    """Write a moderator's step on someone else's event to the audit log (the organiser is the account concerned);
    an organiser's own steps are theirs and stay out of it."""
    from community.admin.models import AuditAction
    from community.admin.services import record

    if by is not None and by.id != event.organiser_id:
        record(by, AuditAction(action_name), f"event:{event.id}", before, after, target_user=event.organiser)


def publish_event(event: Event, by: User | None = None) -> None:
    """Make a draft event public; registration opens, and the followers of its locality are told. Publishing it
    again changes nothing. A moderator publishing someone else's event is in the audit log."""
    from community.notifications.follows import tell_new_event

    if update_row(Event, event.id, Event.published_at.is_(None), published_at=utcnow()):
        tell_new_event(event)
        _audit_for_organiser(by, event, "event_published", {"event_state": "draft"}, {"event_state": "published"})


# What registrants are told of when it changes.
WHEN_AND_WHERE = ("starts_at", "ends_at", "locality_id", "address", "room", "online_url")


# What the audit log writes of an event a moderator changed.
EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "registration_closes_at",
    "locality_id",
    "address",
    "room",
    "online_url",
    "capacity",
)


def _event_values(event: Event) -> dict:
    """An event's details as the audit log writes them."""
    values = {name: getattr(event, name) for name in EVENT_FIELDS}
    return {**values, "deputies": sorted(deputy.name for deputy in event.deputies)}


def edit_event(event: Event, by: User | None = None, **fields) -> None:
    """Change an event's details; capacity never drops below the places already taken; those registered are told
    when its time or place changed. A moderator changing someone else's event is in the audit log, the changed
    fields before and after."""
    from community.admin.services import changed_values

    before = _event_values(event) if by is not None and by.id != event.organiser_id else None
    deputies = fields.pop("deputies", None)
    fields["capacity"] = max(fields.get("capacity", event.capacity), event.going_count)
    moved = [name for name in WHEN_AND_WHERE if name in fields and fields[name] != getattr(event, name)]
    for name, value in fields.items():
        setattr(event, name, value)
    if moved and event.published_at is not None:
        _tell(
            NotificationKind.EVENT_CHANGED,
            db.session.scalars(_audience(event)),
            f"changed-{event.id}-{utcnow():%Y%m%d%H%M%S%f}",
            event,
        )
    if deputies is not None:
        event.deputies = deputies
    db.session.flush()
    promote_waiting(event)
    db.session.expire(event, ["going_count", "waiting_count"])
    if before is not None:
        was, now = changed_values(before, _event_values(event))
        if now:
            _audit_for_organiser(by, event, "event_edited", was, now)


def my_registrations(user) -> list[Registration]:
    """A user's current registrations at events still to come, soonest first, for their profile."""
    return list(
        db.session.scalars(
            db.select(Registration)
            .join(Registration.event)
            .where(Registration.user_id == user.id, Registration.state != X, Event.ends_at >= utcnow())
            .options(joinedload(Registration.event))
            .order_by(Event.starts_at)
        )
    )


def cancel_event(event: Event, reason: str, by: User | None = None) -> None:
    """Cancel an event with a reason; registration closes. MoveRefused when it is cancelled already. A moderator
    cancelling someone else's event is in the audit log."""
    if not update_row(Event, event.id, Event.cancelled_at.is_(None), cancelled_at=utcnow(), cancel_reason=reason):
        raise MoveRefused(_l("The event has already been cancelled."))
    _audit_for_organiser(
        by, event, "event_cancelled", {"event_state": "scheduled"}, {"event_state": "cancelled", "reason": reason}
    )
    _tell(
        NotificationKind.EVENT_CANCELLED, db.session.scalars(_audience(event)), f"cancelled-{event.id}", event, reason
    )


def _audience(event: Event):
    """Who hears of an event's new time or place, or its cancelling: those registered and its followers."""
    from community.notifications.follows import event_audience

    registered = db.select(Registration.user_id).where(Registration.event_id == event.id, Registration.state != X)
    return event_audience(event, registered)


def _tell(kind, user_ids, key: str, event: Event, excerpt: str = "") -> None:
    """Tell people of what happened to an event they registered for."""
    from community.notifications.services import notify

    notify(user_ids, kind, key, excerpt=excerpt, event_id=event.id)


def create_event(organiser: User, publish: bool = True, **fields) -> Event:
    """Announce an event, published at once (the followers of its locality are told) or kept as a draft; flushes."""
    from community.notifications.follows import tell_new_event

    event = Event(organiser_id=organiser.id, published_at=utcnow() if publish else None, **fields)
    db.session.add(event)
    db.session.flush()
    tell_new_event(event)
    return event


def registrants(event: Event) -> dict:
    """Who is going and who waits, in order, with their accounts; for the organiser."""
    rows = list(
        db.session.scalars(
            db.select(Registration)
            .where(Registration.event_id == event.id, Registration.state != X)
            .options(joinedload(Registration.user))
            .order_by(Registration.queued_at, Registration.id)
        )
    )
    return {"going": [r for r in rows if r.state is G], "waiting": [r for r in rows if r.state is W]}


def mark_attendance(event: Event, present_ids: set[int]) -> int:
    """Record who came among those registered; returns how many attended."""
    going = registrants(event)["going"]
    for registration in going:
        registration.attended = registration.id in present_ids
    return sum(1 for registration in going if registration.attended)


def attendance_count(event: Event) -> int:
    """How many registered residents came, as marked by the organiser."""
    return (
        db.session.scalar(
            db.select(func.count(Registration.id)).where(
                Registration.event_id == event.id, Registration.attended.is_(True)
            )
        )
        or 0
    )
