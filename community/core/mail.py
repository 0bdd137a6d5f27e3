"""E-mail as a job, not inside the request: a message is queued in the `outbox` table in the same transaction as
what caused it, sent after the response has gone, and retried with a growing delay by `flask mail deliver`;
through SMTP when configured, otherwise into the log (and the test outbox)."""

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app, g, has_request_context
from sqlalchemy import String, Text, delete, func, or_
from sqlalchemy.orm import Mapped, mapped_column

from community.core.db import UTCDateTime, utcnow
from community.core.writes import update_row
from community.extensions import db

RETRY_AFTER = timedelta(minutes=10)  # a message claimed but not sent by then (a worker died) is tried again
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6)]
MAX_ATTEMPTS = len(BACKOFF) + 1  # about a day and a half of retries; giving up is logged as an error
KEEP_SENT = timedelta(days=7)  # sent messages stay this long, their text blanked at once (links carry tokens)
SMTP_TIMEOUT = 10


class OutgoingMail(db.Model):
    """A message waiting to be sent, or sent: to whom, what, and how its delivery went."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # A one-click address (RFC 8058) for messages a person may stop, e.g. notifications; blanked once sent.
    unsubscribe_url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")


def queue_mail(to: str, subject: str, body: str, unsubscribe_url: str = "") -> None:
    """Queue a plain-text message (with a one-click unsubscribe address for mail a person may stop); it leaves
    once the request's transaction is committed. Flushes."""
    mail = OutgoingMail(recipient=to, subject=subject, body=body, unsubscribe_url=unsubscribe_url)
    db.session.add(mail)
    db.session.flush()
    if has_request_context():  # a job sends its own; a request's leave after its response
        g.setdefault("queued_mail", []).append(mail.id)


def recent_mail_count(to: str, within: timedelta) -> int:
    """How many messages were queued for an address lately (the forms use it to cap what one address gets)."""
    since = utcnow() - within
    return db.session.scalar(
        db.select(func.count(OutgoingMail.id)).where(OutgoingMail.recipient == to, OutgoingMail.created_at > since)
    )


def deliver_after_response(response):
    """When this request queued mail, send those messages once the response has been sent; the backlog and the
    retries are left to `flask mail deliver`, so a slow mail server never holds a request."""
    queued = g.get("queued_mail")
    if queued:
        app = current_app._get_current_object()

        def deliver():
            with app.app_context():
                try:
                    deliver_queued(only=queued)
                finally:
                    db.session.remove()

        response.call_on_close(deliver)
    return response


def deliver_queued(limit: int = 100, only: list[int] | None = None) -> int:
    """Send the queued messages that are due (`only` some of them), each claimed by a guarded write so two
    workers never send one twice, with no transaction open while the mail server is talked to; a failure is
    kept with its error and tried again later, backing off; sent messages lose their text and go after a week.
    Returns how many were sent."""
    now = utcnow()
    due = or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - RETRY_AFTER)
    waiting = db.select(OutgoingMail.id).where(
        OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS, due
    )
    if only is not None:
        waiting = waiting.where(OutgoingMail.id.in_(only))
    ids = db.session.scalars(waiting.order_by(OutgoingMail.id).limit(limit)).all()
    db.session.commit()
    sent = sum(_deliver_one(mail_id, due) for mail_id in ids)
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.sent_at < now - KEEP_SENT))
    db.session.commit()
    return sent


def _deliver_one(mail_id: int, due) -> bool:
    """Claim one message, send it outside any transaction, and record how it went."""
    if not update_row(OutgoingMail, mail_id, due, OutgoingMail.sent_at.is_(None), claimed_at=utcnow()):
        db.session.commit()
        return False
    mail = db.session.get(OutgoingMail, mail_id)
    recipient, subject, body, attempts = mail.recipient, mail.subject, mail.body, mail.attempts + 1
    unsubscribe_url = mail.unsubscribe_url
    db.session.commit()  # the claim holds; nothing is locked while the mail server answers
    try:
        send_mail(recipient, subject, body, unsubscribe_url)
    except Exception as error:  # noqa: BLE001 - any failure of one message is kept and retried, never fatal
        current_app.logger.warning("Mail %s to %s failed (attempt %s): %s", mail_id, recipient, attempts, error)
        if attempts >= MAX_ATTEMPTS:
            current_app.logger.error("Mail %s to %s given up after %s attempts", mail_id, recipient, attempts)
        delay = BACKOFF[min(attempts, len(BACKOFF)) - 1]
        update_row(
            OutgoingMail,
            mail_id,
            attempts=attempts,
            last_error=str(error)[:500],
            claimed_at=utcnow() - RETRY_AFTER + delay,  # due again after the delay
        )
        db.session.commit()
        return False
    update_row(OutgoingMail, mail_id, attempts=attempts, sent_at=utcnow(), body="", unsubscribe_url="")
    db.session.commit()
    return True


def send_mail(to: str, subject: str, body: str, unsubscribe_url: str = "") -> None:
    """Send a plain-text message now (the queue's sender calls this; pages queue instead), with RFC 8058's
    one-click unsubscribe headers when it has an unsubscribe address."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body)
    if config.get("TESTING"):
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    if not config["MAIL_SERVER"]:
        current_app.logger.info("Mail (no MAIL_SERVER set) to %s: %s\n%s", to, subject, body)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
