"""Several gunicorn workers behave as one site: sessions and CSRF in signed cookies, limits in Redis."""
import http.cookiejar
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.server import running_site

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """A tiny cookie-keeping HTTP client for a site on 127.0.0.1."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict) -> tuple[int, str]:
        token = CSRF_META.search(self.get("/auth/login")[1]).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set")
def test_login_limits_are_shared_by_all_workers_through_redis(tmp_path):
    env = {"REDIS_URL": os.environ["TEST_REDIS_URL"], "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    with running_site(tmp_path, workers=3, env=env) as base:
        statuses = []
        for _ in range(11):
            browser = Browser(base)  # a new connection each time, so the workers share the load
            statuses.append(browser.post("/auth/login", {"email": "asel@example.kz", "password": "Wrong-Pass-1"})[0])
        assert statuses[:10] == [422] * 10
        assert statuses[10] == 429


def test_a_session_works_across_workers_and_logout_ends_it_everywhere(tmp_path):
    with running_site(tmp_path, workers=2) as base:
        browser = Browser(base)
        status, _ = browser.post("/auth/login", {"email": "asel@example.kz", "password": "Resident-Halyk-2026"})
        assert status == 200  # followed the 303 home
        assert all(browser.get("/auth/settings")[0] == 200 for _ in range(6))
        browser.post("/auth/logout", {})
        assert all("/auth/login" in browser.get("/auth/settings")[1] for _ in range(4))
