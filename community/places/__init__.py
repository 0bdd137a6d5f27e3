"""Localities: region, districts, rural districts and villages."""

from flask import Blueprint

bp = Blueprint("places", __name__, url_prefix="/places")

from community.places import views  # noqa: E402,F401
