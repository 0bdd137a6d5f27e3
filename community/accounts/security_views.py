"""Account security pages: the sign-in's second step, enrolling an authenticator app, recovery codes, remembered
devices, and the signed-in sessions with "sign out everywhere else"."""

from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.accounts import bp
from community.accounts.forms import CodeConfirmForm, EnrolmentForm, SecondFactorForm
from community.accounts.services import TooManyLogins
from community.accounts.sessions import current_session_hash, end_other_sessions, end_session, sessions_of, sign_in
from community.accounts.two_factor import (
    DEVICE_COOKIE,
    check_code_limited,
    confirm_enrolment,
    devices_of,
    drop_second_step,
    enrolment_qr,
    enrolment_secret,
    forget_devices,
    mark_session_passed,
    new_recovery_codes,
    pending_user,
    remaining_recovery_codes,
    remember_device,
    remember_for,
    remove_two_factor,
    required_for,
)
from community.core.errors import render_error
from community.core.forms import INVALID
from community.core.htmx import redirect_to, render
from community.core.i18n import keep_language
from community.core.security import action_limit, is_local_url, user_or_address_key
from community.core.urls import opens_with_get
from community.extensions import db, limiter

security_limit = limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
WRONG_CODE = "That code is not right, or it has been used already."


def _next_or(default: str) -> str:
    """The ?next= address when it is a page of this site, else the default."""
    target = request.args.get("next", "")
    return target if is_local_url(target) and opens_with_get(target) else default


def _too_many(refused: TooManyLogins):
    """The 429 for too many wrong codes, with when to try again."""
    db.session.commit()  # the counted attempts stay counted
    response = render_error(429, _("Too many wrong codes. Please wait a few minutes and try again."))
    response.headers["Retry-After"] = str(refused.retry_after)
    return response


@bp.route("/auth/two-factor/code", methods=["GET", "POST"])
def second_factor():
    """The second step of signing in (after the password), or of acting with one's role in a session that has not
    passed it: a code from the authenticator app or a recovery code, limited like passwords."""
    signed_in = current_user.is_authenticated
    user = current_user._get_current_object() if signed_in else pending_user()
    if user is None:
        flash(_("Please sign in again: the sign-in waited too long for its code."), "info")
        return redirect_to(url_for("accounts.login"))
    if not user.has_two_factor:
        return redirect_to(url_for("accounts.two_factor_setup", next=_next_or(url_for("home.index"))))
    if signed_in and not user.acting_as_resident:
        return redirect_to(_next_or(url_for("home.index")))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            passed = check_code_limited(user, form.code.data)
        except TooManyLogins as refused:
            return _too_many(refused)
        if passed:
            if signed_in:
                mark_session_passed(user)
            else:
                drop_second_step()
                sign_in(user, second_factor=True)
            device = remember_device(user) if form.remember.data else None
            db.session.commit()
            keep_language(user.locale)
            flash(_("You are signed in."), "success")
            response = redirect_to(_next_or(url_for("home.index")))
            if device:
                response.set_cookie(
                    DEVICE_COOKIE,
                    device,
                    max_age=int(remember_for().total_seconds()),
                    httponly=True,
                    secure=current_app.config["SESSION_COOKIE_SECURE"],
                    samesite="Lax",
                )
            return response
        db.session.commit()  # the wrong code stays counted
        form.code.errors.append(_(WRONG_CODE))
    status = INVALID if form.is_submitted() else 200
    return render("accounts/second_factor.html", block="form", status=status, form=form, user=user)


@bp.get("/auth/security")
@login_required
def security():
    """One's own sign-in security: the second factor (on or off, recovery codes left), remembered devices, and a
    link to the sessions."""
    return _security_page(CodeConfirmForm(formdata=None))


@bp.route("/auth/two-factor/setup", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["LOGIN_ATTEMPTS_LIMIT"],
    key_func=user_or_address_key,
    methods=["POST"],
    scope="two-factor-setup",
)
def two_factor_setup():
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with its code and the password
    (limited like sign-ins); the ten recovery codes are shown once, and this browser gets a new session that has
    passed the second factor."""
    if current_user.has_two_factor:
        flash(_("Two-factor sign-in is already on for your account."), "info")
        return redirect_to(url_for("accounts.security"))
    secret = enrolment_secret()
    form = EnrolmentForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors.append(_("The current password is wrong."))
            return _setup_page(form, secret)
        codes = confirm_enrolment(current_user._get_current_object(), form.code.data)
        if codes is not None:
            db.session.commit()
            return render("accounts/recovery_codes.html", codes=codes, next=_next_or(url_for("accounts.security")))
        form.code.errors.append(_(WRONG_CODE))
    return _setup_page(form, secret)


def _setup_page(form: EnrolmentForm, secret: str):
    """The enrolment page with its QR code and key, or its form for htmx (422 after a mistake)."""
    key = " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
    return render(
        "accounts/two_factor_setup.html",
        block="form",
        status=INVALID if form.is_submitted() else 200,
        form=form,
        qr=enrolment_qr(current_user, secret),
        key=key,
        required=required_for(current_user),
    )


def _refused_without_code():
    """None when the security page's form carries a right code (checked under the code limits); else what to
    answer: the page again with the form's mistakes (422), or the 429 after too many wrong codes."""
    form = CodeConfirmForm()
    if not form.validate_on_submit():
        return _security_page(form)
    try:
        if check_code_limited(current_user, form.code.data):
            return None
    except TooManyLogins as refused:
        return _too_many(refused)
    db.session.commit()  # the wrong code stays counted
    form.code.errors.append(_(WRONG_CODE))
    return _security_page(form)


def _security_page(form: CodeConfirmForm):
    """The security page, with the code form as given (422 after a mistake)."""
    return render(
        "accounts/security.html",
        status=INVALID if form.is_submitted() else 200,
        required=required_for(current_user),
        codes_left=remaining_recovery_codes(current_user) if current_user.has_two_factor else 0,
        devices=devices_of(current_user),
        confirm_form=form,
    )


@bp.post("/auth/two-factor/recovery-codes")
@login_required
@security_limit
def renew_recovery_codes():
    """Replace one's recovery codes with ten new ones (the old ones stop working); a current code is asked."""
    if not current_user.has_two_factor:
        return redirect_to(url_for("accounts.security"))
    refusal = _refused_without_code()
    if refusal is not None:
        return refusal
    codes = new_recovery_codes(current_user)
    db.session.commit()
    return render("accounts/recovery_codes.html", codes=codes, next=url_for("accounts.security"))


@bp.post("/auth/two-factor/off")
@login_required
@security_limit
def two_factor_off():
    """Turn one's second factor off, a current code given; refused (403) to deputies, moderators and admins, whose
    role requires it."""
    if required_for(current_user):
        return render_error(403, _("Your role requires two-factor sign-in, so it cannot be turned off."))
    if not current_user.has_two_factor:
        return redirect_to(url_for("accounts.security"))
    refusal = _refused_without_code()
    if refusal is not None:
        return refusal
    remove_two_factor(current_user)
    db.session.commit()
    flash(_("Two-factor sign-in is off. Your remembered devices are forgotten."), "success")
    return redirect_to(url_for("accounts.security"))


@bp.post("/auth/devices/forget", endpoint="forget_all_devices")
@bp.post("/auth/devices/<token_hash>/forget")
@login_required
@security_limit
def forget_device(token_hash: str | None = None):
    """Forget one remembered device of one's own, or all of them: each asks for a code at its next sign-in
    (another's device, or one forgotten already, changes nothing)."""
    forget_devices(current_user, token_hash[:64] if token_hash else None)
    db.session.commit()
    flash(_("The device is forgotten.") if token_hash else _("Your remembered devices are forgotten."), "success")
    return redirect_to(url_for("accounts.security"))


@bp.get("/auth/sessions")
@login_required
def sessions():
    """The browsers signed in to one's account: the browser, the address, when it signed in and was last seen."""
    return render(
        "accounts/sessions.html",
        sessions=sessions_of(current_user),
        mine=current_session_hash(),
        end_url=lambda one: url_for("accounts.end_one", token_hash=one.token_hash),
    )


@bp.post("/auth/sessions/others/end")
@login_required
@security_limit
def end_others():
    """Sign out every other browser of one's account."""
    ended = end_other_sessions(current_user)
    db.session.commit()
    flash(_("Every other device is signed out (%(count)d).", count=ended), "success")
    return redirect_to(url_for("accounts.sessions"))


@bp.post("/auth/sessions/<token_hash>/end")
@login_required
@security_limit
def end_one(token_hash: str):
    """Sign out one browser of one's own account (this one too, which then signs in again)."""
    ended = end_session(current_user, token_hash[:64])
    db.session.commit()
    if token_hash == current_session_hash():
        flash(_("You are signed out."), "success")
        return redirect_to(url_for("accounts.login"))
    flash(_("The device is signed out.") if ended else _("That device was signed out already."), "success")
    return redirect_to(url_for("accounts.sessions"))
