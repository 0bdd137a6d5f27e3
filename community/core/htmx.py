"""Page or fragment, decided in one place; redirects that htmx understands."""

import json

from flask import Response, flash, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """True for any request htmx sent."""
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """True for an htmx request that is neither boosted navigation nor a history restore."""
    return (
        is_htmx()
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(template: str, block: str | None = None, status: int = 200, **context) -> Response:
    """Render the whole page, or only its named block when htmx asks for a fragment."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    return make_response(body, status)


def redirect_to(location: str) -> Response:
    """Redirect with 303 after a form, or tell htmx to navigate with HX-Redirect."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def fragment_or_redirect(fragment, location: str, message=None, category: str = "success", trigger: str | None = None):
    """After an action: htmx gets the fresh fragment (made by the callable; the HX-Trigger event set when named,
    so other regions of the page refresh too) and the message as an "announce" event, which the page says in its
    message area as a flash would (static/js/site.js); anything else the message as a flash and a redirect to
    the location (a 303, or HX-Redirect for boosted htmx navigation)."""
    if wants_fragment():
        response = fragment()
        events = {trigger: True} if trigger else {}
        if message:
            events["announce"] = {"message": str(message), "category": category}
        if events:
            response.headers["HX-Trigger"] = json.dumps(events, ensure_ascii=True)  # headers are ASCII
        return response
    if message:
        flash(str(message), category)
    return redirect_to(location)


def add_vary(response: Response) -> Response:
    """Mark every response as varying with HX-Request, so caches keep pages and fragments apart."""
    response.vary.add("HX-Request")
    return response
