"""Notifications: what happened to things a person follows or wrote, in the bell and on /notifications."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from community.notifications import follow_views, views  # noqa: E402,F401
