"""The database layer: migrations match the models; SQLite is set up for concurrent use: pages read side by side,
writers queue."""

import contextlib
import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, text

from community.config import Config
from community.core.mail import deliver_queued, queue_mail
from community.extensions import db
from community.places.models import Locality
from community.threads.models import Comment, Thread
from tests.concurrency import run_at_once
from tests.factories import create_comment, create_locality


def test_the_migrations_and_the_models_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_foreign_keys_are_on_again_after_the_migrations_ran(sqlite_only):
    from flask_migrate import upgrade

    upgrade()  # at the head already: env.py still turns the keys off and on around it, on a pooled connection
    for _ in range(3):
        with db.engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_production_refuses_to_start_without_a_real_secret_key():
    for weak in ("", "dev", "short"):
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            Config.check({"PRODUCTION": True, "SECRET_KEY": weak})
    Config.check(
        {"PRODUCTION": True, "SECRET_KEY": "x" * 40, "SITE_URL": "https://halyk-uni.kz", "SINGLE_PROCESS": True}
    )


def test_postgres_connections_are_pinged_before_use():
    assert Config.SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is True


@pytest.fixture
def sqlite_only():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")


def test_sqlite_uses_wal_foreign_keys_and_a_busy_timeout(sqlite_only):
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_concurrent_writers_queue_instead_of_failing(app):
    errors = []

    def write(number):
        with app.app_context():
            try:
                for step in range(5):
                    create_locality(f"place-{number}-{step}", "village", f"Ауыл {number}", f"Село {number}")
                    db.session.commit()
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                errors.append(error)

    threads = [threading.Thread(target=write, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.session.scalar(db.select(db.func.count(Locality.id))) == 40


def test_foreign_keys_are_enforced(app):
    from sqlalchemy.exc import IntegrityError

    from tests.factories import create_user

    with pytest.raises(IntegrityError):
        create_user(locality_id=987654)
    db.session.rollback()


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_production_hashes_passwords_with_full_strength_scrypt():
    assert Config.PASSWORD_HASH_METHOD == "scrypt"


@contextlib.contextmanager
def transactions_opened():
    """The statements that open a transaction, as the app sends them (SQLite's BEGIN; none on PostgreSQL)."""
    opened: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("BEGIN"):
            opened.append(statement)

    db.session.close()  # the test's own session opens nothing meanwhile
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield opened
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def assert_opened_with(opened: list[str], begin: str) -> None:
    """On SQLite every transaction opened with this statement; PostgreSQL gets no statement of ours."""
    if db.engine.dialect.name == "sqlite":
        assert opened and set(opened) == {begin}, opened
    else:
        assert opened == []


def test_pages_read_in_plain_transactions_and_posts_take_the_write_lock_at_once(app, client, thread, other_resident):
    page = f"/threads/{thread.id}"
    client.sign_in(other_resident)
    token = client.csrf_token()
    for method in ("GET", "HEAD"):
        with transactions_opened() as opened:
            assert client.open(page, method=method).status_code == 200
        assert_opened_with(opened, "BEGIN")
    with transactions_opened() as opened:
        posted = client.post(f"{page}/comments", data={"body": "Мен де!", "submission_key": "k1", "csrf_token": token})
        assert posted.status_code == 303
    assert_opened_with(opened, "BEGIN IMMEDIATE")


def test_commands_and_mail_sent_after_an_answer_take_the_write_lock_at_once(app, region, outbox):
    locality = str(region.id)
    with transactions_opened() as opened:
        queue_mail("someone@example.kz", "Сәлем", "Хат")
        db.session.commit()
        assert deliver_queued() == 1
    assert_opened_with(opened, "BEGIN IMMEDIATE")
    client = app.test_client()
    data = {"email": "asel.n@example.kz", "display_name": "Әсел", "locality": locality, "accept_terms": "y"}
    data["csrf_token"] = client.csrf_token()
    with transactions_opened() as opened:
        assert client.post("/auth/register", data=data).status_code == 303  # its mail leaves after the answer
    assert len(outbox) == 2
    assert_opened_with(opened, "BEGIN IMMEDIATE")


def test_pages_are_served_while_a_writer_holds_sqlites_lock(sqlite_only, client, thread, resident):
    create_comment(thread, resident)
    thread_id = thread.id
    pages = ["/", "/threads/", f"/threads/{thread_id}", "/events/calendar", f"/users/{resident.id}"]
    for page in pages:
        assert client.get(page).status_code == 200  # templates compiled before the clock starts
    db.session.close()  # the test's own session holds no transaction
    with db.engine.connect() as writer:
        writer.execute(text("UPDATE threads SET title = 'Жазылып жатыр' WHERE id = :id"), {"id": thread_id})
        assert writer.in_transaction()  # BEGIN IMMEDIATE, holding the write lock until the rollback below
        for page in pages:
            started = time.monotonic()
            response = client.get(page)
            assert response.status_code == 200 and time.monotonic() - started < 3  # the busy timeout is 15 s
            assert "Жазылып жатыр" not in response.get_data(as_text=True)  # nothing uncommitted is seen
        writer.rollback()


def test_pages_and_posts_at_once_never_find_the_database_locked(app, client_as, thread):
    writers = [client_as("resident") for _ in range(4)]
    readers = [app.test_client() for _ in range(4)]
    tokens = [writer.csrf_token() for writer in writers]
    page, thread_id = f"/threads/{thread.id}", thread.id

    def act(index):
        if index < len(writers):
            forms = [{"body": f"Пікір {index}-{n}", "submission_key": f"k{index}-{n}"} for n in range(5)]
            url = f"{page}/comments"
            return [writers[index].post(url, data={**form, "csrf_token": tokens[index]}).status_code for form in forms]
        return [readers[index - len(writers)].get(target).status_code for target in [page, "/threads/", "/"] * 4]

    outcomes = run_at_once(app, act, len(writers) + len(readers))
    assert outcomes.count([303] * 5) == len(writers) and outcomes.count([200] * 12) == len(readers), outcomes
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 20
    assert db.session.get(Thread, thread_id).comment_count == 20


def test_a_write_in_a_get_fails_the_test(app, region):
    from tests.conftest import writes_in_reads

    with app.test_request_context("/"):
        create_locality("written-in-a-get", "village", "Ауыл", "Село", parent=region)
    noted, writes_in_reads[:] = list(writes_in_reads), []  # noted, then forgotten so this test passes
    assert noted and noted[0].startswith("GET /?: INSERT INTO localities")


def test_robots_txt_keeps_crawlers_off_sign_in_and_moderation_without_the_database(client, app):
    with transactions_opened() as opened:
        response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "Disallow: /auth/" in response.text and "Disallow: /moderation/" in response.text
    assert opened == []
