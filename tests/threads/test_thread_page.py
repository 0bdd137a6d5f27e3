"""A thread's page: its comments and replies, posting with and without htmx, edits and deletions."""

import re

from community.extensions import db
from community.threads.models import Comment, Thread, ThreadState
from tests.factories import create_comment, create_thread

HTMX = {"HX-Request": "true"}


def test_the_page_shows_the_issue_and_a_readable_url(client, thread, deputy):
    assert client.get(f"/threads/{thread.id}-{thread.slug}").status_code == 200
    html = client.get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
    assert thread.title in html and deputy.display_name in html and "awaiting an answer" in html
    assert client.get("/threads/999999").status_code == 404


def test_comments_are_oldest_first_with_one_level_of_replies(client, thread, resident, other_resident):
    first = create_comment(thread, other_resident, "Бірінші пікір")
    create_comment(thread, resident, "Екінші пікір")
    reply = create_comment(thread, resident, "Біріншіге жауап", parent=first)
    deeper = create_comment(thread, other_resident, "Жауапқа жауап", parent=reply)
    assert deeper.parent_id == first.id
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert html.index("Бірінші пікір") < html.index("Біріншіге жауап") < html.index("Екінші пікір")
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).comment_count == 4


def test_comments_are_paged_by_fifty(client, thread, resident):
    for number in range(52):
        create_comment(thread, resident, f"Пікір нөмірі {number:02d}")
    first = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "Пікір нөмірі 49" in first and "Пікір нөмірі 50" not in first
    assert "Пікір нөмірі 51" in client.get(f"/threads/{thread.id}?page=2").get_data(as_text=True)


def test_posting_without_javascript_redirects_to_the_new_comment(client, thread, other_resident, login_as):
    login_as(other_resident)
    response = client.submit(f"/threads/{thread.id}/comments", {"body": "Толық қолдаймын!", "submission_key": "a1"})
    comment = db.session.scalar(db.select(Comment))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")


def test_posting_with_htmx_returns_the_section_with_the_new_count(client, thread, other_resident, login_as):
    login_as(other_resident)
    response = client.submit(
        f"/threads/{thread.id}/comments?lang=en", {"body": "Толық қолдаймын!", "submission_key": "a2"}, headers=HTMX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="comments"' in html and "Толық қолдаймын!" in html and "1 comment" in html


def test_a_double_submitted_comment_is_saved_once(client, thread, other_resident, login_as):
    login_as(other_resident)
    for _ in range(3):
        client.submit(f"/threads/{thread.id}/comments", {"body": "Бір рет қана", "submission_key": "same"})
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1
    assert db.session.get(Thread, thread.id).comment_count == 1


def test_an_empty_comment_gets_a_message_in_the_users_language(client, thread, other_resident, login_as):
    login_as(other_resident)
    url = f"/threads/{thread.id}/comments?lang=ru"
    response = client.submit(url, {"body": "", "submission_key": "e"}, headers=HTMX)
    assert response.status_code == 422
    assert "Это поле обязательно" in response.get_data(as_text=True)


def test_authors_edit_their_comments_which_are_marked_edited(client, thread, resident, other_resident, login_as):
    comment = create_comment(thread, other_resident, "Қате жазылған")
    login_as(other_resident)
    response = client.submit(f"/comments/{comment.id}/edit", {"body": "Түзетілген мәтін"})
    assert response.status_code == 303
    html = client.get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
    assert "Түзетілген мәтін" in html and "edited" in html


def test_deleting_leaves_a_placeholder_only_where_replies_exist(client, thread, resident, other_resident, login_as):
    lonely = create_comment(thread, other_resident, "Жалғыз пікір")
    answered = create_comment(thread, other_resident, "Жауабы бар пікір")
    create_comment(thread, resident, "Жауап", parent=answered)
    lonely_id, answered_id = lonely.id, answered.id
    login_as(other_resident)
    client.submit(f"/comments/{lonely_id}/delete")
    client.submit(f"/comments/{answered_id}/delete")
    assert db.session.get(Comment, lonely_id) is None
    kept = db.session.get(Comment, answered_id)
    assert kept.deleted_at is not None and kept.body == ""
    html = client.get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
    assert "deleted by its author" in html and "Жауабы бар пікір" not in html and "Жауап" in html
    assert db.session.get(Thread, thread.id).comment_count == 1


def test_resolved_threads_take_no_comments(client, thread, resident, other_resident, login_as):
    login_as(resident)
    assert client.submit(f"/threads/{thread.id}/resolve").status_code == 303
    assert db.session.get(Thread, thread.id).state is ThreadState.RESOLVED
    other = login_as(other_resident, with_client=client.application.test_client())
    response = other.submit(f"/threads/{thread.id}/comments", {"body": "Кеш қалдым", "submission_key": "late"})
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_user_text_is_escaped_in_title_body_and_comment(client, resident, village, other_resident):
    from tests.core.test_text import XSS_CORPUS, assert_safe

    payload = "<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))"
    thread = create_thread(resident, village, title="Тақырып " + payload[:60], body="Мәтін " + payload)
    for sample in XSS_CORPUS[:15]:
        create_comment(thread, other_resident, sample)
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    for block in re.findall(r'<div class="prose">(.*?)</div>', html, re.S):
        assert_safe(block)


def test_authors_edit_their_issue_which_is_marked_edited(app, client, thread, resident, other_resident, login_as):
    other = login_as(other_resident, with_client=app.test_client())
    assert other.get(f"/threads/{thread.id}/edit").status_code == 403
    login_as(resident)
    page = client.get(f"/threads/{thread.id}/edit", headers=HTMX)
    assert page.status_code == 200 and "<html" not in page.get_data(as_text=True)
    assert "selected" in page.get_data(as_text=True)
    response = client.submit(
        f"/threads/{thread.id}/edit",
        {
            "title": "Абай көшесінде шам әлі жоқ",
            "body": "Жаңартылған сипаттама: он екі үйдің алдында шам жоқ.",
            "locality": str(thread.locality_id),
            "category": "roads",
            "submission_key": "e1",
        },
    )
    assert response.status_code == 303
    edited = db.session.get(Thread, thread.id)
    assert edited.title == "Абай көшесінде шам әлі жоқ" and edited.edited_at is not None
    assert edited.slug == "abai-koshesinde-sham-ali-zhoq"
    assert "edited" in client.get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)


def test_a_new_account_commenting_too_often_gets_a_429_in_the_message_area(client, thread, other_resident, login_as):
    login_as(other_resident)
    url = f"/threads/{thread.id}/comments?lang=ru"
    for number in range(10):
        assert client.submit(url, {"body": f"Пікір {number}", "submission_key": f"n{number}"}).status_code == 303
    response = client.submit(url, {"body": "Тағы бір", "submission_key": "n10"}, headers=HTMX)
    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#flashes"
    assert "Слишком много запросов" in response.get_data(as_text=True)
