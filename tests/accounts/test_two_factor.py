"""Two-factor sign-in: enrolment with a real code from the library, the sign-in's second step, codes never
accepted twice, single-use recovery codes, limits, remembered devices, privileged roles acting as residents until
their session passed it, and the admin's reset."""

import re
import time
from datetime import timedelta

import pyotp
import pytest

from community.accounts.models import LoginSession, RecoveryCode, TrustedDevice, User
from community.accounts.two_factor import DEVICE_COOKIE, PENDING_FOR
from community.admin.models import AuditAction, AuditEntry
from community.core.db import utcnow
from community.extensions import db
from tests.factories import PASSWORD, TOTP_SECRET, create_user

HTMX = {"HX-Request": "true"}


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def signed_in(client) -> bool:
    return client.get("/auth/settings").status_code == 200


def password_step(client, user: User, **data):
    response = client.submit("/auth/login", {"email": user.email, "password": PASSWORD, **data})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def code_now(secret: str = TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def forget_last_step(user: User) -> None:
    db.session.execute(db.update(User).where(User.id == user.id).values(totp_last_step=None))
    db.session.commit()


def enrol(client) -> tuple[str, list[str]]:
    """Enrol the signed-in account through the pages: read the key off the page, answer with its code of now."""
    page = client.get("/auth/two-factor/setup?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html  # the QR code, inline
    secret = re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    response = client.submit("/auth/two-factor/setup?lang=en", {"code": code_now(secret), "password": PASSWORD})
    assert response.status_code == 200, response.get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.get_data(as_text=True))
    return secret, codes


def test_a_resident_enrols_with_a_real_code_and_gets_ten_recovery_codes_kept_hashed(client, resident, login_as):
    login_as(resident)
    wrong = client.submit("/auth/two-factor/setup?lang=en", {"code": "000000", "password": PASSWORD})
    assert wrong.status_code == 422 and "That code is not right" in wrong.get_data(as_text=True)
    no_password = client.submit("/auth/two-factor/setup?lang=en", {"code": "000000", "password": "Wrong-Pass-99"})
    assert no_password.status_code == 422 and "The current password is wrong." in no_password.get_data(as_text=True)
    assert not fresh(resident).has_two_factor
    secret, codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    account = fresh(resident)
    assert account.has_two_factor and account.totp_secret == secret
    stored = set(db.session.scalars(db.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == resident.id)))
    assert len(stored) == 10 and not stored & {code.replace("-", "") for code in codes}


def test_the_setup_page_answers_htmx_with_its_form(client, resident, login_as):
    login_as(resident)
    response = client.submit("/auth/two-factor/setup", {"code": "12"}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<form" in html and "<html" not in html


def test_signing_in_asks_for_the_code_after_the_password(client, resident):
    resident.totp_secret, resident.two_factor_since = TOTP_SECRET, utcnow()
    db.session.commit()
    location = password_step(client, resident)
    assert "/auth/two-factor/code" in location
    assert not signed_in(client)  # the password alone signs nobody in
    wrong = client.submit(location, {"code": "123456"})
    assert wrong.status_code == 422 and not signed_in(client)
    right = client.submit(location, {"code": code_now()})
    assert right.status_code == 303 and signed_in(client)
    (session,) = db.session.scalars(db.select(LoginSession).where(LoginSession.user_id == resident.id))
    assert session.second_factor_at is not None and session.address == "127.0.0.1"


def test_a_code_is_never_accepted_twice(app, moderator):
    first, second = app.test_client(), app.test_client()
    code = code_now()
    assert first.submit(password_step(first, moderator), {"code": code}).status_code == 303
    replay = second.submit(password_step(second, moderator), {"code": code})
    assert replay.status_code == 422 and not signed_in(second)


def test_recovery_codes_work_once_each(app, client, resident, login_as):
    login_as(resident)
    _, codes = enrol(client)
    client.submit("/auth/logout")
    for attempt, expected in ((codes[0], 303), (codes[0].upper().replace("-", " "), 422), (codes[1], 303)):
        browser = app.test_client()
        response = browser.submit(password_step(browser, resident), {"code": attempt})
        assert response.status_code == expected
    remaining = db.session.scalar(
        db.select(db.func.count()).select_from(RecoveryCode).where(RecoveryCode.used_at.is_(None))
    )
    assert remaining == 8


def test_wrong_codes_are_limited_like_passwords(client, moderator):
    location = password_step(client, moderator)
    for _ in range(10):
        assert client.submit(location, {"code": "000000"}).status_code == 422
    refused = client.submit(location, {"code": code_now()})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert not signed_in(client)


def test_the_second_step_waits_five_minutes_only(client, moderator, monkeypatch):
    location = password_step(client, moderator)
    later = time.time() + PENDING_FOR + 1
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.submit(location, {"code": code_now()})
    assert response.status_code == 303 and response.headers["Location"].endswith("/auth/login")
    assert not signed_in(client)


def test_a_privileged_account_acts_as_a_resident_until_it_enrols(client, thread, login_as):
    moderator = create_user("moderator", two_factor=False)
    location = password_step(client, moderator)
    assert "/auth/two-factor/setup" in location  # signed in, asked to enrol
    assert signed_in(client)
    page = client.get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
    assert "You act as a resident until you confirm your sign-in with a second factor." in page
    refused = client.submit(f"/moderation/threads/{thread.id}/hide", {"reason": "Жарнама"})
    assert refused.status_code == 403 and not db.session.get(type(thread), thread.id).is_hidden
    assert client.get("/moderation/").status_code == 403
    enrol(client)
    hidden = client.submit(f"/moderation/threads/{thread.id}/hide", {"reason": "Жарнама"})
    assert hidden.status_code == 303
    db.session.expire_all()
    assert db.session.get(type(thread), thread.id).is_hidden


def test_an_admin_without_a_second_factor_is_refused_the_administration(client):
    admin = create_user("admin", two_factor=False)
    password_step(client, admin)
    assert client.get("/admin/").status_code == 403
    resident = create_user("resident")
    refused = client.submit(f"/admin/users/{resident.id}/role", {"role": "admin", "confirm": "y"})
    assert refused.status_code == 403 and fresh(resident).role.value == "resident"


def test_a_deputy_without_a_second_factor_has_no_inbox(client, deputy_profile):
    deputy = fresh(deputy_profile.user)
    deputy.totp_secret = deputy.two_factor_since = None
    db.session.commit()
    password_step(client, deputy)
    assert client.get("/appeals/inbox").status_code in (403, 404)
    assert "/appeals/inbox" not in client.get("/").get_data(as_text=True)


def test_a_remembered_device_skips_the_code_until_forgotten(app, client, moderator):
    response = client.submit(password_step(client, moderator), {"code": code_now(), "remember": "y"})
    assert response.status_code == 303
    cookie = client.get_cookie(DEVICE_COOKIE)
    assert cookie is not None and cookie.http_only
    (device,) = db.session.scalars(db.select(TrustedDevice))
    assert timedelta(days=29) < device.expires_at - utcnow() <= timedelta(days=30)
    client.submit("/auth/logout")
    assert "/auth/two-factor/code" not in password_step(client, moderator)  # remembered
    (session,) = db.session.scalars(db.select(LoginSession).where(LoginSession.user_id == moderator.id))
    assert session.second_factor_at is not None
    # Another account in the same browser is still asked, and so is a tampered cookie.
    other = create_user("moderator")
    other_browser = app.test_client()
    other_browser.set_cookie(DEVICE_COOKIE, cookie.value)
    assert "/auth/two-factor/code" in password_step(other_browser, other)
    tampered = app.test_client()
    tampered.set_cookie(DEVICE_COOKIE, cookie.value[:-2] + "xx")
    assert "/auth/two-factor/code" in password_step(tampered, moderator)
    # Forgetting it on the security page makes this browser ask again.
    assert client.submit("/auth/devices/forget").status_code == 303
    client.submit("/auth/logout")
    assert "/auth/two-factor/code" in password_step(client, moderator)


def test_an_expired_device_and_a_password_change_forget(client, moderator):
    client.submit(password_step(client, moderator), {"code": code_now(), "remember": "y"})
    db.session.execute(db.update(TrustedDevice).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    client.submit("/auth/logout")
    forget_last_step(moderator)
    location = password_step(client, moderator, remember="y")
    assert "/auth/two-factor/code" in location
    client.submit(location, {"code": code_now(), "remember": "y"})
    new = "Zhana-Kupiya-Soz-77"
    changed = client.submit("/auth/password", {"current": PASSWORD, "password": new, "confirm": new})
    assert changed.status_code == 303
    assert db.session.scalar(db.select(db.func.count()).select_from(TrustedDevice)) == 0


def test_a_privileged_account_cannot_turn_it_off_but_a_resident_can(client_as, resident, login_as, client):
    moderator_client = client_as("moderator")
    refused = moderator_client.submit("/auth/two-factor/off", {"code": code_now()})
    assert refused.status_code == 403 and fresh(moderator_client.user).has_two_factor
    login_as(resident)
    enrol(client)
    wrong = client.submit("/auth/two-factor/off", {"code": "000000"})
    assert wrong.status_code == 422 and fresh(resident).has_two_factor
    forget_last_step(resident)
    secret = fresh(resident).totp_secret
    assert client.submit("/auth/two-factor/off", {"code": code_now(secret)}).status_code == 303
    assert not fresh(resident).has_two_factor
    assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0


def test_new_recovery_codes_replace_the_old_ones(client, resident, login_as):
    login_as(resident)
    secret, old = enrol(client)
    forget_last_step(resident)
    response = client.submit("/auth/two-factor/recovery-codes", {"code": code_now(secret)})
    new = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.get_data(as_text=True))
    assert response.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    client.submit("/auth/logout")
    location = password_step(client, resident)
    assert client.submit(location, {"code": old[0]}).status_code == 422
    assert client.submit(location, {"code": new[0]}).status_code == 303


def test_the_security_page_shows_the_state(client_as):
    page = client_as("moderator").get("/auth/security?lang=en").get_data(as_text=True)
    assert "10 recovery codes left." in page or "recovery codes left" in page
    assert "cannot be turned off" in page


@pytest.mark.parametrize("through", ["form", "command"])
def test_an_admin_resets_a_lost_second_factor_with_an_audit_row(app, client_as, through):
    deputy = create_user("deputy")
    deputy_client = client_as(deputy)
    if through == "form":
        admin_client = client_as("admin")
        response = admin_client.submit(f"/admin/users/{deputy.id}/reset-two-factor")
        assert response.status_code == 303
        actor, address = admin_client.user.id, "127.0.0.1"
    else:
        result = app.test_cli_runner().invoke(args=["users", "reset-two-factor", deputy.email])
        assert result.exit_code == 0, result.output
        actor, address = None, ""
    account = fresh(deputy)
    assert not account.has_two_factor
    assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0
    (entry,) = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == AuditAction.TWO_FACTOR_RESET))
    assert entry.actor_id == actor and entry.target_user_id == deputy.id and entry.address == address
    # Every session of the account ends: one left on a lost device cannot enrol a factor of its own.
    assert deputy_client.get("/auth/settings").status_code in (302, 303)


def test_resetting_an_account_without_a_second_factor_writes_nothing(client_as, resident):
    response = client_as("admin").submit(f"/admin/users/{resident.id}/reset-two-factor")
    assert response.status_code == 303
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "１２３４５６", "¹²³⁴⁵⁶", "x" * 40, "12345\u200b6"])
def test_codes_that_are_no_codes_are_a_422_on_every_code_form(client_as, code):
    moderator_client = client_as("moderator")
    for path in ("/auth/two-factor/recovery-codes", "/auth/two-factor/off"):
        assert moderator_client.submit(path, {"code": code}).status_code in (403, 422)
    resident_client = client_as("resident")
    assert resident_client.submit("/auth/two-factor/setup", {"code": code, "password": PASSWORD}).status_code == 422


def test_passing_the_second_factor_in_a_session_gives_it_a_new_token(client, resident, login_as):
    login_as(resident)
    before = set(db.session.scalars(db.select(LoginSession.token_hash)))
    enrol(client)
    db.session.expire_all()
    (after,) = db.session.scalars(db.select(LoginSession).where(LoginSession.user_id == resident.id))
    assert after.token_hash not in before and after.second_factor_at is not None
    assert signed_in(client)


def test_an_organiser_without_the_second_factor_cannot_run_their_event(client, village):
    from tests.factories import create_event

    organiser = create_user("deputy", two_factor=False)
    event = create_event(organiser, village)
    password_step(client, organiser)
    for path in (f"/events/{event.id}/edit", f"/events/{event.id}/registrants.csv"):
        assert client.get(path).status_code == 403
    refused = client.submit(f"/events/{event.id}/cancel", {"reason": "Ауа райы"})
    assert refused.status_code == 403
    db.session.expire_all()
    assert db.session.get(type(event), event.id).cancelled_at is None


def test_the_inbox_count_is_empty_for_a_deputy_without_the_second_factor(client, deputy_profile, resident, village):
    from tests.factories import create_appeal

    create_appeal(resident, deputy_profile, village)
    deputy = fresh(deputy_profile.user)
    deputy.totp_secret = deputy.two_factor_since = None
    db.session.commit()
    password_step(client, deputy)
    count = client.get("/appeals/inbox/count", headers=HTMX)
    assert count.status_code == 200 and "inbox-count" not in count.get_data(as_text=True)


def test_wrong_codes_sent_at_once_are_counted_against_each_other(app, moderator):
    from tests.concurrency import post_at_once

    clients = [app.test_client() for _ in range(14)]
    for browser in clients:
        password_step(browser, moderator)
    responses = post_at_once(clients, "/auth/two-factor/code", {"code": "000000"})
    checked = [response for response in responses if response.status_code == 422]
    assert len(checked) <= 10 and all(response.status_code in (422, 429) for response in responses)
