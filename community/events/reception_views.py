"""Reception-day pages: booking a time from the event page, giving it back, its calendar file, and the day's list
where those who run it open times and mark visits held or missed."""

from flask import abort, current_app, flash, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from community.core.db import utcnow
from community.core.exports import file_response
from community.core.htmx import fragment_or_redirect, redirect_to, render, wants_fragment
from community.core.i18n import format_when
from community.core.permissions import (
    can_book_slot,
    can_cancel_booking,
    can_manage_reception,
    can_see_booking,
    ensure,
)
from community.core.security import action_limit, user_or_address_key
from community.core.states import MoveRefused
from community.events import bp
from community.events.forms import BookingForm, SlotsForm
from community.events.models import VisitOutcome
from community.events.receptions import (
    book_slot,
    booking_to_appeal,
    cancel_booking,
    mark_visit,
    open_slots,
    reception_or_404,
    reception_slots,
    remove_slot,
    slot_or_404,
)
from community.events.services import event_or_404
from community.events.views import INVALID, _calendar, _event_context
from community.extensions import db, limiter


def _slots_section(event_id: int):
    """The event page's slots section, fresh, as htmx swaps it in after a booking step."""
    return render("events/show.html", block="slots", **_event_context(event_or_404(event_id, current_user)))


def _day_list(event_id: int):
    """The reception day's list on its own page, fresh, as htmx swaps it in after a mark or a removal."""
    return render("events/slots.html", block="day", **_day_context(reception_or_404(event_id, current_user)))


def _refused(refusal: MoveRefused, fragment, location: str):
    """A booking step the time no longer allows (taken meanwhile, begun, one a day): htmx gets the fresh section with
    the reason said as an error; a plain request the 409 page that says it."""
    if not wants_fragment():
        raise refusal
    db.session.rollback()
    return fragment_or_redirect(fragment, location, refusal.message, "error")


@bp.route("/events/<int:event_id>/slots/<int:slot_id>/book", methods=["GET", "POST"])
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def book(event_id: int, slot_id: int):
    """Book a free time of a reception day with a short topic (GET shows the form for it): signed-in, unsuspended
    residents while registration is open, one time a day. The slots section swaps in place with htmx."""
    event = reception_or_404(event_id, current_user)
    slot = slot_or_404(event, slot_id)
    ensure(can_book_slot(current_user, event))
    form = BookingForm()
    if not form.validate_on_submit():
        status = INVALID if form.is_submitted() else 200
        context = _event_context(event, chosen=slot, booking_form=form)
        return render("events/show.html", block="slots", status=status, **context)
    location = url_for("events.show", event_id=event.id, _anchor="slots")
    try:
        book_slot(current_user, slot, form.topic.data)
    except MoveRefused as refusal:
        return _refused(refusal, lambda: _slots_section(event_id), location)
    db.session.commit()
    when = slot.starts_at
    message = _("Your time is booked: %(when)s. See you there!", when=format_when(when, "list"))
    return fragment_or_redirect(lambda: _slots_section(event_id), location, message)


@bp.post("/events/<int:event_id>/slots/<int:slot_id>/cancel")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def cancel_slot(event_id: int, slot_id: int):
    """Give one's booked time back before it begins: its booker (a repeat changes nothing). The slots section swaps
    in place with htmx."""
    event = reception_or_404(event_id, current_user)
    slot = slot_or_404(event, slot_id)
    ensure(can_cancel_booking(current_user, slot) or slot.is_free)  # free: given back already, by this very form
    location = url_for("events.show", event_id=event.id, _anchor="slots")
    try:
        cancelled = cancel_booking(current_user, slot)
    except MoveRefused as refusal:
        return _refused(refusal, lambda: _slots_section(event_id), location)
    db.session.commit()
    message = _("Your booking is cancelled.") if cancelled else _("You have no booking at this time.")
    return fragment_or_redirect(lambda: _slots_section(event_id), location, message, "success" if cancelled else "info")


@bp.get("/events/<int:event_id>/slots/<int:slot_id>.ics")
def slot_ics(event_id: int, slot_id: int):
    """A booked time as a calendar file: its booker and those who run the day; to anyone else it does not exist."""
    event = reception_or_404(event_id, current_user)
    slot = slot_or_404(event, slot_id)
    if slot.is_free or not can_see_booking(current_user, slot):
        abort(404)
    return file_response(_calendar([event], slot), "text/calendar", f"reception-{event.id}-{slot.id}.ics")


def _day_context(event, form=None) -> dict:
    """What the day's page shows: its times with their bookers, the form that cuts the day, the clock."""
    return {
        "event": event,
        "slots": reception_slots(event),
        "form": form or SlotsForm(formdata=None),
        "now": utcnow(),
        "outcomes": list(VisitOutcome),
    }


@bp.route("/events/<int:event_id>/slots", methods=["GET", "POST"])
def slots(event_id: int):
    """A reception day's times with who booked them and why, marks for visits held or missed, and the form that cuts
    the day into times: the organiser, moderators, admins and the deputies taking part."""
    event = reception_or_404(event_id, current_user)
    ensure(can_manage_reception(current_user, event))
    form = SlotsForm(span=(event.starts_at, event.ends_at))
    if form.validate_on_submit():
        added = open_slots(event, form.slot_minutes.data)
        db.session.commit()
        flash(ngettext("%(num)d time opened for booking.", "%(num)d times opened for booking.", added), "success")
        return redirect_to(url_for("events.slots", event_id=event.id))
    status = INVALID if form.is_submitted() else 200
    return render("events/slots.html", block="day", status=status, **_day_context(event, form))


@bp.post("/events/<int:event_id>/slots/<int:slot_id>/<any(held, missed):outcome>")
def mark_slot(event_id: int, slot_id: int, outcome: str):
    """Mark a booked visit held or missed once its time has begun: those who run the day. The list swaps in place."""
    event = reception_or_404(event_id, current_user)
    ensure(can_manage_reception(current_user, event))
    slot = slot_or_404(event, slot_id)
    location = url_for("events.slots", event_id=event.id)
    try:
        mark_visit(slot, VisitOutcome(outcome))
    except MoveRefused as refusal:
        return _refused(refusal, lambda: _day_list(event_id), location)
    db.session.commit()
    message = _("The visit is marked held.") if outcome == "held" else _("The visit is marked missed.")
    return fragment_or_redirect(lambda: _day_list(event_id), location, message)


@bp.post("/events/<int:event_id>/slots/<int:slot_id>/appeal")
def slot_appeal(event_id: int, slot_id: int):
    """Track a topic raised at the reception as the visitor's private appeal to the reception's deputy, in one step:
    those who run the day. The list swaps in place."""
    event = reception_or_404(event_id, current_user)
    ensure(can_manage_reception(current_user, event))
    slot = slot_or_404(event, slot_id)
    location = url_for("events.slots", event_id=event.id)
    try:
        booking_to_appeal(slot, current_user)
    except MoveRefused as refusal:
        return _refused(refusal, lambda: _day_list(event_id), location)
    db.session.commit()
    message = _(
        "The topic is now the visitor's appeal; the answer is due in %(days)d working days.",
        days=current_app.config["APPEAL_ANSWER_DAYS"],
    )
    return fragment_or_redirect(lambda: _day_list(event_id), location, message)


@bp.post("/events/<int:event_id>/slots/<int:slot_id>/remove")
def remove_free_slot(event_id: int, slot_id: int):
    """Take a free time off the day (a booked one stays): those who run the day. The list swaps in place."""
    event = reception_or_404(event_id, current_user)
    ensure(can_manage_reception(current_user, event))
    slot = slot_or_404(event, slot_id)
    location = url_for("events.slots", event_id=event.id)
    try:
        remove_slot(slot)
    except MoveRefused as refusal:
        return _refused(refusal, lambda: _day_list(event_id), location)
    db.session.commit()
    return fragment_or_redirect(lambda: _day_list(event_id), location, _("The time is removed."))
