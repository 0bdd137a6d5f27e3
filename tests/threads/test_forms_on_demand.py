"""The reply and report forms come when asked for: a page of their own without JavaScript, the form alone in
place with htmx; a mistake comes back with its message and the text kept; the thread page carries no form per
comment."""

import pytest

from community.extensions import db
from community.moderation.models import Action, Flag
from community.moderation.services import moderate
from tests.factories import create_comment

HTMX = {"HX-Request": "true"}


@pytest.fixture
def comment(thread, other_resident):
    return create_comment(thread, other_resident, "Көшеде шам жанбайды")


def test_the_reply_form_is_a_page_of_its_own_without_javascript(client_as, thread, resident, comment):
    page = client_as(resident).get(f"/comments/{comment.id}/reply?lang=en")
    assert page.status_code == 200 and "<html" in page.text
    assert "Көшеде шам жанбайды" in page.text and f'name="parent_id" value="{comment.id}"' in page.text
    form = page.text.split('id="reply-')[1].split(">")[0]
    assert "hx-post" not in form  # it posts as a plain form and the thread page follows


def test_the_reply_form_comes_in_place_with_htmx_and_takes_the_focus(client_as, resident, comment):
    fragment = client_as(resident).get(f"/comments/{comment.id}/reply", headers=HTMX).text
    assert "<html" not in fragment and "<blockquote" not in fragment
    assert 'hx-target="#comments"' in fragment and "autofocus" in fragment


def test_a_reply_to_a_reply_answers_its_comment(client_as, thread, resident, other_resident, comment):
    reply = create_comment(thread, resident, "Иә, рас", parent=comment)
    page = client_as(other_resident).get(f"/comments/{reply.id}/reply").text
    assert f'name="parent_id" value="{comment.id}"' in page


def test_visitors_are_sent_to_sign_in_and_a_hidden_comment_is_not_found(
    client_as, thread, resident, moderator, comment
):
    response = client_as("visitor").get(f"/comments/{comment.id}/reply")
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    moderate(moderator, Action.HIDE, "Қорлау", thread, comment)
    db.session.commit()
    assert client_as(resident).get(f"/comments/{comment.id}/reply").status_code == 404
    assert client_as(resident).get(f"/comments/{comment.id}/flag").status_code == 404


def test_a_reply_with_a_mistake_comes_back_on_its_own_page_with_the_text(client_as, thread, resident, comment):
    client = client_as(resident)
    data = {"body": "x", "parent_id": str(comment.id), "submission_key": "k1"}
    response = client.submit(f"/threads/{thread.id}/comments?lang=en", data)
    assert response.status_code == 422 and "<html" in response.text and "Reply to" in response.text
    assert 'aria-invalid="true"' in response.text and ">x</textarea>" in response.text


def test_a_reply_with_a_mistake_comes_back_in_place_on_the_page_of_its_comment(
    client_as, thread, resident, other_resident
):
    comments = [create_comment(thread, other_resident, f"Пікір {n:02d}") for n in range(55)]
    late = comments[-1]  # on the second page
    data = {"body": "x", "parent_id": str(late.id), "submission_key": "k2"}
    response = client_as(resident).submit(f"/threads/{thread.id}/comments", data, headers=HTMX)
    assert response.status_code == 422 and "<html" not in response.text
    assert "Пікір 54" in response.text and "Пікір 00" not in response.text
    assert f'id="reply-{late.id}"' in response.text and "autofocus" in response.text


def test_the_report_form_is_a_page_and_a_wrong_reason_is_said_not_refused(client_as, thread, resident, comment):
    client = client_as(resident)
    page = client.get(f"/comments/{comment.id}/flag?lang=en")
    assert page.status_code == 200 and "Report to the moderators" in page.text and 'name="reason"' in page.text
    wrong = client.submit(f"/comments/{comment.id}/flag?lang=en", {"reason": "nonsense", "note": "ой"})
    assert wrong.status_code == 422 and "Choose a reason from the list." in wrong.text
    assert db.session.scalar(db.select(db.func.count(Flag.id))) == 0
    sent = client.submit(f"/comments/{comment.id}/flag", {"reason": "spam"})
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"#{comment.anchor}")
    assert db.session.scalar(db.select(db.func.count(Flag.id))) == 1


def test_one_cannot_report_ones_own_comment_and_visitors_sign_in_first(client_as, thread, other_resident, comment):
    assert client_as(other_resident).get(f"/comments/{comment.id}/flag").status_code == 403
    response = client_as("visitor").get(f"/threads/{thread.id}/flag")
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]


def test_a_signed_in_thread_page_carries_one_form_to_write_not_one_per_comment(
    client_as, thread, resident, other_resident
):
    for n in range(20):
        parent = create_comment(thread, other_resident, f"Пікір {n}")
        create_comment(thread, other_resident, f"Жауап {n}", parent=parent)
    page = client_as(resident).get(f"/threads/{thread.id}").text
    assert page.count("<textarea") == 1 and page.count("<select") == 0
    assert page.count('class="reply-tool"') == 20 and page.count('class="flag-tool"') == 40  # the thread is their own


def test_the_report_that_hides_a_thread_is_thanked_where_the_reporter_can_go(client_as, thread):
    for _ in range(3):
        response = client_as("resident").submit(f"/threads/{thread.id}/flag?lang=en", {"reason": "spam"})
    assert response.status_code == 303 and response.headers["Location"] == "/threads/"
    client = client_as("resident")
    last = client.submit(f"/threads/{thread.id}/flag?lang=en", {"reason": "spam"})
    assert last.status_code == 404  # hidden now: nothing more to report


def test_the_report_that_hides_a_comment_goes_back_to_its_thread_with_a_word(client_as, thread, comment):
    for _ in range(3):
        client = client_as("resident")
        response = client.submit(f"/comments/{comment.id}/flag?lang=en", {"reason": "insult"}, headers=HTMX)
    assert response.headers["HX-Redirect"] == f"/threads/{thread.id}-{thread.slug}"
    assert "hidden until a moderator looks at it" in client.get(f"/threads/{thread.id}?lang=en").text


def test_the_official_answer_is_shown_once_and_pointed_to_from_the_comments(client_as, thread, deputy):
    client = client_as(deputy)
    data = {"answer-body": "Жөндеу жұмыстары мамырда басталады.", "answer-submission_key": "official-1"}
    assert client.submit(f"/threads/{thread.id}/answer", data).status_code == 303
    page = client_as("visitor").get(f"/threads/{thread.id}?lang=en").text
    assert page.count("Жөндеу жұмыстары мамырда басталады.") == 1
    assert "The official answer is shown at the top of the page." in page
    link = page.split("The official answer is shown at the top")[0].rsplit('href="#', 1)[1].split('"')[0]
    assert f'id="{link}"' in page
