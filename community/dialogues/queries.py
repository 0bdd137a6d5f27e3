"""What the dialogue pages read: session lists, a session or question by number, the open and answered
questions, the console's queues, the big screen's next questions and the minutes, each in a fixed number of
queries."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import func, select, union
from sqlalchemy.orm import joinedload, selectinload

from community.appeals.models import Appeal
from community.core.lists import ListFilters, page_number
from community.dialogues.models import (
    PUBLIC_STATES,
    DialogueSession,
    Question,
    QuestionState,
    QuestionVote,
    SessionLogEntry,
    SessionState,
)
from community.extensions import db
from community.places.models import Locality
from community.places.services import locality_arg, within

PER_PAGE = 20
LIST_LIMIT = 100
Q = QuestionState

# The columns of a session's minutes as CSV (the open-data page documents them).
MINUTES_FIELDS = (
    "question_id",
    "state",
    "votes",
    "question",
    "asked_by",
    "answer_note",
    "answered_at",
    "pledge_url",
    "issue_url",
)


@dataclass
class SessionFilters(ListFilters):
    """What the session list is narrowed to; unknown values are ignored."""

    locality: Locality | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "SessionFilters":
        """Read the filters from a query string."""
        return cls(locality_arg(args), page_number(args))

    def query_values(self) -> dict:
        """The filters as query arguments."""
        return {"place": self.locality.slug if self.locality else None}


def _listed(filters: SessionFilters, *states: SessionState):
    statement = (
        db.select(DialogueSession)
        .where(DialogueSession.state.in_(states))
        .options(joinedload(DialogueSession.locality))
    )
    return within(statement, DialogueSession.locality_id, filters.locality)


def session_lists(filters: SessionFilters) -> dict:
    """Live and upcoming sessions (soonest first) and one page of past ones (latest first)."""
    live = _listed(filters, SessionState.LIVE, SessionState.PAUSED).order_by(DialogueSession.scheduled_at)
    upcoming = _listed(filters, SessionState.SCHEDULED).order_by(DialogueSession.scheduled_at, DialogueSession.id)
    past = _listed(filters, SessionState.CLOSED).order_by(DialogueSession.closed_at.desc(), DialogueSession.id)
    return {
        "live": list(db.session.scalars(live.limit(LIST_LIMIT))),
        "upcoming": list(db.session.scalars(upcoming.limit(LIST_LIMIT))),
        "past": db.paginate(past, page=filters.page, per_page=PER_PAGE, error_out=False),
    }


def live_and_upcoming(locality: Locality | None, count: int) -> list[DialogueSession]:
    """Sessions running now first, then the next announced ones, in and under a locality; one query."""
    running = DialogueSession.state.in_((SessionState.LIVE, SessionState.PAUSED))
    statement = _listed(SessionFilters(locality), SessionState.LIVE, SessionState.PAUSED, SessionState.SCHEDULED)
    return list(db.session.scalars(statement.order_by(running.desc(), DialogueSession.scheduled_at).limit(count)))


def sessions_of_event(event_id: int) -> list[DialogueSession]:
    """The dialogue sessions held at an event, for its page."""
    return list(
        db.session.scalars(
            db.select(DialogueSession)
            .where(DialogueSession.event_id == event_id)
            .order_by(DialogueSession.scheduled_at)
            .limit(LIST_LIMIT)
        )
    )


def session_or_404(session_id: int) -> DialogueSession:
    """A session with its place, moderator, event, deputies and current question loaded; 404 when missing."""
    found = db.session.scalar(
        db.select(DialogueSession)
        .where(DialogueSession.id == session_id)
        .options(
            joinedload(DialogueSession.locality),
            joinedload(DialogueSession.moderator),
            joinedload(DialogueSession.event),
            selectinload(DialogueSession.deputies),
            joinedload(DialogueSession.current_question).joinedload(Question.author),
        )
    )
    if found is None:
        abort(404)
    return found


def question_or_404(question_id: int) -> Question:
    """A question with its session and author loaded; 404 when missing."""
    found = db.session.scalar(
        db.select(Question)
        .where(Question.id == question_id)
        .options(joinedload(Question.session), joinedload(Question.author))
    )
    if found is None:
        abort(404)
    return found


def _questions(dialogue: DialogueSession, *states: QuestionState):
    return (
        db.select(Question)
        .where(Question.session_id == dialogue.id, Question.state.in_(states))
        .options(joinedload(Question.author))
    )


def open_questions(dialogue: DialogueSession, by_votes: bool = True, limit: int = LIST_LIMIT) -> list[Question]:
    """The open questions, most voted or newest first (the current one included)."""
    order = (
        (Question.vote_count.desc(), Question.approved_at, Question.id)
        if by_votes
        else (Question.approved_at.desc(), Question.id.desc())
    )
    return list(db.session.scalars(_questions(dialogue, Q.APPROVED).order_by(*order).limit(limit)))


def answered_questions(dialogue: DialogueSession, limit: int = LIST_LIMIT) -> list[Question]:
    """Answered and promised questions, latest answer first, with their linked pledge or issue."""
    return list(
        db.session.scalars(
            _questions(dialogue, Q.ANSWERED, Q.PROMISED)
            .options(joinedload(Question.pledge), joinedload(Question.thread))
            .order_by(Question.answered_at.desc(), Question.id.desc())
            .limit(limit)
        )
    )


def pending_of(dialogue: DialogueSession, user) -> list[Question]:
    """The user's own questions still waiting for approval; only they and moderators see them."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            db.select(Question)
            .where(Question.session_id == dialogue.id, Question.author_id == user.id, Question.state == Q.PENDING)
            .order_by(Question.id)
        )
    )


def votes_of(user, questions: list[Question]) -> set[int]:
    """Which of these questions the user has voted for."""
    if not getattr(user, "is_authenticated", False) or not questions:
        return set()
    return set(
        db.session.scalars(
            db.select(QuestionVote.question_id).where(
                QuestionVote.user_id == user.id, QuestionVote.question_id.in_([q.id for q in questions])
            )
        )
    )


def console_lists(dialogue: DialogueSession) -> dict:
    """What moderators work from: the pending queue (oldest first), open, answered and hidden questions,
    with authors, and the latest steps of every moderator of the session."""
    pending = list(
        db.session.scalars(
            _questions(dialogue, Q.PENDING)
            .options(joinedload(Question.entered_by))
            .order_by(Question.id)
            .limit(LIST_LIMIT)
        )
    )
    hidden = list(
        db.session.scalars(_questions(dialogue, Q.HIDDEN).order_by(Question.hidden_at.desc()).limit(LIST_LIMIT))
    )
    log = list(
        db.session.scalars(
            db.select(SessionLogEntry)
            .where(SessionLogEntry.session_id == dialogue.id)
            .options(joinedload(SessionLogEntry.actor))
            .order_by(SessionLogEntry.id.desc())
            .limit(15)
        )
    )
    return {
        "pending": pending,
        "open": open_questions(dialogue),
        "answered": answered_questions(dialogue),
        "hidden": hidden,
        "log": log,
    }


def screen_lists(dialogue: DialogueSession, count: int = 5) -> list[Question]:
    """The next questions by votes for the big screen, the current one left out."""
    statement = _questions(dialogue, Q.APPROVED).order_by(Question.vote_count.desc(), Question.approved_at, Question.id)
    if dialogue.current_question_id:
        statement = statement.where(Question.id != dialogue.current_question_id)
    return list(db.session.scalars(statement.limit(count)))


def participant_count(dialogue: DialogueSession) -> int:
    """Residents who asked or voted, each counted once; questions that were turned down do not count."""
    askers = select(Question.author_id.label("user_id")).where(
        Question.session_id == dialogue.id, Question.author_id.is_not(None), Question.state.in_(PUBLIC_STATES)
    )
    voters = (
        select(QuestionVote.user_id)
        .join(Question, Question.id == QuestionVote.question_id)
        .where(Question.session_id == dialogue.id, Question.state.in_(PUBLIC_STATES))
    )
    people = union(askers, voters).subquery()
    return db.session.scalar(select(func.count()).select_from(people)) or 0


def minutes_of(dialogue: DialogueSession) -> dict:
    """The record of a session: answered questions with notes, open ones, commitments and figures."""
    answered = list(
        db.session.scalars(
            _questions(dialogue, Q.ANSWERED, Q.PROMISED)
            .options(
                joinedload(Question.pledge),
                joinedload(Question.thread),
                joinedload(Question.appeal).joinedload(Appeal.deputy),
            )
            .order_by(Question.answered_at, Question.id)
        )
    )
    still_open = list(
        db.session.scalars(
            _questions(dialogue, Q.APPROVED)
            .options(joinedload(Question.thread), joinedload(Question.appeal).joinedload(Appeal.deputy))
            .order_by(Question.vote_count.desc(), Question.id)
        )
    )
    return {
        "answered": answered,
        "open": still_open,
        "commitments": [q for q in answered + still_open if q.pledge_id or q.thread_id or q.appeal_id],
        "participants": participant_count(dialogue),
        "questions": dialogue.public_count,
    }
