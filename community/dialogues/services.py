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


def _changed(session_id: int, **counters: int) -> None:
    """Raise the session's version, so every open page refreshes, and move its kept counts by the given amounts."""
    bump(DialogueSession, session_id, version=1, **counters)


def create_session(moderator: User, deputies=(), **fields) -> DialogueSession:
    """Announce a session; the creating moderator leads it. Flushes."""
    created = DialogueSession(moderator_id=moderator.id, **fields)
    created.deputies = list(deputies)
    db.session.add(created)
    db.session.flush()
    return created


def move_session(dialogue: DialogueSession, to: SessionState, by: User, summary: str | None = None) -> None:
    """Open, pause, resume or close a session (DialogueSession.move_to, whose refusals these are) and tell its
    followers when it goes live the first time and when it closes. Moderators and admins."""
    from community.notifications.follows import tell_dialogue_closed, tell_dialogue_live

    dialogue.move_to(to, by, summary=summary)
    if to is SessionState.LIVE:
        tell_dialogue_live(dialogue, by.id)  # a resume is under the same key: told once
    elif to is SessionState.CLOSED:
        tell_dialogue_closed(dialogue, by.id, summary or "")


def edit_session(dialogue: DialogueSession, deputies=None, **fields) -> None:
    """Change a session's details; everyone's open page shows them on its next refresh."""
    for name, value in fields.items():
        setattr(dialogue, name, value)
    if deputies is not None:
        dialogue.deputies = list(deputies)
    db.session.flush()
    _changed(dialogue.id)


def _add_question(question: Question) -> tuple[Question, bool]:
    """Insert once per submission key and count it; a repeated submission returns the first question."""
    question, new = insert_once(question, session_id=question.session_id, submission_key=question.submission_key)
    if new:
        _changed(question.session_id, **{COUNTERS[question.state]: 1})
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
        log_step(dialogue.id, Step.ASK_FOR, moderator, question.id)
    return question, new


def _lock_if(question_id: int, *states: QuestionState) -> bool:
    """Lock the question's row if it is in one of the states (a no-op write); False when it is not."""
    return update_row(Question, question_id, Question.state.in_(states), vote_count=Question.vote_count)


def approve_question(question: Question, by: User) -> None:
    """Show a pending question to everyone; its asker is told."""
    question.move_to(Q.APPROVED, by, Step.APPROVE, only_from=(Q.PENDING,), approved_at=utcnow())
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
    reason = plain_line(reason, 500)
    question.move_to(Q.HIDDEN, by, Step.HIDE, reason, hidden_at=utcnow(), hidden_by_id=by.id, hidden_reason=reason)


def withdraw_question(question: Question, by: User) -> None:
    """The author takes their question back: it leaves every public list like a hidden one, marked as theirs."""
    question.move_to(Q.HIDDEN, by, Step.WITHDRAW, hidden_at=utcnow(), hidden_by_id=by.id, hidden_reason="")


def restore_question(question: Question, by: User) -> None:
    """Bring a hidden question back to the open list."""
    question.move_to(
        Q.APPROVED,
        by,
        Step.RESTORE,
        only_from=(Q.HIDDEN,),
        hidden_at=None,
        hidden_by_id=None,
        hidden_reason="",
        approved_at=question.approved_at or utcnow(),
    )


def reopen_question(question: Question, by: User) -> None:
    """Put an answered question back in the open list (it was marked answered by mistake)."""
    question.move_to(Q.APPROVED, by, Step.REOPEN, only_from=(Q.ANSWERED,), answer_note="", answered_at=None)


def answer_question(question: Question, by: User, note: str) -> None:
    """Move a question to the answered list with the moderator's short note of the answer."""
    note = plain_line(note, 1000)
    question.move_to(Q.ANSWERED, by, Step.ANSWER, note, answer_note=note, answered_at=utcnow())
    _tell_asker(question, "question_answered", by, note)


def promise_follow_up(question: Question, by: User, note: str, pledge_id: int) -> None:
    """Record that a deputy promised a follow-up, linked to the pledge made of it."""
    question.move_to(Q.PROMISED, by, Step.PROMISE, note, answer_note=note, answered_at=utcnow(), pledge_id=pledge_id)
    _tell_asker(question, "question_answered", by, note)


def correct_question(question: Question, by: User, body: str) -> None:
    """Fix a typo; the first wording is kept and the page says the question was edited by a moderator."""
    body = plain_line(body, QUESTION_LENGTH)
    if body == question.body:
        return
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
    _changed(question.session_id)
    log_step(question.session_id, Step.EDIT, by, question.id)
    db.session.expire(question)


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
    duplicate.move_to(Q.MERGED, by, Step.MERGE, f"#{into.id}", merged_into_id=into.id)
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
    """Put an open question to the deputies now, while the session runs; the previous one stops being current."""
    running = DialogueSession.state.in_((SessionState.LIVE, SessionState.PAUSED))
    if not _lock_if(question.id, Q.APPROVED) or not bump(
        DialogueSession, question.session_id, running, version=1, values={"current_question_id": question.id}
    ):
        raise MoveRefused(TOO_LATE)
    log_step(question.session_id, Step.CURRENT, by, question.id)
    _tell_asker(question, "question_current", by)


def clear_current(dialogue: DialogueSession) -> None:
    """No question is before the deputies now."""
    bump(DialogueSession, dialogue.id, version=1, values={"current_question_id": None})


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
        _changed(question.session_id)
    return True


def make_follow_up_pledge(question: Question, by: User, deputy, submission_key: str, source_url: str, **fields):
    """Record a promised follow-up: a pledge of the deputy, sourced to this session, and the question linked to
    it. A repeated submission finds the same pledge. Returns the pledge."""
    from community.pledges.services import add_pledge

    dialogue = question.session
    pledge, new = add_pledge(
        deputy,
        by,
        submission_key,
        source_url=source_url,
        made_on=utcnow().date(),
        source_description=plain_line(dialogue.title, 300),
        locality_id=dialogue.locality_id,
        **fields,
    )
    if new or question.pledge_id is None:
        promise_follow_up(question, by, plain_line(fields.get("title", ""), 1000), pledge.id)
    return pledge


def open_question_to_issue(question: Question, by: User, deputy, category, body: str, submission_key: str):
    """Turn a question left open into a public local issue addressed to a linked deputy, who answers it
    officially there. Returns the thread."""
    from community.threads.services import start_thread

    thread, new = start_thread(
        by,
        submission_key,
        title=plain_line(question.body, 160),
        body=body,
        locality_id=question.session.locality_id,
        category=category,
        addressed_to_id=deputy.user_id,
        lang=question.lang,  # the title is the question's
    )
    if new:
        if not update_row(
            Question, question.id, Question.thread_id.is_(None), Question.state == Q.APPROVED, thread_id=thread.id
        ):
            raise MoveRefused(TOO_LATE)
        _changed(question.session_id)
        log_step(question.session_id, Step.TO_ISSUE, by, question.id, f"#{thread.id}")
        db.session.expire(question)
    return thread


def question_to_appeal(question: Question, by: User, deputy, category, submission_key: str, promised: str = ""):
    """Send a question to a deputy as its asker's public appeal (anonymous if they asked anonymously; they follow
    it): one left open at a session, or, with what was `promised` in the hall, a follow-up the deputy owes an answer
    on, already received. One appeal per question, whoever presses first. Raises MoveRefused for a question typed
    in for someone without an account, or one handled meanwhile. Returns the appeal."""
    from community.appeals.models import AppealSource
    from community.appeals.services import acknowledge_appeal, send_appeal

    if question.author is None:
        raise MoveRefused(TOO_LATE)
    dialogue = question.session
    body = f"{question.body}\n\n— {plain_line(dialogue.title, 200)}"
    appeal, new = send_appeal(
        question.author,
        deputy,
        f"dialogue-{question.id}",  # one appeal per question, from any moderator's form
        subject=plain_line(question.body, 160),
        body=body,
        category=category,
        locality_id=dialogue.locality_id,
        public=True,
        anonymous=question.anonymous,
        source=AppealSource.DIALOGUE,
        lang=question.lang,
    )
    if not new:
        return appeal
    if promised:
        acknowledge_appeal(appeal, by, note=promised)
        question.move_to(
            Q.PROMISED, by, Step.PROMISE, promised, answer_note=promised, answered_at=utcnow(), appeal_id=appeal.id
        )
        return appeal
    if not update_row(
        Question, question.id, Question.appeal_id.is_(None), Question.state == Q.APPROVED, appeal_id=appeal.id
    ):
        raise MoveRefused(TOO_LATE)
    _changed(question.session_id)
    log_step(question.session_id, Step.TO_APPEAL, by, question.id, f"#{appeal.id}")
    db.session.expire(question)
    return appeal
