"""The pages every public site has (about, rules, privacy, terms, accessibility, contact) and the open-data page.

The versions of the rules, privacy notice and terms are constants in `services.py` (RULES_VERSION,
PRIVACY_VERSION, TERMS_VERSION), so a registration can record which text was accepted."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from community.pages import views  # noqa: E402,F401
