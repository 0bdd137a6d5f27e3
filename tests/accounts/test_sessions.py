"""Signing in and out: sessions live on the server, so a copied cookie dies with them."""

from community.accounts.models import LoginSession, User
from community.extensions import db
from tests.factories import PASSWORD


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else ""


def signed_in(client) -> bool:
    return client.get("/auth/settings").status_code == 200


def test_sign_in_with_email_in_any_case(client, resident):
    response = client.submit("/auth/login", {"email": resident.email.upper(), "password": PASSWORD})
    assert response.status_code == 303
    assert signed_in(client)


def test_a_wrong_password_gets_one_message_for_both_cases(client, resident):
    wrong = client.submit("/auth/login?lang=en", {"email": resident.email, "password": "Wrong-Pass-123"})
    nobody = client.submit("/auth/login?lang=en", {"email": "nobody@example.kz", "password": "Wrong-Pass-123"})
    assert wrong.status_code == nobody.status_code == 422
    assert "Wrong e-mail or password" in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password" in nobody.get_data(as_text=True)


def test_a_copy_of_the_cookie_taken_before_logout_no_longer_works(app, client, resident, login_as):
    login_as(resident)
    stolen = session_cookie(client)
    client.submit("/auth/logout")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert not signed_in(replay)
    assert replay.get("/auth/settings").status_code in (302, 303)


def test_the_session_changes_at_login(app, client, resident):
    client.get("/")
    before = session_cookie(client)
    client.submit("/auth/login", {"email": resident.email, "password": PASSWORD})
    after = session_cookie(client)
    assert before and after and before != after
    planted = app.test_client()
    planted.set_cookie("session", before)
    assert not signed_in(planted)


def test_every_login_gets_a_new_server_session(app, resident, login_as):
    first, second = app.test_client(), app.test_client()
    login_as(resident, with_client=first)
    login_as(resident, with_client=second)
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginSession)) == 2


def test_a_password_change_ends_the_other_sessions_only(app, client, resident, login_as):
    other = app.test_client()
    login_as(resident, with_client=other)
    login_as(resident)
    response = client.submit(
        "/auth/password",
        {"current": PASSWORD, "password": "Zhana-Qupia-Soz-77", "confirm": "Zhana-Qupia-Soz-77"},
    )
    assert response.status_code == 303
    assert signed_in(client)
    assert not signed_in(other)


def test_a_password_change_needs_the_current_password(client, resident, login_as):
    login_as(resident)
    response = client.submit(
        "/auth/password?lang=en",
        {"current": "Not-The-Password-1", "password": "Zhana-Qupia-Soz-77", "confirm": "Zhana-Qupia-Soz-77"},
    )
    assert response.status_code == 422
    assert "current password is wrong" in response.get_data(as_text=True)


def test_disabling_an_account_ends_its_sessions_and_blocks_login(app, client, resident, login_as):
    from community.accounts.services import disable_user

    login_as(resident)
    disable_user(db.session.get(User, resident.id))
    db.session.commit()
    assert not signed_in(client)
    response = client.submit("/auth/login", {"email": resident.email, "password": PASSWORD})
    assert response.status_code == 422


def test_next_only_leads_within_the_site(client, resident):
    inside = client.submit("/auth/login?next=/places/", {"email": resident.email, "password": PASSWORD})
    assert inside.headers["Location"].endswith("/places/")
    client.submit("/auth/logout")
    outside = client.submit("/auth/login?next=//evil.example/", {"email": resident.email, "password": PASSWORD})
    assert "evil.example" not in outside.headers["Location"]


def test_next_refuses_every_way_out_of_the_site():
    from community.core.security import is_local_url

    for bad in (
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "https://evil.example",
        "",
        "evil",
        "/\n/evil.example",
        "/ /evil",
    ):
        assert not is_local_url(bad), bad
    for good in ("/", "/places/", "/threads/3-abai?page=2#comment-9"):
        assert is_local_url(good), good
