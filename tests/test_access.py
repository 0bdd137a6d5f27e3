"""Who may open what: every route × every role."""

import pytest

from tests.factories import create_user

ROLES = ["visitor", "resident", "deputy", "moderator", "admin"]
SIGNED_IN = ["resident", "deputy", "moderator", "admin"]

PUBLIC = [
    "/",
    "/places/",
    "/places/almaty-region",
    "/healthz",
    "/robots.txt",
    "/auth/reset",
    "/users/{me}",
    "/appeals/",
    "/appeals.atom",
]
GUESTS_ONLY = ["/auth/login", "/auth/register"]
ACCOUNT_ONLY = [
    "/auth/settings",
    "/auth/password",
    "/auth/data.json",
    "/auth/delete",
    "/appeals/new",
    "/appeals/mine",
    "/notifications",
    "/notifications/settings",
]

ADMIN_ONLY = [  # tests/admin too
    "/admin/",
    "/admin/users",
    "/admin/users/{me}",
    "/admin/users/new",
    "/admin/audit",
    "/admin/audit.csv",
    "/admin/deputies",
    "/admin/deputies/new",
    "/admin/localities",
    "/admin/localities/new",
]


def visit(client_as, role, url):
    client = client_as(role)
    me = client.user or create_user("resident")
    return client.get(url.format(me=me.id))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages_open_for_everyone(client_as, region, role, url):
    assert visit(client_as, role, url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", GUESTS_ONLY)
def test_sign_in_pages_send_signed_in_users_home(client_as, region, role, url):
    expected = 200 if role == "visitor" else 303
    assert visit(client_as, role, url).status_code == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ACCOUNT_ONLY)
def test_account_pages_need_an_account(client_as, region, role, url):
    response = visit(client_as, role, url)
    if role == "visitor":
        assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ADMIN_ONLY)
def test_admin_pages_are_for_admins_only(client_as, region, role, url):
    response = visit(client_as, role, url)
    if role == "visitor":
        assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_logout_is_post_only(client_as, region, role):
    assert visit(client_as, role, "/auth/logout").status_code == 405


# Following: visitors are sent to sign in, every signed-in role follows and stops following (a POST, then back).
FOLLOWS = ["/pledges/{pledge}", "/deputies/{deputy}", "/events/{event}", "/dialogues/{dialogue}", "/places/shamalgan"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", FOLLOWS)
@pytest.mark.parametrize("verb", ["follow", "unfollow"])
def test_following_needs_an_account(client_as, region, role, page, verb):
    from community.extensions import db
    from community.places.models import Locality
    from tests.factories import create_deputy, create_dialogue, create_event, create_pledge

    village = db.session.scalar(db.select(Locality).filter_by(slug="shamalgan"))
    organiser = create_user("moderator")
    deputy = create_deputy()
    ids = {
        "pledge": create_pledge(deputy, village).id,
        "deputy": deputy.id,
        "event": create_event(organiser, village).id,
        "dialogue": create_dialogue(organiser, village).id,
    }
    url = page.format(**ids)
    response = client_as(role).submit(f"{url}/{verb}")
    assert response.status_code in (302, 303)
    assert ("/auth/login" in response.headers["Location"]) is (role == "visitor")
