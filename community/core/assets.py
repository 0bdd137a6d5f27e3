"""Static files under addresses that change with their content: `url_for('static', filename=…)` adds
`?v=<the first 10 hex digits of the file's SHA-256>`, so a browser may keep the file for a year (nginx says so for
every /static/ file, deploy/nginx/halyk-uni.conf; Flask's static route for an address naming the current content) and
a changed file is fetched anew under its new address."""

import hashlib
import os

from flask import Flask, current_app, request
from werkzeug.security import safe_join

FINGERPRINT_ARG = "v"
FINGERPRINT_LENGTH = 10
ONE_YEAR = 365 * 24 * 60 * 60  # seconds; nginx's max-age for /static/ too
# Absolute path → ((modification time, size, inode) when hashed, fingerprint); at most one entry per static file.
_fingerprints: dict[str, tuple[tuple[int, int, int], str]] = {}


def static_fingerprint(filename: str) -> str | None:
    """The fingerprint of a file in the app's static folder, None when there is no such file. Hashed once per file
    per process; outside production (development, debug, tests) hashed again when the file has changed on disk."""
    folder = current_app.static_folder
    path = safe_join(folder, filename) if folder else None
    if path is None:
        return None
    known = _fingerprints.get(path)
    if known is not None and current_app.config.get("PRODUCTION") and not current_app.debug:
        return known[1]
    try:
        status = os.stat(path)
    except OSError:
        return None
    version = (status.st_mtime_ns, status.st_size, status.st_ino)
    if known is not None and known[0] == version:
        return known[1]
    try:
        with open(path, "rb") as file:
            fingerprint = hashlib.file_digest(file, "sha256").hexdigest()[:FINGERPRINT_LENGTH]
    except OSError:  # a folder, or gone since
        return None
    _fingerprints[path] = (version, fingerprint)
    return fingerprint


def add_static_fingerprint(endpoint: str, values: dict) -> None:
    """An app.url_defaults hook: the address of a static file gets ?v=<its fingerprint>, unless it names a v."""
    if endpoint == "static" and "filename" in values and FINGERPRINT_ARG not in values:
        fingerprint = static_fingerprint(values["filename"])
        if fingerprint:
            values[FINGERPRINT_ARG] = fingerprint


class FingerprintedStaticFlask(Flask):
    """Flask whose static route lets browsers keep a file for a year when the address names its current content."""

    def send_static_file(self, filename: str):
        """Serve a static file: public, for a year and immutable when ?v= is its fingerprint; else with Flask's
        default caching (no-cache: revalidated by ETag and Last-Modified), as an old or missing v may name other
        content than this."""
        response = super().send_static_file(filename)
        asked = request.args.get(FINGERPRINT_ARG)
        if asked and asked == static_fingerprint(filename):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
