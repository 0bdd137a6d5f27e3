"""The issues: the list, starting and editing one, a thread page, the thread's own actions and the feed."""

from flask import current_app, flash, g, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.core.forms import INVALID, ReasonForm
from community.core.htmx import fragment_or_redirect, redirect_to, render
from community.core.i18n import current_lang
from community.core.lists import page_number
from community.core.pagecache import shared_with_visitors
from community.core.permissions import (
    can_close_thread,
    can_edit_thread,
    can_follow,
    can_reopen_thread,
    can_resolve_thread,
    can_start_thread,
    can_support,
    ensure,
)
from community.core.security import action_limit, is_local_url, made_new_post, posting_limit, user_or_address_key
from community.extensions import db, limiter
from community.places.services import all_localities, tree_order
from community.threads import bp
from community.threads.forms import CommentForm, ThreadEditForm, ThreadForm
from community.threads.marks import (
    follow_thread,
    support_thread,
    unfollow_thread,
    viewer_marks,
    withdraw_thread_support,
)
from community.threads.models import Category, ThreadState
from community.threads.services import (
    ThreadFilters,
    close_or_reopen_thread,
    comments_page,
    deputies,
    edit_thread,
    official_answers,
    ordered_threads,
    pinned_threads,
    resolve_thread,
    start_thread,
    thread_for,
    thread_page,
    threads_found,
)

FEED_LENGTH = 20


def _thread_limit() -> str:
    return posting_limit("THREAD")


@bp.get("/threads/")
@shared_with_visitors
def index():
    """List local issues with filters, sorting, search and pages, the pinned ones leading the first page; anyone
    may look."""
    filters = ThreadFilters.from_args(request.args)
    pagination = thread_page(filters, request.args)
    pinned = pinned_threads(filters) if pagination.first else []
    return render(
        "threads/index.html",
        block="results",
        filters=filters,
        pinned=pinned,
        pinned_ids={thread.id for thread in pinned},
        pagination=pagination,
        found=threads_found(filters),
        categories=list(Category),
        states=list(ThreadState),
        localities=tree_order(all_localities()),
    )


@bp.route("/threads/new", methods=["GET", "POST"])
@limiter.limit(
    _thread_limit, key_func=user_or_address_key, methods=["POST"], scope="thread-user", deduct_when=made_new_post
)
@limiter.limit(
    lambda: current_app.config["THREAD_ADDRESS_LIMIT"],
    methods=["POST"],
    scope="thread-address",
    deduct_when=made_new_post,
)
def new():
    """Raise a local issue; signed-in residents who are not suspended."""
    ensure(can_start_thread(current_user))
    form = ThreadForm()
    form.load_choices(deputies())
    if not form.is_submitted():
        form.locality.data = current_user.locality_id
    if form.validate_on_submit():
        thread, g.new_post = start_thread(
            current_user,
            form.submission_key.data,
            title=form.title.data,
            body=form.body.data,
            locality_id=form.locality.data,
            category=Category(form.category.data),
            addressed_to_id=int(form.addressed_to.data) if form.addressed_to.data else None,
            lang=current_lang(),  # written in the language of the page it was written on
        )
        db.session.commit()
        flash(_("Your issue is published."), "success")
        return redirect_to(url_for("threads.show", thread_id=thread.id, slug=thread.slug))
    status = INVALID if form.is_submitted() else 200
    return render("threads/new.html", block="form", status=status, form=form)


@bp.route("/threads/<int:thread_id>/edit", methods=["GET", "POST"])
def edit_issue(thread_id: int):
    """Edit one's own thread while it is open or answered; it is marked edited."""
    thread = thread_for(thread_id, current_user)
    ensure(can_edit_thread(current_user, thread))
    form = ThreadEditForm(
        data={
            "title": thread.title,
            "body": thread.body,
            "locality": thread.locality_id,
            "category": thread.category.value,
            "lang": thread.lang or current_lang(),
        }
    )
    del form.addressed_to
    form.locality.load_choices()
    if form.validate_on_submit():
        edit_thread(
            thread, form.title.data, form.body.data, Category(form.category.data), form.locality.data, form.lang.data
        )
        db.session.commit()
        flash(_("Your issue is saved."), "success")
        return redirect_to(url_for("threads.show", thread_id=thread.id, slug=thread.slug))
    status = INVALID if form.is_submitted() else 200
    return render("threads/edit.html", block="form", status=status, form=form, thread=thread)


def thread_context(thread, page: int, comment_form=None, answer_form=None, reason_form=None) -> dict:
    """Everything the thread page and its fragments show."""
    pagination, replies, earlier_replies = comments_page(thread, page, current_user)
    shown = list(pagination.items) + [reply for group in replies.values() for reply in group]
    return {
        "thread": thread,
        "official": official_answers(thread),
        "pagination": pagination,
        "replies": replies,
        "earlier_replies": earlier_replies,
        "marks": viewer_marks(current_user, thread, shown),
        "comment_form": comment_form or CommentForm(formdata=None),
        "answer_form": answer_form or CommentForm(formdata=None, prefix="answer"),
        "reason_form": reason_form or ReasonForm(formdata=None),
    }


@bp.get("/threads/<int:thread_id>")
@bp.get("/threads/<int:thread_id>-<slug>")
@shared_with_visitors
def show(thread_id: int, slug: str | None = None):
    """Show a thread with its comments, 50 a page; hidden threads are 404 except to moderators."""
    thread = thread_for(thread_id, current_user)
    context = thread_context(thread, page_number(request.args))
    return render("threads/show.html", block="comments", **context)


def toggle_and_answer(undo: bool, do, undo_action, subject, template: str, block: str, back: str, comment=None):
    """Apply a once-per-user toggle, commit, and answer htmx with the swapped button, others with a redirect."""
    (undo_action if undo else do)(current_user, subject)
    db.session.commit()

    def button():
        thread = comment.thread if comment else subject
        marks = viewer_marks(current_user, thread, [comment] if comment else [])
        if block is None:  # the whole template is the fragment
            return make_response(render_template(template, thread=thread, comment=comment, marks=marks))
        return render(template, block=block, thread=thread, comment=comment, marks=marks)

    return fragment_or_redirect(button, back)


@bp.post("/threads/<int:thread_id>/support", endpoint="support_thread")
@bp.post("/threads/<int:thread_id>/unsupport", endpoint="unsupport_thread")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def toggle_thread_support(thread_id: int):
    """Support a thread once, or take the support back; the button swaps in place with htmx."""
    thread = thread_for(thread_id, current_user)
    ensure(can_support(current_user, thread))
    return toggle_and_answer(
        request.endpoint.endswith(".unsupport_thread"),
        support_thread,
        withdraw_thread_support,
        thread,
        "threads/show.html",
        "thread_support",
        url_for("threads.show", thread_id=thread.id, slug=thread.slug),
    )


@bp.post("/threads/<int:thread_id>/follow", endpoint="follow")
@bp.post("/threads/<int:thread_id>/unfollow", endpoint="unfollow")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def toggle_follow(thread_id: int):
    """Follow a thread or stop following it; signed-in users, while it is not hidden."""
    thread = thread_for(thread_id, current_user)
    ensure(can_follow(current_user, thread))
    back = request.form.get("next", "")
    if not is_local_url(back):
        back = url_for("threads.show", thread_id=thread.id, slug=thread.slug)
    return toggle_and_answer(
        request.endpoint.endswith(".unfollow"),
        follow_thread,
        unfollow_thread,
        thread,
        "threads/_follow.html",
        None,
        back,
    )


@bp.post("/threads/<int:thread_id>/resolve")
def resolve(thread_id: int):
    """Mark a thread resolved: its author or a moderator."""
    thread = thread_for(thread_id, current_user)
    ensure(can_resolve_thread(current_user, thread))
    resolve_thread(thread, current_user)
    db.session.commit()
    flash(_("The issue is marked resolved."), "success")
    return redirect_to(url_for("threads.show", thread_id=thread.id, slug=thread.slug))


@bp.post("/threads/<int:thread_id>/close", endpoint="close")
@bp.post("/threads/<int:thread_id>/reopen", endpoint="reopen")
def close_or_reopen(thread_id: int):
    """Close a thread with a reason, or reopen it: moderators (the move goes in the moderation log and the audit
    log), or the author reopening their resolved issue (in the thread's history, with the reason)."""
    thread = thread_for(thread_id, current_user)
    reopening = request.endpoint.endswith(".reopen")
    ensure(can_reopen_thread(current_user, thread) if reopening else can_close_thread(current_user, thread))
    form = ReasonForm()
    if not form.validate_on_submit():
        return render("threads/show.html", status=INVALID, **thread_context(thread, 1, reason_form=form))
    close_or_reopen_thread(thread, current_user, reopening, form.reason.data)
    db.session.commit()
    flash(_("The issue is reopened.") if reopening else _("The issue is closed."), "success")
    return redirect_to(url_for("threads.show", thread_id=thread.id, slug=thread.slug))


@bp.get("/threads.atom")
@shared_with_visitors
def feed():
    """The newest threads as an Atom feed, filterable like the list; hidden ones are left out."""
    filters = ThreadFilters.from_args(request.args)
    filters.sort = "newest"
    response = render("threads/feed.xml", filters=filters, threads=ordered_threads(filters, FEED_LENGTH))
    response.mimetype = "application/atom+xml"
    return response
