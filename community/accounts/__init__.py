"""Accounts: registration, sign-in with its second factor, sessions, password resets and profiles."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from community.accounts import security_views, views  # noqa: E402,F401
