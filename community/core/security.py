"""Security headers on every response, and the keys rate limits count by."""

import ipaddress
from urllib.parse import urlsplit

from flask import current_app, g, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user

from community.core.text import storable

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
    set_cache_control(response)
    return response


def is_signed_in_browser() -> bool:
    """True when this request comes from a signed-in browser, told without loading the user (a live region's 304
    loads nobody): its session carries a sign-in token, or the request has loaded a signed-in user."""
    user = g.get("_login_user")
    return bool(session.get(SESSION_TOKEN_KEY)) or bool(user is not None and user.is_authenticated)


def set_cache_control(response) -> None:
    """Nothing served to a signed-in user is stored by any cache, the browser's included: pages, fragments, exports,
    redirects and 304s alike (settings, registrant lists, the moderation queue, one's own marks on every page). A
    visitor's page may be kept by the visitor's browser only: it carries a CSRF token bound to that visitor's
    session, so a shared cache (a proxy, a CDN) must never store it and hand it to someone else. What a view set
    for visitors stands (the live regions' no-store); static files keep their own caching."""
    if request.endpoint == "static":
        return
    if is_signed_in_browser():
        response.headers["Cache-Control"] = "private, no-store"
    elif "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "private"


def client_address() -> str:
    """The client's address as the login limits count it: an IPv4 address, or an IPv6 address's /64 network,
    since one home or phone is given a whole /64 and could change addresses within it at will."""
    address = get_remote_address()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return storable(address)[:64]  # a forwarded value that is no address: kept, but never unstorable
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def seen_address() -> str:
    """The client's address as a person would read it on their sessions page (the whole address, storable)."""
    return storable(get_remote_address() or "")[:64]


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
