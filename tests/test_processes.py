"""Several gunicorn workers behave as one site: sessions and CSRF in signed cookies, limits in Redis."""

import http.cookiejar
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.concurrency import post_at_once
from tests.server import running_site

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """A tiny cookie-keeping HTTP client for a site on 127.0.0.1."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

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
def test_login_limits_are_shared_by_all_workers_through_redis(tmp_path):
    env = {"REDIS_URL": os.environ["TEST_REDIS_URL"], "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    with running_site(tmp_path, workers=3, env=env) as base:
        statuses = []
        for _ in range(11):
            browser = Browser(base)  # a new connection each time, so the workers share the load
            statuses.append(browser.post("/auth/login", {"email": "asel@example.kz", "password": "Wrong-Pass-1"})[0])
        assert statuses[:10] == [422] * 10
        assert statuses[10] == 429


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
    from community.events.models import Event, Registration, RegistrationState
    from community.extensions import db
    from tests.factories import create_event

    event = create_event(moderator, village, capacity=50)
    password_hash = generate_password_hash("Kezek-Tauy-2026", method="scrypt:1024:8:1")
    db.session.add_all(
        User(email=f"queue{n}@example.kz", display_name=f"Тұрғын {n}", password_hash=password_hash) for n in range(200)
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
