"""Reading one's notifications: a page of them newest first with what they point at, and the unread count. What
the reader may no longer see (a hidden comment, an appeal passed on to someone else) is left out."""

from sqlalchemy.orm import aliased, joinedload

from community.accounts.models import User
from community.appeals.models import Appeal
from community.core.lists import capped_count, keyset_page
from community.core.permissions import can_see_appeal, can_see_hidden
from community.dialogues.models import DialogueSession, Question
from community.events.models import Event
from community.extensions import db
from community.notifications.models import UNREAD, Notification, NotificationKind
from community.pledges.models import Deputy, Pledge
from community.threads.models import Comment, Thread

PER_PAGE = 30
BELL_CAP = 99  # the bell says 99+ beyond this


def _shown(user):
    """The user's notifications, without those about hidden issues and comments (but for moderators). The issue
    and comment are outer-joined by primary key, so a page reads them for its rows only (NOT EXISTS inside the OR
    made PostgreSQL hash every hidden comment of the site first)."""
    statement = db.select(Notification).where(Notification.user_id == user.id)
    if not can_see_hidden(user):
        thread, comment = aliased(Thread), aliased(Comment)
        # A moderator's word to the author about what they hid names the reason, never the hidden text.
        told_of_hiding = Notification.kind.in_((NotificationKind.HIDDEN, NotificationKind.RESTORED))
        statement = (
            statement.outerjoin(thread, thread.id == Notification.thread_id)
            .outerjoin(comment, comment.id == Notification.comment_id)
            .where(told_of_hiding | (thread.hidden_at.is_(None) & comment.hidden_at.is_(None)))
        )
    return statement


def _with_what_they_name() -> tuple:
    """What a listed or mailed notification shows, loaded with it and no more: who did it, and the title (and its
    language) of what it is about; an appeal with what deciding who may see it needs."""
    return (
        joinedload(Notification.actor).load_only(User.id, User.stored_name, User.deleted_at),
        joinedload(Notification.thread).load_only(Thread.id, Thread.title, Thread.lang),
        joinedload(Notification.event).load_only(Event.id, Event.title),
        joinedload(Notification.appeal)
        .load_only(
            Appeal.id, Appeal.subject, Appeal.lang, Appeal.author_id, Appeal.deputy_id, Appeal.public, Appeal.hidden_at
        )
        .joinedload(Appeal.deputy)
        .load_only(Deputy.id, Deputy.user_id, Deputy.assistant_id),
        joinedload(Notification.question).load_only(Question.id, Question.body, Question.lang, Question.session_id),
        joinedload(Notification.pledge).load_only(Pledge.id, Pledge.title),
        joinedload(Notification.dialogue).load_only(DialogueSession.id, DialogueSession.title),
    )


def notification_page(user, args):
    """One page of the user's notifications, newest first, read by key from the (user, id) index."""
    statement = _shown(user).options(*_with_what_they_name())
    page = keyset_page(statement, (Notification.id,), args, PER_PAGE)
    page.items = _appeals_seen(user, page.items)
    return page


def visible_notifications(user, ids) -> list:
    """Those of these notifications of the user that their list would show, oldest first (for the e-mails)."""
    if not ids:
        return []
    statement = _shown(user).where(Notification.id.in_(ids)).order_by(Notification.id)
    statement = statement.options(*_with_what_they_name())
    return _appeals_seen(user, db.session.scalars(statement).unique().all())


def _appeals_seen(user, items) -> list:
    """The items but those about an appeal the user may no longer see (passed on to another deputy)."""
    return [item for item in items if item.appeal is None or can_see_appeal(user, item.appeal)]


def unread_count(user) -> tuple[int, bool]:
    """How many of the user's notifications are unread (capped), from the partial unread index."""
    statement = db.select(Notification.id).where(Notification.user_id == user.id, UNREAD)
    return capped_count(statement, cap=BELL_CAP)
