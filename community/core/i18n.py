"""The user's language and timezone, and the template filters that format for them."""

from urllib.parse import urlencode

from flask import current_app, g, request
from flask_babel import format_date, format_datetime, format_decimal, format_timedelta, get_locale
from flask_login import current_user

from community.core.db import utcnow
from community.extensions import db

LANG_COOKIE = "lang"


def supported(lang: str | None) -> str | None:
    """Return lang when the site speaks it, else None."""
    return lang if lang in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """?lang= first, then the account's choice, then the cookie, then Kazakh."""
    asked = supported(request.args.get("lang"))
    if asked:
        g.chosen_lang = asked
        return asked
    if current_user and current_user.is_authenticated and supported(current_user.locale):
        return current_user.locale
    return supported(request.cookies.get(LANG_COOKIE)) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Times are shown in the region's own time."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def keep_language(lang: str | None) -> None:
    """Remember a language in the cookie at the end of this request (e.g. the account's, at sign-in)."""
    if supported(lang):
        g.chosen_lang = lang


def save_language_choice() -> None:
    """Before the view runs, store a ?lang= choice on the signed-in user's account."""
    lang = supported(request.args.get("lang"))
    if lang and current_user.is_authenticated and current_user.locale != lang:
        current_user.locale = lang
        db.session.commit()


def remember_language(response):
    """Keep a language chosen by ?lang= in a cookie, and on the account of a signed-in user."""
    lang = g.get("chosen_lang")
    if lang:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def current_lang() -> str:
    """The language of this response, for <html lang>."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def register_filters(app) -> None:
    """Make the locale-aware formatters available in templates."""
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="long": format_date(value, fmt) if value else ""
    app.jinja_env.filters["number"] = lambda value: format_decimal(value or 0)
    app.jinja_env.filters["ago"] = lambda value: (
        format_timedelta(value - utcnow(), add_direction=True, threshold=1) if value else ""
    )
    app.jinja_env.globals["current_lang"] = current_lang
    app.jinja_env.globals["lang_url"] = lang_url
    app.jinja_env.globals["now_utc"] = utcnow


def lang_url(code: str) -> str:
    """This page's address with ?lang= set to another language, other arguments kept."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"{request.path}?{urlencode(args, doseq=True)}"
