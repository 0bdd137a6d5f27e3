"""Events: capacity and the waiting list, cancelling and promotion, deadlines, pages, calendars, access."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from community.core.db import utcnow
from community.events.models import Event, Registration, RegistrationState
from community.events.services import cancel_registration, register, waiting_position
from community.extensions import db
from tests.concurrency import post_at_once, run_at_once
from tests.factories import create_event, create_user

G, W, X = RegistrationState.GOING, RegistrationState.WAITING, RegistrationState.CANCELLED
HTMX = {"HX-Request": "true"}


@pytest.fixture
def event(moderator, village):
    return create_event(moderator, village, capacity=2)


def state_of(user, event):
    db.session.expire_all()
    return db.session.scalar(db.select(Registration).filter_by(user_id=user.id, event_id=event.id)).state


def test_places_then_the_waiting_list_in_order(event):
    people = [create_user("resident") for _ in range(4)]
    for person in people:
        register(person, event)
    db.session.commit()
    assert [state_of(p, event) for p in people] == [G, G, W, W]
    waiting = db.session.scalar(db.select(Registration).filter_by(user_id=people[3].id))
    assert waiting_position(waiting) == 2
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.going_count, event.waiting_count, event.places_left) == (2, 2, 0)


def test_cancelling_promotes_the_first_waiting(event):
    people = [create_user("resident") for _ in range(4)]
    for person in people:
        register(person, event)
    cancel_registration(people[0], event)
    db.session.commit()
    assert [state_of(p, event) for p in people] == [X, G, G, W]
    assert db.session.scalar(db.select(Registration).filter_by(user_id=people[2].id)).promoted_at is not None
    register(people[0], event)  # coming back means the end of the queue
    db.session.commit()
    assert state_of(people[0], event) is W


def test_registering_twice_changes_nothing(event, resident):
    register(resident, event)
    register(resident, event)
    db.session.commit()
    assert db.session.get(Event, event.id).going_count == 1


def test_capacity_is_never_exceeded_under_concurrency(app, moderator, village):
    event = create_event(moderator, village, capacity=10)
    people = [create_user("resident").id for _ in range(30)]
    event_id = event.id

    def sign_up(index):
        from community.accounts.models import User

        return register(db.session.get(User, people[index]), db.session.get(Event, event_id)).id

    outcomes = run_at_once(app, sign_up, len(people))
    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    states = [r.state for r in db.session.scalars(db.select(Registration).filter_by(event_id=event_id))]
    assert states.count(G) == 10 and states.count(W) == 20
    event = db.session.get(Event, event_id)
    assert (event.going_count, event.waiting_count) == (10, 20)


def test_registration_closes_at_the_deadline(client, moderator, village, resident, login_as):
    closed = create_event(moderator, village, registration_closes_at=utcnow() - timedelta(hours=1))
    login_as(resident)
    assert client.submit(f"/events/{closed.id}/register").status_code == 403
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0


def test_register_and_cancel_with_htmx(client, event, resident, login_as):
    login_as(resident)
    response = client.submit(f"/events/{event.id}/register?lang=en", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "You are registered" in html
    assert "1 place left" in html
    html = client.submit(f"/events/{event.id}/unregister?lang=en", headers=HTMX).get_data(as_text=True)
    assert "2 places left" in html


def test_register_without_javascript_redirects(client, event, resident, login_as):
    login_as(resident)
    assert client.submit(f"/events/{event.id}/register").status_code == 303
    assert client.submit(f"/events/{event.id}/register").status_code == 303
    assert db.session.get(Event, event.id).going_count == 1


def test_a_full_event_shows_the_waiting_position(client, moderator, village, resident, login_as):
    full = create_event(moderator, village, capacity=1)
    register(create_user("resident"), full)
    db.session.commit()
    login_as(resident)
    html = client.submit(f"/events/{full.id}/register?lang=en", headers=HTMX).get_data(as_text=True)
    assert "number 1 on the waiting list" in html


def test_visitors_are_sent_to_sign_in(client, event):
    response = client.submit(f"/events/{event.id}/register")
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]


def test_lists_and_pages(client, event):
    html = client.get("/events/?lang=en").get_data(as_text=True)
    assert event.title in html and "2 places left" in html
    assert "<html" not in client.get("/events/", headers=HTMX).get_data(as_text=True)
    assert event.title not in client.get("/events/?when=past").get_data(as_text=True)
    assert client.get(f"/events/{event.id}").status_code == 200


def test_calendars_parse_with_the_almaty_zone_and_stable_uids(client, event, moderator, login_as):
    first = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data)
    entry = first.walk("VEVENT")[0]
    assert str(entry["summary"]) == event.title
    assert entry.decoded("dtstart").tzinfo is not None
    assert str(entry.decoded("dtstart").tzinfo) == "Asia/Almaty"
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    uid = str(entry["uid"])
    feed = Calendar.from_ical(client.get("/events.ics").data)
    assert uid in [str(item["uid"]) for item in feed.walk("VEVENT")]
    login_as(moderator)
    client.submit(f"/events/{event.id}/cancel", {"reason": "Зал жөндеуде"})
    cancelled = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data).walk("VEVENT")[0]
    assert str(cancelled["status"]) == "CANCELLED"


@pytest.mark.parametrize("who, status", [("resident", 403), ("deputy", 200), ("moderator", 200)])
def test_who_may_announce(app, login_as, who, status):
    client = login_as(create_user(who), with_client=app.test_client())
    assert client.get("/events/new").status_code == status


def test_announcing_an_event(client, deputy, village, login_as):
    login_as(deputy)
    response = client.submit(
        "/events/new?lang=en",
        {
            "title": "Қоғамдық қабылдау",
            "kind": "public_reception",
            "description": "Депутатпен кездесу.",
            "starts_at": "2030-03-02T10:00",
            "ends_at": "2030-03-02T13:00",
            "locality": str(village.id),
            "address": "Абай көшесі, 12",
            "room": "204",
            "capacity": "20",
        },
    )
    assert response.status_code == 303
    event = db.session.scalar(db.select(Event))
    assert event.starts_at.hour == 5  # 10:00 in Almaty is 05:00 UTC
    bad = client.submit(
        "/events/new?lang=en",
        {
            "title": "Қоғамдық қабылдау",
            "kind": "public_reception",
            "starts_at": "2030-03-02T10:00",
            "ends_at": "2030-03-02T09:00",
            "locality": str(village.id),
            "capacity": "20",
        },
    )
    assert bad.status_code == 422 and "end must come after the start" in bad.get_data(as_text=True)


def test_only_organisers_and_moderators_cancel(app, login_as, event, deputy):
    other = login_as(deputy, with_client=app.test_client())
    assert other.submit(f"/events/{event.id}/cancel", {"reason": "Себеп"}).status_code == 403
    assert db.session.get(Event, event.id).cancelled_at is None


def test_the_organiser_sees_registrants_marks_attendance_and_writes_the_report(
    app, login_as, moderator, village, resident, deputy
):
    from datetime import timedelta

    from community.core.db import utcnow

    started = create_event(moderator, village, capacity=5, starts_at=utcnow() - timedelta(hours=1))
    came, missed = resident, create_user("resident")
    for person in (came, missed):
        register(person, started)
    db.session.commit()
    came_id = db.session.scalar(db.select(Registration.id).filter_by(user_id=came.id))
    outsider = login_as(deputy, with_client=app.test_client())
    assert outsider.get(f"/events/{started.id}/registrants").status_code == 403
    assert outsider.get(f"/events/{started.id}/registrants.csv").status_code == 403
    organiser = login_as(moderator, with_client=app.test_client())
    html = organiser.get(f"/events/{started.id}/registrants?lang=en").get_data(as_text=True)
    assert came.display_name in html and missed.display_name in html
    assert came.email in organiser.get(f"/events/{started.id}/registrants.csv").get_data(as_text=True)
    response = organiser.submit(f"/events/{started.id}/registrants?lang=en", {"attended": str(came_id)})
    assert response.status_code == 303
    assert db.session.scalar(db.select(Registration).filter_by(user_id=came.id)).attended is True
    assert db.session.scalar(db.select(Registration).filter_by(user_id=missed.id)).attended is False
    page = organiser.get(f"/events/{started.id}/report?lang=en").get_data(as_text=True)
    assert "1 person attended" in page
    organiser.submit(f"/events/{started.id}/report", {"report": "**Шешім:** келесі кездесу наурызда."})
    shown = app.test_client().get(f"/events/{started.id}").get_data(as_text=True)
    assert "<strong>Шешім:</strong>" in shown


def test_residents_see_counts_not_names(client, event, resident, login_as):
    other = create_user("resident", name="Құпия Тұрғын")
    register(other, event)
    db.session.commit()
    login_as(resident)
    assert "Құпия Тұрғын" not in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert client.get(f"/events/{event.id}/registrants").status_code == 403


def test_the_month_calendar_with_and_without_htmx(client, moderator, village):
    from datetime import datetime, timezone

    create_event(
        moderator, village, title="Желтоқсандағы кездесу", starts_at=datetime(2030, 12, 10, 5, 0, tzinfo=timezone.utc)
    )
    page = client.get("/events/calendar?month=2030-12&lang=en").get_data(as_text=True)
    assert "<html" in page and "Желтоқсандағы кездесу" in page and "10:00" in page
    assert 'href="/events/calendar?month=2030-11"' in page and 'href="/events/calendar?month=2031-01"' in page
    fragment = client.get("/events/calendar?month=2031-01", headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="month"' in fragment and "Желтоқсандағы кездесу" not in fragment
    assert client.get("/events/calendar?month=bogus").status_code == 200


def test_drafts_are_seen_only_by_their_organiser_until_published(app, client, login_as, moderator, village, resident):
    draft = create_event(moderator, village, publish=False, title="Әзірге жасырын кездесу")
    assert draft.title not in client.get("/events/").get_data(as_text=True)
    assert client.get(f"/events/{draft.id}").status_code == 404
    assert draft.title not in client.get("/events.ics").get_data(as_text=True)
    organiser = login_as(moderator, with_client=app.test_client())
    assert organiser.get(f"/events/{draft.id}").status_code == 200
    reader = login_as(resident, with_client=app.test_client())
    assert reader.submit(f"/events/{draft.id}/register").status_code == 404
    organiser.submit(f"/events/{draft.id}/publish")
    assert client.get(f"/events/{draft.id}").status_code == 200


def test_editing_adds_places_and_moves_the_waiting_list_up(app, login_as, moderator, village, deputy_profile):
    full = create_event(moderator, village, capacity=1)
    people = [create_user("resident") for _ in range(3)]
    for person in people:
        register(person, full)
    db.session.commit()
    organiser = login_as(moderator, with_client=app.test_client())
    page = organiser.get(f"/events/{full.id}/edit").get_data(as_text=True)
    assert 'value="1"' in page and full.title in page
    response = organiser.submit(
        f"/events/{full.id}/edit",
        {
            "title": full.title,
            "kind": "seminar",
            "starts_at": "2031-05-05T10:00",
            "ends_at": "2031-05-05T12:00",
            "locality": str(village.id),
            "capacity": "3",
            "deputies": [str(deputy_profile.id)],
            "publish": "y",
        },
    )
    assert response.status_code == 303
    assert [state_of(p, full) for p in people] == [G, G, G]
    html = app.test_client().get(f"/events/{full.id}").get_data(as_text=True)
    assert deputy_profile.name in html


def test_a_resident_sees_their_events_and_a_promotion_on_their_profile(app, login_as, moderator, village, resident):
    full = create_event(moderator, village, capacity=1)
    first = create_user("resident")
    register(first, full)
    register(resident, full)
    cancel_registration(first, full)
    db.session.commit()
    own = login_as(resident, with_client=app.test_client())
    html = own.get(f"/users/{resident.id}?lang=en").get_data(as_text=True)
    assert full.title in html and "moved up from the waiting list" in html
    assert full.title not in app.test_client().get(f"/users/{resident.id}").get_data(as_text=True)


def test_twenty_parallel_registrations_by_one_resident_leave_one(client_as, event, resident):
    clients = [client_as(resident) for _ in range(20)]
    responses = post_at_once(clients, f"/events/{event.id}/register")
    assert [response.status_code for response in responses] == [303] * 20
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1
    assert db.session.get(Event, event.id).going_count == 1


def test_filter_by_organiser_in_the_list_and_the_calendar_feed(client, moderator, deputy, village):
    create_event(moderator, village, title="Модератордың семинары")
    create_event(deputy, village, title="Депутаттың қабылдауы")
    html = client.get(f"/events/?organiser={deputy.id}").get_data(as_text=True)
    assert "Депутаттың қабылдауы" in html and "Модератордың семинары" not in html
    feed = Calendar.from_ical(client.get(f"/events.ics?organiser={deputy.id}").data)
    assert [str(item["summary"]) for item in feed.walk("VEVENT")] == ["Депутаттың қабылдауы"]


@pytest.mark.parametrize(
    "route, data, allowed",
    [
        (
            "/events/{e}/edit",
            {
                "title": "Жаңа атау",
                "kind": "seminar",
                "starts_at": "2031-05-05T10:00",
                "ends_at": "2031-05-05T12:00",
                "locality": "{l}",
                "capacity": "5",
            },
            {"organiser", "moderator"},
        ),
        ("/events/{e}/cancel", {"reason": "Себебі бар"}, {"organiser", "moderator"}),
        ("/events/{e}/registrants", {"attended": "1"}, set()),  # attendance waits for the start: 409 for managers
        ("/events/{e}/report", {"report": "Есеп мәтіні"}, {"organiser", "moderator"}),
        ("/events/{e}/register", {}, {"resident", "organiser", "other deputy", "moderator"}),
    ],
)
@pytest.mark.parametrize("who", ["visitor", "resident", "organiser", "other deputy", "moderator"])
def test_event_routes_by_role(app, login_as, deputy, village, moderator, resident, route, data, allowed, who):
    event = create_event(deputy, village, capacity=5)
    people = {"resident": resident, "organiser": deputy, "other deputy": create_user("deputy"), "moderator": moderator}
    client = app.test_client()
    if who != "visitor":
        login_as(people[who], with_client=client)
    before = (
        db.session.get(Event, event.id).title,
        db.session.get(Event, event.id).cancelled_at,
        db.session.scalar(db.select(db.func.count(Registration.id))),
    )
    response = client.submit(route.format(e=event.id), {key: value.format(l=village.id) for key, value in data.items()})
    db.session.expire_all()
    after = (
        db.session.get(Event, event.id).title,
        db.session.get(Event, event.id).cancelled_at,
        db.session.scalar(db.select(db.func.count(Registration.id))),
    )
    if who in allowed:
        assert response.status_code == 303
    elif who == "visitor":
        assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
        assert after == before
    else:
        assert response.status_code in (403, 409)
        assert after == before


def test_the_registrant_csv_keeps_a_formula_like_name_as_text(client, moderator, village, login_as):
    event = create_event(moderator, village, capacity=2)
    register(create_user("resident", name='=HYPERLINK("http://x")'), event)
    db.session.commit()
    login_as(moderator)
    body = client.get(f"/events/{event.id}/registrants.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
