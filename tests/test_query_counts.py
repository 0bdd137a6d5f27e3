"""A page's number of SQL queries does not grow with the data."""

import contextlib

import pytest
from sqlalchemy import event

from community.extensions import db
from tests.factories import create_locality, create_user


@contextlib.contextmanager
def counted_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN (IMMEDIATE or not) is transaction control, not a query
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def grow(region, start: int, count: int) -> None:
    """Add districts, villages and residents."""
    for number in range(start, start + count):
        district = create_locality(f"d{number}", "district", f"Аудан {number}", f"Район {number}", parent=region)
        village = create_locality(f"v{number}", "village", f"Ауыл {number}", f"Село {number}", parent=district)
        db.session.commit()
        create_user(locality_id=village.id)


@pytest.mark.parametrize("url", ["/", "/places/", "/places/almaty-region", "/auth/settings", "/users/{user}"])
def test_page_queries_stay_flat_as_data_grows(client, region, resident, login_as, url):
    login_as(resident)
    target = url.format(user=resident.id)
    grow(region, 0, 2)
    with counted_queries() as small:
        assert client.get(target).status_code == 200
    grow(region, 2, 15)
    with counted_queries() as large:
        assert client.get(target).status_code == 200
    assert len(large) == len(small), large


def test_the_thread_page_runs_the_same_queries_with_10_or_200_comments(
    client, thread, resident, other_resident, login_as
):
    from tests.factories import create_comment

    login_as(other_resident)
    url = f"/threads/{thread.id}"
    for number in range(10):
        parent = create_comment(thread, resident, f"Пікір {number}")
    create_comment(thread, other_resident, "Жауап", parent=parent)  # replies are read in one more query, if any
    db.session.commit()
    with counted_queries() as small:
        assert client.get(url).status_code == 200
    for number in range(190):
        parent = create_comment(thread, resident, f"Тағы пікір {number}")
        if number % 10 == 0:
            create_comment(thread, other_resident, "Жауап", parent=parent)
    db.session.commit()
    with counted_queries() as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small) <= 10, large


def test_the_thread_list_runs_the_same_queries_with_10_or_500_threads(client, resident, village):
    from community.threads.models import Category, Thread

    def add(count, start):
        db.session.add_all(
            Thread(
                title=f"Мәселе {n}",
                slug=f"m-{n}",
                body="Сипаттама",
                search_text=f"мәселе {n}",
                author_id=resident.id,
                locality_id=village.id,
                category=Category.ROADS,
                submission_key=f"bulk-{n}",
            )
            for n in range(start, start + count)
        )
        db.session.commit()

    add(10, 0)
    with counted_queries() as small:
        assert client.get("/threads/?place=almaty-region").status_code == 200
    add(490, 10)
    with counted_queries() as large:
        assert client.get("/threads/?place=almaty-region").status_code == 200
    assert len(large) == len(small) <= 10, large


def _bulk_pledges(deputy, village, count, start=0):
    from datetime import date

    from community.pledges.models import Pledge, PledgeCategory

    db.session.add_all(
        Pledge(
            deputy_id=deputy.id,
            title=f"Уәде {n}",
            text="Мәтін",
            source_description="Бағдарлама",
            made_on=date(2023, 2, 1),
            locality_id=village.id,
            category=PledgeCategory.ROADS,
            submission_key=f"bulk-{n}",
        )
        for n in range(start, start + count)
    )
    db.session.commit()


@pytest.mark.parametrize("page", ["/pledges/?place=almaty-region", "/deputies/{d}"])
def test_pledge_pages_stay_flat_with_5_or_300_pledges(client, deputy_profile, village, page):
    url = page.format(d=deputy_profile.id)
    _bulk_pledges(deputy_profile, village, 5)
    with counted_queries() as small:
        assert client.get(url).status_code == 200
    _bulk_pledges(deputy_profile, village, 295, start=5)
    with counted_queries() as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small) <= 10, large


def test_a_pledge_page_stays_flat_with_2_or_100_updates(client, pledge, deputy, resident, login_as):
    from community.pledges.models import PledgeStatus

    login_as(resident)
    url = f"/pledges/{pledge.id}"

    def add(count, start):
        for number in range(start, start + count):
            db.session.refresh(pledge)
            pledge.record_update(deputy, PledgeStatus.IN_PROGRESS, number % 100, f"Жаңалық {number}", [], f"u{number}")
        db.session.commit()

    add(2, 0)
    with counted_queries() as small:
        assert client.get(url).status_code == 200
    add(98, 2)
    with counted_queries() as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small) <= 11, large  # the 11th: whether the viewer follows the pledge


def test_the_event_list_and_page_stay_flat(client, moderator, village, resident, login_as):
    from community.events.services import register
    from tests.factories import create_event

    login_as(resident)
    events = [create_event(moderator, village, capacity=5, title=f"Кездесу {n}") for n in range(3)]
    url = f"/events/{events[0].id}"
    with counted_queries() as small_list:
        assert client.get("/events/").status_code == 200
    with counted_queries() as small_page:
        assert client.get(url).status_code == 200
    for n in range(57):
        create_event(moderator, village, capacity=5, title=f"Тағы кездесу {n}")
    for _ in range(12):
        register(create_user(), events[0])
    db.session.commit()
    with counted_queries() as large_list:
        assert client.get("/events/").status_code == 200
    with counted_queries() as large_page:
        assert client.get(url).status_code == 200
    assert len(large_list) == len(small_list) <= 10
    assert len(large_page) == len(small_page) <= 10


def test_the_dialogue_list_minutes_and_home_stay_flat(client, moderator, village, resident, login_as):
    from tests.factories import create_dialogue, create_question

    login_as(resident)
    closed = create_dialogue(moderator, village, state="closed")
    for state in ("live", "scheduled"):
        create_dialogue(moderator, village, state=state)
    create_question(closed, resident, state="answered")
    pages = ["/dialogues/", f"/dialogues/{closed.id}", "/"]

    def count_all():
        counts = []
        for page in pages:
            with counted_queries() as statements:
                assert client.get(page).status_code == 200
            counts.append(len(statements))
        return counts

    small = count_all()
    for n in range(20):
        for state in ("live", "scheduled", "closed"):
            create_dialogue(moderator, village, state=state, title=f"Диалог {n}")
        create_question(closed, resident, state=["answered", "approved"][n % 2], body=f"Хаттамадағы сұрақ {n}")
    assert count_all() == small and max(small) <= 18, small  # home: seven blocks, each its own query or two
