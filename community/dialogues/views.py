"""Dialogue pages: the list, a session for participants, the moderators' console, the big screen, minutes."""

import csv
import io
from zoneinfo import ZoneInfo

import segno
from flask import abort, current_app, flash, g, make_response, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from community.core.forms import ReasonForm
from community.core.htmx import redirect_to, render, wants_fragment
from community.core.permissions import (
    can_ask_question,
    can_moderate_dialogue,
    can_run_dialogues,
    can_vote_question,
    can_withdraw_question,
    ensure,
)
from community.core.security import action_limit, made_new_post, posting_limit, user_or_address_key
from community.core.text import spreadsheet_safe
from community.core.time import local_to_utc
from community.dialogues import bp
from community.dialogues.forms import (
    AnswerForm,
    CloseForm,
    CorrectionForm,
    FollowUpForm,
    HallQuestionForm,
    IssueForm,
    MergeForm,
    QuestionForm,
    SessionForm,
)
from community.dialogues.models import QuestionMoveRefused, QuestionState, SessionMoveRefused, SessionState
from community.dialogues.services import (
    RenderedCopies,
    SessionFilters,
    answer_question,
    answered_questions,
    approve_question,
    ask_for,
    ask_question,
    clear_current,
    console_lists,
    correct_question,
    create_session,
    edit_session,
    hide_question,
    live_tag,
    make_follow_up_pledge,
    merge_question,
    minutes_of,
    move_session,
    open_question_to_issue,
    open_questions,
    pending_of,
    question_or_404,
    reopen_question,
    restore_question,
    screen_lists,
    session_lists,
    session_or_404,
    session_version,
    set_current,
    vote,
    votes_of,
    withdraw_question,
)
from community.events.services import recent_and_upcoming_events
from community.extensions import db, limiter
from community.places.services import all_localities, tree_order
from community.pledges.models import PledgeCategory
from community.pledges.services import all_deputies
from community.threads.models import Category

INVALID = 422
SORTS = ("votes", "recent")
FIRST_QUESTIONS = 30  # what a phone shows of the open list; "all" shows up to ALL_QUESTIONS
ALL_QUESTIONS = 300


def _question_limit() -> str:
    return posting_limit("QUESTION")


def _moderation_limit() -> str:
    return current_app.config["DIALOGUE_MODERATION_LIMIT"]


moderation_limit = limiter.shared_limit(
    _moderation_limit, scope="dialogue-moderation", key_func=user_or_address_key, methods=["POST"]
)


copies = RenderedCopies()


def _shared_copy(tag: str):
    """A copy of a same-for-everyone region this worker has already rendered for this tag, ready to send."""
    body = copies.get(tag)
    return _live(make_response(body), tag) if body is not None else None


def _view() -> dict:
    """How a participant looks at the list, as query arguments: by votes or newest, the first questions or all."""
    view = {"sort": request.args.get("sort") if request.args.get("sort") in SORTS else "votes"}
    if request.args.get("all") == "1":
        view["all"] = "1"
    return view


def _tag(kind: str, session_id: int, *details: str, personal: bool = True) -> str:
    """The ETag a live region's copy carries now: one indexed read of the session's version and nothing else
    (no user, no rendering); 404 when there is no such session."""
    version = session_version(session_id)
    if version is None:
        abort(404)
    return live_tag(f"{kind}-{session_id}", version, *details, personal=personal)


def _not_modified(tag: str):
    """A 304 for a poll whose copy is still current, else None: the region has to be rendered again."""
    if not (wants_fragment() and tag in request.if_none_match):
        return None
    response = make_response("", 304)
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-store"
    return response


def _live(response, tag: str, shared: bool = False):
    """Mark a live region's copy with its ETag, and keep it for the next viewer when it is the same for all."""
    if shared:
        copies.put(tag, response.get_data(as_text=True))
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/dialogues/")
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


def _fresh_live_region(session_id: int):
    """After a resident's vote or withdrawal: the participant's live region as it is now, for htmx."""
    view = _view()
    tag = _tag("show", session_id, *view.values())
    return _live(
        render("dialogues/show.html", block="live", tag=tag, **_participant_context(session_or_404(session_id), view)),
        tag,
    )


def _participant_context(dialogue, view: dict) -> dict:
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
def show(session_id: int):
    """A session for participants: ask, vote, follow the current question live; the minutes once closed.
    Anyone may look; the live region's poll answers 304 while nothing changed."""
    view = _view()
    tag = _tag("show", session_id, *view.values())
    if unchanged := _not_modified(tag):
        return unchanged
    shared = wants_fragment() and not current_user.is_authenticated
    if shared and (copy := _shared_copy(tag)):
        return copy
    dialogue = session_or_404(session_id)
    if dialogue.state is SessionState.CLOSED and not wants_fragment():
        return render("dialogues/minutes.html", dialogue=dialogue, minutes=minutes_of(dialogue))
    return _live(
        render("dialogues/show.html", block="live", tag=tag, **_participant_context(dialogue, view)), tag, shared
    )


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
        dialogue, current_user, form.body.data, form.anonymous.data, form.submission_key.data
    )
    db.session.commit()
    if wants_fragment():
        response = render(
            "dialogues/show.html",
            block="ask",
            tag="",
            **_ask_context(dialogue, QuestionForm(formdata=None), sent=question.state.value),
        )
        response.headers["HX-Trigger"] = "dialogue-changed"
        return response
    flash(
        _("Your question is sent. Others will see it once a moderator approves it.")
        if question.state is QuestionState.PENDING
        else _("Your question is on the list."),
        "success",
    )
    return redirect_to(url_for("dialogues.show", session_id=session_id))


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
    if not counted and not wants_fragment():  # with htmx the fresh region shows where the question is now
        flash(_("This question no longer takes votes."), "info")
    if wants_fragment():
        return _fresh_live_region(session_id)
    return redirect_to(url_for("dialogues.show", session_id=session_id, **_view(), _anchor=f"q{question_id}"))


@bp.post("/dialogues/questions/<int:question_id>/withdraw")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def withdraw(question_id: int):
    """Take one's own waiting or open question back: its author, until the session closes."""
    question = question_or_404(question_id)
    ensure(can_withdraw_question(current_user, question))
    try:
        withdraw_question(question, current_user)
    except QuestionMoveRefused:
        db.session.rollback()
    else:
        db.session.commit()
    session_id = question.session_id
    if wants_fragment():
        return _fresh_live_region(session_id)
    flash(_("Your question is withdrawn."), "success")
    return redirect_to(url_for("dialogues.show", session_id=session_id, **_view()))


@bp.get("/dialogues/<int:session_id>/screen")
def screen(session_id: int):
    """The big screen for the hall: the current question, the next by votes, the count and a QR code to join;
    no sign-in; it refreshes itself like the participant's page."""
    # The same for every viewer, but it names this site's address (in the QR code) and speaks their language.
    tag = _tag("screen", session_id, request.host_url, str(get_locale()), personal=False)
    if unchanged := _not_modified(tag):
        return unchanged
    if wants_fragment() and (copy := _shared_copy(tag)):
        return copy
    dialogue = session_or_404(session_id)
    address = url_for("dialogues.show", session_id=session_id, _external=True)
    qr = Markup(segno.make(address, error="m").svg_inline(scale=8, dark="#111", light="#fff", omitsize=True))  # noqa: S704 - made by segno from our own URL
    return _live(
        render(
            "dialogues/screen.html",
            block="screen",
            tag=tag,
            dialogue=dialogue,
            address=address,
            qr=qr,
            next_up=screen_lists(dialogue),
        ),
        tag,
        shared=wants_fragment(),
    )


@bp.get("/dialogues/<int:session_id>/minutes.csv")
def minutes_csv(session_id: int):
    """The session's questions with their state, votes, answer notes and commitments, as CSV; anyone may take it."""
    dialogue = session_or_404(session_id)
    minutes = minutes_of(dialogue)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "question_id",
            "state",
            "votes",
            "question",
            "asked_by",
            "answer_note",
            "answered_at",
            "pledge_url",
            "issue_url",
        ]
    )
    for question in minutes["answered"] + minutes["open"]:
        writer.writerow(
            [
                question.id,
                question.state.value,
                question.vote_count,
                spreadsheet_safe(question.body),
                spreadsheet_safe(question.public_name or ""),
                spreadsheet_safe(question.answer_note),
                question.answered_at.isoformat() if question.answered_at else "",
                url_for("pledges.show", pledge_id=question.pledge_id, _external=True) if question.pledge_id else "",
                url_for("threads.show", thread_id=question.thread_id, _external=True)
                if question.thread and not question.thread.is_hidden
                else "",
            ]
        )
    response = current_app.response_class(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="dialogue-{session_id}-minutes.csv"'
    return response


@bp.route("/dialogues/new", methods=["GET", "POST"])
def new():
    """Announce a dialogue session: moderators and admins."""
    ensure(can_run_dialogues(current_user))
    form = _session_form()
    if form.validate_on_submit():
        dialogue = create_session(current_user, **_session_fields(form))
        db.session.commit()
        flash(_("The dialogue session is announced."), "success")
        return redirect_to(url_for("dialogues.console", session_id=dialogue.id))
    return render(
        "dialogues/form.html", block="form", status=INVALID if form.is_submitted() else 200, form=form, dialogue=None
    )


def _session_form(linked_event=None, **data) -> SessionForm:
    """The session form with its choices; an event linked long ago stays choosable."""
    form = SessionForm(data=data or None)
    events = recent_and_upcoming_events()
    if linked_event is not None and linked_event not in events:
        events.insert(0, linked_event)
    form.load_choices(all_deputies(), events)
    return form


def _session_fields(form: SessionForm) -> dict:
    chosen = {int(value) for value in form.deputies.data or []}
    return {
        "title": form.title.data,
        "topic": form.topic.data or "",
        "description": form.description.data or "",
        "scheduled_at": local_to_utc(form.scheduled_at.data),
        "locality_id": form.locality.data,
        "event_id": int(form.event.data) if form.event.data else None,
        "premoderation": form.premoderation.data,
        "deputies": [deputy for deputy in all_deputies() if deputy.id in chosen],
    }


@bp.route("/dialogues/<int:session_id>/edit", methods=["GET", "POST"])
def edit(session_id: int):
    """Change a session's details: moderators and admins, until it is closed."""
    dialogue = _moderated_session(session_id)
    if dialogue.state is SessionState.CLOSED:
        abort(409)
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    form = _session_form(
        linked_event=dialogue.event,
        title=dialogue.title,
        topic=dialogue.topic,
        description=dialogue.description,
        scheduled_at=dialogue.scheduled_at.astimezone(zone).replace(tzinfo=None),
        locality=dialogue.locality_id,
        event=str(dialogue.event_id or ""),
        deputies=[str(deputy.id) for deputy in dialogue.deputies],
        premoderation=dialogue.premoderation,
    )
    if form.validate_on_submit():
        edit_session(dialogue, **_session_fields(form))
        db.session.commit()
        flash(_("The dialogue session is saved."), "success")
        return redirect_to(url_for("dialogues.console", session_id=dialogue.id))
    return render(
        "dialogues/form.html",
        block="form",
        status=INVALID if form.is_submitted() else 200,
        form=form,
        dialogue=dialogue,
    )


def _console_context(dialogue, close_form=None) -> dict:
    return {
        "dialogue": dialogue,
        **console_lists(dialogue),
        "hall_form": HallQuestionForm(formdata=None),
        "close_form": close_form or CloseForm(formdata=None),
    }


@bp.get("/dialogues/<int:session_id>/console")
def console(session_id: int):
    """The moderators' console: the pending queue, the open list, the current question, the hall's questions;
    moderators and admins, several at once. Its live region polls like the participant's page."""
    ensure(can_run_dialogues(current_user))
    tag = _tag("console", session_id)
    if unchanged := _not_modified(tag):
        return unchanged
    dialogue = session_or_404(session_id)
    return _live(render("dialogues/console.html", block="console", tag=tag, **_console_context(dialogue)), tag)


def _back_to_console(session_id: int, message: str | None = None, category: str = "success"):
    """After a console step: the fresh console region for htmx (with the step's message), else a redirect."""
    if message:
        flash(message, category)
    if wants_fragment():
        tag = _tag("console", session_id)
        return _live(
            render(
                "dialogues/console.html",
                block="console",
                tag=tag,
                notices=True,
                **_console_context(session_or_404(session_id)),
            ),
            tag,
        )
    return redirect_to(url_for("dialogues.console", session_id=session_id))


TOO_LATE = _l("Another moderator has just handled this question; the console shows where it is now.")


@bp.post("/dialogues/<int:session_id>/<any(open, pause, resume):move>")
@moderation_limit
def move(session_id: int, move: str):
    """Open the session, pause it for a break, or resume it: moderators and admins."""
    dialogue = _moderated_session(session_id)
    to = SessionState.PAUSED if move == "pause" else SessionState.LIVE
    try:
        move_session(dialogue, to, current_user)
    except SessionMoveRefused:
        db.session.rollback()
        return _back_to_console(session_id, _("The session cannot do that from where it is now."), "error")
    db.session.commit()
    return _back_to_console(
        session_id, _("The session is live.") if to is SessionState.LIVE else _("The session is paused.")
    )


@bp.post("/dialogues/<int:session_id>/close")
@moderation_limit
def close(session_id: int):
    """Close the session with an optional summary; its page becomes the minutes. Moderators and admins."""
    dialogue = _moderated_session(session_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return render("dialogues/console.html", status=INVALID, tag="", **_console_context(dialogue, close_form=form))
    try:
        move_session(dialogue, SessionState.CLOSED, current_user, summary=form.summary.data or "")
    except SessionMoveRefused:
        db.session.rollback()
        return _back_to_console(session_id, _("The session is already closed."), "error")
    db.session.commit()
    flash(_("The session is closed; its minutes are public."), "success")
    return redirect_to(url_for("dialogues.show", session_id=session_id))


@bp.post("/dialogues/<int:session_id>/hall")
@moderation_limit
def hall_question(session_id: int):
    """Type in a question said aloud in the hall, for a named or anonymous person: moderators, while it runs."""
    dialogue = _moderated_session(session_id)
    if dialogue.state is SessionState.CLOSED:
        abort(409)
    form = HallQuestionForm()
    if not form.validate_on_submit():
        return render(
            "dialogues/console.html",
            block="hall",
            status=INVALID,
            tag="",
            **{**_console_context(dialogue), "hall_form": form},
        )
    ask_for(dialogue, current_user, form.body.data, form.speaker_name.data or "", form.submission_key.data)
    db.session.commit()
    if wants_fragment():
        response = render(
            "dialogues/console.html",
            block="hall",
            tag="",
            dialogue=dialogue,
            hall_form=HallQuestionForm(formdata=None),
            added=True,
        )
        response.headers["HX-Trigger"] = "dialogue-changed"
        return response
    flash(_("The question from the hall is on the list."), "success")
    return redirect_to(url_for("dialogues.console", session_id=session_id))


@bp.post("/dialogues/<int:session_id>/current/clear")
@moderation_limit
def clear(session_id: int):
    """Take the current question off the screen without answering it: moderators and admins."""
    dialogue = _moderated_session(session_id)
    clear_current(dialogue)
    db.session.commit()
    return _back_to_console(session_id)


def _moderated_session(session_id: int):
    """Load a session for a console step and check the user may moderate it."""
    dialogue = session_or_404(session_id)
    ensure(can_moderate_dialogue(current_user, dialogue))
    return dialogue


def _moderated(question_id: int):
    """Load a question for a console step and check the moderator may work its session."""
    question = question_or_404(question_id)
    ensure(can_moderate_dialogue(current_user, question.session))
    if question.session.state is SessionState.CLOSED:
        abort(409)
    return question


@bp.post("/dialogues/questions/<int:question_id>/<any(approve, current, restore, reopen):step>")
@moderation_limit
def simple_step(question_id: int, step: str):
    """Approve a pending question, put one to the deputies, restore a hidden one or reopen an answered one:
    moderators and admins. A step another moderator has already taken is reported, not repeated."""
    question = _moderated(question_id)
    action = {
        "approve": approve_question,
        "current": set_current,
        "restore": restore_question,
        "reopen": reopen_question,
    }[step]
    try:
        action(question, current_user)
    except QuestionMoveRefused:
        db.session.rollback()
        return _back_to_console(question.session_id, str(TOO_LATE), "info")
    db.session.commit()
    return _back_to_console(question.session_id)


@bp.post("/dialogues/questions/<int:question_id>/<any(hide, answer, correct, merge):step>")
@moderation_limit
def step_with_form(question_id: int, step: str):
    """Hide with a reason, mark answered with a note, correct the wording, or merge into another question:
    moderators and admins."""
    question = _moderated(question_id)
    form = {"hide": ReasonForm, "answer": AnswerForm, "correct": CorrectionForm, "merge": MergeForm}[step]()
    if not form.validate_on_submit():
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return (
            _back_to_console(question.session_id, message, "error")
            if wants_fragment()
            else render("dialogues/console.html", status=INVALID, tag="", **_console_context(question.session))
        )
    try:
        if step == "hide":
            hide_question(question, current_user, form.reason.data)
        elif step == "answer":
            answer_question(question, current_user, form.note.data)
        elif step == "correct":
            correct_question(question, current_user, form.body.data)
        else:
            merge_question(question, form.into.data, current_user)
    except QuestionMoveRefused:
        db.session.rollback()
        return _back_to_console(
            question.session_id,
            str(TOO_LATE)
            if step != "merge"
            else _("A question can only be merged into another open question of the same session."),
            "info",
        )
    db.session.commit()
    return _back_to_console(question.session_id)


@bp.route("/dialogues/questions/<int:question_id>/follow-up", methods=["GET", "POST"])
@moderation_limit
def follow_up(question_id: int):
    """Record a follow-up a deputy promised: it becomes the deputy's pledge, linked from the question and the
    minutes. Moderators and admins."""
    question = _moderated(question_id)
    if question.state not in (QuestionState.APPROVED, QuestionState.ANSWERED):
        abort(409)
    deputies = question.session.deputies or all_deputies()
    form = FollowUpForm(
        data={
            "title": question.body[:200],
            "category": PledgeCategory.OTHER.value,
            "deputy": str(deputies[0].id) if len(deputies) == 1 else "",
        }
    )
    form.load_deputies(deputies)
    if form.validate_on_submit():
        deputy = next(d for d in deputies if str(d.id) == form.deputy.data)
        try:
            pledge = make_follow_up_pledge(
                question,
                current_user,
                deputy,
                form.submission_key.data,
                url_for("dialogues.show", session_id=question.session_id, _external=True),
                title=form.title.data,
                text=form.text.data,
                category=PledgeCategory(form.category.data),
                due_on=form.due_on.data,
            )
        except QuestionMoveRefused:
            db.session.rollback()
            return _back_to_console(question.session_id, str(TOO_LATE), "info")
        db.session.commit()
        flash(_("The promised follow-up is recorded as a pledge of %(name)s.", name=deputy.name), "success")
        return redirect_to(url_for("pledges.show", pledge_id=pledge.id))
    return render(
        "dialogues/follow_up.html",
        block="form",
        status=INVALID if form.is_submitted() else 200,
        form=form,
        question=question,
        categories=list(PledgeCategory),
    )


@bp.route("/dialogues/questions/<int:question_id>/to-issue", methods=["GET", "POST"])
@moderation_limit
def to_issue(question_id: int):
    """Turn a question left open at a closed session into a local issue addressed to one of its deputies, who
    answers it there officially: moderators and admins."""
    question = question_or_404(question_id)
    ensure(can_moderate_dialogue(current_user, question.session))
    if question.state is not QuestionState.APPROVED or question.thread_id:
        abort(409)
    form = IssueForm(data={"category": Category.OTHER.value})
    form.load_deputies(question.session.deputies)
    if not form.deputy.choices:
        flash(_("None of this session's deputies has an account to answer from."), "error")
        return redirect_to(url_for("dialogues.show", session_id=question.session_id))
    if form.validate_on_submit():
        deputy = next(d for d in question.session.deputies if str(d.id) == form.deputy.data)
        body = _(
            "Asked at the dialogue session «%(title)s» on %(date)s and left open there. Minutes: %(url)s",
            title=question.session.title,
            date=question.session.scheduled_at.date().isoformat(),
            url=url_for("dialogues.show", session_id=question.session_id, _external=True),
        )
        try:
            thread = open_question_to_issue(
                question, current_user, deputy, Category(form.category.data), body, form.submission_key.data
            )
        except QuestionMoveRefused:
            db.session.rollback()
            flash(str(TOO_LATE), "info")
            return redirect_to(url_for("dialogues.show", session_id=question.session_id))
        db.session.commit()
        flash(_("The question is now a local issue addressed to %(name)s.", name=deputy.name), "success")
        return redirect_to(url_for("threads.show", thread_id=thread.id))
    return render(
        "dialogues/issue.html",
        block="form",
        status=INVALID if form.is_submitted() else 200,
        form=form,
        question=question,
    )
