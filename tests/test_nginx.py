"""The shipped nginx site (deploy/nginx/halyk-uni.conf) in front of the real site in gunicorn (gunicorn.conf.py,
PROXY_COUNT=1): compression, static files from disk cached for a year, the body limit, forwarded headers a client
cannot forge, the health check, no version in the Server header.

nginx runs as the current user from a temporary folder, with a minimal main config (temporary paths, the error and
access logs, a few MIME types) that includes a copy of the shipped file in which only the lines marked `# test: …`
are rewritten:

- `# test: listen https`: the HTTPS `listen 443 ssl http2;` becomes `listen 127.0.0.1:<free port>;`, plain HTTP;
- `# test: listen http`: the redirecting server's `listen 80;` becomes `listen 127.0.0.1:<another free port>;`;
- `# test: drop`: removed: the two IPv6 listens and the two certificate paths (there is no certificate here);
- `# test: upstream`: the upstream's `server 127.0.0.1:8000;` names the port gunicorn listens on;
- `# test: static`: the `alias` of /static/ names this repository's static/ folder.

Everything else (server names, headers, gzip, limits, timeouts, caching) is served as shipped. Without nginx at
/usr/sbin/nginx (Debian's nginx-light) or on PATH the tests are skipped, except in CI (CI set), where they fail.
"""

import collections
import gzip
import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.server import ROOT, free_port, running_site

NGINX = "/usr/sbin/nginx"
SHIPPED = ROOT / "deploy" / "nginx" / "halyk-uni.conf"
MARKED_LINE = re.compile(r"^(?P<indent>[ \t]*)[^#\n]*;[ \t]*# test: (?P<mark>[a-z ]+)$", re.MULTILINE)
EXPECTED_MARKS = {"listen https": 1, "listen http": 1, "drop": 4, "upstream": 1, "static": 1}
LONG_LIVED = "public, max-age=31536000, immutable"
ONE_MEBIBYTE = 1024 * 1024  # the app's MAX_CONTENT_LENGTH and nginx's client_max_body_size 1m
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
MAIN_CONFIG = """{user}
worker_processes 1;
error_log {folder}/error.log info;
events {{ worker_connections 64; }}
http {{
    types {{
        text/html html;
        text/css css;
        application/javascript js;
        image/svg+xml svg;
    }}
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/halyk-uni.conf;
}}
"""


def nginx_or_skip() -> str:
    """nginx's path (Debian's, else the one on PATH); without it a skip with the reason, or a failure in CI, which
    must run these tests."""
    if os.access(NGINX, os.X_OK):
        return NGINX
    if shutil.which("nginx"):
        return shutil.which("nginx")
    reason = f"nginx is not installed at {NGINX} (apt-get install nginx-light)"
    if os.environ.get("CI"):
        pytest.fail(f"the nginx tests cannot run in CI: {reason}")
    pytest.skip(reason)


def site_config_for_test(shipped: str, https_port: int, http_port: int, gunicorn_port: int) -> str:
    """The shipped site with only its marked lines rewritten (the module's docstring lists them); fails when the
    marks are not the ones this test knows, so the shipped file cannot drift away from what is tested."""
    replacements = {
        "listen https": f"listen 127.0.0.1:{https_port};",
        "listen http": f"listen 127.0.0.1:{http_port};",
        "drop": "",
        "upstream": f"server 127.0.0.1:{gunicorn_port};",
        "static": f"alias {ROOT / 'static'}/;",
    }
    seen = collections.Counter()

    def rewrite(line: re.Match) -> str:
        """The replacement of one marked line, at its indent."""
        seen[line["mark"]] += 1
        replacement = replacements[line["mark"]]
        return line["indent"] + replacement if replacement else ""

    rewritten = MARKED_LINE.sub(rewrite, shipped)
    assert seen == EXPECTED_MARKS and not re.search(r"^[^#\n]+# test:", rewritten, re.MULTILINE)
    return rewritten


def main_config(folder: Path) -> str:
    """A main nginx.conf keeping everything in the folder; as root its workers stay root (nobody could not read the
    temporary folder)."""
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    return MAIN_CONFIG.format(user=user, folder=folder)


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    """Return once something listens on the port; raise with nginx's log when it stops or 10 s pass first."""
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log.read_text() if log.exists() else "nginx did not start") from None
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    """Stop nginx within 10 s: a fast shutdown, then its whole process group killed."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@dataclass
class ProxiedSite:
    """The site behind nginx: its HTTPS server's port (plain HTTP here), the redirecting server's, gunicorn's
    address, and the file gunicorn logs each request it serves to."""

    port: int
    redirect_port: int
    gunicorn: str
    gunicorn_access_log: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """gunicorn with the demo and PROXY_COUNT=1, behind nginx with the shipped site; both stopped afterwards."""
    nginx = nginx_or_skip()
    folder = tmp_path_factory.mktemp("nginx")
    access_log = folder / "gunicorn-access.log"
    args = ("--access-logfile", str(access_log))
    with running_site(folder, env={"PROXY_COUNT": "1"}, args=args) as gunicorn:
        port, redirect_port = free_port(), free_port()
        site_config = site_config_for_test(
            SHIPPED.read_text(), port, redirect_port, urllib.parse.urlsplit(gunicorn).port
        )
        (folder / "halyk-uni.conf").write_text(site_config)
        (folder / "nginx.conf").write_text(main_config(folder))
        process = subprocess.Popen(
            [nginx, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf")]
            + ["-g", f"daemon off; pid {folder / 'nginx.pid'};"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so a stuck nginx is killed with its workers
        )
        try:
            wait_for_port(port, process, folder / "error.log")
            wait_for_port(redirect_port, process, folder / "error.log")
            yield ProxiedSite(port, redirect_port, gunicorn, access_log)
        finally:
            stop(process)


def ask(
    port: int, path: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request on a new connection to 127.0.0.1: the status, the headers and the body as sent (not
    decompressed, redirects not followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        headers = {**(headers or {}), **({"Content-Length": str(len(body))} if body is not None else {})}
        connection.putrequest(method, path, skip_host="Host" in headers, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        if body is not None:
            try:
                connection.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # refused before it was all sent; the answer is still there to read
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_pages_come_through_nginx_compressed_when_asked(site):
    status, headers, body = ask(site.port, "/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in ", ".join(headers.get_all("Vary"))
    assert "Халық үні" in gzip.decompress(body).decode()
    assert headers["Content-Security-Policy"]  # the app's headers pass through
    status, headers, body = ask(site.port, "/")
    assert status == 200 and "Content-Encoding" not in headers and "Халық үні" in body.decode()


def test_static_files_are_served_by_nginx_for_a_year(site):
    addresses = re.findall(r'"(/static/([^"?]+)\?v=[0-9a-f]{10})"', ask(site.port, "/")[2].decode())
    assert {"css/site.css", "js/site.js"} <= {filename for _, filename in addresses}
    for address, _ in addresses:
        status, headers, body = ask(site.port, address, headers={"Accept-Encoding": "gzip"})
        assert status == 200, address
        assert headers.get_all("Cache-Control") == [LONG_LIVED]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" not in headers  # the app puts one on everything it answers
    stylesheet = (ROOT / "static" / "css" / "site.css").read_bytes()
    status, headers, body = ask(site.port, "/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert headers["Content-Type"] == "text/css; charset=utf-8" and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == stylesheet
    served_by_gunicorn = site.gunicorn_access_log.read_text()
    assert '"GET / HTTP/1.0" 200' in served_by_gunicorn and "/static/" not in served_by_gunicorn
    status, headers, _ = ask(site.port, "/static/css/no-such-file.css")
    assert status == 404 and "Cache-Control" not in headers  # not kept: the file may be deployed in a moment


def test_a_body_over_the_apps_limit_is_refused_by_nginx(site):
    headers = {"Content-Type": "application/octet-stream"}
    status, answer, _ = ask(site.port, "/auth/login", "POST", headers, b"x" * (ONE_MEBIBYTE + 1))
    assert status == 413 and "Content-Security-Policy" not in answer  # nginx's refusal, not the app's
    status, answer, _ = ask(site.port, "/auth/login", "POST", headers, b"x" * ONE_MEBIBYTE)
    assert status == 400 and answer["Content-Security-Policy"]  # passed on: the app wants its CSRF token


def test_the_app_trusts_only_what_nginx_forwards(site):
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "X-Forwarded-Host": "evil.example"}
    status, headers, _ = ask(site.port, "/", headers=forged)
    assert status == 200  # the host nginx passes on is the one asked for, not the forged one
    assert "Strict-Transport-Security" not in headers  # nginx said http, whatever the client claimed
    # The same claims straight to gunicorn, as if from the proxy, are believed: the checks above mean something.
    direct = urllib.parse.urlsplit(site.gunicorn).port
    assert ask(direct, "/", headers={"X-Forwarded-Proto": "https"})[1]["Strict-Transport-Security"]
    assert ask(direct, "/", headers={"X-Forwarded-Host": "evil.example"})[0] == 400


def test_rate_limits_count_the_address_nginx_saw_not_a_forged_one(site):
    status, headers, body = ask(site.port, "/auth/reset")
    cookie = SimpleCookie(headers["Set-Cookie"])
    session = "; ".join(f"{name}={morsel.value}" for name, morsel in cookie.items())
    form = urllib.parse.urlencode({"csrf_token": CSRF_META.search(body.decode())[1], "email": "nobody@example.kz"})
    statuses = []
    for n in range(6):  # the reset form allows 5 an hour from one address
        headers = {
            "Cookie": session,
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": f"203.0.113.{n}",
        }
        statuses.append(ask(site.port, "/auth/reset", "POST", headers, form.encode())[0])
    assert statuses == [303] * 5 + [429]
    # gunicorn saw the forged address with nginx's appended after it; PROXY_COUNT=1 makes the app take the last.
    assert '203.0.113.0, 127.0.0.1 "POST /auth/reset HTTP/1.0" 303' in site.gunicorn_access_log.read_text()


def test_the_health_check_answers_through_nginx_and_no_version_is_told(site):
    status, headers, body = ask(site.port, "/healthz")
    assert status == 200 and body == b'{"database":"ok","status":"ok"}\n'
    assert headers["Server"] == "nginx"
    assert ask(site.port, "/static/js/site.js")[1]["Server"] == "nginx"


def test_plain_http_is_redirected_to_the_https_site(site):
    status, headers, _ = ask(site.redirect_port, "/threads/?page=2", headers={"Host": "halyk-uni.kz"})
    assert status == 301 and headers["Location"] == "https://halyk-uni.kz/threads/?page=2"
    assert headers["Server"] == "nginx"
