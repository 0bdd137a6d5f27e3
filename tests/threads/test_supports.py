"""Supports: once per user, toggled in place, counts kept right under concurrency."""

from community.extensions import db
from community.threads.marks import support_thread
from community.threads.models import Comment, CommentSupport, Thread, ThreadSupport
from tests.concurrency import post_at_once, run_at_once
from tests.factories import create_comment, create_user

HTMX = {"HX-Request": "true"}


def test_support_toggles_in_place(client, thread, other_resident, login_as):
    login_as(other_resident)
    response = client.submit(f"/threads/{thread.id}/support?lang=en", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'aria-pressed="true"' in html and "1 support" in html and f"/threads/{thread.id}/unsupport" in html
    html = client.submit(f"/threads/{thread.id}/unsupport?lang=en", headers=HTMX).get_data(as_text=True)
    assert 'aria-pressed="false"' in html and "0 supports" in html


def test_support_without_javascript_redirects_back(client, thread, other_resident, login_as):
    login_as(other_resident)
    response = client.submit(f"/threads/{thread.id}/support")
    assert response.status_code == 303 and response.headers["Location"].startswith(f"/threads/{thread.id}")
    assert db.session.get(Thread, thread.id).support_count == 1


def test_comment_supports(client, thread, resident, other_resident, login_as):
    comment = create_comment(thread, resident)
    login_as(other_resident)
    html = client.submit(f"/comments/{comment.id}/support", headers=HTMX).get_data(as_text=True)
    assert 'aria-pressed="true"' in html
    client.submit(f"/comments/{comment.id}/support")
    assert db.session.get(Comment, comment.id).support_count == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(CommentSupport)) == 1


def test_visitors_cannot_support(client, thread):
    response = client.submit(f"/threads/{thread.id}/support")
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    assert db.session.get(Thread, thread.id).support_count == 0


def test_twenty_parallel_supports_by_one_user_leave_one(client_as, thread, other_resident):
    clients = [client_as(other_resident) for _ in range(20)]
    responses = post_at_once(clients, f"/threads/{thread.id}/support")
    assert [response.status_code for response in responses] == [303] * 20
    assert db.session.scalar(db.select(db.func.count()).select_from(ThreadSupport)) == 1
    assert db.session.get(Thread, thread.id).support_count == 1


def test_a_hundred_users_supporting_at_once_leave_a_count_of_a_hundred(app, thread):
    supporters = [create_user("resident").id for _ in range(100)]
    thread_id = thread.id

    def support(index):
        from community.accounts.models import User

        support_thread(db.session.get(User, supporters[index]), db.session.get(Thread, thread_id))
        return "supported"

    assert run_at_once(app, support, len(supporters)) == ["supported"] * len(supporters)
    assert db.session.get(Thread, thread_id).support_count == 100
    assert db.session.scalar(db.select(db.func.count()).select_from(ThreadSupport)) == 100


def test_small_actions_are_rate_limited_per_account(app, client, thread, other_resident, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "ACTION_LIMIT", "3 per hour")
    login_as(other_resident)
    statuses = [
        client.submit(f"/threads/{thread.id}/{verb}?lang=en").status_code
        for verb in ("support", "unsupport", "support", "unsupport")
    ]
    assert statuses[:3] == [303, 303, 303] and statuses[3] == 429
