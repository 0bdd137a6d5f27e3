"""Cache-Control: nothing served to a signed-in user is stored anywhere; a visitor's page only in their own
browser; a live poll keeps its ETag and 304."""

import pytest

from community.events.services import register
from community.extensions import db
from tests.factories import create_dialogue, create_event, create_question

HTMX = {"HX-Request": "true"}
PERSONAL = "private, no-store"


@pytest.fixture
def event(moderator, village, resident):
    event = create_event(moderator, village, capacity=5)
    register(resident, event)
    db.session.commit()
    return event


@pytest.mark.parametrize(
    "url, headers",
    [
        ("/auth/settings", {}),
        ("/auth/settings", HTMX),
        ("/events/{e}/registrants", {}),
        ("/events/{e}/registrants", HTMX),
        ("/events/{e}/registrants.csv", {}),
        ("/moderation/", {}),
        ("/", {}),
        ("/threads/", {}),
        ("/threads/", HTMX),
        ("/threads/{t}", {}),
        ("/events/{e}", {}),
        ("/pledges.csv", {}),
        ("/no-such-page", {}),
    ],
)
def test_nothing_served_to_a_signed_in_user_is_stored(client_as, moderator, event, thread, url, headers):
    response = client_as(moderator).get(url.format(e=event.id, t=thread.id), headers=headers)
    assert response.status_code in (200, 404)
    assert response.headers["Cache-Control"] == PERSONAL


def test_redirects_after_a_signed_in_users_post_are_not_stored_either(client_as, thread):
    response = client_as("resident").submit(f"/threads/{thread.id}/support")
    assert response.status_code == 303 and response.headers["Cache-Control"] == PERSONAL


@pytest.mark.parametrize("url, headers", [("/", {}), ("/threads/", {}), ("/threads/", HTMX), ("/events/", {})])
def test_a_visitors_page_is_kept_by_their_browser_only(client, region, url, headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private"
    if not headers:  # the token bound to this visitor's session is why no shared cache may keep the page
        assert 'name="csrf-token"' in response.get_data(as_text=True)


def test_signing_out_ends_the_no_store(client, login_as, resident, region):
    login_as(resident)
    assert client.get("/").headers["Cache-Control"] == PERSONAL
    client.submit("/auth/logout")
    assert client.get("/").headers["Cache-Control"] == "private"


@pytest.mark.parametrize("who", ["visitor", "resident"])
def test_a_live_poll_keeps_its_etag_and_304_and_is_never_stored(client_as, moderator, village, resident, who):
    dialogue = create_dialogue(moderator, village)
    create_question(dialogue, resident)
    client = client_as(who)
    first = client.get(f"/dialogues/{dialogue.id}", headers=HTMX)
    tag = first.headers["ETag"]
    again = client.get(f"/dialogues/{dialogue.id}", headers={**HTMX, "If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag
    expected = PERSONAL if who == "resident" else "no-store"
    assert first.headers["Cache-Control"] == again.headers["Cache-Control"] == expected


def test_static_files_keep_their_own_caching_for_everyone(client_as, app):
    response = client_as("resident").get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
