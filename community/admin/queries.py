"""Reading for the admin pages: the accounts list and its filters, one account's sessions and recent entries, and
the audit log with its filters, a page at a time or every row for the export."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_
from sqlalchemy.orm import joinedload, selectinload

from community.accounts.models import User
from community.accounts.services import user_by_email
from community.admin.models import AuditAction, AuditEntry, AuditKind, actions_of
from community.core.db import LabelledEnum, utcnow
from community.core.lists import ListFilters, capped_count, enum_arg, keyset_page, text_arg
from community.core.permissions import Role
from community.dialogues.models import Question
from community.extensions import db
from community.pledges.models import Council, Deputy

PER_PAGE = 30
RECENT = 10
USER_ORDER = (User.id,)
AUDIT_ORDER = (AuditEntry.id,)


class AccountState(LabelledEnum):
    """What an account may do now, as the admin's list filters it (a disabled account may also be suspended)."""

    ACTIVE = "active", _l("Active")
    DISABLED = "disabled", _l("Disabled")
    SUSPENDED = "suspended", _l("Suspended")
    DELETED = "deleted", _l("Deleted")
    UNCONFIRMED = "unconfirmed", _l("Not confirmed")


def state_condition(state: AccountState, now):
    """The SQL condition for accounts in a state."""
    suspended = User.suspended_until > now
    return {
        AccountState.ACTIVE: (
            User.disabled_at.is_(None)
            & User.deleted_at.is_(None)
            & User.email_confirmed_at.is_not(None)
            & or_(User.suspended_until.is_(None), ~suspended)
        ),
        AccountState.DISABLED: User.disabled_at.is_not(None),
        AccountState.SUSPENDED: suspended,
        AccountState.DELETED: User.deleted_at.is_not(None),
        AccountState.UNCONFIRMED: User.email_confirmed_at.is_(None) & User.deleted_at.is_(None),
    }[state]


def states_of(user: User) -> list[AccountState]:
    """Every state an account is in (the same rules as the list's filter)."""
    found = []
    if user.is_deleted:
        found.append(AccountState.DELETED)
    if user.disabled_at is not None:
        found.append(AccountState.DISABLED)
    if user.is_suspended:
        found.append(AccountState.SUSPENDED)
    if user.email_confirmed_at is None and not user.is_deleted:
        found.append(AccountState.UNCONFIRMED)
    return found or [AccountState.ACTIVE]


@dataclass
class UserFilters(ListFilters):
    """What the accounts list is narrowed to: a name or e-mail, a role, a state."""

    q: str = ""
    role: Role | None = None
    state: AccountState | None = None

    @classmethod
    def from_args(cls, args) -> "UserFilters":
        """Read the filters from a query string; unknown values are ignored."""
        return cls(
            text_arg(args, "q", 100), enum_arg(Role, args.get("role")), enum_arg(AccountState, args.get("state"))
        )

    def query_values(self) -> dict:
        """The filters as query arguments."""
        return {
            "q": self.q,
            "role": self.role.value if self.role else None,
            "state": self.state.value if self.state else None,
        }


def filtered_users(filters: UserFilters):
    """Accounts matching the filters: a part of the e-mail or of the name, the role, the state."""
    statement = db.select(User)
    if filters.q:
        statement = statement.where(
            or_(
                User.email.contains(filters.q.lower(), autoescape=True),
                User.stored_name.ilike(f"%{_escaped(filters.q)}%", escape="\\"),
            )
        )
    if filters.role is not None:
        statement = statement.where(User.role == filters.role)
    if filters.state is not None:
        statement = statement.where(state_condition(filters.state, utcnow()))
    return statement


def _escaped(text: str) -> str:
    """A text for LIKE, its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def user_page(filters: UserFilters, args):
    """One page of accounts, newest first, read by key."""
    return keyset_page(filtered_users(filters), USER_ORDER, args, PER_PAGE)


def users_found(filters: UserFilters) -> tuple[int, bool]:
    """How many accounts match (capped)."""
    return capped_count(filtered_users(filters), order=[key.desc() for key in USER_ORDER])


def linked_deputy(user: User) -> Deputy | None:
    """The deputy profile linked to the account, if any."""
    return db.session.scalar(db.select(Deputy).where(Deputy.user_id == user.id))


def _with_people(statement):
    """Entries with their actor and account loaded in the same query."""
    return statement.options(joinedload(AuditEntry.actor), joinedload(AuditEntry.target_user))


def recent_entries(user: User) -> dict[str, list[AuditEntry]]:
    """The account's latest entries: what it did ("by") and what was done to it ("about")."""
    newest = (AuditEntry.id.desc(),)
    by = _with_people(db.select(AuditEntry).where(AuditEntry.actor_id == user.id))
    about = _with_people(db.select(AuditEntry).where(AuditEntry.target_user_id == user.id))
    return {
        "by": list(db.session.scalars(by.order_by(*newest).limit(RECENT))),
        "about": list(db.session.scalars(about.order_by(*newest).limit(RECENT))),
    }


@dataclass
class AuditFilters(ListFilters):
    """What the audit log is narrowed to: an action, the actor's e-mail, a subject ("user:12", "deputy:3",
    "thread:7" or an account's e-mail), a text in the values before or after, and the kind of action
    (administration or moderation)."""

    action: AuditAction | None = None
    actor: str = ""
    subject: str = ""
    q: str = ""
    kind: AuditKind | None = None

    @classmethod
    def from_args(cls, args) -> "AuditFilters":
        """Read the filters from a query string; unknown values are ignored."""
        return cls(
            enum_arg(AuditAction, args.get("action")),
            text_arg(args, "actor", 254),
            text_arg(args, "subject", 254),
            text_arg(args, "q", 100),
            enum_arg(AuditKind, args.get("kind")),
        )

    def query_values(self) -> dict:
        """The filters as query arguments."""
        return {
            "kind": self.kind.value if self.kind else None,
            "action": self.action.value if self.action else None,
            "actor": self.actor,
            "subject": self.subject,
            "q": self.q,
        }


def _is_account(column, email: str):
    """The condition that a column names the account with this e-mail address; false when none has it."""
    user = user_by_email(email) if "@" in email else None
    return column == user.id if user is not None else false()


def filtered_entries(filters: AuditFilters):
    """Audit entries matching the filters; an actor or account e-mail nobody uses matches nothing."""
    statement = db.select(AuditEntry)
    if filters.kind is not None:
        statement = statement.where(AuditEntry.action.in_(actions_of(filters.kind)))
    if filters.action is not None:
        statement = statement.where(AuditEntry.action == filters.action)
    if filters.actor:
        statement = statement.where(_is_account(AuditEntry.actor_id, filters.actor))
    if filters.subject:
        kind, _, number = filters.subject.partition(":")
        if "@" in filters.subject:
            statement = statement.where(_is_account(AuditEntry.target_user_id, filters.subject))
        elif kind == "user" and number.isdecimal() and len(number) < 10:
            statement = statement.where(AuditEntry.target_user_id == int(number))
        else:
            statement = statement.where(AuditEntry.subject == filters.subject)
    if filters.q:
        statement = statement.where(
            or_(
                AuditEntry.before.contains(filters.q, autoescape=True),
                AuditEntry.after.contains(filters.q, autoescape=True),
            )
        )
    return statement


# Where each kind of subject is seen, by the endpoint and the argument its number goes in; questions are reached
# through their session (subject_links). An account needs none: the entry links the account concerned.
SUBJECT_PAGES = {
    "deputy": ("admin.deputy", "deputy_id"),
    "thread": ("threads.show", "thread_id"),
    "comment": ("threads.permalink", "comment_id"),
    "session": ("dialogues.show", "session_id"),
    "event": ("events.show", "event_id"),
    "pledge": ("pledges.show", "pledge_id"),
}


def _subject_number(subject: str) -> tuple[str, int | None]:
    """A subject's kind and number ("thread:12" → ("thread", 12)); None for a number that is none."""
    kind, _, number = subject.partition(":")
    return kind, int(number) if number.isdecimal() and len(number) < 10 else None


def subject_links(entries) -> dict[str, str]:
    """The page of each entry's subject where there is one, by subject; a page's questions are looked up in one
    query, for their session's console."""
    links, questions = {}, {}
    for entry in entries:
        kind, number = _subject_number(entry.subject)
        if number is None:
            continue
        if kind == "question":
            questions[number] = entry.subject
        elif kind in SUBJECT_PAGES:
            endpoint, argument = SUBJECT_PAGES[kind]
            links[entry.subject] = url_for(endpoint, **{argument: number})
    if questions:
        rows = db.session.execute(db.select(Question.id, Question.session_id).where(Question.id.in_(list(questions))))
        for question_id, session_id in rows:
            # The console lists every question, hidden and pending ones too.
            links[questions[question_id]] = url_for(
                "dialogues.console", session_id=session_id, _anchor=f"q{question_id}"
            )
    return links


def audit_page(filters: AuditFilters, args):
    """One page of the audit log, newest first, read by key, with the people named."""
    return keyset_page(_with_people(filtered_entries(filters)), AUDIT_ORDER, args, PER_PAGE)


def entries_found(filters: AuditFilters) -> tuple[int, bool]:
    """How many entries match (capped)."""
    return capped_count(filtered_entries(filters), order=[key.desc() for key in AUDIT_ORDER])


def export_rows(filters: AuditFilters):
    """Every matching entry, newest first, read in batches, as dicts for the CSV export."""
    statement = _with_people(filtered_entries(filters)).order_by(AuditEntry.id.desc())
    for entry in db.session.scalars(statement.execution_options(yield_per=500)):
        actor, target = entry.actor, entry.target_user
        yield {
            "id": entry.id,
            "created_at": entry.created_at.isoformat(),
            "actor": actor.email if actor is not None else ("command line" if entry.from_command_line else ""),
            "actor_name": actor.display_name if actor is not None else "",
            "action": entry.action.value,
            "subject": entry.subject,
            "account": target.email if target is not None else "",
            "account_name": target.display_name if target is not None else "",
            "before": entry.before,
            "after": entry.after,
            "address": entry.address,
        }


EXPORT_FIELDS = (
    "id",
    "created_at",
    "actor",
    "actor_name",
    "action",
    "subject",
    "account",
    "account_name",
    "before",
    "after",
    "address",
)


DEPUTY_ORDER = (Deputy.id,)


class DeputyLink(LabelledEnum):
    """Whether a deputy profile is linked to an account, as the admin's list filters it."""

    LINKED = "linked", _l("Linked to an account")
    UNLINKED = "unlinked", _l("Not linked")


@dataclass
class DeputyListFilters(ListFilters):
    """What the admin's list of deputy profiles is narrowed to: a name, a council, linked or not."""

    q: str = ""
    council: Council | None = None
    link: DeputyLink | None = None

    @classmethod
    def from_args(cls, args) -> "DeputyListFilters":
        """Read the filters from a query string; unknown values are ignored."""
        return cls(
            text_arg(args, "q", 100), enum_arg(Council, args.get("council")), enum_arg(DeputyLink, args.get("link"))
        )

    def query_values(self) -> dict:
        """The filters as query arguments."""
        return {
            "q": self.q,
            "council": self.council.value if self.council else None,
            "link": self.link.value if self.link else None,
        }


def filtered_deputies(filters: DeputyListFilters):
    """Deputy profiles matching the filters: every word of the name (up to three), the council, the link."""
    statement = db.select(Deputy)
    for word in filters.q.lower().split()[:3]:
        statement = statement.where(Deputy.search_name.contains(word, autoescape=True))
    if filters.council is not None:
        statement = statement.where(Deputy.council == filters.council)
    if filters.link is DeputyLink.LINKED:
        statement = statement.where(Deputy.user_id.is_not(None))
    elif filters.link is DeputyLink.UNLINKED:
        statement = statement.where(Deputy.user_id.is_(None))
    return statement


def deputy_list_page(filters: DeputyListFilters, args):
    """One page of deputy profiles, newest first, read by key, with their accounts and districts loaded."""
    statement = filtered_deputies(filters).options(joinedload(Deputy.user), joinedload(Deputy.district))
    return keyset_page(statement, DEPUTY_ORDER, args, PER_PAGE)


def deputies_found(filters: DeputyListFilters) -> tuple[int, bool]:
    """How many deputy profiles match (capped)."""
    return capped_count(filtered_deputies(filters), order=[key.desc() for key in DEPUTY_ORDER])


def deputy_for_admin(deputy_id: int) -> Deputy:
    """A deputy profile with its account, district and localities loaded, or 404."""
    statement = (
        db.select(Deputy)
        .where(Deputy.id == deputy_id)
        .options(joinedload(Deputy.user), joinedload(Deputy.district), selectinload(Deputy.localities))
    )
    return db.first_or_404(statement)


def deputy_entries(deputy: Deputy) -> list[AuditEntry]:
    """The profile's latest audit entries, newest first."""
    statement = _with_people(db.select(AuditEntry).where(AuditEntry.subject == f"deputy:{deputy.id}"))
    return list(db.session.scalars(statement.order_by(AuditEntry.id.desc()).limit(RECENT)))
