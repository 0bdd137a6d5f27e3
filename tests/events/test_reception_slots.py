"""Reception days: times cut from the day, booked one a day per resident and never twice, given back, marked held or
missed; who sees whom, calendar files, bad input."""

import json
from datetime import timedelta

import pytest
from icalendar import Calendar

from community.core.db import utcnow
from community.core.states import MoveRefused
from community.events.models import ReceptionSlot, VisitOutcome
from community.events.receptions import book_slot, open_slots, reception_slots
from community.extensions import db
from tests.concurrency import run_at_once
from tests.factories import book_for, create_deputy, create_event, create_reception, create_user

HTMX = {"HX-Request": "true"}
TOPIC = "Ауладағы балалар алаңы туралы"


@pytest.fixture
def reception(deputy, village):
    """A deputy's reception day a week ahead, 10:00–11:00 cut into four times of 15 minutes."""
    return create_reception(deputy, village)


def times(event) -> list[ReceptionSlot]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(ReceptionSlot).filter_by(event_id=event.id).order_by("starts_at")))


def booked(event) -> list[ReceptionSlot]:
    return [slot for slot in times(event) if slot.user_id is not None]


def book_url(event, slot) -> str:
    return f"/events/{event.id}/slots/{slot.id}/book"


# Opening times


def test_a_day_is_cut_into_times_and_cutting_it_again_adds_nothing(reception):
    slots = times(reception)
    assert len(slots) == 4
    assert [slot.ends_at - slot.starts_at for slot in slots] == [timedelta(minutes=15)] * 4
    assert slots[0].starts_at == reception.starts_at and slots[-1].ends_at == reception.ends_at
    assert all(slot.is_free for slot in slots)
    assert open_slots(reception, 15) == 0
    db.session.commit()
    assert len(times(reception)) == 4


def test_cutting_again_keeps_booked_times_and_never_overlaps_them(reception, resident):
    book_for(resident, times(reception)[1])  # 10:15–10:30
    added = open_slots(reception, 20)
    db.session.commit()
    slots = times(reception)
    kept = [slot for slot in slots if slot.user_id == resident.id]
    assert len(kept) == 1 and kept[0].ends_at - kept[0].starts_at == timedelta(minutes=15)
    starts = reception.starts_at
    # 20-minute times at 10:00, 10:20 and 10:40: only 10:40 does not overlap the booked 10:15–10:30
    assert added == 1
    assert [(slot.starts_at - starts, slot.ends_at - starts) for slot in slots] == [
        (timedelta(minutes=15), timedelta(minutes=30)),
        (timedelta(minutes=40), timedelta(minutes=60)),
    ]
    for first, second in zip(slots, slots[1:], strict=False):
        assert first.ends_at <= second.starts_at


def test_the_event_form_opens_times_for_a_reception(client, deputy, village, login_as):
    login_as(deputy)
    form = {
        "title": "Қоғамдық қабылдау",
        "kind": "public_reception",
        "starts_at": "2030-03-02T10:00",
        "ends_at": "2030-03-02T12:00",
        "locality": str(village.id),
        "capacity": "20",
        "slot_minutes": "15",
        "publish": "y",
    }
    assert client.submit("/events/new?lang=en", form).status_code == 303
    event = db.session.scalar(db.select(ReceptionSlot.event_id).limit(1))
    assert db.session.scalar(db.select(db.func.count(ReceptionSlot.id)).filter_by(event_id=event)) == 8
    edit = {**form, "slot_minutes": "30"}
    assert client.submit(f"/events/{event}/edit?lang=en", edit).status_code == 303
    assert db.session.scalar(db.select(db.func.count(ReceptionSlot.id)).filter_by(event_id=event)) == 4
    kept = {**form, "slot_minutes": ""}  # no length: the times stay as they are
    assert client.submit(f"/events/{event}/edit?lang=en", kept).status_code == 303
    assert db.session.scalar(db.select(db.func.count(ReceptionSlot.id)).filter_by(event_id=event)) == 4


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"kind": "seminar"}, "for public receptions only"),
        ({"slot_minutes": "500"}, "From 5 to 120."),
        ({"slot_minutes": "2"}, "From 5 to 120."),
        ({"slot_minutes": "many"}, "From 5 to 120."),
        ({"ends_at": "2030-03-02T10:10"}, "shorter than one time"),
        ({"ends_at": "2030-03-03T10:00", "slot_minutes": "5"}, "At most 200 times a day"),
    ],
)
def test_the_event_form_refuses_times_that_do_not_fit(client, deputy, village, login_as, changes, message):
    login_as(deputy)
    form = {
        "title": "Қоғамдық қабылдау",
        "kind": "public_reception",
        "starts_at": "2030-03-02T10:00",
        "ends_at": "2030-03-02T12:00",
        "locality": str(village.id),
        "capacity": "20",
        "slot_minutes": "15",
        **changes,
    }
    response = client.submit("/events/new?lang=en", form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ReceptionSlot.id))) == 0


def test_the_day_page_opens_and_removes_times(client, deputy, village, login_as):
    event = create_reception(deputy, village, minutes=0)
    login_as(deputy)
    page = client.get(f"/events/{event.id}/slots?lang=en")
    assert page.status_code == 200 and "No times are open for booking yet." in page.get_data(as_text=True)
    response = client.submit(f"/events/{event.id}/slots?lang=en", {"slot_minutes": "30"})
    assert response.status_code == 303
    assert "2 times opened for booking." in client.get(response.headers["Location"]).get_data(as_text=True)
    first = times(event)[0]
    assert client.submit(f"/events/{event.id}/slots/{first.id}/remove").status_code == 303
    assert len(times(event)) == 1
    bad = client.submit(f"/events/{event.id}/slots?lang=en", {"slot_minutes": "90"})
    assert bad.status_code == 422 and "shorter than one time" in bad.get_data(as_text=True)


def test_a_booked_time_cannot_be_removed(client, reception, deputy, resident, login_as):
    slot = book_for(resident, times(reception)[0])
    login_as(deputy)
    response = client.submit(f"/events/{reception.id}/slots/{slot.id}/remove?lang=en")
    assert response.status_code == 409 and "Someone has booked this time" in response.get_data(as_text=True)
    assert booked(reception)[0].user_id == resident.id


# Booking and giving back


def test_a_resident_books_a_time_without_javascript(client, reception, resident, login_as):
    slot = times(reception)[2]
    login_as(resident)
    form_page = client.get(book_url(reception, slot) + "?lang=en")
    assert form_page.status_code == 200 and "<html" in form_page.get_data(as_text=True)
    assert "What would you like to talk about?" in form_page.get_data(as_text=True)
    response = client.submit(book_url(reception, slot), {"topic": f"  {TOPIC}  "})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/events/{reception.id}#slots")
    [mine] = booked(reception)
    assert (mine.id, mine.user_id, mine.topic) == (slot.id, resident.id, TOPIC)
    assert mine.booked_at is not None
    html = client.get(f"/events/{reception.id}?lang=en").get_data(as_text=True)
    assert "Your time:" in html and TOPIC in html and "Cancel my booking" in html
    assert 'id="registration"' not in html  # a day with times is booked by its times


def test_a_resident_books_and_gives_back_with_htmx(client, reception, resident, login_as):
    slot = times(reception)[0]
    login_as(resident)
    form = client.get(book_url(reception, slot) + "?lang=en", headers=HTMX).get_data(as_text=True)
    assert "<html" not in form and 'id="slots"' in form and 'name="topic"' in form
    response = client.submit(book_url(reception, slot) + "?lang=en", {"topic": TOPIC}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="slots"' in html and "Your time" in html
    assert "Your time is booked" in json.loads(response.headers["HX-Trigger"])["announce"]["message"]
    response = client.submit(f"/events/{reception.id}/slots/{slot.id}/cancel?lang=en", headers=HTMX)
    assert response.status_code == 200 and "Your time:" not in response.get_data(as_text=True)
    assert json.loads(response.headers["HX-Trigger"])["announce"]["message"] == "Your booking is cancelled."
    assert booked(reception) == []
    assert times(reception)[0].topic == ""


def test_one_time_per_resident_a_day(client, reception, resident, login_as):
    first, second = times(reception)[:2]
    login_as(resident)
    assert client.submit(book_url(reception, first), {"topic": TOPIC}).status_code == 303
    again = client.submit(book_url(reception, second) + "?lang=en", {"topic": "Тағы бір сұрақ бар"})
    assert again.status_code == 409 and "You already have a time at this reception" in again.get_data(as_text=True)
    htmx = client.submit(book_url(reception, second) + "?lang=en", {"topic": "Тағы бір сұрақ"}, headers=HTMX)
    said = json.loads(htmx.headers["HX-Trigger"])["announce"]
    assert htmx.status_code == 200 and 'id="slots"' in htmx.get_data(as_text=True)  # the fresh times, and why
    assert said["category"] == "error" and "You already have a time at this reception" in said["message"]
    assert [slot.id for slot in booked(reception)] == [first.id]


def test_a_taken_time_is_refused_and_a_repeat_is_harmless(client, reception, resident, other_resident, login_as):
    slot = times(reception)[0]
    book_for(other_resident, slot)
    login_as(resident)
    response = client.submit(book_url(reception, slot) + "?lang=en", {"topic": TOPIC})
    assert response.status_code == 409 and "Someone has just booked this time" in response.get_data(as_text=True)
    assert booked(reception)[0].user_id == other_resident.id
    mine = times(reception)[1]
    assert client.submit(book_url(reception, mine), {"topic": TOPIC}).status_code == 303
    assert client.submit(book_url(reception, mine), {"topic": TOPIC}).status_code == 303  # a double submit
    assert [slot.user_id for slot in booked(reception)] == [other_resident.id, resident.id]


def test_giving_back_frees_the_time_and_a_repeat_changes_nothing(client, reception, resident, login_as):
    slot = book_for(resident, times(reception)[0])
    login_as(resident)
    assert client.submit(f"/events/{reception.id}/slots/{slot.id}/cancel").status_code == 303
    assert booked(reception) == []
    again = client.submit(f"/events/{reception.id}/slots/{slot.id}/cancel?lang=en")
    assert again.status_code == 303
    assert "You have no booking at this time." in client.get(again.headers["Location"]).get_data(as_text=True)


def test_a_begun_time_can_neither_be_booked_nor_given_back(app, deputy, village, resident, login_as):
    begun = create_reception(deputy, village, starts_at=utcnow() - timedelta(minutes=5))
    for slot in times(begun)[:1]:
        book_for(resident, slot)
    client = login_as(resident, with_client=app.test_client())
    response = client.submit(f"/events/{begun.id}/slots/{times(begun)[0].id}/cancel?lang=en")
    assert response.status_code == 409 and "already begun" in response.get_data(as_text=True)
    assert booked(begun)[0].user_id == resident.id
    with pytest.raises(MoveRefused):
        book_slot(resident, times(begun)[1], TOPIC)
    db.session.rollback()


@pytest.mark.parametrize(
    "state",
    ["draft", "cancelled", "closed"],
)
def test_booking_only_while_registration_is_open(app, deputy, village, resident, login_as, state):
    fields = {
        "draft": {"publish": False},
        "cancelled": {},
        "closed": {"registration_closes_at": utcnow() - timedelta(hours=1)},
    }[state]
    event = create_reception(deputy, village, **fields)
    if state == "cancelled":
        from community.events.services import cancel_event

        cancel_event(event, "Депутат іссапарда")
        db.session.commit()
    client = login_as(resident, with_client=app.test_client())
    slot = times(event)[0]
    response = client.submit(book_url(event, slot), {"topic": TOPIC})
    assert response.status_code == (404 if state == "draft" else 403)
    assert booked(event) == []
    if state != "draft":
        html = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
        assert "Booking is closed." in html and "Choose" not in html


def test_a_suspended_resident_cannot_book(app, reception, login_as):
    suspended = create_user("resident")
    suspended.suspended_until = utcnow() + timedelta(days=3)
    db.session.commit()
    client = login_as(suspended, with_client=app.test_client())
    assert client.submit(book_url(reception, times(reception)[0]), {"topic": TOPIC}).status_code == 403
    assert "suspended" in client.get(f"/events/{reception.id}?lang=en").get_data(as_text=True)


# Held and missed


@pytest.fixture
def past_day(deputy, village, resident, other_resident):
    """Yesterday's reception with two booked times and two free."""
    event = create_reception(deputy, village, starts_at=utcnow() - timedelta(days=1))
    first, second = times(event)[:2]
    book_for(resident, first, "Жол жөндеу")
    book_for(other_resident, second, "Су құбыры")
    return event


def test_the_organiser_marks_visits_held_or_missed(client, past_day, deputy, resident, other_resident, login_as):
    first, second = booked(past_day)
    login_as(deputy)
    page = client.get(f"/events/{past_day.id}/slots?lang=en").get_data(as_text=True)
    assert resident.display_name in page and "Жол жөндеу" in page and "Mark held" in page
    assert client.submit(f"/events/{past_day.id}/slots/{first.id}/held").status_code == 303
    response = client.submit(f"/events/{past_day.id}/slots/{second.id}/missed?lang=en", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="day"' in html and "Missed" in html
    assert [slot.outcome for slot in booked(past_day)] == [VisitOutcome.HELD, VisitOutcome.MISSED]
    assert client.submit(f"/events/{past_day.id}/slots/{second.id}/held").status_code == 303  # a correction
    assert booked(past_day)[1].outcome is VisitOutcome.HELD
    free = times(past_day)[3]
    response = client.submit(f"/events/{past_day.id}/slots/{free.id}/held?lang=en")
    assert response.status_code == 409 and "Nobody has booked this time." in response.get_data(as_text=True)


def test_a_visit_to_come_cannot_be_marked(client, reception, deputy, resident, login_as):
    slot = book_for(resident, times(reception)[0])
    login_as(deputy)
    response = client.submit(f"/events/{reception.id}/slots/{slot.id}/held?lang=en")
    assert response.status_code == 409 and "once its time has begun" in response.get_data(as_text=True)
    assert booked(reception)[0].outcome is None


def test_the_day_list_with_and_without_htmx(client, reception, deputy, login_as):
    login_as(deputy)
    page = client.get(f"/events/{reception.id}/slots?lang=en").get_data(as_text=True)
    assert "<html" in page and 'id="day"' in page and "Open times" in page
    fragment = client.get(f"/events/{reception.id}/slots?lang=en", headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="day"' in fragment and "Open times" not in fragment


# Who may do what


ROLES = ["visitor", "resident", "other resident", "organiser", "linked deputy", "other deputy", "moderator", "admin"]
MANAGERS = {"organiser", "linked deputy", "moderator", "admin"}


@pytest.fixture
def people(resident, other_resident, deputy, moderator, admin):
    linked = create_user("deputy", name="Байланысты Депутат")
    return {
        "resident": resident,
        "other resident": other_resident,
        "organiser": deputy,
        "linked deputy": linked,
        "other deputy": create_user("deputy"),
        "moderator": moderator,
        "admin": admin,
    }


def day_with_bookings(people, village, starts_at=None):
    """A reception of the organiser's with the linked deputy taking part; the resident holds its first time."""
    profile = create_deputy("Байланысты Депутат", user=people["linked deputy"])
    fields = {"starts_at": starts_at} if starts_at else {}
    event = create_reception(people["organiser"], village, **fields)
    event.deputies = [profile]
    db.session.commit()
    book_for(people["resident"], times(event)[0], "Менің жеке мәселем")
    return event


def as_role(app, login_as, people, who):
    client = app.test_client()
    if who != "visitor":
        login_as(people[who], with_client=client)
    return client


def expect(response, who, allowed, allowed_status=303, refused=403):
    if who in allowed:
        assert response.status_code == allowed_status, (who, response.status_code)
    elif who == "visitor":
        assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == refused, (who, response.status_code)


@pytest.mark.parametrize("who", ROLES)
def test_the_day_page_by_role(app, login_as, people, village, who):
    event = day_with_bookings(people, village)
    client = as_role(app, login_as, people, who)
    response = client.get(f"/events/{event.id}/slots")
    expect(response, who, MANAGERS, 200)
    if who in MANAGERS:
        assert "Менің жеке мәселем" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ROLES)
def test_opening_and_removing_times_by_role(app, login_as, people, village, who):
    event = day_with_bookings(people, village)
    client = as_role(app, login_as, people, who)
    free = times(event)[3]
    expect(client.submit(f"/events/{event.id}/slots/{free.id}/remove"), who, MANAGERS)
    expect(client.submit(f"/events/{event.id}/slots", {"slot_minutes": "30"}), who, MANAGERS)
    slots = times(event)
    if who in MANAGERS:  # the booked 10:00–10:15 stays; 10:30–11:00 is the one 30-minute time beside it
        assert len(slots) == 2 and slots[0].user_id == people["resident"].id
    else:
        assert len(slots) == 4


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("outcome", ["held", "missed"])
def test_marking_visits_by_role(app, login_as, people, village, who, outcome):
    event = day_with_bookings(people, village, starts_at=utcnow() - timedelta(hours=3))
    client = as_role(app, login_as, people, who)
    slot = booked(event)[0]
    expect(client.submit(f"/events/{event.id}/slots/{slot.id}/{outcome}"), who, MANAGERS)
    expected = VisitOutcome(outcome) if who in MANAGERS else None
    assert booked(event)[0].outcome is expected


@pytest.mark.parametrize("who", ROLES)
def test_booking_by_role(app, login_as, people, village, who):
    event = day_with_bookings(people, village)
    client = as_role(app, login_as, people, who)
    free = times(event)[2]
    allowed = set(ROLES) - {"visitor", "resident"}  # the resident holds a time already: 409
    response = client.submit(book_url(event, free), {"topic": TOPIC})
    expect(response, who, allowed, refused=409)
    holders = {slot.user_id for slot in booked(event)}
    assert holders == ({people["resident"].id, people[who].id} if who in allowed else {people["resident"].id})


@pytest.mark.parametrize("who", ROLES)
def test_giving_back_by_role(app, login_as, people, village, who):
    event = day_with_bookings(people, village)
    client = as_role(app, login_as, people, who)
    slot = booked(event)[0]
    expect(client.submit(f"/events/{event.id}/slots/{slot.id}/cancel"), who, {"resident"})
    assert (booked(event) == []) == (who == "resident")


@pytest.mark.parametrize("who", ROLES)
def test_the_calendar_file_of_a_time_by_role(app, login_as, people, village, who):
    event = day_with_bookings(people, village)
    client = as_role(app, login_as, people, who)
    slot = booked(event)[0]
    response = client.get(f"/events/{event.id}/slots/{slot.id}.ics")
    if who in MANAGERS | {"resident"}:
        assert response.status_code == 200 and response.mimetype == "text/calendar"
        entry = Calendar.from_ical(response.data).walk("VEVENT")[0]
        assert str(entry["uid"]).startswith(f"reception-slot-{slot.id}@")
        assert entry.decoded("dtstart") == slot.starts_at and entry.decoded("dtend") == slot.ends_at
        assert str(entry.decoded("dtstart").tzinfo) == "Asia/Almaty"
        assert str(entry["description"]) == "Менің жеке мәселем"
        assert str(entry["url"]).endswith(f"/events/{event.id}")
    else:
        assert response.status_code == 404
    free = times(event)[1]
    assert client.get(f"/events/{event.id}/slots/{free.id}.ics").status_code == 404


@pytest.mark.parametrize("who", ROLES)
def test_names_and_topics_only_for_the_booker_and_those_who_run_the_day(app, login_as, people, village, who):
    event = day_with_bookings(people, village)
    book_for(people["other resident"], times(event)[1], "Көршімнің құпия өтініші")
    client = as_role(app, login_as, people, who)
    html = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    own = who == "resident"
    sees_all = who in MANAGERS
    assert ("Менің жеке мәселем" in html) == (own or sees_all)
    assert ("Көршімнің құпия өтініші" in html) == (sees_all or who == "other resident")
    for booker in ("resident", "other resident"):
        if who != booker:  # one's own name is in the page's header
            assert (people[booker].display_name in html) == sees_all, booker
    assert "Taken" in html or sees_all
    fragment = client.get(f"/events/{event.id}/slots/{times(event)[2].id}/book?lang=en", headers=HTMX)
    if who != "visitor":
        assert fragment.status_code == 200
        text = fragment.get_data(as_text=True)
        assert ("Менің жеке мәселем" in text) == (own or sees_all)


# Bad input


@pytest.mark.parametrize(
    "topic, message",
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("\x00\x00", "This field is required."),
        ("аб", "From 3 to 300 characters."),
        ("ә" * 301, "From 3 to 300 characters."),
    ],
)
def test_a_topic_that_does_not_fit_is_a_422_that_says_why(client, reception, resident, login_as, topic, message):
    login_as(resident)
    slot = times(reception)[0]
    response = client.submit(book_url(reception, slot) + "?lang=en", {"topic": topic})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    htmx = client.submit(book_url(reception, slot) + "?lang=en", {"topic": topic}, headers=HTMX)
    html = htmx.get_data(as_text=True)
    assert htmx.status_code == 422 and "<html" not in html and message in html and 'aria-invalid="true"' in html
    assert booked(reception) == []


def test_a_nul_inside_a_topic_is_cleaned_at_the_edge(client, reception, resident, login_as):
    login_as(resident)
    assert client.submit(book_url(reception, times(reception)[0]), {"topic": "Жол\x00 жөндеу"}).status_code == 303
    assert booked(reception)[0].topic == "Жол жөндеу"


def test_wrong_addresses_are_404s(app, client, reception, deputy, village, resident, login_as):
    other_day = create_reception(deputy, village, title="Басқа күнгі қабылдау")
    seminar = create_event(deputy, village)
    elsewhere = times(other_day)[0]
    login_as(resident)
    for url in (
        book_url(reception, elsewhere),
        f"/events/{reception.id}/slots/{elsewhere.id}/cancel",
        f"/events/{reception.id}/slots/999999/book",
        "/events/999999/slots/1/book",
        f"/events/{seminar.id}/slots/{elsewhere.id}/book",
    ):
        response = client.submit(url + "?lang=en", {"topic": TOPIC})
        assert response.status_code == 404, url
        assert "There is no such page" in response.get_data(as_text=True)
    assert client.get(f"/events/{reception.id}/slots/{elsewhere.id}.ics").status_code == 404
    assert client.get(f"/events/{reception.id}/slots/abc/book").status_code == 404
    assert client.get(f"/events/{reception.id}/slots/%00/book").status_code == 404
    manager = login_as(deputy, with_client=app.test_client())
    assert manager.get(f"/events/{seminar.id}/slots").status_code == 404
    assert manager.submit(f"/events/{reception.id}/slots/{times(reception)[0].id}/visited").status_code == 404
    assert manager.submit(f"/events/{other_day.id}/slots/{times(reception)[0].id}/held").status_code == 404
    assert booked(reception) == booked(other_day) == []


# Concurrency


def test_one_resident_booking_every_time_at_once_holds_one(app, reception, resident):
    slot_ids = [slot.id for slot in times(reception)] * 5
    user_id = resident.id

    def take(index):
        from community.accounts.models import User

        return book_slot(db.session.get(User, user_id), db.session.get(ReceptionSlot, slot_ids[index]), TOPIC)

    outcomes = run_at_once(app, take, len(slot_ids))
    assert [slot.user_id for slot in booked(reception)] == [user_id]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert all(isinstance(refusal, MoveRefused) for refusal in refusals), refusals


def test_twenty_residents_taking_one_time_at_once_leave_one_booking(app, reception):
    slot_id = times(reception)[0].id
    people = [create_user("resident").id for _ in range(20)]

    def take(index):
        from community.accounts.models import User

        return book_slot(db.session.get(User, people[index]), db.session.get(ReceptionSlot, slot_id), TOPIC)

    outcomes = run_at_once(app, take, len(people))
    assert outcomes.count(True) == 1
    assert sum(isinstance(outcome, MoveRefused) for outcome in outcomes) == 19, outcomes
    assert len(booked(reception)) == 1


# The page stays light


def test_the_reception_page_runs_the_same_queries_with_4_or_40_times(client, deputy, village, resident, login_as):
    from tests.test_query_counts import counted_queries

    small = create_reception(deputy, village)
    large = create_reception(deputy, village, title="Ұзақ қабылдау", ends_at=small.starts_at + timedelta(hours=10))
    for event in (small, large):
        for slot in times(event)[:3]:
            book_for(create_user("resident"), slot)
    login_as(resident)
    with counted_queries() as few:
        assert client.get(f"/events/{small.id}").status_code == 200
    with counted_queries() as many:
        assert client.get(f"/events/{large.id}").status_code == 200
    assert len(times(large)) == 40
    assert len(few) == len(many) <= 12, many


def test_reception_slots_are_listed_in_order_with_their_bookers(reception, resident):
    book_for(resident, times(reception)[3])
    slots = reception_slots(reception)
    assert [slot.starts_at for slot in slots] == sorted(slot.starts_at for slot in slots)
    assert slots[3].user.id == resident.id


def test_a_topic_raised_at_the_reception_becomes_the_visitors_appeal(client_as, deputy, village, resident):
    from community.appeals.models import Appeal, AppealFollow, AppealState

    person = create_deputy("Қабылдаушы Депутат", user=deputy)
    event = create_reception(deputy, village)  # the organiser's own profile receives it
    slot = book_for(resident, db.session.scalar(db.select(ReceptionSlot).filter_by(event_id=event.id).limit(1)))
    host = client_as(deputy)
    url = f"/events/{event.id}/slots/{slot.id}/appeal"
    assert client_as("resident").submit(url).status_code == 403
    assert host.submit(url, headers={"HX-Request": "true"}).status_code == 200
    assert host.submit(url).status_code == 409  # tracked already
    appeal = db.session.scalar(db.select(Appeal))
    assert (appeal.author_id, appeal.deputy_id, appeal.public) == (resident.id, person.id, False)
    assert appeal.state is AppealState.RECEIVED and appeal.source.value == "reception"
    assert db.session.get(AppealFollow, {"user_id": resident.id, "appeal_id": appeal.id}) is not None
    assert db.session.get(ReceptionSlot, slot.id).appeal_id == appeal.id
    assert client_as(resident).get(f"/appeals/{appeal.id}").status_code == 200
    assert client_as("moderator").get(f"/appeals/{appeal.id}").status_code == 404  # a private appeal
