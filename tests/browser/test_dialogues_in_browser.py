"""Dialogue sessions in real browsers: what a moderator does appears on a participant's open page by itself."""

import time
import uuid

import pytest

from tests.browser.conftest import new_context
from tests.browser.test_threads_in_browser import navigations, sign_in

pytestmark = pytest.mark.browser
LIVE = "Қаскелең: қоғамдық көлік пен жолдар — тікелей диалог"


def open_live_session(page, site) -> str:
    page.goto(f"{site}/dialogues/?lang=en")
    page.get_by_role("link", name=LIVE).click()
    page.wait_for_load_state()
    address = page.url.split("?")[0]
    page.goto(address + "?lang=en")
    return address


def test_the_moderators_steps_reach_the_participants_page_within_3_seconds(page, site, browser, htmx_script):
    sign_in(page, site, "asel@example.kz")
    address = open_live_session(page, site)
    text = f"Браузерден сұрақ {uuid.uuid4().hex[:6]}: түнгі автобус бола ма?"
    page.get_by_label("Your question").fill(text)
    page.get_by_role("button", name="Send the question").click()
    page.locator("#live .question.pending", has_text=text).wait_for(timeout=3000)

    context = new_context(browser, htmx_script, viewport={"width": 1300, "height": 900})
    console = context.new_page()
    try:
        sign_in(console, site, "aigul.moderator@halyk-uni.kz", "Moder-Halyk-2026")
        console.goto(f"{address}/console?lang=en")
        row = console.locator("#console li.question", has_text=text)
        row.get_by_role("button", name="Approve").click()
        started = time.monotonic()
        page.locator("#live ol.question-list li.question", has_text=text).wait_for(timeout=3000)
        assert time.monotonic() - started < 3
        row = console.locator("#console li.question", has_text=text)
        row.get_by_role("button", name="Put to the deputies").click()
        started = time.monotonic()
        page.locator("#live .current-question", has_text=text).wait_for(timeout=3000)
        assert time.monotonic() - started < 3
        page.locator("[data-announce]", has_text=text).wait_for(state="attached")  # said to screen readers
        console.locator("#console .current-question", has_text=text).wait_for()
    finally:
        context.close()
    assert navigations(page) == 1


def test_a_vote_counts_without_a_reload_and_a_lost_connection_is_said(page, site):
    sign_in(page, site, "nurzhan@example.kz")
    address = open_live_session(page, site)
    button = page.locator("#live ol.question-list li.question button.vote").first
    before = int(button.inner_text().split()[-1])
    button.click()
    page.locator("#live ol.question-list button.vote[aria-pressed='true']").first.wait_for()
    assert navigations(page) == 1
    polls = []
    page.on("response", lambda response: polls.append(response.status) if "sort=votes" in response.url else None)
    page.wait_for_timeout(4500)
    assert 304 in polls, polls  # an unchanged session costs a 304, not a re-render
    page.route(f"{address}?sort=votes", lambda route: route.abort())
    page.get_by_text("Connection lost. Trying again…").wait_for(timeout=5000)
    page.unroute(f"{address}?sort=votes")
    page.get_by_text("Connection lost. Trying again…").wait_for(state="hidden", timeout=5000)
    voted = page.locator("#live ol.question-list button.vote[aria-pressed='true']").first
    assert int(voted.inner_text().split()[-1]) >= 1 and before >= 0


def test_the_big_screen_shows_the_current_question_and_a_qr_code(page, site):
    open_live_session(page, site)
    page.goto(page.url.split("?")[0] + "/screen?lang=en")
    page.get_by_text("Now before the deputies").wait_for()
    assert page.locator(".screen-qr svg").count() == 1
    assert page.locator(".screen-next li").count() >= 1
