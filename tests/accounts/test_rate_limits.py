"""Login is limited per account and per address: the 11th bad password in 10 minutes gets 429."""

from tests.factories import PASSWORD


def bad_login(client, email, address="10.0.0.1"):
    return client.submit(
        "/auth/login?lang=en",
        {"email": email, "password": "Wrong-Pass-123"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_eleventh_bad_password_for_an_account_gets_429_from_any_address(client, resident):
    for attempt in range(10):
        assert bad_login(client, resident.email, address=f"10.0.1.{attempt}").status_code == 422
    response = bad_login(client, resident.email, address="10.0.2.1")
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    good = client.submit("/auth/login", {"email": resident.email, "password": PASSWORD})
    assert good.status_code == 429


def test_the_eleventh_bad_password_from_an_address_gets_429_for_any_account(client):
    for attempt in range(10):
        assert bad_login(client, f"user{attempt}@example.kz", address="10.0.3.3").status_code == 422
    assert bad_login(client, "another@example.kz", address="10.0.3.3").status_code == 429
    assert bad_login(client, "another@example.kz", address="10.0.3.4").status_code == 422


def test_successful_logins_do_not_count(client, resident):
    for _ in range(12):
        response = client.submit("/auth/login", {"email": resident.email, "password": PASSWORD})
        assert response.status_code == 303
        client.submit("/auth/logout")


def test_a_429_in_russian(client, resident):
    for _ in range(10):
        bad_login(client, resident.email)
    response = client.submit("/auth/login?lang=ru", {"email": resident.email, "password": "x"})
    assert response.status_code == 429
    assert "Слишком много запросов" in response.get_data(as_text=True)
