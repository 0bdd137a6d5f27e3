"""Seminars, meetings and public receptions, with registration, waiting lists and calendars."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from community.events import reception_views, views  # noqa: E402,F401
