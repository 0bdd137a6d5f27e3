"""A person's marks on issues and comments: supports and follows, once each (a double submit makes one row), with
the kept counters moved only by a row that was really added or removed; and which of them a page shows as pressed."""

from community.accounts.models import User
from community.core.writes import add_once, bump, remove_once
from community.extensions import db
from community.threads.models import Comment, CommentSupport, Thread, ThreadFollow, ThreadSupport


def _mark_once(row, counted, row_id: int, counter: str) -> None:
    """Insert a once-per-user row and raise the kept counter only if the row is new."""
    if add_once(row):
        bump(counted, row_id, **{counter: 1})


def _unmark(model, counted, row_id: int, counter: str, **keys) -> None:
    """Delete a once-per-user row and lower the kept counter only if a row went away."""
    if remove_once(model, **keys):
        bump(counted, row_id, **{counter: -1})


def support_thread(user: User, thread: Thread) -> None:
    """Support a thread once; repeating it changes nothing."""
    _mark_once(ThreadSupport(user_id=user.id, thread_id=thread.id), Thread, thread.id, "support_count")


def withdraw_thread_support(user: User, thread: Thread) -> None:
    """Take a support back; repeating it changes nothing."""
    _unmark(ThreadSupport, Thread, thread.id, "support_count", user_id=user.id, thread_id=thread.id)


def support_comment(user: User, comment: Comment) -> None:
    """Support a comment once; repeating it changes nothing."""
    _mark_once(CommentSupport(user_id=user.id, comment_id=comment.id), Comment, comment.id, "support_count")


def withdraw_comment_support(user: User, comment: Comment) -> None:
    """Take a comment support back; repeating it changes nothing."""
    _unmark(CommentSupport, Comment, comment.id, "support_count", user_id=user.id, comment_id=comment.id)


def follow_thread(user: User, thread: Thread) -> None:
    """Follow a thread once."""
    _mark_once(ThreadFollow(user_id=user.id, thread_id=thread.id), Thread, thread.id, "follower_count")


def unfollow_thread(user: User, thread: Thread) -> None:
    """Stop following a thread."""
    _unmark(ThreadFollow, Thread, thread.id, "follower_count", user_id=user.id, thread_id=thread.id)


def viewer_marks(user, thread: Thread, comments: list[Comment]) -> dict:
    """What the viewer has done here: supported the thread, which comments, following; two queries at most."""
    if not getattr(user, "is_authenticated", False):
        return {"supports_thread": False, "follows": False, "supported_comments": set()}
    supports_thread, follows = db.session.execute(
        db.select(
            db.select(ThreadSupport.user_id).filter_by(user_id=user.id, thread_id=thread.id).exists(),
            db.select(ThreadFollow.user_id).filter_by(user_id=user.id, thread_id=thread.id).exists(),
        )
    ).one()
    supported = set()
    if comments:
        supported = set(
            db.session.scalars(
                db.select(CommentSupport.comment_id).where(
                    CommentSupport.user_id == user.id,
                    CommentSupport.comment_id.in_([comment.id for comment in comments]),
                )
            )
        )
    return {"supports_thread": supports_thread, "follows": follows, "supported_comments": supported}
