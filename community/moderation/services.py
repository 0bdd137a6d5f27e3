"""Moderation workflows: flagging, the queue, hiding and restoring, locking, pinning, closing, suspending; each
moderator's action goes to the public log and to the audit log."""

from datetime import timedelta
from itertools import groupby

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, update
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.admin.models import AuditAction
from community.admin.services import plain, record, user_subject
from community.core.db import utcnow
from community.core.writes import add_once, bump, update_row
from community.extensions import db
from community.moderation.models import Action, Flag, FlagReason, ModerationAction
from community.notifications.models import NotificationKind
from community.threads.models import Comment, Thread, ThreadState

LOG_PER_PAGE = 50


def record_action(
    moderator: User | None,
    action: Action | str,
    reason: str,
    thread: Thread | None = None,
    comment: Comment | None = None,
    user: User | None = None,
    until=None,
) -> ModerationAction:
    """Append a row to the public moderation log."""
    entry = ModerationAction(
        moderator_id=moderator.id if moderator else None,
        moderator_role=moderator.role if moderator else None,
        action=Action(action),
        reason=reason,
        thread_id=thread.id if thread else (comment.thread_id if comment else None),
        comment_id=comment.id if comment else None,
        user_id=user.id if user else None,
        until=until,
    )
    db.session.add(entry)
    return entry


def flag(reporter: User, thread: Thread, comment: Comment | None, reason: FlagReason, note: str = "") -> bool:
    """Report an item once; at FLAGS_TO_HIDE different reporters it is hidden until reviewed. False if repeated."""
    report = Flag(
        reporter_id=reporter.id, thread_id=thread.id, comment_id=comment.id if comment else 0, reason=reason, note=note
    )
    if not add_once(report):
        return False
    reporters = db.session.scalar(
        db.select(func.count(func.distinct(Flag.reporter_id))).where(
            Flag.thread_id == thread.id, Flag.comment_id == (comment.id if comment else 0), Flag.resolved_at.is_(None)
        )
    )
    item = comment or thread
    if reporters >= current_app.config["FLAGS_TO_HIDE"]:
        reason = _("Hidden after reports from several residents, until a moderator reviews it.")
        if _hide(item, None, reason):
            record_action(None, Action.AUTO_HIDE, reason, thread=thread, comment=comment)
    return True


def _hide(item: Thread | Comment, moderator: User | None, reason: str) -> bool:
    """Hide a shown item by a guarded write, keeping its thread's comment count; False when it was hidden already
    (by another request too)."""
    model = type(item)
    hidden = update_row(
        model,
        item.id,
        model.hidden_at.is_(None),
        hidden_at=utcnow(),
        hidden_by_id=moderator.id if moderator else None,
        hidden_reason=reason,
    )
    if hidden and isinstance(item, Comment) and item.deleted_at is None:
        bump(Thread, item.thread_id, comment_count=-1)
    if hidden:
        _tell_author(item, NotificationKind.HIDDEN, moderator, reason)
    return hidden


def _restore(item: Thread | Comment) -> bool:
    """Show a hidden item again by a guarded write, keeping its thread's comment count; False when it was shown
    already (by another request too)."""
    model = type(item)
    shown = update_row(
        model, item.id, model.hidden_at.is_not(None), hidden_at=None, hidden_by_id=None, hidden_reason=""
    )
    if shown and isinstance(item, Comment) and item.deleted_at is None:
        bump(Thread, item.thread_id, comment_count=1)
    if shown:
        _tell_author(item, NotificationKind.RESTORED, None, "")
    return shown


def _tell_author(item: Thread | Comment, kind, moderator: User | None, reason: str) -> None:
    """Tell the author that a moderator hid what they wrote (with the public reason) or showed it again."""
    from community.notifications.services import notify

    comment = item if isinstance(item, Comment) else None
    thread_id = item.thread_id if comment else item.id
    key = f"{kind.value}-{type(item).__tablename__}-{item.id}-{utcnow():%Y%m%d%H%M%S%f}"
    refs = {"thread_id": thread_id, "comment_id": comment.id if comment else None}
    notify([item.author_id], kind, key, actor_id=moderator.id if moderator else None, excerpt=reason, **refs)


def _resolve_flags(thread: Thread, comment: Comment | None) -> int:
    """Settle the open reports on an item; how many there were."""
    return db.session.execute(
        update(Flag)
        .where(
            Flag.thread_id == thread.id, Flag.comment_id == (comment.id if comment else 0), Flag.resolved_at.is_(None)
        )
        .values(resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def _visibility(item: Thread | Comment) -> dict:
    """Whether an item is shown, and why it is hidden, as the audit log writes it."""
    return {"visibility": "hidden", "reason": item.hidden_reason} if item.is_hidden else {"visibility": "shown"}


# The audit log's name for each action, on a thread and on a comment.
AUDITED = {
    Action.HIDE: (AuditAction.THREAD_HIDDEN, AuditAction.COMMENT_HIDDEN),
    Action.RESTORE: (AuditAction.THREAD_RESTORED, AuditAction.COMMENT_RESTORED),
    Action.DISMISS: (AuditAction.FLAGS_DISMISSED, AuditAction.FLAGS_DISMISSED),
    Action.LOCK: (AuditAction.THREAD_LOCKED, None),
    Action.UNLOCK: (AuditAction.THREAD_UNLOCKED, None),
    Action.PIN: (AuditAction.THREAD_PINNED, None),
    Action.UNPIN: (AuditAction.THREAD_UNPINNED, None),
    Action.CLOSE: (AuditAction.THREAD_CLOSED, None),
    Action.REOPEN: (AuditAction.THREAD_REOPENED, None),
}


def moderate(moderator: User, action: Action, reason: str, thread: Thread, comment: Comment | None = None) -> None:
    """Apply a moderator's action to a thread or comment and log it, in public and in the audit log (there only
    when it changed something: a repeated submission is in the public log twice, in the audit log once); reports
    on the item are settled. Closing and reopening raise MoveRefused when the thread cannot move so."""
    item = comment or thread
    before = _visibility(item)
    after: dict = {}
    if action is Action.HIDE:
        if not _hide(item, moderator, reason):
            item.hide(moderator.id, reason)  # hidden already: the moderator's reason replaces the earlier one
        after = {"visibility": "hidden", "reason": reason}
    elif action is Action.RESTORE:
        after = {"visibility": "shown"} if _restore(item) else before
    elif action is Action.DISMISS:
        restored = item.is_hidden and item.hidden_by_id is None and _restore(item)
        after = {"visibility": "shown"} if restored else before  # hidden by reports alone: dismissing brings it back
    elif action in (Action.LOCK, Action.UNLOCK):
        before = {"lock": "locked" if thread.locked_at is not None else "unlocked"}
        thread.locked_at = utcnow() if action is Action.LOCK else None
        after = {"lock": "locked" if action is Action.LOCK else "unlocked"}
    elif action in (Action.PIN, Action.UNPIN):
        before = {"pin": "pinned" if thread.pinned_at is not None else "unpinned"}
        thread.pinned_at = utcnow() if action is Action.PIN else None
        after = {"pin": "pinned" if action is Action.PIN else "unpinned"}
    elif action in (Action.CLOSE, Action.REOPEN):
        new_state = ThreadState.CLOSED if action is Action.CLOSE else ThreadState.OPEN
        change = thread.move_to(new_state, moderator, reason)
        before, after = {"thread_state": change.old_state.value}, {"thread_state": new_state.value}
    if action in (Action.HIDE, Action.RESTORE, Action.DISMISS):
        settled = _resolve_flags(thread, comment)
        if settled:
            before, after = {**before, "flags": settled}, {**after, "flags": 0}
    record_action(moderator, action, reason, thread=thread, comment=comment)
    audited = AUDITED.get(action, (None, None))[1 if comment else 0]
    if audited is not None and before != after:
        subject = f"comment:{comment.id}" if comment else f"thread:{thread.id}"
        record(moderator, audited, subject, before, {"reason": reason, **after}, target_user=item.author)


def suspend(moderator: User, user: User, days: int, reason: str) -> None:
    """Keep a user from posting for some days, and log it, in public and in the audit log."""
    was = user.suspended_until if user.is_suspended else None
    user.suspended_until = utcnow() + timedelta(days=days)
    record_action(moderator, Action.SUSPEND, reason, user=user, until=user.suspended_until)
    record(
        moderator,
        AuditAction.USER_SUSPENDED,
        user_subject(user),
        {"until": plain(was)},
        {"until": plain(user.suspended_until), "days": days, "reason": reason},
        target_user=user,
    )


def queue() -> list[dict]:
    """Open reports grouped by item, most reported first, with the items loaded in three queries."""
    flags = list(
        db.session.scalars(
            db.select(Flag)
            .where(Flag.resolved_at.is_(None))
            .options(joinedload(Flag.reporter), joinedload(Flag.thread).joinedload(Thread.author))
            .order_by(Flag.thread_id, Flag.comment_id, Flag.created_at)
            .limit(500)
        )
    )
    comment_ids = {f.comment_id for f in flags if f.comment_id}
    comments = (
        {
            c.id: c
            for c in db.session.scalars(
                db.select(Comment).where(Comment.id.in_(comment_ids)).options(joinedload(Comment.author))
            )
        }
        if comment_ids
        else {}
    )
    groups = []
    for (_thread_id, comment_id), reports in groupby(flags, key=lambda f: (f.thread_id, f.comment_id)):
        reports = list(reports)
        groups.append(
            {
                "thread": reports[0].thread,
                "comment": comments.get(comment_id),
                "reports": reports,
            }
        )
    groups.sort(key=lambda group: len(group["reports"]), reverse=True)
    return groups


def log_page(page: int):
    """A page of the public moderation log, newest first, with the items' visibility at hand."""
    statement = (
        db.select(ModerationAction)
        .options(joinedload(ModerationAction.thread), joinedload(ModerationAction.comment))
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
    )
    return db.paginate(statement, page=page, per_page=LOG_PER_PAGE, error_out=False)


def suspension_reason(user: User) -> str | None:
    """Why a suspended user may not post: the reason of their latest suspension; None when they are not suspended.
    One query, for suspended users only."""
    if not getattr(user, "is_authenticated", False) or not user.is_suspended:
        return None
    return db.session.scalar(
        db.select(ModerationAction.reason)
        .where(ModerationAction.user_id == user.id, ModerationAction.action == Action.SUSPEND)
        .order_by(ModerationAction.id.desc())
        .limit(1)
    )
