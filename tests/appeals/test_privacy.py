"""Private means private: a private appeal, its answer and its phone number reach its author, its addressee (and
their assistant) and admins only; for anyone else its address is a 404 and it is in no list, count, feed or page."""

import pytest

from community.extensions import db
from tests.factories import create_appeal, create_deputy, create_user

SECRET = "Құпия өтініш: көршім туралы"
PHONE = "+7 705 555 12 34"
ROLES = ["visitor", "author", "other resident", "addressee", "assistant", "other deputy", "moderator", "admin"]
MAY_SEE = {"author", "addressee", "assistant", "admin"}


@pytest.fixture
def people(resident, deputy, deputy_profile):
    helper = create_user("resident", name="Көмекші")
    deputy_profile.assistant_id = helper.id
    other_deputy = create_user("deputy")
    create_deputy("Басқа Депутат", user=other_deputy)
    db.session.commit()
    return {
        "visitor": "visitor",
        "author": resident,
        "other resident": create_user("resident"),
        "addressee": deputy,
        "assistant": helper,
        "other deputy": other_deputy,
        "moderator": create_user("moderator"),
        "admin": create_user("admin"),
    }


@pytest.fixture
def private(resident, deputy_profile, village):
    return create_appeal(resident, deputy_profile, village, subject=SECRET, contact_phone=PHONE)


@pytest.mark.parametrize("role", ROLES)
def test_a_private_appeal_is_seen_by_its_parties_only(client_as, people, private, role):
    client = client_as(people[role])
    page = client.get(f"/appeals/{private.id}")
    if role in MAY_SEE:
        assert page.status_code == 200 and SECRET in page.get_data(as_text=True)
        assert PHONE in page.get_data(as_text=True)
    else:
        assert page.status_code == 404 and SECRET not in page.get_data(as_text=True)
    assert client.get(f"/appeals/{private.id + 1}").status_code == 404  # a neighbouring id is nothing either
    for url in (
        "/appeals/",
        f"/appeals/?deputy={private.deputy_id}",
        "/appeals/?state=sent",
        "/appeals.atom",
        "/search?q=Құпия",
        f"/deputies/{private.deputy_id}",
        "/",
    ):
        assert SECRET not in client.get(url).get_data(as_text=True), url


@pytest.mark.parametrize("role", [role for role in ROLES if role not in MAY_SEE])
@pytest.mark.parametrize(
    "action", ["received", "answer", "ask", "details", "pass-on", "close", "support", "unsupport", "follow", "unfollow"]
)
def test_no_move_on_a_private_appeal_for_anyone_else(client_as, people, private, role, action):
    response = client_as(people[role]).submit(f"/appeals/{private.id}/{action}", {"body": "x" * 10})
    if role == "visitor":
        assert response.status_code in (302, 303, 404)
    else:
        assert response.status_code == 404


def test_a_public_appeal_hides_the_phone_from_the_public(client_as, resident, deputy_profile, village):
    public = create_appeal(
        resident, deputy_profile, village, public=True, subject="Ашық өтініш: жол", contact_phone=PHONE
    )
    for role in ("visitor", "resident", "moderator"):
        page = client_as(role).get(f"/appeals/{public.id}").get_data(as_text=True)
        assert "Ашық өтініш: жол" in page and PHONE not in page
    listed = client_as("visitor").get("/appeals/").get_data(as_text=True)
    assert "Ашық өтініш: жол" in listed and PHONE not in listed
    assert PHONE not in client_as("visitor").get("/appeals.atom").get_data(as_text=True)


def test_a_hidden_public_appeal_is_gone_but_for_moderators(client_as, resident, deputy_profile, village):
    public = create_appeal(resident, deputy_profile, village, public=True, subject="Жасырылған өтініш")
    public.hide(None, "Спам")
    db.session.commit()
    assert client_as("visitor").get(f"/appeals/{public.id}").status_code == 404
    assert "Жасырылған өтініш" not in client_as("visitor").get("/appeals/").get_data(as_text=True)
    assert client_as("moderator").get(f"/appeals/{public.id}").status_code == 200


def test_own_appeals_are_ones_own(client_as, resident, private):
    assert SECRET in client_as(resident).get("/appeals/mine").get_data(as_text=True)
    assert SECRET not in client_as("resident").get("/appeals/mine").get_data(as_text=True)
    assert client_as("visitor").get("/appeals/mine").status_code in (302, 303)


@pytest.mark.parametrize("role, status", [("visitor", 303), ("resident", 403), ("moderator", 403), ("admin", 403)])
def test_the_inbox_is_the_deputys(client_as, role, status):
    assert client_as(role).get("/appeals/inbox").status_code == status
    assert client_as(role).get("/appeals/inbox/assistant").status_code == status
