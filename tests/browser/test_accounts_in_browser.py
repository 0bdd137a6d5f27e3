"""What only a browser shows: htmx loads under its SRI hash, forms work with and without JavaScript."""

import re
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"


def test_htmx_loads_under_its_integrity_hash(page, site):
    page.goto(site)
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.version") == "2.0.11"
    assert page.evaluate("htmx.config.allowEval") is False


def test_register_log_out_and_log_in_with_htmx(page, site, mail_to):
    email = f"{uuid.uuid4().hex[:8]}@example.kz"
    page.goto(f"{site}/auth/register?lang=en")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Name shown to others").fill("Браузер Тестов")
    village = page.locator("#locality option").nth(3).get_attribute("value")
    page.get_by_label("Where you live").select_option(value=village)
    page.get_by_label("I accept the rules of the site and the privacy notice").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"{site}/auth/login")
    assert page.get_by_text(f"We have sent a message to {email}").is_visible()

    link = re.search(r"http://\S+/auth/reset/\S+", mail_to(email)).group(0)
    page.goto(link + "?lang=en")
    page.get_by_label("New password").fill("Tau-Samal-Kok-2026")
    page.get_by_label("Repeat the password").fill("Tau-Samal-Kok-2026")
    page.get_by_role("button", name="Finish my account").click()
    page.wait_for_url(f"{site}/")
    assert page.get_by_text("Браузер Тестов").first.is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Sign in").first.is_visible()

    page.goto(f"{site}/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("wrong-password-1")
    page.get_by_role("button", name="Sign in").click()
    error = page.locator(".error")
    error.wait_for()
    assert "Wrong e-mail or password" in error.inner_text()
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # swapped in place

    page.get_by_label("Password").fill("Tau-Samal-Kok-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site}/")
    assert page.get_by_role("link", name="Браузер Тестов").is_visible()


def test_switch_language(page, site):
    page.goto(site)
    assert page.locator("html").get_attribute("lang") == "kk"
    page.get_by_role("button", name="Рус").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("link", name="Главная").is_visible()
    page.goto(f"{site}/places/")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.get_by_role("button", name="Eng").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Localities").is_visible()


def test_the_site_works_with_javascript_turned_off(page_without_js, site):
    page = page_without_js
    page.goto(f"{site}/auth/login?lang=en")
    page.get_by_label("E-mail").fill("olga@example.kz")
    page.get_by_label("Password").fill("Resident-Halyk-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site}/")
    assert page.locator("html").get_attribute("lang") == "ru"  # her account's language now leads
    assert page.get_by_role("link", name="Ольга Петрова").is_visible()
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url(f"{site}/")
    assert page.get_by_role("link", name="Войти").first.is_visible()


def test_screenshot_for_the_readme(page, site):
    page.set_viewport_size({"width": 1000, "height": 700})
    page.goto(f"{site}/?place=karasai-district")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 5000
