"""The administration in a real browser: an admin creates a deputy profile and links a new account to it; that
deputy is asked to set up two-factor sign-in, enrols with a code from the key on the page, and adds a pledge and
publishes an update to it."""

import re
import uuid

import pyotp
import pytest

from tests.browser.conftest import new_context
from tests.browser.test_threads_in_browser import sign_in

pytestmark = pytest.mark.browser
PASSWORD = "Tau-Samal-Kok-2026"


def register(page, site, mail_to, email: str, name: str) -> None:
    """A new account through the registration form and the link mailed to it; signed out afterwards."""
    page.goto(f"{site}/auth/register?lang=en")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Name shown to others").fill(name)
    page.get_by_label("Where you live").select_option(index=3)
    page.get_by_label("I accept the rules of the site and the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"{site}/auth/login")
    link = re.search(r"http://\S+/auth/reset/\S+", mail_to(email)).group(0)
    page.goto(link + "?lang=en")
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Finish my account").click()
    page.wait_for_url(f"{site}/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_an_admin_makes_a_deputy_who_enrols_two_factor_and_updates_a_pledge(page, browser, htmx_script, site, mail_to):
    email = f"deputat-{uuid.uuid4().hex[:8]}@example.kz"
    name = f"Жаңа Депутат {uuid.uuid4().hex[:4]}"
    register(page, site, mail_to, email, "Болашақ депутат")

    context = new_context(browser, htmx_script)
    admin = context.new_page()
    sign_in(admin, site, "admin@halyk-uni.kz", "Admin-Halyk-2026")
    admin.goto(f"{site}/admin/deputies/new?lang=en")
    admin.get_by_label("Full name").fill(name)
    admin.get_by_label("Council").select_option(index=0)
    admin.get_by_label("Term starts (year)").fill("2026")
    admin.get_by_label("Term ends (year)").fill("2031")
    admin.get_by_role("button", name="Create the profile").click()
    admin.wait_for_url(re.compile(r".*/admin/deputies/\d+$"))
    profile_id = re.search(r"/admin/deputies/(\d+)", admin.url).group(1)
    admin.get_by_label("E-mail address of the account").fill(email)
    admin.get_by_role("button", name="Link the account").click()
    admin.get_by_text(f"Unlink {email}").wait_for()
    context.close()

    # The new deputy signs in: asked to set up the second factor, and a resident until it is on.
    page.goto(f"{site}/auth/login?lang=en")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/auth/two-factor/setup.*"))
    page.goto(f"{site}/auth/two-factor/setup?lang=en")
    assert page.locator(".qr svg").count() == 1
    key = page.locator(".secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(key).now())
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.locator(".recovery-codes li").count() == 10

    # Now acting as a deputy: a pledge, then an update with evidence.
    page.goto(f"{site}/deputies/{profile_id}?lang=en")
    page.get_by_role("link", name="Add a pledge").click()
    page.wait_for_load_state()
    page.get_by_label("Short title").fill("Ауылға жаңа спорт алаңы")
    page.get_by_label("The promise in the deputy's words").fill(
        "Сайлаудан кейін екі жыл ішінде ауылда жаңа спорт алаңы салынады."
    )
    page.get_by_label("Where it was made").fill("Сайлауалды кездесу")
    page.get_by_label("Date it was made").fill("2026-03-01")
    page.get_by_label("Where", exact=True).select_option(index=1)
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(re.compile(r".*/pledges/\d+.*"))
    page.goto(page.url.split("?")[0] + "?lang=en")
    page.get_by_text("Publish an update").click()
    page.get_by_label("New status").select_option("in_progress")
    page.get_by_label("Progress, %").fill("20")
    note = f"Жоба дайын, мердігер таңдалды {uuid.uuid4().hex[:6]}"
    page.get_by_label("What happened").fill(note)
    page.get_by_label("Evidence links, one per line").fill("https://almobl.gov.kz/news/sport-alan")
    page.get_by_role("button", name="Publish the update").click()
    page.get_by_text(note).wait_for()
    assert page.locator(".status-line .badge").inner_text() == "In progress"
