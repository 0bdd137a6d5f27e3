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
    page.get_by_text("You are registered.").wait_for()
    page.get_by_role("button", name="Cancel my registration").click()
    page.get_by_role("button", name="Register").wait_for()
    assert navigations(page) == 1
