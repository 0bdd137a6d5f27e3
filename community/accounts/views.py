"""Account pages: register, sign in and out, reset and change the password, profiles, one's own data and deleting
one's account."""

from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community.accounts import bp
from community.accounts.forms import (
    AccountDeletionForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from community.accounts.leaving import delete_account
from community.accounts.models import User
from community.accounts.queries import own_data
from community.accounts.services import (
    ACCEPTED_TERMS_VERSION,
    TooManyLogins,
    authenticate,
    change_password,
    finish_password_reset,
    register_account,
    start_login,
    start_password_reset,
    valid_reset,
)
from community.accounts.sessions import sign_in, sign_out
from community.accounts.two_factor import begin_second_step, is_remembered, required_for
from community.core.errors import render_error
from community.core.exports import json_sections_response
from community.core.forms import INVALID
from community.core.htmx import redirect_to, render
from community.core.i18n import current_lang, keep_language
from community.core.pagecache import shared_with_visitors
from community.core.permissions import can_delete_account, can_download_data, can_edit_profile, can_see_email, ensure
from community.core.security import client_address, is_local_url, user_or_address_key
from community.core.urls import opens_with_get
from community.extensions import db, limiter

NOT_YOURS_TO_DELETE = _l(
    "The account of a deputy, moderator or administrator is deleted by an administrator: please write to the "
    "site's administrators."
)


def _safe_next(default: str) -> str:
    """The ?next= address when it is a page of this site (never a button's POST-only address), else the default."""
    target = request.args.get("next", "")
    return target if is_local_url(target) and opens_with_get(target) else default


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["REGISTRATION_LIMIT"], key_func=client_address, methods=["POST"], scope="register"
)
@limiter.limit(
    lambda: current_app.config["REGISTRATION_EMAIL_LIMIT"],
    key_func=lambda: (request.form.get("email") or "").strip().lower()[:254],
    methods=["POST"],
    scope="register-email",
)
def register():
    """Start a resident's account: the address gets a link to choose a password and finish it (or, when it has
    an account, a message saying so). The answer is the same either way; for visitors who are not signed in."""
    if current_user.is_authenticated:
        return redirect_to(url_for("home.index"))
    form = RegistrationForm()
    form.locality.load_choices()
    if form.validate_on_submit():
        register_account(
            form.email.data, form.display_name.data, form.locality.data, current_lang(), ACCEPTED_TERMS_VERSION
        )
        db.session.commit()
        flash(
            _(
                "We have sent a message to %(email)s. Follow its link within two days to choose your password "
                "and finish your account; if the address already has an account, the message says how to sign in.",
                email=form.email.data.strip().lower(),
            ),
            "info",
        )
        return redirect_to(url_for("accounts.login"))
    status = INVALID if form.is_submitted() else 200
    return render("accounts/register.html", block="form", status=status, form=form)


@bp.route("/auth/login", methods=["GET", "POST"])
def login():
    """Sign in with e-mail and password; wrong passwords are limited per account, per address and per both (a 429)."""
    if current_user.is_authenticated:
        return redirect_to(_safe_next(url_for("home.index")))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = start_login(form.email.data, client_address())
        db.session.commit()  # before the password is checked, so parallel guesses in any worker count each other
        try:
            user = authenticate(attempt, form.password.data)
        except TooManyLogins as refused:
            db.session.commit()
            response = render_error(429, _("Too many wrong passwords. Please wait a few minutes and try again."))
            response.headers["Retry-After"] = str(refused.retry_after)
            return response
        if user is not None:
            return _after_password(user)
        form.password.errors.append(_("Wrong e-mail or password, or the account is disabled."))
    status = INVALID if form.is_submitted() else 200
    return render("accounts/login.html", block="form", status=status, form=form)


def _after_password(user: User):
    """The password was right: an account with a second factor is asked for its code (unless this browser is one
    of its remembered devices); one whose role requires it but has none is signed in to enrol, acting as a resident
    until it has; anyone else is signed in."""
    next_page = _safe_next(url_for("home.index"))
    if user.has_two_factor and not is_remembered(user):
        begin_second_step(user)
        db.session.commit()
        return redirect_to(url_for("accounts.second_factor", next=next_page))
    sign_in(user, second_factor=user.has_two_factor)
    db.session.commit()
    keep_language(user.locale)
    if required_for(user) and not user.has_two_factor:
        flash(
            _(
                "Your role needs two-factor sign-in. Set it up now: until you do, you act as a resident. "
                "You need an authenticator app on your phone."
            ),
            "info",
        )
        return redirect_to(url_for("accounts.two_factor_setup", next=next_page))
    flash(_("You are signed in."), "success")
    return redirect_to(next_page)


@bp.post("/auth/logout")
def logout():
    """End this browser's session on the server; anyone may post it."""
    sign_out()
    db.session.commit()
    flash(_("You are signed out."), "success")
    return redirect_to(url_for("home.index"))


@bp.route("/auth/reset", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["RESET_REQUEST_LIMIT"], key_func=client_address, methods=["POST"], scope="reset"
)
def request_reset():
    """Send a reset link; the answer is the same whether or not the address has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        start_password_reset(form.email.data)
        db.session.commit()
        flash(
            _("If an account uses this address, we have sent it a link to set a new password. It works for one hour."),
            "info",
        )
        return redirect_to(url_for("accounts.login"))
    status = INVALID if form.is_submitted() else 200
    return render("accounts/reset_request.html", block="form", status=status, form=form)


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password with a one-time link; the link works once, for an hour."""
    reset = valid_reset(token)
    if reset is None:
        return render("accounts/reset_invalid.html", status=400)
    form = ResetPasswordForm()
    finishing = reset.user.email_confirmed_at is None  # the link mailed at registration
    if form.validate_on_submit():
        if finish_password_reset(reset, form.password.data):
            if finishing:
                sign_in(reset.user)
            db.session.commit()
            if finishing:
                keep_language(reset.user.locale)
                flash(_("Welcome, %(name)s! Your account is ready.", name=reset.user.display_name), "success")
                return redirect_to(url_for("home.index"))
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect_to(url_for("accounts.login"))
        db.session.rollback()
        return render("accounts/reset_invalid.html", status=400)
    status = INVALID if form.is_submitted() else 200
    return render(
        "accounts/reset_password.html", block="form", status=status, form=form, token=token, finishing=finishing
    )


@bp.route("/auth/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; every other session of the account ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current.data):
            change_password(current_user, form.password.data)
            db.session.commit()
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect_to(url_for("accounts.profile", user_id=current_user.id))
        form.current.errors.append(_("The current password is wrong."))
    status = INVALID if form.is_submitted() else 200
    return render("accounts/password.html", block="form", status=status, form=form)


@bp.route("/auth/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Edit one's own name, locality, language and about text."""
    form = ProfileForm(obj=current_user, locality=current_user.locality_id)
    form.locality.load_choices()
    if form.validate_on_submit():
        current_user.display_name = form.display_name.data
        current_user.locality_id = form.locality.data
        current_user.locale = form.locale.data
        current_user.bio = form.bio.data or ""
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect_to(url_for("accounts.profile", user_id=current_user.id))
    if not form.is_submitted():
        form.locale.data = current_user.locale or current_lang()
    status = INVALID if form.is_submitted() else 200
    return render("accounts/settings.html", block="form", status=status, form=form)


@bp.get("/auth/data.json")
@login_required
@limiter.limit(lambda: current_app.config["OWN_DATA_LIMIT"], key_func=user_or_address_key, scope="own-data")
def own_data_export():
    """Download one's own account and everything one wrote or did, as a JSON file; for the signed-in owner only."""
    ensure(can_download_data(current_user, current_user))
    return json_sections_response(own_data(current_user), filename=f"halyk-uni-account-{current_user.id}.json")


@bp.route("/auth/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["ACCOUNT_DELETION_LIMIT"],
    key_func=user_or_address_key,
    methods=["POST"],
    scope="delete-account",
)
def delete():
    """Delete one's own account, the password given again (and what one wrote, when asked); then signed out
    everywhere. Residents only: deputies, moderators and admins are told an admin handles theirs (403 on POST)."""
    account = current_user._get_current_object()
    allowed = can_delete_account(current_user, account)
    if request.method == "POST" and not allowed:
        return render_error(403, NOT_YOURS_TO_DELETE)
    form = AccountDeletionForm()
    if form.validate_on_submit():
        if account.check_password(form.password.data):
            delete_account(account, remove_content=form.remove_content.data)
            sign_out()
            db.session.commit()
            flash(_("Your account is deleted and you are signed out everywhere. Thank you for taking part."), "success")
            return redirect_to(url_for("home.index"))
        form.password.errors.append(_("The current password is wrong."))
    status = INVALID if form.is_submitted() else 200
    return render(
        "accounts/delete.html", block="form", status=status, form=form, allowed=allowed, refusal=NOT_YOURS_TO_DELETE
    )


@bp.get("/users/<int:user_id>")
@shared_with_visitors
def profile(user_id: int):
    """Show a user's public profile; the e-mail only to its owner and admins."""
    user = db.get_or_404(User, user_id)
    if not user.is_active and not can_edit_profile(current_user, user):
        abort(404)
    from community.appeals.queries import representatives
    from community.events.services import my_registrations

    own = current_user.is_authenticated and current_user.id == user.id
    return render(
        "accounts/profile.html",
        user=user,
        show_email=can_see_email(current_user, user),
        editable=can_edit_profile(current_user, user),
        registrations=my_registrations(user) if own else [],
        yours=representatives(user.locality) if own else {},
    )
