"""Administrative actions on accounts and deputy profiles, each written to the audit log in the same transaction;
the admin pages and the `flask users …` and `flask deputies …` commands both call these. `actor` is the admin
taking the action, or None for the command line. Every function only flushes; the caller commits."""

import json
from datetime import date, datetime
from enum import Enum

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from community.accounts.models import User
from community.accounts.services import EmailTaken, create_user, disable_user, enable_user, invite_account, set_role
from community.accounts.sessions import end_all_sessions, end_session
from community.accounts.two_factor import forget_devices, remove_two_factor
from community.admin.models import AuditAction, AuditEntry
from community.core.permissions import Role
from community.core.security import client_address
from community.core.states import MoveRefused
from community.extensions import db
from community.pledges.models import Deputy
from community.pledges.services import link_account, search_name


class AdminRefused(MoveRefused):
    """Raised when an administrative action is refused; the message says why, in the user's language (a page
    answers it with 409, core/errors.py; a command prints it)."""


class LinkTaken(AdminRefused):
    """Raised when a deputy profile is linked to another account and taking it was not forced; `holder` is the
    account that would lose it."""

    def __init__(self, message: str, holder: User):
        super().__init__(message)
        self.holder = holder


def user_subject(user: User) -> str:
    """The subject an entry about an account carries."""
    return f"user:{user.id}"


def _json(values: dict | None) -> str:
    """A before or after value as short JSON; empty for none."""
    return json.dumps(values, ensure_ascii=False, sort_keys=False) if values else ""


def plain(value):
    """A value as the audit log writes it: a time in ISO form, an enum by its value, rows by id, lists item by
    item; anything else as it is."""
    if isinstance(value, (list, tuple, set)):
        return [plain(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, db.Model):
        return getattr(value, "name", None) or getattr(value, "slug", None) or f"#{value.id}"
    return value


def changed_values(before: dict, after: dict) -> tuple[dict, dict]:
    """The fields whose values differ between two readings of a row, before and after, as the log writes them."""
    before, after = {k: plain(v) for k, v in before.items()}, {k: plain(v) for k, v in after.items()}
    names = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in names}, {name: after[name] for name in names}


def record(
    actor: User | None,
    action: AuditAction,
    subject: str,
    before: dict | None = None,
    after: dict | None = None,
    target_user: User | None = None,
) -> AuditEntry:
    """Append an entry to the audit log, with the request's address (none for the command line); flushes, so it
    is committed with the action it records or not at all."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject=subject[:60],
        target_user_id=target_user.id if target_user is not None else None,
        before=_json(before),
        after=_json(after),
        address=client_address() if has_request_context() and actor is not None else "",
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _other_active_admins(user: User) -> int:
    """How many admins besides this account can still sign in."""
    return db.session.scalar(
        db.select(func.count())
        .select_from(User)
        .where(
            User.role == Role.ADMIN,
            User.id != user.id,
            User.disabled_at.is_(None),
            User.deleted_at.is_(None),
        )
    )


def _refuse_leaving_no_admin(actor: User | None, user: User, message: str) -> None:
    """An admin may not give up their own admin powers when nobody else holds them."""
    if actor is not None and actor.id == user.id and user.role is Role.ADMIN and not _other_active_admins(user):
        raise AdminRefused(message)


def change_role(actor: User | None, user: User, role: Role) -> bool:
    """Give an account a role and record it; admins and the command line. False when it already had it; raises
    AdminRefused for the last admin demoting themselves."""
    if user.role is role:
        return False
    _refuse_leaving_no_admin(
        actor, user, _l("You are the only administrator: make someone else an administrator before changing your role.")
    )
    before = user.role
    set_role(user, role)
    record(actor, AuditAction.ROLE_CHANGED, user_subject(user), {"role": before.value}, {"role": role.value}, user)
    return True


def disable_account(actor: User | None, user: User) -> bool:
    """Disable an account, end all its sessions (it is signed out on its next request) and record it; admins and
    the command line. False when it was disabled already; raises AdminRefused for the last admin disabling
    themselves."""
    if user.disabled_at is not None:
        return False
    _refuse_leaving_no_admin(
        actor, user, _l("You are the only administrator: make someone else an administrator before disabling yourself.")
    )
    disable_user(user)
    record(actor, AuditAction.ACCOUNT_DISABLED, user_subject(user), {"state": "active"}, {"state": "disabled"}, user)
    return True


def enable_account(actor: User | None, user: User) -> bool:
    """Let a disabled account sign in again and record it; admins and the command line. False when it was not
    disabled."""
    if user.disabled_at is None:
        return False
    enable_user(user)
    record(actor, AuditAction.ACCOUNT_ENABLED, user_subject(user), {"state": "disabled"}, {"state": "active"}, user)
    return True


def create_account(
    actor: User | None,
    email: str,
    display_name: str,
    role: Role,
    locality_id: int | None = None,
    locale: str | None = None,
    password: str | None = None,
) -> User:
    """Make an account with a role and record it; admins and the command line. Without a password (the admin's
    page) its owner is mailed a link to choose one; with one (the command line, the first admin) it is ready.
    Raises AdminRefused when the address has an account."""
    try:
        if password is None:
            user = invite_account(email, display_name, role, locality_id, locale)
        else:
            user = create_user(email, display_name, password, role=role, locality_id=locality_id, locale=locale)
    except EmailTaken as error:
        raise AdminRefused(_l("%(email)s already has an account.", email=email.strip().lower())) from error
    after = {
        "email": user.email,
        "name": user.stored_name,
        "role": role.value,
        "state": "invited" if password is None else "active",
    }
    record(actor, AuditAction.ACCOUNT_CREATED, user_subject(user), None, after, user)
    return user


def reset_two_factor(actor: User | None, user: User) -> bool:
    """Reset an account's second factor (its owner lost the phone and the recovery codes): the secret, codes and
    remembered devices go, every session of the account ends (a session left on a lost device must not enrol a
    factor of its own), and the account enrols again at its next sign-in; admins and the command line. False when
    it had none."""
    if not user.has_two_factor:
        return False
    since = user.two_factor_since
    remove_two_factor(user)
    end_all_sessions(user)
    record(
        actor,
        AuditAction.TWO_FACTOR_RESET,
        user_subject(user),
        {"two_factor": "on", "since": plain(since)},
        {"two_factor": "off"},
        user,
    )
    return True


def end_sessions(actor: User | None, user: User, token_hash: str | None = None) -> int:
    """Sign an account out of one of its sessions (by its stored hash) or of all of them (its remembered devices
    forgotten too), and record it; admins and the command line. Returns how many ended (none recorded when nothing
    ended)."""
    if token_hash is None:
        forget_devices(user)  # signed out everywhere: no remembered browser skips the second factor either
    ended = end_session(user, token_hash) if token_hash is not None else end_all_sessions(user)
    if ended:
        record(actor, AuditAction.SESSIONS_ENDED, user_subject(user), None, {"sessions": int(ended)}, user)
    return int(ended)


def _deputy_subject(deputy: Deputy) -> str:
    """The subject an entry about a deputy profile carries."""
    return f"deputy:{deputy.id}"


def link_deputy(actor: User | None, deputy: Deputy, user: User, force: bool = False) -> bool:
    """Link a deputy profile to an account, which gets the deputy role if it was a resident, and record it; admins
    and the command line. False when it was linked to that account already. Raises LinkTaken, naming the account
    that would lose the profile, unless `force`; AdminRefused when the account has another profile."""
    if deputy.user_id == user.id:
        return False
    holder = db.session.get(User, deputy.user_id) if deputy.user_id is not None else None
    if holder is not None and not force:
        raise LinkTaken(
            _l(
                "This profile is linked to %(name)s (%(email)s); taking it away from that account must be forced.",
                name=holder.display_name,
                email=holder.email,
            ),
            holder,
        )
    other = db.session.scalar(db.select(Deputy).where(Deputy.user_id == user.id))
    if other is not None:
        raise AdminRefused(
            _l(
                "%(email)s is already linked to the profile of %(name)s; unlink it first.",
                email=user.email,
                name=other.name,
            )
        )
    if holder is not None:
        _unlinked(actor, deputy, holder)
        deputy.user_id = None
        db.session.flush()  # the profile's account is unique: free it before the new account takes it
    role_before = user.role
    link_account(deputy, user)
    record(
        actor,
        AuditAction.DEPUTY_LINKED,
        _deputy_subject(deputy),
        {"account": holder.email if holder is not None else None},
        {"account": user.email, "deputy": deputy.name},
        user,
    )
    if user.role is not role_before:
        record(
            actor,
            AuditAction.ROLE_CHANGED,
            user_subject(user),
            {"role": role_before.value},
            {"role": user.role.value},
            user,
        )
    return True


def _unlinked(actor: User | None, deputy: Deputy, holder: User) -> None:
    """Record that an account lost its deputy profile."""
    record(
        actor,
        AuditAction.DEPUTY_UNLINKED,
        _deputy_subject(deputy),
        {"account": holder.email, "deputy": deputy.name},
        {"account": None},
        holder,
    )


def unlink_deputy(actor: User | None, deputy: Deputy) -> bool:
    """Remove the account link of a deputy profile (the account keeps its role) and record it; admins and the
    command line. False when it had none."""
    if deputy.user_id is None:
        return False
    holder = db.session.get(User, deputy.user_id)
    _unlinked(actor, deputy, holder)
    link_account(deputy, None)
    return True


# The fields of a deputy profile an admin writes, in the order the audit log names them.
DEPUTY_FIELDS = (
    "name",
    "council",
    "district",
    "constituency",
    "localities",
    "party_kk",
    "party_ru",
    "party_en",
    "term_start",
    "term_end",
    "biography",
    "reception_hours",
    "reception_place",
)
# The longest text each field holds (its column's length; the biography is Markdown).
DEPUTY_LENGTHS = {
    "name": 120,
    "constituency": 200,
    "party_kk": 120,
    "party_ru": 120,
    "party_en": 120,
    "biography": 10_000,
    "reception_hours": 200,
    "reception_place": 200,
}
EARLIEST_TERM, LATEST_TERM = 1990, 2100


def _deputy_values(deputy: Deputy) -> dict:
    """A profile's fields as the audit log writes them: the council by its value, places by their slugs."""
    values = {name: getattr(deputy, name) for name in DEPUTY_FIELDS}
    values["council"] = deputy.council.value if deputy.council is not None else None
    values["district"] = deputy.district.slug if deputy.district is not None else None
    values["localities"] = sorted(locality.slug for locality in deputy.localities)
    return values


def _check_deputy(fields: dict) -> None:
    """The rules every profile keeps, whoever writes it: a name, texts within their columns, a term from one
    year to a later (or the same) one."""
    if not (fields.get("name") or "").strip():
        raise AdminRefused(_l("A deputy profile needs a name."))
    for name, high in DEPUTY_LENGTHS.items():
        if len(fields.get(name) or "") > high:
            raise AdminRefused(_l("%(field)s: at most %(max)d characters.", field=name, max=high))
    start, end = fields.get("term_start"), fields.get("term_end")
    if not (EARLIEST_TERM <= start <= LATEST_TERM and EARLIEST_TERM <= end <= LATEST_TERM):
        raise AdminRefused(_l("A term runs from %(min)d to %(max)d at most.", min=EARLIEST_TERM, max=LATEST_TERM))
    if end < start:
        raise AdminRefused(_l("The term cannot end before it starts."))


def _write_deputy(deputy: Deputy, fields: dict) -> None:
    """Put the given fields on the profile, its search name following its name."""
    for name, value in fields.items():
        if name not in DEPUTY_FIELDS:
            raise TypeError(f"a deputy profile has no field {name}")
        setattr(deputy, name, list(value) if name == "localities" else value)
    deputy.search_name = search_name(deputy.name)


def create_deputy(actor: User | None, **fields) -> Deputy:
    """Add a deputy profile and record it with the values it was given; admins and the command line. `fields` are
    DEPUTY_FIELDS (council a Council, district a Locality or None, localities a list of them); raises AdminRefused
    for a profile breaking the rules."""
    fields = {"localities": [], "district": None, **fields}
    _check_deputy(fields)
    deputy = Deputy()
    _write_deputy(deputy, fields)
    db.session.add(deputy)
    db.session.flush()
    after = {name: value for name, value in _deputy_values(deputy).items() if value not in (None, "", [])}
    record(actor, AuditAction.DEPUTY_CREATED, _deputy_subject(deputy), None, after)
    return deputy


def edit_deputy(actor: User | None, deputy: Deputy, **fields) -> bool:
    """Change some fields of a deputy profile and record the changed ones, before → after; admins and the command
    line. False when nothing changed; raises AdminRefused for a profile breaking the rules."""
    before = _deputy_values(deputy)
    _check_deputy({name: getattr(deputy, name) for name in DEPUTY_FIELDS} | fields)
    _write_deputy(deputy, fields)
    after = _deputy_values(deputy)
    changed = [name for name in DEPUTY_FIELDS if before[name] != after[name]]
    if not changed:
        return False
    db.session.flush()
    record(
        actor,
        AuditAction.DEPUTY_EDITED,
        _deputy_subject(deputy),
        {name: before[name] for name in changed},
        {name: after[name] for name in changed},
        deputy.user,
    )
    return True
