"""The home page, the language switch's route and the health check."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from community.home import views  # noqa: E402,F401
