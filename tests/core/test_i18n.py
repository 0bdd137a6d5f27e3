"""Kazakh first, Russian and English by choice; the choice is remembered; formats follow the locale."""

import re
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_datetime
from sqlalchemy import event

from community.accounts.models import User
from community.core.i18n import LANG_COOKIE
from community.extensions import db

CATALOGS = Path(__file__).parents[2] / "community" / "translations"


def test_kazakh_is_the_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="kk">' in html
    assert "Басты бет" in html


@pytest.mark.parametrize("lang, word", [("ru", "Главная"), ("en", "Home"), ("kk", "Басты бет")])
def test_lang_parameter_switches_the_language(client, lang, word):
    html = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert word in html


def test_the_choice_is_remembered_in_a_cookie(client):
    client.get("/?lang=ru")
    html = client.get("/places/").get_data(as_text=True)
    assert '<html lang="ru">' in html


def test_an_unknown_language_falls_back_to_kazakh(client):
    assert '<html lang="kk">' in client.get("/?lang=xx").get_data(as_text=True)


def switch(client, lang: str, next_page: str = "/places/"):
    """Press a language in the header's switch, as a browser without JavaScript does."""
    return client.submit("/language", {"lang": lang, "next": next_page})


def lang_cookie(client) -> str | None:
    cookie = client.get_cookie(LANG_COOKIE)
    return cookie.value if cookie else None


def sets_lang_cookie(response) -> bool:
    return any(header.startswith(f"{LANG_COOKIE}=") for header in response.headers.getlist("Set-Cookie"))


@contextmanager
def user_updates():
    """Collect the UPDATE statements sent to the users table while the block runs."""
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE USERS"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def locale_of(user) -> str | None:
    db.session.expire_all()
    return db.session.get(User, user.id).locale


@pytest.fixture
def russian_resident(resident):
    resident.locale = "ru"
    db.session.commit()
    return resident


def test_the_switch_stores_the_accounts_language_and_the_cookie(app, client, russian_resident, login_as):
    login_as(russian_resident)
    with user_updates() as updates:
        response = switch(client, "en", "/places/?page=2")
    assert len(updates) == 1
    assert response.status_code == 303
    assert response.headers["Location"] == "/places/?page=2"
    assert sets_lang_cookie(response) and lang_cookie(client) == "en"
    assert locale_of(russian_resident) == "en"
    fresh = app.test_client()
    login_as(russian_resident, with_client=fresh)
    assert '<html lang="en">' in fresh.get("/").get_data(as_text=True)


def test_the_switch_works_for_a_visitor(client):
    response = switch(client, "ru")
    assert response.status_code == 303 and response.headers["Location"] == "/places/"
    assert lang_cookie(client) == "ru"
    assert '<html lang="ru">' in client.get("/places/").get_data(as_text=True)


def test_a_lang_link_chooses_the_page_but_never_writes_the_account(client, russian_resident, login_as):
    login_as(russian_resident)
    with user_updates() as updates:
        html = client.get("/places/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and lang_cookie(client) == "en"
    assert updates == []
    assert locale_of(russian_resident) == "ru"
    assert '<html lang="ru">' in client.get("/places/").get_data(as_text=True)  # the account's language leads


@pytest.mark.parametrize("foreign", ["https://evil.example/", "//evil.example/", "/\\evil.example", "places", ""])
def test_a_foreign_next_is_dropped(client, foreign):
    response = switch(client, "ru", foreign)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert lang_cookie(client) == "ru"


def test_the_switch_refuses_a_missing_csrf_token(client, russian_resident, login_as):
    login_as(russian_resident)
    response = client.post("/language", data={"lang": "en", "next": "/places/"})
    assert response.status_code == 400
    assert not sets_lang_cookie(response)
    assert locale_of(russian_resident) == "ru"


@pytest.mark.parametrize("lang", ["xx", "", "kk-KZ"])
def test_an_unknown_language_is_a_bad_request(client, russian_resident, login_as, lang):
    login_as(russian_resident)
    response = switch(client, lang)
    assert response.status_code == 400
    assert "Этот язык недоступен" in response.get_data(as_text=True)
    assert not sets_lang_cookie(response)
    assert locale_of(russian_resident) == "ru"


def test_the_switch_is_a_form_per_language_that_comes_back_to_the_page(client):
    html = client.get("/places/?lang=ru&page=2").get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/language".*?</form>', html, re.S)
    assert len(forms) == 3
    for code, form in zip(["kk", "ru", "en"], forms, strict=True):
        assert 'name="csrf_token"' in form
        assert f'name="lang" value="{code}"' in form
        assert 'name="next" value="/places/?page=2"' in form
        assert f'lang="{code}"' in form
    assert 'aria-current="true"' in forms[1] and "aria-current" not in forms[0] + forms[2]


def test_times_are_shown_in_almaty_time(app):
    moment = datetime(2026, 3, 8, 6, 30, tzinfo=timezone.utc)
    with app.test_request_context("/?lang=en"), force_locale("en"):
        assert "11:30" in format_datetime(moment, "short")


def test_localities_are_named_in_the_readers_language(client, region):
    assert "Алматинская область" in client.get("/places/?lang=ru").get_data(as_text=True)
    assert "Алматы облысы" in client.get("/places/?lang=kk").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_no_catalog_has_an_untranslated_or_fuzzy_entry(lang):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    with open(CATALOGS / "messages.pot", "rb") as pot:
        template = read_po(pot)
    missing = [m.id for m in template if m.id and m.id not in catalog]
    untranslated = [
        m.id for m in catalog if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert not missing, f"{lang}: {len(missing)} not in the catalog (run flask translate update): {missing[:5]}"
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated or fuzzy, e.g. {untranslated[:5]}"
    assert not catalog.fuzzy, f"{lang}: the catalog header is fuzzy"


def test_signing_in_brings_the_accounts_language_and_keeps_it_after_signing_out(client, resident, login_as):
    resident.locale = "ru"
    db.session.commit()
    client.get("/?lang=en")
    login_as(resident)
    assert '<html lang="ru">' in client.get("/").get_data(as_text=True)
    client.submit("/auth/logout")
    assert '<html lang="ru">' in client.get("/").get_data(as_text=True)
