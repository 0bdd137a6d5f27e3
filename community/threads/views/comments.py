"""The comments under a thread: writing, replying, the official answer, editing, deleting and supporting."""

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.core.htmx import fragment_or_redirect, redirect_to, render, wants_fragment
from community.core.i18n import current_lang
from community.core.lists import id_arg
from community.core.pagecache import shared_with_visitors
from community.core.permissions import (
    can_answer_officially,
    can_comment,
    can_delete_comment,
    can_edit_comment,
    can_reply,
    can_support,
    ensure,
)
from community.core.security import action_limit, made_new_post, posting_limit, user_or_address_key
from community.extensions import db, limiter
from community.threads import bp
from community.threads.forms import CommentEditForm, CommentForm
from community.threads.marks import support_comment, viewer_marks, withdraw_comment_support
from community.threads.services import (
    add_comment,
    comment_for,
    delete_comment,
    edit_comment,
    page_of,
    post_official_answer,
    replies_page,
    thread_for,
)
from community.threads.views.pages import INVALID, thread_context, toggle_and_answer


def _comment_limit() -> str:
    return posting_limit("COMMENT")


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int):
    """A comment's lasting address: the page of its thread on which it stands, at the comment; anyone who may see
    it (a notification links here)."""
    comment = comment_for(comment_id, current_user)
    thread = thread_for(comment.thread_id, current_user)
    target = url_for("threads.show", thread_id=thread.id, slug=thread.slug, page=page_of(comment))
    return redirect(f"{target}#{comment.anchor}")


@bp.get("/comments/<int:comment_id>/replies")
@shared_with_visitors
def replies(comment_id: int):
    """All the replies to a comment, 50 at a time (the thread page shows the first few); anyone who may see it."""
    parent = comment_for(comment_id, current_user)
    if parent.parent_id is not None:
        abort(404)
    page = replies_page(parent, current_user, request.args)
    thread = thread_for(parent.thread_id, current_user)
    return render(
        "threads/replies.html",
        block="replies",
        thread=thread,
        parent=parent,
        page=page,
        marks=viewer_marks(current_user, thread, page.items),
        comment_form=CommentForm(formdata=None),
    )


@bp.get("/comments/<int:comment_id>/reply")
def reply(comment_id: int):
    """The reply form under a comment: a page of its own without JavaScript, the form alone in place for htmx."""
    parent = comment_for(comment_id, current_user)
    if parent.parent_id is not None:
        parent = comment_for(parent.parent_id, current_user)  # replies stay one level deep
    ensure(can_reply(current_user, parent))
    return render(
        "threads/reply.html", block="form", thread=parent.thread, parent=parent, comment_form=CommentForm(formdata=None)
    )


@bp.post("/threads/<int:thread_id>/comments")
@limiter.limit(_comment_limit, key_func=user_or_address_key, scope="comment-user", deduct_when=made_new_post)
@limiter.limit(lambda: current_app.config["COMMENT_ADDRESS_LIMIT"], scope="comment-address", deduct_when=made_new_post)
def comment(thread_id: int):
    """Add a comment or a reply; htmx gets the comments section back, others go to the new comment."""
    thread = thread_for(thread_id, current_user)
    ensure(can_comment(current_user, thread))
    form = CommentForm()
    if form.validate_on_submit():
        parent = comment_for(int(form.parent_id.data), current_user) if form.parent_id.data else None
        if parent is not None and parent.parent_id is not None:
            parent = comment_for(parent.parent_id, current_user)  # replies stay one level deep
        if parent is not None and parent.thread_id != thread.id:
            abort(404)
        if parent is not None:
            ensure(can_reply(current_user, parent))
        new_comment, g.new_post = add_comment(
            thread, current_user, form.body.data, form.submission_key.data, parent=parent, lang=current_lang()
        )
        db.session.commit()
        page = page_of(new_comment)
        target = url_for("threads.show", thread_id=thread.id, slug=thread.slug, page=page, _anchor=new_comment.anchor)
        return fragment_or_redirect(
            lambda: render(
                "threads/show.html", block="comments", focus_anchor=new_comment.anchor, **thread_context(thread, page)
            ),
            target,
            _("Your comment is published."),
        )
    return _refused_comment(thread, form)


def _refused_comment(thread, form):
    """A comment or reply with a mistake, kept with its message: the thread page where the form was (htmx swaps
    the comments of the parent's page), or the reply page without JavaScript."""
    parent_id = id_arg(form.parent_id.data) if form.parent_id.data else None
    parent = comment_for(parent_id, current_user) if parent_id is not None else None
    if parent is not None and parent.parent_id is not None:
        parent = comment_for(parent.parent_id, current_user)
    if parent is not None and parent.thread_id == thread.id and not wants_fragment():
        return render("threads/reply.html", status=INVALID, thread=thread, parent=parent, comment_form=form)
    page = page_of(parent) if parent is not None and parent.thread_id == thread.id else 1
    return render(
        "threads/show.html", block="comments", status=INVALID, **thread_context(thread, page, comment_form=form)
    )


@bp.post("/threads/<int:thread_id>/answer")
def answer(thread_id: int):
    """Post the official answer: the deputy the thread is addressed to, or a moderator."""
    thread = thread_for(thread_id, current_user)
    ensure(can_answer_officially(current_user, thread))
    form = CommentForm(prefix="answer")
    if form.validate_on_submit():
        post_official_answer(thread, current_user, form.body.data, form.submission_key.data, lang=current_lang())
        db.session.commit()
        flash(_("The official answer is published."), "success")
        return redirect_to(url_for("threads.show", thread_id=thread.id, slug=thread.slug))
    return render("threads/show.html", block="comments", status=INVALID, **thread_context(thread, 1, answer_form=form))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int):
    """Edit one's own comment; it is marked edited."""
    comment = comment_for(comment_id, current_user)
    ensure(can_edit_comment(current_user, comment))
    form = CommentEditForm(obj=comment)
    if not form.is_submitted() and comment.lang is None:
        form.lang.data = current_lang()
    if form.validate_on_submit():
        edit_comment(comment, form.body.data, form.lang.data)
        db.session.commit()
        flash(_("Your comment is saved."), "success")
        return redirect_to(_comment_url(comment))
    status = INVALID if form.is_submitted() else 200
    return render("threads/edit_comment.html", block="form", status=status, form=form, comment=comment)


@bp.post("/comments/<int:comment_id>/delete")
def delete(comment_id: int):
    """Delete one's own comment; a placeholder stays where it has replies."""
    comment = comment_for(comment_id, current_user)
    ensure(can_delete_comment(current_user, comment))
    thread = comment.thread
    delete_comment(comment)
    db.session.commit()
    flash(_("Your comment is deleted."), "success")
    return redirect_to(url_for("threads.show", thread_id=thread.id, slug=thread.slug) + "#comments")


def _comment_url(comment) -> str:
    thread = comment.thread
    return url_for("threads.show", thread_id=thread.id, slug=thread.slug, page=page_of(comment), _anchor=comment.anchor)


@bp.post("/comments/<int:comment_id>/support", endpoint="support_comment")
@bp.post("/comments/<int:comment_id>/unsupport", endpoint="unsupport_comment")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def toggle_comment_support(comment_id: int):
    """Support a comment once, or take the support back; the button swaps in place with htmx."""
    comment = comment_for(comment_id, current_user)
    ensure(can_support(current_user, comment))
    return toggle_and_answer(
        request.endpoint.endswith(".unsupport_comment"),
        support_comment,
        withdraw_comment_support,
        comment,
        "threads/_comment_support.html",
        None,
        _comment_url(comment),
        comment=comment,
    )
