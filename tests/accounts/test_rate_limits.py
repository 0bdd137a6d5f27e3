"""Wrong passwords are counted in the database per account, per address and per both, so every worker sees them.

Past 10 in 10 minutes a wrong password gets 429, and the address that failed for an account gets 429 for it before
its password is even checked; the right password from anywhere else still signs in.
"""

import threading
from datetime import timedelta

import pytest
from flask import Flask

from community import register_config
from community.accounts import services
from community.accounts.models import LoginAttempt
from community.config import Config, TestConfig
from community.core.db import utcnow
from community.core.security import client_address
from community.extensions import db
from tests.concurrency import post_at_once
from tests.factories import PASSWORD

WRONG = "Wrong-Pass-123"


def login(client, email, password=WRONG, address="10.0.0.1", lang="en", **kwargs):
    return client.submit(
        f"/auth/login?lang={lang}",
        {"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
        **kwargs,
    )


@pytest.fixture
def checked(monkeypatch):
    """The e-mails whose password the site looked at (an account looked up, a hash computed)."""
    looked_up = []
    lock = threading.Lock()
    user_by_email = services.user_by_email

    def spy(email):
        with lock:
            looked_up.append(email)
        return user_by_email(email)

    monkeypatch.setattr(services, "user_by_email", spy)
    return looked_up


def test_the_eleventh_wrong_password_for_an_account_is_refused_and_the_right_one_from_a_clean_address_signs_in(
    app, client, resident
):
    for attempt in range(10):
        assert login(client, resident.email, address=f"10.0.1.{attempt}").status_code == 422
    refused = login(client, resident.email, address="10.0.2.1")
    assert refused.status_code == 429
    assert "Too many wrong passwords" in refused.get_data(as_text=True)
    assert 590 < int(refused.headers["Retry-After"]) <= 600
    assert login(app.test_client(), resident.email, PASSWORD, address="10.0.2.2").status_code == 303


@pytest.mark.parametrize("email", ["resident@example.kz", "nobody@example.kz"])
def test_the_address_that_failed_is_refused_even_the_right_password_before_it_is_checked(app, client, email, checked):
    from tests.factories import create_user

    create_user("resident", email="resident@example.kz")
    for _ in range(10):
        assert login(client, email, address="10.0.3.3").status_code == 422
    checked.clear()
    browser = app.test_client()
    refused = login(browser, email, PASSWORD, address="10.0.3.3")
    assert refused.status_code == 429
    assert browser.get("/auth/settings").status_code in (302, 303)  # not signed in
    assert checked == []  # the same answer, and no work, whether or not the account exists
    assert 590 < int(refused.headers["Retry-After"]) <= 600
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginAttempt)) == 10  # the refusal is not counted


def test_an_address_over_its_limit_for_one_account_still_signs_into_another(app, client, resident, other_resident):
    for _ in range(10):
        assert login(client, resident.email, address="10.0.4.4").status_code == 422
    assert login(client, resident.email, address="10.0.4.4").status_code == 429
    assert login(app.test_client(), other_resident.email, PASSWORD, address="10.0.4.4").status_code == 303
    assert login(client, other_resident.email, address="10.0.4.4").status_code == 429  # the address is over
    assert login(client, other_resident.email, address="10.0.4.5").status_code == 422


def test_the_eleventh_wrong_password_from_an_address_is_refused_for_any_account(client):
    for attempt in range(10):
        assert login(client, f"user{attempt}@example.kz", address="10.0.5.5").status_code == 422
    assert login(client, "another@example.kz", address="10.0.5.5").status_code == 429
    assert login(client, "another@example.kz", address="10.0.5.6").status_code == 422


def test_signing_in_does_not_count_and_forgets_the_addresses_failures_for_the_account(app, client, resident):
    for _ in range(12):
        assert login(app.test_client(), resident.email, PASSWORD).status_code == 303
    for _ in range(9):
        assert login(client, resident.email).status_code == 422
    assert login(app.test_client(), resident.email, PASSWORD).status_code == 303
    assert [login(client, resident.email).status_code for _ in range(11)] == [422] * 10 + [429]


def test_attempts_older_than_the_window_do_not_count_and_are_cleaned_as_new_ones_are_written(client, resident):
    old = utcnow() - timedelta(minutes=10, seconds=1)
    db.session.add_all(LoginAttempt(email=resident.email, address="10.0.6.6", at=old) for _ in range(30))
    db.session.add(LoginAttempt(email="someone@example.kz", address="10.0.6.7", at=utcnow() - timedelta(minutes=9)))
    db.session.commit()
    assert login(client, resident.email, address="10.0.6.6").status_code == 422
    left = db.session.execute(db.select(LoginAttempt.email, LoginAttempt.address).order_by(LoginAttempt.id)).all()
    assert left == [("someone@example.kz", "10.0.6.7"), (resident.email, "10.0.6.6")]


def test_a_refusal_in_the_users_language_as_a_page_or_in_the_message_area(client, resident):
    for _ in range(10):
        login(client, resident.email)
    page = login(client, resident.email, lang="ru")
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "Слишком много запросов" in page.get_data(as_text=True)
    fragment = login(client, resident.email, lang="kk", headers={"HX-Request": "true"})
    assert fragment.status_code == 429 and "Retry-After" in fragment.headers
    assert fragment.headers["HX-Retarget"] == "#flashes"
    assert "<html" not in fragment.get_data(as_text=True)


def test_sixteen_wrong_passwords_at_once_from_one_address_are_checked_at_most_ten_times(app, resident, checked):
    clients = [app.test_client() for _ in range(16)]  # all from 127.0.0.1
    responses = post_at_once(clients, "/auth/login", {"email": resident.email, "password": WRONG})
    statuses = [response.status_code for response in responses]
    assert set(statuses) <= {422, 429}
    assert statuses.count(422) <= len(checked) <= 10
    failed = len(checked)
    more = [login(app.test_client(), resident.email, address="127.0.0.1").status_code for _ in range(11 - failed)]
    assert more == [422] * (10 - failed) + [429]
    assert len(checked) == 10


@pytest.mark.parametrize(
    ("remote", "counted"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
    ],
)
def test_an_ipv6_address_counts_as_its_64_network(app, remote, counted):
    with app.test_request_context(environ_base={"REMOTE_ADDR": remote}):
        assert client_address() == counted


def test_ipv6_addresses_of_one_network_share_a_limit(client, resident):
    for host in range(10):
        assert login(client, resident.email, address=f"2001:db8::{host + 1:x}").status_code == 422
    assert login(client, resident.email, PASSWORD, address="2001:db8::ffff").status_code == 429


class Production(TestConfig):
    ENV = "production"
    PRODUCTION = True
    SITE_URL = "https://halyk-uni.kz"
    RATELIMIT_STORAGE_URI = "memory://"
    SINGLE_PROCESS = False


def test_production_refuses_to_start_with_rate_limits_in_memory_unless_one_process_serves():
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        register_config(Flask("production"), Production)
    with pytest.raises(RuntimeError, match="SINGLE_PROCESS=1"):  # Flask-Limiter's default storage is memory too
        Config.check({"PRODUCTION": True, "SECRET_KEY": "x" * 40, "SITE_URL": "https://halyk-uni.kz"})


@pytest.mark.parametrize(
    "settings",
    [
        {"REDIS_URL": "redis://127.0.0.1:6379/0", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},
        {"SINGLE_PROCESS": True},
        {"PRODUCTION": False, "ENV": "development"},
    ],
)
def test_production_starts_with_redis_or_as_one_process_and_development_always(settings):
    app = Flask("production")
    register_config(app, type("Started", (Production,), settings))
    assert app.config["RATELIMIT_STORAGE_URI"] == settings.get("RATELIMIT_STORAGE_URI", "memory://")


def test_an_address_over_its_limit_gets_no_check_for_an_account_it_failed_for(app, client, resident, checked):
    other = app.test_client()
    assert login(other, resident.email, address="10.0.7.7").status_code == 422  # one failure for this account
    for number in range(10):
        login(client, f"nobody{number}@example.kz", address="10.0.7.7")  # then over the address's limit
    checked.clear()
    refused = login(other, resident.email, PASSWORD, address="10.0.7.7")
    assert refused.status_code == 429 and checked == []  # refused before the account is looked up


def test_an_address_far_beyond_its_limit_gets_no_password_checked_at_all(app, client, resident, checked):
    for number in range(services.ADDRESS_CEILING * 10):
        login(client, f"spray{number}@example.kz", address="10.0.8.8")
    checked.clear()
    assert login(app.test_client(), resident.email, PASSWORD, address="10.0.8.8").status_code == 429
    assert checked == []
    assert login(app.test_client(), resident.email, PASSWORD, address="10.0.8.9").status_code == 303
