"""The demo's follows and a few days of notifications: the residents follow their home places, a deputy and some of
that deputy's pledges; they are told of the steps of their appeals and of the followed pledges' recent updates,
each notification dated like what it tells of. Those older than two days are read, and all but the last day's are
settled for e-mail, so the bell shows new ones and the notifications job mails only the latest (to the log)."""

from datetime import timedelta

from sqlalchemy import update

from community.accounts.models import User
from community.appeals.models import Appeal, AppealEntry
from community.appeals.services import tell_of_step
from community.core.db import utcnow
from community.demo.accounts import people
from community.extensions import db
from community.notifications.follows import follow, tell_pledge_update
from community.notifications.models import FollowTarget, Notification
from community.pledges.models import Deputy, Pledge, PledgeUpdate

# (resident, the deputy's account they follow, how many of that deputy's pledges)
FOLLOWERS = [
    ("asel@example.kz", "gulnar.deputy@halyk-uni.kz", 2),
    ("bauyrzhan@example.kz", "erlan.deputy@halyk-uni.kz", 1),
    ("olga@example.kz", "sergey.deputy@halyk-uni.kz", 2),
    ("nurzhan@example.kz", "gulnar.deputy@halyk-uni.kz", 1),
]
RECENT = timedelta(days=90)  # pledge updates this recent are told to the followers
READ_AFTER = timedelta(days=2)
MAILED_AFTER = timedelta(days=1)


def load_notifications() -> int:
    """Add the demo's follows and the notifications they and the appeals' histories bring (running it again adds
    nothing: follows and notifications are unique); returns how many notifications there are now."""
    everyone = people()
    now = utcnow()
    before = db.session.scalar(db.select(db.func.count(Notification.id)))
    for resident_email, deputy_email, pledge_count in FOLLOWERS:
        resident, deputy_user = everyone[resident_email], everyone[deputy_email]
        deputy = db.session.scalar(db.select(Deputy).where(Deputy.user_id == deputy_user.id))
        if resident.locality_id:
            follow(resident, FollowTarget.LOCALITY, resident.locality_id)
        if deputy is None:
            continue
        follow(resident, FollowTarget.DEPUTY, deputy.id)
        pledges = db.session.scalars(
            db.select(Pledge).where(Pledge.deputy_id == deputy.id).order_by(Pledge.last_update_at.desc())
        ).all()
        for pledge in pledges[:pledge_count]:
            follow(resident, FollowTarget.PLEDGE, pledge.id)
    db.session.flush()
    told_at = {}
    for entry in db.session.scalars(db.select(AppealEntry).order_by(AppealEntry.id)):
        tell_of_step(db.session.get(Appeal, entry.appeal_id), entry)
        told_at[f"appeal-step-{entry.id}"] = told_at[f"appeal-step-{entry.id}-to"] = entry.created_at
    recent = db.select(PledgeUpdate).where(PledgeUpdate.created_at > now - RECENT).order_by(PledgeUpdate.id)
    for entry in db.session.scalars(recent):
        tell_pledge_update(entry.pledge, entry)
        told_at[f"pledge-update-{entry.id}"] = entry.created_at
    db.session.flush()
    for key, at in told_at.items():
        db.session.execute(
            update(Notification)
            .where(Notification.key == key, Notification.created_at > at)
            .values(created_at=at)
            .execution_options(synchronize_session=False)
        )
    _settle_the_older(now)
    total = db.session.scalar(db.select(db.func.count(Notification.id)))
    if total != before:
        _number_in_time_order()
    return total


def _number_in_time_order() -> None:
    """Write the notifications again in the order of their dates, so their ids (the list's order, as on a live
    site) follow time although the demo told of old happenings last."""
    columns = [column for column in Notification.__table__.columns if column.key != "id"]
    rows = [
        {column.key: value for column, value in zip(columns, row, strict=True)}
        for row in db.session.execute(db.select(*columns).order_by(Notification.created_at, Notification.id))
    ]
    db.session.execute(db.delete(Notification))
    if rows:
        db.session.execute(db.insert(Notification), rows)


def _settle_the_older(now) -> None:
    """Mark read what is older than two days and settle for e-mail what is older than a day."""
    db.session.execute(
        update(Notification)
        .where(Notification.created_at < now - READ_AFTER, Notification.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Notification)
        .where(Notification.created_at < now - MAILED_AFTER, Notification.mailed_at.is_(None))
        .values(mailed_at=Notification.created_at)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(update(User).values(notification_version=User.notification_version + 1))
