"""Writes that stay right under concurrency: one row per submission or per person, and values moved in SQL.

Every domain inserts, counts and moves rows through these, so a double submit, a double click or two
requests at once never make two rows, lose a count or overwrite each other's move.
"""

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key

from community.core.text import with_stored_html
from community.extensions import db


def insert_once(row, **key):
    """Insert a row that a unique key (e.g. author and submission key) allows once; returns the row and True,
    or the row already stored under that key and False (a repeated submission gets the first one). Flushes."""
    model = type(row)
    existing = db.session.scalar(db.select(model).filter_by(**key))
    if existing is not None:
        return existing, False
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        existing = db.session.scalar(db.select(model).filter_by(**key))
        if existing is None:
            raise
        return existing, False
    return row, True


def add_once(row) -> bool:
    """Insert one row per person (a support, follow, vote, flag, confirmation); False when it was there already."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
        return True
    except IntegrityError:
        return False


def update_row(model, row_id: int, *conditions, **values) -> bool:
    """UPDATE one row by id while the conditions still hold (checked by the database under the row's lock);
    True when it changed. A copy of the row already loaded forgets the changed columns and reads them again. A
    Markdown source written here gets its stored html in the same UPDATE (core/text.py `StoredMarkdown`)."""
    values = with_stored_html(model, values)
    changed = db.session.execute(
        update(model)
        .where(model.id == row_id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    loaded = db.session.identity_map.get(identity_key(model, row_id))
    if changed and loaded is not None:
        db.session.expire(loaded, [name for name in values if isinstance(name, str)])
    return changed == 1


def bump(model, row_id: int, *conditions, values: dict | None = None, **steps: int) -> bool:
    """Move kept counters by the given steps in SQL (count = count + step), and set other values alongside,
    so concurrent requests never lose an update; True when the row (still meeting the conditions) changed."""
    moved = {name: getattr(model, name) + step for name, step in steps.items() if step}
    return update_row(model, row_id, *conditions, **moved, **(values or {}))


def remove_once(model, **key) -> bool:
    """Delete a person's row (a support, follow, vote) if there is one; False when there was none."""
    return bool(db.session.execute(delete(model).filter_by(**key)).rowcount)
