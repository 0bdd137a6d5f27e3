"""Security headers on pages, errors and fragments; cookies; request size; CSRF on unsafe requests."""

import pytest

from community.accounts.models import User
from community.extensions import db

HTMX = {"HX-Request": "true"}


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self' https://cdn.jsdelivr.net",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(
    "url, headers, status",
    [
        ("/", {}, 200),
        ("/no-such-page", {}, 404),
        ("/auth/login", HTMX, 200),
        ("/no-such-page", HTMX, 404),
        ("/healthz", {}, 200),
    ],
)
def test_every_response_carries_the_security_headers(client, url, headers, status):
    response = client.get(url, headers=headers)
    assert response.status_code == status
    assert_security_headers(response)


def test_pages_have_no_inline_script_and_pin_htmx_with_integrity(client, app):
    html = client.get("/").get_data(as_text=True)
    assert f'src="{app.config["HTMX_URL"]}"' in html
    assert f'integrity="{app.config["HTMX_INTEGRITY"]}"' in html
    assert 'crossorigin="anonymous"' in html
    assert "<script>" not in html and "onclick" not in html
    assert '"allowEval":false' in html and '"selfRequestsOnly":true' in html
    assert '"includeIndicatorStyles":false' in html and '"allowScriptTags":false' in html
    assert 'hx-headers=\'{"X-CSRFToken"' in html


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_httponly_and_samesite_lax(client, resident, login_as):
    login_as(resident)
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_production_cookies_are_secure():
    from community.config import Config

    assert Config.SESSION_COOKIE_SECURE == Config.PRODUCTION


def test_a_request_over_the_size_limit_gets_413_in_the_users_language(client):
    response = client.post("/auth/login?lang=ru", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Слишком" in response.get_data(as_text=True)
    assert_security_headers(response)


def test_a_post_without_csrf_token_is_refused_and_changes_nothing(client, region):
    response = client.post(
        "/auth/register",
        data={
            "email": "new@example.kz",
            "display_name": "Жаңа тұрғын",
            "password": "Tau-Samal-Kok-2026",
            "confirm": "Tau-Samal-Kok-2026",
            "locality": str(region.id),
        },
    )
    assert response.status_code == 400
    assert db.session.scalar(db.select(User).filter_by(email="new@example.kz")) is None


def test_an_htmx_post_without_the_csrf_header_is_refused(client, resident, login_as):
    login_as(resident)
    response = client.post("/auth/logout", headers=HTMX)
    assert response.status_code == 400
    assert client.get("/auth/settings").status_code == 200  # still signed in


def test_an_htmx_post_with_the_csrf_header_is_accepted(client, resident, login_as):
    login_as(resident)
    response = client.post("/auth/logout", headers={**HTMX, "X-CSRFToken": client.csrf_token()})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/"


def test_a_foreign_csrf_token_is_refused(app, client, resident, login_as):
    other = app.test_client()
    token_of_other = other.csrf_token()
    login_as(resident)
    response = client.post("/auth/logout", data={"csrf_token": token_of_other})
    assert response.status_code == 400
