"""An appeal on a phone, from both sides: a resident writes a private appeal to her deputy and sees its deadline; the
deputy opens it from the inbox (which marks it received by itself), answers without a reload and without a page
wider than the screen; the resident then reads the answer and may close the appeal."""

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from community.config import Config
from community.core.workdays import add_working_days
from tests.browser.conftest import new_context
from tests.browser.test_threads_in_browser import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}
RESIDENT = ("asel@example.kz", "Resident-Halyk-2026")
DEPUTY = ("gulnar.deputy@halyk-uni.kz", "Deputat-Halyk-2026")
DEPUTY_NAME = "Гүлнар Әбдіқадырова"
WAIT = 10_000  # ms: the longest any one step may take


@pytest.fixture
def phones(browser, htmx_script):
    """Phone-sized pages, each in its own browser profile (its own cookies), closed after the test."""
    contexts = []

    def open_phone():
        context = new_context(browser, htmx_script, viewport=PHONE)
        context.set_default_timeout(WAIT)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def no_sideways_scroll(page) -> None:
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= screen, f"{page.url} is {wide}px wide on a {screen}px screen"


def stays(page) -> None:
    """Mark the loaded document, so a reload (which would drop the mark) shows."""
    page.evaluate("window.appealPageStayed = true")


def stayed(page) -> bool:
    return page.evaluate("window.appealPageStayed === true")


def test_a_private_appeal_is_written_answered_and_read_on_a_phone(phones, site):
    subject = f"Қаскелеңде аула шамы сөнді {uuid.uuid4().hex[:6]}"
    answer = f"Әкімдікпен сөйлестім, шам осы аптада ауыстырылады. {uuid.uuid4().hex[:6]}"
    due = add_working_days(datetime.now(ZoneInfo(Config.BABEL_DEFAULT_TIMEZONE)).date(), Config.APPEAL_ANSWER_DAYS)

    resident = phones()
    sign_in(resident, site, *RESIDENT)
    resident.goto(f"{site}/appeals/new")
    no_sideways_scroll(resident)
    resident.get_by_label("To", exact=True).select_option(label=DEPUTY_NAME)
    resident.get_by_label("Subject", exact=True).fill(subject)
    resident.get_by_label("Your appeal", exact=True).fill(
        "Біздің аулада бір айдан бері шам жанбайды, кешке балалар қараңғыда ойнайды. Көмектесіңізші."
    )
    resident.get_by_label("Category", exact=True).select_option("roads")
    resident.get_by_label("Only the deputy (and their assistant): a private appeal").check()
    resident.get_by_role("button", name="Send the appeal").click()
    resident.wait_for_url(re.compile(r"/appeals/\d+$"))
    appeal_url = resident.url
    assert resident.locator("h1").inner_text() == subject
    assert resident.locator(".appeal .badge", has_text="Private").is_visible()
    deadline = resident.locator("dt", has_text="Answer").locator("xpath=following-sibling::dd[1]").inner_text()
    assert deadline.startswith("Answer due by") and str(due.day) in deadline and due.strftime("%B") in deadline
    no_sideways_scroll(resident)

    deputy = phones()
    sign_in(deputy, site, *DEPUTY)
    deputy.goto(f"{site}/appeals/inbox?tab=new")
    no_sideways_scroll(deputy)
    deputy.get_by_role("link", name=subject).click()
    deputy.wait_for_url(appeal_url)
    stays(deputy)
    exchange = deputy.locator("#exchange")
    exchange.locator(".appeal-entry-received").wait_for()  # opening it told the author, by htmx alone
    deputy.get_by_label("Your answer", exact=True).fill(answer)
    deputy.get_by_role("button", name="Send the answer").click()
    exchange.locator(".appeal-entry-answered", has_text=answer).wait_for()
    assert stayed(deputy), "the answer reloaded the page"
    assert not deputy.locator("#answer-form").count()  # answered: nothing more to answer
    kinds = exchange.locator(".appeal-entry strong").all_inner_texts()
    assert kinds == ["Sent", "Opened by the addressee", "Answered"]
    no_sideways_scroll(deputy)

    resident.reload()
    assert resident.locator("#exchange .appeal-entry-answered", has_text=answer).is_visible()
    close_form = resident.locator("#close-form")
    assert close_form.is_visible() and close_form.get_by_role("button", name="Close").is_visible()
    assert close_form.get_by_label("Resolved", exact=True).count() == 1
    no_sideways_scroll(resident)
