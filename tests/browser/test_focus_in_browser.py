"""Keyboard and screen reader in a real browser: after a partial update the focus stays where the person was
(or goes to what they asked for), what an action did is said in the message area, and a button pressed while
signed out leads back to its page after signing in."""

import uuid

import pytest

from tests.browser.conftest import new_context
from tests.browser.test_dialogues_in_browser import open_live_session
from tests.browser.test_threads_in_browser import open_first_open_thread, sign_in

pytestmark = pytest.mark.browser


def focused(page) -> str:
    """The focused element, described by its tag, id and text."""
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e ? (e.tagName + '#' + (e.id || '') + ' ' + (e.textContent || '').trim().slice(0, 60)) : '' })()"
    )


def test_a_posted_comment_takes_the_focus_and_is_said(page, site):
    sign_in(page, site)
    open_first_open_thread(page, site)
    text = f"Пернетақтадан пікір {uuid.uuid4().hex[:6]}"
    page.locator("#comment-form-body").fill(text)
    page.locator("#comment-form-body").press("Tab")
    page.keyboard.press("Enter")  # the Comment button, reached by keyboard
    page.get_by_text(text).wait_for()
    page.locator("#flashes", has_text="Your comment is published.").wait_for()
    # The message is said when the answer is swapped in; the focus moves when htmx settles, a moment later
    page.wait_for_function("document.activeElement && document.activeElement.tagName === 'LI'", timeout=2000)
    assert focused(page).startswith("LI#c")
    assert text in page.evaluate("document.activeElement.textContent")


def test_a_support_keeps_the_focus_on_its_button(page, site):
    sign_in(page, site)
    open_first_open_thread(page, site)
    button = page.locator(".comment-actions form[id^=support-] button").first
    form_id = button.evaluate("b => b.form.id")
    pressed = button.get_attribute("aria-pressed")
    button.focus()
    page.keyboard.press("Enter")
    page.locator(f"#{form_id} button[aria-pressed='{'false' if pressed == 'true' else 'true'}']").wait_for()
    # htmx settles a moment after the swap; the focus comes back then
    page.wait_for_function(
        "id => document.activeElement.form && document.activeElement.form.id === id", arg=form_id, timeout=2000
    )


def test_an_invalid_reply_puts_the_focus_on_the_field(page, site):
    sign_in(page, site)
    open_first_open_thread(page, site)
    page.locator("a.reply-tool").first.click()
    field = page.locator("form[id^=reply-] textarea").first
    field.wait_for()
    page.wait_for_function("document.activeElement.tagName === 'TEXTAREA'", timeout=2000)  # the form took the focus
    field.fill("x")  # too short: the server says so
    field.evaluate("f => f.form.requestSubmit()")
    page.locator('form[id^=reply-] textarea[aria-invalid="true"]').wait_for()
    page.wait_for_function("document.activeElement.getAttribute('aria-invalid') === 'true'", timeout=2000)


def test_a_vote_button_keeps_the_focus_when_someone_else_votes(page, site, browser, htmx_script):
    sign_in(page, site, "bauyrzhan@example.kz")
    address = open_live_session(page, site)
    mine = page.locator("#live ol.question-list li.question button.vote").nth(1)
    action = mine.evaluate("b => b.form.getAttribute('action')")
    mine.focus()
    other = new_context(browser, htmx_script).new_page()
    try:
        sign_in(other, site, "asel@example.kz")
        other.goto(address + "?lang=en")
        votes = other.locator("#live ol.question-list li.question button.vote[aria-pressed='false']")
        votes.first.click()
        other.wait_for_timeout(500)
    finally:
        other.context.close()
    page.wait_for_timeout(4500)  # two polls bring the other vote
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    assert page.evaluate("document.activeElement.form.getAttribute('action')") == action


def test_a_button_pressed_signed_out_comes_back_to_its_page(page, site):
    open_first_open_thread(page, site)
    thread = page.url.split("?")[0]
    page.locator("#thread-support button").click()
    page.wait_for_url(f"{site}/auth/login**")
    page.get_by_label("E-mail").fill("olga@example.kz")
    page.get_by_label("Password").fill("Resident-Halyk-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{thread}**")
    assert page.locator("#thread-support button").count() == 1  # offered again, no 405
