"""Error pages speak the user's language and never show a traceback."""

import pytest
from flask import abort

from community.home import views as home_views


@pytest.mark.parametrize(
    "lang, words",
    [("kk", "Бет табылмады"), ("ru", "Страница не найдена"), ("en", "Page not found")],
)
def test_404_in_each_language(client, lang, words):
    response = client.get(f"/nowhere?lang={lang}")
    assert response.status_code == 404
    assert words in response.get_data(as_text=True)


def test_403_page(client, monkeypatch):
    monkeypatch.setattr(home_views, "visitor_locality", lambda user: abort(403))
    response = client.get("/?lang=en")
    assert response.status_code == 403
    assert "Access denied" in response.get_data(as_text=True)


def test_500_is_our_page_without_a_traceback(client, monkeypatch):
    def broken(user):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(home_views, "visitor_locality", broken)
    response = client.get("/?lang=ru")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Что-то пошло не так" in html
    assert "Traceback" not in html and "database exploded" not in html


def test_405_keeps_the_allow_header(client):
    response = client.put("/auth/login?lang=en")
    assert response.status_code == 405  # no view answers PUT here, so the CSRF check never runs
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert "Method not allowed" in response.get_data(as_text=True)
