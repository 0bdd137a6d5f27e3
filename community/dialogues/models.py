"""Dialogue sessions and their questions; every move is a guarded write that also bumps the session's version."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.db import HideableMixin, LabelledEnum, UTCDateTime, enum_type, utcnow
from community.core.states import MoveRefused, Moves, move_state
from community.core.text import StoredMarkdown
from community.core.writes import bump, update_row
from community.extensions import db
from community.places.models import Locality


class SessionState(LabelledEnum):
    """Where a dialogue session stands: announced, running, on a break, or over."""

    SCHEDULED = "scheduled", _l("Upcoming")
    LIVE = "live", _l("Live now")
    PAUSED = "paused", _l("On a break")
    CLOSED = "closed", _l("Closed")

    @property
    def takes_questions(self) -> bool:
        """Questions and votes are taken before and during the session, not on a break or after it."""
        return self in (SessionState.SCHEDULED, SessionState.LIVE)

    @property
    def is_over(self) -> bool:
        """Closed: the session's page is its minutes and only its record remains."""
        return self is SessionState.CLOSED


S = SessionState
# The moves a session may make, from → to.
SESSION_MOVES = Moves({S.SCHEDULED: {S.LIVE, S.CLOSED}, S.LIVE: {S.PAUSED, S.CLOSED}, S.PAUSED: {S.LIVE, S.CLOSED}})
SESSION_REFUSED = _l("The session cannot do that from where it is now.")


class QuestionState(LabelledEnum):
    """Where a question stands; the current question is the one the session points at."""

    PENDING = "pending", _l("Waiting for approval")
    APPROVED = "approved", _l("Open")
    ANSWERED = "answered", _l("Answered")
    PROMISED = "promised", _l("Follow-up promised")
    HIDDEN = "hidden", _l("Hidden")
    MERGED = "merged", _l("Merged")

    @property
    def takes_votes(self) -> bool:
        """Only open questions are voted for."""
        return self is QuestionState.APPROVED

    @property
    def may_be_withdrawn(self) -> bool:
        """Its author may take a question back while it waits or is open."""
        return self in (QuestionState.PENDING, QuestionState.APPROVED)


PUBLIC_STATES = (QuestionState.APPROVED, QuestionState.ANSWERED, QuestionState.PROMISED)

Q = QuestionState
# The moves a question may make, from → to; each console step narrows them to its own (approve: pending → open).
QUESTION_MOVES = Moves(
    {
        Q.PENDING: {Q.APPROVED, Q.HIDDEN, Q.MERGED},
        Q.APPROVED: {Q.ANSWERED, Q.PROMISED, Q.HIDDEN, Q.MERGED},
        Q.ANSWERED: {Q.APPROVED, Q.PROMISED, Q.HIDDEN},
        Q.PROMISED: {Q.HIDDEN},
        Q.HIDDEN: {Q.APPROVED},
    }
)
TOO_LATE = _l("Another moderator has just handled this question; the console shows where it is now.")

# The session's kept count that holds questions in each state (merged ones are counted nowhere).
COUNTERS = {
    QuestionState.PENDING: "pending_count",
    QuestionState.APPROVED: "open_count",
    QuestionState.ANSWERED: "answered_count",
    QuestionState.PROMISED: "answered_count",
    QuestionState.HIDDEN: "hidden_count",
}


dialogue_deputies = Table(
    "dialogue_deputies",
    db.metadata,
    Column("session_id", ForeignKey("dialogue_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("deputy_id", ForeignKey("deputies.id", ondelete="CASCADE"), primary_key=True),
)


class DialogueSession(StoredMarkdown, db.Model):
    """A moderated public dialogue with deputies: its place, time, state, counts and current question."""

    markdown_fields = ("description", "summary")

    __tablename__ = "dialogue_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[SessionState] = mapped_column(enum_type(SessionState), default=SessionState.SCHEDULED, index=True)
    premoderation: Mapped[bool] = mapped_column(default=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_html: Mapped[str] = mapped_column(Text, default="")
    current_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("dialogue_questions.id", ondelete="SET NULL", use_alter=True)
    )
    # Raised by every change anyone could see, so an unchanged page is known from this one number.
    version: Mapped[int] = mapped_column(default=1)
    pending_count: Mapped[int] = mapped_column(default=0)
    open_count: Mapped[int] = mapped_column(default=0)
    answered_count: Mapped[int] = mapped_column(default=0)
    hidden_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    locality: Mapped[Locality] = relationship()
    moderator: Mapped[User] = relationship()
    event: Mapped["Event | None"] = relationship()  # noqa: F821 - resolved by the registry
    deputies: Mapped[list["Deputy"]] = relationship(secondary=dialogue_deputies)  # noqa: F821
    current_question: Mapped["Question | None"] = relationship(foreign_keys=[current_question_id], post_update=True)

    @property
    def public_count(self) -> int:
        """Questions everyone can see: open, answered and promised."""
        return self.open_count + self.answered_count

    @property
    def is_running(self) -> bool:
        """Live or on a break: the console and the big screen matter now."""
        return self.state in (SessionState.LIVE, SessionState.PAUSED)

    def move_to(self, to: SessionState, by: User, summary: str | None = None) -> SessionState:
        """Open, pause, resume or close the session by a guarded write, raising its version, and log the step;
        returns the state it was in. Raises MoveRefused when it cannot move there from where it is, or another
        moderator moved it first."""
        values: dict = {}
        if to is SessionState.LIVE and self.opened_at is None:
            values["opened_at"] = utcnow()
        if to is SessionState.CLOSED:
            values.update(closed_at=utcnow(), current_question_id=None)
            if summary is not None:
                values["summary"] = summary
        # Closing wins over a pause or a resume made meanwhile; the other moves start where they were read.
        closing = to is SessionState.CLOSED
        was = move_state(
            self,
            SESSION_MOVES,
            to,
            message=SESSION_REFUSED,
            from_any=closing,
            version=DialogueSession.version + 1,
            **values,
        )
        step = {SessionState.LIVE: Step.OPEN, SessionState.PAUSED: Step.PAUSE, SessionState.CLOSED: Step.CLOSE}[to]
        log_step(self.id, step, by)
        db.session.expire(self)
        return was


class Question(HideableMixin, db.Model):
    """A question to the deputies, from a resident's phone or typed in by a moderator for someone in the hall."""

    __tablename__ = "dialogue_questions"
    __table_args__ = (
        UniqueConstraint("session_id", "submission_key"),
        Index("ix_dialogue_questions_session_state", "session_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("dialogue_sessions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    speaker_name: Mapped[str] = mapped_column(String(100), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(String(500))
    original_body: Mapped[str] = mapped_column(String(500), default="")
    lang: Mapped[str | None] = mapped_column(String(2))  # the language it was asked in, when known
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[QuestionState] = mapped_column(enum_type(QuestionState), default=QuestionState.PENDING)
    vote_count: Mapped[int] = mapped_column(default=0)
    answer_note: Mapped[str] = mapped_column(String(1000), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("dialogue_questions.id", ondelete="SET NULL"))
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("threads.id", ondelete="SET NULL"))
    # The appeal made of it: a question left open sent to a deputy, or a follow-up promised in the hall.
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id", ondelete="SET NULL"))
    submission_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    session: Mapped[DialogueSession] = relationship(foreign_keys=[session_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    edited_by: Mapped[User | None] = relationship(foreign_keys=[edited_by_id])
    merged_into: Mapped["Question | None"] = relationship(remote_side=[id], foreign_keys=[merged_into_id])
    pledge: Mapped["Pledge | None"] = relationship()  # noqa: F821
    thread: Mapped["Thread | None"] = relationship()  # noqa: F821
    appeal: Mapped["Appeal | None"] = relationship()  # noqa: F821

    @property
    def public_name(self) -> str | None:
        """The name everyone may see: none for an anonymous question, else the author's or the speaker's."""
        if self.anonymous:
            return None
        if self.author is not None:
            return self.author.display_name
        return self.speaker_name or None

    def move_to(
        self, to: QuestionState, by: User, step: "Step", note: str = "", only_from: tuple = (), **values
    ) -> QuestionState:
        """Move the question by a guarded write if it is still where the step starts from (QUESTION_MOVES, narrowed
        by only_from): keep the session's counts, raise its version, clear it as current when it leaves the open
        list, and log the step; returns the state it was in. Raises MoveRefused when another moderator got there
        first."""
        if only_from and self.state not in only_from:
            raise MoveRefused(TOO_LATE)
        was = move_state(self, QUESTION_MOVES, to, message=TOO_LATE, **values)
        if was is QuestionState.APPROVED:
            update_row(
                DialogueSession,
                self.session_id,
                DialogueSession.current_question_id == self.id,
                current_question_id=None,
            )
        counts = {COUNTERS[was]: -1}
        if to in COUNTERS:  # answered → promised stays in one counter: the changes add up, they do not overwrite
            counts[COUNTERS[to]] = counts.get(COUNTERS[to], 0) + 1
        bump(DialogueSession, self.session_id, version=1, **counts)
        log_step(self.session_id, step, by, self.id, note)
        db.session.expire(self)
        return was


class QuestionVote(db.Model):
    """One resident's vote for a question; the unique key keeps it to one, also under concurrency."""

    __tablename__ = "dialogue_votes"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("dialogue_questions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Step(LabelledEnum):
    """What a moderator (or the system) did in a session, for its append-only log."""

    ASK_FOR = "ask_for", _l("typed in a question from the hall")
    APPROVE = "approve", _l("approved")
    HIDE = "hide", _l("hid")
    RESTORE = "restore", _l("restored")
    EDIT = "edit", _l("corrected")
    MERGE = "merge", _l("merged a duplicate")
    CURRENT = "current", _l("put to the deputies")
    ANSWER = "answer", _l("marked answered")
    PROMISE = "promise", _l("recorded a promised follow-up")
    REOPEN = "reopen", _l("reopened")
    TO_ISSUE = "to_issue", _l("turned into a local issue")
    TO_APPEAL = "to_appeal", _l("sent to a deputy as the asker's appeal")
    WITHDRAW = "withdraw", _l("withdrew their own question")
    OPEN = "open", _l("opened the session")
    PAUSE = "pause", _l("paused the session")
    CLOSE = "close", _l("closed the session")


class SessionLogEntry(db.Model):
    """An append-only record of each moderator step in a session: who, what, on which question, why."""

    __tablename__ = "dialogue_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("dialogue_sessions.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("dialogue_questions.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    step: Mapped[Step] = mapped_column(enum_type(Step))
    note: Mapped[str] = mapped_column(String(1000), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    actor: Mapped[User | None] = relationship()


def log_step(session_id: int, step: Step, by: User | None, question_id: int | None = None, note: str = "") -> None:
    """Append a step to the session's log."""
    db.session.add(
        SessionLogEntry(
            session_id=session_id, question_id=question_id, actor_id=by.id if by else None, step=step, note=note
        )
    )
