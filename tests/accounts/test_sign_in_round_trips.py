"""A visitor who presses a button that needs an account signs in and comes back to the page the button was on,
never to the button's POST-only address (a 405); a foreign or unusable `next` is dropped."""

from urllib.parse import parse_qs, urlsplit

import pytest

from community.events.models import ReceptionSlot
from community.extensions import db
from tests.factories import PASSWORD, create_appeal, create_comment, create_dialogue, create_question, create_reception

HTMX = {"HX-Request": "true"}
# Buttons anyone may press without an account, or that only end one.
OPEN_TO_VISITORS = {"accounts.logout", "home.language"}
# Buttons whose address names nothing the page can be told by.
PAGE_OF = {
    "notifications.read_all": "/notifications",
    "accounts.renew_recovery_codes": "/auth/security",
    "accounts.two_factor_off": "/auth/security",
    "accounts.forget_all_devices": "/auth/security",
    "accounts.forget_device": "/auth/security",
    "accounts.end_others": "/auth/sessions",
    "accounts.end_one": "/auth/sessions",
}


@pytest.fixture
def pages(app, thread, resident, moderator, village, pledge, other_resident):
    """One real address for every POST-only route, with the page its button is on."""
    comment = create_comment(thread, other_resident)
    dialogue = create_dialogue(moderator, village)
    question = create_question(dialogue, other_resident)
    event = create_reception(moderator, village)  # an event whose slots may be booked too
    slot = db.session.scalar(db.select(ReceptionSlot).filter_by(event_id=event.id).limit(1))
    appeal = create_appeal(resident, pledge.deputy, village, public=True)
    ids = {
        "notification_id": 1,
        "appeal_id": appeal.id,
        "thread_id": thread.id,
        "comment_id": comment.id,
        "session_id": dialogue.id,
        "question_id": question.id,
        "event_id": event.id,
        "slot_id": slot.id,
        "pledge_id": pledge.id,
        "user_id": other_resident.id,
        "deputy_id": pledge.deputy_id,
        "slug": village.slug,
    }
    shown_on = {
        "notification_id": "/notifications",
        "appeal_id": f"/appeals/{appeal.id}",
        "thread_id": f"/threads/{thread.id}",
        "comment_id": f"/threads/{thread.id}",
        "session_id": f"/dialogues/{dialogue.id}",
        "question_id": f"/dialogues/{dialogue.id}",
        "event_id": f"/events/{event.id}",
        "slot_id": f"/events/{event.id}",
        "pledge_id": f"/pledges/{pledge.id}",
        "user_id": f"/users/{other_resident.id}",
        "deputy_id": f"/deputies/{pledge.deputy_id}",
        "slug": f"/places/{village.slug}",
    }
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods or rule.endpoint in OPEN_TO_VISITORS or rule.endpoint.startswith("admin."):
            continue  # the administration's buttons are on its pages only, which visitors never see (tests/admin)
        values = {name: ids[name] for name in rule.arguments if name in ids}
        for name in rule.arguments - ids.keys():  # move, step, action: one of the choices the route takes
            choices = getattr(rule._converters[name], "items", None)
            values[name] = sorted(choices)[0] if choices else "hide"
        with app.test_request_context():
            from flask import url_for

            address = url_for(rule.endpoint, **values)
        page = PAGE_OF.get(rule.endpoint) or next(shown_on[name] for name in rule.arguments if name in shown_on)
        found.append((rule.endpoint, address, page))
    assert len(found) >= 30
    return found


def _next_of(location: str) -> str | None:
    query = parse_qs(urlsplit(location).query)
    return query.get("next", [None])[0]


def test_every_button_sends_a_visitor_to_sign_in_and_back_to_its_page(client, pages):
    for endpoint, address, page in pages:
        response = client.submit(address, headers={"Referer": f"http://localhost{page}?lang=ru"})
        assert response.status_code in (302, 303), (endpoint, response.status_code)
        assert urlsplit(response.headers["Location"]).path == "/auth/login", endpoint
        assert _next_of(response.headers["Location"]) == f"{page}?lang=ru", endpoint


def test_every_button_pressed_with_htmx_comes_back_to_the_page_htmx_names(client, pages):
    for endpoint, address, page in pages:
        response = client.submit(address, headers={**HTMX, "HX-Current-URL": f"http://localhost{page}"})
        assert _next_of(response.headers["HX-Redirect"]) == page, endpoint


def test_a_foreign_page_or_none_leaves_no_next(client, pages):
    endpoint, address, _ = pages[0]
    for referer in ("https://evil.example/threads/1", "javascript:alert(1)", None):
        headers = {"Referer": referer} if referer else {}
        response = client.submit(address, headers=headers)
        assert _next_of(response.headers["Location"]) is None, (endpoint, referer)


def test_signing_in_never_lands_on_a_post_only_address(client, resident, thread, pages):
    for _, address, _ in pages[:5]:
        fresh = client.application.test_client()
        signed = fresh.post(
            f"/auth/login?next={address}",
            data={"email": resident.email, "password": PASSWORD, "csrf_token": fresh.csrf_token()},
        )
        assert signed.status_code == 303 and signed.headers["Location"] == "/", address


def test_signing_in_from_a_button_lands_on_its_page(client, resident, thread):
    response = client.submit(
        f"/threads/{thread.id}/follow", headers={"Referer": f"http://localhost/threads/{thread.id}"}
    )
    login = response.headers["Location"]
    signed = client.post(login, data={"email": resident.email, "password": PASSWORD, "csrf_token": client.csrf_token()})
    assert signed.status_code == 303 and signed.headers["Location"] == f"/threads/{thread.id}"
    assert 'action="/threads/' in client.get(signed.headers["Location"]).text  # the button is offered again


def test_the_sign_in_link_in_the_header_comes_back_to_the_page(client, thread):
    page = client.get(f"/threads/{thread.id}?lang=en").text
    assert f'href="/auth/login?next=/threads/{thread.id}?lang%3Den"' in page or (
        f"/auth/login?next=/threads/{thread.id}" in page
    )
    assert "next=" not in client.get("/auth/login").text.split("<main")[0]
