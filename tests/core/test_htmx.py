"""One helper decides page or fragment; htmx redirects become HX-Redirect."""

import pytest

HTMX = {"HX-Request": "true"}


def test_a_plain_request_gets_the_whole_page(client):
    response = client.get("/auth/login")
    assert "<html" in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def test_an_htmx_request_gets_only_the_named_block(client):
    response = client.get("/auth/login", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and "<form" in html
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("extra", [{"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}])
def test_boosted_navigation_and_history_restores_get_the_whole_page(client, extra):
    response = client.get("/auth/login", headers={**HTMX, **extra})
    assert "<html" in response.get_data(as_text=True)


def test_the_login_redirect_of_an_htmx_request_is_hx_redirect(client):
    response = client.get("/auth/settings", headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/auth/login?next=/auth/settings")


def test_the_login_redirect_of_a_plain_request_is_a_redirect(client):
    response = client.get("/auth/settings")
    assert response.status_code in (302, 303)
    assert "/auth/login" in response.headers["Location"]


def test_an_invalid_htmx_form_answers_422_with_the_form_fragment(client):
    response = client.submit("/auth/login", {"email": "not-an-email", "password": ""}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and 'aria-invalid="true"' in html


def test_errors_come_as_fragments_to_htmx(client):
    response = client.get("/users/999999", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<html" not in html and 'role="alert"' in html


def test_htmx_errors_are_shown_in_the_message_area(client):
    response = client.get("/users/999999", headers=HTMX)
    assert response.headers["HX-Retarget"] == "#flashes"
    assert response.headers["HX-Reswap"] == "innerHTML"


def _announced(response) -> dict:
    import json

    header = response.headers["HX-Trigger"]
    assert header.isascii()  # a header carries Kazakh escaped
    return json.loads(header)["announce"]


def test_what_an_action_did_is_announced_with_its_fragment(client_as, thread, other_resident):
    client = client_as(other_resident)
    data = {"body": "Хабарланатын пікір", "submission_key": "announce-1"}
    response = client.submit(f"/threads/{thread.id}/comments", data, headers=HTMX)
    assert response.status_code == 200 and "<html" not in response.text
    assert _announced(response) == {"message": "Пікіріңіз жарияланды.", "category": "success"}
    assert "data-focus-after-swap" in response.text  # the new comment takes the focus


def test_a_registration_says_where_it_put_the_resident(client_as, resident, moderator, village):
    from tests.factories import create_event

    event = create_event(moderator, village, capacity=1)
    first = client_as(resident).submit(f"/events/{event.id}/register?lang=en", headers=HTMX)
    assert _announced(first)["message"] == "You are registered. See you there!"
    second = client_as("resident").submit(f"/events/{event.id}/register?lang=en", headers=HTMX)
    assert _announced(second)["message"] == "You are on the waiting list."
    plain = client_as("resident").submit(f"/events/{event.id}/register?lang=en")
    assert plain.status_code == 303
