"""The pages every public site has and the open-data page: every language, page and fragment, visitor and resident;
the footer links them all; every export the app has is documented on /data and answers there."""

import re

import pytest
from markupsafe import escape

from community.events.models import ReceptionSlot
from community.extensions import db
from community.pages.services import EXPORTS, PAGES
from community.pledges.models import PledgeStatus
from tests.factories import (
    book_for,
    create_appeal,
    create_dialogue,
    create_question,
    create_reception,
    create_thread,
)

PAGE_URLS = ["/about", "/rules", "/privacy", "/terms", "/accessibility", "/contact", "/data"]
EXPORT_ENDINGS = (".csv", ".json", ".atom", ".ics")
HEADING = re.compile(r"<h([1-6])\b")
MAIN = re.compile(r"<main\b.*?</main>", re.S)


def headings(html: str) -> list[int]:
    """The levels of the headings in the page's main region, in order."""
    return [int(level) for level in HEADING.findall(MAIN.search(html).group(0))]


def export_rules(app) -> list:
    """Every route the app has that gives out a file or feed, read from the URL map; the administration's own
    (the audit log's CSV) is for admins, described on its page, not in the public catalogue."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.endswith(EXPORT_ENDINGS) and not rule.endpoint.startswith("admin.")
    ]


def readable(rule: str) -> str:
    """A URL rule as /data writes it: `<int:event_id>` becomes `<event_id>`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"<\1>", rule)


def test_every_page_has_a_title_and_a_date():
    assert {f"/{name}" for name in PAGES} == set(PAGE_URLS)


@pytest.mark.parametrize("who", ["visitor", "resident"])
@pytest.mark.parametrize("path", PAGE_URLS)
def test_every_page_answers_in_every_language_as_page_and_fragment(client_as, who, path):
    client = client_as(who)
    for lang in ("kk", "ru", "en"):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(f"{path}?lang={lang}", headers=headers)
            assert response.status_code == 200, (path, lang, headers)
            html = response.get_data(as_text=True)
            assert f'<html lang="{lang}">' in html
            assert f'<div lang="{lang}">' in html  # the text written in that language
            levels = headings(html)
            assert levels.count(1) == 1 and levels[0] == 1, (path, lang, levels)
            skips = [pair for pair in zip(levels, levels[1:], strict=False) if pair[1] > pair[0] + 1]
            assert not skips, (path, lang, levels)


@pytest.mark.parametrize("path", ["/", "/threads/", *PAGE_URLS])
def test_the_footer_links_every_page(client, path):
    html = client.get(path).get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">') :]
    for url in PAGE_URLS:
        assert f'href="{url}"' in footer, (path, url)


def test_the_titles_are_translated(client):
    assert "Сайт туралы" in client.get("/about?lang=kk").get_data(as_text=True)
    assert "О сайте" in client.get("/about?lang=ru").get_data(as_text=True)
    assert "About the site" in client.get("/about?lang=en").get_data(as_text=True)


def test_rules_privacy_and_terms_carry_their_version(client):
    from community.pages.services import PRIVACY_VERSION, RULES_VERSION, TERMS_VERSION

    assert RULES_VERSION in client.get("/rules").get_data(as_text=True)
    assert PRIVACY_VERSION in client.get("/privacy").get_data(as_text=True)
    assert TERMS_VERSION in client.get("/terms").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_contact_page_shows_the_contact_address(app, client, lang):
    address = app.config["CONTACT_EMAIL"]
    assert f'href="mailto:{address}"' in client.get(f"/contact?lang={lang}").get_data(as_text=True)


def test_the_contact_address_is_a_setting(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_EMAIL", "halyk@example.kz")
    assert "mailto:halyk@example.kz" in client.get("/contact").get_data(as_text=True)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_data_documents_every_export_the_app_has(app, client, lang):
    html = client.get(f"/data?lang={lang}").get_data(as_text=True)
    rules = export_rules(app)
    assert len(rules) >= 8
    for rule in rules:
        assert str(escape(readable(rule.rule))) in html, f"{rule.rule} is not documented on /data"
        if not rule.arguments:
            assert f'href="{rule.rule}"' in html
    assert "CC BY 4.0" in html


def test_every_export_is_catalogued_and_every_field_described(app):
    """Each export in the catalogue is a route, and each language's text describes it and each of its fields."""
    endpoints = {rule.endpoint for rule in export_rules(app)}
    assert {export.endpoint for export in EXPORTS} == endpoints
    for lang in ("kk", "ru", "en"):
        text = app.jinja_env.get_template(f"pages/data/{lang}.html").module
        for export in EXPORTS:
            assert export.key in text.titles and hasattr(text, export.key), (lang, export.key)
            described = text.fields[export.group]
            assert set(described) == set(export.fields), (lang, export.group)
            assert all(described.values()), (lang, export.group)


@pytest.fixture
def some_of_everything(region, village, resident, deputy, moderator, pledge):
    """One of each thing the exports give out."""
    pledge.record_update(deputy, PledgeStatus.IN_PROGRESS, 10, "Жұмыс басталды.", [], "pages-1")
    create_thread(resident, village)
    event = create_reception(moderator, village)
    slot = book_for(resident, db.session.scalar(db.select(ReceptionSlot).filter_by(event_id=event.id).limit(1)))
    create_appeal(resident, pledge.deputy, village, public=True)
    dialogue = create_dialogue(moderator, village)
    create_question(dialogue, resident, state="answered")
    db.session.commit()
    return {"event_id": event.id, "session_id": dialogue.id, "slot_id": slot.id}


def test_every_listed_export_answers(app, client, client_as, some_of_everything):
    """Open data answers anyone; a working file answers the people it is for (an admin here, who may see any)."""
    admin = client_as("admin")
    open_data = {export.endpoint: export.open_data for export in EXPORTS}
    for rule in export_rules(app):
        url = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda part: str(some_of_everything[part.group(1)]), rule.rule)
        asker = client if open_data[rule.endpoint] else admin
        response = asker.get(url)
        assert response.status_code == 200, url
        assert response.get_data(), url
    assert "no data yet" not in client.get("/data?lang=en").get_data(as_text=True)


def test_data_tells_when_each_kind_of_data_last_changed(client, some_of_everything):
    html = client.get("/data?lang=en").get_data(as_text=True)
    assert html.count("<time datetime=") == sum(1 for export in EXPORTS if export.newest)


def test_the_own_data_file_has_the_documented_sections(client_as):
    own = next(export for export in EXPORTS if export.endpoint == "accounts.own_data_export")
    data = client_as("resident").get("/auth/data.json").get_json()
    assert list(data) == list(own.fields)


def test_data_with_nothing_yet_says_so(client):
    html = client.get("/data?lang=en").get_data(as_text=True)
    assert "no data yet" in html


def test_pages_are_shared_with_visitors(client, app):
    """A visitor's second request is served from the worker's copy: no query for the page itself."""
    from sqlalchemy import event

    client.get("/data")
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        assert client.get("/data").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert not any("max(" in statement.lower() for statement in statements)
