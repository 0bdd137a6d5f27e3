"""The database layer: migrations match the models; SQLite is set up for concurrent use."""

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from community.config import Config
from community.extensions import db
from community.places.models import Locality
from tests.factories import create_locality


def test_the_migrations_and_the_models_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


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
