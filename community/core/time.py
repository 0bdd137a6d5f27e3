"""The region's local time (Asia/Almaty, from current tz data): forms take local times, the database keeps UTC."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    """The site's time zone, from the BABEL_DEFAULT_TIMEZONE setting."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    """Today's date in the region."""
    return datetime.now(local_zone()).date()


def _calendar_end(value: datetime) -> datetime:
    """The first or last moment Python's calendar holds, whichever value is near: a zone's offset carries a time
    within hours of year 1 or year 9999 past the calendar's end."""
    return datetime.min if value.year == datetime.min.year else datetime.max


def local_to_utc(value: datetime | None) -> datetime | None:
    """A time typed in local time (naive, as a form gives it), as an aware UTC time; never raises (the forms keep
    times within sensible years, and a time at the calendar's very ends stays at that end)."""
    if value is None:
        return None
    try:
        return value.replace(tzinfo=local_zone()).astimezone(timezone.utc)
    except OverflowError:
        return _calendar_end(value).replace(tzinfo=timezone.utc)


def utc_to_local(value: datetime | None) -> datetime | None:
    """A stored time as naive local time, the way a form field shows it; never raises, as local_to_utc."""
    if value is None:
        return None
    try:
        return value.astimezone(local_zone()).replace(tzinfo=None)
    except OverflowError:
        return _calendar_end(value)
