"""The main lists' queries are served by their indexes on both databases: read in the index's order, never sorted
in full, at any depth. The query is the one the page really runs, caught on its way to the database."""

import contextlib
import json
import re

import pytest
from sqlalchemy import event

from community.extensions import db
from tests.factories import create_thread, create_user


@contextlib.contextmanager
def caught_statements():
    """Every statement the app sends while the block runs, with its parameters."""
    caught: list[tuple[str, object]] = []

    def catch(conn, cursor, statement, parameters, context, executemany):
        caught.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        yield caught
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)


def page_query(client, url: str, marker: str) -> tuple[str, object]:
    """The statement a page runs whose text holds the marker (e.g. the list's own condition)."""
    with caught_statements() as caught:
        assert client.get(url).status_code == 200
    found = [(statement, parameters) for statement, parameters in caught if marker in statement]
    assert found, f"no statement with {marker!r} for {url}"
    return found[0]


def plan_of(statement: str, parameters) -> str:
    """The plan as text. On PostgreSQL sequential scans and sorts are priced out first, so a tiny test table
    shows whether an index can serve the filter and the order at all (it is what the planner picks at scale)."""
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if db.engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0]
        connection.rollback()
        return json.dumps(plan)
    finally:
        connection.close()


def assert_read_in_index_order(plan: str, *indexes: str) -> None:
    """The plan reads one of these indexes and sorts nothing."""
    assert any(re.search(rf"\b{index}\b", plan) for index in indexes), plan
    if db.engine.dialect.name == "sqlite":
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    else:
        assert '"Node Type": "Sort"' not in plan and '"Node Type": "Incremental Sort"' not in plan, plan


LIST_KEYS = "threads.id \nFROM threads"  # the page's keys, read first (core/lists.py keyset_page)


@pytest.fixture
def listed(resident, village):
    """Enough threads for every sort to have a next page."""
    for number in range(25):
        create_thread(resident, village, title=f"Мәселе {number}")
    db.session.commit()


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("", "ix_threads_listed_activity"),
        ("?sort=newest", "ix_threads_listed_newest"),
        ("?sort=supported", "ix_threads_listed_supported"),
        ("?category=roads", "ix_threads_listed_activity"),
        ("?state=open&sort=newest", "ix_threads_listed_newest"),
    ],
)
def test_the_thread_list_reads_its_sort_index(client, listed, query, index):
    statement, parameters = page_query(client, "/threads/" + query, LIST_KEYS)
    assert_read_in_index_order(plan_of(statement, parameters), index)


def test_a_deep_page_of_the_thread_list_starts_in_the_index_not_after_an_offset(client, listed):
    first = client.get("/threads/").text
    later = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    statement, parameters = page_query(client, later, LIST_KEYS)
    assert "OFFSET" not in statement.upper() or parameters[-1] == 0  # SQLite always says OFFSET, here 0
    assert_read_in_index_order(plan_of(statement, parameters), "ix_threads_listed_activity")


def test_a_locality_narrows_the_thread_list_through_an_index(client, listed, village):
    statement, parameters = page_query(client, f"/threads/?place={village.slug}", LIST_KEYS)
    plan = plan_of(statement, parameters)
    assert re.search(r"\bix_threads_listed_(place_)?activity\b", plan), plan


def test_a_visitors_page_of_a_thread_reads_its_comments_in_index_order(client, thread, resident):
    from tests.factories import create_comment

    for number in range(3):
        create_comment(thread, resident, f"Пікір {number}")
    statement, parameters = page_query(client, f"/threads/{thread.id}", "comments.parent_id IS NULL")
    plan = plan_of(statement, parameters)
    assert_read_in_index_order(plan, "ix_comments_shown_top", "ix_comments_thread_parent_created")


def test_a_pledges_history_is_read_a_page_at_a_time_from_its_index(client, pledge):
    statement, parameters = page_query(client, f"/pledges/{pledge.id}", "FROM pledge_updates")
    assert "pledge_updates.pledge_id" in statement
    assert_read_in_index_order(plan_of(statement, parameters), "ix_pledge_updates_pledge_created")


def test_the_notifications_page_reads_its_keys_by_index_and_looks_up_only_its_rows(client_as, resident, village):
    from community.notifications.models import NotificationKind
    from community.notifications.services import notify

    thread = create_thread(create_user("resident"), village)
    for number in range(35):
        notify([resident.id], NotificationKind.COMMENT, f"plan-{number}", thread_id=thread.id)
    db.session.commit()
    statement, parameters = page_query(client_as(resident), "/notifications", "notifications.id \nFROM notifications")
    plan = plan_of(statement, parameters)
    assert_read_in_index_order(plan, "ix_notifications_user_id_id")
    # Hidden issues and comments are looked up per row by key, never gathered from the whole site first.
    assert "SubPlan" not in plan and "hashed" not in plan, plan
