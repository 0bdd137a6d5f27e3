"""The bell in a real browser: another resident's comment on an issue one follows shows in the bell within
seconds, without reloading the page."""

import time
import uuid

import pytest

from tests.browser.conftest import new_context
from tests.browser.test_threads_in_browser import open_first_open_thread, sign_in

pytestmark = pytest.mark.browser


def bell(page) -> str:
    return page.locator("#bell-count").inner_text().strip()


def test_the_bell_shows_a_comment_on_a_followed_issue_within_seconds(page, site, browser, htmx_script):
    sign_in(page, site, "asel@example.kz")
    open_first_open_thread(page, site)
    address = page.url.split("?")[0]
    follow = page.locator("#thread-follow button")
    if follow.get_attribute("aria-pressed") == "false":
        follow.click()
        page.locator("#thread-follow button[aria-pressed='true']").wait_for()
    page.goto(f"{site}/notifications?lang=en")
    read_all = page.get_by_role("button", name="Mark all read")
    if read_all.count():  # the demo told Asel of earlier comments
        read_all.click()
        page.get_by_text("Everything is read.").wait_for()
    page.goto(f"{site}/?lang=en")
    page.wait_for_timeout(1000)
    assert bell(page) == ""
    other = new_context(browser, htmx_script).new_page()
    try:
        sign_in(other, site, "bauyrzhan@example.kz")
        other.goto(address + "?lang=en")
        text = f"Қоңырау үшін пікір {uuid.uuid4().hex[:6]}"
        other.locator("#comment-form-body").fill(text)
        other.get_by_role("button", name="Comment", exact=True).click()
        other.get_by_text(text).wait_for()
    finally:
        other.context.close()
    deadline = time.monotonic() + 15  # the bell polls every 10 seconds
    while time.monotonic() < deadline and not bell(page):
        page.wait_for_timeout(500)
    assert bell(page) == "1 unread"
    page.locator("a.bell").click()
    page.get_by_text("New comment in an issue you follow").first.wait_for()


RECEPTION = (
    "Гүлнар Әбдіқадырованың қоғамдық қабылдауы"  # the demo's full event: Asel and Bauyrzhan going, Olga first to wait
)


def test_a_place_from_the_waiting_list_shows_in_the_bell(page, site, browser, htmx_script):
    sign_in(page, site, "olga@example.kz")
    page.goto(f"{site}/events/?lang=en")
    page.get_by_role("link", name=RECEPTION).click()
    page.get_by_text("You are number 1 on the waiting list.").wait_for()
    page.goto(f"{site}/notifications?lang=en")
    read_all = page.get_by_role("button", name="Mark all read")
    if read_all.count():
        read_all.click()
        page.get_by_text("Everything is read.").wait_for()
    page.goto(f"{site}/?lang=en")
    page.wait_for_timeout(1000)
    assert bell(page) == ""
    going = new_context(browser, htmx_script).new_page()
    try:
        sign_in(going, site, "asel@example.kz")
        going.goto(f"{site}/events/?lang=en")
        going.get_by_role("link", name=RECEPTION).click()
        going.get_by_role("button", name="Cancel my registration").click()
        going.get_by_text("You are no longer registered.").first.wait_for()
    finally:
        going.context.close()
    deadline = time.monotonic() + 15  # the bell polls every 10 seconds
    while time.monotonic() < deadline and not bell(page):
        page.wait_for_timeout(500)
    assert bell(page) == "1 unread"
    page.locator("a.bell").click()
    page.get_by_text("A place became free: you are registered").wait_for()
