"""A forgotten password is reset by an e-mailed one-time link: hashed, valid an hour, used once."""

import re
from datetime import timedelta

from community.accounts.models import PasswordReset
from community.core.db import utcnow
from community.extensions import db
from tests.factories import PASSWORD

NEW = "Zhana-Qupia-Soz-77"


def ask_reset(client, email, lang="en"):
    return client.submit(f"/auth/reset?lang={lang}", {"email": email}, follow_redirects=True)


def link_in(message) -> str:
    return re.search(r"http://localhost(/auth/reset/\S+)", message.get_content()).group(1)


def test_the_answer_is_the_same_whether_or_not_the_address_exists(client, resident, outbox):
    known = ask_reset(client, resident.email)
    unknown = ask_reset(client, "nobody@example.kz")
    assert known.status_code == unknown.status_code == 200
    assert "If an account uses this address" in known.get_data(as_text=True)
    assert known.get_data() == unknown.get_data()  # the same page, byte for byte
    assert [message["To"] for message in outbox] == [resident.email, "nobody@example.kz"]
    assert "/auth/reset/" in outbox[0].get_content() and "/auth/reset/" not in outbox[1].get_content()
    assert "no account uses it" in outbox[1].get_content()


def test_the_mail_leaves_after_the_answer_and_a_failed_send_is_tried_again(app, client, resident, outbox):
    from community.core.mail import OutgoingMail, deliver_queued

    app.config["MAIL_SERVER"] = "127.0.0.1"
    app.config["MAIL_PORT"] = 9  # nothing listens: the send fails after the answer, which is unchanged
    try:
        assert ask_reset(client, resident.email).status_code == 200
    finally:
        app.config["MAIL_SERVER"] = ""
    queued = db.session.scalar(db.select(OutgoingMail))
    assert queued.sent_at is None and queued.attempts == 1 and queued.last_error
    queued.claimed_at = None  # its retry is due
    db.session.commit()
    assert deliver_queued() == 1
    assert not db.session().in_transaction()  # nothing held open (on SQLite: no write lock) after a pass
    db.session.expire_all()
    sent = db.session.get(OutgoingMail, queued.id)
    assert sent.sent_at is not None and sent.body == ""  # the link's token is not kept once it has left
    assert deliver_queued() == 0 and not db.session().in_transaction()


def test_using_a_link_makes_the_others_useless(client, resident, outbox):
    ask_reset(client, resident.email)
    ask_reset(client, resident.email)
    first, second = link_in(outbox[0]), link_in(outbox[1])
    assert client.submit(second, {"password": NEW, "confirm": NEW}).status_code == 303
    assert client.get(first).status_code == 400


def test_the_token_is_stored_hashed(client, resident, outbox):
    ask_reset(client, resident.email)
    token = link_in(outbox[0]).rsplit("/", 1)[1]
    stored = db.session.scalar(db.select(PasswordReset))
    assert stored.token_hash != token and len(stored.token_hash) == 64


def test_the_mail_is_in_the_users_language(client, resident, outbox):
    resident.locale = "ru"
    db.session.commit()
    ask_reset(client, resident.email, lang="en")
    assert "Здравствуйте" in outbox[0].get_content()


def test_the_link_sets_a_new_password_and_ends_every_session(app, client, resident, outbox, login_as):
    other = app.test_client()
    login_as(resident, with_client=other)
    ask_reset(client, resident.email)
    link = link_in(outbox[0])
    assert client.get(link).status_code == 200
    response = client.submit(link, {"password": NEW, "confirm": NEW})
    assert response.status_code == 303
    assert other.get("/auth/settings").status_code != 200
    assert client.submit("/auth/login", {"email": resident.email, "password": PASSWORD}).status_code == 422
    assert client.submit("/auth/login", {"email": resident.email, "password": NEW}).status_code == 303


def test_the_link_works_only_once(client, resident, outbox):
    ask_reset(client, resident.email)
    link = link_in(outbox[0])
    client.submit(link, {"password": NEW, "confirm": NEW})
    again = client.submit(link, {"password": "Ekinshi-Soz-2026", "confirm": "Ekinshi-Soz-2026"})
    assert again.status_code == 400
    assert client.get(link).status_code == 400


def test_the_link_expires_after_an_hour(client, resident, outbox):
    ask_reset(client, resident.email)
    link = link_in(outbox[0])
    reset = db.session.scalar(db.select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(link + "?lang=en")
    assert response.status_code == 400
    assert "more than an hour old" in response.get_data(as_text=True)


def test_a_made_up_token_is_refused(client):
    assert client.get("/auth/reset/not-a-real-token").status_code == 400


def test_a_claimed_token_cannot_be_claimed_twice(client, resident, outbox):
    ask_reset(client, resident.email)
    reset = db.session.scalar(db.select(PasswordReset))
    assert reset.claim() is True
    assert reset.claim() is False
