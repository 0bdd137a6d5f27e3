"""Deputy profiles in the administration: only admins open and change them; creating, editing, linking and
unlinking through the pages and the commands, each with its audit row; bad input is a 422; the list filters and
pages with and without htmx, escapes names and runs the same queries with few or many profiles."""

import json
import re

import pytest

from community.accounts.models import User
from community.admin.models import AuditAction, AuditEntry
from community.core.permissions import Role
from community.extensions import db
from community.places.models import Locality
from community.pledges.models import Council, Deputy, deputy_localities
from tests.factories import create_deputy, create_user
from tests.test_query_counts import counted_queries

ROLES = ["visitor", "resident", "deputy", "moderator", "admin"]
PAGES = ["/admin/deputies", "/admin/deputies/new", "/admin/deputies/{profile}", "/admin/deputies/{profile}/edit"]
XSS = '<img src=x onerror="alert(1)">'
ROW = re.compile(r'<a href="/admin/deputies/(\d+)">')
NEXT = re.compile(r'rel="next" href="([^"]+)"')


def place(slug: str) -> Locality:
    return db.session.scalar(db.select(Locality).filter_by(slug=slug))


def profile_form(**changes) -> dict:
    """A valid form for a new profile in the test region, with changes."""
    form = {
        "name": "Сәуле Серікқызы",
        "council": "district",
        "district": str(place("karasai-district").id),
        "constituency": "№8 Қаскелең округі",
        "localities": [str(place("shamalgan").id)],
        "party_kk": "Аманат",
        "party_ru": "Аманат",
        "party_en": "Amanat",
        "term_start": "2023",
        "term_end": "2028",
        "biography": "Мұғалім, **20 жыл** мектепте.",
        "reception_hours": "Дүйсенбі, 10:00–12:00",
        "reception_place": "Әкімдік, 204",
    }
    form.update(changes)
    return form


def snapshot() -> dict:
    """Every deputy profile with its places and account, and every audit entry: what a refused request leaves."""
    db.session.expire_all()
    deputies = db.session.execute(
        db.select(Deputy.id, Deputy.name, Deputy.council, Deputy.user_id, Deputy.term_end).order_by(Deputy.id)
    ).all()
    places = db.session.execute(db.select(deputy_localities).order_by(*deputy_localities.c)).all()
    users = db.session.execute(db.select(User.id, User.role).order_by(User.id)).all()
    entries = db.session.execute(db.select(AuditEntry.id, AuditEntry.action).order_by(AuditEntry.id)).all()
    return {"deputies": deputies, "places": places, "users": users, "audit": entries}


def entries() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)))


def fresh(deputy: Deputy) -> Deputy:
    db.session.expire_all()
    return db.session.get(Deputy, deputy.id)


def run(app, *args, ok: bool = True) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert (result.exit_code == 0) is ok, result.output
    db.session.expire_all()
    return result.output


def refused(response, role: str) -> bool:
    """A visitor is sent to sign in; every signed-in role but admin gets 403."""
    if role == "visitor":
        return response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    return response.status_code == 403


@pytest.fixture
def admin_client(client_as, region):
    return client_as("admin")


# Access: every page and every action, for every role.


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_deputy_pages_are_for_admins_only(client_as, region, role, page):
    holder = create_user("deputy", email="holder@example.kz")
    profile = create_deputy("Құпия Профиль", user=holder)
    response = client_as(role).get(page.format(profile=profile.id))
    if role == "admin":
        assert response.status_code == 200
    else:
        assert refused(response, role)
        assert "holder@example.kz" not in response.get_data(as_text=True)


def actions(profile: Deputy, other: User) -> list[tuple[str, dict]]:
    return [
        ("/admin/deputies/new", profile_form()),
        (f"/admin/deputies/{profile.id}/edit", profile_form(name="Жаңа Есім")),
        (f"/admin/deputies/{profile.id}/link", {"email": other.email, "force": "y"}),
        (f"/admin/deputies/{profile.id}/unlink", {}),
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("number", range(4))
def test_deputy_actions_are_for_admins_only_and_change_nothing_otherwise(client_as, region, role, number):
    holder = create_user("deputy")
    other = create_user("resident")
    profile = create_deputy("Бар Профиль", user=holder)
    url, data = actions(profile, other)[number]
    client = client_as(role)
    before = snapshot()
    response = client.submit(url, data)
    if role == "admin":
        assert response.status_code == 303
        assert snapshot() != before
    else:
        assert refused(response, role)
        assert snapshot() == before


@pytest.mark.parametrize("role", ["visitor", "resident", "deputy", "moderator"])
def test_htmx_deputy_actions_are_refused_the_same_way(client_as, region, role):
    profile = create_deputy("Бар Профиль", user=create_user("deputy"))
    client = client_as(role)
    before = snapshot()
    response = client.submit(f"/admin/deputies/{profile.id}/unlink", headers={"HX-Request": "true"})
    if role == "visitor":
        assert "/auth/login" in response.headers["HX-Redirect"]
    else:
        assert response.status_code == 403
    assert snapshot() == before


def test_missing_profiles_are_404_for_admins_and_actions_need_csrf(admin_client, client_as):
    for url in ("/admin/deputies/999999", "/admin/deputies/999999/edit"):
        assert admin_client.get(url).status_code == 404
        assert client_as("moderator").get(url).status_code == 403
    assert admin_client.submit("/admin/deputies/999999/unlink").status_code == 404
    profile = create_deputy("Бар Профиль", user=create_user("deputy"))
    before = snapshot()
    assert admin_client.post(f"/admin/deputies/{profile.id}/unlink").status_code == 400
    assert admin_client.post("/admin/deputies/new", data=profile_form()).status_code == 400
    assert snapshot() == before


# Creating and editing, through the form and through the commands.


def test_creating_a_profile_through_the_form_is_audited(admin_client):
    response = admin_client.submit("/admin/deputies/new", profile_form())
    assert response.status_code == 303
    deputy = db.session.scalar(db.select(Deputy))
    assert response.headers["Location"].endswith(f"/admin/deputies/{deputy.id}")
    assert (deputy.name, deputy.council, deputy.district.slug) == (
        "Сәуле Серікқызы",
        Council.DISTRICT,
        "karasai-district",
    )
    assert [locality.slug for locality in deputy.localities] == ["shamalgan"]
    assert deputy.search_name == "сәуле серікқызы" and "<strong>20 жыл</strong>" in deputy.biography_html
    assert (deputy.term_start, deputy.term_end, deputy.party_en) == (2023, 2028, "Amanat")
    (entry,) = entries()
    assert (entry.actor_id, entry.action, entry.subject, entry.address) == (
        admin_client.user.id,
        AuditAction.DEPUTY_CREATED,
        f"deputy:{deputy.id}",
        "127.0.0.1",
    )
    after = json.loads(entry.after)
    assert entry.before == "" and after["name"] == "Сәуле Серікқызы" and after["localities"] == ["shamalgan"]
    assert after["council"] == "district" and after["district"] == "karasai-district" and after["term_end"] == 2028
    page = admin_client.get(f"/admin/deputies/{deputy.id}?lang=en").get_data(as_text=True)
    assert "Deputy profile created" in page and "Shamalgan" in page and "Amanat" in page


def test_editing_a_profile_through_the_form_records_only_the_changed_fields(admin_client):
    admin_client.submit("/admin/deputies/new", profile_form())
    deputy = db.session.scalar(db.select(Deputy))
    form_page = admin_client.get(f"/admin/deputies/{deputy.id}/edit").get_data(as_text=True)
    assert 'value="Сәуле Серікқызы"' in form_page and "selected" in form_page
    unchanged = admin_client.submit(f"/admin/deputies/{deputy.id}/edit", profile_form())
    assert unchanged.status_code == 303 and len(entries()) == 1  # nothing changed, nothing written
    response = admin_client.submit(
        f"/admin/deputies/{deputy.id}/edit",
        profile_form(
            name="Сәуле Серікова",
            term_end="2029",
            localities=[str(place("shamalgan").id), str(place("almaty-region").id)],
            district="",
        ),
    )
    assert response.status_code == 303
    deputy = fresh(deputy)
    assert deputy.name == "Сәуле Серікова" and deputy.search_name == "сәуле серікова" and deputy.district is None
    assert sorted(locality.slug for locality in deputy.localities) == ["almaty-region", "shamalgan"]
    created, edited = entries()
    assert (edited.action, edited.actor_id, edited.address, edited.subject) == (
        AuditAction.DEPUTY_EDITED,
        admin_client.user.id,
        "127.0.0.1",
        f"deputy:{deputy.id}",
    )
    assert json.loads(edited.before) == {
        "name": "Сәуле Серікқызы",
        "district": "karasai-district",
        "localities": ["shamalgan"],
        "term_end": 2028,
    }
    assert json.loads(edited.after) == {
        "name": "Сәуле Серікова",
        "district": None,
        "localities": ["almaty-region", "shamalgan"],
        "term_end": 2029,
    }


def test_the_create_and_edit_commands_write_the_same_rows(app, region):
    output = run(
        app,
        "deputies",
        "create",
        "Ерлан Қасымов",
        "--council",
        "region",
        "--term-start",
        "2023",
        "--term-end",
        "2028",
        "--district",
        "karasai-district",
        "--locality",
        "shamalgan",
        "--party-kk",
        "Аманат",
        "--reception-hours",
        "Сейсенбі",
    )
    deputy = db.session.scalar(db.select(Deputy))
    assert f"deputy {deputy.id}" in output and deputy.search_name == "ерлан қасымов"
    assert [locality.slug for locality in deputy.localities] == ["shamalgan"] and deputy.reception_hours == "Сейсенбі"
    run(app, "deputies", "edit", str(deputy.id), "--term-end", "2030", "--locality", "almaty-region", "--district", "")
    assert "Nothing changed" in run(app, "deputies", "edit", str(deputy.id), "--term-end", "2030")
    created, edited = entries()
    assert (created.action, created.actor_id, created.address) == (AuditAction.DEPUTY_CREATED, None, "")
    assert json.loads(created.after)["localities"] == ["shamalgan"] and created.from_command_line
    assert (edited.action, edited.actor_id, edited.address) == (AuditAction.DEPUTY_EDITED, None, "")
    assert json.loads(edited.before) == {"district": "karasai-district", "localities": ["shamalgan"], "term_end": 2028}
    assert json.loads(edited.after) == {"district": None, "localities": ["almaty-region"], "term_end": 2030}


def test_the_commands_refuse_bad_input_and_write_nothing(app, region):
    base = ["deputies", "create", "Аты", "--council", "region", "--term-start", "2023"]
    assert "before it starts" in run(app, *base, "--term-end", "2020", ok=False)
    assert "No locality" in run(app, *base, "--term-end", "2028", "--locality", "atlantis", ok=False)
    assert "at most 120" in run(app, "deputies", "create", "Ә" * 121, "--council", "region", "--term-start",
                                "2023", "--term-end", "2028", ok=False)  # fmt: skip
    assert "needs a name" in run(app, "deputies", "create", "\x00 ", "--council", "region", "--term-start",
                                 "2023", "--term-end", "2028", ok=False)  # fmt: skip
    assert "No deputy" in run(app, "deputies", "edit", "999999", "--name", "Жаңа", ok=False)
    assert db.session.scalar(db.select(db.func.count()).select_from(Deputy)) == 0 and entries() == []


# Bad input through the form: 422 with a message, never a 500, nothing written.


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "\x00"}, "This field is required."),
        ({"name": "Ә" * 121}, "From 2 to 120 characters."),
        ({"constituency": "x" * 201}, "At most 200 characters."),
        ({"biography": "x" * 10_001}, "At most 10000 characters."),
        ({"reception_hours": "x" * 201}, "At most 200 characters."),
        ({"localities": ["999999"]}, "Choose localities from the list."),
        ({"localities": ["\x00"]}, "Choose localities from the list."),
        ({"district": "999999"}, "Choose a locality from the list."),
        ({"council": "senate"}, "Choose a council from the list."),
        ({"term_start": "2029", "term_end": "2023"}, "The term cannot end before it starts."),
        ({"term_end": "99999999999"}, "From 1990 to 2100."),
        ({"term_start": "twenty"}, "From 1990 to 2100."),
    ],
)
def test_bad_input_is_a_422_with_a_message(admin_client, changes, message):
    profile = create_deputy("Бар Профиль")
    before = snapshot()
    for url in ("/admin/deputies/new?lang=en", f"/admin/deputies/{profile.id}/edit?lang=en"):
        response = admin_client.submit(url, profile_form(**changes))
        assert response.status_code == 422, url
        assert message in response.get_data(as_text=True), url
    fragment = admin_client.submit(
        "/admin/deputies/new?lang=en", profile_form(**changes), headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert fragment.lstrip().startswith("<form") and message in fragment
    assert snapshot() == before


def test_nul_inside_a_name_is_taken_out(admin_client):
    assert admin_client.submit("/admin/deputies/new", profile_form(name="Сәу\x00ле Серік")).status_code == 303
    assert db.session.scalar(db.select(Deputy.name)) == "Сәуле Серік"


# Linking and unlinking.


def test_linking_an_unlinked_profile_by_email(admin_client):
    resident = create_user("resident", email="new@example.kz")
    profile = create_deputy("Бос Профиль")
    response = admin_client.submit(f"/admin/deputies/{profile.id}/link", {"email": " NEW@example.kz "})
    assert response.status_code == 303 and fresh(profile).user_id == resident.id
    linked, promoted = entries()
    assert (linked.action, linked.actor_id, linked.target_user_id, linked.address) == (
        AuditAction.DEPUTY_LINKED,
        admin_client.user.id,
        resident.id,
        "127.0.0.1",
    )
    assert promoted.action is AuditAction.ROLE_CHANGED and db.session.get(User, resident.id).role is Role.DEPUTY


def test_taking_a_profile_needs_the_confirmation_naming_the_losing_account(admin_client):
    holder = create_user("deputy", name="Қазіргі Иесі", email="holder@example.kz")
    newcomer = create_user("resident", email="newcomer@example.kz")
    profile = create_deputy("Жаңа Депутат", user=holder)
    page = admin_client.get(f"/admin/deputies/{profile.id}?lang=en").get_data(as_text=True)
    assert "holder@example.kz" in page and "you will be asked to confirm" in page
    before = snapshot()
    asked = admin_client.submit(f"/admin/deputies/{profile.id}/link?lang=en", {"email": "newcomer@example.kz"})
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and snapshot() == before
    assert "This profile is linked to Қазіргі Иесі (holder@example.kz)" in body and "newcomer@example.kz" in body
    assert 'name="force" value="y"' in body
    htmx = admin_client.submit(
        f"/admin/deputies/{profile.id}/link?lang=en", {"email": "newcomer@example.kz"}, headers={"HX-Request": "true"}
    )
    assert htmx.get_data(as_text=True).lstrip().startswith('<div id="deputy"') and snapshot() == before
    assert "Қазіргі Иесі" in htmx.get_data(as_text=True)

    taken = admin_client.submit(f"/admin/deputies/{profile.id}/link", {"email": "newcomer@example.kz", "force": "y"})
    assert taken.status_code == 303 and fresh(profile).user_id == newcomer.id
    unlinked, linked, promoted = entries()
    assert (unlinked.action, unlinked.target_user_id) == (AuditAction.DEPUTY_UNLINKED, holder.id)
    assert json.loads(unlinked.before)["account"] == "holder@example.kz"
    assert json.loads(linked.before) == {"account": "holder@example.kz"}
    assert json.loads(linked.after)["account"] == "newcomer@example.kz"
    assert promoted.action is AuditAction.ROLE_CHANGED
    assert all(entry.actor_id == admin_client.user.id and entry.address == "127.0.0.1" for entry in entries())


def test_link_refusals(admin_client):
    owner = create_user("deputy", email="owner@example.kz")
    create_deputy("Бірінші", user=owner)
    second = create_deputy("Екінші")
    before = snapshot()
    unknown = admin_client.submit(f"/admin/deputies/{second.id}/link?lang=en", {"email": "nobody@example.kz"})
    assert unknown.status_code == 422 and "No account uses this e-mail address." in unknown.get_data(as_text=True)
    empty = admin_client.submit(f"/admin/deputies/{second.id}/link?lang=en", {"email": "\x00"})
    assert empty.status_code == 422 and "This field is required." in empty.get_data(as_text=True)
    other = admin_client.submit(f"/admin/deputies/{second.id}/link?lang=en", {"email": owner.email, "force": "y"})
    assert other.status_code == 409 and "Бірінші" in other.get_data(as_text=True)
    same = admin_client.submit(f"/admin/deputies/{second.id}/link", {"email": "x" * 300 + "@example.kz"})
    assert same.status_code == 422
    assert snapshot() == before


def test_unlinking_through_the_page(admin_client):
    holder = create_user("deputy", email="holder@example.kz")
    profile = create_deputy("Жаңа Депутат", user=holder)
    response = admin_client.submit(f"/admin/deputies/{profile.id}/unlink", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.get_data(as_text=True).lstrip().startswith('<div id="deputy"')
    assert "announce" in response.headers["HX-Trigger"] and fresh(profile).user_id is None
    (entry,) = entries()
    assert (entry.action, entry.actor_id, entry.target_user_id, entry.address) == (
        AuditAction.DEPUTY_UNLINKED,
        admin_client.user.id,
        holder.id,
        "127.0.0.1",
    )
    assert db.session.get(User, holder.id).role is Role.DEPUTY  # the account keeps its role
    again = admin_client.submit(f"/admin/deputies/{profile.id}/unlink")
    assert again.status_code == 303 and len(entries()) == 1


# The list.


def test_the_list_searches_and_filters(admin_client):
    linked = create_deputy("Әсел Нұрланқызы", user=create_user("deputy"), council=Council.DISTRICT)
    unlinked = create_deputy("Бақыт Оспанов", council=Council.MAZHILIS)

    def listed(query: str) -> list[int]:
        return [
            int(found) for found in ROW.findall(admin_client.get(f"/admin/deputies?{query}").get_data(as_text=True))
        ]

    assert listed("") == [unlinked.id, linked.id]
    assert listed("q=нұрлан") == [linked.id] and listed("q=ӘСЕЛ") == [linked.id]
    assert listed("council=mazhilis") == [unlinked.id]
    assert listed("link=linked") == [linked.id] and listed("link=unlinked") == [unlinked.id]
    assert listed("q=%25") == [] and listed("council=senate&link=maybe") == [unlinked.id, linked.id]


def test_the_list_pages_and_answers_htmx_with_its_results_only(admin_client):
    made = [create_deputy(f"Депутат {number}") for number in range(35)]
    page = admin_client.get("/admin/deputies")
    body = page.get_data(as_text=True)
    first = [int(found) for found in ROW.findall(body)]
    assert first == [deputy.id for deputy in reversed(made)][:30]
    assert (
        "<html" in body
        and 'hx-get="/admin/deputies"' in body
        and "35 deputy profiles" in admin_client.get("/admin/deputies?lang=en").get_data(as_text=True)
    )
    following = admin_client.get(NEXT.search(body).group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert [int(found) for found in ROW.findall(following)] == [deputy.id for deputy in reversed(made)][30:]
    fragment = admin_client.get("/admin/deputies", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="deputy-results"') and "<html" not in text
    assert fragment.headers["Vary"].count("HX-Request") == 1


def test_names_are_escaped_on_every_deputy_page(admin_client):
    evil_holder = create_user("deputy", name=XSS)
    profile = create_deputy(XSS, user=evil_holder, constituency=XSS, reception_hours=XSS, party_kk=XSS)
    admin_client.submit(f"/admin/deputies/{profile.id}/edit", profile_form(name=XSS + "!"))
    newcomer = create_user("resident")
    taking = admin_client.submit(f"/admin/deputies/{profile.id}/link", {"email": newcomer.email})
    for body in [
        taking.get_data(as_text=True),
        *(
            admin_client.get(url).get_data(as_text=True)
            for url in (
                "/admin/deputies",
                f"/admin/deputies/{profile.id}",
                f"/admin/deputies/{profile.id}/edit",
                "/admin/audit",
            )
        ),
    ]:
        assert XSS not in body and "&lt;img src=x onerror=" in body


def test_the_index_links_the_deputy_profiles(admin_client):
    assert 'href="/admin/deputies"' in admin_client.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/deputies", "/admin/deputies?link=linked", "/admin/deputies/{first}"])
def test_deputy_pages_run_the_same_queries_with_few_or_many_profiles(admin_client, url):
    from community.admin.services import edit_deputy, link_deputy

    def grow(count):
        for _ in range(count):
            profile = create_deputy("Депутат", district_id=place("karasai-district").id)
            link_deputy(admin_client.user, profile, create_user("resident"))
            edit_deputy(admin_client.user, profile, localities=[place("shamalgan"), place("almaty-region")])
        db.session.commit()

    grow(2)
    target = url.format(first=db.session.scalar(db.select(db.func.min(Deputy.id))))
    with counted_queries() as small:
        assert admin_client.get(target).status_code == 200
    grow(25)
    with counted_queries() as large:
        assert admin_client.get(target).status_code == 200
    assert len(large) == len(small), large
