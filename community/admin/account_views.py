"""Admin pages about accounts: the list with its filters, making an account (its owner is mailed a link), one
account with its role, access, second factor and sessions, each action written to the audit log; admins only (the
blueprint's before_request)."""

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from community.accounts.models import User
from community.accounts.sessions import sessions_of
from community.admin import bp
from community.admin.forms import AccountStateForm, NewAccountForm, RoleForm
from community.admin.queries import (
    AccountState,
    UserFilters,
    linked_deputy,
    recent_entries,
    states_of,
    user_page,
    users_found,
)
from community.admin.services import (
    AdminRefused,
    change_role,
    create_account,
    disable_account,
    enable_account,
    end_sessions,
    reset_two_factor,
)
from community.admin.views import admin_action_limit
from community.core.forms import INVALID
from community.core.htmx import fragment_or_redirect, redirect_to, render
from community.core.permissions import Role, can_administer
from community.extensions import db


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
        sessions=sessions_of(user),
        mine=None,
        end_url=lambda one: url_for("admin.end_user_session", user_id=user.id, token_hash=one.token_hash),
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


# Each access action: its service, and what the page says when it changed something and when it did not.
ACCESS = {
    "disable": (
        disable_account,
        _l("%(name)s is disabled and signed out everywhere."),
        _l("%(name)s is disabled already."),
    ),
    "enable": (enable_account, _l("%(name)s can sign in again."), _l("%(name)s was not disabled.")),
    "reset-two-factor": (
        reset_two_factor,
        _l("The second factor of %(name)s is reset: the account sets it up again at its next sign-in."),
        _l("%(name)s has no second factor to reset."),
    ),
    "end-sessions": (
        end_sessions,
        _l("%(name)s is signed out on every device."),
        _l("%(name)s was not signed in anywhere."),
    ),
}


@bp.post("/users/<int:user_id>/<any(disable, enable, 'reset-two-factor', 'end-sessions'):action>", endpoint="access")
@admin_action_limit
def change_access(user_id: int, action: str):
    """Disable an account, ending all its sessions, or let it sign in again; reset its second factor; or sign it
    out everywhere; each written to the audit log; admins only (the last admin may not disable themselves: 409)."""
    user = db.get_or_404(User, user_id)
    if not AccountStateForm().validate_on_submit():
        return _account_page(user, status=INVALID)
    service, done, unchanged = ACCESS[action]
    changed = service(current_user, user)
    db.session.commit()
    return _after(user, changed, done % {"name": user.display_name}, unchanged % {"name": user.display_name})


@bp.post("/users/<int:user_id>/sessions/<token_hash>/end")
@admin_action_limit
def end_user_session(user_id: int, token_hash: str):
    """Sign an account out of one of its sessions, written to the audit log; admins only."""
    user = db.get_or_404(User, user_id)
    if not AccountStateForm().validate_on_submit():
        return _account_page(user, status=INVALID)
    ended = end_sessions(current_user, user, token_hash[:64])
    db.session.commit()
    return _after(
        user,
        ended,
        _("%(name)s is signed out on that device.", name=user.display_name),
        _("That session had ended already."),
    )


def _new_account_page(form: NewAccountForm, status: int = 200):
    """The form for a new account, or its block for htmx."""
    return render("admin/user_new.html", block="account_form", status=status, form=form)


@bp.get("/users/new")
def new_account():
    """The form for a new account: e-mail, name, role, home place, language; admins only."""
    form = NewAccountForm(formdata=None, role=Role.RESIDENT.value, locale="kk")
    form.locality.load_choices()
    return _new_account_page(form)


@bp.post("/users/new")
@admin_action_limit
def create_new_account():
    """Make an account with a role and mail its owner a link, valid two days, to choose the password; written to
    the audit log; admins only (422 with the form's mistakes, an address in use among them)."""
    form = NewAccountForm()
    form.locality.load_choices()
    if not form.validate_on_submit():
        return _new_account_page(form, status=INVALID)
    try:
        user = create_account(
            current_user,
            form.email.data,
            form.display_name.data,
            Role(form.role.data),
            form.locality.data,
            form.locale.data,
        )
    except AdminRefused as refused:
        db.session.rollback()
        form.email.errors.append(str(refused))
        return _new_account_page(form, status=INVALID)
    db.session.commit()
    flash(_("%(email)s is sent a link to choose a password and finish the account.", email=user.email), "success")
    return redirect_to(url_for("admin.user", user_id=user.id))
