"""Every thread and moderation view answers a whole page to a plain request and a fragment or HX-Redirect to htmx."""

import pytest

from tests.factories import create_comment

HTMX = {"HX-Request": "true"}


@pytest.fixture
def urls(thread, other_resident):
    comment = create_comment(thread, other_resident, "Пікір мәтіні")
    return {"t": thread.id, "c": comment.id}


@pytest.mark.parametrize(
    "who, url",
    [
        ("visitor", "/threads/"),
        ("visitor", "/threads/{t}"),
        ("visitor", "/moderation/log"),
        ("author", "/threads/new"),
        ("author", "/threads/{t}/edit"),
        ("commenter", "/comments/{c}/edit"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_pages_and_fragments(app, login_as, resident, other_resident, urls, who, url, htmx):
    client = app.test_client()
    if who != "visitor":
        login_as(resident if who == "author" else other_resident, with_client=client)
    response = client.get(url.format(**urls), headers=HTMX if htmx else {})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("<html" in html) is not htmx
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    "who, url, data",
    [
        ("author", "/threads/{t}/resolve", {}),
        ("moderator", "/threads/{t}/close", {"reason": "Қайталанған тақырып"}),
        ("commenter", "/comments/{c}/delete", {}),
        ("moderator", "/moderation/threads/{t}/pin", {"reason": "Маңызды"}),
        ("addressed deputy", "/threads/{t}/answer", {"answer-body": "Жауап мәтіні", "answer-submission_key": "k"}),
    ],
)
def test_actions_answer_htmx_with_hx_redirect(
    app, login_as, resident, other_resident, moderator, deputy, urls, who, url, data
):
    people = {"author": resident, "commenter": other_resident, "moderator": moderator, "addressed deputy": deputy}
    client = login_as(people[who], with_client=app.test_client())
    response = client.submit(url.format(**urls), data, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/threads/") or response.headers["HX-Redirect"] == "/moderation/"


def test_a_report_sent_from_its_form_in_place_is_thanked_in_place(app, login_as, resident, urls):
    client = login_as(resident, with_client=app.test_client())
    form = client.get(f"/comments/{urls['c']}/flag?lang=en", headers=HTMX).get_data(as_text=True)
    assert "<html" not in form and 'name="reason"' in form and 'hx-post="/comments/' in form
    response = client.submit(f"/comments/{urls['c']}/flag?lang=en", {"reason": "spam"}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Redirect" not in response.headers
    assert 'role="status"' in html and "The moderators will look at it." in html and "<form" not in html
    again = client.submit(f"/comments/{urls['c']}/flag?lang=en", {"reason": "spam"}, headers=HTMX)
    assert "You have already reported this." in again.get_data(as_text=True)


def test_follow_toggles_in_place(app, login_as, other_resident, urls):
    client = login_as(other_resident, with_client=app.test_client())
    html = client.submit(f"/threads/{urls['t']}/follow?lang=en", headers=HTMX).get_data(as_text=True)
    assert "<html" not in html and 'aria-pressed="true"' in html and "2 followers" in html
