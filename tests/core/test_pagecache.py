"""Pages shared with visitors: rendered once per worker and content version, never stale after a write, never
given to someone signed in, each visitor with their own CSRF token."""

import re

from sqlalchemy import select

from community.core.pagecache import ContentVersion
from community.core.writes import bump
from community.extensions import db
from community.moderation.models import Action
from community.moderation.services import moderate
from community.threads.models import Thread
from tests.factories import create_comment
from tests.test_query_counts import counted_queries

META_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def version() -> int:
    db.session.expire_all()
    return db.session.scalar(select(ContentVersion.version))


def test_a_visitor_page_is_rendered_once_then_served_after_one_read(app, thread):
    url = f"/threads/{thread.id}"
    app.test_client().get(url)
    with counted_queries() as sent:
        again = app.test_client().get(url)
    assert again.status_code == 200 and thread.title in again.text
    assert len(sent) == 1 and "content_versions" in sent[0], sent


def test_every_visitor_gets_their_own_token_and_it_works(app, thread):
    one, other = app.test_client(), app.test_client()
    first, second = one.get(f"/threads/{thread.id}").text, other.get(f"/threads/{thread.id}").text
    tokens = META_TOKEN.search(first).group(1), META_TOKEN.search(second).group(1)
    assert tokens[0] != tokens[1] and "csrf-slot" not in first + second
    for client, token in zip((one, other), tokens, strict=True):
        switched = client.post("/language", data={"lang": "en", "next": "/threads/", "csrf_token": token})
        assert switched.status_code in (302, 303)


def test_a_hidden_comment_leaves_the_shared_page_at_once(app, thread, resident, moderator):
    comment = create_comment(thread, resident, "Бұл пікір жасырылады")
    visitor = app.test_client()
    assert "Бұл пікір жасырылады" in visitor.get(f"/threads/{thread.id}").text
    before = version()
    moderate(moderator, Action.HIDE, "Қорлау", thread, comment)
    db.session.commit()
    assert version() > before
    assert "Бұл пікір жасырылады" not in visitor.get(f"/threads/{thread.id}").text


def test_a_counter_moved_in_sql_moves_the_version(thread):
    before = version()
    bump(Thread, thread.id, support_count=1)
    db.session.commit()
    assert version() == before + 1


def test_a_rolled_back_write_and_a_read_leave_the_version(thread):
    before = version()
    thread.title = "Өзгермейтін атау"
    db.session.flush()
    db.session.rollback()
    db.session.scalar(select(Thread.id))
    db.session.commit()
    assert version() == before


def test_a_failed_sign_in_moves_nothing_visitors_see(client, resident):
    before = version()
    client.post("/auth/login", data={"email": resident.email, "password": "wrong", "csrf_token": client.csrf_token()})
    assert version() == before


def test_someone_signed_in_never_gets_the_visitors_copy(app, client_as, thread, resident):
    app.test_client().get(f"/threads/{thread.id}")
    page = client_as(resident).get(f"/threads/{thread.id}").text
    assert resident.display_name in page and 'action="/auth/logout"' in page


def test_copies_differ_by_language_and_by_htmx(app, thread):
    visitor = app.test_client()
    kazakh = visitor.get("/threads/?lang=kk").text
    english = visitor.get("/threads/?lang=en").text
    assert "Local issues" in english and "Local issues" not in kazakh
    fragment = visitor.get("/threads/?lang=en", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and "<html" in visitor.get("/threads/?lang=en").text


def test_a_waiting_message_is_shown_not_a_copy(app, resident, client):
    client.get("/threads/")
    client.post("/language", data={"lang": "en", "next": "/threads/", "csrf_token": client.csrf_token()})
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Бір реттік хабар")]
    assert "Бір реттік хабар" in client.get("/threads/").text
    assert "Бір реттік хабар" not in client.get("/threads/").text


def test_a_history_restore_gets_the_whole_page_not_the_kept_fragment(app, thread):
    visitor = app.test_client()
    assert "<html" not in visitor.get("/threads/", headers={"HX-Request": "true"}).text
    restored = visitor.get("/threads/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restored.text


def test_a_savepoint_rolled_back_keeps_the_writes_before_it(thread, resident):
    from community.core.writes import add_once
    from community.threads.models import ThreadFollow

    before = version()
    thread.title = "Жаңа атау"
    db.session.flush()
    assert add_once(ThreadFollow(user_id=resident.id, thread_id=thread.id)) is False  # the author follows already
    db.session.commit()
    assert version() == before + 1


def test_a_copy_lives_a_minute_for_what_depends_on_the_clock(app, thread, monkeypatch):
    from community.core import pagecache

    visitor = app.test_client()
    visitor.get("/threads/")
    kept = len(pagecache.PAGES.copies)
    now = pagecache.time.time()
    monkeypatch.setattr(pagecache.time, "time", lambda: now + pagecache.LIFETIME)
    visitor.get("/threads/")
    assert len(pagecache.PAGES.copies) == kept + 1


def test_the_copies_a_worker_keeps_are_bounded_in_bytes():
    from community.core.pagecache import SharedPages

    pages = SharedPages(size=100, budget=1_000)
    for number in range(10):
        pages.put(f"page-{number}", (200, [], b"x" * 300))
    assert pages.kept_bytes <= 1_000 and len(pages.copies) == 3 and pages.get("page-9") is not None
