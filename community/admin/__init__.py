"""Administration: accounts, their roles, access, second factor and sessions; deputy profiles; the locality tree;
and the audit log of every administrative and moderation action."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from community.admin import account_views, locality_views, views  # noqa: E402,F401
