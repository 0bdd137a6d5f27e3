"""Flags, the moderators' queue and actions, the public log, and hidden content kept out of sight."""

import re

import pytest

from community.accounts.models import User
from community.extensions import db
from community.moderation.models import Action, Flag, ModerationAction
from community.threads.models import Comment, Thread, ThreadState
from tests.factories import create_comment, create_thread, create_user

HTMX = {"HX-Request": "true"}


def flag(app, login_as, user, url, reason="insult"):
    c = login_as(user, with_client=app.test_client())
    return c.submit(url, {"reason": reason, "note": "дөрекі сөз"})


@pytest.fixture
def rude_comment(thread, other_resident):
    return create_comment(thread, other_resident, "Сендердің бәрің ақымақсыңдар")


def test_a_resident_flags_once(app, login_as, resident, rude_comment):
    assert flag(app, login_as, resident, f"/comments/{rude_comment.id}/flag").status_code == 303
    flag(app, login_as, resident, f"/comments/{rude_comment.id}/flag")
    assert db.session.scalar(db.select(db.func.count(Flag.id))) == 1


def test_nobody_flags_their_own_words(app, login_as, other_resident, rude_comment):
    assert flag(app, login_as, other_resident, f"/comments/{rude_comment.id}/flag").status_code == 403


def test_three_reporters_hide_a_comment_until_review(app, client, login_as, thread, rude_comment):
    for _ in range(3):
        flag(app, login_as, create_user("resident"), f"/comments/{rude_comment.id}/flag")
    comment = db.session.get(Comment, rude_comment.id)
    assert comment.is_hidden and comment.hidden_by_id is None
    assert db.session.get(Thread, thread.id).comment_count == 0
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "ақымақ" not in html
    entry = db.session.scalar(db.select(ModerationAction))
    assert entry.action is Action.AUTO_HIDE


def test_hidden_threads_leave_lists_feeds_fragments_and_their_url(app, client, login_as, thread, moderator, resident):
    title = thread.title
    moderator_client = login_as(moderator, with_client=app.test_client())
    response = moderator_client.submit(f"/moderation/threads/{thread.id}/hide", {"reason": "Жарнама"})
    assert response.status_code == 303
    assert title not in client.get("/threads/").get_data(as_text=True)
    assert title not in client.get("/threads/", headers=HTMX).get_data(as_text=True)
    assert title not in client.get("/threads.atom").get_data(as_text=True)
    assert "0 issues" in client.get("/threads/?lang=en").get_data(as_text=True)
    assert client.get(f"/threads/{thread.id}").status_code == 404
    assert client.get(f"/threads/{thread.id}", headers=HTMX).status_code == 404
    seen = moderator_client.get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
    assert "hidden from the public" in seen and "Жарнама" in seen
    author = login_as(resident, with_client=app.test_client())
    assert "Жарнама" in author.get(f"/threads/{thread.id}").get_data(as_text=True)


def test_the_log_is_public_and_never_shows_hidden_text(app, client, login_as, moderator, rude_comment):
    moderator_client = login_as(moderator, with_client=app.test_client())
    moderator_client.submit(f"/moderation/comments/{rude_comment.id}/hide", {"reason": "Қорлау"})
    html = client.get("/moderation/log?lang=en").get_data(as_text=True)
    assert "Қорлау" in html and "Moderator" in html and "Hidden" in html
    assert "ақымақ" not in html and "not visible" in html


def test_restore_and_dismiss_bring_content_back(app, login_as, moderator, thread, rude_comment):
    for _ in range(3):
        flag(app, login_as, create_user("resident"), f"/comments/{rude_comment.id}/flag")
    moderator_client = login_as(moderator, with_client=app.test_client())
    moderator_client.submit(f"/moderation/comments/{rude_comment.id}/dismiss", {"reason": "Сын, бірақ қорлау емес"})
    assert not db.session.get(Comment, rude_comment.id).is_hidden
    assert db.session.get(Thread, thread.id).comment_count == 1
    assert db.session.scalar(db.select(db.func.count(Flag.id)).where(Flag.resolved_at.is_(None))) == 0


def test_every_action_needs_a_reason(app, login_as, moderator, thread):
    moderator_client = login_as(moderator, with_client=app.test_client())
    response = moderator_client.submit(f"/moderation/threads/{thread.id}/lock?lang=en", {"reason": ""})
    assert response.status_code == 422
    assert db.session.get(Thread, thread.id).locked_at is None
    assert db.session.scalar(db.select(db.func.count(ModerationAction.id))) == 0


@pytest.mark.parametrize("action, field", [("lock", "locked_at"), ("pin", "pinned_at")])
def test_lock_and_pin(app, login_as, moderator, thread, action, field):
    moderator_client = login_as(moderator, with_client=app.test_client())
    moderator_client.submit(f"/moderation/threads/{thread.id}/{action}", {"reason": "Маңызды тақырып"})
    assert getattr(db.session.get(Thread, thread.id), field) is not None


def test_close_needs_a_reason_and_stops_comments(app, login_as, moderator, thread):
    moderator_client = login_as(moderator, with_client=app.test_client())
    assert moderator_client.submit(f"/threads/{thread.id}/close", {"reason": ""}).status_code == 422
    assert moderator_client.submit(f"/threads/{thread.id}/close", {"reason": "Қайталанған тақырып"}).status_code == 303
    closed = db.session.get(Thread, thread.id)
    assert closed.state is ThreadState.CLOSED and not closed.takes_comments


def test_a_suspended_user_cannot_post(app, login_as, moderator, thread, other_resident):
    moderator_client = login_as(moderator, with_client=app.test_client())
    url = f"/moderation/users/{other_resident.id}/suspend"
    response = moderator_client.submit(url, {"days": "3", "reason": "Спам"})
    assert response.status_code == 303
    assert db.session.get(User, other_resident.id).is_suspended
    suspended = login_as(other_resident, with_client=app.test_client())
    posted = suspended.submit(f"/threads/{thread.id}/comments", {"body": "Тағы да жарнама", "submission_key": "s"})
    assert posted.status_code == 403


def test_the_queue_groups_reports(app, login_as, moderator, rude_comment):
    for _ in range(2):
        flag(app, login_as, create_user("resident"), f"/comments/{rude_comment.id}/flag")
    html = login_as(moderator, with_client=app.test_client()).get("/moderation/?lang=en").get_data(as_text=True)
    assert "2 reports" in html and "ақымақ" in html


def test_official_answers_by_the_addressed_deputy_or_a_moderator(app, login_as, thread, deputy, resident, moderator):
    other_deputy = create_user("deputy")
    for user, status in ((resident, 403), (other_deputy, 403), (deputy, 303)):
        c = login_as(user, with_client=app.test_client())
        response = c.submit(
            f"/threads/{thread.id}/answer",
            {"answer-body": "Жөндеу мамырда басталады.", "answer-submission_key": f"a{user.id}"},
        )
        assert response.status_code == status
    answered = db.session.get(Thread, thread.id)
    assert answered.state is ThreadState.ANSWERED
    answer = db.session.scalar(db.select(Comment).where(Comment.official.is_(True)))
    assert answer.author_id == deputy.id
    html = app.test_client().get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
    assert "Official answer" in html and "Жөндеу мамырда басталады." in html
    later = create_thread(resident, thread.locality)
    moderator_client = login_as(moderator, with_client=app.test_client())
    assert (
        moderator_client.submit(
            f"/threads/{later.id}/answer", {"answer-body": "Модератордың жауабы", "answer-submission_key": "m"}
        ).status_code
        == 303
    )


def test_moderators_act_from_the_thread_page_and_the_queue(app, login_as, moderator, thread, rude_comment):
    moderator_client = login_as(moderator, with_client=app.test_client())
    html = moderator_client.get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
    assert html.count("Moderate") >= 2 and f"/moderation/threads/{thread.id}/pin" in html
    moderator_client.submit(f"/moderation/threads/{thread.id}/pin", {"reason": "Маңызды"})
    html = moderator_client.get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
    assert f"/moderation/threads/{thread.id}/unpin" in html
    moderator_client.submit(f"/moderation/threads/{thread.id}/unpin", {"reason": "Өзекті емес"})
    assert db.session.get(Thread, thread.id).pinned_at is None
    assert moderator_client.submit(f"/moderation/threads/{thread.id}/close", {"reason": "Шешілді"}).status_code == 303
    assert db.session.get(Thread, thread.id).state is ThreadState.CLOSED
    assert moderator_client.submit(f"/moderation/threads/{thread.id}/close", {"reason": "Тағы"}).status_code == 409


def test_residents_see_no_moderator_tools(client, thread):
    assert "/moderation/threads/" not in client.get(f"/threads/{thread.id}").get_data(as_text=True)


def test_rows_say_when_an_issue_was_raised(client, thread):
    assert re.search(r">(today|yesterday), \d\d:\d\d</time>", client.get("/threads/?lang=en").get_data(as_text=True))
