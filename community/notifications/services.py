"""Writing notifications: one row per person and happening, in the same transaction as the happening, never to the
person who caused it, and the bell's version raised for everyone told."""

from collections.abc import Iterable

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from community.accounts.models import User
from community.core.db import utcnow
from community.core.text import plain_line
from community.extensions import db
from community.notifications.jobs import mark_written
from community.notifications.models import (
    EmailFrequency,
    EmailPreference,
    Notification,
    NotificationKind,
    default_frequency,
)

INSERT = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


def notify(
    user_ids: Iterable[int | None],
    kind: NotificationKind,
    key: str,
    actor_id: int | None = None,
    excerpt: str = "",
    **refs,
) -> int:
    """Tell these people of a happening once each: a person already told of it under the same key (by another
    route) is not told again, the actor never, accounts deleted or disabled never. Returns how many were told.
    Flushes."""
    wanted = {user_id for user_id in user_ids if user_id and user_id != actor_id}
    if not wanted:
        return 0
    active = db.session.scalars(
        db.select(User.id).where(User.id.in_(wanted), User.deleted_at.is_(None), User.disabled_at.is_(None))
    ).all()
    if not active:
        return 0
    now = utcnow()
    chosen = frequencies_of(active, kind)
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "key": key,
            "actor_id": actor_id,
            "excerpt": plain_line(excerpt, 300),
            "created_at": now,
            "email": chosen[user_id],
            "mailed_at": now if chosen[user_id] is EmailFrequency.NEVER else None,
            **refs,
        }
        for user_id in sorted(active)
    ]
    insert = INSERT[db.session.get_bind().dialect.name]
    statement = insert(Notification).on_conflict_do_nothing(index_elements=["user_id", "key"])
    told = db.session.scalars(statement.returning(Notification.user_id), rows).all()
    if told:
        mark_written()
        db.session.execute(
            update(User)
            .where(User.id.in_(told))
            .values(notification_version=User.notification_version + 1)
            .execution_options(synchronize_session=False)
        )
    return len(told)


def frequencies_of(user_ids, kind: NotificationKind) -> dict[int, EmailFrequency]:
    """How each of these people wants this kind by e-mail: their choice, or the kind's default (one query)."""
    chosen = dict(
        db.session.execute(
            db.select(EmailPreference.user_id, EmailPreference.frequency).where(
                EmailPreference.user_id.in_(user_ids), EmailPreference.kind == kind
            )
        ).all()
    )
    return {user_id: chosen.get(user_id, default_frequency(kind)) for user_id in user_ids}


def email_choices(user: User) -> dict[NotificationKind, EmailFrequency]:
    """Every kind with how the user wants it by e-mail, their choice or the default."""
    chosen = dict(
        db.session.execute(
            db.select(EmailPreference.kind, EmailPreference.frequency).where(EmailPreference.user_id == user.id)
        ).all()
    )
    return {kind: chosen.get(kind, default_frequency(kind)) for kind in NotificationKind}


def choose_frequencies(user_id: int, choices: dict[NotificationKind, EmailFrequency]) -> None:
    """Keep the user's choices (one upsert each, so two saves at once cannot collide) and apply them to what still
    waits to be mailed: an unsubscribed kind stops at once and a digest gathers what an "at once" had not sent."""
    insert = INSERT[db.session.get_bind().dialect.name]
    for kind, frequency in choices.items():
        statement = insert(EmailPreference).values(user_id=user_id, kind=kind, frequency=frequency)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=["user_id", "kind"], set_={"frequency": statement.excluded.frequency}
            )
        )
        waiting = update(Notification).where(
            Notification.user_id == user_id, Notification.kind == kind, Notification.mailed_at.is_(None)
        )
        settled = {"mailed_at": utcnow()} if frequency is EmailFrequency.NEVER else {}
        db.session.execute(waiting.values(email=frequency, **settled).execution_options(synchronize_session=False))


def mark_read(user: User, notification_id: int) -> bool:
    """Mark one of the user's notifications read; False when it was read already or is not theirs. Reading writes
    nothing anyone else sees (the table is quiet for the page copies), and the bell's tag counts the unread."""
    changed = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(changed)


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    changed = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed


def tell_of_comment(thread, comment, parent) -> None:
    """Tell the parent's author of a reply, and the thread's followers of a comment or an official answer; one
    notification each, the reply's first."""
    from community.threads.models import ThreadFollow

    about = {"key": f"comment-{comment.id}", "actor_id": comment.author_id, "excerpt": comment.body}
    refs = {"thread_id": thread.id, "comment_id": comment.id}
    if parent is not None:
        notify([parent.author_id], NotificationKind.REPLY, **about, **refs)
    followers = db.session.scalars(db.select(ThreadFollow.user_id).where(ThreadFollow.thread_id == thread.id))
    kind = NotificationKind.OFFICIAL_ANSWER if comment.official else NotificationKind.COMMENT
    notify(followers, kind, **about, **refs)
