"""Phones first: on a 320 and a 375 px screen no main page scrolls sideways, the header is one short row whose menu
opens with and without JavaScript, a list's first result shows on the first screen with its filters folded away and
its active filters as chips, and what a finger taps is at least 44 px. On a wide screen the filters and the
navigation show without a button, and no select is cut off."""

import pytest

from tests.browser.conftest import new_context
from tests.browser.test_dialogues_in_browser import LIVE
from tests.browser.test_threads_in_browser import navigations, sign_in

pytestmark = pytest.mark.browser
PHONES = [{"width": 320, "height": 640}, {"width": 375, "height": 700}]
HEADER_MOST = 90  # px: one row of 44 px controls with their padding and the yellow rule
SELECT_ROOM = 36  # px a select needs beside its text: padding and the arrow
SELECT_MOST = 352  # px: the widest a filter's select grows (22rem)


def first_link(page, address: str, selector: str) -> str:
    page.goto(address)
    return page.locator(selector).first.get_attribute("href")


@pytest.fixture(scope="module")
def main_pages(site, browser, htmx_script) -> list[str]:
    """Every main page of the demo, one of each kind found from its list."""
    context = new_context(browser, htmx_script)
    page = context.new_page()
    try:
        pages = [
            "/",
            "/threads/",
            "/pledges/",
            "/deputies/",
            "/events/",
            "/events/calendar",
            "/dialogues/",
            "/appeals/",
        ]
        pages.append(first_link(page, f"{site}/threads/", ".thread-title a"))
        pages.append(first_link(page, f"{site}/pledges/", ".thread-title a"))
        pages.append(first_link(page, f"{site}/events/", ".thread-title a"))
        pages.append(first_link(page, f"{site}/appeals/", ".thread-title a"))
        page.goto(f"{site}/dialogues/")
        pages.append(page.get_by_role("link", name=LIVE).get_attribute("href"))
        page.goto(f"{site}/deputies/")
        pages.extend(page.locator(".thread-title a").evaluate_all("links => links.map(a => a.getAttribute('href'))"))
    finally:
        context.close()
    return pages


@pytest.mark.parametrize("screen", PHONES, ids=lambda screen: str(screen["width"]))
def test_no_main_page_scrolls_sideways_and_the_header_is_short(browser, htmx_script, site, main_pages, screen):
    context = new_context(browser, htmx_script, viewport=screen)
    page = context.new_page()
    try:
        too_wide, too_tall = [], []
        for path in main_pages:
            for lang in ("kk", "ru", "en"):  # Russian words are the longest
                page.goto(f"{site}{path}?lang={lang}")
                width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if width[0] > width[1]:
                    too_wide.append((path, lang, width))
                height = page.locator(".site-header").bounding_box()["height"]
                if height > HEADER_MOST:
                    too_tall.append((path, lang, height))
        assert not too_wide
        assert not too_tall
    finally:
        context.close()


def check_the_menu(page, site):
    """On a phone the sections hide behind the menu button, which opens them; a link in it leads to its page."""
    page.set_viewport_size(PHONES[0])
    page.goto(f"{site}/?lang=en")
    events = page.locator(".main-nav").get_by_role("link", name="Events")
    assert not events.is_visible()
    button = page.locator(".site-menu > summary")
    assert button.inner_text().strip() == "Menu"  # its name, hidden on the narrowest screens but there
    button.click()
    events.wait_for()
    assert page.locator(".account-nav").get_by_role("link", name="Sign in").is_visible()
    assert page.get_by_role("button", name="Eng").is_visible()  # the languages stay outside the menu
    events.click()
    page.wait_for_url(f"{site}/events/")
    assert page.locator("h1").is_visible()


def test_the_menu_works_with_javascript(page, site):
    check_the_menu(page, site)


def test_the_menu_works_without_javascript(page_without_js, site):
    check_the_menu(page_without_js, site)


def test_the_menu_opens_from_the_keyboard(page, site):
    page.set_viewport_size(PHONES[1])
    page.goto(f"{site}/threads/?lang=en")
    page.keyboard.press("Tab")  # the skip link first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(6):  # then the site's name, the three languages, the menu button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.parentElement.id") == "site-menu"
    page.keyboard.press("Enter")
    page.locator(".main-nav").get_by_role("link", name="Pledges").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Home"


@pytest.mark.parametrize("screen", PHONES, ids=lambda screen: str(screen["width"]))
def test_the_first_issue_shows_on_the_first_screen(browser, htmx_script, site, screen):
    context = new_context(browser, htmx_script, viewport=screen)
    page = context.new_page()
    try:
        for lang in ("kk", "ru", "en"):
            page.goto(f"{site}/threads/?lang={lang}")
            assert not page.locator("#filter-category").is_visible()  # folded behind "Filter"
            top = page.locator("#thread-rows .thread-title").first.bounding_box()["y"]
            assert top + 20 < screen["height"], (lang, top)
    finally:
        context.close()


def test_a_chosen_filter_becomes_a_chip_that_removes_it(page, site):
    page.set_viewport_size(PHONES[1])
    page.goto(f"{site}/threads/?lang=en")
    before = page.locator("#thread-rows > li.thread-row").count()
    page.locator(".filter-panel > summary").click()
    page.get_by_label("Category").select_option("roads")
    chip = page.get_by_role("link", name="Remove filter: Category: Roads")
    chip.wait_for()  # htmx swapped the results, and the chips with them
    page.wait_for_url("**category=roads**")
    assert navigations(page) == 1
    assert page.locator("#thread-rows > li.thread-row").count() < before
    assert chip.bounding_box()["height"] >= 44
    chip.click()
    page.wait_for_url(f"{site}/threads/")
    assert page.locator(".filter-chips").count() == 0
    assert page.locator("#filter-category").input_value() == ""
    assert page.locator("#thread-rows > li.thread-row").count() == before


def test_the_chips_work_without_javascript(page_without_js, site):
    page = page_without_js
    page.set_viewport_size(PHONES[0])
    page.goto(f"{site}/pledges/?lang=en")
    page.locator(".filter-panel > summary").click()
    page.get_by_label("Overdue").check()
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Remove filter: Overdue").click()
    page.wait_for_url(f"{site}/pledges/")
    assert page.locator(".filter-chips").count() == 0


def tap_targets(page, selector: str) -> list[dict]:
    return page.locator(selector).evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())")


def test_checkboxes_and_small_links_are_44_px(browser, htmx_script, site):
    context = new_context(browser, htmx_script, viewport=PHONES[1])
    page = context.new_page()
    try:
        page.goto(f"{site}/pledges/?lang=en")
        page.locator(".filter-panel > summary").click()
        boxes = tap_targets(page, "label:has(input[type=checkbox])")
        page.goto(f"{site}/auth/register?lang=en")
        boxes += tap_targets(page, "label:has(input[type=checkbox])")
        assert len(boxes) == 3
        assert all(box["height"] >= 44 and box["width"] >= 44 for box in boxes), boxes
        page.get_by_text("I accept the rules of the site").click()  # the label's text ticks its box
        assert page.locator("input[type=checkbox]").is_checked()

        small = tap_targets(page, ".lang-switch button, .site-menu > summary, .footer-links a")
        page.goto(f"{site}/threads/?lang=en")
        page.locator(".site-menu > summary").click()
        small += tap_targets(page, ".main-nav a, .account-nav a, .pagination a, .actions > a, .filter-panel > summary")
        assert all(box["height"] >= 44 and box["width"] >= 44 for box in small), small
    finally:
        context.close()


def test_the_question_before_the_deputies_comes_before_the_form_on_a_phone(page, site):
    sign_in(page, site, "nurzhan@example.kz")
    page.set_viewport_size(PHONES[1])
    page.goto(f"{site}/dialogues/?lang=en")
    page.get_by_role("link", name=LIVE).click()
    page.wait_for_load_state()
    now = page.locator("#live .current-question").bounding_box()
    form = page.locator("#ask").bounding_box()
    rest = page.locator("#live #open-heading").bounding_box()
    assert now["y"] + now["height"] <= form["y"] < rest["y"]
    field = page.get_by_role("textbox", name="Your question")
    field.click()  # the form is on top, not under the live region's box
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    page.wait_for_timeout(2500)  # a poll comes and goes; the order holds
    assert page.locator("#live .current-question").bounding_box()["y"] < page.locator("#ask").bounding_box()["y"]


def test_the_console_puts_the_approval_queue_first_on_a_phone(page, site):
    sign_in(page, site, "aigul.moderator@halyk-uni.kz", "Moder-Halyk-2026")
    page.set_viewport_size(PHONES[1])
    page.goto(f"{site}/dialogues/?lang=en")
    page.get_by_role("link", name=LIVE).click()
    page.wait_for_load_state()
    page.goto(page.url.split("?")[0] + "/console?lang=en")
    queue = page.locator("#console-pending").bounding_box()
    assert queue["y"] < page.locator("#console-current").bounding_box()["y"]
    assert queue["y"] < page.locator("#console-open").bounding_box()["y"]
    assert queue["y"] < 640  # on the first screen
    assert not page.locator("#hall form").is_visible()  # the hall's form is folded…
    page.locator(".hall-panel > summary").click()
    assert page.locator("#hall form").is_visible()  # …and a tap away


def test_a_wide_screen_shows_the_filters_and_the_sections_at_once(page, site):
    for path in ("/threads/", "/pledges/", "/deputies/", "/events/"):
        for lang in ("kk", "ru", "en"):
            page.goto(f"{site}{path}?lang={lang}")
            assert page.locator(".filter-panel .filters").is_visible()
            assert not page.locator(".filter-panel > summary").is_visible()
            assert not page.locator(".site-menu > summary").is_visible()
            assert page.locator(".main-nav a").first.is_visible()
            selects = page.locator(".filters select").evaluate_all(
                """selects => selects.map(select => {
                     const pen = document.createElement('canvas').getContext('2d');
                     pen.font = getComputedStyle(select).font;
                     const widest = Math.max(...[...select.options].map(option => pen.measureText(option.text).width));
                     return {name: select.name, width: select.clientWidth, widest: widest};
                   })"""
            )
            cut = [s for s in selects if min(s["widest"] + SELECT_ROOM, SELECT_MOST) > s["width"]]
            assert not cut, (path, lang, cut)
    page.goto(f"{site}/threads/?lang=en")
    assert page.locator(".site-header").bounding_box()["height"] < 120  # two rows: name and account, sections
