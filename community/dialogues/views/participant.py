"""The participant's pages: the list of sessions, a session to ask and vote in (its minutes once closed), the
minutes as CSV."""

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.core.exports import csv_response
from community.core.forms import INVALID
from community.core.htmx import fragment_or_redirect, render, wants_fragment
from community.core.i18n import current_lang
from community.core.lists import choice_arg
from community.core.pagecache import shared_with_visitors
from community.core.permissions import can_ask_question, can_vote_question, can_withdraw_question, ensure
from community.core.security import action_limit, made_new_post, posting_limit, user_or_address_key
from community.core.states import MoveRefused
from community.core.urls import absolute_url
from community.dialogues import bp
from community.dialogues.forms import QuestionForm
from community.dialogues.models import QuestionState, SessionState
from community.dialogues.queries import (
    MINUTES_FIELDS,
    SessionFilters,
    answered_questions,
    minutes_of,
    open_questions,
    pending_of,
    question_or_404,
    session_lists,
    session_or_404,
    votes_of,
)
from community.dialogues.services import ask_question, vote, withdraw_question
from community.dialogues.views import live
from community.extensions import db, limiter
from community.notifications.follow_views import answer_follow
from community.notifications.models import FollowTarget
from community.places.services import all_localities, tree_order

SORTS = ("votes", "recent")
FIRST_QUESTIONS = 30  # what a phone shows of the open list; "all" shows up to ALL_QUESTIONS
ALL_QUESTIONS = 300


def _question_limit() -> str:
    return posting_limit("QUESTION")


def _view() -> dict:
    """How a participant looks at the list, as query arguments: by votes or newest, the first questions or all."""
    view = {"sort": choice_arg(request.args.get("sort"), SORTS, "votes")}
    if request.args.get("all") == "1":
        view["all"] = "1"
    return view


@bp.get("/dialogues/")
@shared_with_visitors
def index():
    """Live, upcoming and past dialogue sessions, by locality; anyone may look."""
    filters = SessionFilters.from_args(request.args)
    return render(
        "dialogues/index.html",
        block="results",
        filters=filters,
        lists=session_lists(filters),
        localities=tree_order(all_localities()),
    )


def _live_region(session_id: int):
    """The participant's live region as it is now, for htmx (after a vote or a withdrawal)."""
    view = _view()
    tag = live.tag("show", session_id, *view.values())
    context = _participant_context(session_or_404(session_id), view)
    return live.send(render("dialogues/show.html", block="live", tag=tag, **context), tag)


def _participant_context(dialogue, view: dict) -> dict:
    """What the participant's page shows: the current question, the open list, answered ones, one's own."""
    questions = open_questions(
        dialogue, by_votes=view["sort"] == "votes", limit=ALL_QUESTIONS if view.get("all") else FIRST_QUESTIONS
    )
    current = dialogue.current_question
    return {
        "dialogue": dialogue,
        "view": view,
        "questions": [q for q in questions if q.id != (current and current.id)],
        "current": current,
        "answered": answered_questions(dialogue, limit=50),
        "pending": pending_of(dialogue, current_user),
        "my_votes": votes_of(current_user, questions + ([current] if current else [])),
        "form": QuestionForm(formdata=None),
        "sent": None,
    }


def _ask_context(dialogue, form: QuestionForm, sent: str | None = None) -> dict:
    """What the question form's block needs: no lists."""
    return {"dialogue": dialogue, "view": _view(), "form": form, "sent": sent}


@bp.get("/dialogues/<int:session_id>")
@shared_with_visitors(fragments=False)
def show(session_id: int):
    """A session for participants: ask, vote, follow the current question live; the minutes once closed.
    Anyone may look; the live region's poll answers 304 while nothing changed."""
    view = _view()
    tag = live.tag("show", session_id, *view.values())
    if unchanged := live.not_modified(tag):
        return unchanged
    shared = not current_user.is_authenticated  # a visitor's copy is the same for every visitor
    if shared and (copy := live.shared_copy(tag)):
        return copy
    dialogue = session_or_404(session_id)
    if dialogue.state is SessionState.CLOSED and not wants_fragment():
        return render("dialogues/minutes.html", dialogue=dialogue, minutes=minutes_of(dialogue))
    response = render("dialogues/show.html", block="live", tag=tag, **_participant_context(dialogue, view))
    return live.send(response, tag, shared)


@bp.post("/dialogues/<int:session_id>/follow", endpoint="follow_dialogue")
@bp.post("/dialogues/<int:session_id>/unfollow", endpoint="unfollow_dialogue")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def follow_dialogue(session_id: int):
    """Follow a dialogue session (to hear when it goes live and when its minutes are out) or stop; signed-in
    users."""
    dialogue = session_or_404(session_id)
    return answer_follow(FollowTarget.DIALOGUE, dialogue, url_for("dialogues.show", session_id=dialogue.id))


@bp.post("/dialogues/<int:session_id>/questions")
@limiter.limit(
    _question_limit, key_func=user_or_address_key, scope="question-user", methods=["POST"], deduct_when=made_new_post
)
def ask(session_id: int):
    """Ask a question: signed-in residents, before and during the session. Double submits make one question."""
    dialogue = session_or_404(session_id)
    if current_user.is_authenticated and not dialogue.state.takes_questions:
        # A page opened before a break or the close: say why instead of a bare refusal.
        return render(
            "dialogues/show.html", block="ask", status=INVALID, tag="", **_ask_context(dialogue, QuestionForm())
        )
    ensure(can_ask_question(current_user, dialogue))
    form = QuestionForm()
    if not form.validate_on_submit():
        context = (
            _ask_context(dialogue, form)
            if wants_fragment()
            else {**_participant_context(dialogue, _view()), "form": form}
        )
        return render("dialogues/show.html", block="ask", status=INVALID, tag="", **context)
    question, g.new_post = ask_question(
        dialogue, current_user, form.body.data, form.anonymous.data, form.submission_key.data, lang=current_lang()
    )
    db.session.commit()
    sent = _ask_context(dialogue, QuestionForm(formdata=None), sent=question.state.value)
    return fragment_or_redirect(
        lambda: render("dialogues/show.html", block="ask", tag="", **sent),
        url_for("dialogues.show", session_id=session_id),
        _("Your question is sent. Others will see it once a moderator approves it.")
        if question.state is QuestionState.PENDING
        else _("Your question is on the list."),
        trigger="dialogue-changed",
    )


@bp.post("/dialogues/questions/<int:question_id>/vote")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def vote_for(question_id: int):
    """Vote for an open question, or take the vote back (the form says which, so repeating it is harmless)."""
    question = question_or_404(question_id)
    if current_user.is_authenticated and not question.session.state.takes_questions:
        counted = False  # a break or the close came after the page was shown; the fresh region says so
    else:
        ensure(can_vote_question(current_user, question))
        counted = vote(current_user, question, request.form.get("vote") == "1")
        db.session.commit()
    session_id = question.session_id
    # With htmx the fresh region shows where the question is now.
    return fragment_or_redirect(
        lambda: _live_region(session_id),
        url_for("dialogues.show", session_id=session_id, **_view(), _anchor=f"q{question_id}"),
        None if counted else _("This question no longer takes votes."),
        "info",
    )


@bp.post("/dialogues/questions/<int:question_id>/withdraw")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def withdraw(question_id: int):
    """Take one's own waiting or open question back: its author, until the session closes."""
    question = question_or_404(question_id)
    ensure(can_withdraw_question(current_user, question))
    try:
        withdraw_question(question, current_user)
    except MoveRefused:
        db.session.rollback()  # already withdrawn or hidden meanwhile: the page shows where it is now
    else:
        db.session.commit()
    session_id = question.session_id
    return fragment_or_redirect(
        lambda: _live_region(session_id),
        url_for("dialogues.show", session_id=session_id, **_view()),
        _("Your question is withdrawn."),
    )


@bp.get("/dialogues/<int:session_id>/minutes.csv")
def minutes_csv(session_id: int):
    """The session's questions with their state, votes, answer notes and commitments, as CSV; anyone may take it."""
    minutes = minutes_of(session_or_404(session_id))
    rows = (
        [
            question.id,
            question.state.value,
            question.vote_count,
            question.body,
            question.public_name or "",
            question.answer_note,
            question.answered_at.isoformat() if question.answered_at else "",
            absolute_url("pledges.show", pledge_id=question.pledge_id) if question.pledge_id else "",
            absolute_url("threads.show", thread_id=question.thread_id)
            if question.thread and not question.thread.is_hidden
            else "",
        ]
        for question in minutes["answered"] + minutes["open"]
    )
    return csv_response(list(MINUTES_FIELDS), rows, filename=f"dialogue-{session_id}-minutes.csv")
