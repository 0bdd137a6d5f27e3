"""This site's absolute addresses, built from SITE_URL and never from the request's Host: what a request claims
to be the host is the sender's to choose, and a link made from it could carry a reset token to someone else."""

from urllib.parse import urlsplit

from flask import current_app, request
from flask.globals import request_ctx
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import MapAdapter, RequestRedirect

from community.core.security import is_local_url

GUEST_PAGES = ("/auth/login", "/auth/register", "/auth/reset")  # a sign-in never returns to these


def absolute_url(endpoint: str, **values) -> str:
    """The full address of an endpoint, as in mail, feeds, calendar files, exports and QR codes; works inside a
    request and outside one (commands, jobs). Also a template global."""
    current_app.inject_url_defaults(endpoint, values)
    return _site_adapter().build(endpoint, values, force_external=True)


def site_host() -> str:
    """SITE_URL's host name without the port, e.g. for calendar UIDs."""
    return urlsplit(current_app.config["SITE_URL"]).hostname


def bind_urls_to_site() -> None:
    """Let a request whose host was refused still build this site's links (its error page needs them): Flask
    leaves such a request without a URL adapter, so give it one for SITE_URL's host."""
    if request_ctx.url_adapter is None:
        site = urlsplit(current_app.config["SITE_URL"])
        request_ctx.url_adapter = current_app.url_map.bind_to_environ(
            request.environ, server_name=site.netloc, subdomain=current_app.url_map.default_subdomain or ""
        )


def _site_adapter() -> MapAdapter:
    site = urlsplit(current_app.config["SITE_URL"])
    return current_app.url_map.bind(site.netloc, url_scheme=site.scheme)


def opens_with_get(path: str) -> bool:
    """True when a local address names a page, a route that answers GET (a sign-in never leads to a 405)."""
    parts = urlsplit(path)
    try:
        _site_adapter().match(parts.path, method="GET")
    except RequestRedirect:
        return True  # /threads → /threads/
    except (NotFound, MethodNotAllowed):
        return False
    return True


def local_page(address: str | None) -> str | None:
    """This site's page named by a full address (a Referer, htmx's HX-Current-URL) as a local path with its query,
    or None for another site's address or one that is not a page."""
    if not address:
        return None
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(current_app.config["SITE_URL"]).netloc:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if is_local_url(path) and opens_with_get(path) else None


def return_address() -> str | None:
    """Where a visitor comes back to after signing in: the page asked for, or for a button (a POST) the page it
    was on, as htmx or the browser names it; None when that is unknown or not this site's, and on the pages of
    signing in and registering. Also a template global, for the "Sign in" links."""
    if request.method in ("GET", "HEAD"):
        query = request.query_string.decode("utf-8", "replace")  # raw bytes in a query are the sender's to choose
        path = request.path + (f"?{query}" if query else "")
        return path if is_local_url(path) and not path.startswith(GUEST_PAGES) else None
    return local_page(request.headers.get("HX-Current-URL")) or local_page(request.referrer)
