"""Pledge tracker workflows: adding pledges, checks and reactions on updates, linking deputies to accounts (reads
are in queries.py)."""

from flask_babel import lazy_gettext as _l

from community.accounts.models import User
from community.core.states import MoveRefused
from community.core.writes import add_once, insert_once
from community.extensions import db
from community.pledges.models import (
    Deputy,
    Pledge,
    PledgeUpdate,
    UpdateCheck,
    UpdateReaction,
)


def latest_update_or_refuse(pledge: Pledge) -> PledgeUpdate:
    """The pledge's latest update, to check, confirm or dispute; MoveRefused while it has none."""
    latest = db.session.scalar(
        db.select(PledgeUpdate)
        .where(PledgeUpdate.pledge_id == pledge.id)
        .order_by(PledgeUpdate.created_at.desc(), PledgeUpdate.id.desc())
        .limit(1)
    )
    if latest is None:
        raise MoveRefused(_l("This pledge has no update yet."))
    return latest


def _audit(by: User, action_name: str, pledge: Pledge, before: dict | None, after: dict) -> None:
    """Write a moderator's step on a deputy's pledge to the audit log; the deputy's account is the one concerned."""
    from community.admin.models import AuditAction  # the admin's models know the pledges'
    from community.admin.services import record

    deputy = db.session.get(Deputy, pledge.deputy_id)
    record(by, AuditAction(action_name), f"pledge:{pledge.id}", before, after, target_user=deputy.user)


def add_pledge(deputy: Deputy, by: User, submission_key: str, audited: bool = True, **fields) -> tuple[Pledge, bool]:
    """Add a pledge with its source once per submission key; returns it and whether it is new. One added by
    someone else than the deputy (a moderator) is in the audit log, unless the caller's own entry says it
    (`audited` False). Flushes."""
    pledge = Pledge(deputy_id=deputy.id, created_by_id=by.id, submission_key=submission_key, **fields)
    pledge, new = insert_once(pledge, deputy_id=deputy.id, submission_key=submission_key)
    if new:
        _open_discussion(pledge, by)
        if audited and deputy.user_id != by.id:
            _audit(by, "pledge_added_on_behalf", pledge, None, {"title": pledge.title, "deputy": deputy.name})
    return pledge, new


def _open_discussion(pledge: Pledge, by: User) -> None:
    """Give a new pledge its discussion: a thread residents comment on and follow, like any local issue."""
    from community.threads.models import Category
    from community.threads.services import start_thread

    start_thread(
        by,
        f"pledge-{pledge.id}",
        title=pledge.title[:160],
        body=pledge.text,
        locality_id=pledge.locality_id,
        category=Category.OTHER,
        pledge_id=pledge.id,
    )


def publish_update(pledge: Pledge, author: User, *args, **kwargs) -> PledgeUpdate:
    """Append an update to the pledge's history (Pledge.record_update, whose arguments and refusals these are) and
    tell the followers of the pledge and of its deputy. Flushes."""
    from community.notifications.follows import tell_pledge_update  # the notifications know the pledges

    entry = pledge.record_update(author, *args, **kwargs)
    if entry.on_behalf:
        before = {"status": entry.old_status.value}
        _audit(
            author,
            "pledge_updated_on_behalf",
            pledge,
            before,
            {"status": entry.new_status.value, "progress": entry.progress},
        )
    tell_pledge_update(pledge, entry)
    return entry


def check_update(moderator: User, entry: PledgeUpdate, verified: bool, note: str) -> UpdateCheck:
    """Record a moderator's verdict on an update (the newest verdict is the one shown) and tell the followers of
    the pledge and of its deputy, and write it to the audit log with the verdict it supersedes. Flushes."""
    from community.notifications.follows import tell_update_checked

    latest = db.session.scalar(
        db.select(UpdateCheck).where(UpdateCheck.update_id == entry.id).order_by(UpdateCheck.id.desc()).limit(1)
    )
    check = UpdateCheck(update_id=entry.id, moderator_id=moderator.id, verified=verified, note=note)
    db.session.add(check)
    db.session.flush()
    before = {"verdict": _verdict(latest.verified), "note": latest.note} if latest is not None else {"verdict": None}
    after = {"update": f"#{entry.id}", "verdict": _verdict(verified), "note": note}
    _audit(moderator, "pledge_update_checked", entry.pledge, before, after)
    tell_update_checked(entry.pledge, entry, check)
    return check


def _verdict(verified: bool) -> str:
    """A check's verdict as the audit log writes it."""
    return "verified" if verified else "not_verified"


def react(user: User, entry: PledgeUpdate, confirms: bool, reason: str) -> bool:
    """Confirm or dispute an update once; False when this user already reacted. A dispute is told to the followers
    of the pledge and of its deputy."""
    from community.notifications.follows import tell_update_disputed

    reaction = UpdateReaction(update_id=entry.id, user_id=user.id, confirms=confirms, reason=reason)
    added = add_once(reaction)
    if added and not confirms:
        tell_update_disputed(entry.pledge, entry, reaction)
    return added


def link_account(deputy: Deputy, user: User | None) -> None:
    """Link a deputy profile to an account (which gets the deputy role), or unlink it; admins only."""
    from community.core.permissions import Role

    deputy.user_id = user.id if user else None
    if user is not None and user.role is Role.RESIDENT:
        user.role = Role.DEPUTY


def search_name(name: str) -> str:
    """The lower-cased name kept for searching deputies."""
    return name.lower()
