"""Appeals to deputies: writing one, the public list, a deputy's inbox, answers and response times."""

from flask import Blueprint

bp = Blueprint("appeals", __name__)

from community.appeals import views  # noqa: E402,F401
