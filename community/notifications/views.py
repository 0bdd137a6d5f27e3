"""The bell and the notifications page: what happened to what one follows or wrote, marked read one by one or all."""

import hashlib

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts.models import User
from community.core.errors import render_error
from community.core.forms import INVALID
from community.core.htmx import fragment_or_redirect, redirect_to, render
from community.core.live import LiveRegion
from community.core.permissions import ensure
from community.core.security import action_limit, user_or_address_key
from community.extensions import csrf, db, limiter
from community.notifications import bp
from community.notifications.delivery import read_unsubscribe_token
from community.notifications.forms import email_settings_form, kind_groups
from community.notifications.models import EmailFrequency, NotificationKind
from community.notifications.queries import notification_page, unread_count
from community.notifications.services import choose_frequencies, email_choices, mark_all_read, mark_read

BELL = LiveRegion(User.notification_version)
CHECKS = (NotificationKind.PLEDGE_CHECKED, NotificationKind.PLEDGE_DISPUTED)


def target_of(item, build=url_for) -> str:
    """Where a notification leads: the exact comment, the appeal, the event (`build` makes the address: an
    e-mail's are absolute)."""
    if item.comment_id:
        return build("threads.permalink", comment_id=item.comment_id)
    if item.appeal_id:
        return build("appeals.show", appeal_id=item.appeal_id) + "#exchange"
    if item.thread_id:
        return build("threads.show", thread_id=item.thread_id)
    if item.event_id:
        return build("events.show", event_id=item.event_id)
    if item.question_id and item.question is not None:
        return build("dialogues.show", session_id=item.question.session_id) + f"#q{item.question_id}"
    if item.pledge_id:  # the update itself; a check or a dispute of it is shown with the latest update's checks
        anchor = (
            "#checks" if item.kind in CHECKS else f"#update-{item.pledge_update_id}" if item.pledge_update_id else ""
        )
        return build("pledges.show", pledge_id=item.pledge_id) + anchor
    if item.dialogue_id:
        return build("dialogues.show", session_id=item.dialogue_id)
    return build("notifications.index")


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


@bp.route("/notifications/settings", methods=["GET", "POST"])
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def settings():
    """One's e-mail settings: for each kind of notification, at once, in the daily or weekly digest, or never."""
    ensure(current_user.is_authenticated)
    form = email_settings_form(email_choices(current_user))
    if form.validate_on_submit():
        choose_frequencies(current_user.id, {kind: EmailFrequency(form[kind.value].data) for kind in NotificationKind})
        db.session.commit()
        flash(_("Your e-mail settings are saved."), "success")
        return redirect_to(url_for("notifications.settings"))
    status = INVALID if form.is_submitted() else 200
    return render("notifications/settings.html", block="form", status=status, form=form, groups=kind_groups())


def _token_key() -> str:
    """The unsubscribe limit's key: the token, so one person's link is limited, not a mail provider's address from
    which many people's one-click requests come."""
    return hashlib.sha256((request.view_args or {}).get("token", "").encode("utf-8", "replace")).hexdigest()


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail providers post RFC 8058's one click without a session
@limiter.limit(action_limit, key_func=_token_key, methods=["POST"], scope="unsubscribe")
def unsubscribe(token: str):
    """An e-mail's one-click unsubscribe, without signing in: GET asks (a mail scanner's visit changes nothing),
    POST — the page's button or the mail provider's RFC 8058 request — stops that kind of e-mail or that digest."""
    found = read_unsubscribe_token(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None or user.deleted_at:
        return render_error(400, _("This unsubscribe link is not valid. Open the e-mail settings of your account."))
    what = found[1]
    kinds = _kinds_stopped(user, what)
    if request.method == "POST":
        choose_frequencies(user.id, dict.fromkeys(kinds, EmailFrequency.NEVER))
        db.session.commit()
    return render("notifications/unsubscribe.html", what=what, done=request.method == "POST", token=token, kinds=kinds)


def _kinds_stopped(user: User, what) -> list[NotificationKind]:
    """The kinds an unsubscribe stops: the one kind, or every kind the person now gets in that digest."""
    if isinstance(what, NotificationKind):
        return [what]
    return [kind for kind, frequency in email_choices(user).items() if frequency is what]
