"""Kazakh first, Russian and English by choice; the choice is remembered; formats follow the locale."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_datetime

from community.accounts.models import User
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


def test_the_choice_is_remembered_on_the_account(app, client, resident, login_as):
    login_as(resident)
    client.get("/?lang=en")
    db.session.expire_all()
    assert db.session.get(User, resident.id).locale == "en"
    fresh = app.test_client()
    login_as(resident, with_client=fresh)
    assert '<html lang="en">' in fresh.get("/").get_data(as_text=True)


def test_the_language_switch_links_keep_the_page(client):
    html = client.get("/places/?lang=ru").get_data(as_text=True)
    assert 'href="/places/?lang=kk"' in html and 'href="/places/?lang=en"' in html


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
