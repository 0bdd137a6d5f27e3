"""A hidden thread or comment takes no new writes from anyone: every write route × every role is refused (403, or
404 where the item is hidden from that role) and changes nothing, while moderators still hide and restore; the
buttons go by the same rules."""

import pytest

from community.extensions import db
from community.moderation.services import moderate
from community.threads.models import Comment, CommentSupport, Thread, ThreadFollow, ThreadSupport
from tests.factories import create_comment, create_user
from tests.threads.test_access import snapshot

ROLES = ["author", "resident", "addressed deputy", "moderator", "admin"]

# route, form data, what the person had done before it was hidden (so taking it back would change something);
# {c} is someone else's comment, {o} the person's own
THREAD_ROUTES = [
    ("/threads/{t}/comments", {"body": "Жасырылған тақырыпқа пікір", "submission_key": "h1"}, None),
    ("/threads/{t}/comments", {"body": "Жасырылған тақырыпқа жауап", "submission_key": "h2", "parent_id": "{c}"}, None),
    ("/threads/{t}/answer", {"answer-body": "Ресми жауап мәтіні", "answer-submission_key": "h3"}, None),
    ("/threads/{t}/support", {}, None),
    ("/threads/{t}/unsupport", {}, "support thread"),
    ("/comments/{c}/support", {}, None),
    ("/comments/{c}/unsupport", {}, "support comment"),
    ("/threads/{t}/follow", {}, None),
    ("/threads/{t}/unfollow", {}, "follow"),
    ("/threads/{t}/flag", {"reason": "spam"}, None),
    ("/comments/{c}/flag", {"reason": "insult"}, None),
    (
        "/threads/{t}/edit",
        {"title": "Жаңа тақырып атауы", "body": "Жаңа сипаттама мәтіні, жиырма таңбадан көп.", "locality": "{l}"},
        None,
    ),
    ("/comments/{o}/edit", {"body": "Өзгертілген мәтін"}, None),
    ("/comments/{o}/delete", {}, None),
    ("/threads/{t}/resolve", {}, None),
    ("/threads/{t}/close", {"reason": "Қайталанған"}, None),
    ("/moderation/threads/{t}/lock", {"reason": "Маңызды"}, None),
    ("/moderation/threads/{t}/pin", {"reason": "Маңызды"}, None),
    ("/moderation/threads/{t}/close", {"reason": "Маңызды"}, None),
]
COMMENT_ROUTES = [
    ("/threads/{t}/comments", {"body": "Жасырылған пікірге жауап", "submission_key": "h4", "parent_id": "{c}"}, None),
    (
        "/threads/{t}/comments",
        {"body": "Жасырылған пікірдің жауабына", "submission_key": "h5", "parent_id": "{r}"},
        None,
    ),
    ("/comments/{c}/support", {}, None),
    ("/comments/{c}/unsupport", {}, "support comment"),
    ("/comments/{c}/flag", {"reason": "insult"}, None),
    ("/comments/{c}/edit", {"body": "Өзгертілген мәтін"}, None),
    ("/comments/{c}/delete", {}, None),
]


def people(resident, deputy, moderator) -> dict:
    return {
        "author": resident,
        "resident": create_user("resident"),
        "addressed deputy": deputy,
        "moderator": moderator,
        "admin": create_user("admin"),
    }


def make_marks(user, thread, comment, before) -> None:
    """What the person had done before the item was hidden."""
    rows = {
        "support thread": ThreadSupport(user_id=user.id, thread_id=thread.id),
        "support comment": CommentSupport(user_id=user.id, comment_id=comment.id),
        "follow": ThreadFollow(user_id=user.id, thread_id=thread.id),
    }
    if before:
        db.session.merge(rows[before])  # the thread's author follows it already
    db.session.commit()


def submit(client, route, data, thread, comment, own=None, reply=None):
    ids = {
        "t": thread.id,
        "c": comment.id,
        "o": own.id if own else "",
        "r": reply.id if reply else "",
        "l": thread.locality_id,
    }
    return client.submit(route.format(**ids), {key: value.format(**ids) for key, value in data.items()})


def expected_status(role: str, route: str) -> int:
    """403 for who sees the hidden item (and for the moderators' routes asked by others), else 404."""
    return 403 if role in ("author", "moderator", "admin") or route.startswith("/moderation/") else 404


@pytest.mark.parametrize("route, data, before", THREAD_ROUTES, ids=[f"{r}-{sorted(d)}" for r, d, _ in THREAD_ROUTES])
@pytest.mark.parametrize("role", ROLES)
def test_a_hidden_thread_takes_no_writes(client_as, thread, resident, deputy, moderator, role, route, data, before):
    user = people(resident, deputy, moderator)[role]
    comment = create_comment(thread, create_user("resident"), "Біреудің пікірі")
    own = create_comment(thread, user, "Менің пікірім осында")
    make_marks(user, thread, comment, before)
    moderate(moderator, _action("hide"), "Жарнама", thread)
    db.session.commit()
    client = client_as(user)
    before_request = snapshot()
    response = submit(client, route, data, thread, comment, own=own)
    assert response.status_code == expected_status(role, route)
    assert snapshot() == before_request


@pytest.mark.parametrize("route, data, before", COMMENT_ROUTES, ids=[f"{r}-{sorted(d)}" for r, d, _ in COMMENT_ROUTES])
@pytest.mark.parametrize("role", ROLES)
def test_a_hidden_comment_takes_no_writes(client_as, thread, resident, deputy, moderator, role, route, data, before):
    who = people(create_user("resident"), deputy, moderator)
    user = who[role]
    comment = create_comment(thread, who["author"], "Менің жасырылатын пікірім")
    reply = create_comment(thread, resident, "Оған жауап", parent=comment)
    make_marks(user, thread, comment, before)
    moderate(moderator, _action("hide"), "Қорлау", thread, comment)
    db.session.commit()
    client = client_as(user)
    before_request = snapshot()
    response = submit(client, route, data, thread, comment, reply=reply)
    assert response.status_code == expected_status(role, route)
    assert snapshot() == before_request


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_still_restore_and_hide_a_hidden_thread_and_comment(client_as, thread, other_resident, role):
    comment = create_comment(thread, other_resident, "Бір пікір")
    client = client_as(role)
    for action in ("hide", "restore", "hide"):
        assert client.submit(f"/moderation/comments/{comment.id}/{action}", {"reason": "Тексеру"}).status_code == 303
        assert client.submit(f"/moderation/threads/{thread.id}/{action}", {"reason": "Тексеру"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).is_hidden and db.session.get(Comment, comment.id).is_hidden
    # A comment of a hidden thread is still hidden and restored by moderators; reports are still dismissed.
    assert client.submit(f"/moderation/comments/{comment.id}/restore", {"reason": "Тексеру"}).status_code == 303
    assert client.submit(f"/moderation/threads/{thread.id}/dismiss", {"reason": "Тексеру"}).status_code == 303
    assert client.submit(f"/moderation/threads/{thread.id}/restore", {"reason": "Тексеру"}).status_code == 303
    db.session.expire_all()
    assert not db.session.get(Thread, thread.id).is_hidden and not db.session.get(Comment, comment.id).is_hidden


def test_the_buttons_go_by_the_same_rules(client_as, thread, resident, moderator, other_resident):
    comment = create_comment(thread, other_resident, "Бір пікір")
    hidden = create_comment(thread, resident, "Жасырылатын пікір")
    moderate(moderator, _action("hide"), "Қорлау", thread, hidden)
    db.session.commit()
    moderator_client = client_as(moderator)
    page = moderator_client.get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
    assert f"/comments/{comment.id}/support" in page and f"/comments/{hidden.id}/support" not in page
    assert f"/comments/{comment.id}/flag" in page and f"/comments/{hidden.id}/flag" not in page
    assert f"/comments/{comment.id}/reply" in page and f"/comments/{hidden.id}/reply" not in page
    assert f"/moderation/comments/{hidden.id}/restore" in page

    moderate(moderator, _action("hide"), "Жарнама", thread)
    db.session.commit()
    for client in (moderator_client, client_as(resident)):
        page = client.get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
        for gone in ("support", "follow", "flag", "comments", "answer", "edit", "resolve", "close"):
            assert f'/threads/{thread.id}/{gone}"' not in page, gone
        for gone in ("support", "flag", "edit", "delete"):
            assert f'/comments/{comment.id}/{gone}"' not in page and f'/comments/{hidden.id}/{gone}"' not in page
        assert "parent_id" not in page and "takes no new comments" in page
    page = moderator_client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert f"/moderation/threads/{thread.id}/restore" in page
    assert f"/moderation/threads/{thread.id}/pin" not in page and f"/moderation/threads/{thread.id}/lock" not in page


def test_the_queue_offers_a_hidden_thread_only_hide_restore_and_dismiss(app, client_as, thread, moderator):
    for _ in range(3):
        client_as("resident").submit(f"/threads/{thread.id}/flag", {"reason": "spam"})
    assert db.session.get(Thread, thread.id).is_hidden
    page = client_as(moderator).get("/moderation/").get_data(as_text=True)
    for action in ("hide", "restore", "dismiss"):
        assert f"/moderation/threads/{thread.id}/{action}" in page
    for action in ("lock", "pin", "close"):
        assert f"/moderation/threads/{thread.id}/{action}" not in page


def _action(name: str):
    from community.moderation.models import Action

    return Action(name)
