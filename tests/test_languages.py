"""What people write carries its language: an issue, a comment, a dialogue question and a pledge update record the
writer's interface language, pages mark a text in another language than theirs with `lang`, and authors correct it
when they edit. Besides: the moderators' queue names an item's author in a whole sentence, deputies' parties are
named in each language, and links to exports and feeds say what they give."""

import re

import pytest

from community.dialogues.models import Question
from community.extensions import db
from community.pledges.models import PledgeUpdate
from community.threads.models import Comment, Thread
from tests.factories import create_comment, create_deputy, create_dialogue, create_thread, create_user

HTMX = {"HX-Request": "true"}
ISSUE = {
    "title": "Шамалған ауылында көше шамдары жоқ",
    "body": "Абай көшесінде үш айдан бері шам жанбайды, балалар қараңғыда мектептен қайтады.",
    "category": "roads",
    "submission_key": "lang-1",
}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_issue_records_the_language_of_the_page_it_was_written_on(client, resident, village, login_as, lang):
    login_as(resident)
    client.submit(f"/threads/new?lang={lang}", {**ISSUE, "locality": str(village.id)})
    assert db.session.scalar(db.select(Thread.lang)) == lang


def test_without_lang_in_the_address_the_accounts_language_counts(client, village, login_as):
    login_as(create_user("resident", locale="ru"))
    client.submit("/threads/new", {**ISSUE, "locality": str(village.id)})
    assert db.session.scalar(db.select(Thread.lang)) == "ru"


def test_an_issue_in_another_language_than_the_page_is_marked(client, resident, village, login_as):
    login_as(resident)
    client.submit("/threads/new?lang=ru", {**ISSUE, "locality": str(village.id)})
    thread = db.session.scalar(db.select(Thread))
    visitor = client.application.test_client()
    html = page(visitor, f"/threads/{thread.id}?lang=kk")
    assert f'<h1 lang="ru">{ISSUE["title"]}</h1>' in html
    assert '<div class="prose" lang="ru">' in html
    assert re.search(r'<a href="/threads/\d+-[^"]*" lang="ru">' + ISSUE["title"], page(visitor, "/threads/?lang=kk"))
    same = page(visitor, f"/threads/{thread.id}?lang=ru")
    assert f"<h1>{ISSUE['title']}</h1>" in same and 'lang="ru">' not in same.split("<main", 1)[1]


def test_a_text_of_unknown_language_is_not_marked(client, resident, village):
    thread = create_thread(resident, village)  # as written before languages were recorded
    assert thread.lang is None
    html = page(client, f"/threads/{thread.id}?lang=en")
    assert f"<h1>{thread.title}</h1>" in html and '<div class="prose">' in html


def test_comments_and_replies_record_and_show_their_language(app, thread, other_resident, login_as):
    client = login_as(other_resident, with_client=app.test_client())
    client.submit(
        f"/threads/{thread.id}/comments?lang=en", {"body": "Same problem on our street.", "submission_key": "c1"}
    )
    top = db.session.scalar(db.select(Comment))
    client.submit(
        f"/threads/{thread.id}/comments?lang=ru",
        {"body": "У нас то же самое.", "parent_id": str(top.id), "submission_key": "c2"},
        headers=HTMX,
    )
    assert [comment.lang for comment in db.session.scalars(db.select(Comment).order_by(Comment.id))] == ["en", "ru"]
    html = page(app.test_client(), f"/threads/{thread.id}?lang=kk")
    assert '<div class="prose" lang="en"><p>Same problem on our street.</p>' in html
    assert '<div class="prose" lang="ru"><p>У нас то же самое.</p>' in html


def test_an_official_answer_records_its_language(app, thread, deputy, login_as):
    client = login_as(deputy, with_client=app.test_client())
    client.submit(
        f"/threads/{thread.id}/answer?lang=ru",
        {"answer-body": "Ремонт начнётся в мае.", "answer-submission_key": "a1"},
    )
    assert db.session.scalar(db.select(Comment.lang).where(Comment.official.is_(True))) == "ru"
    assert '<div class="prose" lang="ru"><p>Ремонт начнётся в мае.</p>' in page(
        app.test_client(), f"/threads/{thread.id}?lang=kk"
    )


def test_the_author_corrects_an_issues_language_when_editing(client, thread, resident, login_as):
    login_as(resident)
    form = page(client, f"/threads/{thread.id}/edit?lang=en")
    assert 'name="lang"' in form and '<option selected value="en">English</option>' in form  # unknown: the page's
    thread.lang = "ru"
    db.session.commit()
    form = page(client, f"/threads/{thread.id}/edit?lang=kk")
    assert '<option selected value="ru">Русский</option>' in form
    data = {"title": thread.title, "body": thread.body, "locality": str(thread.locality_id), "category": "roads"}
    assert client.submit(f"/threads/{thread.id}/edit", {**data, "lang": "kk"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).lang == "kk"
    assert client.submit(f"/threads/{thread.id}/edit", data).status_code == 303  # a form without it keeps it
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).lang == "kk"
    refused = client.submit(f"/threads/{thread.id}/edit?lang=en", {**data, "lang": "de"})
    assert refused.status_code == 422 and "Choose a language from the list." in refused.get_data(as_text=True)


def test_the_author_corrects_a_comments_language_when_editing(client, thread, other_resident, login_as):
    comment = create_comment(thread, other_resident, "Бізде де солай.", lang="ru")
    login_as(other_resident)
    assert '<option selected value="ru">Русский</option>' in page(client, f"/comments/{comment.id}/edit")
    response = client.submit(f"/comments/{comment.id}/edit", {"body": "Бізде де солай.", "lang": "kk"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).lang == "kk"


def test_a_question_records_and_shows_its_language(app, moderator, village, other_resident, login_as):
    dialogue = create_dialogue(moderator, village, premoderation=False)
    client = login_as(other_resident, with_client=app.test_client())
    client.submit(f"/dialogues/{dialogue.id}/questions?lang=ru", {"body": "Когда отремонтируют дорогу к школе?"})
    assert db.session.scalar(db.select(Question.lang)) == "ru"
    html = page(app.test_client(), f"/dialogues/{dialogue.id}?lang=kk")
    assert '<p class="question-body" lang="ru">Когда отремонтируют дорогу к школе?</p>' in html


def test_a_question_from_the_hall_records_the_moderators_language(app, moderator, village, login_as):
    dialogue = create_dialogue(moderator, village)
    client = login_as(moderator, with_client=app.test_client())
    client.submit(
        f"/dialogues/{dialogue.id}/hall?lang=ru",
        {"body": "Будет ли автобус до райцентра?", "speaker_name": "", "submission_key": "h1"},
    )
    assert db.session.scalar(db.select(Question.lang)) == "ru"


def test_a_pledge_update_records_and_shows_its_language(app, pledge, deputy, login_as):
    client = login_as(deputy, with_client=app.test_client())
    client.submit(
        f"/pledges/{pledge.id}/updates?lang=ru",
        {"status": "in_progress", "progress": "20", "note": "Работы начались сегодня.", "submission_key": "u1"},
    )
    assert db.session.scalar(db.select(PledgeUpdate.lang)) == "ru"
    html = page(app.test_client(), f"/pledges/{pledge.id}?lang=kk")
    assert '<div class="prose" lang="ru"><p>Работы начались сегодня.</p>' in html


@pytest.mark.parametrize(
    "lang, wording",
    [("kk", "Авторы: Бауыржан"), ("ru", "Автор: Бауыржан"), ("en", "Written by Бауыржан")],
)
def test_the_queue_names_the_author_in_a_whole_sentence(
    app, login_as, moderator, thread, other_resident, lang, wording
):
    comment = create_comment(thread, other_resident, "Сендердің бәрің ақымақсыңдар", lang="ru")
    reporter = login_as(create_user("resident"), with_client=app.test_client())
    reporter.submit(f"/comments/{comment.id}/flag", {"reason": "insult", "note": "дөрекі сөз"})
    html = page(login_as(moderator, with_client=app.test_client()), f"/moderation/?lang={lang}")
    assert f'<p class="meta">{wording}</p>' in html and "Кім" not in html
    assert '<div class="prose quoted" lang="ru">' in html or lang == "ru"


PARTY = {"party_kk": "Қазақстан Халық партиясы", "party_ru": "Народная партия Казахстана"}


@pytest.mark.parametrize(
    "lang, name",
    [("kk", "Қазақстан Халық партиясы"), ("ru", "Народная партия Казахстана"), ("en", "People's Party of Kazakhstan")],
)
def test_a_deputys_party_is_named_in_the_readers_language(client, lang, name):
    deputy = create_deputy("Дәурен Нұрланұлы", **PARTY, party_en="People's Party of Kazakhstan")
    escaped = name.replace("'", "&#39;")
    assert escaped in page(client, f"/deputies/{deputy.id}?lang={lang}")
    listing = page(client, f"/deputies/?lang={lang}")
    assert f"· {escaped}</p>" in listing and f'<option value="{escaped}"' in listing


def test_a_party_without_a_name_in_a_language_shows_the_kazakh_one(client):
    deputy = create_deputy("Асқар Тоқтаров", party_kk="AMANAT")
    assert "AMANAT" in page(client, f"/deputies/{deputy.id}?lang=en")


@pytest.mark.parametrize(
    "name", ["Қазақстан Халық партиясы", "Народная партия Казахстана", "People's Party of Kazakhstan"]
)
def test_the_party_filter_takes_the_name_in_any_language(client, name):
    create_deputy("Дәурен Нұрланұлы", **PARTY, party_en="People's Party of Kazakhstan")
    create_deputy("Сергей Ким", party_kk="Respublica")
    html = page(client, f"/deputies/?lang=kk&party={name}")
    assert "Дәурен Нұрланұлы" in html and "Сергей Ким" not in html


@pytest.mark.parametrize(
    "url, texts",
    [
        ("/threads/", ["Feed of new issues (Atom)"]),
        (
            "/pledges/",
            ["Download the pledges (CSV)", "Download the pledges (JSON)", "Feed of pledge updates (Atom)"],
        ),
    ],
)
def test_links_to_data_and_feeds_say_what_they_give(client, url, texts):
    html = page(client, f"{url}?lang=en")
    assert all(f">{text}</a>" in html for text in texts)
    assert ">CSV</a>" not in html and ">JSON</a>" not in html and ">Atom feed</a>" not in html


def test_links_to_data_are_translated(client, deputy_profile):
    html = page(client, "/pledges/?lang=kk")
    assert ">Уәделерді жүктеп алу (CSV)</a>" in html and ">Уәделер жаңартуларының арнасы (Atom)</a>" in html
    assert ">Жаңа мәселелер арнасы (Atom)</a>" in page(client, "/threads/?lang=kk")
    assert ">Скачать эти обещания (CSV)</a>" in page(client, f"/deputies/{deputy_profile.id}?lang=ru")
