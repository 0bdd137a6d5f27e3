"""The appeals' pages at scale: their number of queries does not grow with the appeals, the public list reads its
partial indexes in order on both databases, and sending is rate-limited per account."""

import re

import pytest

from community.extensions import db, limiter
from tests.factories import create_appeal, create_user
from tests.test_list_plans import assert_read_in_index_order, page_query, plan_of
from tests.test_query_counts import counted_queries

LIST_KEYS = "appeals.id \nFROM appeals"  # the page's keys, read first (core/lists.py keyset_page)


def add_appeals(deputy_profile, village, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        author = create_user("resident")
        appeal = create_appeal(
            author, deputy_profile, village, public=number % 2 == 0, subject=f"Өтініш нөмірі {number}"
        )
        if number % 3 == 0:
            appeal.answer_days = number % 7
        db.session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/appeals/",
        "/appeals/?category=water",
        "/appeals.atom",
        "/appeals/inbox",
        "/appeals/inbox?tab=overdue",
        "/deputies/",
        "/deputies/{deputy}",
    ],
)
def test_appeal_pages_stay_flat(client, login_as, deputy, deputy_profile, village, url):
    login_as(deputy)
    target = url.format(deputy=deputy_profile.id)
    add_appeals(deputy_profile, village, 3)
    with counted_queries() as small:
        assert client.get(target).status_code == 200
    add_appeals(deputy_profile, village, 30, start=3)
    with counted_queries() as large:
        assert client.get(target).status_code == 200
    assert len(large) == len(small), large


def test_an_appeal_page_stays_flat_with_its_history(client, login_as, resident, deputy, deputy_profile, village):
    from community.appeals.services import add_details, ask_for_details

    appeal = create_appeal(resident, deputy_profile, village, public=True)
    login_as(resident)
    with counted_queries() as short:
        assert client.get(f"/appeals/{appeal.id}").status_code == 200
    for number in range(5):
        ask_for_details(appeal, deputy, f"Сұрақ {number}")
        add_details(appeal, resident, f"Жауап {number}")
        db.session.commit()
    with counted_queries() as long:
        assert client.get(f"/appeals/{appeal.id}").status_code == 200
    assert len(long) == len(short), long


@pytest.mark.parametrize(
    ("query", "indexes"),
    [
        ("", ("ix_appeals_listed_activity",)),
        ("?state=answered", ("ix_appeals_listed_activity",)),
        # At scale the deputy's own index; on a test table either of the list's two serves the order
        ("?deputy={deputy}", ("ix_appeals_listed_deputy", "ix_appeals_listed_activity")),
    ],
)
def test_the_public_list_reads_its_index(client, deputy_profile, village, query, indexes):
    add_appeals(deputy_profile, village, 25)
    statement, parameters = page_query(client, "/appeals/" + query.format(deputy=deputy_profile.id), LIST_KEYS)
    assert_read_in_index_order(plan_of(statement, parameters), *indexes)


def test_sending_is_rate_limited_per_account(app, client, login_as, resident, deputy_profile, village):
    app.config["APPEAL_LIMIT"] = "2 per day"
    limiter.reset()
    try:
        login_as(resident)
        statuses = []
        for number in range(3):
            response = client.submit(
                "/appeals/new?lang=en",
                {
                    "deputy": str(deputy_profile.id),
                    "subject": f"Жолдағы шұңқырлар туралы {number}",
                    "body": "Орталық көшедегі шұңқырлар көлікті бұзады, жөндеуді сұраймыз.",
                    "category": "roads",
                    "locality": str(village.id),
                    "public": "public",
                    "submission_key": f"limit-{number}-key-0000",
                },
            )
            statuses.append(response.status_code)
        assert statuses == [303, 303, 429]
    finally:
        app.config["APPEAL_LIMIT"] = "10 per day"
        limiter.reset()


def test_the_inbox_pages_by_deadline(client, login_as, deputy, deputy_profile, village):
    add_appeals(deputy_profile, village, 25)
    login_as(deputy)
    first = client.get("/appeals/inbox?tab=waiting").get_data(as_text=True)
    older = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(older)
    assert second.status_code == 200
    shown = lambda page: set(re.findall(r'id="appeal-(\d+)"', page))  # noqa: E731
    assert len(shown(first)) == 20 and len(shown(second.get_data(as_text=True))) == 5
    assert not shown(first) & shown(second.get_data(as_text=True))
