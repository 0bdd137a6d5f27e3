"""Discussion threads on local issues, with comments, supports and official answers."""

from flask import Blueprint

bp = Blueprint("threads", __name__)

from community.threads import views  # noqa: E402,F401
