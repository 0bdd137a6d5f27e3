"""The home page and the load balancer's health check."""

from flask import jsonify
from flask_login import current_user

from community.core.htmx import render
from community.extensions import limiter
from community.home import bp
from community.home.services import (
    database_ok,
    home_figures,
    live_and_next_dialogues,
    recent_threads,
    visitor_locality,
)


@bp.get("/")
def home():
    """Show the visitor's locality at a glance; anyone may look."""
    locality = visitor_locality(current_user)
    return render(
        "home/index.html",
        locality=locality,
        figures=home_figures(locality),
        threads=recent_threads(locality),
        dialogues=live_and_next_dialogues(locality),
    )


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Report liveness and whether the database answers, as JSON; 503 when it does not."""
    healthy = database_ok()
    body = {"status": "ok" if healthy else "error", "database": "ok" if healthy else "unreachable"}
    return jsonify(body), 200 if healthy else 503
