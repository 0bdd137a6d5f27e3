"""Leaving the site: the owner deletes their account, and what it wrote stays under "Deleted user" or goes."""

import secrets

from sqlalchemy import delete, update
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.accounts.services import forget_links
from community.accounts.sessions import end_all_sessions
from community.core.db import utcnow
from community.core.permissions import can_delete_comment
from community.core.text import search_text
from community.core.writes import update_row
from community.extensions import db


def delete_account(user: User, remove_content: bool = False) -> bool:
    """The owner deletes their account (who may: can_delete_account, the password given again): it can no longer
    sign in, every session and unused link ends, its address (which may register again), name, password, locality
    and about text are gone, and what it wrote shows under "Deleted user". Its registrations for events still to
    come are withdrawn, the places passing to the waiting list, its reception times still to come are freed, its
    appeals lose the phone number it left, and it follows nothing. With remove_content its
    comments are deleted as an author deletes one (a placeholder where others replied) and its threads lose their
    text (they stay for the comments under them); what moderators hid stays as they left it, with its log. Supports,
    votes, flags and past registrations stay. False, changing nothing, when the account was deleted already (a
    second submission). Flushes."""
    from community.threads.models import Thread

    # While the account is still active: the comments are chosen by the author's own rule, and the events' cancel
    # path asks for a signed-in user. Both are guarded writes, so a second submission changes nothing there either.
    comments = _removable_comments(user) if remove_content else []
    now = utcnow()
    _withdraw_from_coming_events(user, now)
    if not update_row(
        User,
        user.id,
        User.deleted_at.is_(None),
        deleted_at=now,
        email=f"deleted-{user.id}-{secrets.token_hex(8)}@deleted.invalid",  # .invalid never registers
        stored_name="",
        password_hash="",  # matches no password
        bio="",
        locality_id=None,
    ):
        return False
    end_all_sessions(user)
    forget_links(user)
    _unfollow_all(user)
    _leave_appeals_and_receptions(user, now, remove_content)
    if remove_content:
        from community.threads.services import delete_comment

        for comment in comments:
            delete_comment(comment)
        threads = db.session.execute(
            db.select(Thread.id, Thread.title).where(
                Thread.author_id == user.id, Thread.deleted_at.is_(None), Thread.hidden_at.is_(None)
            )
        ).all()
        for thread_id, title in threads:
            update_row(
                Thread,
                thread_id,
                Thread.deleted_at.is_(None),
                deleted_at=now,
                body="",
                search_text=search_text(title, ""),
            )
    return True


def _removable_comments(user: User) -> list:
    """The user's comments they may delete themselves (can_delete_comment), replies first, so a comment whose
    replies were all theirs goes entirely."""
    from community.threads.models import Comment

    statement = (
        db.select(Comment)
        .where(Comment.author_id == user.id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
        .options(joinedload(Comment.thread))
        .order_by(Comment.parent_id.is_(None), Comment.id)
    )
    return [comment for comment in db.session.scalars(statement) if can_delete_comment(user, comment)]


def _withdraw_from_coming_events(user: User, now) -> None:
    """Give up the user's places and waiting-list places at events that have not started, by the events' own
    cancel path (the waiting list moves up, the counts stay right)."""
    from community.events.models import Event, Registration, RegistrationState
    from community.events.services import cancel_registration

    coming = db.session.scalars(
        db.select(Event)
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Registration.user_id == user.id,
            Registration.state != RegistrationState.CANCELLED,
            Event.starts_at > now,
        )
    ).all()
    for event in coming:
        cancel_registration(user, event)


def _unfollow_all(user: User) -> None:
    """Stop following every thread, each thread's kept follower count lowered for the row that went, and every
    pledge, deputy, event, dialogue session and locality."""
    from community.notifications.models import Follow
    from community.threads.models import Thread, ThreadFollow

    db.session.execute(delete(Follow).where(Follow.user_id == user.id))

    followed = db.session.scalars(
        delete(ThreadFollow).where(ThreadFollow.user_id == user.id).returning(ThreadFollow.thread_id)
    ).all()
    if followed:
        db.session.execute(
            update(Thread)
            .where(Thread.id.in_(followed))
            .values(follower_count=Thread.follower_count - 1)
            .execution_options(synchronize_session=False)
        )


def _leave_appeals_and_receptions(user: User, now, remove_content: bool) -> None:
    """The phone numbers left on appeals go, and the booked reception times still to come are freed; with
    remove_content the appeals' texts go too (their subjects and the deputies' answers stay, as a thread's do).
    The account follows no appeal."""
    from community.appeals.models import Appeal, AppealFollow
    from community.events.models import ReceptionSlot

    values = {"contact_phone": "", **({"body": "", "body_html": ""} if remove_content else {})}
    db.session.execute(
        update(Appeal).where(Appeal.author_id == user.id).values(**values).execution_options(synchronize_session=False)
    )
    db.session.execute(delete(AppealFollow).where(AppealFollow.user_id == user.id))
    db.session.execute(
        update(ReceptionSlot)
        .where(ReceptionSlot.user_id == user.id, ReceptionSlot.starts_at > now)
        .values(user_id=None, topic="", booked_at=None)
        .execution_options(synchronize_session=False)
    )
