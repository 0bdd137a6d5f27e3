"""Parts of signed-in pages shared among viewers of the same kind: rendered once per worker and content version,
each viewer still seeing what is theirs (their supports, their own comments, their role's tools, a suspension),
with their own CSRF token, and nothing stale after a write."""

import re

from community.core.pagecache import PARTS
from community.extensions import db
from community.moderation.models import Action
from community.moderation.services import moderate, suspend
from community.threads.marks import support_comment
from tests.factories import create_comment

META_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
HTMX = {"HX-Request": "true"}


def _support_form(page: str, comment) -> str:
    return (
        page.split(f'id="support-{comment.anchor}"')[0].rsplit("<form", 1)[-1]
        + page.split(f'id="support-{comment.anchor}"')[1].split("</form>")[0]
    )


def test_a_second_resident_gets_the_comments_from_the_parts_with_their_own_token(
    app, client_as, thread, other_resident
):
    create_comment(thread, other_resident, "Ортақ пікір")
    first_client, second_client = client_as("resident"), client_as("resident")  # new accounts move the version
    first = first_client.get(f"/threads/{thread.id}").text
    kept = len(PARTS.copies)
    second = second_client.get(f"/threads/{thread.id}").text
    assert kept >= 1 and len(PARTS.copies) == kept  # nothing new rendered for the second
    assert "Ортақ пікір" in first and "Ортақ пікір" in second and "csrf-slot" not in first + second
    token = META_TOKEN.search(second).group(1)
    assert re.findall(r'name="csrf_token" value="([^"]+)"', second) and set(
        re.findall(r'name="csrf_token" value="([^"]+)"', second)
    ) == {token}
    comment_id = re.search(r'action="/comments/(\d+)/support"', second).group(1)
    supported = second_client.post(f"/comments/{comment_id}/support", data={"csrf_token": token})
    assert supported.status_code in (302, 303)


def test_each_viewer_sees_their_own_support_their_own_comment_and_their_roles_tools(
    client_as, thread, resident, other_resident, moderator
):
    theirs = create_comment(thread, other_resident, "Басқаның пікірі")
    mine = create_comment(thread, resident, "Менің пікірім")
    support_comment(resident, theirs)
    db.session.commit()
    for viewer in ("resident", other_resident, resident, moderator):  # a plain resident first fills the parts
        page = client_as(viewer).get(f"/threads/{thread.id}?lang=en").text
        pressed = 'aria-pressed="true"' in _support_form(page, theirs)
        assert pressed is (viewer is resident)
        assert (f"/comments/{mine.id}/edit" in page) is (viewer is resident)
        assert (f"/comments/{theirs.id}/edit" in page) is (viewer is other_resident)
        assert (f"/comments/{mine.id}/flag" in page) is (viewer is not resident)
        assert (f"/moderation/comments/{theirs.id}/hide" in page) is (viewer is moderator)


def test_a_suspended_resident_gets_counts_not_buttons(client_as, thread, resident, other_resident, moderator):
    comment = create_comment(thread, other_resident, "Пікір")
    client_as("resident").get(f"/threads/{thread.id}")
    suspend(moderator, resident, 3, "Спам")
    db.session.commit()
    page = client_as(resident).get(f"/threads/{thread.id}").text
    assert f"/comments/{comment.id}/support" not in page and f'id="support-{comment.anchor}"' in page


def test_a_hidden_comment_leaves_the_signed_in_page_at_once(client_as, thread, resident, other_resident, moderator):
    comment = create_comment(thread, other_resident, "Бұл пікір жасырылады")
    client = client_as(resident)
    assert "Бұл пікір жасырылады" in client.get(f"/threads/{thread.id}").text
    moderate(moderator, Action.HIDE, "Қорлау", thread, comment)
    db.session.commit()
    assert "Бұл пікір жасырылады" not in client.get(f"/threads/{thread.id}").text


def test_a_support_in_place_shows_the_new_count_at_once(client_as, thread, resident, other_resident):
    comment = create_comment(thread, other_resident, "Пікір")
    client = client_as(resident)
    client.get(f"/threads/{thread.id}")
    fragment = client.submit(f"/comments/{comment.id}/support?lang=en", headers=HTMX).text
    assert 'aria-pressed="true"' in fragment and '<span class="count">1</span>' in fragment
    assert '<span class="count">1</span>' in client.get(f"/threads/{thread.id}").text


def test_a_list_row_is_shared_and_follows_the_data(client_as, thread, resident):
    client = client_as(resident)
    assert thread.title in client.get("/threads/").text
    thread.title = "Жаңа атау: көше шамдары"
    db.session.commit()
    assert "Жаңа атау: көше шамдары" in client.get("/threads/").text
