"""Migration 0009 cleans text stored before the edge cleaned input: rows keep their words and lose what cannot be
stored or serialised, on SQLite and PostgreSQL."""

import importlib.util
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text

from community.extensions import db
from tests.factories import create_thread

MIGRATION = (
    Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0009_confirmed_accounts_outbox_clean_text.py"
)


def load_migration():
    spec = importlib.util.spec_from_file_location("migration_0009", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_stored_text_is_cleaned_as_the_edge_cleans_input(resident, village):
    thread = create_thread(resident, village, title="Жол жөндеуі керек")
    thread_id, stored_body = thread.id, thread.body
    nasty = "Жол\x01 жөндеуі\x0bкерек\ufffe" + ("" if db.engine.dialect.name == "postgresql" else "\x00")
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE threads SET title = :title WHERE id = :id"), {"title": nasty, "id": thread_id})
        with Operations.context(MigrationContext.configure(connection)):
            load_migration().clean_stored_text()
        title = connection.execute(text("SELECT title FROM threads WHERE id = :id"), {"id": thread_id}).scalar()
        body = connection.execute(text("SELECT body FROM threads WHERE id = :id"), {"id": thread_id}).scalar()
    assert title == "Жол жөндеуі\nкерек"
    assert body == stored_body  # rows and columns without such characters are left as they were
