"""The bell and the notifications page: what happened to what one follows or wrote, marked read one by one or all."""

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts.models import User
from community.core.htmx import fragment_or_redirect, render
from community.core.live import LiveRegion
from community.core.permissions import ensure
from community.extensions import db
from community.notifications import bp
from community.notifications.queries import notification_page, unread_count
from community.notifications.services import mark_all_read, mark_read

BELL = LiveRegion(User.notification_version)


def target_of(item) -> str:
    """Where a notification leads: the exact comment, the appeal, the event."""
    if item.comment_id:
        return url_for("threads.permalink", comment_id=item.comment_id)
    if item.appeal_id:
        return url_for("appeals.show", appeal_id=item.appeal_id) + "#exchange"
    if item.thread_id:
        return url_for("threads.show", thread_id=item.thread_id)
    if item.event_id:
        return url_for("events.show", event_id=item.event_id)
    if item.question_id and item.question is not None:
        return url_for("dialogues.show", session_id=item.question.session_id) + f"#q{item.question_id}"
    return url_for("notifications.index")


def _page_context() -> dict:
    return {
        "pagination": notification_page(current_user, request.args),
        "unread": unread_count(current_user),
        "target": target_of,
    }


@bp.get("/notifications")
def index():
    """One's notifications, newest first and grouped by day, each a link to the exact comment or step."""
    ensure(current_user.is_authenticated)
    return render("notifications/index.html", block="results", **_page_context())


@bp.get("/notifications/count")
def count():
    """The bell's unread count, loaded after the page and polled; 304 while nothing changed (the account's
    notification version and the unread count, each one indexed read; nothing rendered)."""
    if not current_user.is_authenticated:
        return render("notifications/_bell.html", unread=(0, False))
    unread = unread_count(current_user)  # in the tag too: reading one moves no version
    tag = BELL.tag("bell", current_user.id, str(unread))
    unchanged = BELL.not_modified(tag)
    if unchanged is not None:
        return unchanged
    return BELL.send(render("notifications/_bell.html", unread=unread), tag)


@bp.post("/notifications/<int:notification_id>/read", endpoint="read")
@bp.post("/notifications/read-all", endpoint="read_all")
def read(notification_id: int | None = None):
    """Mark one notification (one's own) or all of them read; the list swaps in place with htmx."""
    ensure(current_user.is_authenticated)
    if notification_id is None:
        mark_all_read(current_user)
        message = _("Every notification is marked read.")
    else:
        mark_read(current_user, notification_id)
        message = None
    db.session.commit()
    return fragment_or_redirect(
        lambda: render("notifications/index.html", block="results", **_page_context()),
        url_for("notifications.index"),
        message,
    )
