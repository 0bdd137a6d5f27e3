"""The sessions page: the devices signed in, "sign out everywhere else", one device signed out; an admin seeing
and ending a user's sessions (audited); last-seen renewal; pruning by command and by the notifications job."""

from datetime import timedelta

import pytest

from community.accounts.models import LoginAttempt, LoginSession, PasswordReset, TrustedDevice
from community.admin.models import AuditAction, AuditEntry
from community.core.db import utcnow
from community.extensions import db
from community.notifications.delivery import run_pass

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari"


def sessions_of(user) -> list[LoginSession]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(LoginSession).where(LoginSession.user_id == user.id)))


def signed_in(client) -> bool:
    return client.get("/auth/settings").status_code == 200


def test_the_sessions_page_lists_each_browser_with_its_address_and_marks_this_one(app, resident, login_as, client):
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = PHONE
    login_as(resident, with_client=phone)
    login_as(resident)
    page = client.get("/auth/sessions?lang=en").get_data(as_text=True)
    assert "Chrome, Android" in page and "127.0.0.1" in page
    assert page.count("(this device)") == 1
    assert "Sign out everywhere else" in page


def test_sign_out_everywhere_else_keeps_this_browser(app, resident, login_as, client):
    others = [app.test_client() for _ in range(2)]
    for other in others:
        login_as(resident, with_client=other)
    login_as(resident)
    assert client.submit("/auth/sessions/others/end").status_code == 303
    assert signed_in(client) and not any(signed_in(other) for other in others)
    assert len(sessions_of(resident)) == 1


def test_one_device_is_signed_out_and_another_accounts_sessions_are_out_of_reach(
    app, resident, other_resident, login_as, client
):
    phone = app.test_client()
    login_as(resident, with_client=phone)
    stranger = app.test_client()
    login_as(other_resident, with_client=stranger)
    login_as(resident)
    phone_hash = next(one.token_hash for one in sessions_of(resident) if one.token_hash != _this(client))
    stranger_hash = sessions_of(other_resident)[0].token_hash
    assert client.submit(f"/auth/sessions/{stranger_hash}/end").status_code == 303
    assert signed_in(stranger)  # not this account's: nothing happens
    assert client.submit(f"/auth/sessions/{phone_hash}/end").status_code == 303
    assert not signed_in(phone) and signed_in(client)


def _this(client) -> str:
    from community.accounts.models import hash_token
    from community.core.security import SESSION_TOKEN_KEY

    with client.session_transaction() as session:
        return hash_token(session[SESSION_TOKEN_KEY])


def test_the_session_pages_need_csrf_and_an_account(app, resident, login_as, client):
    assert app.test_client().get("/auth/sessions").status_code in (302, 303)
    login_as(resident)
    forged = client.post("/auth/sessions/others/end", data={})
    assert forged.status_code == 400


@pytest.mark.parametrize("through", ["form", "command"])
def test_an_admin_sees_and_ends_a_users_sessions_with_an_audit_row(app, client_as, resident, login_as, client, through):
    login_as(resident)
    admin_client = client_as("admin")
    page = admin_client.get(f"/admin/users/{resident.id}?lang=en").get_data(as_text=True)
    assert "127.0.0.1" in page and "Sign out on every device" in page
    if through == "form":
        response = admin_client.submit(f"/admin/users/{resident.id}/end-sessions")
        assert response.status_code == 303
        actor, address = admin_client.user.id, "127.0.0.1"
    else:
        listing = app.test_cli_runner().invoke(args=["sessions", "list", resident.email])
        assert "127.0.0.1" in listing.output
        session_id = listing.output.split()[0]
        result = app.test_cli_runner().invoke(args=["sessions", "end", resident.email, "--session", session_id])
        assert result.exit_code == 0 and "1 session(s) ended" in result.output
        actor, address = None, ""
    assert not signed_in(client) and sessions_of(resident) == []
    db.session.expire_all()
    (entry,) = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == AuditAction.SESSIONS_ENDED))
    assert entry.actor_id == actor and entry.target_user_id == resident.id and entry.address == address


def test_an_admin_ends_one_session_of_a_user(app, client_as, resident, login_as):
    first, second = app.test_client(), app.test_client()
    login_as(resident, with_client=first)
    login_as(resident, with_client=second)
    token_hash = _this(first)
    response = client_as("admin").submit(f"/admin/users/{resident.id}/sessions/{token_hash}/end")
    assert response.status_code == 303
    assert not signed_in(first) and signed_in(second)


def test_others_cannot_see_or_end_a_users_sessions(client_as, resident, login_as, client):
    login_as(resident)
    for role in ("visitor", "resident", "deputy", "moderator"):
        other = client_as(role)
        assert other.get(f"/admin/users/{resident.id}").status_code in (302, 303, 403)
        other.submit(f"/admin/users/{resident.id}/end-sessions")
        assert signed_in(client)


def test_last_seen_is_renewed_every_few_minutes(resident, login_as, client):
    login_as(resident)
    db.session.execute(db.update(LoginSession).values(last_seen_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    client.get("/")
    (session,) = sessions_of(resident)
    assert utcnow() - session.last_seen_at < timedelta(minutes=1)


def _lapsed_rows(user) -> None:
    long_ago = utcnow() - timedelta(days=31)
    db.session.execute(db.update(LoginSession).values(last_seen_at=long_ago))
    db.session.add(TrustedDevice(token_hash="a" * 64, user_id=user.id, expires_at=utcnow() - timedelta(days=1)))
    db.session.add(TrustedDevice(token_hash="b" * 64, user_id=user.id, expires_at=utcnow() + timedelta(days=1)))
    db.session.add(PasswordReset(user_id=user.id, token_hash="c" * 64, expires_at=long_ago))
    db.session.add(LoginAttempt(email="x@example.kz", address="10.0.0.1", at=long_ago))
    db.session.commit()


@pytest.mark.parametrize("through", ["command", "job"])
def test_pruning_deletes_lapsed_sessions_devices_links_and_attempts(app, resident, other_resident, login_as, through):
    login_as(resident)
    fresh_client = app.test_client()
    _lapsed_rows(resident)
    login_as(other_resident, with_client=fresh_client)  # a session seen now stays
    if through == "command":
        result = app.test_cli_runner().invoke(args=["sessions", "prune"])
        assert result.exit_code == 0 and "1 sessions" in result.output
    else:
        assert run_pass().pruned >= 3  # the attempt may have gone with the sign-in that recorded it
    db.session.expire_all()
    assert [one.user_id for one in db.session.scalars(db.select(LoginSession))] == [other_resident.id]
    assert [device.token_hash for device in db.session.scalars(db.select(TrustedDevice))] == ["b" * 64]
    assert db.session.scalar(db.select(db.func.count()).select_from(PasswordReset)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginAttempt)) == 0
    assert signed_in(fresh_client)
