"""Static files are addressed by their content: ?v=<the first 10 hex digits of their SHA-256>, a new address when
the content changes, and a year's immutable caching only for an address naming the current content."""

import hashlib
import re

from flask import url_for

from community.core.assets import ONE_YEAR
from community.core.security import content_security_policy
from tests.server import ROOT

LONG_LIVED = f"public, max-age={ONE_YEAR}, immutable"


def fingerprint_of(content: bytes) -> str:
    """What the address of a file with this content carries."""
    return hashlib.sha256(content).hexdigest()[:10]


def static_url(app, filename: str) -> str:
    """The address templates get for a static file."""
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_a_static_address_carries_the_hash_of_the_files_content(app):
    stylesheet = (ROOT / "static" / "css" / "site.css").read_bytes()
    assert static_url(app, "css/site.css") == f"/static/css/site.css?v={fingerprint_of(stylesheet)}"
    assert static_url(app, "css/no-such-file.css") == "/static/css/no-such-file.css"


def test_the_address_changes_when_the_content_does(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    page_style = tmp_path / "page.css"
    page_style.write_bytes(b"body { color: black; }")
    first = static_url(app, "page.css")
    assert first == f"/static/page.css?v={fingerprint_of(b'body { color: black; }')}"
    assert static_url(app, "page.css") == first
    page_style.write_bytes(b"body { color: #1a1a1a; }")
    changed = static_url(app, "page.css")
    assert changed == f"/static/page.css?v={fingerprint_of(b'body { color: #1a1a1a; }')}"


def test_in_production_a_file_is_hashed_once_per_process(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    script = tmp_path / "once.js"
    script.write_bytes(b"console.log(1);")
    first = static_url(app, "once.js")
    script.write_bytes(b"console.log(22);")  # a deployment restarts the workers, which hash the new file
    assert static_url(app, "once.js") == first


def test_only_the_current_hash_is_cached_for_a_year(client, app):
    current = static_url(app, "js/site.js")
    response = client.get(current)
    assert response.status_code == 200 and response.headers["Cache-Control"] == LONG_LIVED
    tag = response.headers["ETag"]
    response.close()
    again = client.get(current, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.headers["Cache-Control"] == LONG_LIVED
    for stale in ("/static/js/site.js?v=0000000000", "/static/js/site.js"):
        response = client.get(stale)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"  # Flask's default: revalidated every time
        response.close()


def test_pages_reference_the_fingerprinted_stylesheet_and_script(client, region):
    response = client.get("/")
    page = response.get_data(as_text=True)
    for filename, tag in (("css/site.css", "link"), ("js/site.js", "script")):
        content = (ROOT / "static" / filename).read_bytes()
        assert re.search(rf'<{tag} [^>]*"/static/{filename}\?v={fingerprint_of(content)}"', page), filename
    # The CSP is unchanged: the files are on this site, whatever their query.
    assert response.headers["Content-Security-Policy"] == content_security_policy()
    assert "script-src 'self' https://cdn.jsdelivr.net;" in response.headers["Content-Security-Policy"]
