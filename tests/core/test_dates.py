"""Dates and times as people write them, in Almaty time, in each language: a list's «2 желтоқсан, 15:00» (the year
only when it is not this year's, "today" and "yesterday" in words), a page's fuller form with the weekday and the
year, one day's span with the date written once; never seconds, never a two-digit year."""

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import render_template_string

from community.core import i18n
from community.core.i18n import day_span, format_day, format_when
from community.core.time import local_to_utc
from community.events.models import Event
from community.extensions import db
from tests.factories import create_event, create_thread

UTC = timezone.utc
TODAY = date(2026, 11, 28)  # in Almaty
EVENT = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 10:00 in Almaty, a Wednesday
LAST_YEAR = datetime(2025, 1, 15, 10, 0, 30, tzinfo=UTC)  # 15:00:30 in Almaty


@pytest.fixture
def today(monkeypatch):
    """Almaty's today held at TODAY, so "this year", "today" and "yesterday" do not move with the clock."""
    monkeypatch.setattr(i18n, "local_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def speak(app, today):
    """Run the formatters as a request in a language would."""

    def in_language(lang, function, *args, **kwargs):
        with app.test_request_context(f"/?lang={lang}"):
            return function(*args, **kwargs)

    return in_language


@pytest.mark.parametrize(
    "lang, this_year, other_year",
    [
        ("kk", "2 желтоқсан, 10:00", "2025 ж. 15 қаңтар, 15:00"),
        ("ru", "2 декабря, 10:00", "15 января 2025 г., 15:00"),
        ("en", "2 December, 10:00", "15 January 2025, 15:00"),
    ],
)
def test_a_list_gives_the_day_and_time_and_the_year_only_when_it_is_not_this_years(speak, lang, this_year, other_year):
    assert speak(lang, format_when, EVENT, "list") == this_year
    assert speak(lang, format_when, LAST_YEAR, "list") == other_year
    assert speak(lang, format_when, LAST_YEAR, "history") == other_year


@pytest.mark.parametrize(
    "lang, words",
    [
        ("kk", ("кеше", "бүгін", "ертең")),
        ("ru", ("вчера", "сегодня", "завтра")),
        ("en", ("yesterday", "today", "tomorrow")),
    ],
)
def test_yesterday_today_and_tomorrow_are_said_in_words_then_the_time(speak, lang, words):
    noon = local_to_utc_at(TODAY, 12, 5)
    said = [speak(lang, format_when, noon + timedelta(days=days), "list") for days in (-1, 0, 1)]
    assert said == [f"{word}, 12:05" for word in words]
    two_days_ago = speak(lang, format_when, noon - timedelta(days=2), "list")
    assert two_days_ago.endswith(", 12:05") and not two_days_ago.startswith(words)


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("kk", "2026 ж. 2 желтоқсан, сәрсенбі, 10:00"),
        ("ru", "среда, 2 декабря 2026 г., 10:00"),
        ("en", "Wednesday, 2 December 2026, 10:00"),
    ],
)
def test_a_pages_main_date_has_the_weekday_and_the_year(speak, lang, expected):
    assert speak(lang, format_when, EVENT, "page") == expected
    today_on_a_page = speak(lang, format_when, local_to_utc_at(TODAY, 9, 0), "page")
    assert "2026" in today_on_a_page and today_on_a_page.endswith(", 09:00")  # a page's date stays a date


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("style", ["list", "history", "page", "time", "short", "medium", "long", "full"])
def test_no_style_prints_seconds_or_a_two_digit_year(speak, lang, style):
    for moment in (EVENT.replace(second=45), LAST_YEAR, datetime(2031, 7, 9, 23, 59, 59, tzinfo=UTC)):
        text = speak(lang, format_when, moment, style)
        assert not re.search(r"\d:\d\d:\d\d", text), text
        assert not re.search(r"\d[./]\d", text), text  # no 02.12.26 or 12/2/26
        assert "AM" not in text and "PM" not in text and "+05" not in text
        if style not in ("time",) and moment.year != TODAY.year:
            assert str(moment.astimezone(i18n.local_zone()).year) in text, text


@pytest.mark.parametrize(
    "lang, across_midnight, day_before",
    [
        ("kk", "бүгін, 01:30", "кеше, 23:59"),
        ("ru", "сегодня, 01:30", "вчера, 23:59"),
        ("en", "today, 01:30", "yesterday, 23:59"),
    ],
)
def test_times_are_almaty_times_across_the_utc_midnight(speak, monkeypatch, lang, across_midnight, day_before):
    monkeypatch.setattr(i18n, "local_today", lambda: date(2026, 3, 8))
    after_midnight_here = datetime(2026, 3, 7, 20, 30, tzinfo=UTC)  # 7 March in UTC, 8 March 01:30 in Almaty
    assert speak(lang, format_when, after_midnight_here, "list") == across_midnight
    assert speak(lang, format_when, datetime(2026, 3, 7, 18, 59, tzinfo=UTC), "list") == day_before
    assert (
        speak(lang, format_day, after_midnight_here, "list")
        == {"kk": "8 наурыз", "ru": "8 марта", "en": "8 March"}[lang]
    )
    assert speak(lang, format_when, after_midnight_here, "time") == "01:30"


@pytest.mark.parametrize(
    "lang, listed, page, two_days",
    [
        (
            "kk",
            "2 желтоқсан, 10:00–12:00",
            "2026 ж. 2 желтоқсан, сәрсенбі, 10:00–12:00",
            "2 желтоқсан, 22:00 — 3 желтоқсан, 02:00",
        ),
        (
            "ru",
            "2 декабря, 10:00–12:00",
            "среда, 2 декабря 2026 г., 10:00–12:00",
            "2 декабря, 22:00 — 3 декабря, 02:00",
        ),
        (
            "en",
            "2 December, 10:00–12:00",
            "Wednesday, 2 December 2026, 10:00–12:00",
            "2 December, 22:00 – 3 December, 02:00",
        ),
    ],
)
def test_a_span_on_one_day_writes_the_day_once(speak, lang, listed, page, two_days):
    assert speak(lang, day_span, EVENT, EVENT + timedelta(hours=2), "list") == listed
    assert speak(lang, day_span, EVENT, EVENT + timedelta(hours=2), "page") == page
    assert speak(lang, day_span, EVENT + timedelta(hours=12), EVENT + timedelta(hours=16), "list") == two_days
    assert speak(lang, day_span, EVENT, None, "list") == speak(lang, format_when, EVENT, "list")


@pytest.mark.parametrize(
    "lang, listed, other_year, page, month, weekday",
    [
        ("kk", "15 қаңтар", "2027 ж. 15 қаңтар", "2026 ж. 15 қаңтар", "Желтоқсан 2026", "ср"),
        ("ru", "15 января", "15 января 2027 г.", "15 января 2026 г.", "Декабрь 2026", "ср"),
        ("en", "15 January", "15 January 2027", "15 January 2026", "December 2026", "Wed"),
    ],
)
def test_days_alone(speak, lang, listed, other_year, page, month, weekday):
    assert speak(lang, format_day, date(2026, 1, 15), "list") == listed
    assert speak(lang, format_day, date(2027, 1, 15), "list") == other_year
    assert speak(lang, format_day, date(2026, 1, 15), "page") == page
    assert speak(lang, format_day, date(2026, 12, 1), "month") == month
    assert speak(lang, format_day, date(2026, 12, 2), "weekday") == weekday


@pytest.mark.parametrize(
    "lang, months",
    [
        ("kk", ["1 қаңтар", "1 мамыр", "1 желтоқсан"]),  # as written after a number, not the capitalised stand-alone
        ("ru", ["1 января", "1 мая", "1 декабря"]),  # the genitive
    ],
)
def test_month_names_are_the_forms_written_after_a_number(speak, lang, months):
    assert [speak(lang, format_day, date(2026, month, 1), "list") for month in (1, 5, 12)] == months


def test_the_template_filters_are_these_formatters(speak):
    template = (
        "{{ t|datetime('list') }} · {{ t|day_span(t + delta, 'page') }} · {{ d|date('page') }} · {{ none|datetime }}"
    )
    text = speak(
        "kk", render_template_string, template, t=EVENT, delta=timedelta(hours=1), d=date(2026, 5, 1), none=None
    )
    assert text == "2 желтоқсан, 10:00 · 2026 ж. 2 желтоқсан, сәрсенбі, 10:00–11:00 · 2026 ж. 1 мамыр · "


def local_to_utc_at(day: date, hour: int, minute: int) -> datetime:
    """A moment given in Almaty time."""
    return local_to_utc(datetime(day.year, day.month, day.day, hour, minute))


# Pages


def test_the_issue_list_says_today_and_gives_an_older_years_date(client, resident, village, today):
    create_thread(resident, village, title="Бүгінгі мәселе")
    old = create_thread(resident, village, title="Былтырғы мәселе")
    old.created_at = datetime(2025, 1, 15, 5, 0, tzinfo=UTC)
    db.session.commit()
    page = client.get("/threads/?lang=kk").text
    assert re.search(r">(бүгін|кеше), \d\d:\d\d</time>", page)  # the clock's today, not the held one
    assert ">2025 ж. 15 қаңтар, 10:00</time>" in page
    assert ">15 January 2025, 10:00</time>" in client.get("/threads/?lang=en").text


@pytest.mark.parametrize(
    "lang, on_page, in_list",
    [
        ("kk", "2030 ж. 2 наурыз, сенбі, 10:00–12:00", "2030 ж. 2 наурыз, 10:00–12:00"),
        ("ru", "суббота, 2 марта 2030 г., 10:00–12:00", "2 марта 2030 г., 10:00–12:00"),
        ("en", "Saturday, 2 March 2030, 10:00–12:00", "2 March 2030, 10:00–12:00"),
    ],
)
def test_an_event_reads_once_in_almaty_time(client, deputy, village, lang, on_page, in_list):
    starts = local_to_utc(datetime(2030, 3, 2, 10, 0))
    event = create_event(deputy, village, starts_at=starts, ends_at=starts + timedelta(hours=2))
    page = client.get(f"/events/{event.id}?lang={lang}").text
    assert on_page in page and "15:00" not in page and "+05" not in page
    listed = client.get(f"/events/?lang={lang}").text
    assert in_list in listed
    if lang == "en":
        assert "All times are Almaty time." in listed


def test_the_demo_events_start_at_ten_in_almaty(app):
    from tests.test_cli import run

    run(app, "demo")
    zone = i18n.local_zone()
    with app.app_context():
        starts = {event.starts_at.astimezone(zone).time().isoformat() for event in db.session.scalars(db.select(Event))}
    assert starts == {"10:00:00"}
