"""An admin makes an account through the page (its owner is mailed a link to choose the password) or the command
(a password at once, or the link with --invite); each writes one audit row."""

import json
import re

import pytest

from community.accounts.models import User
from community.admin.models import AuditAction, AuditEntry
from community.core.mail import OutgoingMail
from community.core.permissions import Role
from community.extensions import db

HTMX = {"HX-Request": "true"}


def account(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(db.select(User).filter_by(email=email))


def created_entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == AuditAction.ACCOUNT_CREATED)))


def form(**values) -> dict:
    return {
        "email": "zhana.deputat@example.kz",
        "display_name": "Жаңа Депутат",
        "role": "deputy",
        "locale": "kk",
        **values,
    }


def test_an_admin_makes_an_account_whose_owner_finishes_it_by_the_mailed_link(app, client_as, region, outbox):
    admin_client = client_as("admin")
    assert "New account" in admin_client.get("/admin/users?lang=en").get_data(as_text=True)
    assert admin_client.get("/admin/users/new").status_code == 200
    response = admin_client.submit("/admin/users/new", form())
    made = account("zhana.deputat@example.kz")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/admin/users/{made.id}")
    assert made.role is Role.DEPUTY and not made.is_active  # it waits for its owner
    (entry,) = created_entries()
    assert entry.actor_id == admin_client.user.id and entry.target_user_id == made.id
    assert entry.address == "127.0.0.1" and json.loads(entry.after)["role"] == "deputy"
    mail = outbox[-1]
    assert mail["To"] == "zhana.deputat@example.kz" and "Депутат" in mail.get_content()
    link = re.search(r"http://localhost(/auth/reset/\S+)", mail.get_content()).group(1)
    owner = app.test_client()
    assert owner.get(link).status_code == 200
    finished = owner.submit(link, {"password": "Zhana-Kupiya-2026", "confirm": "Zhana-Kupiya-2026"})
    assert finished.status_code == 303 and account("zhana.deputat@example.kz").is_active
    # Signed in, a deputy asked to set up the second factor: a resident until then.
    assert "second factor" in owner.get("/?lang=en").get_data(as_text=True)


def test_a_taken_address_and_bad_input_are_a_422_with_nothing_made(client_as, region, resident):
    admin_client = client_as("admin")
    taken = admin_client.submit("/admin/users/new?lang=en", form(email=resident.email.upper()))
    assert taken.status_code == 422 and "already has an account" in taken.get_data(as_text=True)
    for bad in (form(role="tsar"), form(email="not-an-address"), form(display_name="Ә\x00"), form(locale="xx")):
        response = admin_client.submit("/admin/users/new", bad, headers=HTMX)
        assert response.status_code == 422 and "<html" not in response.get_data(as_text=True)
    assert created_entries() == []


@pytest.mark.parametrize("role", ["visitor", "resident", "deputy", "moderator"])
def test_only_admins_make_accounts(client_as, region, role):
    client = client_as(role)
    response = client.submit("/admin/users/new", form()) if role != "visitor" else client.post("/admin/users/new")
    assert response.status_code in (302, 303, 400, 403)
    assert account("zhana.deputat@example.kz") is None and created_entries() == []


def test_the_command_makes_an_account_with_a_password_or_an_invitation_and_audits_both(app, region):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "first.admin@example.kz", "--role", "admin"])
    assert result.exit_code == 0 and "Password:" in result.output
    invited = runner.invoke(args=["users", "create", "moder@example.kz", "--role", "moderator", "--invite"])
    assert invited.exit_code == 0 and "mailed" in invited.output
    assert account("first.admin@example.kz").is_active and not account("moder@example.kz").is_active
    assert [entry.actor_id for entry in created_entries()] == [None, None]
    queued = db.session.scalars(db.select(OutgoingMail.recipient))
    assert list(queued) == ["moder@example.kz"]  # queued for `flask mail deliver`: a command sends nothing itself
