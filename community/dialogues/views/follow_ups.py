"""What a dialogue leaves for later: a follow-up a deputy promised (their pledge, or the asker's appeal) and a
question left open sent to a deputy (the asker's appeal, or a local issue for someone in the hall without an
account). Moderators and admins."""

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.core.htmx import redirect_to, render
from community.core.i18n import format_day
from community.core.permissions import can_run_dialogues, ensure
from community.core.states import MoveRefused
from community.core.urls import absolute_url
from community.dialogues import bp
from community.dialogues.follow_ups import make_follow_up_pledge, open_question_to_issue, question_to_appeal
from community.dialogues.forms import FollowUpForm, IssueForm, PromiseForm
from community.dialogues.models import QuestionState
from community.dialogues.queries import question_or_404
from community.dialogues.views.console import INVALID, moderation_limit, question_being_moderated, refused_on_console
from community.extensions import db
from community.pledges.models import Deputy, PledgeCategory
from community.pledges.queries import all_deputies
from community.threads.models import Category


@bp.route("/dialogues/questions/<int:question_id>/follow-up", methods=["GET", "POST"])
@moderation_limit
def follow_up(question_id: int):
    """Record a follow-up a deputy promised: it becomes the deputy's pledge, linked from the question and the
    minutes. Moderators and admins."""
    question = question_being_moderated(question_id)
    if question.state not in (QuestionState.APPROVED, QuestionState.ANSWERED):
        raise MoveRefused()  # answered, hidden or merged meanwhile: the 409 page says so
    deputies = question.session.deputies or all_deputies()
    only = str(deputies[0].id) if len(deputies) == 1 else ""
    form = FollowUpForm(data={"title": question.body[:200], "category": PledgeCategory.OTHER.value, "deputy": only})
    form.load_deputies(deputies)
    if form.validate_on_submit():
        deputy = next(d for d in deputies if str(d.id) == form.deputy.data)
        try:
            pledge = make_follow_up_pledge(
                question,
                current_user,
                deputy,
                form.submission_key.data,
                absolute_url("dialogues.show", session_id=question.session_id),
                title=form.title.data,
                text=form.text.data,
                category=PledgeCategory(form.category.data),
                due_on=form.due_on.data,
            )
        except MoveRefused as refusal:
            return refused_on_console(question.session_id, refusal)
        db.session.commit()
        flash(_("The promised follow-up is recorded as a pledge of %(name)s.", name=deputy.name), "success")
        return redirect_to(url_for("pledges.show", pledge_id=pledge.id))
    status = INVALID if form.is_submitted() else 200
    return render(
        "dialogues/follow_up.html",
        block="form",
        status=status,
        form=form,
        question=question,
        categories=list(PledgeCategory),
    )


@bp.route("/dialogues/questions/<int:question_id>/to-deputy", methods=["GET", "POST"])
@moderation_limit
def to_deputy(question_id: int):
    """Send a question left open at a closed session to one of its deputies: as its asker's public appeal (named or
    anonymous as they asked; they follow it), or, for a question typed in for someone in the hall without an
    account, as a local issue the deputy answers officially. Moderators and admins."""
    question = question_or_404(question_id)
    ensure(can_run_dialogues(current_user))
    if question.state is not QuestionState.APPROVED or question.thread_id or question.appeal_id:
        raise MoveRefused()
    form = IssueForm(data={"category": Category.OTHER.value})
    form.load_deputies(question.session.deputies)
    if not form.deputy.choices:
        flash(_("None of this session's deputies has an account to answer from."), "error")
        return redirect_to(url_for("dialogues.show", session_id=question.session_id))
    if form.validate_on_submit():
        deputy = next(d for d in question.session.deputies if str(d.id) == form.deputy.data)
        category = Category(form.category.data)
        try:
            if question.author is not None:
                appeal = question_to_appeal(question, current_user, deputy, category, form.submission_key.data)
            else:
                thread = open_question_to_issue(
                    question, current_user, deputy, category, _open_question_note(question), form.submission_key.data
                )
        except MoveRefused as refusal:
            db.session.rollback()
            flash(str(refusal.message), "info")
            return redirect_to(url_for("dialogues.show", session_id=question.session_id))
        db.session.commit()
        if question.author is not None:
            flash(_("The question is now its asker's appeal to %(name)s.", name=deputy.name), "success")
            return redirect_to(url_for("appeals.show", appeal_id=appeal.id))
        flash(_("The question is now a local issue addressed to %(name)s.", name=deputy.name), "success")
        return redirect_to(url_for("threads.show", thread_id=thread.id))
    status = INVALID if form.is_submitted() else 200
    return render("dialogues/issue.html", block="form", status=status, form=form, question=question)


def _open_question_note(question) -> str:
    """Where a question sent on as a local issue came from."""
    return _(
        "Asked at the dialogue session «%(title)s» on %(date)s and left open there. Minutes: %(url)s",
        title=question.session.title,
        date=format_day(question.session.scheduled_at, "page"),
        url=absolute_url("dialogues.show", session_id=question.session_id),
    )


@bp.route("/dialogues/questions/<int:question_id>/promise", methods=["GET", "POST"])
@moderation_limit
def promise(question_id: int):
    """Record a follow-up a deputy promised in the hall as the asker's appeal, received, which the deputy answers
    within the appeals' term; the question shows the promise. Moderators and admins, for a question with an
    author."""
    question = question_being_moderated(question_id)
    if question.state not in (QuestionState.APPROVED, QuestionState.ANSWERED) or question.author is None:
        raise MoveRefused()
    form = PromiseForm(data={"category": Category.OTHER.value})
    form.load_deputies(question.session.deputies or all_deputies())
    if form.validate_on_submit():
        deputy = db.session.get(Deputy, int(form.deputy.data))
        try:
            appeal = question_to_appeal(
                question,
                current_user,
                deputy,
                Category(form.category.data),
                form.submission_key.data,
                promised=form.promised.data,
            )
        except MoveRefused as refusal:
            return refused_on_console(question.session_id, refusal)
        db.session.commit()
        flash(_("The promised follow-up is recorded as an appeal to %(name)s.", name=deputy.name), "success")
        return redirect_to(url_for("appeals.show", appeal_id=appeal.id))
    status = INVALID if form.is_submitted() else 200
    return render("dialogues/promise.html", block="form", status=status, form=form, question=question)
