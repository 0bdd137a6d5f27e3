"""Threads in a real browser: comments and supports without reloads, infinite scroll, live filtering, no-JS flow."""

import re
import uuid

import pytest

from tests.browser.conftest import enter_code

pytestmark = pytest.mark.browser


def sign_in(page, site, email="olga@example.kz", password="Resident-Halyk-2026"):
    """Sign in, then choose English in the header's switch, so the account's pages and fragments are in English."""
    page.goto(f"{site}/auth/login?lang=en")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    if "/auth/two-factor/code" in page.url:
        enter_code(page, email)
    page.wait_for_url(f"{site}/")
    page.get_by_role("button", name="Eng").click()
    page.locator('html[lang="en"]').wait_for(state="attached")


def wait_until_fewer(page, selector: str, than: int, seconds: float = 5) -> int:
    """Poll from Python (the CSP forbids the string evaluation wait_for_function uses)."""
    for _ in range(int(seconds * 10)):
        count = page.locator(selector).count()
        if count < than:
            return count
        page.wait_for_timeout(100)
    return page.locator(selector).count()


def navigations(page) -> int:
    return page.evaluate("performance.getEntriesByType('navigation').length")


def open_first_open_thread(page, site):
    page.goto(f"{site}/threads/?state=open&lang=en")
    page.locator(".thread-title a").first.click()
    page.wait_for_load_state()


def test_post_a_comment_and_support_without_a_reload(page, site):
    sign_in(page, site)
    open_first_open_thread(page, site)
    page.goto(page.url.split("?")[0] + "?lang=en")
    text = f"Браузерден пікір {uuid.uuid4().hex[:6]}"
    page.locator("#comment-form-body").fill(text)
    page.get_by_role("button", name="Comment", exact=True).click()
    page.get_by_text(text).wait_for()
    assert navigations(page) == 1
    assert page.locator("#comment-form-body").input_value() == ""

    support = page.locator("#thread-support button")
    before = int(re.search(r"\d+", page.locator("#thread-support .count").inner_text()).group())
    pressed = support.get_attribute("aria-pressed") == "true"
    support.click()
    expected = "false" if pressed else "true"
    page.locator(f'#thread-support button[aria-pressed="{expected}"]').wait_for()
    after = int(re.search(r"\d+", page.locator("#thread-support .count").inner_text()).group())
    assert after == before + (-1 if pressed else 1)
    assert navigations(page) == 1


def test_infinite_scroll_loads_the_next_page(page, site):
    page.goto(f"{site}/threads/?lang=en")
    first = page.locator(".thread-row").count()
    assert first == 20
    page.locator(".load-more a").scroll_into_view_if_needed()
    page.locator(".thread-row").nth(20).wait_for()  # the 21st row arrived from page two
    assert navigations(page) == 1


def test_typing_in_the_search_box_filters_and_updates_the_address(page, site):
    page.goto(f"{site}/threads/?lang=en")
    total = page.locator(".thread-row").count()
    page.locator("#filter-q").press_sequentially("су", delay=50)
    page.wait_for_url(re.compile(r"q=%D1%81%D1%83|q=су"))
    rows = wait_until_fewer(page, ".thread-row", total)
    assert 0 < rows < total
    assert navigations(page) == 1


def test_the_whole_flow_without_javascript(page_without_js, site):
    page = page_without_js
    sign_in(page, site, "nurzhan@example.kz")
    page.goto(f"{site}/threads/new?lang=en")
    title = f"Жол белгісі жоқ {uuid.uuid4().hex[:6]}"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Describe the issue").fill("Мектеп алдындағы қиылыста жаяу жүргінші белгісі құлап қалған.")
    page.get_by_label("Category").select_option("roads")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    page.locator("#comment-form-body").fill("Ертең суретке түсіріп жіберемін.")
    page.get_by_role("button", name="Comment", exact=True).click()
    page.wait_for_load_state()
    assert "#comment-" in page.url
    assert page.get_by_text("Ертең суретке түсіріп жіберемін.").is_visible()
    page.locator("#thread-support button").click()
    page.wait_for_load_state()
    assert page.locator("#thread-support button").get_attribute("aria-pressed") == "true"
