"""Starting a thread: validation in the user's language, one thread per submission, posting limits."""

import pytest

from community.extensions import db
from community.threads.models import Thread, ThreadFollow
from tests.concurrency import post_at_once

HTMX = {"HX-Request": "true"}


def form(village, deputy=None, **changes):
    data = {
        "title": "Шамалған ауылында көше шамдары жоқ",
        "body": "Абай көшесінде үш айдан бері шам жанбайды, балалар қараңғыда мектептен қайтады.",
        "locality": str(village.id),
        "category": "roads",
        "addressed_to": str(deputy.id) if deputy else "",
        "submission_key": "form-key-1",
    }
    data.update(changes)
    return data


def test_a_resident_raises_an_issue_and_follows_it(client, resident, village, deputy, login_as):
    login_as(resident)
    response = client.submit("/threads/new", form(village, deputy))
    thread = db.session.scalar(db.select(Thread))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/threads/{thread.id}-{thread.slug}")
    assert (thread.author_id, thread.locality_id, thread.addressed_to_id) == (resident.id, village.id, deputy.id)
    assert thread.follower_count == 1 and db.session.get(ThreadFollow, (resident.id, thread.id))


def test_visitors_are_sent_to_sign_in(client, village):
    response = client.get("/threads/new")
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    assert client.submit("/threads/new", form(village)).status_code in (302, 303)
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": "Қысқа"}, "От 8 до 160 символов"),
        ({"body": ""}, "Это поле обязательно"),
        ({"category": "weather"}, "Выберите категорию"),
        ({"locality": "0"}, "Выберите населённый пункт из списка"),
        ({"addressed_to": "424242"}, "Выберите депутата из списка"),
    ],
)
def test_bad_input_is_refused_with_a_message_in_russian(client, resident, village, login_as, changes, message):
    login_as(resident)
    response = client.submit("/threads/new?lang=ru", form(village, **changes), headers=HTMX)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0


def test_a_double_submitted_form_creates_one_thread(client_as, resident, village):
    clients = [client_as(resident) for _ in range(4)]
    responses = post_at_once(clients, "/threads/new", form(village))
    assert [response.status_code for response in responses] == [303] * 4
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 1


def test_new_accounts_may_start_fewer_threads_and_get_a_429_in_place(client, resident, village, login_as):
    login_as(resident)
    for number in range(2):
        assert client.submit("/threads/new", form(village, submission_key=f"k{number}")).status_code == 303
    response = client.submit("/threads/new?lang=en", form(village, submission_key="k9"), headers=HTMX)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Too many requests" in html
