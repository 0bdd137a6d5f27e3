"""Browser tests: Debian's Chromium driven by Playwright, htmx served from the npm registry's copy."""

import base64
import hashlib
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from community.config import Config
from tests.server import running_site

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CACHE = Path(__file__).resolve().parents[1] / ".cache"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason: str):
    """Skip with a printed reason, but fail when CI must run the browser tests."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    print(f"\nSkipping browser tests: {reason}")
    pytest.skip(reason)


def fetch_htmx() -> Path:
    """The pinned htmx.min.js from the npm registry, kept in tests/.cache."""
    target = CACHE / f"htmx-{Config.HTMX_VERSION}.min.js"
    if target.exists():
        return target
    npm = shutil.which("npm")
    if not npm:
        unavailable("npm is not installed, so htmx cannot be taken from the npm registry")
    CACHE.mkdir(parents=True, exist_ok=True)
    packed = (
        subprocess.run(
            [npm, "pack", f"htmx.org@{Config.HTMX_VERSION}", "--silent", "--pack-destination", str(CACHE)],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    with tarfile.open(CACHE / packed) as archive:
        member = archive.extractfile("package/dist/htmx.min.js")
        target.write_bytes(member.read())
    return target


@pytest.fixture(scope="session")
def htmx_script() -> bytes:
    """The htmx file, after proving its sha384 is the SRI hash the pages carry."""
    body = fetch_htmx().read_bytes()
    digest = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert digest == Config.HTMX_INTEGRITY, "the integrity hash in the pages does not match htmx from npm"
    return body


@pytest.fixture(scope="session")
def site_folder(tmp_path_factory):
    """Where the served site keeps its SQLite database and its log."""
    return tmp_path_factory.mktemp("site")


SITE_DATABASE: list[Path] = []  # the served site's SQLite file, once it is serving


@pytest.fixture(scope="session")
def site(site_folder):
    """The demo site served by gunicorn on 127.0.0.1."""
    with running_site(site_folder) as base:
        SITE_DATABASE[:] = [site_folder / "site.sqlite3"]
        yield base


def enter_code(page, email: str, key: str | None = None) -> None:
    """On the sign-in's second step, type the authenticator's code of now for a demo account (its key is the
    demo's unless given). Tests sign the same account in several times a minute, so the code's time step is first
    marked unused in the served site's database; replays have their own tests."""
    import sqlite3

    import pyotp

    from community.demo.accounts import DEMO_TWO_FACTOR_KEY

    with sqlite3.connect(SITE_DATABASE[0]) as connection:
        connection.execute("UPDATE users SET totp_last_step = NULL WHERE email = ?", (email,))
    page.get_by_label("Code").fill(pyotp.TOTP(key or DEMO_TWO_FACTOR_KEY).now())
    page.get_by_role("button", name="Continue").click()


@pytest.fixture
def mail_to(site_folder):
    """The newest message the served site sent to an address; without MAIL_SERVER it writes mail to its log (the
    outbox keeps no text once a message is sent)."""
    import time

    def newest(address: str) -> str:
        marker = f"to {address}: "
        for _ in range(50):  # the mail leaves just after the answer
            log = (site_folder / "gunicorn.log").read_text(encoding="utf-8")
            if marker in log:
                return log.rsplit(marker, 1)[1]
            time.sleep(0.1)
        raise AssertionError(f"no mail to {address}")

    return newest


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, or a skip (a failure under CI) when there is none."""
    if not Path(CHROMIUM).exists():
        unavailable(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_context(browser, htmx_script, **options):
    """A fresh browser profile whose htmx request is answered with the npm copy; nothing else leaves."""
    context = browser.new_context(**options)

    def serve_htmx(route):
        route.fulfill(
            status=200,
            body=htmx_script,
            headers={"Content-Type": "application/javascript", "Access-Control-Allow-Origin": "*"},
        )

    context.route(Config.HTMX_URL, serve_htmx)
    context.route("https://**", lambda route: route.abort())
    return context


@pytest.fixture
def page(browser, htmx_script):
    """A page with JavaScript on."""
    context = new_context(browser, htmx_script, locale="kk-KZ", viewport={"width": 1100, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser, htmx_script):
    """A page with JavaScript turned off."""
    context = new_context(browser, htmx_script, java_script_enabled=False)
    yield context.new_page()
    context.close()
