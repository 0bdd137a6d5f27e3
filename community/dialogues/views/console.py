"""The moderators' side: announcing and editing sessions, the console with its live region and every step on
questions, recording promised follow-ups and sending open questions to deputies as local issues."""

from flask import current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.core.forms import INVALID, ReasonForm
from community.core.htmx import fragment_or_redirect, redirect_to, render, wants_fragment
from community.core.i18n import current_lang
from community.core.permissions import can_run_dialogues, ensure
from community.core.security import user_or_address_key
from community.core.states import MoveRefused
from community.core.time import local_to_utc, utc_to_local
from community.dialogues import bp
from community.dialogues.forms import (
    AnswerForm,
    CloseForm,
    CorrectionForm,
    HallQuestionForm,
    MergeForm,
    SessionForm,
)
from community.dialogues.models import SessionState
from community.dialogues.queries import console_lists, question_or_404, session_or_404
from community.dialogues.services import (
    answer_question,
    approve_question,
    ask_for,
    clear_current,
    correct_question,
    create_session,
    edit_session,
    hide_question,
    merge_question,
    move_session,
    reopen_question,
    restore_question,
    set_current,
)
from community.dialogues.views import live
from community.events.queries import recent_and_upcoming_events
from community.extensions import db, limiter
from community.pledges.queries import all_deputies


def _moderation_limit() -> str:
    return current_app.config["DIALOGUE_MODERATION_LIMIT"]


moderation_limit = limiter.shared_limit(
    _moderation_limit, scope="dialogue-moderation", key_func=user_or_address_key, methods=["POST"]
)


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
    status = INVALID if form.is_submitted() else 200
    return render("dialogues/form.html", block="form", status=status, form=form, dialogue=None)


def _session_form(linked_event=None, **data) -> SessionForm:
    """The session form with its choices; an event linked long ago stays choosable."""
    form = SessionForm(data=data or None)
    events = recent_and_upcoming_events()
    if linked_event is not None and linked_event not in events:
        events.insert(0, linked_event)
    form.load_choices(all_deputies(), events)
    return form


def _session_fields(form: SessionForm) -> dict:
    """The session's details from a valid form, its time turned into UTC."""
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
    dialogue = _running_session(session_id)
    form = _session_form(
        linked_event=dialogue.event,
        title=dialogue.title,
        topic=dialogue.topic,
        description=dialogue.description,
        scheduled_at=utc_to_local(dialogue.scheduled_at),
        locality=dialogue.locality_id,
        event=str(dialogue.event_id or ""),
        deputies=[str(deputy.id) for deputy in dialogue.deputies],
        premoderation=dialogue.premoderation,
    )
    if form.validate_on_submit():
        edit_session(dialogue, current_user, **_session_fields(form))
        db.session.commit()
        flash(_("The dialogue session is saved."), "success")
        return redirect_to(url_for("dialogues.console", session_id=dialogue.id))
    status = INVALID if form.is_submitted() else 200
    return render("dialogues/form.html", block="form", status=status, form=form, dialogue=dialogue)


def _console_context(dialogue, close_form=None) -> dict:
    """What the console shows: the queues, the hall's question form and the close form."""
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
    tag = live.tag("console", session_id)
    if unchanged := live.not_modified(tag):
        return unchanged
    dialogue = session_or_404(session_id)
    return live.send(render("dialogues/console.html", block="console", tag=tag, **_console_context(dialogue)), tag)


def _back_to_console(session_id: int, message=None, category: str = "success"):
    """After a console step: the fresh console region for htmx (with the step's message), else a redirect."""
    if message:
        flash(str(message), category)

    def region():
        tag = live.tag("console", session_id)
        context = _console_context(session_or_404(session_id))
        return live.send(render("dialogues/console.html", block="console", tag=tag, notices=True, **context), tag)

    return fragment_or_redirect(region, url_for("dialogues.console", session_id=session_id))


def refused_on_console(session_id: int, refusal: MoveRefused, category: str = "info"):
    """A step someone else has already taken, or one the session no longer allows: said on the fresh console."""
    db.session.rollback()
    return _back_to_console(session_id, refusal.message, category)


@bp.post("/dialogues/<int:session_id>/<any(open, pause, resume):move>")
@moderation_limit
def move(session_id: int, move: str):
    """Open the session, pause it for a break, or resume it: moderators and admins."""
    dialogue = _moderated_session(session_id)
    to = SessionState.PAUSED if move == "pause" else SessionState.LIVE
    try:
        move_session(dialogue, to, current_user)
    except MoveRefused as refusal:
        return refused_on_console(session_id, refusal, "error")
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
    except MoveRefused:
        db.session.rollback()
        return _back_to_console(session_id, _("The session is already closed."), "error")
    db.session.commit()
    flash(_("The session is closed; its minutes are public."), "success")
    return redirect_to(url_for("dialogues.show", session_id=session_id))


@bp.post("/dialogues/<int:session_id>/hall")
@moderation_limit
def hall_question(session_id: int):
    """Type in a question said aloud in the hall, for a named or anonymous person: moderators, while it runs."""
    dialogue = _running_session(session_id)
    form = HallQuestionForm()
    if not form.validate_on_submit():
        return render(
            "dialogues/console.html",
            block="hall",
            status=INVALID,
            tag="",
            **{**_console_context(dialogue), "hall_form": form},
        )
    ask_for(
        dialogue,
        current_user,
        form.body.data,
        form.speaker_name.data or "",
        form.submission_key.data,
        lang=current_lang(),  # typed in as said, most likely in the moderator's language
    )
    db.session.commit()
    added = {"dialogue": dialogue, "hall_form": HallQuestionForm(formdata=None), "added": True}
    return fragment_or_redirect(
        lambda: render("dialogues/console.html", block="hall", tag="", **added),
        url_for("dialogues.console", session_id=session_id),
        _("The question from the hall is on the list."),
        trigger="dialogue-changed",
    )


@bp.post("/dialogues/<int:session_id>/current/clear")
@moderation_limit
def clear(session_id: int):
    """Take the current question off the screen without answering it: moderators and admins."""
    dialogue = _moderated_session(session_id)
    clear_current(dialogue, current_user)
    db.session.commit()
    return _back_to_console(session_id)


def _moderated_session(session_id: int):
    """Load a session for a console step and check the user may run sessions."""
    dialogue = session_or_404(session_id)
    ensure(can_run_dialogues(current_user))
    return dialogue


def _running_session(session_id: int):
    """Load a session that is not closed yet for a console step; MoveRefused once it is closed."""
    dialogue = _moderated_session(session_id)
    if dialogue.state.is_over:
        raise MoveRefused(_("The session is closed; only its record remains."))
    return dialogue


def question_being_moderated(question_id: int):
    """Load a question of a session that is not closed yet for a console step."""
    question = question_or_404(question_id)
    ensure(can_run_dialogues(current_user))
    if question.session.state.is_over:
        raise MoveRefused(_("The session is closed; only its record remains."))
    return question


@bp.post("/dialogues/questions/<int:question_id>/<any(approve, current, restore, reopen):step>")
@moderation_limit
def simple_step(question_id: int, step: str):
    """Approve a pending question, put one to the deputies, restore a hidden one or reopen an answered one:
    moderators and admins. A step another moderator has already taken is reported, not repeated."""
    question = question_being_moderated(question_id)
    action = {
        "approve": approve_question,
        "current": set_current,
        "restore": restore_question,
        "reopen": reopen_question,
    }[step]
    try:
        action(question, current_user)
    except MoveRefused as refusal:
        return refused_on_console(question.session_id, refusal)
    db.session.commit()
    return _back_to_console(question.session_id)


@bp.post("/dialogues/questions/<int:question_id>/<any(hide, answer, correct, merge):step>")
@moderation_limit
def step_with_form(question_id: int, step: str):
    """Hide with a reason, mark answered with a note, correct the wording, or merge into another question:
    moderators and admins."""
    question = question_being_moderated(question_id)
    form = {"hide": ReasonForm, "answer": AnswerForm, "correct": CorrectionForm, "merge": MergeForm}[step]()
    if not form.validate_on_submit():
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        if not wants_fragment():
            flash(message, "error")
            return render("dialogues/console.html", status=INVALID, tag="", **_console_context(question.session))
        return _back_to_console(question.session_id, message, "error")
    try:
        if step == "hide":
            hide_question(question, current_user, form.reason.data)
        elif step == "answer":
            answer_question(question, current_user, form.note.data)
        elif step == "correct":
            correct_question(question, current_user, form.body.data)
        else:
            merge_question(question, form.into.data, current_user)
    except MoveRefused as refusal:
        return refused_on_console(question.session_id, refusal)
    db.session.commit()
    return _back_to_console(question.session_id)
