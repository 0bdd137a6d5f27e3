"""The audit log: an append-only record of every administrative and moderation action, who took it, when, from
where, and what it changed."""

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.db import LabelledEnum, UTCDateTime, enum_type, utcnow
from community.core.i18n import format_when
from community.core.permissions import Role
from community.extensions import db
from community.places.models import LocalityKind
from community.pledges.models import Council


class AuditAction(LabelledEnum):
    """What an administrator (or the command line) or a moderator did."""

    ROLE_CHANGED = "role_changed", _l("Role changed")
    ACCOUNT_DISABLED = "account_disabled", _l("Account disabled")
    ACCOUNT_ENABLED = "account_enabled", _l("Account enabled")
    DEPUTY_LINKED = "deputy_linked", _l("Deputy profile linked")
    DEPUTY_UNLINKED = "deputy_unlinked", _l("Deputy profile unlinked")
    DEPUTY_CREATED = "deputy_created", _l("Deputy profile created")
    DEPUTY_EDITED = "deputy_edited", _l("Deputy profile edited")
    ACCOUNT_CREATED = "account_created", _l("Account created")
    TWO_FACTOR_RESET = "two_factor_reset", _l("Two-factor sign-in reset")
    SESSIONS_ENDED = "sessions_ended", _l("Signed out by an administrator")
    LOCALITY_CREATED = "locality_created", _l("Locality added")
    LOCALITY_RENAMED = "locality_renamed", _l("Locality renamed")
    LOCALITY_MOVED = "locality_moved", _l("Locality moved")
    LOCALITY_MERGED = "locality_merged", _l("Localities merged")
    # Moderation: what moderators (and admins acting as moderators) did to others' content, accounts and sessions.
    THREAD_HIDDEN = "thread_hidden", _l("Issue hidden")
    THREAD_RESTORED = "thread_restored", _l("Issue restored")
    COMMENT_HIDDEN = "comment_hidden", _l("Comment hidden")
    COMMENT_RESTORED = "comment_restored", _l("Comment restored")
    FLAGS_DISMISSED = "flags_dismissed", _l("Reports dismissed")
    THREAD_LOCKED = "thread_locked", _l("Issue locked")
    THREAD_UNLOCKED = "thread_unlocked", _l("Issue unlocked")
    THREAD_PINNED = "thread_pinned", _l("Issue pinned")
    THREAD_UNPINNED = "thread_unpinned", _l("Issue unpinned")
    THREAD_CLOSED = "thread_closed", _l("Issue closed")
    THREAD_REOPENED = "thread_reopened", _l("Issue reopened")
    THREAD_RESOLVED = "thread_resolved", _l("Issue marked resolved by a moderator")
    USER_SUSPENDED = "user_suspended", _l("User suspended")
    SESSION_CREATED = "session_created", _l("Dialogue session announced")
    SESSION_EDITED = "session_edited", _l("Dialogue session edited")
    SESSION_OPENED = "session_opened", _l("Dialogue session opened")
    SESSION_PAUSED = "session_paused", _l("Dialogue session paused")
    SESSION_RESUMED = "session_resumed", _l("Dialogue session resumed")
    SESSION_CLOSED = "session_closed", _l("Dialogue session closed")
    QUESTION_ADDED = "question_added", _l("Question from the hall typed in")
    QUESTION_APPROVED = "question_approved", _l("Question approved")
    QUESTION_HIDDEN = "question_hidden", _l("Question hidden")
    QUESTION_RESTORED = "question_restored", _l("Question restored")
    QUESTION_REOPENED = "question_reopened", _l("Question reopened")
    QUESTION_ANSWERED = "question_answered", _l("Question marked answered")
    QUESTION_CORRECTED = "question_corrected", _l("Question corrected")
    QUESTION_MERGED = "question_merged", _l("Question merged")
    QUESTION_CURRENT = "question_current", _l("Question put to the deputies")
    CURRENT_CLEARED = "question_current_cleared", _l("Current question taken off")
    QUESTION_PROMISED = "question_promised", _l("Follow-up recorded")
    QUESTION_TO_ISSUE = "question_to_issue", _l("Question made a local issue")
    QUESTION_TO_APPEAL = "question_to_appeal", _l("Question sent as an appeal")
    UPDATE_CHECKED = "pledge_update_checked", _l("Pledge update checked")
    PLEDGE_ADDED = "pledge_added_on_behalf", _l("Pledge added for a deputy")
    PLEDGE_UPDATED = "pledge_updated_on_behalf", _l("Pledge updated for a deputy")
    EVENT_EDITED = "event_edited", _l("Event edited by a moderator")
    EVENT_PUBLISHED = "event_published", _l("Event published by a moderator")
    EVENT_CANCELLED = "event_cancelled", _l("Event cancelled by a moderator")

    @property
    def kind(self) -> "AuditKind":
        """Whether the action is administrative or moderation."""
        return AuditKind.ADMINISTRATION if self in ADMINISTRATIVE else AuditKind.MODERATION


class AuditKind(LabelledEnum):
    """The two kinds of action the log keeps, as its filter groups them."""

    ADMINISTRATION = "administration", _l("Administration")
    MODERATION = "moderation", _l("Moderation")


# The administrative actions; every other one is moderation.
ADMINISTRATIVE = frozenset(
    {
        AuditAction.ROLE_CHANGED,
        AuditAction.ACCOUNT_DISABLED,
        AuditAction.ACCOUNT_ENABLED,
        AuditAction.DEPUTY_LINKED,
        AuditAction.DEPUTY_UNLINKED,
        AuditAction.DEPUTY_CREATED,
        AuditAction.DEPUTY_EDITED,
        AuditAction.LOCALITY_CREATED,
        AuditAction.LOCALITY_RENAMED,
        AuditAction.LOCALITY_MOVED,
        AuditAction.LOCALITY_MERGED,
        AuditAction.ACCOUNT_CREATED,
        AuditAction.TWO_FACTOR_RESET,
        AuditAction.SESSIONS_ENDED,
    }
)


def actions_of(kind: "AuditKind") -> list[AuditAction]:
    """The actions of one kind, in the enum's order."""
    return [action for action in AuditAction if action.kind is kind]


class AuditEntry(db.Model):
    """One administrative action: who (None for the command line), when, what, about whom or what, the values
    before and after (short JSON), and the address it came from. Rows are only ever added."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_actor_id_id", "actor_id", "id"),
        Index("ix_audit_log_action_id", "action", "id"),
        Index("ix_audit_log_target_user_id_id", "target_user_id", "id"),
        Index("ix_audit_log_subject_id", "subject", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[AuditAction] = mapped_column(enum_type(AuditAction, length=30))
    # What the action was about, as "user:12" or "deputy:3"; the account concerned, when there is one, also by id.
    subject: Mapped[str] = mapped_column(String(60))
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])

    @property
    def from_command_line(self) -> bool:
        """True for an action taken with `flask …` on the server (no account, no address)."""
        return self.actor_id is None and not self.address

    @staticmethod
    def _values(text: str) -> dict:
        """A stored before or after value as a dict (a plain text one under the key "value")."""
        if not text:
            return {}
        try:
            values = json.loads(text)
        except ValueError:
            return {"value": text}
        return values if isinstance(values, dict) else {"value": values}

    def changes(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for every field either side names, in the order they were written, named and
        valued in the reader's language where the log knows the words."""
        before, after = self._values(self.before), self._values(self.after)
        names = list(dict.fromkeys([*before, *after]))
        return [
            (str(FIELDS.get(name, name)), _shown(name, before.get(name)), _shown(name, after.get(name)))
            for name in names
        ]


FIELDS = {
    "email": _l("E-mail"),
    "role": _l("Role"),
    "state": _l("State"),
    "account": _l("Account"),
    "deputy": _l("Deputy"),
    "name": _l("Name"),
    "council": _l("Council"),
    "district": _l("District"),
    "constituency": _l("Constituency"),
    "localities": _l("Constituency localities"),
    "party_kk": _l("Party (Kazakh)"),
    "party_ru": _l("Party (Russian)"),
    "party_en": _l("Party (English)"),
    "term_start": _l("Term starts"),
    "term_end": _l("Term ends"),
    "biography": _l("Biography"),
    "reception_hours": _l("Reception hours"),
    "reception_place": _l("Reception place"),
    "two_factor": _l("Two-factor sign-in"),
    "since": _l("Since"),
    "sessions": _l("Sessions ended"),
    # Moderation
    "visibility": _l("Visibility"),
    "reason": _l("Reason"),
    "flags": _l("Open reports"),
    "lock": _l("Comments"),
    "pin": _l("Pinned on top"),
    "thread_state": _l("Issue state"),
    "until": _l("Suspended until"),
    "days": _l("Days"),
    "session_state": _l("Session state"),
    "question_state": _l("Question state"),
    "summary": _l("Summary"),
    "note": _l("Note"),
    "body": _l("Wording"),
    "speaker": _l("Speaker"),
    "merged_into": _l("Merged into"),
    "current": _l("Current question"),
    "pledge": _l("Pledge"),
    "appeal": _l("Appeal"),
    "thread": _l("Local issue"),
    "title": _l("Title"),
    "topic": _l("Topic"),
    "description": _l("Description"),
    "scheduled_at": _l("Time"),
    "locality_id": _l("Locality number"),
    "event_id": _l("Event number"),
    "premoderation": _l("Questions approved before shown"),
    "deputies": _l("Deputies"),
    "kind": _l("Kind"),
    "starts_at": _l("Starts"),
    "ends_at": _l("Ends"),
    "registration_closes_at": _l("Registration closes"),
    "address": _l("Address"),
    "room": _l("Room"),
    "online_url": _l("Online link"),
    "capacity": _l("Places"),
    "event_state": _l("Event state"),
    "update": _l("Update"),
    "verdict": _l("Verdict"),
    "status": _l("Status"),
    "progress": _l("Progress, %"),
    "place_kind": _l("Kind of place"),
    "parent": _l("Within"),
    "slug": _l("Address name (slug)"),
    "name_kk": _l("Name (Kazakh)"),
    "name_ru": _l("Name (Russian)"),
    "name_en": _l("Name (English)"),
    "locality": _l("Locality"),
    "places": _l("Places within"),
    "moved": _l("Moved to the kept locality"),
}
STATES = {
    "active": _l("Active"),
    "disabled": _l("Disabled"),
    "invited": _l("Invited"),
    "on": _l("On"),
    "off": _l("Off"),
}
# The words for the values of moderation fields that are not an enum of their own.
WORDS = {
    "visibility": {"shown": _l("Shown"), "hidden": _l("Hidden")},
    "lock": {"locked": _l("Locked"), "unlocked": _l("Open for comments")},
    "pin": {"pinned": _l("Pinned"), "unpinned": _l("Not pinned")},
    "event_state": {
        "draft": _l("Draft"),
        "published": _l("Published"),
        "scheduled": _l("Going ahead"),
        "cancelled": _l("Cancelled"),
    },
    "verdict": {"verified": _l("Verified"), "not_verified": _l("Not verified")},
}
TIMES = ("until", "scheduled_at", "starts_at", "ends_at", "registration_closes_at")


def _value_enums() -> dict:
    """The moderation fields whose values are a domain's states, named by their labels (imported when first
    shown: those models import more than the log should at import time)."""
    from community.dialogues.models import QuestionState, SessionState
    from community.events.models import EventKind
    from community.pledges.models import PledgeStatus
    from community.threads.models import ThreadState

    return {
        "thread_state": ThreadState,
        "session_state": SessionState,
        "question_state": QuestionState,
        "status": PledgeStatus,
        "kind": EventKind,
    }


def _shown(name: str, value) -> str:
    """A value as the log prints it: a role or state in words, empty for none, anything else as written."""
    if value is None:
        return ""
    if name == "role":
        role = next((role for role in Role if role.value == value), None)
        return str(role.label) if role is not None else str(value)
    if name in ("state", "two_factor"):
        return str(STATES.get(value, value))
    if name == "council":
        council = next((council for council in Council if council.value == value), None)
        return str(council.label) if council is not None else str(value)
    if name == "place_kind":
        kind = next((kind for kind in LocalityKind if kind.value == value), None)
        return str(kind.label) if kind is not None else str(value)
    enum_class = _value_enums().get(name)
    if enum_class is not None:
        member = next((member for member in enum_class if member.value == value), None)
        return str(member.label) if member is not None else str(value)
    if name in WORDS:
        return str(WORDS[name].get(value, value))
    if name in TIMES and isinstance(value, str):
        try:
            return format_when(datetime.fromisoformat(value), "list")
        except ValueError:
            return value
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(mapper, connection, target) -> None:
    """The audit log is append-only: an entry is never changed or removed."""
    raise PermissionError("audit entries are append-only")
