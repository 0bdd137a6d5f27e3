"""Event pages: the list, an event with its registration button, organising, attendance, reports, calendars."""

from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from community.core.db import utcnow
from community.core.exports import csv_response, file_response
from community.core.forms import INVALID, ReasonForm
from community.core.htmx import fragment_or_redirect, redirect_to, render
from community.core.lists import id_arg
from community.core.pagecache import shared_with_visitors
from community.core.permissions import can_manage_event, can_organise_events, can_register, ensure
from community.core.security import action_limit, user_or_address_key
from community.core.states import MoveRefused
from community.core.text import stored_excerpt
from community.core.time import local_to_utc, local_zone, utc_to_local
from community.core.urls import absolute_url, site_host
from community.events import bp
from community.events.forms import AttendanceForm, EventForm, ReportForm
from community.events.models import EventKind, RegistrationState
from community.events.queries import month_view, organisers
from community.events.receptions import open_slots, own_slot, reception_slots
from community.events.services import (
    EventFilters,
    attendance_count,
    cancel_event,
    cancel_registration,
    create_event,
    edit_event,
    event_or_404,
    event_page,
    filtered_events,
    mark_attendance,
    publish_event,
    register,
    registrants,
    registration_of,
    waiting_position,
)
from community.extensions import db, limiter
from community.notifications.follow_views import answer_follow
from community.notifications.models import FollowTarget
from community.places.services import all_localities, tree_order
from community.pledges.queries import all_deputies


@bp.get("/events/")
@shared_with_visitors
def index():
    """Upcoming or past events, by locality and kind; anyone may look."""
    filters = EventFilters.from_args(request.args)
    return render(
        "events/index.html",
        block="results",
        filters=filters,
        pagination=event_page(filters),
        kinds=list(EventKind),
        localities=tree_order(all_localities()),
        organisers=organisers(),
    )


@bp.get("/events/calendar")
@shared_with_visitors
def month():
    """A month of events as a calendar (an agenda on phones); months change with htmx or plain links."""
    zone = local_zone()
    filters = EventFilters.from_args(request.args)
    asked = request.args.get("month", "")
    today = utcnow().astimezone(zone).date()
    year, number = today.year, today.month
    if len(asked) == 7 and asked[4] == "-" and asked[:4].isdecimal() and asked[5:].isdecimal():
        if 2000 <= int(asked[:4]) <= 2100 and 1 <= int(asked[5:]) <= 12:
            year, number = int(asked[:4]), int(asked[5:])
    return render(
        "events/calendar.html",
        block="month",
        filters=filters,
        today=today,
        view=month_view(filters, year, number, zone),
    )


def _event_context(event, reason_form=None, chosen=None, booking_form=None) -> dict:
    registration = registration_of(current_user, event)
    slots = reception_slots(event) if event.kind is EventKind.PUBLIC_RECEPTION else []
    position = (
        waiting_position(registration) if registration and registration.state is RegistrationState.WAITING else None
    )
    from community.dialogues.queries import sessions_of_event

    return {
        "event": event,
        "registration": registration,
        "position": position,
        "dialogues": sessions_of_event(event.id),
        "attended": attendance_count(event) if event.report else 0,
        "reason_form": reason_form or ReasonForm(formdata=None),
        "slots": slots,
        "own_slot": own_slot(slots, current_user),
        "chosen": chosen,  # the free time a resident is booking, whose topic form the slots section shows
        "booking_form": booking_form,
        "now": utcnow(),
    }


@bp.get("/events/<int:event_id>")
@shared_with_visitors
def show(event_id: int):
    """An event with its place, time, places left and the registration button; anyone may look."""
    event = event_or_404(event_id, current_user)
    return render("events/show.html", block="registration", **_event_context(event))


@bp.post("/events/<int:event_id>/register", endpoint="register")
@bp.post("/events/<int:event_id>/unregister", endpoint="unregister")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def registration(event_id: int):
    """Register (a place or the waiting list) or give the place up; the button swaps in place with htmx."""
    event = event_or_404(event_id, current_user)
    leaving = request.endpoint.endswith(".unregister")
    ensure(True if leaving else can_register(current_user, event))
    if leaving:
        cancel_registration(current_user, event)
        message = _("You are no longer registered.")
    else:
        placed = register(current_user, event).state is RegistrationState.GOING
        message = _("You are registered. See you there!") if placed else _("You are on the waiting list.")
    db.session.commit()
    return fragment_or_redirect(
        lambda: render(
            "events/show.html",
            block="registration",
            follow_oob=not leaving,  # registering followed the event: its button changes too
            **_event_context(event_or_404(event_id, current_user)),
        ),
        url_for("events.show", event_id=event.id),
        message,
    )


@bp.post("/events/<int:event_id>/follow", endpoint="follow_event")
@bp.post("/events/<int:event_id>/unfollow", endpoint="unfollow_event")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def follow_event(event_id: int):
    """Follow a published event (to hear of a new time or place, or its cancelling) or stop; signed-in users."""
    event = event_or_404(event_id, current_user)
    return answer_follow(FollowTarget.EVENT, event, url_for("events.show", event_id=event.id))


@bp.route("/events/new", methods=["GET", "POST"])
def new():
    """Announce an event: deputies, moderators and admins."""
    ensure(can_organise_events(current_user))
    form = EventForm()
    form.load_choices(all_deputies())
    if form.validate_on_submit():
        fields = _event_fields(form)
        event = create_event(
            current_user, publish=form.publish.data, **{k: v for k, v in fields.items() if k != "deputies"}
        )
        event.deputies = fields["deputies"]
        if form.slot_minutes.data:
            open_slots(event, form.slot_minutes.data)
        db.session.commit()
        flash(_("The event is announced.") if form.publish.data else _("The draft is saved."), "success")
        return redirect_to(url_for("events.show", event_id=event.id))
    status = INVALID if form.is_submitted() else 200
    return render("events/new.html", block="form", status=status, form=form, event=None)


def _event_fields(form: EventForm) -> dict:
    """The event's details from a valid form, times turned into UTC."""
    chosen = {int(value) for value in form.deputies.data or []}
    return {
        "title": form.title.data,
        "kind": EventKind(form.kind.data),
        "description": form.description.data or "",
        "starts_at": local_to_utc(form.starts_at.data),
        "ends_at": local_to_utc(form.ends_at.data),
        "registration_closes_at": local_to_utc(form.registration_closes_at.data),
        "locality_id": form.locality.data,
        "address": form.address.data or "",
        "room": form.room.data or "",
        "online_url": form.online_url.data or "",
        "capacity": form.capacity.data,
        "deputies": [deputy for deputy in all_deputies() if deputy.id in chosen],
    }


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    """Change an event: its organiser, moderators and admins. More places move the waiting list up."""
    event = event_or_404(event_id, current_user)
    ensure(can_manage_event(current_user, event))
    local = {name: utc_to_local(getattr(event, name)) for name in ("starts_at", "ends_at", "registration_closes_at")}
    form = EventForm(
        data={
            "title": event.title,
            "kind": event.kind.value,
            "description": event.description,
            "locality": event.locality_id,
            "address": event.address,
            "room": event.room,
            "online_url": event.online_url,
            "capacity": event.capacity,
            "deputies": [str(deputy.id) for deputy in event.deputies],
            "publish": event.published_at is not None,
            **local,
        }
    )
    form.load_choices(all_deputies())
    if form.validate_on_submit():
        edit_event(event, current_user, **_event_fields(form))
        if form.slot_minutes.data:
            open_slots(event, form.slot_minutes.data)
        if form.publish.data:
            publish_event(event, current_user)
        db.session.commit()
        flash(_("The event is saved."), "success")
        return redirect_to(url_for("events.show", event_id=event.id))
    status = INVALID if form.is_submitted() else 200
    return render("events/new.html", block="form", status=status, form=form, event=event)


@bp.post("/events/<int:event_id>/publish")
def publish(event_id: int):
    """Publish a draft so residents can see it and register: its organiser, moderators and admins."""
    event = event_or_404(event_id, current_user)
    ensure(can_manage_event(current_user, event))
    publish_event(event, current_user)
    db.session.commit()
    flash(_("The event is published."), "success")
    return redirect_to(url_for("events.show", event_id=event.id))


@bp.post("/events/<int:event_id>/cancel")
def cancel(event_id: int):
    """Cancel an event with a reason: its organiser, moderators and admins."""
    event = event_or_404(event_id, current_user)
    ensure(can_manage_event(current_user, event))
    form = ReasonForm()
    if not form.validate_on_submit():
        return render("events/show.html", status=INVALID, **_event_context(event, reason_form=form))
    cancel_event(event, form.reason.data, current_user)
    db.session.commit()
    flash(_("The event is cancelled."), "success")
    return redirect_to(url_for("events.show", event_id=event.id))


@bp.route("/events/<int:event_id>/registrants", methods=["GET", "POST"])
def registrant_list(event_id: int):
    """The registrants and the waiting list, and attendance after the start: organiser, moderators, admins."""
    event = event_or_404(event_id, current_user)
    ensure(can_manage_event(current_user, event))
    if request.method == "POST":
        form = AttendanceForm()
        if not form.validate_on_submit():
            abort(400)
        if utcnow() < event.starts_at:
            raise MoveRefused(_("Attendance can be marked once the event has started."))
        present = {number for value in request.form.getlist("attended") if (number := id_arg(value))}
        came = mark_attendance(event, present)
        db.session.commit()
        flash(ngettext("%(num)d person attended.", "%(num)d people attended.", came), "success")
        return redirect_to(url_for("events.registrant_list", event_id=event.id))
    return render("events/registrants.html", event=event, lists=registrants(event), started=utcnow() >= event.starts_at)


@bp.get("/events/<int:event_id>/registrants.csv")
def registrants_csv(event_id: int):
    """The registrants as CSV: organiser, moderators, admins."""
    event = event_or_404(event_id, current_user)
    ensure(can_manage_event(current_user, event))
    lists = registrants(event)
    rows = (
        [
            registration.user.display_name,
            registration.user.email,
            registration.state.value,
            registration.queued_at.isoformat(),
            "" if registration.attended is None else ("yes" if registration.attended else "no"),
        ]
        for registration in lists["going"] + lists["waiting"]
    )
    header = ["name", "email", "state", "registered_at", "attended"]
    return csv_response(header, rows, filename=f"event-{event.id}-registrants.csv")


@bp.route("/events/<int:event_id>/report", methods=["GET", "POST"])
def report(event_id: int):
    """Write the report after the event (Markdown): organiser, moderators, admins."""
    event = event_or_404(event_id, current_user)
    ensure(can_manage_event(current_user, event))
    form = ReportForm(data={"report": event.report})
    if form.validate_on_submit():
        event.report = form.report.data
        db.session.commit()
        flash(_("The report is published."), "success")
        return redirect_to(url_for("events.show", event_id=event.id))
    status = INVALID if form.is_submitted() else 200
    return render(
        "events/report.html", block="form", status=status, form=form, event=event, attended=attendance_count(event)
    )


def _calendar(events, slot=None) -> bytes:
    """Events as an iCalendar file (RFC 5545) with times in Asia/Almaty and stable UIDs; with a booked slot, the one
    event's entry is that time, its topic the description."""
    zone = local_zone()
    calendar = Calendar()
    calendar.add("prodid", f"-//{current_app.config['SITE_NAME']}//events//KK")
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", str(zone))
    host = site_host()
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"reception-slot-{slot.id}@{host}" if slot else f"event-{event.id}@{host}")
        entry.add("summary", event.title)
        entry.add("dtstart", (slot or event).starts_at.astimezone(zone))
        entry.add("dtend", (slot or event).ends_at.astimezone(zone))
        entry.add("dtstamp", (slot.booked_at if slot else None) or event.created_at)
        entry.add("location", ", ".join(part for part in (event.address, event.room) if part) or event.online_url)
        entry.add("description", slot.topic if slot else stored_excerpt(event, "description", 1000))
        entry.add("url", absolute_url("events.show", event_id=event.id))
        entry.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()


@bp.get("/events/<int:event_id>.ics")
def event_ics(event_id: int):
    """One event as a calendar file."""
    return file_response(_calendar([event_or_404(event_id, current_user)]), "text/calendar", f"event-{event_id}.ics")


@bp.get("/events.ics")
def feed_ics():
    """A subscribable calendar of upcoming events with the list's filters."""
    filters = EventFilters.from_args(request.args)
    events = db.session.scalars(filtered_events(filters).limit(500))
    return file_response(_calendar(events), "text/calendar", "events.ics")
