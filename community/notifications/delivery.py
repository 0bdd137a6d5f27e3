"""Mailing notifications, never inside a web request: the notifications job (`flask notifications send`, or the
Redis queue's worker) writes what the clock causes, mails what is due at once, gathers the daily and weekly
digests, and hands every message to the outbox (core/mail.py), whose sender retries with backoff. Each step
claims its rows by a guarded UPDATE — a notification's `mailed_at`, a person's digest clock — in the same
transaction as the message it queues, so any number of senders running at once mail each thing exactly once."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update

from community.accounts.models import User
from community.core.db import utcnow
from community.core.mail import deliver_queued, queue_mail
from community.core.text import plain_line
from community.core.time import local_zone
from community.core.urls import absolute_url
from community.core.writes import update_row
from community.extensions import db
from community.notifications.models import DigestClock, EmailFrequency, Notification, NotificationKind
from community.notifications.queries import visible_notifications
from community.notifications.reminders import remind_of_tomorrow, tell_of_overdue_appeals
from community.notifications.services import INSERT

BATCH = 200  # notifications mailed at once, or digests gathered, per pass
DIGEST_HOUR = 8  # digests are gathered from this hour of the region's morning; weekly ones on Mondays
DIGESTS = (EmailFrequency.DAILY, EmailFrequency.WEEKLY)
TOKEN_SALT = "notifications-unsubscribe"  # noqa: S105 - a salt that keeps these tokens apart, not a secret


@dataclass
class Pass:
    """What one pass of the job did."""

    reminded: int = 0
    mailed: int = 0
    digests: int = 0
    sent: int = 0
    pruned: int = 0


def run_pass(now: datetime | None = None) -> Pass:
    """One pass of the notifications job: reminders and overdue appeals, e-mails due at once, digests due, then
    the outbox; and the lapsed sessions, remembered devices, reset links and sign-in attempts pruned. Safe to run
    in any number of processes at once."""
    from community.accounts.sessions import prune_sessions

    now = now or utcnow()
    done = Pass()
    done.reminded = remind_of_tomorrow(now) + tell_of_overdue_appeals(now)
    done.pruned = sum(prune_sessions().values())
    db.session.commit()
    done.mailed = mail_at_once(now)
    done.digests = sum(gather_digests(frequency, now) for frequency in DIGESTS)
    done.sent = deliver_queued()
    return done


# --- unsubscribing ---------------------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def unsubscribe_token(user_id: int, what: NotificationKind | EmailFrequency) -> str:
    """A signed token that stops one kind of e-mail, or one digest, for one person; it needs no sign-in."""
    return _serializer().dumps([user_id, what.value])


def read_unsubscribe_token(token: str) -> tuple[int, NotificationKind | EmailFrequency] | None:
    """The person and what the token stops, or None for a tampered or malformed token."""
    try:
        user_id, what = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    if type(user_id) is not int or not 0 < user_id < 2**31 or not isinstance(what, str):
        return None
    if what in {frequency.value for frequency in DIGESTS}:
        return user_id, EmailFrequency(what)
    if what in {kind.value for kind in NotificationKind}:
        return user_id, NotificationKind(what)
    return None


# --- at once ---------------------------------------------------------------------------------------------------


def _recipient(user: User) -> str | None:
    """The address to mail, or None: a deleted, disabled or unconfirmed account gets no e-mail."""
    if user.deleted_at or user.disabled_at or not user.email_confirmed_at:
        return None
    return user.email


def mail_at_once(now: datetime) -> int:
    """Mail each notification due at once, claimed one by one; what the person may no longer see is settled
    unsent. Returns how many e-mails were queued."""
    waiting = db.select(Notification.id).where(
        Notification.mailed_at.is_(None), Notification.email == EmailFrequency.NOW
    )
    ids = db.session.scalars(waiting.order_by(Notification.id).limit(BATCH)).all()
    db.session.commit()
    queued = 0
    for notification_id in ids:
        if update_row(Notification, notification_id, Notification.mailed_at.is_(None), mailed_at=now):
            notification = db.session.get(Notification, notification_id)
            address = _recipient(notification.user)
            shown = visible_notifications(notification.user, [notification_id])
            if address and shown:
                _queue(notification.user, address, "notifications/mail/one.txt", notification.kind, item=shown[0])
                queued += 1
        db.session.commit()
    return queued


# --- digests ---------------------------------------------------------------------------------------------------


def digest_boundary(frequency: EmailFrequency, now: datetime) -> datetime:
    """The last moment a digest of this frequency fell due: today's DIGEST_HOUR (yesterday's before it), and for
    the weekly one that Monday's."""
    local = now.astimezone(local_zone())
    due = datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=local_zone())
    if local < due:
        due -= timedelta(days=1)
    if frequency is EmailFrequency.WEEKLY:
        due -= timedelta(days=due.weekday())
    return due


def _claim_digest(user_id: int, frequency: EmailFrequency, boundary: datetime, now: datetime) -> bool:
    """Move the person's digest clock to now if it is before the boundary (or start it); True for the one sender
    that did."""
    insert = INSERT[db.session.get_bind().dialect.name]
    started = db.session.execute(
        insert(DigestClock)
        .values(user_id=user_id, frequency=frequency, gathered_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "frequency"])
    ).rowcount
    if started:
        return True
    moved = db.session.execute(
        update(DigestClock)
        .where(
            DigestClock.user_id == user_id,
            DigestClock.frequency == frequency,
            DigestClock.gathered_at < boundary,
        )
        .values(gathered_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(moved)


def gather_digests(frequency: EmailFrequency, now: datetime) -> int:
    """Gather the due digests of one frequency: for each person with news waiting from before the boundary, one
    e-mail of what they have not read in the app, in sections per followed thing; an empty digest is not sent.
    Returns how many were queued."""
    boundary = digest_boundary(frequency, now)
    people = db.session.scalars(
        db.select(Notification.user_id)
        .where(
            Notification.mailed_at.is_(None),
            Notification.email == frequency,
            Notification.created_at < boundary,
        )
        .distinct()
        .limit(BATCH)
    ).all()
    db.session.commit()
    queued = 0
    for user_id in people:
        if _claim_digest(user_id, frequency, boundary, now):
            queued += _gather_one(user_id, frequency, now)
        db.session.commit()
    return queued


def _gather_one(user_id: int, frequency: EmailFrequency, now: datetime) -> int:
    """Settle the person's waiting notifications of this frequency and queue their digest; 1 if one was queued."""
    waiting = Notification.user_id == user_id, Notification.email == frequency, Notification.mailed_at.is_(None)
    ids = db.session.scalars(db.select(Notification.id).where(*waiting, Notification.created_at <= now)).all()
    settled = db.session.scalars(
        update(Notification)
        .where(*waiting, Notification.id.in_(ids))
        .values(mailed_at=now)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).all()
    user = db.session.get(User, user_id)
    address = _recipient(user)
    unread = [item for item in visible_notifications(user, settled) if item.read_at is None]
    if not address or not unread:
        return 0
    sections = defaultdict(list)
    for item in unread:
        sections[section_of(item)].append(item)
    _queue(user, address, "notifications/mail/digest.txt", frequency, sections=sections, count=len(unread))
    return 1


def section_of(item: Notification) -> tuple:
    """The followed thing a notification belongs to, for a digest's sections: (kind of thing, id, title)."""
    for name in ("appeal", "thread", "event", "pledge", "dialogue", "locality"):
        thing = getattr(item, name, None)
        if thing is not None:
            return name, thing.id, plain_line(item.subject[0], 200)
    if item.question is not None:
        return "question", item.question.session_id, plain_line(item.subject[0], 200)
    return "other", 0, ""


# --- writing -----------------------------------------------------------------------------------------------------


def _queue(user: User, address: str, template: str, stops, **context) -> None:
    """Write one e-mail in the person's language, with links to the exact place, to one's e-mail settings and to
    a one-click unsubscribe of what `stops` names, and queue it."""
    from community.notifications.views import target_of

    token = unsubscribe_token(user.id, stops)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        unsubscribe = absolute_url("notifications.unsubscribe", token=token)
        text = render_template(
            template,
            user=user,
            stops=stops,
            link=lambda item: target_of(item, build=absolute_url),
            settings_url=absolute_url("notifications.settings"),
            unsubscribe_url=unsubscribe,
            site=current_app.config["SITE_NAME"],
            plain=lambda text: plain_line(text, 200),  # a title or a question as one line, as a subject must be
            **context,
        )
    subject, _, body = text.strip().partition("\n")
    queue_mail(address, plain_line(subject, 300), body.strip() + "\n", unsubscribe_url=unsubscribe)
