"""The pledge tracker in a real browser: a deputy updates from a phone, a resident disputes."""

import re
import uuid

import pytest

from tests.browser.test_threads_in_browser import navigations, sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def first_pledge_in_progress(page, site, deputy_name):
    page.goto(f"{site}/pledges/?status=in_progress&lang=en")
    page.locator(".pledge-row", has_text=deputy_name).locator(".thread-title a").first.click()
    page.wait_for_load_state()
    return page.url


def test_a_deputy_updates_a_pledge_on_a_phone_without_a_reload(page, site):
    page.set_viewport_size(PHONE)
    sign_in(page, site, "erlan.deputy@halyk-uni.kz", "Deputat-Halyk-2026")
    url = first_pledge_in_progress(page, site, "Ерлан Жұмабаев")
    page.goto(url.split("?")[0] + "?lang=en")
    before = page.locator(".timeline-entry").count()
    page.get_by_text("Publish an update").click()
    page.get_by_label("New status").select_option("partial")
    page.get_by_label("Progress, %").fill("75")
    note = f"Үш бөліктің екеуі бітті {uuid.uuid4().hex[:6]}"
    page.get_by_label("What happened").fill(note)
    page.get_by_label("Evidence links, one per line").fill("https://almobl.gov.kz/news/phone-test")
    page.get_by_role("button", name="Publish the update").click()
    page.get_by_text(note).wait_for()
    assert page.locator(".status-line .badge").inner_text() == "Partially fulfilled"
    assert page.locator(".timeline-entry").count() == before + 1
    assert navigations(page) == 1


def test_a_resident_disputes_an_update(page, site):
    sign_in(page, site, "nurzhan@example.kz")
    page.goto(f"{site}/pledges/?status=stalled&lang=en")
    page.locator(".pledge-row .thread-title a").first.click()
    page.wait_for_load_state()
    page.goto(page.url.split("?")[0] + "?lang=en")
    counts = page.locator(".check-box", has_text="Residents").inner_text()
    disputes = int(re.search(r"(\d+) dispute", counts).group(1))
    page.get_by_text("Dispute", exact=True).first.click()
    page.get_by_label("Why you dispute it").fill("Құрылыс алаңында ешкім жұмыс істемейді.")
    page.get_by_role("button", name="Dispute").click()
    page.get_by_text("You disputed this update.").wait_for()
    assert f"{disputes + 1} dispute" in page.locator(".check-box", has_text="Residents").inner_text()
    assert navigations(page) == 1
