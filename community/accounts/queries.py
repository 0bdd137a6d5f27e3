"""What the site holds about one account and everything it wrote or did, for the owner's download.

One query per kind of record, each read as the answer streams, so the work grows with what the person did and the
number of queries does not. Only the owner's own rows and columns: no other person's address or name beyond what
every page shows, no password hash, no session or reset tokens, no moderator's identity (the public reason only).
"""

from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import Select, func

from community.accounts.models import LoginSession, User
from community.core.db import utcnow
from community.dialogues.models import Question, QuestionVote
from community.events.models import Event, ReceptionSlot, Registration
from community.extensions import db
from community.moderation.models import Flag
from community.pledges.models import PledgeUpdate, UpdateReaction
from community.threads.models import Comment, CommentSupport, Thread, ThreadFollow, ThreadSupport

BATCH = 200  # rows read from the database at a time


def _time(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _value(member) -> str | None:
    return member.value if member is not None else None


def _rows(statement: Select) -> Iterator[dict]:
    """A query's rows as dicts of its labelled columns, times in ISO form, enums by their stored words."""
    for row in db.session.execute(statement.execution_options(yield_per=BATCH)).mappings():
        yield {
            name: _time(value) if isinstance(value, datetime | date) else getattr(value, "value", value)
            for name, value in row.items()
        }


def _account(user: User) -> dict:
    locality = user.locality
    return {
        "id": user.id,
        "display_name": user.display_name,
        "email": user.email,
        "email_confirmed_at": _time(user.email_confirmed_at),
        "locality": {"slug": locality.slug, "name_kk": locality.name_kk, "name_ru": locality.name_ru}
        if locality
        else None,
        "language": user.locale,
        "role": _value(user.role),
        "about": user.bio,
        "created_at": _time(user.created_at),
        "password_changed_at": _time(user.password_changed_at),
        "suspended_until": _time(user.suspended_until),
        "terms_version": user.terms_version,
        "terms_accepted_at": _time(user.terms_accepted_at),
        "two_factor_since": _time(user.two_factor_since),  # never the secret
    }


def own_data(user: User) -> list[tuple[str, object]]:
    """The account and everything it wrote or did, as named sections for `json_sections_response`; each list is a
    query read when the answer streams it. For the account's owner only (the view checks)."""
    from community.appeals.models import Appeal, AppealEntry, AppealSupport  # the appeals know accounts
    from community.notifications.models import Follow

    me = user.id
    select = db.select
    return [
        ("exported_at", _time(utcnow())),
        ("account", _account(user)),
        (
            "sign_in_sessions",  # when, from which browser and address, last seen; never the token
            _rows(
                select(
                    LoginSession.created_at,
                    LoginSession.user_agent,
                    LoginSession.address,
                    LoginSession.last_seen_at,
                    LoginSession.second_factor_at,
                )
                .where(LoginSession.user_id == me)
                .order_by(LoginSession.created_at)
            ),
        ),
        (
            "threads",
            _rows(
                select(
                    Thread.id,
                    Thread.title,
                    Thread.body,
                    Thread.category,
                    Thread.state,
                    Thread.locality_id,
                    Thread.addressed_to_id,
                    Thread.pledge_id,
                    Thread.created_at,
                    Thread.edited_at,
                    Thread.deleted_at,
                    Thread.hidden_at,
                    Thread.hidden_reason,
                )
                .where(Thread.author_id == me)
                .order_by(Thread.id)
            ),
        ),
        (
            "comments",
            _rows(
                select(
                    Comment.id,
                    Comment.thread_id,
                    Comment.parent_id,
                    Comment.body,
                    Comment.official,
                    Comment.created_at,
                    Comment.edited_at,
                    Comment.deleted_at,
                    Comment.hidden_at,
                    Comment.hidden_reason,
                )
                .where(Comment.author_id == me)
                .order_by(Comment.id)
            ),
        ),
        (
            "thread_supports",
            _rows(
                select(ThreadSupport.thread_id, ThreadSupport.created_at)
                .where(ThreadSupport.user_id == me)
                .order_by(ThreadSupport.created_at)
            ),
        ),
        (
            "comment_supports",
            _rows(
                select(CommentSupport.comment_id, CommentSupport.created_at)
                .where(CommentSupport.user_id == me)
                .order_by(CommentSupport.created_at)
            ),
        ),
        (
            "follows",
            _rows(
                select(ThreadFollow.thread_id, ThreadFollow.created_at)
                .where(ThreadFollow.user_id == me)
                .order_by(ThreadFollow.created_at)
            ),
        ),
        (
            "followed",  # pledges, deputies, events, dialogue sessions and localities: target and target_id
            _rows(
                select(Follow.target, Follow.target_id, Follow.created_at)
                .where(Follow.user_id == me)
                .order_by(Follow.created_at, Follow.target, Follow.target_id)
            ),
        ),
        (
            "event_registrations",
            _rows(
                select(
                    Registration.event_id,
                    Event.title.label("event_title"),
                    Event.starts_at.label("event_starts_at"),
                    Registration.state,
                    Registration.queued_at,
                    Registration.promoted_at,
                    Registration.attended,
                )
                .join(Event, Event.id == Registration.event_id)
                .where(Registration.user_id == me)
                .order_by(Event.starts_at, Registration.id)
            ),
        ),
        (
            "dialogue_questions",
            _rows(
                select(
                    Question.id,
                    Question.session_id,
                    Question.body,
                    Question.original_body,
                    Question.anonymous,
                    Question.state,
                    Question.created_at,
                    Question.edited_at,
                    Question.answered_at,
                    Question.answer_note,
                    Question.hidden_at,
                    Question.hidden_reason,
                )
                .where(Question.author_id == me)
                .order_by(Question.id)
            ),
        ),
        (
            "dialogue_votes",
            _rows(
                select(QuestionVote.question_id, QuestionVote.created_at)
                .where(QuestionVote.user_id == me)
                .order_by(QuestionVote.created_at, QuestionVote.id)
            ),
        ),
        (
            "pledge_updates",  # a deputy's own updates, and those a moderator wrote on a deputy's behalf
            _rows(
                select(
                    PledgeUpdate.id,
                    PledgeUpdate.pledge_id,
                    PledgeUpdate.on_behalf,
                    PledgeUpdate.old_status,
                    PledgeUpdate.new_status,
                    PledgeUpdate.progress,
                    PledgeUpdate.note,
                    PledgeUpdate.evidence,
                    PledgeUpdate.corrects_id,
                    PledgeUpdate.created_at,
                )
                .where(PledgeUpdate.author_id == me)
                .order_by(PledgeUpdate.id)
            ),
        ),
        (
            "pledge_update_reactions",
            _rows(
                select(
                    UpdateReaction.update_id, UpdateReaction.confirms, UpdateReaction.reason, UpdateReaction.created_at
                )
                .where(UpdateReaction.user_id == me)
                .order_by(UpdateReaction.id)
            ),
        ),
        (
            "appeals",
            _rows(
                select(
                    Appeal.id,
                    Appeal.deputy_id,
                    Appeal.subject,
                    Appeal.body,
                    Appeal.category,
                    Appeal.locality_id,
                    Appeal.public,
                    Appeal.anonymous,
                    Appeal.contact_phone,
                    Appeal.state,
                    Appeal.outcome,
                    Appeal.helped,
                    Appeal.source,
                    Appeal.created_at,
                    Appeal.due_on,
                    Appeal.closed_at,
                )
                .where(Appeal.author_id == me)
                .order_by(Appeal.id)
            ),
        ),
        (
            "appeal_messages",
            _rows(
                select(AppealEntry.appeal_id, AppealEntry.kind, AppealEntry.body, AppealEntry.created_at)
                .where(AppealEntry.by_id == me)
                .order_by(AppealEntry.id)
            ),
        ),
        (
            "appeal_supports",
            _rows(
                select(AppealSupport.appeal_id, AppealSupport.created_at)
                .where(AppealSupport.user_id == me)
                .order_by(AppealSupport.created_at)
            ),
        ),
        (
            "reception_bookings",
            _rows(
                select(
                    ReceptionSlot.event_id,
                    ReceptionSlot.starts_at,
                    ReceptionSlot.ends_at,
                    ReceptionSlot.topic,
                    ReceptionSlot.booked_at,
                    ReceptionSlot.outcome,
                    ReceptionSlot.appeal_id,
                )
                .where(ReceptionSlot.user_id == me)
                .order_by(ReceptionSlot.starts_at)
            ),
        ),
        (
            "flags_sent",
            _rows(
                select(
                    Flag.thread_id,
                    func.nullif(Flag.comment_id, 0).label("comment_id"),  # none: the thread itself
                    Flag.reason,
                    Flag.note,
                    Flag.created_at,
                    Flag.resolved_at,
                )
                .where(Flag.reporter_id == me)
                .order_by(Flag.id)
            ),
        ),
    ]
