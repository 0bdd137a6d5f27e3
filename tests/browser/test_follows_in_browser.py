"""Following in a real browser: the pledge's follow button, pressed from the keyboard, turns in place with the
focus kept on it and the change said; the place's follower count moves with it."""

import pytest

from tests.browser.test_threads_in_browser import sign_in

pytestmark = pytest.mark.browser


def test_following_a_pledge_from_the_keyboard_keeps_the_focus_and_says_so(page, site):
    sign_in(page, site, "bauyrzhan@example.kz")
    page.goto(f"{site}/pledges/?lang=en")
    page.locator("main a[href^='/pledges/']").first.click()
    box = page.locator(".follow[id^=follow-pledge-]")
    button = box.locator("button")
    was = button.get_attribute("aria-pressed")
    button.focus()
    page.keyboard.press("Enter")
    now = "false" if was == "true" else "true"
    box.locator(f"button[aria-pressed='{now}']").wait_for()
    expected = "Unfollow the pledge" if now == "true" else "Follow the pledge"
    assert button.inner_text().strip() == expected
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('.follow[id^=follow-pledge-]') !== null",
        timeout=2000,
    )
    said = "You follow it now" if now == "true" else "You no longer follow it"
    page.locator("#flashes", has_text=said).wait_for()


def test_following_a_place_counts_one_more_follower(page, site):
    sign_in(page, site, "olga@example.kz")
    page.goto(f"{site}/places/almaty-region?lang=en")
    box = page.locator(".follow[id^=follow-locality-]")
    count = box.locator(".count").inner_text()
    before = int(count.split()[0])
    if box.locator("button").get_attribute("aria-pressed") == "true":
        box.locator("button").click()
        box.locator("button[aria-pressed='false']").wait_for()
        before -= 1
    box.locator("button").click()
    box.locator("button[aria-pressed='true']").wait_for()
    assert box.locator(".count").inner_text().startswith(f"{before + 1} ")
