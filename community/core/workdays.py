"""Working days in Kazakhstan: weekends and the public holidays (with the days off moved for them) are not counted.

The holidays come from the maintained `holidays` library, read once per year asked for; nothing here is a
hand-written list. Terms such as an appeal's answer are counted in working days from the day after it began.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

COUNTRY = "KZ"
LONGEST_TERM = 3_660  # working days; no term is longer, so a loop over days always ends


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[date]:
    """The public holidays and days off of one year."""
    return frozenset(holidays.country_holidays(COUNTRY, years=year))


def is_working_day(day: date) -> bool:
    """True for a weekday that is neither a public holiday nor a day off given for one."""
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def add_working_days(start: date, days: int) -> date:
    """The day on which a term of `days` working days that began on `start` ends (`start` itself not counted)."""
    if not 0 <= days <= LONGEST_TERM:
        raise ValueError(f"a term of {days} working days")
    day = start
    while days:
        day += timedelta(days=1)
        days -= is_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days passed after `start` up to and including `end` (0 when end is not after start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
