"""The large data set's notifications: the demo resident the benchmark signs in as is told of 20,000 comments in
issues they follow (at factor 1), over the two years, all but the last 150 read and every one settled for e-mail,
so their bell and `/notifications` are measured with a long history behind them."""

from sqlalchemy import select

from community.accounts.models import User
from community.core.text import plain_line
from community.demo.large_bulk import World
from community.notifications.models import EmailFrequency, Notification, NotificationKind
from community.threads.models import Comment

READER = "asel@example.kz"  # the benchmark's signed-in resident (bench/pages.py RESIDENT)
UNREAD = 150  # more than the bell's cap, so it says 99+


def load_notifications(world: World) -> None:
    """Tell the demo resident of the newest generated comments, one notification each, oldest first."""
    bulk, size = world.bulk, world.sizes["notifications"]
    reader = bulk.connection.scalar(select(User.id).where(User.email == READER))
    if reader is None:
        return
    comments = bulk.connection.execute(
        select(Comment.id, Comment.thread_id, Comment.author_id, Comment.created_at)
        .where(Comment.author_id != reader)
        .order_by(Comment.id.desc())
        .limit(size)
    ).all()
    rows = []
    for number, (comment_id, thread_id, author_id, created_at) in enumerate(sorted(comments, key=lambda c: c[3])):
        at = created_at
        rows.append(
            {
                "id": bulk.next_id(Notification.__table__),
                "user_id": reader,
                "kind": NotificationKind.COMMENT.value,
                "key": f"comment-{comment_id}",
                "actor_id": author_id,
                "thread_id": thread_id,
                "comment_id": comment_id,
                "event_id": None,
                "appeal_id": None,
                "question_id": None,
                "pledge_id": None,
                "pledge_update_id": None,
                "dialogue_id": None,
                "excerpt": plain_line(world.texts.comment(russian=False), 300),
                "created_at": at,
                "read_at": None if number >= len(comments) - UNREAD else at,
                "email": EmailFrequency.DAILY.value,
                "mailed_at": at,
            }
        )
    bulk.insert(Notification.__table__, rows)
    bulk.say(f"{len(rows):,} notifications for {READER}")
