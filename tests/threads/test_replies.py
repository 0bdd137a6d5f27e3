"""Replies under one comment: the thread page shows the first few and a link to all of them, read a page at a
time, with or without htmx, and never a hidden one to those who may not see it."""

import pytest

from community.extensions import db
from community.moderation.models import Action
from community.moderation.services import moderate
from tests.factories import create_comment

HTMX = {"HX-Request": "true"}


def _answered(thread, resident, other_resident, count: int):
    parent = create_comment(thread, resident, "Су қашан келеді?")
    replies = [create_comment(thread, other_resident, f"Жауап нөмірі {n:02d}", parent=parent) for n in range(count)]
    return parent, replies


def test_the_thread_page_shows_the_latest_replies_and_links_to_the_earlier(client, thread, resident, other_resident):
    parent, _ = _answered(thread, resident, other_resident, 5)
    page = client.get(f"/threads/{thread.id}?lang=en").text
    assert "Жауап нөмірі 01" not in page and "Жауап нөмірі 02" in page and "Жауап нөмірі 04" in page
    assert page.index("Жауап нөмірі 02") < page.index("Жауап нөмірі 04")
    assert f'href="/comments/{parent.id}/replies"' in page and "Earlier replies" in page


def test_a_comment_with_few_replies_has_no_link(client, thread, resident, other_resident):
    parent, _ = _answered(thread, resident, other_resident, 3)
    page = client.get(f"/threads/{thread.id}").text
    assert "Жауап нөмірі 00" in page and f"/comments/{parent.id}/replies" not in page


def test_a_hidden_reply_neither_counts_nor_shows_a_link(client, client_as, thread, resident, other_resident, moderator):
    parent, replies = _answered(thread, resident, other_resident, 4)
    moderate(moderator, Action.HIDE, "Қорлау", thread, replies[0])
    db.session.commit()
    page = client.get(f"/threads/{thread.id}").text
    assert "Жауап нөмірі 00" not in page and f"/comments/{parent.id}/replies" not in page
    assert f"/comments/{parent.id}/replies" in client_as(moderator).get(f"/threads/{thread.id}").text


def test_a_new_reply_is_shown_under_its_comment(client_as, thread, resident, other_resident):
    parent, _ = _answered(thread, resident, other_resident, 6)
    create_comment(thread, resident, "Менің соңғы жауабым", parent=parent)
    assert "Менің соңғы жауабым" in client_as(resident).get(f"/threads/{thread.id}").text


def test_all_replies_come_a_page_at_a_time_as_a_page_or_a_fragment(client, thread, resident, other_resident):
    parent, _ = _answered(thread, resident, other_resident, 55)
    page = client.get(f"/comments/{parent.id}/replies")
    assert page.status_code == 200 and "<html" in page.text
    assert "Жауап нөмірі 49" in page.text and "Жауап нөмірі 50" not in page.text
    fragment = client.get(f"/comments/{parent.id}/replies", headers=HTMX).text
    assert "<html" not in fragment and f'id="replies-{parent.id}"' in fragment
    later = fragment.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    rest = client.get(later, headers=HTMX).text
    assert "Жауап нөмірі 50" in rest and "Жауап нөмірі 54" in rest and "Жауап нөмірі 49" not in rest


def test_hidden_replies_and_hidden_parents_stay_hidden(client_as, client, thread, resident, other_resident, moderator):
    parent, replies = _answered(thread, resident, other_resident, 4)
    moderate(moderator, Action.HIDE, "Қорлау", thread, replies[0])
    db.session.commit()
    assert "Жауап нөмірі 00" not in client.get(f"/comments/{parent.id}/replies").text
    assert "Жауап нөмірі 00" in client_as(moderator).get(f"/comments/{parent.id}/replies").text
    assert "Жауап нөмірі 00" in client_as(other_resident).get(f"/comments/{parent.id}/replies").text
    moderate(moderator, Action.HIDE, "Қорлау", thread, parent)
    db.session.commit()
    assert client.get(f"/comments/{parent.id}/replies").status_code == 404


def test_a_reply_has_no_replies_page(client, thread, resident, other_resident):
    _, replies = _answered(thread, resident, other_resident, 1)
    assert client.get(f"/comments/{replies[0].id}/replies").status_code == 404
    assert client.get("/comments/99999999/replies").status_code == 404


@pytest.mark.parametrize("role", ["visitor", "resident", "deputy", "moderator", "admin"])
def test_every_role_opens_the_replies_and_only_moderators_those_of_a_hidden_comment(
    client_as, thread, resident, other_resident, moderator, role
):
    parent, _ = _answered(thread, resident, other_resident, 2)
    assert client_as(role).get(f"/comments/{parent.id}/replies").status_code == 200
    moderate(moderator, Action.HIDE, "Қорлау", thread, parent)
    db.session.commit()
    expected = 200 if role in ("moderator", "admin") else 404
    assert client_as(role).get(f"/comments/{parent.id}/replies").status_code == expected
