"""Absolute addresses come from SITE_URL, never from the request; requests for other hosts are refused."""

import csv
import io
import re
from pathlib import Path

import pytest
import segno
from icalendar import Calendar

from community import create_app
from community.accounts.models import PasswordReset
from community.config import TestConfig, _check_site
from community.extensions import db
from tests.conftest import Client
from tests.factories import create_dialogue, create_event, create_pledge, create_thread

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://halyk-uni.kz"
BUILT_FROM_THE_REQUEST = re.compile(r"(?<!\w)_external\s*=|request\.(host|host_url|url_root)\b")


@pytest.fixture
def site_url(app, monkeypatch):
    """The site configured at an address the test client never asks for, so a link built from the request shows."""
    monkeypatch.setitem(app.config, "SITE_URL", SITE)
    return SITE


@pytest.fixture(scope="module")
def proxied_app(app):
    """The site behind one proxy (PROXY_COUNT=1), also answering a health check's host, on the tests' database."""

    class Proxied(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        PROXY_COUNT = 1
        ALLOWED_HOSTS = "health.internal, 10.0.0.5"

    proxied = create_app(Proxied)
    proxied.test_client_class = Client
    return proxied


def ask_reset(client, email, **headers):
    return client.submit("/auth/reset?lang=en", {"email": email}, headers=headers)


def test_a_reset_asked_for_another_host_is_refused_and_mails_nothing(client, resident, outbox):
    response = ask_reset(client, resident.email, Host="evil.example")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "does not answer to the address" in html and "evil.example" not in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert outbox == [] and db.session.scalar(db.select(PasswordReset)) is None


@pytest.mark.parametrize("lang, title", [("kk", "Қате сұрау"), ("ru", "Неверный запрос"), ("en", "Bad request")])
def test_the_refusal_is_a_page_in_the_users_language_also_for_htmx(client, lang, title):
    page = client.get(f"/?lang={lang}", headers={"Host": "evil.example"})
    fragment = client.get(f"/?lang={lang}", headers={"Host": "evil.example", "HX-Request": "true"})
    assert page.status_code == fragment.status_code == 400
    assert title in page.get_data(as_text=True) and "<html" in page.get_data(as_text=True)
    assert title in fragment.get_data(as_text=True) and fragment.headers["HX-Retarget"] == "#flashes"


def test_a_reset_mails_a_link_on_site_url(client, resident, outbox, site_url):
    ask_reset(client, resident.email)
    link = re.search(r"\S+/auth/reset/\S+", outbox[0].get_content()).group(0)
    assert link.startswith(f"{SITE}/auth/reset/")


def test_behind_a_proxy_a_forwarded_host_that_is_not_the_sites_is_refused(proxied_app, resident):
    client = proxied_app.test_client()
    refused = ask_reset(client, resident.email, **{"X-Forwarded-Host": "evil.example"})
    assert refused.status_code == 400 and proxied_app.extensions.get("mail_outbox", []) == []
    assert db.session.scalar(db.select(PasswordReset)) is None
    answered = ask_reset(client, resident.email, **{"X-Forwarded-Host": "localhost"})
    assert answered.status_code == 303
    assert "http://localhost/auth/reset/" in proxied_app.extensions["mail_outbox"][-1].get_content()


def test_allowed_hosts_are_answered_too(proxied_app):
    client = proxied_app.test_client()
    assert client.get("/healthz", headers={"X-Forwarded-Host": "health.internal"}).status_code == 200
    assert client.get("/healthz", headers={"X-Forwarded-Host": "10.0.0.5:8000"}).status_code == 200
    assert client.get("/healthz", headers={"X-Forwarded-Host": "other.internal"}).status_code == 400


def test_calendar_files_use_site_url(client, moderator, village, site_url):
    event = create_event(moderator, village)
    for url in (f"/events/{event.id}.ics", "/events.ics"):
        entry = Calendar.from_ical(client.get(url).data).walk("VEVENT")[0]
        assert str(entry["uid"]) == f"event-{event.id}@halyk-uni.kz"
        assert str(entry["url"]) == f"{SITE}/events/{event.id}"


def test_feeds_use_site_url(client, resident, village, pledge, deputy, login_as, site_url):
    thread = create_thread(resident, village)
    login_as(deputy)
    update = {"status": "in_progress", "progress": "20", "note": "Жұмыс басталды бүгін.", "submission_key": "u1"}
    assert client.submit(f"/pledges/{pledge.id}/updates", update).status_code == 303
    for url, show in (("/threads.atom", f"/threads/{thread.id}"), ("/pledges.atom", f"/pledges/{pledge.id}")):
        body = client.get(url).get_data(as_text=True)
        addresses = re.findall(r'<id>([^<]+)</id>|href="([^"]+)"', body)
        assert f"<id>{SITE}{show}" in body and len(addresses) >= 4
        assert all((a or b).startswith(SITE + "/") for a, b in addresses), addresses


def test_the_screens_qr_code_and_the_exports_use_site_url(client, moderator, village, deputy_profile, site_url):
    dialogue = create_dialogue(moderator, village)
    create_pledge(deputy_profile, village)
    page = client.get(f"/dialogues/{dialogue.id}/screen").get_data(as_text=True)
    address = f"{SITE}/dialogues/{dialogue.id}"
    qr = segno.make(address, error="m").svg_inline(scale=8, dark="#111", light="#fff", omitsize=True)
    assert f'<p class="screen-address">{address}</p>' in page and qr in page
    rows = list(csv.DictReader(io.StringIO(client.get("/pledges.csv").get_data(as_text=True))))
    assert rows and all(row["url"].startswith(f"{SITE}/pledges/") for row in rows)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "halyk-uni.kz",
        "/relative",
        "//halyk-uni.kz",
        "ftp://halyk-uni.kz",
        "javascript:alert(1)",
        "https://",
        "https://halyk-uni.kz/prefix",
        "https://halyk-uni.kz/?q=1",
        "https://user:pass@halyk-uni.kz",
        "https://halyk uni.kz",
        "https://halyk-uni.kz:99999",
    ],
)
def test_production_refuses_to_start_without_a_valid_site_url(value):
    class Production(TestConfig):
        PRODUCTION = True
        SITE_URL = value

    with pytest.raises(RuntimeError, match="SITE_URL"):
        create_app(Production)


def test_site_url_is_kept_without_a_slash_and_only_its_host_and_allowed_hosts_are_answered_in_production():
    config = {"PRODUCTION": True, "SITE_URL": "HTTPS://Halyk-Uni.kz:443/", "ALLOWED_HOSTS": " lb-health.internal ,, "}
    _check_site(config)
    assert config["SITE_URL"] == SITE
    assert config["TRUSTED_HOSTS"] == ["halyk-uni.kz", "lb-health.internal"]
    development = {"PRODUCTION": False, "SITE_URL": "http://127.0.0.1:5000"}
    _check_site(development)
    assert development["TRUSTED_HOSTS"] == ["127.0.0.1", "localhost"]


def test_no_absolute_address_is_built_from_the_request():
    files = [*(ROOT / "community").rglob("*.py"), *(ROOT / "templates").rglob("*.*")]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BUILT_FROM_THE_REQUEST.search(line)
    ]
    assert found == [], "build absolute addresses with community.core.urls.absolute_url (SITE_URL):\n" + "\n".join(
        found
    )
