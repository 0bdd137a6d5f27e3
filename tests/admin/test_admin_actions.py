"""Each admin action through its form and through its command: what changes, and the audit row it writes."""

import json

import pytest

from community.accounts.models import LoginSession, User
from community.admin.models import AuditAction, AuditEntry
from community.core.permissions import Role
from community.extensions import db
from tests.factories import create_deputy, create_user


def run(app, *args, ok: bool = True):
    result = app.test_cli_runner().invoke(args=list(args))
    assert (result.exit_code == 0) is ok, result.output
    db.session.expire_all()
    return result.output


def entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)))


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def check_entry(entry, actor, action, target, before, after, address):
    assert entry.actor_id == (actor.id if actor else None)
    assert entry.action is action
    assert entry.target_user_id == target.id
    assert entry.subject == f"user:{target.id}"
    assert json.loads(entry.before) == before and json.loads(entry.after) == after
    assert entry.address == address


def test_changing_a_role_through_the_form_is_confirmed_and_audited(client_as, region, resident):
    client = client_as("admin")
    refused = client.submit(f"/admin/users/{resident.id}/role", {"role": "moderator"})
    assert refused.status_code == 422 and fresh(resident).role is Role.RESIDENT and entries() == []
    response = client.submit(f"/admin/users/{resident.id}/role", {"role": "moderator", "confirm": "y"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/admin/users/{resident.id}")
    assert fresh(resident).role is Role.MODERATOR
    (entry,) = entries()
    check_entry(
        entry, client.user, AuditAction.ROLE_CHANGED, resident, {"role": "resident"}, {"role": "moderator"}, "127.0.0.1"
    )
    assert "127.0.0.1" in client.get(f"/admin/users/{resident.id}").get_data(as_text=True)


def test_a_role_that_is_no_role_is_refused(client_as, region, resident):
    response = client_as("admin").submit(f"/admin/users/{resident.id}/role", {"role": "tsar", "confirm": "y"})
    assert response.status_code == 422 and fresh(resident).role is Role.RESIDENT and entries() == []


def test_the_same_role_again_writes_nothing(client_as, region, resident):
    response = client_as("admin").submit(f"/admin/users/{resident.id}/role", {"role": "resident", "confirm": "y"})
    assert response.status_code == 303 and entries() == []


def test_changing_a_role_with_htmx_swaps_the_account_block_and_announces_it(client_as, region, resident):
    client = client_as("admin")
    response = client.submit(
        f"/admin/users/{resident.id}/role", {"role": "deputy", "confirm": "y"}, headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<div id="account"')
    assert "announce" in response.headers["HX-Trigger"] and fresh(resident).role is Role.DEPUTY


def test_the_set_role_command_writes_the_same_row_as_the_command_line(app, resident):
    run(app, "users", "set-role", resident.email, "moderator")
    assert fresh(resident).role is Role.MODERATOR
    (entry,) = entries()
    check_entry(entry, None, AuditAction.ROLE_CHANGED, resident, {"role": "resident"}, {"role": "moderator"}, "")
    assert entry.from_command_line


def test_disabling_through_the_form_ends_the_sessions_and_signs_the_user_out(app, client_as, region, resident):
    victim = client_as(resident)
    other_device = client_as(resident)
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginSession).filter_by(user_id=resident.id)) == 2
    admin = client_as("admin")
    response = admin.submit(f"/admin/users/{resident.id}/disable")
    assert response.status_code == 303
    assert fresh(resident).disabled_at is not None
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginSession).filter_by(user_id=resident.id)) == 0
    for device in (victim, other_device):
        page = device.get("/auth/settings")
        assert page.status_code in (302, 303) and "/auth/login" in page.headers["Location"]
    (entry,) = entries()
    check_entry(
        entry,
        admin.user,
        AuditAction.ACCOUNT_DISABLED,
        resident,
        {"state": "active"},
        {"state": "disabled"},
        "127.0.0.1",
    )
    response = admin.submit(f"/admin/users/{resident.id}/enable")
    assert response.status_code == 303 and fresh(resident).disabled_at is None
    check_entry(
        entries()[-1],
        admin.user,
        AuditAction.ACCOUNT_ENABLED,
        resident,
        {"state": "disabled"},
        {"state": "active"},
        "127.0.0.1",
    )
    client_as(resident)  # signs in again


def test_the_disable_and_enable_commands_write_the_same_rows(app, client, resident, login_as):
    login_as(resident)
    run(app, "users", "disable", resident.email)
    assert client.get("/auth/settings").status_code in (302, 303)
    run(app, "users", "enable", resident.email)
    disabled, enabled = entries()
    check_entry(disabled, None, AuditAction.ACCOUNT_DISABLED, resident, {"state": "active"}, {"state": "disabled"}, "")
    check_entry(enabled, None, AuditAction.ACCOUNT_ENABLED, resident, {"state": "disabled"}, {"state": "active"}, "")
    assert "was not disabled" in run(app, "users", "enable", resident.email) and len(entries()) == 2


def test_the_last_admin_can_neither_demote_nor_disable_themselves(client_as, region):
    client = client_as("admin")
    me = client.user
    demote = client.submit(f"/admin/users/{me.id}/role?lang=en", {"role": "resident", "confirm": "y"})
    assert demote.status_code == 409 and "only administrator" in demote.get_data(as_text=True)
    disable = client.submit(f"/admin/users/{me.id}/disable")
    assert disable.status_code == 409
    assert fresh(me).role is Role.ADMIN and fresh(me).disabled_at is None and entries() == []
    assert client.get("/admin/").status_code == 200  # still signed in


def test_an_admin_with_a_colleague_may_step_down_and_goes_home(client_as, region):
    create_user("admin")
    client = client_as("admin")
    response = client.submit(f"/admin/users/{client.user.id}/role", {"role": "moderator", "confirm": "y"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert fresh(client.user).role is Role.MODERATOR and client.get("/admin/").status_code == 403


def test_a_disabled_admin_does_not_count_as_the_other_admin(client_as, region):
    colleague = create_user("admin")
    client = client_as("admin")
    client.submit(f"/admin/users/{colleague.id}/disable")
    assert client.submit(f"/admin/users/{client.user.id}/disable").status_code == 409


def test_deputies_link_refuses_to_take_a_profile_without_force(app, resident, other_resident):
    holder = create_user("deputy", name="Қазіргі Иесі")
    profile = create_deputy("Жаңа Депутат", user=holder)
    output = run(app, "deputies", "link", str(profile.id), resident.email, ok=False)
    assert holder.email in output and "Қазіргі Иесі" in output and "--force" in output
    assert profile.user_id == holder.id and fresh(resident).role is Role.RESIDENT and entries() == []

    run(app, "deputies", "link", str(profile.id), resident.email, "--force")
    assert profile.user_id == resident.id and fresh(resident).role is Role.DEPUTY
    unlinked, linked, promoted = entries()
    assert (unlinked.action, unlinked.target_user_id, unlinked.subject) == (
        AuditAction.DEPUTY_UNLINKED,
        holder.id,
        f"deputy:{profile.id}",
    )
    assert json.loads(unlinked.before)["account"] == holder.email
    assert (linked.action, linked.target_user_id) == (AuditAction.DEPUTY_LINKED, resident.id)
    assert json.loads(linked.before) == {"account": holder.email}
    assert json.loads(linked.after)["account"] == resident.email
    check_entry(promoted, None, AuditAction.ROLE_CHANGED, resident, {"role": "resident"}, {"role": "deputy"}, "")
    assert all(entry.actor_id is None and entry.address == "" for entry in (unlinked, linked, promoted))


def test_deputies_link_refuses_an_account_that_has_another_profile(app, resident):
    first = create_deputy("Бірінші", user=resident)
    second = create_deputy("Екінші")
    output = run(app, "deputies", "link", str(second.id), resident.email, "--force", ok=False)
    assert "Бірінші" in output and second.user_id is None and first.user_id == resident.id and entries() == []


def test_deputies_link_and_unlink_write_audit_rows(app, resident):
    profile = create_deputy("Жаңа Депутат")
    run(app, "deputies", "link", str(profile.id), resident.email)
    assert "already" in run(app, "deputies", "link", str(profile.id), resident.email)
    run(app, "deputies", "unlink", str(profile.id))
    assert profile.user_id is None
    assert [entry.action for entry in entries()] == [
        AuditAction.DEPUTY_LINKED,
        AuditAction.ROLE_CHANGED,
        AuditAction.DEPUTY_UNLINKED,
    ]
    assert "had no linked account" in run(app, "deputies", "unlink", str(profile.id)) and len(entries()) == 3


def test_audit_entries_cannot_be_changed_or_removed(app, resident):
    run(app, "users", "disable", resident.email)
    (entry,) = entries()
    entry.after = "{}"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
