"""What the clock causes, written by the notifications job rather than by a request: the reminder the day before a
registered event or a booked reception slot, and the word to a deputy that an appeal has passed its term. Each
has a key of its own, so running the job again (or two of them at once) tells nobody twice."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import or_

from community.appeals.models import AWAITING, Appeal
from community.core.db import utcnow
from community.core.time import local_zone, utc_to_local
from community.core.writes import update_row
from community.events.models import Event, ReceptionSlot, Registration, RegistrationState
from community.extensions import db
from community.notifications.models import NotificationKind
from community.notifications.services import notify
from community.pledges.models import Deputy

BATCH = 200  # overdue appeals told per pass; the next pass goes on


def _local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a local day starts and ends at."""
    start = datetime.combine(day, time(), tzinfo=local_zone())
    return start, start + timedelta(days=1)


def remind_of_tomorrow(now: datetime | None = None) -> int:
    """Remind the registered (not the waiting list) of tomorrow's published, uncancelled events, and each resident
    of a reception slot they booked for tomorrow; returns how many were told."""
    today = utc_to_local(now or utcnow()).date()
    start, end = _local_day_bounds(today + timedelta(days=1))
    events = db.session.execute(
        db.select(Event.id, Event.organiser_id).where(
            Event.starts_at >= start,
            Event.starts_at < end,
            Event.published_at.is_not(None),
            Event.cancelled_at.is_(None),
        )
    ).all()
    told = 0
    for event_id, organiser_id in events:
        going = db.select(Registration.user_id).where(
            Registration.event_id == event_id, Registration.state == RegistrationState.GOING
        )
        told += notify(
            db.session.scalars(going),
            NotificationKind.EVENT_REMINDER,
            key=f"event-reminder-{event_id}",
            actor_id=organiser_id,
            event_id=event_id,
        )
    slots = db.session.execute(
        db.select(ReceptionSlot.id, ReceptionSlot.user_id, ReceptionSlot.event_id, ReceptionSlot.topic)
        .join(Event, Event.id == ReceptionSlot.event_id)
        .where(
            ReceptionSlot.starts_at >= start,
            ReceptionSlot.starts_at < end,
            ReceptionSlot.user_id.is_not(None),
            Event.cancelled_at.is_(None),
        )
    ).all()
    for slot_id, user_id, event_id, topic in slots:
        told += notify(
            [user_id],
            NotificationKind.SLOT_REMINDER,
            key=f"slot-reminder-{slot_id}",
            excerpt=topic,
            event_id=event_id,
        )
    return told


def tell_of_overdue_appeals(now: datetime | None = None) -> int:
    """Tell each addressee (and their assistant) once of an appeal whose term has passed without an answer; a term
    moved by a stopped clock is a new term, so its passing is told again. Each appeal is claimed by moving its
    `overdue_told_on` to its term (a guarded write, committed at once), so a pass reads only the newly overdue
    ones and two passes at once tell nobody twice. Returns how many were told."""
    today = utc_to_local(now or utcnow()).date()
    untold = or_(Appeal.overdue_told_on.is_(None), Appeal.overdue_told_on != Appeal.due_on)
    overdue = db.session.execute(
        db.select(Appeal.id, Appeal.due_on, Deputy.user_id, Deputy.assistant_id)
        .join(Deputy, Deputy.id == Appeal.deputy_id)
        .where(AWAITING, Appeal.due_on < today, untold)  # the partial index's own condition, so it is used
        .order_by(Appeal.due_on)
        .limit(BATCH)
    ).all()
    db.session.commit()
    told = 0
    for appeal_id, due_on, user_id, assistant_id in overdue:
        if update_row(Appeal, appeal_id, Appeal.due_on == due_on, untold, overdue_told_on=due_on):
            told += notify(
                [user_id, assistant_id],
                NotificationKind.APPEAL_OVERDUE,
                key=f"appeal-overdue-{appeal_id}-{due_on.isoformat()}",
                appeal_id=appeal_id,
            )
        db.session.commit()
    return told
