"""Several gunicorn workers behave as one site: sessions and CSRF in signed cookies, login limits in the database,
the other limits in Redis; gunicorn.conf.py runs one worker without Redis, and production refuses more."""

import http.cookiejar
import os
import re
import runpy
import types
import urllib.error
import urllib.parse
import urllib.request
import uuid

import gunicorn.config
import pytest

from tests.concurrency import post_at_once
from tests.factories import PASSWORD
from tests.server import ROOT, running_site

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
ACCOUNT_LINK = re.compile(r'<a href="/users/\d+" class="account-name">')
NO_REDIS = {"REDIS_URL": "", "SINGLE_PROCESS": ""}


class Browser:
    """A tiny cookie-keeping HTTP client for a site on 127.0.0.1; with an address, as if a proxy forwarded it."""

    def __init__(self, base: str, address: str | None = None):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        if address:
            self.opener.addheaders.append(("X-Forwarded-For", address))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def csrf_token(self) -> str:
        """The token a page gives this browser's session."""
        return CSRF_META.search(self.get("/auth/login")[1]).group(1)

    def post(self, path: str, data: dict) -> tuple[int, str]:
        """POST a form with this browser's CSRF token, unless the form carries one already."""
        form = data if "csrf_token" in data else {**data, "csrf_token": self.csrf_token()}
        body = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_rate_limits_are_shared_by_all_workers_through_redis(tmp_path):
    env = {"REDIS_URL": os.environ["TEST_REDIS_URL"], "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    with running_site(tmp_path, workers=3, env=env) as base:
        # A new connection each time, so the workers share the load; the reset form allows 5 an hour.
        statuses = [Browser(base).post("/auth/reset", {"email": "asel@example.kz"})[0] for _ in range(6)]
        assert statuses == [200] * 5 + [429]


def test_login_limits_hold_across_4_workers_without_redis(app, tmp_path):
    from community.accounts.models import LoginAttempt
    from community.extensions import db
    from tests.factories import create_user

    create_user("resident", email="shared@example.kz")
    create_user("resident", email="burst@example.kz")
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.close()  # hold no transaction (and on SQLite no lock) while the server works
    env = {"DATABASE_URL": database, "PROXY_COUNT": "1", **NO_REDIS}
    with running_site(tmp_path, workers=4, env=env, demo=False) as base:

        def login(email: str, password: str, address: str) -> int:
            """Sign in from a new connection, so the workers share the attempts."""
            return Browser(base, address).post("/auth/login", {"email": email, "password": password})[0]

        wrong = [login("shared@example.kz", "Wrong-Pass-1", "203.0.113.7") for _ in range(13)]
        assert wrong == [422] * 10 + [429] * 3
        assert login("shared@example.kz", PASSWORD, "203.0.113.7") == 429  # this address failed for the account
        browser = Browser(base, "198.51.100.9")
        assert browser.post("/auth/login", {"email": "shared@example.kz", "password": PASSWORD})[0] == 200
        assert ACCOUNT_LINK.search(browser.get("/auth/settings")[1])  # signed in
        # Sixteen guesses at once from one address: at most ten passwords are checked, however the workers race.
        clients = [Browser(base, "192.0.2.1") for _ in range(16)]
        burst = [
            status
            for status, _ in post_at_once(clients, "/auth/login", {"email": "burst@example.kz", "password": "x" * 8})
        ]
        assert set(burst) <= {422, 429} and burst.count(422) <= 10
        more = [login("burst@example.kz", "x" * 8, "192.0.2.1") for _ in range(11 - burst.count(422))]
        assert more == sorted(more) and more[-1] == 429  # wrong passwords checked until ten failed, then refused
    failed = db.session.execute(
        db.select(LoginAttempt.email, db.func.count()).group_by(LoginAttempt.email).order_by(LoginAttempt.email)
    ).all()
    assert failed == [("burst@example.kz", 10), ("shared@example.kz", 10)]  # refusals and the sign-in not counted


def production(tmp_path, **env) -> dict:
    """A production environment with an empty SQLite database, no Redis and nothing said about processes."""
    return {"APP_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", **NO_REDIS, **env}


def booted_workers(tmp_path) -> int:
    return (tmp_path / "gunicorn.log").read_text().count("Booting worker")


def test_gunicorn_conf_serves_production_without_redis_with_one_worker_that_knows_it(tmp_path):
    with running_site(tmp_path, workers=None, env=production(tmp_path), migrate=False) as base:
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            assert response.status == 200
    assert booted_workers(tmp_path) == 1


@pytest.mark.parametrize(
    ("env", "refusal"),
    [
        ({}, "Rate limits need REDIS_URL"),  # the app refuses in each worker
        ({"SINGLE_PROCESS": "1"}, "SINGLE_PROCESS=1 says one process serves the site, but 2 workers would"),
    ],
)
def test_in_production_more_workers_without_redis_refuse_to_start(tmp_path, env, refusal):
    with pytest.raises(RuntimeError, match=refusal):
        with running_site(tmp_path, workers=2, env=production(tmp_path, **env), migrate=False):
            pass


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_gunicorn_conf_runs_2_workers_per_core_plus_1_with_redis(tmp_path):
    env = production(tmp_path, REDIS_URL=os.environ["TEST_REDIS_URL"])
    with running_site(tmp_path, workers=None, env=env, migrate=False) as base:
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            assert response.status == 200
    assert booted_workers(tmp_path) == min(2 * len(os.sched_getaffinity(0)) + 1, 8)


GUNICORN_ENV = ("REDIS_URL", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_ACCESS_LOG", "BIND")
SHARED_MEMORY = "/dev/shm"  # noqa: S108 - where gunicorn.conf.py has gunicorn keep its heartbeat files


def gunicorn_settings(monkeypatch, cores: int, **env: str) -> gunicorn.config.Config:
    """gunicorn.conf.py's values as gunicorn takes them (checked by its validators), read on a machine with this
    many cores in an environment whose gunicorn variables are these; fails on a name gunicorn would ignore."""
    for name in GUNICORN_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    values = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = gunicorn.config.Config()
    settings = {
        name: value
        for name, value in values.items()
        if name.islower() and not name.startswith("_") and not isinstance(value, types.ModuleType | types.FunctionType)
    }
    assert settings.keys() <= config.settings.keys(), "gunicorn ignores settings it does not know"
    for name, value in settings.items():
        config.set(name, value)
    return config


@pytest.mark.parametrize(
    ("cores", "env", "workers"),
    [
        (2, {}, 1),
        (16, {}, 1),
        (2, {"WEB_CONCURRENCY": "3"}, 3),
        (2, {"REDIS_URL": "redis://cache:6379/0"}, 5),
        (3, {"REDIS_URL": "redis://cache:6379/0"}, 7),
        (16, {"REDIS_URL": "redis://cache:6379/0"}, 8),
        (16, {"REDIS_URL": "redis://cache:6379/0", "WEB_CONCURRENCY": "12"}, 12),
    ],
)
def test_gunicorn_conf_runs_one_worker_without_redis_and_2_per_core_plus_1_with_it(monkeypatch, cores, env, workers):
    config = gunicorn_settings(monkeypatch, cores, **env)
    assert config.workers == workers
    assert (config.threads, config.worker_class.__name__) == (1, "SyncWorker")
    assert config.bind == ["127.0.0.1:8000"]
    assert (config.timeout, config.graceful_timeout, config.keepalive) == (30, 30, 5)
    assert (config.max_requests, config.max_requests_jitter) == (2000, 1000)
    assert config.worker_tmp_dir == (SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None)
    assert config.accesslog is None  # nginx keeps the access log
    assert config.forwarded_allow_ips == ["127.0.0.1"]
    assert config.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}


def test_gunicorn_conf_takes_threads_an_access_log_and_an_address_from_the_environment(monkeypatch):
    env = {"GUNICORN_THREADS": "4", "GUNICORN_ACCESS_LOG": "1", "BIND": "10.0.0.5:8000"}
    config = gunicorn_settings(monkeypatch, 2, **env)
    assert (config.threads, config.worker_class.__name__) == (4, "ThreadWorker")
    assert config.accesslog == "-"
    assert config.access_log_format == '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(D)s'
    assert config.bind == ["10.0.0.5:8000"]


def test_a_session_works_across_workers_and_logout_ends_it_everywhere(tmp_path):
    with running_site(tmp_path, workers=2) as base:
        browser = Browser(base)
        status, _ = browser.post("/auth/login", {"email": "asel@example.kz", "password": "Resident-Halyk-2026"})
        assert status == 200  # followed the 303 home
        assert all(browser.get("/auth/settings")[0] == 200 for _ in range(6))
        browser.post("/auth/logout", {})
        assert all("/auth/login" in browser.get("/auth/settings")[1] for _ in range(4))


def test_capacity_holds_when_200_residents_register_at_once_with_4_workers(app, tmp_path, moderator, village):
    from werkzeug.security import generate_password_hash

    from community.accounts.models import User
    from community.core.db import utcnow
    from community.events.models import Event, Registration, RegistrationState
    from community.extensions import db
    from tests.factories import create_event

    event = create_event(moderator, village, capacity=50)
    password_hash = generate_password_hash("Kezek-Tauy-2026", method="scrypt:1024:8:1")
    db.session.add_all(
        User(
            email=f"queue{n}@example.kz",
            display_name=f"Тұрғын {n}",
            password_hash=password_hash,
            email_confirmed_at=utcnow(),
        )
        for n in range(200)
    )
    db.session.commit()
    event_id = event.id
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.close()  # hold no transaction (and on SQLite no lock) while the server works
    with running_site(tmp_path, workers=4, env={"DATABASE_URL": database}, demo=False) as base:
        browsers = []
        for n in range(200):
            browser = Browser(base)
            status, _ = browser.post("/auth/login", {"email": f"queue{n}@example.kz", "password": "Kezek-Tauy-2026"})
            assert status == 200
            browsers.append(browser)
        statuses = [status for status, _ in post_at_once(browsers, f"/events/{event_id}/register")]
    assert len(statuses) == 200 and all(status < 500 for status in statuses), statuses
    db.session.expire_all()
    rows = list(
        db.session.scalars(
            db.select(Registration).filter_by(event_id=event_id).order_by(Registration.queued_at, Registration.id)
        )
    )
    states = [row.state for row in rows]
    assert len(rows) == 200
    assert states.count(RegistrationState.GOING) == 50 and states.count(RegistrationState.WAITING) == 150
    event = db.session.get(Event, event_id)
    assert (event.going_count, event.waiting_count) == (50, 150)


def test_a_live_dialogue_polled_through_3_workers_answers_304_until_a_change_made_in_another(
    app, tmp_path, moderator, village
):
    from tests.factories import create_dialogue, create_question, create_user

    dialogue = create_dialogue(moderator, village, premoderation=False)
    create_question(dialogue, create_user("resident"), body="Бірінші сұрақ бар")
    create_user("resident", email="asker@example.kz", password="Suraq-Qoyu-2026")
    session_id, database = dialogue.id, app.config["SQLALCHEMY_DATABASE_URI"]
    from community.extensions import db

    db.session.close()
    with running_site(tmp_path, workers=3, env={"DATABASE_URL": database}, demo=False) as base:

        def poll(tag=None):
            headers = {"HX-Request": "true", **({"If-None-Match": tag} if tag else {})}
            request = urllib.request.Request(f"{base}/dialogues/{session_id}?sort=votes", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status, response.headers["ETag"], response.read().decode()
            except urllib.error.HTTPError as error:
                return error.code, error.headers["ETag"], ""

        status, tag, body = poll()
        assert status == 200 and "Бірінші сұрақ бар" in body
        assert [poll(tag)[0] for _ in range(9)] == [304] * 9  # each worker knows the copy is current
        browser = Browser(base)
        assert browser.post("/auth/login", {"email": "asker@example.kz", "password": "Suraq-Qoyu-2026"})[0] == 200
        assert browser.post(f"/dialogues/{session_id}/questions", {"body": "Екінші жұмысшыдан жаңа сұрақ"})[0] == 200
        changed = [poll(tag) for _ in range(3)]
        assert all(status == 200 and "Екінші жұмысшыдан жаңа сұрақ" in body for status, _, body in changed)
