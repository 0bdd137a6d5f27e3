"""Page weight in a real browser: what a phone downloads on a first visit to the home page and to a thread, compressed
as nginx sends it, stays under 40 KB (villages have slow mobile links). htmx itself is not counted."""

import gzip
import re
from pathlib import Path

import pytest

from community.config import Config
from tests.browser.conftest import new_context
from tests.browser.test_threads_in_browser import sign_in

pytestmark = pytest.mark.browser

LIMIT = 40_000  # bytes
# The nginx site decides what is compressed, from what size and how hard; the test reads the same file.
NGINX = (Path(__file__).resolve().parents[2] / "deploy/nginx/halyk-uni.conf").read_text()
GZIP_LEVEL = int(re.search(r"^\s*gzip_comp_level\s+(\d+);", NGINX, re.M).group(1))
GZIP_MIN_LENGTH = int(re.search(r"^\s*gzip_min_length\s+(\d+);", NGINX, re.M).group(1))
GZIP_TYPES = {"text/html", *re.search(r"^\s*gzip_types\s+([^;]+);", NGINX, re.M).group(1).split()}
PHONE = {"width": 375, "height": 700}


def sent_size(body: bytes, content_type: str) -> tuple[int, bool]:
    """The body's size as nginx sends it, and whether it was compressed."""
    kind = content_type.split(";")[0].strip()
    # Static files come from nginx's disk, typed by its mime.types, which calls .js application/javascript.
    kind = "application/javascript" if kind == "text/javascript" else kind
    if kind in GZIP_TYPES and len(body) >= GZIP_MIN_LENGTH:
        return len(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)), True
    return len(body), False


def weigh(browser, htmx_script, site, path: str, storage_state=None) -> list[tuple[str, int, int, bool]]:
    """Load a page in a fresh profile (an empty cache) at a phone's size and wait until the network is quiet; each
    response from the site as (address, size, size sent, compressed)."""
    context = new_context(browser, htmx_script, locale="kk-KZ", viewport=PHONE, storage_state=storage_state)
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{site}{path}", wait_until="networkidle")
    rows = []
    for response in responses:
        if response.url == Config.HTMX_URL:
            continue
        assert response.url.startswith(site), f"{path} loaded {response.url} from elsewhere"
        # A redirect's body is not kept by the browser; it has next to none.
        body = b"" if 300 <= response.status < 400 else response.body()
        sent, compressed = sent_size(body, response.headers.get("content-type", ""))
        rows.append((response.url.removeprefix(site), len(body), sent, compressed))
    context.close()
    return rows


def report(name: str, rows) -> int:
    total = sum(sent for _, _, sent, _ in rows)
    print(f"\n{name}: {total:,} bytes sent (limit {LIMIT:,}; gzip level {GZIP_LEVEL}, htmx not counted)")
    for address, size, sent, compressed in rows:
        print(f"  {sent:>7,} {'gzip' if compressed else 'raw '} of {size:>7,}  {address}")
    return total


@pytest.fixture(scope="module")
def thread_path(browser, htmx_script, site) -> str:
    """The thread with the most comments on the first page of the list: the heaviest thread a visitor meets."""
    context = new_context(browser, htmx_script)
    page = context.new_page()
    page.goto(f"{site}/threads/?lang=kk")
    rows = page.locator(".thread-row").evaluate_all(
        "rows => rows.map(row => [row.querySelector('.thread-title a').getAttribute('href'),"
        " parseInt(row.querySelector('.counts').textContent.match(/\\d+/)[0])])"
    )
    context.close()
    return max(rows, key=lambda row: row[1])[0] + "?lang=kk"


@pytest.fixture(scope="module")
def signed_in_state(browser, htmx_script, site):
    """The cookies of a signed-in resident, for a fresh profile to start with."""
    context = new_context(browser, htmx_script)
    page = context.new_page()
    sign_in(page, site)
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
@pytest.mark.parametrize("which", ["home", "thread"])
def test_a_page_weighs_less_than_40_kb(
    browser, htmx_script, site, thread_path, signed_in_state, capsys, which, signed_in
):
    path = "/?lang=kk" if which == "home" else thread_path
    rows = weigh(browser, htmx_script, site, path, signed_in_state if signed_in else None)
    with capsys.disabled():  # the breakdown is shown on every run, not only when the test fails
        total = report(f"{which} {path}, {'signed in' if signed_in else 'signed out'}", rows)
    assert rows and rows[0][0] == path, f"the page itself was not loaded: {rows}"
    assert total <= LIMIT, f"{which} ({path}) sends {total:,} bytes, over {LIMIT:,}"
