"""Every mutating thread and moderation route × every kind of user: refused means unchanged."""

import pytest

from community.extensions import db
from community.moderation.models import Flag, ModerationAction
from community.threads.models import Comment, CommentSupport, Thread, ThreadFollow, ThreadStateChange, ThreadSupport
from tests.factories import create_comment, create_user

WHO = ["visitor", "author", "other resident", "addressed deputy", "other deputy", "moderator"]

# route, form data, who may do it (everyone else is refused and nothing changes)
ROUTES = [
    (
        "/threads/{t}/comments",
        {"body": "Пікір мәтіні", "submission_key": "x"},
        {"author", "other resident", "addressed deputy", "other deputy", "moderator"},
    ),
    (
        "/threads/{t}/answer",
        {"answer-body": "Ресми жауап", "answer-submission_key": "y"},
        {"addressed deputy", "moderator"},
    ),
    ("/threads/{t}/support", {}, {"author", "other resident", "addressed deputy", "other deputy", "moderator"}),
    ("/threads/{t}/follow", {}, {"other resident", "addressed deputy", "other deputy", "moderator", "author"}),
    ("/threads/{t}/resolve", {}, {"author", "moderator"}),
    ("/threads/{t}/close", {"reason": "Қайталанған"}, {"moderator"}),
    (
        "/threads/{t}/edit",
        {
            "title": "Жаңа тақырып атауы",
            "body": "Жаңа сипаттама мәтіні, жиырма таңбадан көп.",
            "locality": "{l}",
            "category": "water",
        },
        {"author"},
    ),
    ("/comments/{c}/edit", {"body": "Өзгертілген мәтін"}, {"other resident"}),
    ("/comments/{c}/delete", {}, {"other resident"}),
    ("/comments/{c}/support", {}, {"author", "addressed deputy", "other deputy", "moderator", "other resident"}),
    ("/threads/{t}/flag", {"reason": "spam"}, {"other resident", "addressed deputy", "other deputy", "moderator"}),
    ("/comments/{c}/flag", {"reason": "insult"}, {"author", "addressed deputy", "other deputy", "moderator"}),
    ("/moderation/threads/{t}/hide", {"reason": "Жарнама"}, {"moderator"}),
    ("/moderation/threads/{t}/pin", {"reason": "Маңызды"}, {"moderator"}),
    ("/moderation/comments/{c}/hide", {"reason": "Қорлау"}, {"moderator"}),
    ("/moderation/users/{u}/suspend", {"days": "2", "reason": "Спам"}, {"moderator"}),
]
TABLES = [Thread, Comment, ThreadSupport, CommentSupport, ThreadFollow, ThreadStateChange, Flag, ModerationAction]


def snapshot() -> list:
    db.session.expire_all()
    rows = []
    for model in TABLES:
        for row in db.session.scalars(db.select(model)):
            rows.append({column.name: getattr(row, column.key) for column in model.__table__.columns})
    return rows


@pytest.mark.parametrize("route, data, allowed", ROUTES, ids=[route for route, _, _ in ROUTES])
@pytest.mark.parametrize("who", WHO)
def test_refused_users_change_nothing(
    client_as, thread, resident, other_resident, deputy, moderator, route, data, allowed, who
):
    comment = create_comment(thread, other_resident, "Бір пікір")
    people = {
        "author": resident,
        "other resident": other_resident,
        "addressed deputy": deputy,
        "other deputy": create_user("deputy"),
        "moderator": moderator,
    }
    client = client_as(people.get(who, "visitor"))
    url = route.format(t=thread.id, c=comment.id, u=other_resident.id)
    data = {key: value.format(l=thread.locality_id) for key, value in data.items()}
    before = snapshot()
    response = client.submit(url, data)
    if who in allowed:
        assert response.status_code in (200, 303), response.status_code
        already_following = who in ("author", "other resident") and route.endswith("/follow")  # started, commented
        assert (snapshot() == before) if already_following else (snapshot() != before)
    else:
        expected = (302, 303) if who == "visitor" else (403, 404)
        assert response.status_code in expected
        if who == "visitor":
            assert "/auth/login" in response.headers["Location"]
        assert snapshot() == before


def test_the_author_reopens_their_resolved_issue_with_a_reason_but_not_a_closed_one(
    client_as, thread, resident, moderator
):
    author = client_as(resident)
    assert author.submit(f"/threads/{thread.id}/resolve").status_code == 303
    assert 'action="/threads/' in author.get(f"/threads/{thread.id}").text
    assert author.submit(f"/threads/{thread.id}/reopen", {"reason": ""}).status_code == 422
    assert author.submit(f"/threads/{thread.id}/reopen", {"reason": "Шам қайтадан сөнді"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).state.value == "open"
    assert db.session.scalar(db.select(db.func.count(ModerationAction.id))) == 0  # not a moderator's act
    assert client_as(moderator).submit(f"/threads/{thread.id}/close", {"reason": "Қайталанған"}).status_code == 303
    assert author.submit(f"/threads/{thread.id}/reopen", {"reason": "Келіспеймін"}).status_code == 403
    assert client_as("resident").submit(f"/threads/{thread.id}/reopen", {"reason": "Мен де"}).status_code == 403
