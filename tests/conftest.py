"""The app, a clean database for every test, clients that carry CSRF tokens, and users by role."""

import contextvars
import os
import re

import pytest
from flask import has_app_context, has_request_context, request
from flask.testing import FlaskClient
from flask_migrate import upgrade
from itsdangerous import BadSignature
from sqlalchemy import event, text

from community import create_app
from community.accounts.models import User
from community.config import TestConfig
from community.core.db import reads_only
from community.core.live import forget_rendered_copies
from community.extensions import db, limiter
from community.places.models import Locality
from tests.factories import PASSWORD, create_locality, create_thread, create_user

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
ACCOUNT_LINK = re.compile(r'<a href="/users/(\d+)" class="account-name">')
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
writes_in_reads: list[str] = []  # what the current test wrote where only reads may happen


def note_writes_in_reads(conn, cursor, statement, parameters, context, executemany) -> None:
    """Keep every write made in a transaction SQLite opens for reading only (any in a GET): it would take the
    write lock late and, under load, fail at once with "database is locked". Noted on every database."""
    if statement.lstrip()[:7].upper().startswith(WRITES) and reads_only(conn):
        where = f"{request.method} {request.full_path}" if has_request_context() else "a readonly connection"
        writes_in_reads.append(f"{where}: {statement}")


class Client(FlaskClient):
    """A test client that sends the page's CSRF token with every form it submits, and signs in for real.

    Each request runs in a context of its own, as in a real server: it gets its own app context,
    `g` and database session instead of borrowing the test's. The test's own transaction is
    committed first, so its rows are visible and its objects are fresh after the request.
    """

    user: User | None = None  # who sign_in signed in; None for a visitor
    _token: tuple[str, str] | None = None  # (the session's CSRF secret, the token a page gave for it)

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        # Streamed responses are read while their request context still exists, as a server would.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        """The token the site puts in its pages for this client's session, fetched again only for a new session."""
        secret = self._csrf_secret()
        if secret is None or self._token is None or self._token[0] != secret:
            self._remember_token(self.get("/"))
        return self._token[1]

    def _csrf_secret(self) -> str | None:
        """The CSRF secret in the session cookie; a page's token stays valid as long as it does.

        Not the whole cookie: a flash message rewrites the cookie but keeps the secret, while signing
        in or out clears the session and so the secret.
        """
        app = self.application
        cookie = self.get_cookie(app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return None
        try:
            session = app.session_interface.get_signing_serializer(app).loads(cookie.value)
        except BadSignature:
            return None
        return session.get(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))

    def _remember_token(self, page) -> None:
        self._token = (self._csrf_secret(), CSRF_META.search(page.get_data(as_text=True)).group(1))

    def sign_in(self, user: User, password: str = PASSWORD) -> "Client":
        """Sign in through the real form and check that it took: a page for accounts only now names this one."""
        response = self.submit("/auth/login", {"email": user.email, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)
        if "/auth/two-factor/code" in response.headers["Location"]:
            response = self.submit(response.headers["Location"], {"code": fresh_code(user)})
            assert response.status_code == 303, response.get_data(as_text=True)
        page = self.get("/auth/settings")
        shown = ACCOUNT_LINK.search(page.get_data(as_text=True))
        assert shown and shown.group(1) == str(user.id), f"{user.email} is not the account signed in"
        self._remember_token(page)
        self.user = user
        return self

    def submit(self, url: str, data: dict | None = None, **kwargs):
        """POST a form the way a browser would: with the CSRF token."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


def fresh_code(user: User) -> str:
    """The authenticator's code of now for a test account, accepted even if the account signed in during this
    time step already (tests sign the same account in many times a minute; replays have their own tests)."""
    import pyotp

    db.session.execute(db.update(User).where(User.id == user.id).values(totp_last_step=None))
    db.session.commit()
    return pyotp.TOTP(user.totp_secret).now()


def database_url(tmp_path_factory) -> str:
    """PostgreSQL when TEST_DATABASE_URL names one, else a SQLite file (so threads can share it)."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def reset_schema() -> None:
    """Drop everything in the test database, so migrations start from nothing."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app for the whole run, its schema built by the migrations."""
    url = database_url(tmp_path_factory)

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    application = create_app(Config)
    application.test_client_class = Client
    with application.app_context():
        reset_schema()
        upgrade()
        event.listen(db.engine, "before_cursor_execute", note_writes_in_reads)
    return application


@pytest.fixture(autouse=True)
def clean(app):
    """Run each test in an app context and empty every table, the limits and the outbox after it; a test in which a
    GET wrote fails (a page that writes is a POST)."""
    writes_in_reads.clear()
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name != "content_versions":  # its one row is the migration's, like the schema
                    connection.execute(table.delete())
        limiter.reset()
        forget_rendered_copies()
        app.extensions["mail_outbox"] = []
    assert writes_in_reads == [], "written where only reads may happen"


@pytest.fixture
def client(app) -> Client:
    """A browser without JavaScript."""
    return app.test_client()


@pytest.fixture
def outbox(app) -> list:
    """The e-mails the site sent during the test."""
    app.extensions["mail_outbox"] = []
    return app.extensions["mail_outbox"]


@pytest.fixture
def region():
    """Almaty region with a district and a village in it."""
    region = create_locality("almaty-region", "region", "Алматы облысы", "Алматинская область")
    district = create_locality("karasai-district", "district", "Қарасай ауданы", "Карасайский район", parent=region)
    create_locality("shamalgan", "village", "Шамалған ауылы", "село Шамалган", parent=district)
    db.session.commit()
    return region


@pytest.fixture
def resident():
    return create_user("resident")


@pytest.fixture
def deputy():
    return create_user("deputy")


@pytest.fixture
def moderator():
    return create_user("moderator")


@pytest.fixture
def admin():
    return create_user("admin")


@pytest.fixture
def login_as(client):
    """Sign the client (or another one) in as a user, through the real login form; fails if it did not take."""

    def login(user: User, with_client: Client | None = None, password: str = PASSWORD) -> Client:
        return (with_client or client).sign_in(user, password)

    return login


@pytest.fixture
def client_as(app):
    """A new client for a role or a user: "visitor" stays anonymous, a role signs in a new account of it.

    The account is `client.user`; the sign-in is checked as login_as checks it.
    """

    def make(who: str | User) -> Client:
        client = app.test_client()
        if who == "visitor":
            return client
        return client.sign_in(create_user(who) if isinstance(who, str) else who)

    return make


@pytest.fixture
def village(region):
    return db.session.scalar(db.select(Locality).filter_by(slug="shamalgan"))


@pytest.fixture
def other_resident():
    return create_user("resident", name="Бауыржан")


@pytest.fixture
def thread(resident, village, deputy):
    return create_thread(resident, village, addressed_to_id=deputy.id)


@pytest.fixture
def deputy_profile(deputy):
    """The deputy's public profile, linked to the deputy's account."""
    from tests.factories import create_deputy

    return create_deputy(user=deputy)


@pytest.fixture
def pledge(deputy_profile, village):
    from tests.factories import create_pledge

    return create_pledge(deputy_profile, village)
