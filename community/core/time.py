"""The region's local time (Asia/Almaty, from current tz data): forms take local times, the database keeps UTC."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    """The site's time zone, from the BABEL_DEFAULT_TIMEZONE setting."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_to_utc(value: datetime | None) -> datetime | None:
    """A time typed in local time (naive, as a form gives it), as an aware UTC time."""
    if value is None:
        return None
    return value.replace(tzinfo=local_zone()).astimezone(timezone.utc)


def utc_to_local(value: datetime | None) -> datetime | None:
    """A stored time as naive local time, the way a form field shows it."""
    if value is None:
        return None
    return value.astimezone(local_zone()).replace(tzinfo=None)
