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
