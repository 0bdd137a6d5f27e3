"""Events in a real browser: register and cancel without a reload."""

import pytest

from tests.browser.test_threads_in_browser import navigations, sign_in

pytestmark = pytest.mark.browser


def test_register_and_cancel_without_a_reload(page, site):
    sign_in(page, site, "olga@example.kz")
    page.goto(f"{site}/events/?lang=en")
    page.locator(".event-row", has_text="Талғар жастар кеңесінің отырысы").locator("a").first.click()
    page.wait_for_load_state()
    page.goto(page.url.split("?")[0] + "?lang=en")
    page.get_by_role("button", name="Register").click()
    page.get_by_text("You are registered.", exact=True).wait_for()
    page.locator("#flashes", has_text="You are registered. See you there!").wait_for()  # said to screen readers
    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_role("button", name="Register").wait_for()
    page.locator("#flashes", has_text="You are no longer registered.").wait_for()
    assert navigations(page) == 1


def test_navigate_months_in_the_calendar(page, site):
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{site}/events/calendar?lang=en")
    first = page.locator("#month-heading").inner_text()
    page.get_by_role("link", name="Next month").click()
    page.wait_for_url("**month=**")
    assert page.locator("#month-heading").inner_text() != first
    page.get_by_role("link", name="Previous month").click()
    page.locator("#month-heading", has_text=first).wait_for()
    assert navigations(page) == 1


def test_an_organiser_marks_attendance(page, site):
    sign_in(page, site, "aigul.moderator@halyk-uni.kz", "Moder-Halyk-2026")
    page.goto(f"{site}/events/?when=past&lang=en")
    page.locator(".event-row", has_text="Есіктегі тәжірибе алмасу семинары").locator("a").first.click()
    page.wait_for_load_state()
    page.goto(page.url.split("?")[0] + "?lang=en")
    page.get_by_role("link", name="Registrants and attendance").click()
    page.wait_for_load_state()
    boxes = page.locator('input[name="attended"]')
    assert boxes.count() >= 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("2 people attended.").wait_for()
