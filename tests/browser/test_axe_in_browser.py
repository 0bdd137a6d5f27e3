"""Accessibility in a real browser: axe-core, taken from the npm registry, checks every main page in Kazakh at a
phone's and a desktop's size, signed out and signed in; any serious or critical violation fails."""

import base64
import hashlib
import re
import shutil
import subprocess
import tarfile

import pytest

from tests.browser.conftest import CACHE, new_context, unavailable
from tests.browser.test_threads_in_browser import sign_in

pytestmark = pytest.mark.browser

AXE_VERSION = "4.14.1"
# The registry's dist.integrity of axe-core@4.14.1 (`npm view axe-core@4.14.1 dist.integrity`): the tarball in the
# cache is checked against it on every run, so a changed or corrupted copy fails instead of being trusted.
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
FAILING_IMPACTS = ("serious", "critical")
SIZES = {"phone": {"width": 375, "height": 700}, "desktop": {"width": 1280, "height": 900}}

# Violations known and left to be fixed elsewhere, keyed by (rule id, page name), each with its reason. Keep it
# minimal: an entry here hides the rule on that whole page.
ALLOWED: dict[tuple[str, str], str] = {}

# The pages checked: a name, and either a path or how to find the page from a list (a path and a link's selector).
PAGES = [
    ("home", "/"),
    ("threads", "/threads/"),
    ("thread", ("/threads/", ".thread-title a")),
    ("new thread", "/threads/new"),
    ("pledges", "/pledges/"),
    ("pledge", ("/pledges/", "main a[href^='/pledges/']")),
    ("deputies", "/deputies/"),
    ("deputy", ("/deputies/", "main a[href^='/deputies/']")),
    ("events", "/events/"),
    ("event", ("/events/", "main a[href^='/events/']")),
    ("calendar", "/events/calendar"),
    ("dialogues", "/dialogues/"),
    ("live dialogue", ("/dialogues/", "section[aria-labelledby='dialogues-1'] .thread-title a")),
    ("appeals", "/appeals/"),
    ("appeal", ("/appeals/", "main .thread-title a")),
    ("new appeal", "/appeals/new"),
    ("my appeals", "/appeals/mine"),
    ("moderation log", "/moderation/log"),
    ("sign in", "/auth/login"),
    ("register", "/auth/register"),
    ("about", "/about"),
    ("data", "/data"),
]
SIGNED_IN_ONLY = {"new thread", "new appeal", "my appeals"}
SIGNED_OUT_ONLY = {"sign in", "register"}  # a signed-in visitor is sent on to the home page
DETAIL = re.compile(r"^/(threads|pledges|deputies|events|dialogues|appeals)/\d+")


def fetch_axe() -> bytes:
    """axe.min.js of the pinned axe-core, from the npm registry's tarball kept in tests/.cache and checked."""
    tarball = CACHE / f"axe-core-{AXE_VERSION}.tgz"
    if not tarball.exists():
        npm = shutil.which("npm")
        if not npm:
            unavailable("npm is not installed, so axe-core cannot be taken from the npm registry")
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--silent", "--pack-destination", str(CACHE)],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
    digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    assert digest == AXE_INTEGRITY, f"{tarball} is not axe-core {AXE_VERSION} as the npm registry published it"
    with tarfile.open(tarball) as archive:
        return archive.extractfile("package/axe.min.js").read()


@pytest.fixture(scope="module")
def axe_script() -> bytes:
    return fetch_axe()


@pytest.fixture(scope="module")
def page_paths(browser, htmx_script, site) -> dict[str, str]:
    """Each page's path; a thread, pledge, deputy, event and live session are found through their lists, so the
    check follows the demo data rather than fixed ids."""
    context = new_context(browser, htmx_script)
    page = context.new_page()
    paths = {}
    for name, where in PAGES:
        if isinstance(where, str):
            paths[name] = where
            continue
        listing, selector = where
        page.goto(f"{site}{listing}?lang=kk")
        hrefs = page.locator(selector).evaluate_all("links => links.map(link => link.getAttribute('href'))")
        found = [href for href in hrefs if DETAIL.match(href)]
        assert found, f"no link to a {name} on {listing}"
        paths[name] = found[0].split("?")[0]
    context.close()
    return paths


def check(page, site, name: str, path: str) -> list[str]:
    """Run axe on one page; the serious and critical violations not allowed, one line per element."""
    page.goto(f"{site}{path}?lang=kk")
    assert page.locator("html").get_attribute("lang") == "kk", f"{name} ({path}) is not in Kazakh"
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    problems = []
    width, scrolled = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollWidth]")
    if scrolled > width:  # axe does not check reflow (WCAG 1.4.10): even on a phone nothing may scroll sideways
        problems.append(f"reflow on {name} {path}: the page is {scrolled} px wide in a {width} px window")
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS or (violation["id"], name) in ALLOWED:
            continue
        for node in violation["nodes"]:
            problems.append(
                f"{violation['id']} ({violation['impact']}) on {name} {path}: {' '.join(map(str, node['target']))}"
                f"\n    {violation['help']}: {' '.join(node['html'].split())[:160]}"
            )
    return problems


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
@pytest.mark.parametrize("size", list(SIZES))
def test_no_serious_accessibility_violations(browser, htmx_script, site, axe_script, page_paths, size, signed_in):
    context = new_context(browser, htmx_script, locale="kk-KZ", viewport=SIZES[size])
    # Every document of the profile gets axe from DevTools before its own scripts run. That is not a script the
    # page loads, so the site's CSP (scripts from 'self' and the CDN only, nothing inline, no eval) stays on and
    # nothing is bypassed; add_script_tag would insert an inline <script>, which the CSP rightly refuses.
    context.add_init_script(script=axe_script.decode())
    page = context.new_page()
    try:
        if signed_in:
            sign_in(page, site)
        problems = []
        for name, _ in PAGES:
            if name in (SIGNED_OUT_ONLY if signed_in else SIGNED_IN_ONLY):
                continue
            problems += check(page, site, name, page_paths[name])
    finally:
        context.close()
    assert not problems, f"axe at {size} size, {'signed in' if signed_in else 'signed out'}:\n" + "\n".join(problems)
