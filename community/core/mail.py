"""E-mail as a job, not inside the request: a message is queued in the `outbox` table in the same transaction as
what caused it, and delivered after the response has gone (or by `flask mail deliver`, which retries), through
SMTP when configured, otherwise into the log (and the test outbox)."""

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app, g
from sqlalchemy import String, Text, or_
from sqlalchemy.orm import Mapped, mapped_column

from community.core.db import UTCDateTime, utcnow
from community.core.writes import update_row
from community.extensions import db

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=10)  # a message claimed but not sent by then (a worker died) is tried again


class OutgoingMail(db.Model):
    """A message waiting to be sent, or sent: to whom, what, and how its delivery went."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")


def queue_mail(to: str, subject: str, body: str) -> None:
    """Queue a plain-text message; it leaves once the request's transaction is committed. Flushes nothing."""
    db.session.add(OutgoingMail(recipient=to, subject=subject, body=body))
    g.mail_queued = True


def deliver_after_response(response):
    """When this request queued mail, deliver it once the response has been sent (the sender's time never shows
    in the answer, whatever the message)."""
    if g.get("mail_queued"):
        app = current_app._get_current_object()

        def deliver():
            with app.app_context():
                deliver_queued()

        response.call_on_close(deliver)
    return response


def deliver_queued(limit: int = 50) -> int:
    """Send the queued messages nobody is sending, each claimed by a guarded write so two workers never send one
    twice; a failure is kept with its error and tried again later. Returns how many were sent."""
    now = utcnow()
    waiting = db.session.scalars(
        db.select(OutgoingMail.id)
        .where(
            OutgoingMail.sent_at.is_(None),
            OutgoingMail.attempts < MAX_ATTEMPTS,
            or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - RETRY_AFTER),
        )
        .order_by(OutgoingMail.id)
        .limit(limit)
    ).all()
    sent = 0
    for mail_id in waiting:
        unclaimed = or_(OutgoingMail.claimed_at.is_(None), OutgoingMail.claimed_at < now - RETRY_AFTER)
        if not update_row(OutgoingMail, mail_id, unclaimed, OutgoingMail.sent_at.is_(None), claimed_at=utcnow()):
            continue
        db.session.commit()
        mail = db.session.get(OutgoingMail, mail_id)
        try:
            send_mail(mail.recipient, mail.subject, mail.body)
        except (OSError, smtplib.SMTPException) as error:
            current_app.logger.warning("Mail %s to %s failed: %s", mail_id, mail.recipient, error)
            update_row(
                OutgoingMail,
                mail_id,
                attempts=OutgoingMail.attempts + 1,
                last_error=str(error)[:500],
                claimed_at=utcnow() - RETRY_AFTER + timedelta(minutes=1),  # tried again in a minute
            )
        else:
            update_row(OutgoingMail, mail_id, attempts=OutgoingMail.attempts + 1, sent_at=utcnow())
            sent += 1
        db.session.commit()
    return sent


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message now (the queue's sender calls this; pages queue instead)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if config.get("TESTING"):
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    if not config["MAIL_SERVER"]:
        current_app.logger.info("Mail (no MAIL_SERVER set) to %s: %s\n%s", to, subject, body)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
