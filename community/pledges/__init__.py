"""The pledge tracker: deputies, their pre-election pledges, updates with evidence, and scorecards."""

from flask import Blueprint

bp = Blueprint("pledges", __name__)

from community.pledges import views  # noqa: E402,F401
