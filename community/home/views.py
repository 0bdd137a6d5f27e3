"""The home page, the language switch and the load balancer's health check."""

from flask import Response, jsonify, url_for
from flask_login import current_user

from community.core.errors import render_error
from community.core.htmx import redirect_to, render
from community.core.pagecache import shared_with_visitors
from community.core.security import is_local_url
from community.extensions import db, limiter
from community.home import bp
from community.home.forms import LanguageForm
from community.home.services import (
    choose_language,
    database_ok,
    locality_overview,
    visitor_locality,
)


@bp.get("/")
@shared_with_visitors
def index():
    """Show the visitor's locality at a glance (chosen, the account's, or the default); anyone may look."""
    return render("home/index.html", **locality_overview(visitor_locality(current_user)))


@bp.post("/language")
def language():
    """Switch the site's language for anyone, and the account's for a signed-in user; 303 back to the page
    it was chosen on when that page is on this site. An unknown language is a 400."""
    form = LanguageForm()
    if not form.validate_on_submit():
        return render_error(400, form.lang.errors[0] if form.lang.errors else None)
    choose_language(current_user, form.lang.data)
    db.session.commit()
    back = form.next.data if is_local_url(form.next.data) else url_for("home.index")
    return redirect_to(back)


ROBOTS = """User-agent: *
Disallow: /auth/
Disallow: /moderation/
Disallow: /admin/
Disallow: /language
"""


@bp.get("/robots.txt")
def robots():
    """Tell crawlers what to leave alone: sign-in, account and moderation pages; the same text for everyone."""
    return Response(ROBOTS, mimetype="text/plain", headers={"Cache-Control": "public, max-age=86400"})


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Report liveness and whether the database answers, as JSON; 503 when it does not."""
    healthy = database_ok()
    body = {"status": "ok" if healthy else "error", "database": "ok" if healthy else "unreachable"}
    return jsonify(body), 200 if healthy else 503
