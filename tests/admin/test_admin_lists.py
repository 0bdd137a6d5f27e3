"""The accounts list and the audit log: search, filters and pages with and without htmx, the CSV export, escaping,
and queries that do not grow with the rows."""

import csv
import io
import re
from datetime import timedelta

import pytest

from community.accounts.models import User
from community.admin.services import change_role, disable_account, link_deputy
from community.core.db import utcnow
from community.core.permissions import Role
from community.extensions import db
from tests.factories import create_deputy, create_user
from tests.test_query_counts import counted_queries

ROW = re.compile(r'<a href="/admin/users/(\d+)">')
NEXT = re.compile(r'rel="next" href="([^"]+)"')
XSS = '<img src=x onerror="alert(1)">'


def listed(response) -> list[int]:
    """The account ids a page of the accounts list links, in order."""
    return [int(found) for found in ROW.findall(response.get_data(as_text=True))]


@pytest.fixture
def admin_client(client_as, region):
    return client_as("admin")


def test_accounts_are_searched_by_name_or_email_and_filtered(admin_client):
    asel = create_user("resident", name="Әсел Нұрланқызы", email="asel@example.kz")
    boss = create_user("moderator", name="Бақыт", email="bakyt@example.kz")
    gone = create_user("resident", name="Ерлан")
    gone.disabled_at = utcnow()
    later = create_user("resident", name="Дана")
    later.suspended_until = utcnow() + timedelta(days=3)
    pending = create_user("resident", name="Жаңа")
    pending.email_confirmed_at = None
    db.session.commit()
    assert listed(admin_client.get("/admin/users?q=Нұрлан")) == [asel.id]
    assert listed(admin_client.get("/admin/users?q=BAKYT@")) == [boss.id]
    assert listed(admin_client.get("/admin/users?role=moderator")) == [boss.id]
    assert listed(admin_client.get("/admin/users?state=disabled")) == [gone.id]
    assert listed(admin_client.get("/admin/users?state=suspended")) == [later.id]
    assert listed(admin_client.get("/admin/users?state=unconfirmed")) == [pending.id]
    active = listed(admin_client.get("/admin/users?state=active"))
    assert asel.id in active and not {gone.id, later.id, pending.id} & set(active)
    assert listed(admin_client.get("/admin/users?q=%25")) == []  # a wildcard is a character like any other
    unknown = admin_client.get("/admin/users?role=tsar&state=asleep")  # ignored, never an error
    assert unknown.status_code == 200 and len(listed(unknown)) == 6


def test_the_accounts_list_pages_and_answers_htmx_with_its_results_only(admin_client):
    for _ in range(35):
        create_user("resident")
    page = admin_client.get("/admin/users?role=resident")
    first = listed(page)
    assert len(first) == 30 and first == sorted(first, reverse=True)
    following = admin_client.get(NEXT.search(page.get_data(as_text=True)).group(1).replace("&amp;", "&"))
    second = listed(following)
    assert len(second) == 5 and set(first).isdisjoint(second)
    fragment = admin_client.get("/admin/users?role=resident", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="user-results"') and "<html" not in body
    assert listed(fragment) == first and fragment.headers["Vary"].count("HX-Request") == 1
    assert "<html" in page.get_data(as_text=True) and 'hx-get="/admin/users"' in page.get_data(as_text=True)


def make_entries(actor: User) -> dict:
    """A few entries of each kind, by an admin and by the command line."""
    people = {name: create_user("resident", name=name) for name in ("Арман", "Гүлім", "Нұрлан")}
    change_role(actor, people["Арман"], Role.MODERATOR)
    disable_account(actor, people["Гүлім"])
    change_role(None, people["Нұрлан"], Role.DEPUTY)
    link_deputy(None, create_deputy("Сапар Депутат"), people["Арман"])
    db.session.commit()
    return people


def entry_actions(response) -> list[str]:
    rows = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    return [row["action"] for row in rows]


def test_the_audit_log_filters_by_action_actor_subject_and_text(admin_client):
    people = make_entries(admin_client.user)
    csv_of = lambda query: entry_actions(admin_client.get(f"/admin/audit.csv?{query}"))  # noqa: E731
    assert csv_of("") == ["deputy_linked", "role_changed", "account_disabled", "role_changed"]
    assert csv_of("action=account_disabled") == ["account_disabled"]
    assert csv_of(f"actor={admin_client.user.email}") == ["account_disabled", "role_changed"]
    assert csv_of("actor=nobody@example.kz") == []  # not the command line's entries
    assert csv_of(f"subject=user:{people['Арман'].id}") == ["deputy_linked", "role_changed"]
    assert csv_of(f"subject={people['Гүлім'].email}") == ["account_disabled"]
    assert csv_of("subject=deputy:999") == [] and csv_of("subject=nobody@example.kz") == []
    assert csv_of("q=moderator") == ["role_changed"]
    assert csv_of("q=Сапар") == ["deputy_linked"]
    assert csv_of("q=%25") == []
    page = admin_client.get("/admin/audit?action=role_changed").get_data(as_text=True)
    assert page.count("<tr>") == 3  # the head and two entries
    assert 'href="/admin/audit.csv?action=role_changed"' in page


def test_the_audit_log_pages_newest_first_and_answers_htmx_with_its_results(admin_client):
    people = [create_user("resident") for _ in range(34)]
    for person in people:
        disable_account(admin_client.user, person)
    db.session.commit()
    page = admin_client.get("/admin/audit")
    body = page.get_data(as_text=True)
    first = [int(found) for found in re.findall(r'<span class="meta">user:(\d+)</span>', body)]
    assert first == [person.id for person in reversed(people)][:30]
    following = admin_client.get(NEXT.search(body).group(1).replace("&amp;", "&")).get_data(as_text=True)
    rest = [int(found) for found in re.findall(r'<span class="meta">user:(\d+)</span>', following)]
    assert rest == [person.id for person in reversed(people)][30:]
    fragment = admin_client.get("/admin/audit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="audit-results"') and "<html" not in fragment


def test_the_csv_export_makes_formula_cells_harmless(admin_client):
    sneaky = create_user("resident", name='=HYPERLINK("http://evil.example","click")')
    change_role(admin_client.user, sneaky, Role.MODERATOR)
    db.session.commit()
    response = admin_client.get("/admin/audit.csv")
    assert response.mimetype == "text/csv" and "audit-log.csv" in response.headers["Content-Disposition"]
    (row,) = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    assert row["account_name"].startswith("'=") and row["actor"] == admin_client.user.email
    assert row["before"] == '{"role": "resident"}' and row["address"] == ""


def test_display_names_are_escaped_on_every_admin_page(admin_client):
    evil = create_user("resident", name=XSS)
    admin_client.submit(f"/admin/users/{evil.id}/role", {"role": "deputy", "confirm": "y"})
    for url in ("/admin/users", f"/admin/users/{evil.id}", "/admin/audit", f"/admin/users?q={evil.email}"):
        body = admin_client.get(url).get_data(as_text=True)
        assert XSS not in body and "&lt;img src=x onerror=" in body, url


@pytest.mark.parametrize("url", ["/admin/users", "/admin/audit", "/admin/users/{me}"])
def test_admin_pages_run_the_same_queries_with_few_or_many_rows(admin_client, url):
    def grow(count):
        for _ in range(count):
            person = create_user("resident")
            change_role(admin_client.user, person, Role.DEPUTY)
            disable_account(admin_client.user, person)
        db.session.commit()

    target = url.format(me=admin_client.user.id)
    grow(2)
    with counted_queries() as small:
        assert admin_client.get(target).status_code == 200
    grow(25)
    with counted_queries() as large:
        assert admin_client.get(target).status_code == 200
    assert len(large) == len(small), large
