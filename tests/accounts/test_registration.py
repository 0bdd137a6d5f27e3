"""A visitor registers with e-mail, name, password and home locality."""

import threading

import pytest

from community.accounts.models import User
from community.extensions import db

GOOD_PASSWORD = "Tau-Samal-Kok-2026"


def form(region, **changes):
    data = {
        "email": "Asel.N@Example.kz",
        "display_name": "Әсел Нұрланқызы",
        "password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD,
        "locality": str(region.id),
    }
    data.update(changes)
    return data


def test_a_visitor_registers_and_is_signed_in(client, region):
    response = client.submit("/auth/register", form(region))
    assert response.status_code == 303
    user = db.session.scalar(db.select(User).filter_by(email="asel.n@example.kz"))
    assert user.display_name == "Әсел Нұрланқызы"
    assert user.role.value == "resident"
    assert user.locality_id == region.id
    assert user.password_hash.startswith("scrypt:") and GOOD_PASSWORD not in user.password_hash
    assert client.get("/auth/settings").status_code == 200


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"password": "short", "confirm": "short"}, "8"),
        ({"password": "password123", "confirm": "password123"}, "common"),
        ({"password": "qwertyuiop", "confirm": "qwertyuiop"}, "common"),
        ({"confirm": "Something-Else-99"}, "do not match"),
        ({"email": "not an email"}, "valid e-mail"),
        ({"display_name": ""}, "required"),
        ({"locality": "999999"}, "Choose a locality from the list."),
        ({"locality": "abc"}, "Choose a locality from the list."),
        ({"locality": ""}, "Choose a locality."),
    ],
)
def test_bad_input_gets_a_clear_message_and_422(client, region, changes, message):
    response = client.submit("/auth/register?lang=en", form(region, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_messages_come_in_the_users_language(client, region):
    response = client.submit("/auth/register?lang=ru", form(region, confirm="Something-Else-99"))
    assert "Пароли не совпадают" in response.get_data(as_text=True)


def test_an_email_can_register_only_once_whatever_its_case(client, region, resident):
    response = client.submit("/auth/register?lang=en", form(region, email=resident.email.upper()))
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)


def test_a_double_submitted_registration_creates_one_account(app, region):
    clients = [app.test_client() for _ in range(6)]
    tokens = [c.csrf_token() for c in clients]
    data = form(region)
    db.session.commit()  # end the test's read, as a finished request would
    statuses = []

    def register(c, token, number):
        response = c.post(
            "/auth/register",
            data={**data, "csrf_token": token},
            environ_base={"REMOTE_ADDR": f"10.1.0.{number}"},
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=register, args=(c, token, number))
        for number, (c, token) in enumerate(zip(clients, tokens, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303] + [422] * 5
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_registration_is_rate_limited_per_address(client, region):
    for number in range(5):
        client.submit("/auth/register", form(region, email=f"n{number}@example.kz"))
        client.submit("/auth/logout")
    response = client.submit("/auth/register?lang=en", form(region, email="sixth@example.kz"))
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
