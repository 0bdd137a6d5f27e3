"""Security headers on every response, and the keys rate limits count by."""
from flask import current_app, request


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
