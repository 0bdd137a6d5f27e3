"""A visitor registers with e-mail, name and home locality; the link mailed to the address finishes the account,
with a password only the address's owner chooses. The answer never says whether an address has an account."""

import re

import pytest

from community.accounts.models import User
from community.extensions import db
from tests.concurrency import post_at_once
from tests.factories import PASSWORD

GOOD_PASSWORD = "Tau-Samal-Kok-2026"
CSRF = re.compile(r"[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}")  # a signed CSRF token, which each visitor has their own of


def form(region, **changes):
    data = {
        "email": "Asel.N@Example.kz",
        "display_name": "Әсел Нұрланқызы",
        "locality": str(region.id),
        "accept_terms": "y",
    }
    data.update(changes)
    return data


def link_in(message) -> str:
    return re.search(r"http://localhost(/auth/reset/\S+)", message.get_content()).group(1)


def test_a_visitor_registers_and_finishes_the_account_through_the_mailed_link(client, region, outbox):
    response = client.submit("/auth/register?lang=en", form(region))
    assert response.status_code == 303 and response.headers["Location"].endswith("/auth/login")
    user = db.session.scalar(db.select(User).filter_by(email="asel.n@example.kz"))
    assert (user.display_name, user.role.value, user.locality_id) == ("Әсел Нұрланқызы", "resident", region.id)
    assert not user.is_active and client.get("/auth/settings").status_code in (302, 303)  # not signed in yet
    assert [message["To"] for message in outbox] == ["asel.n@example.kz"]

    page = client.get(link_in(outbox[0]) + "?lang=en")
    assert "Choose your password" in page.get_data(as_text=True)
    finished = client.submit(link_in(outbox[0]), {"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert finished.status_code == 303
    assert client.get("/auth/settings").status_code == 200  # signed in
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.email_confirmed_at is not None and user.check_password(GOOD_PASSWORD)
    assert GOOD_PASSWORD not in user.password_hash


def test_an_account_not_finished_cannot_sign_in_with_anything(client, region, outbox):
    client.submit("/auth/register", form(region))
    response = client.submit("/auth/login?lang=en", {"email": "asel.n@example.kz", "password": GOOD_PASSWORD})
    assert response.status_code == 422 and "Wrong e-mail or password" in response.get_data(as_text=True)


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_message(app, region, resident, outbox):
    resident.locale = "en"  # the owner's message comes in the owner's language
    db.session.commit()
    free, taken = app.test_client(), app.test_client()
    for client in (free, taken):
        client.get("/?lang=en")
    answers = [
        free.submit("/auth/register?lang=en", form(region, email="someone.new@example.kz")),
        taken.submit("/auth/register?lang=en", form(region, email=resident.email.upper())),
    ]
    assert [answer.status_code for answer in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    pages = [CSRF.sub("", client.get("/auth/login?lang=en").get_data(as_text=True)) for client in (free, taken)]
    assert pages[0].replace("someone.new@example.kz", "X") == pages[1].replace(resident.email, "X")
    assert [message["To"] for message in outbox] == ["someone.new@example.kz", resident.email]
    assert "already has an account" in outbox[1].get_content() and "/auth/reset/" not in outbox[1].get_content()
    db.session.expire_all()
    assert db.session.get(User, resident.id).check_password(PASSWORD)  # nothing changed for the owner
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2


def test_registering_again_before_finishing_sends_a_new_link_and_only_it_works(client, region, outbox):
    client.submit("/auth/register", form(region, display_name="Басқа біреу"))
    client.submit("/auth/register", form(region))
    assert len(outbox) == 2 and link_in(outbox[0]) != link_in(outbox[1])
    assert db.session.scalar(db.select(User)).display_name == "Әсел Нұрланқызы"  # the newest details count
    assert client.get(link_in(outbox[0])).status_code == 400  # the older link no longer works
    client.submit(link_in(outbox[1]), {"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert db.session.scalar(db.select(User)).is_active


def test_one_address_gets_at_most_three_messages_an_hour(app, region, outbox):
    for number in range(5):
        client = app.test_client()
        client.submit("/auth/register", form(region), environ_base={"REMOTE_ADDR": f"10.2.0.{number}"})
    assert len(outbox) == 3


def test_a_lost_link_is_replaced_by_a_password_reset(client, region, outbox):
    client.submit("/auth/register", form(region))
    client.submit("/auth/reset", {"email": "asel.n@example.kz"})
    client.submit(link_in(outbox[1]), {"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert db.session.scalar(db.select(User)).is_active


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"email": "not an email"}, "valid e-mail"),
        ({"display_name": ""}, "required"),
        ({"locality": "999999"}, "Choose a locality from the list."),
        ({"locality": "abc"}, "Choose a locality from the list."),
        ({"locality": ""}, "Choose a locality."),
    ],
)
def test_bad_input_gets_a_clear_message_and_422(client, region, changes, message, outbox):
    response = client.submit("/auth/register?lang=en", form(region, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0 and not outbox


@pytest.mark.parametrize(
    "password, confirm, message",
    [
        ("short", "short", "8"),
        ("password123", "password123", "common"),
        ("qwertyuiop", "qwertyuiop", "common"),
        (GOOD_PASSWORD, "Something-Else-99", "do not match"),
    ],
)
def test_the_password_chosen_through_the_link_is_checked(client, region, outbox, password, confirm, message):
    client.submit("/auth/register", form(region))
    response = client.submit(link_in(outbox[0]) + "?lang=en", {"password": password, "confirm": confirm})
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_messages_come_in_the_users_language(client, region):
    response = client.submit("/auth/register?lang=ru", form(region, email="not an email"))
    assert "адрес" in response.get_data(as_text=True).lower()


def test_a_double_submitted_registration_creates_one_account(app, region, outbox):
    clients = [app.test_client() for _ in range(5)]  # five: the registration limit per e-mail address
    responses = post_at_once(clients, "/auth/register", form(region))
    assert [response.status_code for response in responses] == [303] * 5
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_a_hall_on_one_address_registers_many_and_the_limit_comes_later(app, client, region):
    kept = app.config["REGISTRATION_LIMIT"]
    app.config["REGISTRATION_LIMIT"] = "12 per hour"  # as set by REGISTRATION_LIMIT, kept small here
    try:
        for number in range(12):
            response = client.submit("/auth/register", form(region, email=f"n{number}@example.kz"))
            assert response.status_code == 303, number
        response = client.submit("/auth/register?lang=en", form(region, email="thirteenth@example.kz"))
        assert response.status_code == 429
    finally:
        app.config["REGISTRATION_LIMIT"] = kept


def test_one_inbox_gets_few_registration_mails_from_any_address(app, region):
    for _ in range(5):
        assert app.test_client().submit("/auth/register", form(region, email="Same@Example.kz")).status_code == 303
    response = app.test_client().submit("/auth/register?lang=en", form(region, email="same@example.kz "))
    assert response.status_code == 429
