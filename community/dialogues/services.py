"""Dialogue workflows: sessions, questions, votes, moderation steps and commitments (reads are in queries.py).

Every change anyone could see raises the session's version in the same transaction, so an open page
learns that nothing changed from one indexed read (core/live.py). Moves are guarded UPDATEs (WHERE
state = was, models.py), so two moderators acting on one question at once cannot both succeed. Rows
are locked question first, then session, everywhere.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, insert, literal, select

from community.accounts.models import User
from community.core.db import utcnow
from community.core.states import MoveRefused
from community.core.text import plain_line
from community.core.writes import add_once, bump, insert_once, remove_once, update_row
from community.dialogues.models import (
    COUNTERS,
    TOO_LATE,
    DialogueSession,
    Question,
    QuestionState,
    QuestionVote,
    SessionState,
    Step,
    log_step,
)
from community.extensions import db

QUESTION_LENGTH = 300
Q = QuestionState
MERGE_REFUSED = _l("A question can only be merged into another open question of the same session.")


def audit_step(by: User, action, about: "Question | DialogueSession", before: dict | None, after: dict | None) -> None:
    """Write a moderator's step on a question or a session to the audit log (the question's asker is the account
    concerned), in the step's transaction."""
    from community.admin.services import record

    if isinstance(about, Question):
        record(by, action, f"question:{about.id}", before, after, target_user=about.author)
    else:
        record(by, action, f"session:{about.id}", before, after)


def audit_question_move(by: User, action, question: Question, was: QuestionState, **after) -> None:
    """Write a question's move to the audit log: its state before and after, with what the step added."""
    audit_step(by, action, question, {"question_state": was.value}, {"question_state": question.state.value, **after})


# What the audit log writes of a session: the fields the session form changes.
SESSION_FIELDS = ("title", "topic", "description", "scheduled_at", "locality_id", "event_id", "premoderation")


def _session_values(dialogue: DialogueSession) -> dict:
    """A session's details as the audit log writes them."""
    values = {name: getattr(dialogue, name) for name in SESSION_FIELDS}
    return {**values, "deputies": sorted(deputy.name for deputy in dialogue.deputies)}


def mark_changed(session_id: int, **counters: int) -> None:
    """Raise the session's version, so every open page refreshes, and move its kept counts by the given amounts."""
    bump(DialogueSession, session_id, version=1, **counters)


def create_session(moderator: User, deputies=(), **fields) -> DialogueSession:
    """Announce a session; the creating moderator leads it. Flushes."""
    from community.admin.models import AuditAction
    from community.admin.services import changed_values

    created = DialogueSession(moderator_id=moderator.id, **fields)
    created.deputies = list(deputies)
    db.session.add(created)
    db.session.flush()
    audit_step(moderator, AuditAction.SESSION_CREATED, created, None, changed_values({}, _session_values(created))[1])
    return created


def move_session(dialogue: DialogueSession, to: SessionState, by: User, summary: str | None = None) -> None:
    """Open, pause, resume or close a session (DialogueSession.move_to, whose refusals these are), write it to the
    audit log and tell its followers when it goes live the first time and when it closes. Moderators and admins."""
    from community.admin.models import AuditAction
    from community.notifications.follows import tell_dialogue_closed, tell_dialogue_live

    was = dialogue.move_to(to, by, summary=summary)
    action = {
        SessionState.LIVE: AuditAction.SESSION_OPENED if was is SessionState.SCHEDULED else AuditAction.SESSION_RESUMED,
        SessionState.PAUSED: AuditAction.SESSION_PAUSED,
        SessionState.CLOSED: AuditAction.SESSION_CLOSED,
    }[to]
    after = {"session_state": to.value}
    if to is SessionState.CLOSED and summary:
        after["summary"] = summary
    audit_step(by, action, dialogue, {"session_state": was.value}, after)
    if to is SessionState.LIVE:
        tell_dialogue_live(dialogue, by.id)  # a resume is under the same key: told once
    elif to is SessionState.CLOSED:
        tell_dialogue_closed(dialogue, by.id, summary or "")


def edit_session(dialogue: DialogueSession, by: User, deputies=None, **fields) -> None:
    """Change a session's details and write the changed ones to the audit log; everyone's open page shows them on
    its next refresh. Moderators and admins."""
    from community.admin.models import AuditAction
    from community.admin.services import changed_values

    before = _session_values(dialogue)
    for name, value in fields.items():
        setattr(dialogue, name, value)
    if deputies is not None:
        dialogue.deputies = list(deputies)
    db.session.flush()
    mark_changed(dialogue.id)
    was, now = changed_values(before, _session_values(dialogue))
    if now:
        audit_step(by, AuditAction.SESSION_EDITED, dialogue, was, now)


def _add_question(question: Question) -> tuple[Question, bool]:
    """Insert once per submission key and count it; a repeated submission returns the first question."""
    question, new = insert_once(question, session_id=question.session_id, submission_key=question.submission_key)
    if new:
        mark_changed(question.session_id, **{COUNTERS[question.state]: 1})
    return question, new


def ask_question(
    dialogue: DialogueSession, author: User, body: str, anonymous: bool, submission_key: str, lang: str | None = None
) -> tuple[Question, bool]:
    """A resident's question (asked in lang, when known): waiting for approval under pre-moderation, else shown at
    once; the asker follows the session (which they may undo). Flushes."""
    from community.notifications.follows import follow
    from community.notifications.models import FollowTarget

    state = Q.PENDING if dialogue.premoderation else Q.APPROVED
    question, new = _add_question(
        Question(
            session_id=dialogue.id,
            author_id=author.id,
            body=plain_line(body, QUESTION_LENGTH),
            lang=lang,
            anonymous=anonymous,
            state=state,
            submission_key=submission_key,
            approved_at=None if state is Q.PENDING else utcnow(),
        )
    )
    if new:
        follow(author, FollowTarget.DIALOGUE, dialogue.id)
    return question, new


def ask_for(
    dialogue: DialogueSession,
    moderator: User,
    body: str,
    speaker_name: str,
    submission_key: str,
    lang: str | None = None,
) -> tuple[Question, bool]:
    """A question said aloud in the hall, typed in by a moderator for a named or anonymous person; shown at once."""
    speaker = plain_line(speaker_name, 100)
    question, new = _add_question(
        Question(
            session_id=dialogue.id,
            entered_by_id=moderator.id,
            speaker_name=speaker,
            anonymous=not speaker,
            body=plain_line(body, QUESTION_LENGTH),
            lang=lang,
            state=Q.APPROVED,
            approved_at=utcnow(),
            submission_key=submission_key,
        )
    )
    if new:
        from community.admin.models import AuditAction

        log_step(dialogue.id, Step.ASK_FOR, moderator, question.id)
        audit_step(moderator, AuditAction.QUESTION_ADDED, question, None, {"body": question.body, "speaker": speaker})
    return question, new


def _lock_if(question_id: int, *states: QuestionState) -> bool:
    """Lock the question's row if it is in one of the states (a no-op write); False when it is not."""
    return update_row(Question, question_id, Question.state.in_(states), vote_count=Question.vote_count)


def approve_question(question: Question, by: User) -> None:
    """Show a pending question to everyone; its asker is told."""
    from community.admin.models import AuditAction

    was = question.move_to(Q.APPROVED, by, Step.APPROVE, only_from=(Q.PENDING,), approved_at=utcnow())
    audit_question_move(by, AuditAction.QUESTION_APPROVED, question, was)
    _tell_asker(question, "question_approved", by)


def _tell_asker(question: Question, kind_name: str, by: User, note: str = "") -> None:
    """Tell the resident who asked (from their phone) what became of their question."""
    from community.notifications.models import NotificationKind  # the notifications know the dialogues
    from community.notifications.services import notify

    kind = NotificationKind(kind_name)
    key = f"{kind.value}-{question.id}-{utcnow():%Y%m%d%H%M%S%f}"
    notify([question.author_id], kind, key, actor_id=by.id, excerpt=note, question_id=question.id)


def hide_question(question: Question, by: User, reason: str) -> None:
    """Take a question out of every public list, with a reason moderators see."""
    from community.admin.models import AuditAction

    reason = plain_line(reason, 500)
    was = question.move_to(
        Q.HIDDEN, by, Step.HIDE, reason, hidden_at=utcnow(), hidden_by_id=by.id, hidden_reason=reason
    )
    audit_question_move(by, AuditAction.QUESTION_HIDDEN, question, was, reason=reason)


def withdraw_question(question: Question, by: User) -> None:
    """The author takes their question back: it leaves every public list like a hidden one, marked as theirs."""
    question.move_to(Q.HIDDEN, by, Step.WITHDRAW, hidden_at=utcnow(), hidden_by_id=by.id, hidden_reason="")


def restore_question(question: Question, by: User) -> None:
    """Bring a hidden question back to the open list."""
    from community.admin.models import AuditAction

    was = question.move_to(
        Q.APPROVED,
        by,
        Step.RESTORE,
        only_from=(Q.HIDDEN,),
        hidden_at=None,
        hidden_by_id=None,
        hidden_reason="",
        approved_at=question.approved_at or utcnow(),
    )
    audit_question_move(by, AuditAction.QUESTION_RESTORED, question, was)


def reopen_question(question: Question, by: User) -> None:
    """Put an answered question back in the open list (it was marked answered by mistake)."""
    from community.admin.models import AuditAction

    note = question.answer_note
    was = question.move_to(Q.APPROVED, by, Step.REOPEN, only_from=(Q.ANSWERED,), answer_note="", answered_at=None)
    audit_step(
        by,
        AuditAction.QUESTION_REOPENED,
        question,
        {"question_state": was.value, "note": note},
        {"question_state": question.state.value, "note": ""},
    )


def answer_question(question: Question, by: User, note: str) -> None:
    """Move a question to the answered list with the moderator's short note of the answer."""
    from community.admin.models import AuditAction

    note = plain_line(note, 1000)
    was = question.move_to(Q.ANSWERED, by, Step.ANSWER, note, answer_note=note, answered_at=utcnow())
    audit_question_move(by, AuditAction.QUESTION_ANSWERED, question, was, note=note)
    _tell_asker(question, "question_answered", by, note)


def promise_follow_up(question: Question, by: User, note: str, pledge_id: int) -> None:
    """Record that a deputy promised a follow-up, linked to the pledge made of it."""
    from community.admin.models import AuditAction

    was = question.move_to(
        Q.PROMISED, by, Step.PROMISE, note, answer_note=note, answered_at=utcnow(), pledge_id=pledge_id
    )
    audit_question_move(by, AuditAction.QUESTION_PROMISED, question, was, note=note, pledge=f"#{pledge_id}")
    _tell_asker(question, "question_answered", by, note)


def correct_question(question: Question, by: User, body: str) -> None:
    """Fix a typo; the first wording is kept and the page says the question was edited by a moderator."""
    from community.admin.models import AuditAction

    body = plain_line(body, QUESTION_LENGTH)
    if body == question.body:
        return
    was = question.body
    changed = update_row(
        Question,
        question.id,
        Question.body == question.body,
        Question.state.in_((Q.PENDING, Q.APPROVED)),
        body=body,
        original_body=question.original_body or question.body,
        edited_at=utcnow(),
        edited_by_id=by.id,
    )
    if not changed:
        raise MoveRefused(TOO_LATE)
    mark_changed(question.session_id)
    log_step(question.session_id, Step.EDIT, by, question.id)
    db.session.expire(question)
    audit_step(by, AuditAction.QUESTION_CORRECTED, question, {"body": was}, {"body": body})


def merge_question(duplicate: Question, into: Question | int, by: User) -> None:
    """Fold a duplicate into another open question (or its number) of the session: its voters vote for the
    other, once each. Raises MoveRefused when there is no such open question, or the duplicate itself was
    handled meanwhile."""
    if isinstance(into, int):
        into = db.session.get(Question, into)
        if into is None:
            raise MoveRefused(MERGE_REFUSED)
    if duplicate.id == into.id or duplicate.session_id != into.session_id:
        raise MoveRefused(MERGE_REFUSED)
    # Both rows are locked lowest number first, so two moderators merging A into B and B into A wait, not deadlock.
    for question_id in sorted((duplicate.id, into.id)):
        _lock_if(question_id, *QuestionState)
    db.session.refresh(duplicate, ["state"])
    if not _lock_if(into.id, Q.APPROVED):
        raise MoveRefused(MERGE_REFUSED)
    from community.admin.models import AuditAction

    was = duplicate.move_to(Q.MERGED, by, Step.MERGE, f"#{into.id}", merged_into_id=into.id)
    audit_question_move(by, AuditAction.QUESTION_MERGED, duplicate, was, merged_into=f"#{into.id}")
    mine = QuestionVote.__table__
    theirs = mine.alias("theirs")
    db.session.execute(
        insert(mine).from_select(
            ["question_id", "user_id", "created_at"],
            select(literal(into.id), mine.c.user_id, mine.c.created_at).where(
                mine.c.question_id == duplicate.id,
                ~select(theirs.c.id)
                .where(and_(theirs.c.question_id == into.id, theirs.c.user_id == mine.c.user_id))
                .exists(),
            ),
        )
    )
    counted = select(func.count(mine.c.id)).where(mine.c.question_id == into.id).scalar_subquery()
    update_row(Question, into.id, vote_count=counted)


def set_current(question: Question, by: User) -> None:
    """Put an open question to the deputies now, while the session runs; the previous one stops being current. The
    audit log has it when it changed which question is current."""
    from community.admin.models import AuditAction

    before = db.session.scalar(
        select(DialogueSession.current_question_id).where(DialogueSession.id == question.session_id)
    )
    running = DialogueSession.state.in_((SessionState.LIVE, SessionState.PAUSED))
    if not _lock_if(question.id, Q.APPROVED) or not bump(
        DialogueSession, question.session_id, running, version=1, values={"current_question_id": question.id}
    ):
        raise MoveRefused(TOO_LATE)
    log_step(question.session_id, Step.CURRENT, by, question.id)
    if before != question.id:
        audit_step(
            by, AuditAction.QUESTION_CURRENT, question, {"current": _number(before)}, {"current": f"#{question.id}"}
        )
    _tell_asker(question, "question_current", by)


def _number(question_id: int | None) -> str | None:
    """A question's number as the log writes it, or None."""
    return f"#{question_id}" if question_id is not None else None


def clear_current(dialogue: DialogueSession, by: User) -> None:
    """No question is before the deputies now; the audit log has it when one was. Moderators and admins."""
    from community.admin.models import AuditAction

    was = db.session.scalar(select(DialogueSession.current_question_id).where(DialogueSession.id == dialogue.id))
    bump(DialogueSession, dialogue.id, version=1, values={"current_question_id": None})
    if was is not None:
        audit_step(by, AuditAction.CURRENT_CLEARED, dialogue, {"current": _number(was)}, {"current": None})


def vote(user: User, question: Question, wanted: bool) -> bool:
    """Give or take back the user's vote; saying the same twice changes nothing. False when the
    question no longer takes votes. The question's row is locked first, so a merge sees every vote."""
    if not _lock_if(question.id, Q.APPROVED):
        return False
    if wanted:
        changed = add_once(QuestionVote(question_id=question.id, user_id=user.id))
    else:
        changed = remove_once(QuestionVote, question_id=question.id, user_id=user.id)
    if changed:
        bump(Question, question.id, vote_count=1 if wanted else -1)
        mark_changed(question.session_id)
    return True
