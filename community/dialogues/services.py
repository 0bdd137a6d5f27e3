"""Dialogue workflows: sessions, questions, votes, moderation steps, the live version, minutes.

Every change anyone could see raises the session's version in the same transaction, so an open page
learns that nothing changed from one indexed read. Moves are guarded UPDATEs (WHERE state IN …), so
two moderators acting on one question at once cannot both succeed. Rows are locked question first,
then session, everywhere.
"""

import hashlib
from dataclasses import dataclass

from flask import abort, request, session
from sqlalchemy import and_, delete, func, insert, literal, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from community.accounts.models import User
from community.accounts.services import SESSION_TOKEN_KEY
from community.core.db import utcnow
from community.core.i18n import LANG_COOKIE
from community.core.text import plain_line
from community.dialogues.models import (
    COUNTERS,
    PUBLIC_STATES,
    QUESTION_MOVES,
    SESSION_MOVES,
    DialogueSession,
    Question,
    QuestionMoveRefused,
    QuestionState,
    QuestionVote,
    SessionLogEntry,
    SessionMoveRefused,
    SessionState,
    Step,
)
from community.extensions import db
from community.places.models import Locality
from community.places.services import within

PER_PAGE = 20
LIST_LIMIT = 100
QUESTION_LENGTH = 300
Q = QuestionState


@dataclass
class SessionFilters:
    """What the session list is narrowed to; unknown values are ignored."""

    locality: Locality | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "SessionFilters":
        """Read the filters from a query string."""
        slug = args.get("place", "").strip()
        locality = db.session.scalar(db.select(Locality).filter_by(slug=slug)) if slug else None
        page = args.get("page", "")
        return cls(locality, int(page) if page.isdecimal() and 0 < int(page) < 10_000 else 1)

    def args(self, **changes) -> dict:
        """The filters as query arguments."""
        values = {"place": self.locality.slug if self.locality else None}
        values.update(changes)
        return {key: value for key, value in values.items() if value}


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


def session_version(session_id: int) -> int | None:
    """The session's version from one read that takes no write lock (None when there is no such session)."""
    # The option only applies when this read opens the transaction, as a poll's first read does.
    options = {} if db.session().in_transaction() else {"execution_options": {"readonly": True}}
    connection = db.session.connection(**options)
    return connection.scalar(select(DialogueSession.version).where(DialogueSession.id == session_id))


def live_tag(kind: str, version: int, *details: str, personal: bool = True) -> str:
    """The ETag of a live region: the session's version and what makes this viewer's copy differ (their
    sign-in unless the region is the same for everyone, their language), read without touching the database."""
    signed_in = str(session.get(SESSION_TOKEN_KEY) or "") if personal else ""
    viewer = "|".join([signed_in, request.cookies.get(LANG_COOKIE, ""), request.args.get("lang", ""), *details])
    digest = hashlib.sha256(viewer.encode()).hexdigest()[:16]
    return f"{kind}-{version}-{digest}"


class RenderedCopies:
    """The last few rendered copies of live regions that look the same to everyone who sees them (a visitor's
    page, the big screen), by ETag: while a session changes, each worker renders a version once, not once per
    poll. A copy under a version never goes stale, since every visible change raises the version."""

    def __init__(self, size: int = 64):
        import threading
        from collections import OrderedDict

        self.size = size
        self.copies: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, tag: str) -> str | None:
        """The copy rendered for this tag, if this worker has it."""
        with self.lock:
            return self.copies.get(tag)

    def clear(self) -> None:
        """Forget every copy (the tests empty the database between them)."""
        with self.lock:
            self.copies.clear()

    def put(self, tag: str, body: str) -> None:
        """Keep a copy, forgetting the oldest beyond the size."""
        with self.lock:
            self.copies[tag] = body
            while len(self.copies) > self.size:
                self.copies.popitem(last=False)


def _touch(session_id: int, **counters: int) -> None:
    """Raise the session's version, and move its kept counts by the given amounts."""
    values = {"version": DialogueSession.version + 1}
    for name, change in counters.items():
        if change:
            values[name] = getattr(DialogueSession, name) + change
    db.session.execute(
        update(DialogueSession)
        .where(DialogueSession.id == session_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _log(session_id: int, step: Step, by: User | None, question_id: int | None = None, note: str = "") -> None:
    db.session.add(
        SessionLogEntry(
            session_id=session_id, question_id=question_id, actor_id=by.id if by else None, step=step, note=note
        )
    )


def create_session(moderator: User, deputies=(), **fields) -> DialogueSession:
    """Announce a session; the creating moderator leads it. Flushes."""
    created = DialogueSession(moderator_id=moderator.id, **fields)
    created.deputies = list(deputies)
    db.session.add(created)
    db.session.flush()
    return created


def edit_session(dialogue: DialogueSession, deputies=None, **fields) -> None:
    """Change a session's details; everyone's open page shows them on its next refresh."""
    for name, value in fields.items():
        setattr(dialogue, name, value)
    if deputies is not None:
        dialogue.deputies = list(deputies)
    db.session.flush()
    _touch(dialogue.id)


def move_session(dialogue: DialogueSession, to: SessionState, by: User, summary: str | None = None) -> None:
    """Open, pause or close a session if it may move there from where it is; raises SessionMoveRefused."""
    values: dict = {"state": to, "version": DialogueSession.version + 1}
    if to is SessionState.LIVE and dialogue.opened_at is None:
        values["opened_at"] = utcnow()
    if to is SessionState.CLOSED:
        values.update(closed_at=utcnow(), current_question_id=None)
        if summary is not None:
            values["summary"] = summary
    moved = db.session.execute(
        update(DialogueSession)
        .where(DialogueSession.id == dialogue.id, DialogueSession.state.in_(SESSION_MOVES[to]))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise SessionMoveRefused
    step = {SessionState.LIVE: Step.OPEN, SessionState.PAUSED: Step.PAUSE, SessionState.CLOSED: Step.CLOSE}[to]
    _log(dialogue.id, step, by)
    db.session.expire(dialogue)


def _submitted(session_id: int, submission_key: str) -> Question | None:
    return db.session.scalar(db.select(Question).filter_by(session_id=session_id, submission_key=submission_key))


def _add_question(question: Question) -> tuple[Question, bool]:
    """Insert once per submission key and count it; a repeated submission returns the first question."""
    existing = _submitted(question.session_id, question.submission_key)
    if existing:
        return existing, False
    try:
        with db.session.begin_nested():
            db.session.add(question)
    except IntegrityError:
        existing = _submitted(question.session_id, question.submission_key)
        if existing is None:
            raise
        return existing, False
    _touch(question.session_id, **{COUNTERS[question.state]: 1})
    return question, True


def ask_question(
    dialogue: DialogueSession, author: User, body: str, anonymous: bool, submission_key: str
) -> tuple[Question, bool]:
    """A resident's question: waiting for approval under pre-moderation, else shown at once. Flushes."""
    state = Q.PENDING if dialogue.premoderation else Q.APPROVED
    return _add_question(
        Question(
            session_id=dialogue.id,
            author_id=author.id,
            body=plain_line(body, QUESTION_LENGTH),
            anonymous=anonymous,
            state=state,
            submission_key=submission_key,
            approved_at=None if state is Q.PENDING else utcnow(),
        )
    )


def ask_for(
    dialogue: DialogueSession, moderator: User, body: str, speaker_name: str, submission_key: str
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
            state=Q.APPROVED,
            approved_at=utcnow(),
            submission_key=submission_key,
        )
    )
    if new:
        _log(dialogue.id, Step.ASK_FOR, moderator, question.id)
    return question, new


def _lock_if(question_id: int, *states: QuestionState) -> bool:
    """Lock the question's row if it is in one of the states (a no-op write); False when it is not."""
    return (
        db.session.execute(
            update(Question)
            .where(Question.id == question_id, Question.state.in_(states))
            .values(vote_count=Question.vote_count)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def _move(
    question: Question,
    to: QuestionState,
    by: User,
    step: Step,
    note: str = "",
    only_from: tuple[QuestionState, ...] | None = None,
    **values,
) -> None:
    """Move a question if it is still where the move starts from (QUESTION_MOVES, narrowed by only_from);
    keep the counts, log it, clear it as current when it leaves the open list. Raises QuestionMoveRefused."""
    was = question.state
    if was not in QUESTION_MOVES[to] or (only_from and was not in only_from):
        raise QuestionMoveRefused
    moved = db.session.execute(
        update(Question)
        .where(Question.id == question.id, Question.state == was)
        .values(state=to, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise QuestionMoveRefused
    if was is Q.APPROVED:
        db.session.execute(
            update(DialogueSession)
            .where(DialogueSession.id == question.session_id, DialogueSession.current_question_id == question.id)
            .values(current_question_id=None)
            .execution_options(synchronize_session=False)
        )
    counts = {COUNTERS[was]: -1}
    if to in COUNTERS:  # answered → promised stays in one counter: the changes add up, they do not overwrite
        counts[COUNTERS[to]] = counts.get(COUNTERS[to], 0) + 1
    _touch(question.session_id, **counts)
    _log(question.session_id, step, by, question.id, note)
    db.session.expire(question)


def approve_question(question: Question, by: User) -> None:
    """Show a pending question to everyone."""
    _move(question, Q.APPROVED, by, Step.APPROVE, only_from=(Q.PENDING,), approved_at=utcnow())


def hide_question(question: Question, by: User, reason: str) -> None:
    """Take a question out of every public list, with a reason moderators see."""
    reason = plain_line(reason, 500)
    _move(question, Q.HIDDEN, by, Step.HIDE, reason, hidden_at=utcnow(), hidden_by_id=by.id, hidden_reason=reason)


def withdraw_question(question: Question, by: User) -> None:
    """The author takes their question back: it leaves every public list like a hidden one, marked as theirs."""
    _move(question, Q.HIDDEN, by, Step.WITHDRAW, hidden_at=utcnow(), hidden_by_id=by.id, hidden_reason="")


def restore_question(question: Question, by: User) -> None:
    """Bring a hidden question back to the open list."""
    _move(
        question,
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
    _move(question, Q.APPROVED, by, Step.REOPEN, only_from=(Q.ANSWERED,), answer_note="", answered_at=None)


def answer_question(question: Question, by: User, note: str) -> None:
    """Move a question to the answered list with the moderator's short note of the answer."""
    note = plain_line(note, 1000)
    _move(question, Q.ANSWERED, by, Step.ANSWER, note, answer_note=note, answered_at=utcnow())


def promise_follow_up(question: Question, by: User, note: str, pledge_id: int) -> None:
    """Record that a deputy promised a follow-up, linked to the pledge made of it."""
    _move(question, Q.PROMISED, by, Step.PROMISE, note, answer_note=note, answered_at=utcnow(), pledge_id=pledge_id)


def correct_question(question: Question, by: User, body: str) -> None:
    """Fix a typo; the first wording is kept and the page says the question was edited by a moderator."""
    body = plain_line(body, QUESTION_LENGTH)
    if body == question.body:
        return
    changed = db.session.execute(
        update(Question)
        .where(Question.id == question.id, Question.body == question.body, Question.state.in_((Q.PENDING, Q.APPROVED)))
        .values(
            body=body, original_body=question.original_body or question.body, edited_at=utcnow(), edited_by_id=by.id
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise QuestionMoveRefused
    _touch(question.session_id)
    _log(question.session_id, Step.EDIT, by, question.id)
    db.session.expire(question)


def merge_question(duplicate: Question, into: Question | int, by: User) -> None:
    """Fold a duplicate into another open question (or its number) of the session: its voters vote for the
    other, once each. Raises QuestionMoveRefused when there is no such open question."""
    if isinstance(into, int):
        into = db.session.get(Question, into)
        if into is None:
            raise QuestionMoveRefused
    if duplicate.id == into.id or duplicate.session_id != into.session_id:
        raise QuestionMoveRefused
    # Both rows are locked lowest number first, so two moderators merging A into B and B into A wait, not deadlock.
    for question_id in sorted((duplicate.id, into.id)):
        _lock_if(question_id, *QuestionState)
    db.session.refresh(duplicate, ["state"])
    if not _lock_if(into.id, Q.APPROVED):
        raise QuestionMoveRefused
    _move(duplicate, Q.MERGED, by, Step.MERGE, f"#{into.id}", merged_into_id=into.id)
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
    db.session.execute(
        update(Question)
        .where(Question.id == into.id)
        .values(vote_count=counted)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(into)


def set_current(question: Question, by: User) -> None:
    """Put an open question to the deputies now, while the session runs; the previous one stops being current."""
    if not _lock_if(question.id, Q.APPROVED):
        raise QuestionMoveRefused
    moved = db.session.execute(
        update(DialogueSession)
        .where(
            DialogueSession.id == question.session_id,
            DialogueSession.state.in_((SessionState.LIVE, SessionState.PAUSED)),
        )
        .values(current_question_id=question.id, version=DialogueSession.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise QuestionMoveRefused
    _log(question.session_id, Step.CURRENT, by, question.id)


def clear_current(dialogue: DialogueSession) -> None:
    """No question is before the deputies now."""
    db.session.execute(
        update(DialogueSession)
        .where(DialogueSession.id == dialogue.id)
        .values(current_question_id=None, version=DialogueSession.version + 1)
        .execution_options(synchronize_session=False)
    )


def vote(user: User, question: Question, wanted: bool) -> bool:
    """Give or take back the user's vote; saying the same twice changes nothing. False when the
    question no longer takes votes. The question's row is locked first, so a merge sees every vote."""
    if not _lock_if(question.id, Q.APPROVED):
        return False
    table = QuestionVote.__table__
    if wanted:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(table).values(question_id=question.id, user_id=user.id, created_at=utcnow()))
        except IntegrityError:
            return True
        change = 1
    else:
        removed = db.session.execute(
            delete(table).where(table.c.question_id == question.id, table.c.user_id == user.id)
        ).rowcount
        if not removed:
            return True
        change = -1
    db.session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(vote_count=Question.vote_count + change)
        .execution_options(synchronize_session=False)
    )
    _touch(question.session_id)
    db.session.expire(question, ["vote_count"])
    return True


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
            .options(joinedload(Question.pledge), joinedload(Question.thread))
            .order_by(Question.answered_at, Question.id)
        )
    )
    still_open = list(
        db.session.scalars(
            _questions(dialogue, Q.APPROVED)
            .options(joinedload(Question.thread))
            .order_by(Question.vote_count.desc(), Question.id)
        )
    )
    return {
        "answered": answered,
        "open": still_open,
        "commitments": [q for q in answered + still_open if q.pledge_id or q.thread_id],
        "participants": participant_count(dialogue),
        "questions": dialogue.public_count,
    }


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
    )
    if new:
        changed = db.session.execute(
            update(Question)
            .where(Question.id == question.id, Question.thread_id.is_(None), Question.state == Q.APPROVED)
            .values(thread_id=thread.id)
            .execution_options(synchronize_session=False)
        )
        if not changed.rowcount:
            raise QuestionMoveRefused
        _touch(question.session_id)
        _log(question.session_id, Step.TO_ISSUE, by, question.id, f"#{thread.id}")
        db.session.expire(question)
    return thread
