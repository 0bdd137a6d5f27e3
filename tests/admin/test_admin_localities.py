"""The locality tree in the administration: only admins open and change it; adding, renaming, moving (a subtree's
paths recomputed) and merging two places (everything that pointed at the merged one follows the kept one) through
the pages and the commands, each with its audit row; refused cycles and kinds; bad input is a 422; the tree page
filters and pages with and without htmx and runs the same queries with few or many places."""

import json
import re

import pytest

from community.accounts.models import User
from community.admin.models import AuditAction, AuditEntry
from community.appeals.models import Appeal
from community.dialogues.models import DialogueSession
from community.events.models import Event
from community.extensions import db
from community.notifications.follows import follow
from community.notifications.models import Follow, FollowTarget
from community.places.models import Locality
from community.pledges.models import Deputy, Pledge, deputy_localities
from community.threads.models import Thread
from tests.factories import (
    create_appeal,
    create_deputy,
    create_dialogue,
    create_event,
    create_locality,
    create_pledge,
    create_thread,
    create_user,
)
from tests.test_query_counts import counted_queries

ROLES = ["visitor", "resident", "deputy", "moderator", "admin"]
ROW = re.compile(r'<a href="/admin/localities/(\d+)">')
NEXT = re.compile(r'rel="next" href="([^"]+)"')
PREV = re.compile(r'rel="prev" href="([^"]+)"')
XSS = '<img src=x onerror="alert(1)">'


def place(slug: str) -> Locality | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Locality).filter_by(slug=slug))


def entries(*actions: AuditAction) -> list[AuditEntry]:
    """The audit entries, oldest first; only those of the given actions when named."""
    db.session.expire_all()
    statement = db.select(AuditEntry).order_by(AuditEntry.id)
    if actions:
        statement = statement.where(AuditEntry.action.in_(actions))
    return list(db.session.scalars(statement))


def run(app, *args, ok: bool = True, input: str | None = None) -> str:
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    assert (result.exit_code == 0) is ok, result.output
    db.session.expire_all()
    return result.output


def snapshot() -> dict:
    """Every place with its names and place in the tree, what points at places, and every audit entry."""
    db.session.expire_all()
    places = db.session.execute(
        db.select(
            Locality.id,
            Locality.slug,
            Locality.name_kk,
            Locality.name_ru,
            Locality.name_en,
            Locality.parent_id,
            Locality.path,
            Locality.depth,
        ).order_by(Locality.id)
    ).all()
    threads = db.session.execute(db.select(Thread.id, Thread.locality_id).order_by(Thread.id)).all()
    users = db.session.execute(db.select(User.id, User.locality_id).order_by(User.id)).all()
    audit = db.session.execute(db.select(AuditEntry.id, AuditEntry.action).order_by(AuditEntry.id)).all()
    return {"places": places, "threads": threads, "users": users, "audit": audit}


def refused(response, role: str) -> bool:
    """A visitor is sent to sign in; every signed-in role but admin gets 403."""
    if role == "visitor":
        return response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    return response.status_code == 403


def consistent() -> None:
    """Every place's path is its parent's path and its id, its depth one more than its parent's."""
    db.session.expire_all()
    for locality in db.session.scalars(db.select(Locality)):
        parent = db.session.get(Locality, locality.parent_id) if locality.parent_id else None
        assert locality.path == (parent.path if parent else "/") + f"{locality.id}/", locality
        assert locality.depth == (parent.depth + 1 if parent else 0), locality


@pytest.fixture
def tree(region):
    """Almaty region → Karasai district (Kaskelen city with a village; Shamalgan rural district with a village;
    the Shamalgan village of the conftest) and Talgar district with Beskainar; and Zhetisu region, empty."""
    karasai = place("karasai-district")
    kaskelen = create_locality("kaskelen", "city", "Қаскелең қаласы", "город Каскелен", parent=karasai)
    create_locality("kaskelen-village", "village", "Қаскелең ауылы", "село Каскелен", parent=kaskelen)
    rural = create_locality("kargaly-rural", "rural_district", "Қарғалы ауылдық округі", "Каргалинский с/о", karasai)
    create_locality("kargaly", "village", "Қарғалы ауылы", "село Каргалы", parent=rural)
    talgar = create_locality("talgar-district", "district", "Талғар ауданы", "Талгарский район", parent=region)
    create_locality("beskainar", "village", "Бесқайнар ауылы", "село Бескайнар", parent=talgar)
    create_locality("zhetisu-region", "region", "Жетісу облысы", "Область Жетісу")
    db.session.commit()
    return region


@pytest.fixture
def admin_client(client_as, tree):
    return client_as("admin")


def new_form(**changes) -> dict:
    form = {
        "parent": str(place("talgar-district").id),
        "kind": "village",
        "slug": "tuzdybastau",
        "name_kk": "Тұздыбастау ауылы",
        "name_ru": "село Туздыбастау",
        "name_en": "",
    }
    form.update(changes)
    return form


def names_form(which: str, **changes) -> dict:
    """The rename form of a place (by slug) as its page fills it, with changes."""
    locality = place(which)
    form = {"slug": locality.slug, "name_kk": locality.name_kk, "name_ru": locality.name_ru, "name_en": ""}
    form.update(changes)
    return form


# Access: every page and every action, for every role.


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["/admin/localities", "/admin/localities/new", "/admin/localities/{id}"])
def test_locality_pages_are_for_admins_only(client_as, tree, role, page):
    response = client_as(role).get(page.format(id=place("kaskelen").id))
    if role == "admin":
        assert response.status_code == 200
    else:
        assert refused(response, role)
        assert "kaskelen-village" not in response.get_data(as_text=True)


def actions() -> list[tuple[str, dict]]:
    kaskelen, beskainar = place("kaskelen"), place("beskainar")
    return [
        ("/admin/localities/new", new_form()),
        (f"/admin/localities/{kaskelen.id}/rename", names_form("kaskelen", name_ru="город Қаскелең")),
        (f"/admin/localities/{beskainar.id}/move", {"parent": str(place("karasai-district").id), "confirm": "y"}),
        (f"/admin/localities/{beskainar.id}/merge", {"into": str(place("shamalgan").id), "confirm": "y"}),
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("number", range(4))
def test_locality_actions_are_for_admins_only_and_change_nothing_otherwise(client_as, tree, role, number):
    url, data = actions()[number]
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
def test_htmx_locality_actions_are_refused_the_same_way(client_as, tree, role):
    url, data = actions()[3]
    client = client_as(role)
    before = snapshot()
    response = client.submit(url, data, headers={"HX-Request": "true"})
    if role == "visitor":
        assert "/auth/login" in response.headers["HX-Redirect"]
    else:
        assert response.status_code == 403
    assert snapshot() == before


def test_missing_places_are_404_for_admins_and_actions_need_csrf(admin_client, client_as):
    assert admin_client.get("/admin/localities/999999").status_code == 404
    assert client_as("moderator").get("/admin/localities/999999").status_code == 403
    assert admin_client.submit("/admin/localities/999999/rename", names_form("kaskelen")).status_code == 404
    before = snapshot()
    assert admin_client.post("/admin/localities/new", data=new_form()).status_code == 400
    kaskelen = place("kaskelen")
    assert admin_client.post(f"/admin/localities/{kaskelen.id}/rename", data=names_form("kaskelen")).status_code == 400
    assert snapshot() == before


def test_the_index_links_the_localities(admin_client):
    assert 'href="/admin/localities"' in admin_client.get("/admin/").get_data(as_text=True)


# Adding.


def test_adding_a_place_through_the_form_is_audited(admin_client):
    page = admin_client.get(f"/admin/localities/new?parent={place('talgar-district').id}").get_data(as_text=True)
    assert "selected" in page and "Талғар ауданы" in page
    response = admin_client.submit("/admin/localities/new", new_form())
    added = place("tuzdybastau")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/admin/localities/{added.id}")
    talgar = place("talgar-district")
    assert (added.parent_id, added.path, added.depth) == (talgar.id, f"{talgar.path}{added.id}/", 2)
    assert (added.name_kk, added.name_ru, added.name_en) == ("Тұздыбастау ауылы", "село Туздыбастау", "Tuzdybastau")
    (entry,) = entries()
    assert (entry.actor_id, entry.action, entry.subject, entry.address) == (
        admin_client.user.id,
        AuditAction.LOCALITY_CREATED,
        f"locality:{added.id}",
        "127.0.0.1",
    )
    assert entry.before == "" and json.loads(entry.after) == {
        "place_kind": "village",
        "parent": "talgar-district",
        "slug": "tuzdybastau",
        "name_kk": "Тұздыбастау ауылы",
        "name_ru": "село Туздыбастау",
        "name_en": "Tuzdybastau",
    }
    shown = admin_client.get(f"/admin/localities/{added.id}?lang=en").get_data(as_text=True)
    assert "Locality added" in shown and "Kind of place: — → Village" in shown and "Tuzdybastau" in shown


def test_the_add_command_writes_the_same_row(app, tree):
    output = run(
        app, "localities", "add", "tuzdybastau", "--kind", "village", "--parent", "talgar-district",
        "--kk", "Тұздыбастау ауылы", "--ru", "село Туздыбастау",
    )  # fmt: skip
    added = place("tuzdybastau")
    assert f"locality {added.id}" in output and added.name_en == "Tuzdybastau" and added.depth == 2
    (entry,) = entries()
    assert (entry.actor_id, entry.action, entry.subject, entry.address) == (
        None,
        AuditAction.LOCALITY_CREATED,
        f"locality:{added.id}",
        "",
    )
    assert entry.from_command_line and json.loads(entry.after)["parent"] == "talgar-district"
    region = run(app, "localities", "add", "abai-region", "--kind", "region", "--kk", "Абай облысы", "--ru", "А")
    assert "Added abai-region" in region and place("abai-region").path == f"/{place('abai-region').id}/"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name_kk": "\x00"}, "This field is required."),
        ({"name_ru": " "}, "This field is required."),
        ({"name_kk": "Ә" * 121}, "From 1 to 120 characters."),
        ({"name_en": "x" * 121}, "At most 120 characters."),
        ({"slug": "karasai-district"}, "Another place already has the address name karasai-district."),
        ({"slug": "Жаңа ауыл"}, "Use lower-case Latin letters, digits and single hyphens only."),
        ({"slug": "a--b"}, "Use lower-case Latin letters, digits and single hyphens only."),
        ({"slug": "x" * 81}, "From 2 to 80 characters."),
        ({"slug": "\x00"}, "This field is required."),
        ({"kind": "planet"}, "Choose a kind of place from the list."),
        ({"parent": "999999"}, "Choose a locality from the list."),
        ({"parent": "\x00x"}, "Choose a locality from the list."),
        ({"parent": ""}, "Only a region stands at the top of the tree"),
        ({"kind": "region"}, "A region stands at the top of the tree: it cannot lie within another place."),
        ({"parent": "{beskainar}"}, "A place of the kind “Village” cannot lie within one of the kind “Village”."),
        ({"kind": "district", "parent": "{talgar-district}"}, "cannot lie within one of the kind “District”"),
    ],
)
def test_bad_input_for_a_new_place_is_a_422_with_a_message(admin_client, changes, message):
    changes = {name: _filled(value) for name, value in changes.items()}
    before = snapshot()
    response = admin_client.submit("/admin/localities/new?lang=en", new_form(**changes))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    fragment = admin_client.submit(
        "/admin/localities/new?lang=en", new_form(**changes), headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert fragment.lstrip().startswith("<form") and message in fragment
    assert snapshot() == before


def _filled(value: str) -> str:
    """A form value naming a place by slug in braces becomes its id."""
    return str(place(value[1:-1]).id) if value.startswith("{") else value


def test_the_add_command_refuses_bad_input_and_writes_nothing(app, tree):
    before = snapshot()
    base = ["localities", "add", "jana", "--kind", "village", "--kk", "Жаңа", "--ru", "Новое"]
    assert "Only a region" in run(app, *base, ok=False)
    assert "No locality" in run(app, *base, "--parent", "atlantis", ok=False)
    assert "already has the address name" in run(app, *base[:2], "beskainar", *base[3:], "--parent", "talgar-district",
                                                 ok=False)  # fmt: skip
    assert "cannot lie within" in run(app, *base, "--parent", "beskainar", ok=False)
    assert "in Kazakh and in Russian" in run(app, *base[:6], "\x00 ", *base[7:], "--parent", "talgar-district",
                                             ok=False)  # fmt: skip
    assert "At most 120" in run(app, *base[:6], "Ә" * 121, *base[7:], "--parent", "talgar-district", ok=False)
    assert snapshot() == before


def test_a_slug_taken_at_the_same_moment_is_a_form_error(admin_client, monkeypatch):
    from community.admin import localities

    monkeypatch.setattr(localities, "check_slug", lambda slug, locality=None: None)  # the other request was first
    before = snapshot()
    response = admin_client.submit("/admin/localities/new?lang=en", new_form(slug="beskainar"))
    assert response.status_code == 422
    assert "Another place already has the address name beskainar." in response.get_data(as_text=True)
    kaskelen = place("kaskelen")
    renamed = admin_client.submit(
        f"/admin/localities/{kaskelen.id}/rename?lang=en", names_form("kaskelen", slug="beskainar")
    )
    assert renamed.status_code == 422 and "already has the address name" in renamed.get_data(as_text=True)
    assert snapshot() == before


# Renaming.


def test_renaming_through_the_form_records_the_changed_fields_and_pages_show_them(admin_client, client):
    kaskelen = place("kaskelen")
    assert "Қаскелең қаласы" in client.get("/places/").get_data(as_text=True)  # a visitor's shared copy is made
    unchanged = admin_client.submit(
        f"/admin/localities/{kaskelen.id}/rename", names_form("kaskelen", name_en="Kaskelen")
    )
    assert unchanged.status_code == 303 and entries() == []
    response = admin_client.submit(
        f"/admin/localities/{kaskelen.id}/rename",
        names_form("kaskelen", slug="kaskelen-city", name_kk="Қаскелең  қаласы ", name_en="Qaskelen"),
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/admin/localities/{kaskelen.id}")
    renamed = place("kaskelen-city")
    assert (renamed.id, renamed.name_kk, renamed.name_en) == (kaskelen.id, "Қаскелең қаласы", "Qaskelen")
    (entry,) = entries()
    assert (entry.action, entry.actor_id, entry.subject) == (
        AuditAction.LOCALITY_RENAMED,
        admin_client.user.id,
        f"locality:{kaskelen.id}",
    )
    assert json.loads(entry.before) == {"slug": "kaskelen", "name_en": "Kaskelen"}
    assert json.loads(entry.after) == {"slug": "kaskelen-city", "name_en": "Qaskelen"}
    assert "Qaskelen" in client.get("/places/?lang=en").get_data(as_text=True)  # no stale copy
    assert client.get("/places/kaskelen-city").status_code == 200 and client.get("/places/kaskelen").status_code == 404


def test_renaming_with_htmx_swaps_the_place_block_and_announces_it(admin_client):
    kaskelen = place("kaskelen")
    response = admin_client.submit(
        f"/admin/localities/{kaskelen.id}/rename",
        names_form("kaskelen", name_ru="город Каскелен (новый)"),
        headers={"HX-Request": "true"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<div id="locality"')
    assert "город Каскелен (новый)" in body and "announce" in response.headers["HX-Trigger"]
    bad = admin_client.submit(
        f"/admin/localities/{kaskelen.id}/rename?lang=en",
        names_form("kaskelen", slug="beskainar"),
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 422 and bad.get_data(as_text=True).lstrip().startswith('<div id="locality"')
    assert "Another place already has the address name beskainar." in bad.get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name_kk": "\x00"}, "This field is required."),
        ({"name_ru": "Ә" * 121}, "From 1 to 120 characters."),
        ({"slug": "beskainar"}, "Another place already has the address name beskainar."),
        ({"slug": "Kaskelen!"}, "Use lower-case Latin letters, digits and single hyphens only."),
    ],
)
def test_bad_input_for_a_rename_is_a_422(admin_client, changes, message):
    kaskelen = place("kaskelen")
    before = snapshot()
    response = admin_client.submit(f"/admin/localities/{kaskelen.id}/rename?lang=en", names_form("kaskelen", **changes))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_default_place_keeps_its_slug(admin_client, app):
    region = place("almaty-region")
    response = admin_client.submit(
        f"/admin/localities/{region.id}/rename?lang=en", names_form("almaty-region", slug="almaty")
    )
    assert response.status_code == 422 and "DEFAULT_LOCALITY" in response.get_data(as_text=True)
    assert "DEFAULT_LOCALITY" in run(app, "localities", "rename", "almaty-region", "--slug", "almaty", ok=False)
    assert entries() == []


def test_the_rename_command_writes_the_same_row(app, tree):
    output = run(app, "localities", "rename", "kaskelen", "--ru", "г. Каскелен", "--slug", "kaskelen-city")
    assert "Saved kaskelen" in output
    assert "Nothing changed" in run(app, "localities", "rename", "kaskelen-city", "--ru", "г. Каскелен")
    (entry,) = entries()
    assert (entry.action, entry.actor_id, entry.address) == (AuditAction.LOCALITY_RENAMED, None, "")
    assert json.loads(entry.before) == {"slug": "kaskelen", "name_ru": "город Каскелен"}
    assert json.loads(entry.after) == {"slug": "kaskelen-city", "name_ru": "г. Каскелен"}
    assert "already has" in run(app, "localities", "rename", "kaskelen-city", "--slug", "beskainar", ok=False)
    assert "No locality" in run(app, "localities", "rename", "kaskelen", "--ru", "x", ok=False)


# Moving.


def test_moving_asks_first_then_moves_the_whole_subtree(admin_client):
    kaskelen, region = place("kaskelen"), place("almaty-region")
    before = snapshot()
    asked = admin_client.submit(f"/admin/localities/{kaskelen.id}/move?lang=en", {"parent": str(region.id)})
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and snapshot() == before
    assert "moves from Karasai District into Almaty Region, with 1 place within it." in body
    assert 'name="confirm" value="y"' in body
    response = admin_client.submit(f"/admin/localities/{kaskelen.id}/move", {"parent": str(region.id), "confirm": "y"})
    assert response.status_code == 303
    moved, village = place("kaskelen"), place("kaskelen-village")
    assert (moved.parent_id, moved.path, moved.depth) == (region.id, f"/{region.id}/{moved.id}/", 1)
    assert (village.path, village.depth) == (f"{moved.path}{village.id}/", 2)
    consistent()
    (entry,) = entries()
    assert (entry.action, entry.actor_id, entry.subject) == (
        AuditAction.LOCALITY_MOVED,
        admin_client.user.id,
        f"locality:{kaskelen.id}",
    )
    assert json.loads(entry.before) == {"parent": "karasai-district"}
    assert json.loads(entry.after) == {"parent": "almaty-region", "places": 1}
    again = admin_client.submit(f"/admin/localities/{kaskelen.id}/move", {"parent": str(region.id), "confirm": "y"})
    assert again.status_code == 303 and len(entries()) == 1


def test_moving_deeper_recomputes_every_depth_below(admin_client):
    rural, talgar = place("kargaly-rural"), place("talgar-district")
    admin_client.submit(f"/admin/localities/{rural.id}/move", {"parent": str(talgar.id), "confirm": "y"})
    kargaly = place("kargaly")
    assert kargaly.path == f"{talgar.path}{rural.id}/{kargaly.id}/" and kargaly.depth == 3
    village = place("beskainar")
    response = admin_client.submit(
        f"/admin/localities/{village.id}/move",
        {"parent": str(rural.id), "confirm": "y"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and response.get_data(as_text=True).lstrip().startswith('<div id="locality"')
    assert place("beskainar").depth == 3
    consistent()


@pytest.mark.parametrize(
    ("slug", "parent", "message"),
    [
        ("karasai-district", "karasai-district", "A place cannot lie within itself."),
        ("karasai-district", "kargaly", "a place cannot move under its own descendant."),
        ("karasai-district", "kaskelen", "a place cannot move under its own descendant."),
        ("almaty-region", "talgar-district", "a place cannot move under its own descendant."),
        ("almaty-region", "zhetisu-region", "A region stands at the top of the tree"),
        ("beskainar", "kargaly", "A place of the kind “Village” cannot lie within one of the kind “Village”."),
        ("kargaly-rural", "almaty-region", "“Rural district” cannot lie within one of the kind “Region”."),
        ("beskainar", "", "Choose the place to move it into."),
        ("beskainar", "999999", "Choose a locality from the list."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_refused_moves_are_a_422_and_change_nothing(admin_client, slug, parent, message, htmx):
    target = place(parent).id if parent and not parent.isdecimal() else parent
    before = snapshot()
    for confirm in ({}, {"confirm": "y"}):
        response = admin_client.submit(
            f"/admin/localities/{place(slug).id}/move?lang=en",
            {"parent": str(target), **confirm},
            headers={"HX-Request": "true"} if htmx else {},
        )
        body = response.get_data(as_text=True)
        assert response.status_code == 422 and message in body
        assert body.lstrip().startswith('<div id="locality"') is htmx
    assert snapshot() == before


def test_the_move_command_writes_the_same_row_and_refuses_cycles(app, tree):
    before = snapshot()
    assert "own descendant" in run(app, "localities", "move", "karasai-district", "kargaly", ok=False)
    assert "within itself" in run(app, "localities", "move", "kaskelen", "kaskelen", ok=False)
    assert "cannot lie within" in run(app, "localities", "move", "beskainar", "kargaly", ok=False)
    assert snapshot() == before
    assert "now lies within" in run(app, "localities", "move", "kargaly-rural", "talgar-district")
    assert "already" in run(app, "localities", "move", "kargaly-rural", "talgar-district")
    consistent()
    (entry,) = entries()
    assert (entry.action, entry.actor_id, entry.address) == (AuditAction.LOCALITY_MOVED, None, "")
    assert json.loads(entry.after) == {"parent": "talgar-district", "places": 1}


# Merging.


@pytest.fixture
def everything(tree):
    """One of everything that points at Talgar district (merged into Karasai district in the tests), and a deputy
    and a person who have both places already."""
    talgar, karasai = place("talgar-district"), place("karasai-district")
    moderator = create_user("moderator")
    resident = create_user("resident", locality_id=talgar.id)
    both = create_user("resident")
    deputy = create_deputy("Талғар Депутаты", user=create_user("deputy"), district_id=talgar.id)
    deputy.localities = [talgar]
    double = create_deputy("Екі Орынды", district_id=karasai.id)
    double.localities = [talgar, karasai]
    for who in (resident, both):
        follow(who, FollowTarget.LOCALITY, talgar.id)
    follow(both, FollowTarget.LOCALITY, karasai.id)
    follow(resident, FollowTarget.DEPUTY, talgar.id)  # a deputy whose id is the place's: not a place, stays
    db.session.commit()
    return {
        "thread": create_thread(resident, talgar),
        "event": create_event(moderator, talgar),
        "appeal": create_appeal(resident, deputy, talgar),
        "dialogue": create_dialogue(moderator, talgar),
        "pledge": create_pledge(deputy, talgar),
        "resident": resident,
        "both": both,
        "deputy": deputy,
        "double": double,
    }


def check_merged(talgar_id: int, karasai: Locality, rows: dict) -> None:
    db.session.expire_all()
    assert db.session.get(Locality, talgar_id) is None
    assert db.session.get(Thread, rows["thread"].id).locality_id == karasai.id
    assert not db.session.scalar(db.select(db.func.count()).where(Thread.locality_id == talgar_id))
    assert db.session.get(Event, rows["event"].id).locality_id == karasai.id
    assert db.session.get(Appeal, rows["appeal"].id).locality_id == karasai.id
    assert db.session.get(DialogueSession, rows["dialogue"].id).locality_id == karasai.id
    assert db.session.get(Pledge, rows["pledge"].id).locality_id == karasai.id
    assert db.session.get(User, rows["resident"].id).locality_id == karasai.id
    assert db.session.get(Deputy, rows["deputy"].id).district_id == karasai.id
    places = db.session.execute(db.select(deputy_localities).order_by(*deputy_localities.c)).all()
    assert places == sorted([(rows["deputy"].id, karasai.id), (rows["double"].id, karasai.id)])
    follows = db.session.execute(db.select(Follow.user_id, Follow.target, Follow.target_id)).all()
    assert len(follows) == 3 and set(follows) == {
        (rows["resident"].id, FollowTarget.LOCALITY, karasai.id),
        (rows["resident"].id, FollowTarget.DEPUTY, talgar_id),
        (rows["both"].id, FollowTarget.LOCALITY, karasai.id),
    }
    beskainar = place("beskainar")
    assert beskainar.parent_id == karasai.id and beskainar.path == f"{karasai.path}{beskainar.id}/"
    consistent()


def test_merging_asks_first_saying_what_moves_then_moves_everything(admin_client, everything):
    talgar, karasai = place("talgar-district"), place("karasai-district")
    talgar_id = talgar.id
    shown = admin_client.get(f"/admin/localities/{talgar.id}?lang=en").get_data(as_text=True)
    assert "What points at it" in shown and "Deputies&#39; constituency places" in shown
    before = snapshot()
    asked = admin_client.submit(f"/admin/localities/{talgar.id}/merge?lang=en", {"into": str(karasai.id)})
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and snapshot() == before
    for line in (
        "Issues: 2",  # the issue, and the pledge's discussion
        "Events: 1",
        "Appeals: 1",
        "Dialogue sessions: 1",
        "Pledges: 1",
        "Accounts (home place): 1",
        "Deputy profiles (district): 1",
        "Deputies&#39; constituency places: 2",
        "Follows: 2",
        "Places directly within: 1",
        "13 rows in all.",
    ):
        assert line in body, line
    assert 'name="confirm" value="y"' in body and "is merged into Karasai District and deleted" in body
    response = admin_client.submit(f"/admin/localities/{talgar.id}/merge", {"into": str(karasai.id), "confirm": "y"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/admin/localities/{karasai.id}")
    check_merged(talgar_id, karasai, everything)
    (entry,) = entries(AuditAction.LOCALITY_MERGED)
    assert (entry.action, entry.actor_id, entry.subject, entry.address) == (
        AuditAction.LOCALITY_MERGED,
        admin_client.user.id,
        f"locality:{karasai.id}",
        "127.0.0.1",
    )
    assert json.loads(entry.before) == {
        "locality": "talgar-district",
        "name_kk": "Талғар ауданы",
        "parent": "almaty-region",
    }
    after = json.loads(entry.after)
    assert after["locality"] == "karasai-district"
    assert "deputy_localities.locality_id: 2" in after["moved"] and "follows.target_id: 2" in after["moved"]
    assert "threads.locality_id: 2" in after["moved"] and "localities.parent_id: 1" in after["moved"]
    page = admin_client.get(f"/admin/localities/{karasai.id}?lang=en").get_data(as_text=True)
    assert "Localities merged" in page and "talgar-district" in page


def test_merging_with_htmx_redirects_to_the_kept_place(admin_client, everything):
    talgar, karasai = place("talgar-district"), place("karasai-district")
    talgar_id = talgar.id
    asked = admin_client.submit(
        f"/admin/localities/{talgar.id}/merge", {"into": str(karasai.id)}, headers={"HX-Request": "true"}
    )
    assert asked.status_code == 200 and asked.get_data(as_text=True).lstrip().startswith('<div id="locality"')
    response = admin_client.submit(
        f"/admin/localities/{talgar.id}/merge",
        {"into": str(karasai.id), "confirm": "y"},
        headers={"HX-Request": "true"},
    )
    assert response.headers["HX-Redirect"].endswith(f"/admin/localities/{karasai.id}")
    check_merged(talgar_id, karasai, everything)


def test_the_merge_command_asks_and_writes_the_same_row(app, everything):
    talgar, karasai = place("talgar-district"), place("karasai-district")
    talgar_id = talgar.id
    before = snapshot()
    declined = run(app, "localities", "merge", "talgar-district", "karasai-district", input="n\n", ok=False)
    assert "moves 13 rows" in declined and "Issues (threads.locality_id): 2" in declined and snapshot() == before
    run(app, "localities", "merge", "talgar-district", "karasai-district", "--yes")
    check_merged(talgar_id, karasai, everything)
    (entry,) = entries(AuditAction.LOCALITY_MERGED)
    assert (entry.action, entry.actor_id, entry.address) == (AuditAction.LOCALITY_MERGED, None, "")
    assert json.loads(entry.before)["locality"] == "talgar-district"


@pytest.mark.parametrize(
    ("slug", "into", "message"),
    [
        ("kaskelen", "kaskelen", "A place cannot be merged into itself."),
        ("karasai-district", "kargaly", "a place cannot be merged into its own descendant."),
        ("kargaly", "karasai-district", "a place cannot be merged into its own ancestor."),
        ("kargaly", "almaty-region", "a place cannot be merged into its own ancestor."),
        ("almaty-region", "zhetisu-region", "DEFAULT_LOCALITY"),
        ("kaskelen", "beskainar", "cannot lie within Beskainar (Village): move it elsewhere first."),
        ("kaskelen", "", "Choose the place to keep."),
    ],
)
def test_refused_merges_are_a_422_and_change_nothing(admin_client, slug, into, message):
    target = place(into).id if into else ""
    before = snapshot()
    for confirm in ({}, {"confirm": "y"}):
        response = admin_client.submit(
            f"/admin/localities/{place(slug).id}/merge?lang=en", {"into": str(target), **confirm}
        )
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_merge_command_refuses_a_place_with_its_own_ancestor_or_descendant(app, tree):
    before = snapshot()
    assert "own descendant" in run(app, "localities", "merge", "karasai-district", "kargaly", "--yes", ok=False)
    assert "own ancestor" in run(app, "localities", "merge", "kargaly", "karasai-district", "--yes", ok=False)
    assert snapshot() == before and entries() == []


def test_a_merged_village_leaves_its_followers_one_follow_and_the_public_pages_fresh(admin_client, client, tree):
    village, other = place("kargaly"), place("kaskelen-village")
    people = [create_user("resident") for _ in range(3)]
    follow(people[0], FollowTarget.LOCALITY, village.id)
    follow(people[1], FollowTarget.LOCALITY, other.id)
    for person in (people[0], people[2]):
        follow(person, FollowTarget.LOCALITY, other.id)
    db.session.commit()
    assert "Қарғалы ауылы" in client.get("/places/").get_data(as_text=True)
    admin_client.submit(f"/admin/localities/{village.id}/merge", {"into": str(other.id), "confirm": "y"})
    followers = db.session.scalars(
        db.select(Follow.user_id).where(Follow.target == FollowTarget.LOCALITY, Follow.target_id == other.id)
    ).all()
    assert sorted(followers) == sorted(person.id for person in people)
    assert "Қарғалы ауылы" not in client.get("/places/").get_data(as_text=True)


# The tree page.


def listed(response) -> list[int]:
    return [int(found) for found in ROW.findall(response.get_data(as_text=True))]


def test_the_tree_is_indented_with_kinds_names_and_counts(admin_client):
    karasai = place("karasai-district")
    create_thread(create_user("resident", locality_id=karasai.id), karasai)
    create_event(create_user("moderator"), karasai)
    page = admin_client.get("/admin/localities?lang=en").get_data(as_text=True)
    slugs = [place_id for place_id in ROW.findall(page)]
    assert len(slugs) == 10  # every place, in tree order
    assert page.index("Almaty Region") < page.index("Karasai District") < page.index("kaskelen-village")
    assert page.index("Almaty Region") < page.index("Talgar District") < page.index("Beskainar")
    assert 'class="depth-2"' in page and "<code>kargaly-rural</code>" in page and "Каргалинский с/о" in page
    row = page[page.index(f'<a href="/admin/localities/{karasai.id}">') :]
    cells = re.findall(r"<td>(\d+)</td>", row[: row.index("</tr>")])
    assert cells == ["1", "1", "1"]  # issues, events, accounts


def test_the_tree_is_filtered_by_name_and_kind_with_and_without_htmx(admin_client):
    village = place("kargaly")
    assert listed(admin_client.get("/admin/localities?q=ҚАРҒАЛЫ+АУЫЛЫ")) == [village.id]
    assert listed(admin_client.get("/admin/localities?q=Каргалы")) == [village.id]
    villages = listed(admin_client.get("/admin/localities?kind=village"))
    assert len(villages) == 4 and village.id in villages
    filtered = admin_client.get("/admin/localities?q=kargaly&kind=rural_district&lang=en").get_data(as_text=True)
    assert "Almaty Region ›" in filtered  # a match is shown with where it lies
    fragment = admin_client.get("/admin/localities?q=kargaly", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="locality-results"') and "<h1>" not in body
    assert "HX-Request" in fragment.headers["Vary"]
    assert listed(admin_client.get("/admin/localities?q=%25")) == []
    unknown = admin_client.get("/admin/localities?kind=planet&after=x&before=99999999999")
    assert unknown.status_code == 200 and len(listed(unknown)) == 10


def test_the_tree_pages_by_key_and_escapes_names(admin_client):
    talgar = place("talgar-district")
    for number in range(55):
        create_locality(f"v{number:02d}", "village", f"Ауыл {number:02d} {XSS}", f"Село {number:02d}", parent=talgar)
    db.session.commit()
    first = admin_client.get("/admin/localities")
    body = first.get_data(as_text=True)
    assert XSS not in body and "&lt;img" in body
    assert len(listed(first)) == 50
    second = admin_client.get(NEXT.search(body).group(1).replace("&amp;", "&"))
    assert len(listed(second)) == 15 and not set(listed(second)) & set(listed(first))
    back = admin_client.get(PREV.search(second.get_data(as_text=True)).group(1).replace("&amp;", "&"))
    assert listed(back) == listed(first)
    htmx = admin_client.get(NEXT.search(body).group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert htmx.get_data(as_text=True).lstrip().startswith('<div id="locality-results"')


def test_the_tree_page_runs_the_same_queries_with_few_or_many_places(admin_client):
    talgar = place("talgar-district")

    def grow(start: int, count: int) -> None:
        for number in range(start, start + count):
            village = create_locality(f"g{number}", "village", f"Ауыл {number}", f"Село {number}", parent=talgar)
            db.session.flush()
            create_thread(create_user("resident", locality_id=village.id), village)

    grow(0, 2)
    with counted_queries() as small:
        assert admin_client.get("/admin/localities").status_code == 200
    grow(2, 20)
    with counted_queries() as large:
        assert admin_client.get("/admin/localities").status_code == 200
    assert len(large) == len(small), large
    with counted_queries() as one:
        assert admin_client.get(f"/admin/localities/{talgar.id}").status_code == 200
    grow(22, 5)
    with counted_queries() as more:
        assert admin_client.get(f"/admin/localities/{talgar.id}").status_code == 200
    assert len(more) == len(one)


def test_the_list_command_prints_the_tree(app, tree):
    output = run(app, "localities", "list")
    lines = output.splitlines()
    assert lines[0].startswith("almaty-region  [region]  Алматы облысы | Алматинская область")
    assert "      kargaly  [village]  Қарғалы ауылы | село Каргалы | Kargaly" in lines
    assert run(app, "localities", "list", "--q", "бесқайнар").splitlines() == [
        "    beskainar  [village]  Бесқайнар ауылы | село Бескайнар | Beskainar"
    ]
