"""Thread workflows: listing, starting, commenting, answering and state changes (supports and follows are in
marks.py)."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import delete, func, or_
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.core.db import utcnow
from community.core.lists import Keyset, ListFilters, capped_count, choice_arg, enum_arg, keyset_page, text_arg
from community.core.permissions import Role, can_see_hidden
from community.core.states import MoveRefused
from community.core.text import search_text, slugify
from community.core.writes import bump, insert_once, update_row
from community.extensions import db
from community.places.models import Locality
from community.places.services import locality_arg, within
from community.threads.marks import follow_thread
from community.threads.models import (
    Category,
    Comment,
    Thread,
    ThreadState,
)

THREADS_PER_PAGE = 20
PINNED_READ = 200  # pins beyond this many are not led with (they stay in the list)
COMMENTS_PER_PAGE = 50
REPLIES_SHOWN = 3
REPLIES_PER_PAGE = 50
SORTS = ("activity", "newest", "supported")


@dataclass
class ThreadFilters(ListFilters):
    """What the thread list is narrowed to; unknown values are ignored."""

    locality: Locality | None = None
    category: Category | None = None
    state: ThreadState | None = None
    query: str = ""
    sort: str = "activity"

    @classmethod
    def from_args(cls, args) -> "ThreadFilters":
        """Read the filters from a query string."""
        return cls(
            locality_arg(args),
            enum_arg(Category, args.get("category")),
            enum_arg(ThreadState, args.get("state")),
            text_arg(args, "q", 100),
            choice_arg(args.get("sort"), SORTS, "activity"),
        )

    def query_values(self) -> dict:
        """The filters as query arguments."""
        return {
            "place": self.locality.slug if self.locality else None,
            "category": self.category.value if self.category else None,
            "state": self.state.value if self.state else None,
            "q": self.query or None,
            "sort": self.sort if self.sort != "activity" else None,
        }


def visible_threads():
    """Local issues anyone may see: hidden ones and pledge discussions left out."""
    return db.select(Thread).where(Thread.hidden_at.is_(None), Thread.pledge_id.is_(None))


def filtered_threads(filters: ThreadFilters):
    """The list query for some filters, unordered, with author, locality and addressee loaded in the same query."""
    statement = visible_threads().options(
        joinedload(Thread.author), joinedload(Thread.locality), joinedload(Thread.addressed_to)
    )
    statement = within(statement, Thread.locality_id, filters.locality)
    if filters.category:
        statement = statement.where(Thread.category == filters.category)
    if filters.state:
        statement = statement.where(Thread.state == filters.state)
    for word in filters.query.lower().split()[:5]:
        statement = statement.where(Thread.search_text.contains(word, autoescape=True))
    return statement


def sort_keys(sort: str) -> tuple:
    """The columns a sort orders by, the unique id last; each sort has an index on them (see Thread)."""
    return {
        "activity": (Thread.last_activity_at, Thread.id),
        "newest": (Thread.created_at, Thread.id),
        "supported": (Thread.support_count, Thread.last_activity_at, Thread.id),
    }[sort]


def ordered_threads(filters: ThreadFilters, count: int) -> list[Thread]:
    """The first threads in a sort's order, pinned ones among them, for the home page and the feed."""
    statement = filtered_threads(filters).order_by(*(key.desc() for key in sort_keys(filters.sort)))
    return list(db.session.scalars(statement.limit(count)).unique())


def pinned_threads(filters: ThreadFilters) -> list[Thread]:
    """The pinned threads the filters match, newest pin first, shown above the first page of the list (which
    keeps them in their place too). Pins are few: moderators set them by hand."""
    pinned = db.select(Thread.id).where(Thread.pinned_at.is_not(None))
    ids = list(db.session.scalars(pinned.limit(PINNED_READ)))  # from their own index
    if not ids:
        return []
    statement = filtered_threads(filters).where(Thread.id.in_(ids)).order_by(Thread.pinned_at.desc())
    return list(db.session.scalars(statement).unique())


def thread_page(filters: ThreadFilters, args) -> Keyset:
    """One page of the list, read after or before a cursor (no OFFSET)."""
    return keyset_page(filtered_threads(filters), sort_keys(filters.sort), args, THREADS_PER_PAGE)


def threads_found(filters: ThreadFilters) -> tuple[int, bool]:
    """How many threads the filters match, counted up to a cap: (count, whether there are more)."""
    return capped_count(filtered_threads(filters), order=[key.desc() for key in sort_keys("activity")])


def deputies() -> list[User]:
    """Accounts a thread can be addressed to."""
    addressable = db.select(User).where(User.role == Role.DEPUTY, User.disabled_at.is_(None))
    return list(db.session.scalars(addressable.order_by(User.display_name)))


def thread_for(thread_id: int, user) -> Thread:
    """Load a thread with its author, locality and addressee; 404 when missing or hidden from this user."""
    thread = db.session.scalar(
        db.select(Thread)
        .where(Thread.id == thread_id)
        .options(joinedload(Thread.author), joinedload(Thread.locality), joinedload(Thread.addressed_to))
    )
    if thread is None or (thread.is_hidden and not can_see_hidden(user) and thread.author_id != _id(user)):
        abort(404)
    return thread


def comment_for(comment_id: int, user) -> Comment:
    """Load a comment on a visible thread; 404 when it or its thread is hidden from this user."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    thread_for(comment.thread_id, user)
    if comment.is_hidden and not can_see_hidden(user) and comment.author_id != _id(user):
        abort(404)
    return comment


def _id(user) -> int | None:
    return user.id if getattr(user, "is_authenticated", False) else None


def start_thread(author: User, submission_key: str, **fields) -> tuple[Thread, bool]:
    """Create a thread once per submission key; returns it and whether it is new (a repeat gets the first). Its
    author follows it, and the followers of its locality are told."""
    from community.notifications.follows import tell_new_thread  # the notifications know threads

    thread = Thread(author_id=author.id, submission_key=submission_key, **fields)
    thread.slug = slugify(thread.title)
    thread.search_text = search_text(thread.title, thread.body)
    thread, new = insert_once(thread, author_id=author.id, submission_key=submission_key)
    if new:
        follow_thread(author, thread)
        tell_new_thread(thread)
    return thread, new


def edit_thread(thread: Thread, title: str, body: str, category: Category, locality_id: int, lang: str | None) -> None:
    """Change a thread's text, category, place or language (kept when None) and mark it edited."""
    thread.title, thread.body, thread.category, thread.locality_id = title, body, category, locality_id
    thread.lang = lang or thread.lang
    thread.slug = slugify(title)
    thread.search_text = search_text(title, body)
    thread.edited_at = utcnow()


def comments_page(thread: Thread, page: int, user):
    """A page of top-level comments, oldest first, and the latest few replies to each (the earlier ones are a link
    away), in a fixed number of queries whatever the thread's size: (pagination, replies by comment id, the ids
    of comments with earlier replies not shown)."""
    statement = (
        db.select(Comment)
        .where(Comment.thread_id == thread.id, Comment.parent_id.is_(None))
        .options(joinedload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    )
    statement = _shown_to(statement, user)
    pagination = db.paginate(statement, page=page, per_page=COMMENTS_PER_PAGE, error_out=False)
    replies: dict[int, list[Comment]] = {comment.id: [] for comment in pagination.items}
    earlier: set[int] = set()
    answered = [comment.id for comment in pagination.items if comment.reply_count]
    if answered:
        newest_first = (Comment.created_at.desc(), Comment.id.desc())
        ranked = _shown_to(
            db.select(
                Comment.id, func.row_number().over(partition_by=Comment.parent_id, order_by=newest_first).label("n")
            ),
            user,
        ).where(Comment.parent_id.in_(answered))
        ranked = ranked.subquery()
        reply_statement = (
            db.select(Comment)
            .join(ranked, ranked.c.id == Comment.id)
            .where(ranked.c.n <= REPLIES_SHOWN + 1)  # one more tells whether earlier ones exist
            .options(joinedload(Comment.author))
            .order_by(Comment.created_at, Comment.id)
        )
        for reply in db.session.scalars(reply_statement):
            replies[reply.parent_id].append(reply)
        for parent_id, shown in replies.items():
            if len(shown) > REPLIES_SHOWN:
                del shown[0]
                earlier.add(parent_id)
    return pagination, replies, earlier


def replies_page(comment: Comment, user, args) -> Keyset:
    """A page of the replies to one comment, oldest first, read after a cursor."""
    statement = _shown_to(
        db.select(Comment).where(Comment.parent_id == comment.id).options(joinedload(Comment.author)), user
    )
    return keyset_page(statement, (Comment.created_at, Comment.id), args, REPLIES_PER_PAGE, descending=False)


def official_answers(thread: Thread) -> list[Comment]:
    """The visible official answers to a thread, oldest first."""
    return list(
        db.session.scalars(
            db.select(Comment)
            .where(
                Comment.thread_id == thread.id,
                Comment.official.is_(True),
                Comment.hidden_at.is_(None),
                Comment.deleted_at.is_(None),
            )
            .options(joinedload(Comment.author))
            .order_by(Comment.created_at)
        )
    )


def _shown_to(statement, user):
    """Leave out hidden comments, except for moderators and for the viewer's own (authors see that theirs were
    hidden, and why). A visitor's condition is the plain one the comment indexes are built on."""
    if can_see_hidden(user):
        return statement
    viewer = _id(user)
    if viewer is None:
        return statement.where(Comment.hidden_at.is_(None))
    return statement.where(or_(Comment.hidden_at.is_(None), Comment.author_id == viewer))


def page_of(comment: Comment) -> int:
    """The page of the thread on which a comment (or its parent) is shown."""
    top = comment.parent_id or comment.id
    top_comment = db.session.get(Comment, top)
    earlier = db.session.scalar(
        db.select(db.func.count(Comment.id)).where(
            Comment.thread_id == comment.thread_id,
            Comment.parent_id.is_(None),
            Comment.hidden_at.is_(None),
            Comment.created_at < top_comment.created_at,
        )
    )
    return (earlier or 0) // COMMENTS_PER_PAGE + 1


def add_comment(
    thread: Thread, author: User, body: str, submission_key: str, parent: Comment | None = None, **fields
) -> tuple[Comment, bool]:
    """Add a comment or reply (`official`, written in `lang`) once per submission key, keeping the counts; returns it
    and whether it is new."""
    if parent is not None and parent.parent_id is not None:
        parent = db.session.get(Comment, parent.parent_id)  # replies stay one level deep
    comment = Comment(
        thread_id=thread.id,
        parent_id=parent.id if parent else None,
        author_id=author.id,
        body=body,
        submission_key=submission_key,
        **fields,
    )
    from community.notifications.services import tell_of_comment  # the notifications know threads

    comment, new = insert_once(comment, author_id=author.id, submission_key=submission_key)
    if new:
        bump(Thread, thread.id, comment_count=1, values={"last_activity_at": utcnow()})
        if parent is not None:
            bump(Comment, parent.id, reply_count=1)
        tell_of_comment(thread, comment, parent)
        follow_thread(author, thread)  # commenting follows the issue; the button undoes it
    return comment, new


def edit_comment(comment: Comment, body: str, lang: str | None = None) -> None:
    """Change a comment's text and language (kept when None) and mark it edited."""
    comment.body = body
    comment.lang = lang or comment.lang
    comment.edited_at = utcnow()


def delete_comment(comment: Comment) -> None:
    """Delete a comment; one with replies stays as a placeholder so the replies keep their place. The counts move
    only for the request that deleted it (a double click deletes once)."""
    shown, thread_id, parent_id = comment.hidden_at is None, comment.thread_id, comment.parent_id
    if comment.reply_count > 0:
        gone = update_row(Comment, comment.id, Comment.deleted_at.is_(None), deleted_at=utcnow(), body="")
    else:
        gone = bool(db.session.execute(delete(Comment).where(Comment.id == comment.id)).rowcount)
    if not gone:
        return
    if shown:
        bump(Thread, thread_id, comment_count=-1)
    if parent_id is not None:
        bump(Comment, parent_id, reply_count=-1)


def post_official_answer(thread: Thread, by: User, body: str, submission_key: str, lang: str | None = None) -> Comment:
    """Post the addressed deputy's (or a moderator's) official answer; an open thread becomes answered."""
    answer, _ = add_comment(thread, by, body, submission_key, official=True, lang=lang)
    db.session.refresh(thread)
    if thread.state is ThreadState.OPEN:
        try:
            thread.move_to(ThreadState.ANSWERED, by)
        except MoveRefused:
            pass  # another answer (or a moderator) moved the thread first; the answer stands
    return answer


def resolve_thread(thread: Thread, by: User) -> None:
    """Mark a thread resolved (Thread.move_to, whose refusals these are): its author, or a moderator, whose move on
    someone else's issue also goes to the audit log."""
    from community.admin.models import AuditAction
    from community.admin.services import record
    from community.core.permissions import can_moderate

    change = thread.move_to(ThreadState.RESOLVED, by)
    if can_moderate(by) and thread.author_id != by.id:
        before, after = {"thread_state": change.old_state.value}, {"thread_state": ThreadState.RESOLVED.value}
        record(by, AuditAction.THREAD_RESOLVED, f"thread:{thread.id}", before, after, target_user=thread.author)


def close_or_reopen_thread(thread: Thread, by: User, reopening: bool, reason: str) -> None:
    """Close a thread with a reason, or reopen it. A moderator's move goes to the public moderation log and the
    audit log (moderation/services.py `moderate`); the author reopening their resolved issue is in the thread's
    history only. Raises MoveRefused when the thread cannot move so."""
    from community.core.permissions import can_moderate
    from community.moderation.models import Action
    from community.moderation.services import moderate

    if can_moderate(by):
        moderate(by, Action.REOPEN if reopening else Action.CLOSE, reason, thread)
    else:
        thread.move_to(ThreadState.OPEN if reopening else ThreadState.CLOSED, by, reason)
