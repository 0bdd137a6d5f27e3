"""Reception days: a public reception's time cut into slots, each booked by one resident with a short topic; a slot
is taken by a guarded write while it is free, a resident holds one a day, and the deputy marks each visit."""

from datetime import timedelta

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.core.db import utcnow
from community.core.states import MoveRefused
from community.core.writes import add_once, remove_once, update_row
from community.events.models import Event, EventKind, ReceptionSlot, VisitOutcome
from community.events.services import event_or_404
from community.extensions import db

SLOTS_A_DAY = 200  # more would be a reception of days, or slots too short to talk in
ONE_A_DAY = _l("You already have a time at this reception. Cancel it first to choose another.")
TAKEN = _l("Someone has just booked this time. Please choose another one.")
BEGUN = _l("This time has already begun.")


def reception_or_404(event_id: int, user=None) -> Event:
    """A public reception day, loaded as event_or_404 loads an event; 404 for another kind of event, or a draft this
    user may not see."""
    event = event_or_404(event_id, user)
    if event.kind is not EventKind.PUBLIC_RECEPTION:
        abort(404)
    return event


def reception_slots(event: Event) -> list[ReceptionSlot]:
    """A reception day's times in order, with their bookers loaded (who may see them is the template's rule)."""
    return list(
        db.session.scalars(
            db.select(ReceptionSlot)
            .where(ReceptionSlot.event_id == event.id)
            .options(joinedload(ReceptionSlot.user), joinedload(ReceptionSlot.appeal))
            .order_by(ReceptionSlot.starts_at)
        )
    )


def slot_or_404(event: Event, slot_id: int) -> ReceptionSlot:
    """One time of this reception day; 404 when there is none, or it belongs to another day."""
    slot = db.session.scalar(
        db.select(ReceptionSlot).where(ReceptionSlot.id == slot_id, ReceptionSlot.event_id == event.id)
    )
    if slot is None:
        abort(404)
    return slot


def own_slot(slots: list[ReceptionSlot], user) -> ReceptionSlot | None:
    """The time a user booked among a day's slots, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return next((slot for slot in slots if slot.user_id == user.id), None)


def slot_grid(starts, ends, minutes: int) -> list[tuple]:
    """Whole slots of `minutes` from the start on, one after another until the end (a remainder too short for one is
    left over); (start, end) pairs, never more than SLOTS_A_DAY + 1 (enough to tell that there are too many)."""
    length = timedelta(minutes=minutes)
    grid = []
    at = starts
    while at + length <= ends and len(grid) <= SLOTS_A_DAY:
        grid.append((at, at + length))
        at += length
    return grid


def open_slots(event: Event, minutes: int) -> int:
    """Cut a reception day's time into free slots of `minutes`: free slots of another cut go, booked ones stay, and a
    new slot that would overlap one of them is left out, so cutting the same way again changes nothing. Returns how
    many slots were added. Flushes."""
    grid = slot_grid(event.starts_at, event.ends_at, minutes)[:SLOTS_A_DAY]
    wanted = set(grid)
    for slot in reception_slots(event):
        if slot.is_free and (slot.starts_at, slot.ends_at) not in wanted:
            remove_once(ReceptionSlot, id=slot.id, user_id=None)  # guarded: one booked meanwhile stays
    kept = list(
        db.session.scalars(
            db.select(ReceptionSlot)
            .where(ReceptionSlot.event_id == event.id)
            .execution_options(populate_existing=True)  # bookings as the database has them now
        )
    )
    added = 0
    for starts, ends in grid:
        if any(starts < slot.ends_at and slot.starts_at < ends for slot in kept):
            continue
        # The unique (event, start) makes a slot another request has just added a harmless repeat.
        added += add_once(ReceptionSlot(event_id=event.id, starts_at=starts, ends_at=ends))
    return added


def book_slot(user: User, slot: ReceptionSlot, topic: str) -> bool:
    """Take a free time for the user with their topic, by a guarded write while it is still free and to come; True
    when booked now, False when it was this user's already (a repeated form). MoveRefused when it has begun, someone
    else took it, or the user holds another time of the day. Flushes."""
    now = utcnow()
    if slot.starts_at <= now:
        raise MoveRefused(BEGUN)
    try:
        # The savepoint keeps the request's transaction usable when the unique (event, resident) refuses the write.
        with db.session.begin_nested():
            booked = update_row(
                ReceptionSlot,
                slot.id,
                ReceptionSlot.user_id.is_(None),
                ReceptionSlot.starts_at > now,
                user_id=user.id,
                topic=topic,
                booked_at=now,
            )
    except IntegrityError:
        raise MoveRefused(ONE_A_DAY) from None
    if booked:
        return True
    db.session.refresh(slot)
    if slot.user_id != user.id:
        raise MoveRefused(BEGUN if slot.starts_at <= now else TAKEN)
    return False


def cancel_booking(user: User, slot: ReceptionSlot) -> bool:
    """Give the user's booked time back before it begins, so another resident may take it; False when it was not
    theirs (given back already: a repeat changes nothing). MoveRefused once it has begun. Flushes."""
    now = utcnow()
    if update_row(
        ReceptionSlot,
        slot.id,
        ReceptionSlot.user_id == user.id,
        ReceptionSlot.starts_at > now,
        user_id=None,
        topic="",
        booked_at=None,
    ):
        return True
    if slot.user_id == user.id and slot.starts_at <= now:
        raise MoveRefused(_l("This time has already begun, so the booking can no longer be cancelled."))
    return False


def mark_visit(slot: ReceptionSlot, outcome: VisitOutcome) -> None:
    """Mark a booked visit held or missed (or correct the mark) once its time has begun. MoveRefused for a time still
    to come or one nobody booked. Flushes."""
    if slot.starts_at > utcnow():
        raise MoveRefused(_l("A visit can be marked once its time has begun."))
    if not update_row(ReceptionSlot, slot.id, ReceptionSlot.user_id.is_not(None), outcome=outcome):
        raise MoveRefused(_l("Nobody has booked this time."))


def remove_slot(slot: ReceptionSlot) -> None:
    """Take a free time off the day. MoveRefused when someone has booked it: a booked time stays. Flushes."""
    if not remove_once(ReceptionSlot, id=slot.id, user_id=None):
        raise MoveRefused(_l("Someone has booked this time, so it stays."))


NO_ADDRESSEE = _l("No deputy of this reception has an account to receive appeals.")


def reception_deputy(event: Event, by: User):
    """The deputy who receives the day's appeals: the one pressing the button, else the first of the reception's
    deputies with an account, else the organiser's own deputy profile; None when there is none."""
    from community.pledges.queries import deputy_for_user

    with_accounts = [deputy for deputy in event.deputies if deputy.user_id]
    mine = next((deputy for deputy in with_accounts if deputy.user_id == by.id), None)
    if mine or with_accounts:
        return mine or with_accounts[0]
    return deputy_for_user(event.organiser)


def booking_to_appeal(slot: ReceptionSlot, by: User):
    """Track the topic a resident raised at the reception as their private appeal to the reception's deputy, who
    heard it and now owes a written answer within the appeals' term; one appeal per booking, whoever presses first.
    Raises MoveRefused when there is no visitor, no deputy to receive it, or it is tracked already."""
    from community.appeals.models import AppealSource
    from community.appeals.services import acknowledge_appeal, send_appeal
    from community.core.time import utc_to_local
    from community.threads.models import Category

    event = slot.event
    deputy = reception_deputy(event, by)
    visitor = db.session.get(User, slot.user_id) if slot.user_id else None
    if visitor is None or slot.appeal_id is not None:
        raise MoveRefused()
    if deputy is None:
        raise MoveRefused(NO_ADDRESSEE)
    subject = slot.topic if len(slot.topic) >= 8 else f"{slot.topic} — {event.title}"
    appeal, new = send_appeal(
        visitor,
        deputy,
        f"reception-{slot.id}",  # one appeal per booking
        subject=subject[:160],
        body=f"{slot.topic}\n\n— {event.title}, {utc_to_local(slot.starts_at):%Y-%m-%d %H:%M}",  # one text for all
        category=Category.OTHER,
        locality_id=event.locality_id,
        public=False,
        source=AppealSource.RECEPTION,
    )
    if new:
        acknowledge_appeal(appeal, by)
    if not update_row(ReceptionSlot, slot.id, ReceptionSlot.appeal_id.is_(None), appeal_id=appeal.id):
        raise MoveRefused()
    return appeal
