"""Event reads beside the list: the month calendar, the organisers for the list's filter, and the events a
dialogue session may be linked to."""

from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.core.db import utcnow
from community.events.models import Event
from community.events.services import EventFilters
from community.extensions import db
from community.places.services import within


def month_view(filters: EventFilters, year: int, month: int, zone) -> dict:
    """The weeks of a month (Monday first) with each day's events, in Almaty time, from one query."""
    import calendar
    from datetime import date, datetime

    first = datetime(year, month, 1, tzinfo=zone)
    following = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    statement = (
        db.select(Event)
        .options(joinedload(Event.locality))
        .where(
            Event.published_at.is_not(None),
            Event.starts_at >= first,
            Event.starts_at < following,
        )
        .order_by(Event.starts_at, Event.id)
    )
    statement = within(statement, Event.locality_id, filters.locality)
    if filters.kind:
        statement = statement.where(Event.kind == filters.kind)
    if filters.organiser:
        statement = statement.where(Event.organiser_id == filters.organiser.id)
    by_day: dict[date, list[Event]] = {}
    for event in db.session.scalars(statement):
        by_day.setdefault(event.starts_at.astimezone(zone).date(), []).append(event)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    previous = (year - (month == 1), (month - 2) % 12 + 1)
    return {
        "weeks": weeks,
        "by_day": by_day,
        "first": first.date(),
        "month": month,
        "previous": f"{previous[0]:04d}-{previous[1]:02d}",
        "next": f"{following.year:04d}-{following.month:02d}",
        "events": [event for day in sorted(by_day) for event in by_day[day]],
    }


def organisers() -> list[User]:
    """People who have organised published events, for the list's filter."""
    return list(
        db.session.scalars(
            db.select(User)
            .where(User.id.in_(db.select(Event.organiser_id).where(Event.published_at.is_not(None))))
            .order_by(User.display_name)
        )
    )


def recent_and_upcoming_events(days: int = 60) -> list[Event]:
    """Published events from the last weeks and to come, soonest first, for linking a dialogue session."""
    from datetime import timedelta

    return list(
        db.session.scalars(
            db.select(Event)
            .where(Event.published_at.is_not(None), Event.starts_at >= utcnow() - timedelta(days=days))
            .order_by(Event.starts_at, Event.id)
            .limit(200)
        )
    )
