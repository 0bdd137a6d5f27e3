"""The answer's term in working days: weekends and Kazakhstan's public holidays (from the holidays library) do not
count, and the days the deputy waits for the author stop the clock."""

from datetime import date, datetime, timezone
from unittest import mock

import pytest

from community.appeals.models import Appeal, AppealState
from community.appeals.services import add_details, answer_appeal, ask_for_details
from community.core.workdays import add_working_days, is_working_day, working_days_between
from community.extensions import db
from tests.factories import create_appeal


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 11, 27), True),  # a Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 12, 16), False),  # Independence Day
        (date(2026, 3, 23), False),  # Nauryz
        (date(2027, 1, 1), False),  # New Year
        (date(2026, 12, 17), True),
    ],
)
def test_working_days(day, working):
    assert is_working_day(day) is working


def test_a_term_skips_weekends_and_holidays():
    # From Monday 14 December 2026: the 16th is Independence Day, the 19th and 20th a weekend.
    assert add_working_days(date(2026, 12, 14), 1) == date(2026, 12, 15)
    assert add_working_days(date(2026, 12, 14), 2) == date(2026, 12, 17)
    assert add_working_days(date(2026, 12, 14), 4) == date(2026, 12, 21)
    assert working_days_between(date(2026, 12, 14), date(2026, 12, 21)) == 4
    assert working_days_between(date(2026, 12, 21), date(2026, 12, 14)) == 0
    # Fifteen working days from Friday 27 November 2026 (16 December is a holiday).
    assert add_working_days(date(2026, 11, 27), 15) == date(2026, 12, 21)


def at(day: date, hour: int = 6):
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def test_the_deadline_waits_while_the_author_does(resident, deputy, deputy_profile, village):
    monday = date(2026, 12, 7)
    with mock.patch("community.appeals.services.local_today", return_value=monday):
        appeal = create_appeal(resident, deputy_profile, village)
    appeal.created_at = at(monday)
    db.session.commit()
    assert appeal.due_on == add_working_days(monday, 15)
    with mock.patch("community.appeals.services.utcnow", return_value=at(date(2026, 12, 9))):
        ask_for_details(appeal, deputy, "Мекенжайыңызды жазыңыз.")
    db.session.commit()
    # The author answers a week later: five working days, one of them a holiday, so four stopped days.
    with mock.patch("community.appeals.services.local_today", return_value=date(2026, 12, 16)):
        add_details(appeal, resident, "Абай көшесі, 5.")
    db.session.commit()
    db.session.expire_all()
    appeal = db.session.get(Appeal, appeal.id)
    assert appeal.stopped_days == working_days_between(date(2026, 12, 9), date(2026, 12, 16)) == 4
    assert appeal.due_on == add_working_days(add_working_days(monday, 15), 4)
    assert appeal.state is AppealState.RECEIVED
    with mock.patch("community.appeals.services.utcnow", return_value=at(date(2026, 12, 18))):
        answer_appeal(appeal, deputy, "Жөндейміз.")
    db.session.commit()
    db.session.expire_all()
    appeal = db.session.get(Appeal, appeal.id)
    # After Monday 7th up to Friday 18th: eight working days (the 16th a holiday), four of them stopped.
    assert appeal.answer_days == 8 - 4


def test_overdue_shows_on_both_sides(client_as, resident, deputy, deputy_profile, village):
    appeal = create_appeal(resident, deputy_profile, village, subject="Мерзімі өткен өтініш")
    appeal.due_on = date(2026, 1, 5)
    db.session.commit()
    for who in (resident, deputy):
        page = client_as(who).get(f"/appeals/{appeal.id}?lang=en").get_data(as_text=True)
        assert "Overdue: the answer was due by" in page
    inbox = client_as(deputy).get("/appeals/inbox?tab=overdue").get_data(as_text=True)
    assert "Мерзімі өткен өтініш" in inbox
