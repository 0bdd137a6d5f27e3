"""This site's absolute addresses, built from SITE_URL and never from the request's Host: what a request claims
to be the host is the sender's to choose, and a link made from it could carry a reset token to someone else."""

from urllib.parse import urlsplit

from flask import current_app, request
from flask.globals import request_ctx
from werkzeug.routing import MapAdapter


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
