"""Notification e-mail through a real SMTP server: at once and exactly once (also with two senders at once), a
refusing or unreachable server keeping mail queued with backoff, digests in sections and in the recipient's
language, nothing of what the recipient may no longer see, the RFC 8058 headers."""

import logging
from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale, ngettext

from community.core.db import utcnow
from community.core.mail import RETRY_AFTER, OutgoingMail
from community.core.time import local_zone
from community.extensions import db
from community.moderation.models import Action
from community.moderation.services import moderate
from community.notifications.delivery import run_pass
from community.notifications.models import EmailFrequency, Notification, NotificationKind
from community.notifications.services import choose_frequencies, notify
from community.threads.marks import follow_thread
from community.threads.services import add_comment
from tests.concurrency import run_at_once
from tests.factories import create_comment, create_thread, create_user


def a_reply(thread, to_whom, by, body="Сізбен келісемін, бұл мәселені шешу керек."):
    """`by` replies to a comment of `to_whom` in the thread; `to_whom` is told at once."""
    parent = create_comment(thread, to_whom)
    comment, _ = add_comment(thread, by, body, f"reply-{parent.id}", parent=parent)
    db.session.commit()
    return comment


def mailed() -> list[Notification]:
    db.session.expire_all()
    return db.session.scalars(db.select(Notification).where(Notification.mailed_at.is_not(None))).all()


def test_a_reply_is_mailed_at_once_and_once_with_one_click_unsubscribe(mail_server, resident, other_resident, village):
    resident.locale = "en"
    thread = create_thread(resident, village)
    a_reply(thread, resident, other_resident)
    run_pass()
    run_pass()
    [message] = mail_server.to(resident.email)
    assert "Reply to your comment" in message["Subject"]
    body = message.get_content()
    assert "Сізбен келісемін" in body and "/comments/" in body
    assert message["List-Unsubscribe"].startswith("<http://localhost/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail_server.to(other_resident.email) == []  # never of one's own doing
    sent = db.session.scalars(db.select(OutgoingMail)).all()
    assert all(mail.sent_at and mail.body == "" and mail.unsubscribe_url == "" for mail in sent)


def test_followed_news_waits_for_the_daily_digest(mail_server, resident, other_resident, village):
    thread = create_thread(resident, village)
    follow_thread(resident, thread)
    add_comment(thread, other_resident, "Әкімдікке хат жаздық.", "k1")
    db.session.commit()
    run_pass()
    assert mail_server.to(resident.email) == []
    [waiting] = db.session.scalars(db.select(Notification).where(Notification.user_id == resident.id)).all()
    assert waiting.email is EmailFrequency.DAILY and waiting.mailed_at is None


def test_two_senders_at_once_mail_each_notification_exactly_once(app, mail_server, village):
    people = [create_user("resident") for _ in range(4)]
    author = create_user("resident", name="Жауап беруші")
    thread = create_thread(people[0], village)
    for person in people:
        for number in range(3):
            parent = create_comment(thread, person, f"Пікір {number}")
            add_comment(thread, author, f"Жауап {number}", f"r-{parent.id}", parent=parent)
    db.session.commit()
    outcomes = run_at_once(app, lambda index: run_pass(), 2)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    run_pass()  # whatever a sender left (none should) goes now
    assert len(mail_server.messages) == 12
    assert sorted(len(mail_server.to(person.email)) for person in people) == [3, 3, 3, 3]
    bodies = [message.get_content() for message in mail_server.messages]
    assert len(set(bodies)) == 12


def test_a_refusing_server_keeps_the_mail_and_sends_it_once_after_the_backoff(
    app, mail_server, resident, other_resident, village
):
    thread = create_thread(resident, village)
    a_reply(thread, resident, other_resident)
    mail_server.refusing = True
    logged = logging.Handler(logging.WARNING)
    logged.records = []
    logged.emit = logged.records.append
    app.logger.addHandler(logged)  # the app's own logger: other tests may stop it reaching the root
    try:
        run_pass()
    finally:
        app.logger.removeHandler(logged)
    [mail] = db.session.scalars(db.select(OutgoingMail)).all()
    assert mail.sent_at is None and mail.attempts == 1 and "550" in mail.last_error
    assert any("failed (attempt 1)" in record.getMessage() for record in logged.records)
    mail_server.refusing = False
    run_pass()  # still backing off: not tried again yet
    assert mail_server.messages == []
    mail.claimed_at = utcnow() - RETRY_AFTER - timedelta(seconds=1)
    db.session.commit()
    run_pass()
    run_pass()
    assert len(mail_server.to(resident.email)) == 1


def test_a_server_that_is_down_loses_nothing(app, mail_server, resident, other_resident, village):
    thread = create_thread(resident, village)
    a_reply(thread, resident, other_resident)
    mail_server.stop()
    run_pass()
    [mail] = db.session.scalars(db.select(OutgoingMail)).all()
    assert mail.sent_at is None and mail.attempts == 1 and mail.body
    mail_server.start()
    mail.claimed_at = utcnow() - RETRY_AFTER - timedelta(seconds=1)
    db.session.commit()
    run_pass()
    run_pass()
    assert len(mail_server.to(resident.email)) == 1


def test_what_was_hidden_before_sending_is_not_mailed(app, mail_server, resident, other_resident, moderator, village):
    thread = create_thread(resident, village)
    reply = a_reply(thread, resident, other_resident, body="Жасырылатын жауап")
    moderate(moderator, Action.HIDE, "Қорлау", thread, reply)
    db.session.commit()
    run_pass()
    assert all("Жасырылатын" not in message.get_content() for message in mail_server.to(resident.email))


def test_an_unconfirmed_address_gets_no_mail(mail_server, other_resident, village):
    unconfirmed = create_user("resident")
    unconfirmed.email_confirmed_at = None
    db.session.commit()
    thread = create_thread(unconfirmed, village)
    a_reply(thread, unconfirmed, other_resident)
    run_pass()
    assert mail_server.messages == [] and len(mailed()) == 1


def test_never_settles_at_once_and_a_new_choice_moves_what_waits(mail_server, resident, other_resident, village):
    choose_frequencies(resident.id, {NotificationKind.REPLY: EmailFrequency.NEVER})
    db.session.commit()
    thread = create_thread(resident, village)
    a_reply(thread, resident, other_resident)
    [row] = db.session.scalars(db.select(Notification).where(Notification.user_id == resident.id)).all()
    assert row.email is EmailFrequency.NEVER and row.mailed_at is not None
    choose_frequencies(resident.id, {NotificationKind.COMMENT: EmailFrequency.NOW})
    follow_thread(resident, thread)
    add_comment(thread, other_resident, "Жаңа пікір", "k-new")
    db.session.commit()
    choose_frequencies(resident.id, {NotificationKind.COMMENT: EmailFrequency.WEEKLY})
    db.session.commit()
    waiting = db.session.scalars(
        db.select(Notification).where(Notification.user_id == resident.id, Notification.mailed_at.is_(None))
    ).all()
    assert [row.email for row in waiting] == [EmailFrequency.WEEKLY]
    run_pass()
    assert mail_server.messages == []


# --- digests -----------------------------------------------------------------------------------------------------


def local(year, month, day, hour) -> datetime:
    return datetime(year, month, day, hour, tzinfo=local_zone())


def written_at(when: datetime) -> None:
    """Date every notification as written at `when`."""
    db.session.execute(db.update(Notification).values(created_at=when))
    db.session.commit()


@pytest.mark.parametrize(
    ("locale", "subject"),
    [
        ("kk", "Күнделікті шолу: 2 хабарлама"),
        ("ru", "Ежедневная сводка: 2 уведомления"),
        ("en", "Your daily digest: 2 notifications"),
    ],
)
def test_the_daily_digest_gathers_in_sections_in_the_readers_language(
    app, mail_server, other_resident, village, locale, subject
):
    reader = create_user("resident", locale=locale)
    first, second = (
        create_thread(other_resident, village, title="Көпір"),
        create_thread(other_resident, village, title="Мектеп"),
    )
    for thread in (first, second):
        follow_thread(reader, thread)
    add_comment(first, other_resident, "Көпір жөнделді", "d1")
    add_comment(second, other_resident, "Мектепке жылу берілді", "d2")
    add_comment(second, other_resident, "Оқушылар риза", "d3")
    db.session.commit()
    read = db.session.scalars(db.select(Notification).where(Notification.user_id == reader.id)).all()[-1]
    read.read_at = utcnow()  # read in the app: left out of the digest
    db.session.commit()
    written_at(local(2026, 11, 26, 15))
    run_pass(now=local(2026, 11, 27, 7))  # before the morning's hour: not yet
    assert mail_server.to(reader.email) == []
    run_pass(now=local(2026, 11, 27, 9))
    run_pass(now=local(2026, 11, 27, 10))
    [digest] = mail_server.to(reader.email)
    assert digest["Subject"].startswith(subject)
    body = digest.get_content()
    assert "== Көпір ==" in body and "== Мектеп ==" in body
    assert "Көпір жөнделді" in body and "Мектепке жылу берілді" in body and "Оқушылар риза" not in body
    assert "/notifications/unsubscribe/" in digest["List-Unsubscribe"]
    with app.test_request_context(), force_locale(locale):
        assert ngettext("%(num)s unread", "%(num)s unread", 2)  # the catalogue of that language is loaded


def test_a_digest_of_only_read_news_is_not_sent_and_the_next_waits_for_the_next_morning(
    mail_server, resident, other_resident, village
):
    thread = create_thread(other_resident, village)
    follow_thread(resident, thread)
    add_comment(thread, other_resident, "Оқылған жаңалық", "r1")
    db.session.commit()
    db.session.execute(db.update(Notification).values(read_at=utcnow()))
    written_at(local(2026, 11, 26, 15))
    run_pass(now=local(2026, 11, 27, 9))
    assert mail_server.messages == [] and len(mailed()) == 1
    add_comment(thread, other_resident, "Жаңа жаңалық", "r2")
    db.session.commit()
    db.session.execute(
        db.update(Notification).where(Notification.mailed_at.is_(None)).values(created_at=local(2026, 11, 27, 10))
    )
    db.session.commit()
    run_pass(now=local(2026, 11, 27, 20))  # written after this morning's digest: tomorrow's
    assert mail_server.messages == []
    run_pass(now=local(2026, 11, 28, 8))
    assert len(mail_server.to(resident.email)) == 1


def test_the_weekly_digest_goes_on_monday_morning(mail_server, resident, other_resident, village):
    choose_frequencies(resident.id, {NotificationKind.COMMENT: EmailFrequency.WEEKLY})
    thread = create_thread(other_resident, village)
    follow_thread(resident, thread)
    add_comment(thread, other_resident, "Апталық жаңалық", "w1")
    db.session.commit()
    written_at(local(2026, 11, 25, 12))  # a Wednesday
    run_pass(now=local(2026, 11, 29, 12))  # Sunday: the week's digest went last Monday, before the news
    assert mail_server.messages == []
    run_pass(now=local(2026, 11, 30, 9))  # Monday
    [digest] = mail_server.to(resident.email)
    assert "Апталық жаңалық" in digest.get_content()


def test_two_senders_at_once_send_one_digest(app, mail_server, resident, other_resident, village):
    thread = create_thread(other_resident, village)
    follow_thread(resident, thread)
    for number in range(5):
        add_comment(thread, other_resident, f"Жаңалық {number}", f"p{number}")
    db.session.commit()
    written_at(local(2026, 11, 26, 15))
    run_at_once(app, lambda index: run_pass(now=local(2026, 11, 27, 9)), 2)
    run_pass(now=local(2026, 11, 27, 9))
    assert len(mail_server.to(resident.email)) == 1
    assert all(f"Жаңалық {number}" in mail_server.messages[0].get_content() for number in range(5))


def test_notify_tells_nobody_twice_and_counts_only_the_told(resident, other_resident):
    assert notify([resident.id, resident.id, other_resident.id], NotificationKind.REPLY, "x-1", resident.id) == 1
    assert notify([other_resident.id], NotificationKind.REPLY, "x-1") == 0


def test_a_title_with_line_breaks_stays_one_subject_line(mail_server, resident, other_resident, village):
    thread = create_thread(resident, village)
    thread.title = "Бірінші жол\r\nBcc: someone@example.kz\nҮшінші жол"
    db.session.commit()
    a_reply(thread, resident, other_resident)
    run_pass()
    [message] = mail_server.to(resident.email)
    assert "Bcc" not in message.keys() and "\n" not in message["Subject"]
    assert message.get_content().lstrip().startswith(("Сәлеметсіз", "Hello", "Здравствуйте"))
