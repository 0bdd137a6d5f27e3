"""Error pages in the user's language, as a whole page or as an htmx fragment; never a traceback."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from community.core.htmx import is_htmx, render
from community.core.urls import bind_urls_to_site

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check the form and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to do this.")),
    404: (_l("Page not found"), _l("There is no such page. It may have been moved or removed.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Not possible now"), _l("This cannot be done in the item's present state. Reload the page to see it.")),
    413: (_l("Too large"), _l("What you sent is too large. Please send less at once.")),
    429: (_l("Too many requests"), _l("You are doing that too often. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. It has been logged; please try again later.")),
}
CSRF_MESSAGE = _l("The form has expired or was not sent from this site. Please reload the page and try again.")
HOST_MESSAGE = _l("This site does not answer to the address the request was sent to.")


def render_error(status: int, message=None):
    """Render the error page for a status, in the user's language."""
    bind_urls_to_site()  # a request for a refused host has no links of its own to build
    title, default_message = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    response = render(
        "errors/error.html",
        block="content",
        status=status,
        status_code=status,
        title=title,
        message=message or default_message,
    )
    if is_htmx():
        # Whatever the request meant to update, the message goes to the page's announced message area.
        response.headers["HX-Retarget"] = "#flashes"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def handle_http_error(error: HTTPException):
    """Answer an HTTP error with our own page instead of Werkzeug's English one; a request for a host that is
    not this site's (Flask's TRUSTED_HOSTS: SITE_URL's, ALLOWED_HOSTS) is a 400 that says so."""
    response = render_error(error.code or 500, HOST_MESSAGE if isinstance(error, SecurityError) else None)
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 429:
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
    return response


def handle_csrf_error(error: CSRFError):
    """A missing or wrong CSRF token is a 400 with a message the user can act on."""
    return render_error(400, CSRF_MESSAGE)


def handle_refused_move(error):
    """A status move refused (not allowed from where the item is, or made by someone else first) is a 409 that
    says so in the user's language; nothing of the request is kept."""
    from community.extensions import db

    db.session.rollback()
    return render_error(409, error.message)


def handle_unexpected_error(error: Exception):
    """Log anything unexpected and show the 500 page; HTTP errors keep their own status."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error", exc_info=error)
    return render_error(InternalServerError.code)
