"""Reception days in a real browser: a resident books a time and gives it back without a reload, and without
JavaScript through plain forms."""

import pytest

from tests.browser.test_threads_in_browser import navigations, sign_in

pytestmark = pytest.mark.browser

RECEPTION = "Гүлнар Әбдіқадырованың қоғамдық қабылдауы"  # the demo's coming reception, Olga's time left free


def open_reception(page, site):
    page.goto(f"{site}/events/?lang=en")
    page.locator(".event-row", has_text=RECEPTION).locator("a").first.click()
    page.wait_for_load_state()
    page.goto(page.url.split("?")[0] + "?lang=en")


def test_a_resident_books_a_time_and_gives_it_back_without_a_reload(page, site):
    sign_in(page, site, "olga@example.kz")
    open_reception(page, site)
    slots = page.locator("#slots")
    assert slots.get_by_text("Taken").count() == 3  # other residents' names and topics are not shown
    slots.locator("a.slot-choose").first.click()
    topic = page.get_by_label("What would you like to talk about?")
    topic.wait_for()
    # the field takes the focus when htmx settles, a moment after it appears
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'INPUT'", timeout=2000)
    assert topic.evaluate("element => element === document.activeElement")
    topic.fill("Емханаға баратын автобус жоқ")
    page.get_by_role("button", name="Book this time").click()
    slots.get_by_text("Your time:").wait_for()
    page.locator("#flashes", has_text="Your time is booked").wait_for()  # said to screen readers
    assert slots.get_by_text("Емханаға баратын автобус жоқ").count() == 1
    assert slots.locator("a.slot-choose").count() == 0  # one time a day
    page.get_by_role("button", name="Cancel my booking").click()
    page.locator("#flashes", has_text="Your booking is cancelled.").wait_for()
    slots.locator("a.slot-choose").first.wait_for()
    assert navigations(page) == 1


def test_booking_works_without_javascript(page_without_js, site):
    page = page_without_js
    page.goto(f"{site}/auth/login?lang=en")
    page.get_by_label("E-mail").fill("olga@example.kz")
    page.get_by_label("Password").fill("Resident-Halyk-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    open_reception(page, site)
    page.locator("#slots a.slot-choose").first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Book this time").click()  # empty: the form says why
    page.get_by_text("This field is required.").wait_for()
    page.get_by_label("What would you like to talk about?").fill("Аулаға жарық керек")
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_load_state()
    page.locator("#slots", has_text="Your time:").wait_for()
    page.get_by_text("Your time is booked").wait_for()
    page.get_by_role("button", name="Cancel my booking").click()
    page.wait_for_load_state()
    page.get_by_text("Your booking is cancelled.").wait_for()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_reception_pages_pass_axe(browser, htmx_script, site, size):
    from tests.browser.conftest import new_context
    from tests.browser.test_axe_in_browser import SIZES, check, fetch_axe

    context = new_context(browser, htmx_script, locale="kk-KZ", viewport=SIZES[size])
    context.add_init_script(script=fetch_axe().decode())  # as test_axe_in_browser gives it, under the CSP
    page = context.new_page()
    try:
        sign_in(page, site, "gulnar.deputy@halyk-uni.kz", "Deputat-Halyk-2026")
        open_reception(page, site)
        event_path = page.url.split("?")[0].removeprefix(site)
        choose = page.locator("#slots a.slot-choose").first.get_attribute("href")
        problems = check(page, site, "reception day", f"{event_path}/slots") + check(page, site, "booking", choose)
    finally:
        context.close()
    assert not problems, "\n".join(problems)
