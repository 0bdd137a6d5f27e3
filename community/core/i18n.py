"""The user's language and timezone, and the template filters that format for them."""

from urllib.parse import quote, urlencode

from flask import current_app, g, request
from flask_babel import format_date, format_datetime, format_decimal, format_timedelta, get_locale
from flask_login import current_user

from community.core.db import utcnow

LANG_COOKIE = "lang"


def supported(lang: str | None) -> str | None:
    """Return lang when the site speaks it, else None."""
    return lang if lang in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """?lang= first (it also sets the cookie), then the account's choice, then the cookie, then Kazakh."""
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


def remember_language(response):
    """Keep the language chosen by ?lang=, the switch or signing in, in a cookie; this never writes the account."""
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
    app.jinja_env.globals["page_without_lang"] = page_without_lang
    app.jinja_env.globals["now_utc"] = utcnow


def page_without_lang() -> str:
    """This page's address without ?lang=, other arguments kept: where the language switch comes back to."""
    args = [(name, value) for name, value in request.args.items(multi=True) if name != "lang"]
    return quote(request.path) + (f"?{urlencode(args)}" if args else "")
