"""Administration: the accounts and their roles, and the audit log of every administrative action."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from community.admin import views  # noqa: E402,F401
