"""What the clock causes, written by the job: the day-before reminders of a registered event and a booked
reception slot, and the word to a deputy of an appeal past its term; each once, however often the job runs."""

from datetime import timedelta

from community.core.db import utcnow
from community.events.models import ReceptionSlot
from community.events.services import register
from community.extensions import db
from community.notifications.delivery import run_pass
from community.notifications.models import Notification, NotificationKind
from tests.factories import book_for, create_appeal, create_event, create_reception, create_user


def kinds_of(user) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(db.select(Notification).where(Notification.user_id == user.id))
    return [row.kind.value for row in rows]


def test_the_registered_are_reminded_the_day_before_once_and_the_waiting_list_is_not(resident, village):
    organiser = create_user("moderator")
    event = create_event(organiser, village, capacity=1, starts_at=utcnow() + timedelta(days=1, hours=1))
    waiting = create_user("resident")
    register(resident, event)
    register(waiting, event)
    db.session.commit()
    far = create_event(organiser, village, starts_at=utcnow() + timedelta(days=5))
    register(resident, far)
    db.session.commit()
    run_pass(now=event.starts_at - timedelta(hours=25))
    run_pass(now=event.starts_at - timedelta(hours=24))
    assert kinds_of(resident) == ["event_reminder"]
    assert kinds_of(waiting) == []


def test_a_booked_slot_is_reminded_the_day_before(resident, deputy, village):
    reception = create_reception(deputy, village, starts_at=(utcnow() + timedelta(days=1)).replace(microsecond=0))
    slot = db.session.scalars(db.select(ReceptionSlot).where(ReceptionSlot.event_id == reception.id)).first()
    book_for(resident, slot)
    run_pass(now=slot.starts_at - timedelta(hours=24))
    run_pass(now=slot.starts_at - timedelta(hours=23))
    assert kinds_of(resident).count("slot_reminder") == 1


def test_an_appeal_past_its_term_is_told_to_the_deputy_once(resident, deputy_profile, village):
    appeal = create_appeal(resident, deputy_profile, village)
    later = utcnow() + timedelta(days=40)
    run_pass(now=later)
    run_pass(now=later + timedelta(hours=1))
    assert kinds_of(deputy_profile.user).count(NotificationKind.APPEAL_OVERDUE.value) == 1
    assert NotificationKind.APPEAL_OVERDUE.value not in kinds_of(resident)
    assert appeal.id


def test_a_pass_reads_only_the_newly_overdue_and_a_new_term_is_told_again(resident, deputy_profile, village):
    appeal = create_appeal(resident, deputy_profile, village)
    later = utcnow() + timedelta(days=40)
    assert run_pass(now=later).reminded == 1
    db.session.refresh(appeal)
    assert appeal.overdue_told_on == appeal.due_on
    assert run_pass(now=later).reminded == 0
    appeal.due_on = appeal.due_on + timedelta(days=3)  # the clock stopped and started again: a new term
    db.session.commit()
    assert run_pass(now=later).reminded == 1
