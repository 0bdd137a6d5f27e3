"""The user's language and timezone, and the template filters that format for them."""

from datetime import date, datetime, timezone
from functools import lru_cache
from urllib.parse import quote, urlencode

from babel import Locale
from babel.dates import DateTimePattern, parse_pattern
from flask import current_app, g, request
from flask_babel import format_decimal, format_timedelta, get_locale
from flask_login import current_user

from community.core.db import utcnow
from community.core.time import local_today, local_zone

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
    app.jinja_env.filters["datetime"] = format_when
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["day_span"] = day_span
    app.jinja_env.filters["number"] = lambda value: format_decimal(value or 0)
    app.jinja_env.filters["ago"] = lambda value: (
        format_timedelta(value - utcnow(), add_direction=True, threshold=1) if value else ""
    )
    app.jinja_env.globals["current_lang"] = current_lang
    app.jinja_env.globals["page_without_lang"] = page_without_lang
    app.jinja_env.globals["now_utc"] = utcnow
    app.jinja_env.globals["today"] = local_today  # the region's day, for deadlines


def page_without_lang() -> str:
    """This page's address without ?lang=, other arguments kept: where the language switch comes back to."""
    args = [(name, value) for name, value in request.args.items(multi=True) if name != "lang"]
    return quote(request.path) + (f"?{urlencode(args)}" if args else "")


# Dates and times as people here write them, in one place: every page's dates come from the `datetime`, `date`
# and `day_span` filters below (machine formats — feeds, .ics, CSV, JSON — keep ISO 8601). CLDR's own styles print
# seconds, two-digit years (kk and en "short") and, in English, the month first with AM/PM; so each language gets
# patterns of its own. Kazakh keeps the month's name as written after a number («2 желтоқсан», «15 қаңтар») and
# puts the year first, as CLDR's long date does («2025 ж. 2 желтоқсан»); Russian takes the genitive («2 декабря»),
# which is CLDR's format-context name; English is written day first, with the region's 24-hour clock.
DAY_PATTERNS = {
    # day: this year's; year: another year's; weekday: a page's main date, always with the year
    "kk": {"day": "d MMMM", "year": "y 'ж'. d MMMM", "weekday": "y 'ж'. d MMMM, EEEE"},
    "ru": {"day": "d MMMM", "year": "d MMMM y 'г'.", "weekday": "EEEE, d MMMM y 'г'."},
    "en": {"day": "d MMMM", "year": "d MMMM y", "weekday": "EEEE, d MMMM y"},
}
# CLDR's words for yesterday, today and tomorrow, which babel does not carry.
NEAR_DAYS = {
    "kk": ("кеше", "бүгін", "ертең"),
    "ru": ("вчера", "сегодня", "завтра"),
    "en": ("yesterday", "today", "tomorrow"),
}
SPAN_DASH = {"kk": " — ", "ru": " — ", "en": " – "}  # between two days; one day's hours take "–" unspaced
# The styles a template names, by the kind of place; Babel's own names ('short' … 'full') are kept as aliases so
# that no page can print seconds or a two-digit year.
TIME_STYLES = {
    "list": "near",  # a row of a list, a comment: «бүгін, 15:00», «2 желтоқсан, 15:00», «2025 ж. 2 желтоқсан, 15:00»
    "history": "near",  # a line of a history or log, the same form
    "page": "weekday",  # a page's main date: «2026 ж. 2 желтоқсан, сәрсенбі, 10:00»
    "time": "time",  # the hour alone: «10:00»
    "short": "near",
    "medium": "near",
    "long": "weekday",
    "full": "weekday",
}
DATE_STYLES = {
    "list": "day",  # «2 желтоқсан», the year only when it is not this year's
    "page": "year",  # «2026 ж. 2 желтоқсан»
    "month": "LLLL y",  # a calendar's heading: «Желтоқсан 2026», «Декабрь 2026», "December 2026"
    "weekday": "EEE",  # a calendar's column: «ср», «ср», "Wed"
    "short": "day",
    "medium": "day",
    "long": "year",
    "full": "year",
}


@lru_cache(maxsize=64)
def _pattern(text: str) -> DateTimePattern:
    """A CLDR pattern, parsed once per process."""
    return parse_pattern(text)


def _locale() -> tuple[Locale, str]:
    """This response's locale, and the language whose patterns it uses (English's for one without its own)."""
    locale = get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])
    return locale, locale.language if locale.language in DAY_PATTERNS else "en"


def _local(value: date | datetime) -> date | datetime:
    """A stored time in the region's time (a naive one is UTC); a date as it is."""
    if not isinstance(value, datetime):
        return value
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(local_zone())


def _clock(local: datetime) -> str:
    return f"{local.hour:02d}:{local.minute:02d}"


def _day(local: date | datetime, kind: str, locale: Locale, language: str) -> str:
    """A day in one of DAY_PATTERNS' forms; "near" says yesterday, today or tomorrow in words, "day" adds the
    year when it is not this year."""
    if kind in ("near", "day"):
        today = local_today()
        day = local.date() if isinstance(local, datetime) else local
        if kind == "near" and -1 <= (day - today).days <= 1:
            return NEAR_DAYS[language][(day - today).days + 1]
        kind = "day" if day.year == today.year else "year"
    return _pattern(DAY_PATTERNS[language][kind]).apply(local, locale)


def format_when(value: datetime | None, style: str = "list") -> str:
    """A stored time in Almaty time, as the `datetime` filter prints it in a style of TIME_STYLES: never seconds,
    always four-digit years, no zone name (the site has one zone; the events pages say which)."""
    if not value:
        return ""
    kind = TIME_STYLES[style]
    local = _local(value)
    if kind == "time":
        return _clock(local)
    return f"{_day(local, kind, *_locale())}, {_clock(local)}"


def format_day(value: date | datetime | None, style: str = "page") -> str:
    """A day (a stored time's day in Almaty) as the `date` filter prints it in a style of DATE_STYLES."""
    if not value:
        return ""
    kind = DATE_STYLES[style]
    local = _local(value)
    locale, language = _locale()
    if kind in ("day", "year"):
        return _day(local, kind, locale, language)
    text = _pattern(kind).apply(local, locale)
    return text[:1].upper() + text[1:] if style == "month" else text


def day_span(starts: datetime | None, ends: datetime | None, style: str = "list") -> str:
    """An event's start and end in a style of TIME_STYLES, the day written once when both are on the same day in
    Almaty: «2 желтоқсан, 10:00–12:00»; across days «2 желтоқсан, 22:00 — 3 желтоқсан, 02:00» (the end's day
    without a weekday, its year only when it is not this year's)."""
    if not ends:
        return format_when(starts, style)
    if not starts:
        return ""
    start, end = _local(starts), _local(ends)
    first = format_when(starts, style)
    if start.date() == end.date() or TIME_STYLES[style] == "time":
        return f"{first}–{_clock(end)}"
    locale, language = _locale()
    kind = "near" if TIME_STYLES[style] == "near" else "day"
    return f"{first}{SPAN_DASH[language]}{_day(end, kind, locale, language)}, {_clock(end)}"
