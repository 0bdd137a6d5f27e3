"""Flagging, the moderators' queue and actions, and the public moderation log."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts.models import User
from community.core.forms import INVALID, ReasonForm
from community.core.htmx import fragment_or_redirect, redirect_to, render
from community.core.i18n import format_when
from community.core.lists import page_number
from community.core.pagecache import shared_with_visitors
from community.core.permissions import (
    can_close_thread,
    can_flag,
    can_lock_or_pin_thread,
    can_moderate,
    can_see_hidden,
    ensure,
)
from community.core.security import action_limit, user_or_address_key
from community.extensions import db, limiter
from community.moderation import bp
from community.moderation.forms import FlagForm, SuspendForm
from community.moderation.models import Action, FlagReason
from community.moderation.services import flag, log_page, moderate, queue, suspend, suspension_reason
from community.threads.services import comment_for, thread_for

bp.add_app_template_global(suspension_reason)  # the notice a suspended user sees where a form would be
THREAD_ACTIONS = {
    a.value: a
    for a in (
        Action.HIDE,
        Action.RESTORE,
        Action.DISMISS,
        Action.LOCK,
        Action.UNLOCK,
        Action.PIN,
        Action.UNPIN,
        Action.CLOSE,
    )
}
COMMENT_ACTIONS = {a.value: a for a in (Action.HIDE, Action.RESTORE, Action.DISMISS)}
# The rule a thread action asks beyond can_moderate: hide, restore and dismiss ask none, the others are refused on a
# hidden thread.
THREAD_RULES = {
    Action.LOCK: can_lock_or_pin_thread,
    Action.UNLOCK: can_lock_or_pin_thread,
    Action.PIN: can_lock_or_pin_thread,
    Action.UNPIN: can_lock_or_pin_thread,
    Action.CLOSE: can_close_thread,
}


def _require_moderator() -> None:
    """Only moderators and admins use the queue and its actions."""
    ensure(can_moderate(current_user))


@bp.route("/threads/<int:thread_id>/flag", endpoint="flag_thread", methods=["GET", "POST"])
@bp.route("/comments/<int:comment_id>/flag", endpoint="flag_comment", methods=["GET", "POST"])
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def report(thread_id: int | None = None, comment_id: int | None = None):
    """Flag a thread or comment with a reason, once per item; signed-in users. The form is a page of its own
    without JavaScript and comes in place with htmx, where the thanks replace it."""
    comment = comment_for(comment_id, current_user) if comment_id else None
    thread = comment.thread if comment else thread_for(thread_id, current_user)
    ensure(can_flag(current_user, comment or thread))
    form = FlagForm()
    if form.validate_on_submit():
        added = flag(current_user, thread, comment, FlagReason(form.reason.data), form.note.data or "")
        db.session.commit()
        if (comment or thread).is_hidden and not can_see_hidden(current_user):
            # Their report was the one that hid it: say so, where they can still go (the thread is a 404 now).
            flash(_("Thank you. After several reports it is hidden until a moderator looks at it."), "success")
            gone_to = (
                url_for("threads.index")
                if thread.is_hidden
                else url_for("threads.show", thread_id=thread.id, slug=thread.slug)
            )
            return redirect_to(gone_to)
        message = _("Thank you. The moderators will look at it.") if added else _("You have already reported this.")
        anchor = comment.anchor if comment else None
        back = url_for("threads.show", thread_id=thread.id, slug=thread.slug, _anchor=anchor)
        return fragment_or_redirect(
            lambda: render("moderation/report.html", block="done", message=message, thread=thread, comment=comment),
            back,
            message,
            "success" if added else "info",
        )
    status = INVALID if form.is_submitted() else 200
    action = (
        url_for("moderation.flag_comment", comment_id=comment.id)
        if comment
        else url_for("moderation.flag_thread", thread_id=thread.id)
    )
    return render(
        "moderation/report.html", block="form", status=status, form=form, thread=thread, comment=comment, action=action
    )


@bp.get("/moderation/")
def index():
    """The moderators' queue: reported items grouped with their reports; moderators only."""
    _require_moderator()
    return _queue_page()


def _queue_page(reason_form=None, suspend_form=None):
    """The queue; after a form with a mistake (no reason, days out of range), a 422 that says so, with the form
    kept."""
    status = 200
    refused = reason_form if reason_form is not None else suspend_form
    if refused is not None:
        if refused.reason.errors:
            flash(_("Every moderation action needs a reason."), "error")
        for name, errors in refused.errors.items():
            if name != "reason":
                flash(" ".join(str(error) for error in errors), "error")
        status = INVALID
    return render(
        "moderation/queue.html",
        status=status,
        groups=queue(),
        reason_form=ReasonForm(formdata=None) if reason_form is None else reason_form,
        suspend_form=SuspendForm(formdata=None) if suspend_form is None else suspend_form,
    )


@bp.post("/moderation/threads/<int:thread_id>/<action>", endpoint="act_on_thread")
@bp.post("/moderation/comments/<int:comment_id>/<action>", endpoint="act_on_comment")
def act(action: str, thread_id: int | None = None, comment_id: int | None = None):
    """Hide, restore, dismiss reports, lock or pin, with a reason; moderators only (a hidden thread is only hidden,
    restored or dismissed), every action logged."""
    _require_moderator()
    comment = comment_for(comment_id, current_user) if comment_id else None
    thread = comment.thread if comment else thread_for(thread_id, current_user)
    allowed = COMMENT_ACTIONS if comment else THREAD_ACTIONS
    if action not in allowed:
        abort(404)
    rule = None if comment else THREAD_RULES.get(allowed[action])
    if rule is not None:
        ensure(rule(current_user, thread))
    form = ReasonForm()
    if not form.validate_on_submit():
        return _queue_page(reason_form=form)
    moderate(current_user, allowed[action], form.reason.data, thread, comment)
    db.session.commit()
    flash(_("Done: %(action)s.", action=allowed[action].label), "success")
    return redirect_to(url_for("moderation.index"))


@bp.post("/moderation/users/<int:user_id>/suspend")
def suspend_user(user_id: int):
    """Suspend a user from posting for some days, with a reason; moderators only."""
    _require_moderator()
    user = db.get_or_404(User, user_id)
    form = SuspendForm()
    if not form.validate_on_submit():
        return _queue_page(suspend_form=form)
    suspend(current_user, user, form.days.data, form.reason.data)
    db.session.commit()
    until = format_when(user.suspended_until, "list")
    flash(_("%(name)s cannot post until %(date)s.", name=user.display_name, date=until), "success")
    return redirect_to(url_for("moderation.index"))


@bp.get("/moderation/log")
@shared_with_visitors
def log():
    """The public moderation log: action, reason, time, the moderator's role; never hidden text."""
    return render("moderation/log.html", block="entries", pagination=log_page(page_number(request.args)))
