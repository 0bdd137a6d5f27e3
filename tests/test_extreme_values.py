"""Extreme values in every date, date-and-time and number field of every form: a 4xx with the field's message in the
user's language, never a 500, and nothing stored; local_to_utc never raises."""

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from community.accounts.models import User
from community.core.forms import DATABASE_INT_MAX
from community.core.time import local_to_utc, utc_to_local
from community.dialogues.models import DialogueSession, Question
from community.events.models import Event
from community.extensions import db
from community.pledges.models import Pledge, PledgeUpdate
from tests.factories import create_deputy, create_dialogue, create_event, create_pledge, create_question, create_user

HUGE = "9" * 5000  # past Python's limit for turning digits into a number
DATES = ["0001-01-01", "9999-12-31", "1989-12-31", HUGE]
TIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T23:59", "-0001-01-01T00:00", HUGE]
NUMBERS = ["-1", str(2**31), str(2**63), "-" + str(2**63), HUGE]
DATE_MESSAGE = "Enter a date from"


@pytest.fixture
def world(client_as, village, moderator, deputy, resident):
    """Everything the forms act on, and a signed-in client for each role that fills them in."""
    profile = create_deputy(user=deputy)
    dialogue = create_dialogue(moderator, village, state="scheduled")
    dialogue.deputies = [profile]
    db.session.commit()
    return SimpleNamespace(
        village=village,
        profile=profile,
        event=create_event(moderator, village, capacity=5),
        pledge=create_pledge(profile, village),
        dialogue=dialogue,
        question=create_question(dialogue, resident),
        duplicate=create_question(dialogue, resident, body="Спорт залы қашан салынады, айтыңызшы?"),
        troublemaker=create_user("resident"),
        clients={"moderator": client_as(moderator), "deputy": client_as(deputy)},
    )


def event_data(w) -> dict:
    return {
        "title": "Қоғамдық қабылдау",
        "kind": "public_reception",
        "starts_at": "2027-03-02T10:00",
        "ends_at": "2027-03-02T13:00",
        "locality": str(w.village.id),
        "capacity": "20",
    }


def session_data(w) -> dict:
    return {"title": "Жастармен ашық диалог", "scheduled_at": "2027-03-05T15:00", "locality": str(w.village.id)}


def pledge_data(w) -> dict:
    return {
        "title": "Ауылға спорт алаңы",
        "text": "Мектеп жанынан жасанды жабынды алаң саламыз.",
        "source_description": "Сайлаушылармен кездесу",
        "made_on": "2023-02-01",
        "due_on": "2028-09-01",
        "locality": str(w.village.id),
        "category": "sports",
        "submission_key": "extreme",
    }


def follow_up_data(w) -> dict:
    return {
        "deputy": str(w.profile.id),
        "title": "Ауыл жолын асфальттау",
        "category": "roads",
        "text": "Келесі жазда ауылдың негізгі көшесі асфальтталады деп уәде берді.",
        "due_on": "2028-09-01",
        "submission_key": "extreme",
    }


def update_data(w) -> dict:
    return {"status": "in_progress", "progress": "40", "note": "Жұмыс жүріп жатыр.", "submission_key": "extreme"}


def stored() -> list:
    """Every row the forms could write, with the columns they could change."""
    db.session.expire_all()
    return [
        [(e.starts_at, e.ends_at, e.registration_closes_at, e.capacity) for e in db.session.scalars(db.select(Event))],
        [(s.scheduled_at, s.title) for s in db.session.scalars(db.select(DialogueSession))],
        [(p.made_on, p.due_on, p.progress) for p in db.session.scalars(db.select(Pledge))],
        db.session.scalar(db.select(db.func.count(PledgeUpdate.id))),
        [(q.state, q.merged_into_id) for q in db.session.scalars(db.select(Question).order_by(Question.id))],
        [u.suspended_until for u in db.session.scalars(db.select(User).order_by(User.id))],
    ]


# form: (who fills it in, its address, valid data, {field: (values, message)})
FORMS = {
    "new event": (
        "deputy",
        lambda w: "/events/new",
        event_data,
        {
            "starts_at": (TIMES, DATE_MESSAGE),
            "ends_at": (TIMES, DATE_MESSAGE),
            "registration_closes_at": (TIMES, DATE_MESSAGE),
            "capacity": (NUMBERS, "From 1 to 10000."),
        },
    ),
    "edited event": (
        "moderator",
        lambda w: f"/events/{w.event.id}/edit",
        event_data,
        {"starts_at": (TIMES, DATE_MESSAGE), "capacity": (NUMBERS, "From 1 to 10000.")},
    ),
    "new session": ("moderator", lambda w: "/dialogues/new", session_data, {"scheduled_at": (TIMES, DATE_MESSAGE)}),
    "edited session": (
        "moderator",
        lambda w: f"/dialogues/{w.dialogue.id}/edit",
        session_data,
        {"scheduled_at": (TIMES, DATE_MESSAGE)},
    ),
    "new pledge": (
        "deputy",
        lambda w: f"/deputies/{w.profile.id}/pledges/new",
        pledge_data,
        {"made_on": (DATES + ["2999-01-01"], DATE_MESSAGE), "due_on": (DATES, DATE_MESSAGE)},
    ),
    "follow-up": (
        "moderator",
        lambda w: f"/dialogues/questions/{w.question.id}/follow-up",
        follow_up_data,
        {"due_on": (DATES, DATE_MESSAGE)},
    ),
    "pledge update": (
        "deputy",
        lambda w: f"/pledges/{w.pledge.id}/updates",
        update_data,
        {"progress": (NUMBERS, "From 0 to 100.")},
    ),
    "merge": (
        "moderator",
        lambda w: f"/dialogues/questions/{w.duplicate.id}/merge",
        lambda w: {},
        {"into": (NUMBERS + ["0"], "Enter a question number.")},
    ),
    "suspension": (
        "moderator",
        lambda w: f"/moderation/users/{w.troublemaker.id}/suspend",
        lambda w: {"reason": "Спам жазады"},
        {"days": (NUMBERS + ["0", "366"], "From 1 to 365 days.")},
    ),
}
CASES = [
    pytest.param(form, field, value, message, id=f"{form}-{field}-{value[:20]}")
    for form, (_, _, _, fields) in FORMS.items()
    for field, (values, message) in fields.items()
    for value in values
]


@pytest.mark.parametrize("form, field, value, message", CASES)
def test_an_extreme_value_gets_a_message_never_a_500(world, form, field, value, message):
    who, url, data, _ = FORMS[form]
    before = stored()
    response = world.clients[who].submit(f"{url(world)}?lang=en", {**data(world), field: value})
    assert 400 <= response.status_code < 500, response.status_code
    assert message in response.get_data(as_text=True)
    assert stored() == before


@pytest.mark.parametrize("form", ["new event", "new pledge", "pledge update", "merge", "suspension"])
def test_the_valid_data_of_each_form_goes_through(world, form):
    """The data the extreme values are put into is itself valid, so only the extreme value is refused."""
    who, url, data, _ = FORMS[form]
    before = stored()
    into = {"into": str(world.question.id)} if form == "merge" else {"days": "3"} if form == "suspension" else {}
    response = world.clients[who].submit(url(world), {**data(world), **into})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert stored() != before


def test_the_message_is_in_the_users_language(world):
    client = world.clients["deputy"]
    page = client.submit("/events/new?lang=ru", {**event_data(world), "capacity": str(2**63)})
    assert page.status_code == 422 and "От 1 до 10000." in page.get_data(as_text=True)
    page = client.submit("/events/new?lang=ru", {**event_data(world), "starts_at": "0001-01-01T00:00"})
    assert page.status_code == 422 and "1 января 2000" in page.get_data(as_text=True)


def test_the_bounds_of_a_moving_range_follow_today(world):
    page = world.clients["deputy"].submit("/events/new?lang=en", {**event_data(world), "starts_at": "2100-01-01T10:00"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "1 January 2000" in text
    assert str(datetime.now(timezone.utc).year + 5) in text


def test_number_fields_fit_a_database_integer():
    from community.core.forms import number_between

    with pytest.raises(ValueError):
        number_between(1, 2**31)
    assert number_between(1, DATABASE_INT_MAX).max == 2**31 - 1


@pytest.mark.parametrize(
    "local", [datetime(1, 1, 1), datetime(1, 1, 1, 4, 59), datetime.max, datetime(2026, 3, 1, 10, 0)]
)
def test_local_to_utc_never_raises(app, local):
    utc = local_to_utc(local)
    assert utc.tzinfo is timezone.utc
    assert utc_to_local(utc) is not None


def test_local_to_utc_keeps_ordinary_times_and_clamps_the_calendars_ends(app):
    assert local_to_utc(datetime(2026, 3, 1, 10, 0)) == datetime(2026, 3, 1, 5, 0, tzinfo=timezone.utc)
    assert local_to_utc(datetime(1, 1, 1)) == datetime.min.replace(tzinfo=timezone.utc)
    assert utc_to_local(datetime.max.replace(tzinfo=timezone.utc)) == datetime.max
    assert utc_to_local(None) is None and local_to_utc(None) is None
