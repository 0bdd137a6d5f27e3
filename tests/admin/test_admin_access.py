"""Only admins open the admin pages and take their actions; everyone else is refused and nothing changes."""

import pytest

from community.accounts.models import User
from community.admin.models import AuditEntry
from community.extensions import db
from tests.factories import create_user

ROLES = ["visitor", "resident", "deputy", "moderator", "admin"]
PAGES = ["/admin/", "/admin/users", "/admin/users/new", "/admin/users/{target}", "/admin/audit", "/admin/audit.csv"]
PAGES += ["/admin/localities", "/admin/localities/new"]  # one place's page and its actions: test_admin_localities
ACTIONS = [
    ("/admin/users/{target}/role", {"role": "admin", "confirm": "y"}),
    ("/admin/users/new", {"email": "new@example.kz", "display_name": "Жаңа", "role": "admin", "locale": "kk"}),
    ("/admin/users/{target}/disable", {}),
    ("/admin/users/{target}/enable", {}),
]


def snapshot() -> dict:
    """Every account's role and state, and every audit entry: what a refused request must leave as it was."""
    db.session.expire_all()
    users = db.session.execute(
        db.select(User.id, User.role, User.disabled_at, User.deleted_at, User.suspended_until).order_by(User.id)
    ).all()
    entries = db.session.execute(db.select(AuditEntry.id, AuditEntry.action).order_by(AuditEntry.id)).all()
    return {"users": users, "audit": entries}


def refused(response, role: str) -> bool:
    """A visitor is sent to sign in; every signed-in role but admin gets 403."""
    if role == "visitor":
        return response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    return response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_admin_pages_are_for_admins_only(client_as, region, role, page):
    target = create_user("resident")
    client = client_as(role)
    response = client.get(page.format(target=target.id))
    if role == "admin":
        assert response.status_code == 200
    else:
        assert refused(response, role)
        assert target.email not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "data"), ACTIONS)
def test_admin_actions_are_for_admins_only_and_change_nothing_otherwise(client_as, region, role, action, data):
    target = create_user("resident")
    if action.endswith("enable"):
        client_as("admin").submit(f"/admin/users/{target.id}/disable")  # something to enable
    client = client_as(role)
    before = snapshot()
    response = client.submit(action.format(target=target.id), data)
    if role == "admin":
        assert response.status_code == 303
        assert snapshot() != before
    else:
        assert refused(response, role)
        assert snapshot() == before


@pytest.mark.parametrize("role", ["visitor", "resident", "moderator"])
def test_htmx_requests_are_refused_the_same_way(client_as, region, role):
    target = create_user("resident")
    client = client_as(role)
    before = snapshot()
    response = client.submit(f"/admin/users/{target.id}/disable", headers={"HX-Request": "true"})
    if role == "visitor":
        assert "/auth/login" in response.headers["HX-Redirect"]
    else:
        assert response.status_code == 403 and response.headers["HX-Retarget"] == "#flashes"
    assert snapshot() == before


def test_a_missing_account_is_404_for_admins_and_403_for_others(client_as, region):
    assert client_as("admin").get("/admin/users/999999").status_code == 404
    assert client_as("moderator").get("/admin/users/999999").status_code == 403


def test_actions_need_a_csrf_token(client_as, region):
    target = create_user("resident")
    client = client_as("admin")
    before = snapshot()
    assert client.post(f"/admin/users/{target.id}/disable").status_code == 400
    assert snapshot() == before


def test_the_account_menu_links_the_administration_for_admins_only(client_as, region):
    assert 'href="/admin/"' in client_as("admin").get("/").get_data(as_text=True)
    for role in ("visitor", "resident", "deputy", "moderator"):
        assert 'href="/admin/"' not in client_as(role).get("/").get_data(as_text=True)
