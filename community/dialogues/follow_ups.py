"""What a session's questions become beyond it: a promised follow-up recorded as the deputy's pledge, a question
left open turned into a local issue or sent to a deputy as its asker's appeal. Each links the question, logs the
step and writes its audit row in the same transaction (services.py has the shared steps)."""

from community.accounts.models import User
from community.core.db import utcnow
from community.core.states import MoveRefused
from community.core.text import plain_line
from community.core.writes import update_row
from community.dialogues.models import TOO_LATE, Question, Step, log_step
from community.dialogues.services import Q, audit_question_move, audit_step, mark_changed, promise_follow_up
from community.extensions import db


def make_follow_up_pledge(question: Question, by: User, deputy, submission_key: str, source_url: str, **fields):
    """Record a promised follow-up: a pledge of the deputy, sourced to this session, and the question linked to
    it. A repeated submission finds the same pledge. Returns the pledge."""
    from community.pledges.services import add_pledge

    dialogue = question.session
    pledge, new = add_pledge(
        deputy,
        by,
        submission_key,
        audited=False,  # the question's entry names the pledge
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
        mark_changed(question.session_id)
        log_step(question.session_id, Step.TO_ISSUE, by, question.id, f"#{thread.id}")
        db.session.expire(question)
        from community.admin.models import AuditAction

        audit_step(by, AuditAction.QUESTION_TO_ISSUE, question, {"thread": None}, {"thread": f"#{thread.id}"})
    return thread


def question_to_appeal(question: Question, by: User, deputy, category, submission_key: str, promised: str = ""):
    """Send a question to a deputy as its asker's public appeal (anonymous if they asked anonymously; they follow
    it): one left open at a session, or, with what was `promised` in the hall, a follow-up the deputy owes an answer
    on, already received. One appeal per question, whoever presses first. Raises MoveRefused for a question typed
    in for someone without an account, or one handled meanwhile. Returns the appeal."""
    from community.admin.models import AuditAction
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
        was = question.move_to(
            Q.PROMISED, by, Step.PROMISE, promised, answer_note=promised, answered_at=utcnow(), appeal_id=appeal.id
        )
        audit_question_move(by, AuditAction.QUESTION_PROMISED, question, was, note=promised, appeal=f"#{appeal.id}")
        return appeal
    if not update_row(
        Question, question.id, Question.appeal_id.is_(None), Question.state == Q.APPROVED, appeal_id=appeal.id
    ):
        raise MoveRefused(TOO_LATE)
    mark_changed(question.session_id)
    log_step(question.session_id, Step.TO_APPEAL, by, question.id, f"#{appeal.id}")
    db.session.expire(question)
    audit_step(by, AuditAction.QUESTION_TO_APPEAL, question, {"appeal": None}, {"appeal": f"#{appeal.id}"})
    return appeal
