"""The audit log: an append-only record of every administrative action, who took it, when, from where, and what
it changed."""

import json
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.db import LabelledEnum, UTCDateTime, enum_type, utcnow
from community.core.permissions import Role
from community.extensions import db
from community.pledges.models import Council


class AuditAction(LabelledEnum):
    """What an administrator (or the command line) did."""

    ROLE_CHANGED = "role_changed", _l("Role changed")
    ACCOUNT_DISABLED = "account_disabled", _l("Account disabled")
    ACCOUNT_ENABLED = "account_enabled", _l("Account enabled")
    DEPUTY_LINKED = "deputy_linked", _l("Deputy profile linked")
    DEPUTY_UNLINKED = "deputy_unlinked", _l("Deputy profile unlinked")
    DEPUTY_CREATED = "deputy_created", _l("Deputy profile created")
    DEPUTY_EDITED = "deputy_edited", _l("Deputy profile edited")


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
}
STATES = {"active": _l("Active"), "disabled": _l("Disabled")}


def _shown(name: str, value) -> str:
    """A value as the log prints it: a role or state in words, empty for none, anything else as written."""
    if value is None:
        return ""
    if name == "role":
        role = next((role for role in Role if role.value == value), None)
        return str(role.label) if role is not None else str(value)
    if name == "state":
        return str(STATES.get(value, value))
    if name == "council":
        council = next((council for council in Council if council.value == value), None)
        return str(council.label) if council is not None else str(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(mapper, connection, target) -> None:
    """The audit log is append-only: an entry is never changed or removed."""
    raise PermissionError("audit entries are append-only")
