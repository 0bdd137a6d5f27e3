"""Admin pages: the index, the accounts list, one account with its role and state forms, and the audit log with
its CSV export; every route is for admins only."""

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts.models import User
from community.admin import bp
from community.admin.forms import AccountStateForm, RoleForm
from community.admin.models import AuditAction
from community.admin.queries import (
    EXPORT_FIELDS,
    AccountState,
    AuditFilters,
    UserFilters,
    audit_page,
    entries_found,
    export_rows,
    linked_deputy,
    recent_entries,
    session_count,
    states_of,
    user_page,
    users_found,
)
from community.admin.services import change_role, disable_account, enable_account
from community.core.exports import csv_response
from community.core.forms import INVALID
from community.core.htmx import fragment_or_redirect, redirect_to, render
from community.core.permissions import Role, can_administer, ensure
from community.core.security import action_limit, user_or_address_key
from community.extensions import db, limiter


@bp.before_request
def admins_only() -> None:
    """Every admin page and action is for admins: visitors are sent to sign in, everyone else gets 403."""
    ensure(can_administer(current_user))


admin_action_limit = limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])


@bp.get("/")
def index():
    """The administration's index: links to its pages; admins only."""
    return render("admin/index.html")


@bp.get("/users")
def users():
    """Accounts, newest first, searchable by name or e-mail and filtered by role and state; admins only."""
    filters = UserFilters.from_args(request.args)
    return render(
        "admin/users.html",
        block="results",
        filters=filters,
        pagination=user_page(filters, request.args),
        found=users_found(filters),
        roles=list(Role),
        states=list(AccountState),
        states_of=states_of,
    )


def _account_page(user: User, status: int = 200, role_form: RoleForm | None = None):
    """One account's page, or its "account" block for htmx, with a role form sent back when it had a mistake."""
    return render(
        "admin/user.html",
        block="account",
        status=status,
        user=user,
        states=states_of(user),
        sessions=session_count(user),
        deputy=linked_deputy(user),
        entries=recent_entries(user),
        role_form=role_form or RoleForm(formdata=None, role=user.role.value),
        roles=list(Role),
    )


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    """An account: its role, state, sessions and recent audit entries, with the forms that change them; admins
    only."""
    return _account_page(db.get_or_404(User, user_id))


def _after(user: User, changed: bool, done, unchanged):
    """After an action: the fresh account block (htmx) or the message and the account's page; an admin who just
    gave up their own admin powers goes home instead."""
    message = done if changed else unchanged
    if not can_administer(current_user) or current_user.disabled_at is not None:
        flash(str(message), "success")
        return redirect_to(url_for("home.index"))  # by HX-Redirect for htmx
    return fragment_or_redirect(
        lambda: _account_page(db.get_or_404(User, user.id)),
        url_for("admin.user", user_id=user.id),
        message,
        "success" if changed else "info",
    )


@bp.post("/users/<int:user_id>/role")
@admin_action_limit
def change_user_role(user_id: int):
    """Give an account another role, confirmed, and write it to the audit log; admins only (the last admin may not
    give up their own role: 409)."""
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _account_page(user, status=INVALID, role_form=form)
    role = Role(form.role.data)
    changed = change_role(current_user, user, role)
    db.session.commit()
    return _after(
        user,
        changed,
        _("%(name)s is now: %(role)s.", name=user.display_name, role=role.label),
        _("%(name)s already has this role.", name=user.display_name),
    )


@bp.post("/users/<int:user_id>/disable")
@admin_action_limit
def disable_user_account(user_id: int):
    """Disable an account, ending all its sessions, and write it to the audit log; admins only (the last admin
    may not disable themselves: 409)."""
    user = db.get_or_404(User, user_id)
    if not AccountStateForm().validate_on_submit():
        return _account_page(user, status=INVALID)
    changed = disable_account(current_user, user)
    db.session.commit()
    return _after(
        user,
        changed,
        _("%(name)s is disabled and signed out everywhere.", name=user.display_name),
        _("%(name)s is disabled already.", name=user.display_name),
    )


@bp.post("/users/<int:user_id>/enable")
@admin_action_limit
def enable_user_account(user_id: int):
    """Let a disabled account sign in again and write it to the audit log; admins only."""
    user = db.get_or_404(User, user_id)
    if not AccountStateForm().validate_on_submit():
        return _account_page(user, status=INVALID)
    changed = enable_account(current_user, user)
    db.session.commit()
    return _after(
        user,
        changed,
        _("%(name)s can sign in again.", name=user.display_name),
        _("%(name)s was not disabled.", name=user.display_name),
    )


@bp.get("/audit")
def audit():
    """The audit log, newest first, filtered by action, actor, subject and a text in the values; admins only."""
    filters = AuditFilters.from_args(request.args)
    return render(
        "admin/audit.html",
        block="results",
        filters=filters,
        pagination=audit_page(filters, request.args),
        found=entries_found(filters),
        actions=list(AuditAction),
    )


@bp.get("/audit.csv")
def audit_csv():
    """The filtered audit log as CSV, every cell spreadsheet-safe, streamed; admins only."""
    filters = AuditFilters.from_args(request.args)
    return csv_response(EXPORT_FIELDS, export_rows(filters), filename="audit-log.csv", stream=True)
