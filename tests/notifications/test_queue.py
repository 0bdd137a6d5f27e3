"""The notifications job on a real Redis queue (TEST_REDIS_URL): a request that writes notifications asks for a
pass, and two RQ workers running at once — real processes, `flask notifications worker --burst` — mail each
notification exactly once through a real SMTP server."""

import os
import subprocess  # nosec B404 - the test starts the site's own command
import sys
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue

from community.extensions import db
from community.notifications.jobs import QUEUE_NAME
from community.threads.services import add_comment
from tests.factories import create_comment, create_thread, create_user

REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL names no Redis")


@pytest.fixture
def redis_queue(app):
    """The app pointed at an emptied Redis database for the test, and that database emptied again after."""
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    app.config["REDIS_URL"] = REDIS_URL
    yield Queue(QUEUE_NAME, connection=connection)
    app.config["REDIS_URL"] = ""
    connection.flushdb()


def test_a_reply_posted_through_the_site_asks_the_queue_for_a_pass(client_as, redis_queue, resident, village):
    thread = create_thread(resident, village)
    parent = create_comment(thread, resident)
    replier = client_as(create_user("resident"))
    response = replier.submit(
        f"/threads/{thread.id}/comments",
        {"body": "Жауап беремін, біз де күтіп жүрміз.", "parent_id": parent.id, "submission_key": "queue-1"},
    )
    assert response.status_code in (200, 303)
    assert redis_queue.count >= 1


def test_two_workers_at_once_mail_each_notification_exactly_once(app, mail_server, redis_queue, village):
    people = [create_user("resident") for _ in range(3)]
    author = create_user("resident")
    thread = create_thread(people[0], village)
    for person in people:
        for number in range(4):
            parent = create_comment(thread, person, f"Пікір {number}")
            add_comment(thread, author, f"Жауап {number} {person.id}", f"q-{parent.id}", parent=parent)
    db.session.commit()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REDIS_URL,
        "SITE_URL": app.config["SITE_URL"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_server.port),
        "MAIL_USE_TLS": "0",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "notifications", "worker", "--burst"]
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # nosec B603
        for _ in range(2)
    ]
    outputs = []
    for worker in workers:
        output, _ = worker.communicate(timeout=120)
        outputs.append(output.decode())
        assert worker.returncode == 0, outputs[-1]
    assert len(mail_server.messages) == 12, outputs
    assert sorted(len(mail_server.to(person.email)) for person in people) == [4, 4, 4]


def test_a_busy_minute_queues_one_pass_not_one_per_request(client_as, redis_queue, resident, village):
    thread = create_thread(resident, village)
    parent = create_comment(thread, resident)
    replier = client_as(create_user("resident"))
    for number in range(3):
        form = {
            "body": f"Жауап {number}: біз де күтіп жүрміз.",
            "parent_id": parent.id,
            "submission_key": f"s-{number}",
        }
        assert replier.submit(f"/threads/{thread.id}/comments", form).status_code in (200, 303)
    assert redis_queue.count == 1
