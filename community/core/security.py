"""Security headers on every response, and the keys rate limits count by."""

from urllib.parse import urlsplit

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - the session key that carries the sign-in token, not a secret


def content_security_policy() -> str:
    """The CSP: scripts only from this site and the htmx CDN's exact origin; nothing inline."""
    cdn = current_app.config["HTMX_URL"].split("/npm/")[0]
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {cdn}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ]
    )


def add_security_headers(response):
    """Put the CSP and the other protective headers on every response, errors included."""
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy()
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["X-Frame-Options"] = "DENY"
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def login_account_key() -> str:
    """Count login attempts per account: the e-mail address typed into the form."""
    email = (request.form.get("email") or "").strip().lower()
    return f"login-account:{email}"


def user_or_address_key() -> str:
    """Count posting per account when signed in, else per client address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{get_remote_address()}"


def posting_limit(kind: str) -> str:
    """The posting limit for THREAD or COMMENT: stricter for accounts younger than a day."""
    config = current_app.config
    if current_user.is_authenticated and current_user.is_new:
        return config[f"{kind}_LIMIT_NEW"]
    return config[f"{kind}_LIMIT"]


def made_new_post(response) -> bool:
    """Posting limits count what was created, not repeated submissions of the same form."""
    return bool(g.get("new_post"))


def is_local_url(target: str | None) -> bool:
    """True for a path on this site: no scheme, no host, no backslash or control characters."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if any(ord(char) < 0x21 or char == "\\" for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def action_limit() -> str:
    """The per-account limit on small actions: supports, follows, flags and pledge writes."""
    return current_app.config["ACTION_LIMIT"]
