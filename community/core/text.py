"""Every user text on its way to a page: Markdown to safe HTML, and plain excerpts."""

import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
_HEADING = re.compile(r"<(/?)h[12]>")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def clean_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and link schemes of an HTML string."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener ugc",
        strip_comments=True,
    )


def render_markdown(source: str | None) -> Markup:
    """Turn a user's Markdown into HTML safe to put on a page (raw HTML is shown as text)."""
    if not source:
        return Markup("")
    html = _markdown.render(source)
    # A user's heading must not outrank the page's own h1 and h2.
    html = _HEADING.sub(r"<\1h3>", html)
    return Markup(clean_html(html))  # noqa: S704 - nh3 has just sanitised it


def excerpt(source: str | None, length: int = 200) -> str:
    """Return the first words of a user's Markdown as plain text (escaped by the template)."""
    rendered = _markdown.render(source or "")
    text = html_lib.unescape(_SPACE.sub(" ", _TAG.sub(" ", rendered))).strip()
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"


_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "ә": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "ғ": "g",
        "д": "d",
        "е": "e",
        "ё": "yo",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "i",
        "к": "k",
        "қ": "q",
        "л": "l",
        "м": "m",
        "н": "n",
        "ң": "n",
        "о": "o",
        "ө": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ұ": "u",
        "ү": "u",
        "ф": "f",
        "х": "h",
        "һ": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "і": "i",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, length: int = 60) -> str:
    """A readable Latin slug of a Kazakh or Russian title, for URLs."""
    slug = _NOT_SLUG.sub("-", text.lower().translate(_TRANSLIT)).strip("-")
    return slug[:length].rstrip("-") or "item"


def search_text(*parts: str | None) -> str:
    """Lower-cased plain text of a record, kept on the row so LIKE matches Cyrillic in any database."""
    return " ".join(excerpt(part, length=100_000) for part in parts if part).lower()


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def plain_line(source: str | None, length: int) -> str:
    """A short plain text (a question, a name): control and direction-override characters removed,
    spaces collapsed, cut to length. The template escapes it."""
    text = _SPACE.sub(" ", _CONTROL.sub("", source or "")).strip()
    return text[:length]


# What XML 1.0 forbids in a document (its `Char` production): the C0 controls but tab, LF and CR, the UTF-16
# surrogates and U+FFFE, U+FFFF. PostgreSQL cannot store NUL, psycopg cannot encode a lone surrogate, and any of
# them in a title makes a feed that no reader parses. C1 controls and DEL are allowed by XML and left alone.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = {"\x0b": "\n", "\x0c": "\n"}


def storable(text: str) -> str:
    """The text without the characters no database column or feed can hold (`UNSTORABLE`).

    Vertical tab and form feed become a newline, since a word processor writes them for a line or page break;
    every other such character is removed. Text that has none comes back as it was. Used at the edge on every
    form field, query argument and User-Agent (`core.edge`), and by data migrations through `storable_value`.
    """
    if UNSTORABLE.search(text) is None:
        return text
    return UNSTORABLE.sub(lambda match: _LINE_BREAKS.get(match.group(), ""), text)


def has_unstorable(text: str) -> bool:
    """Whether the text holds a character `storable` would take out."""
    return UNSTORABLE.search(text) is not None


def storable_value(value):
    """A column's value made storable: a string goes through `storable`; None, numbers and dates are returned
    as they are. For data migrations that clean every text column of rows written before the edge cleaned."""
    return storable(value) if isinstance(value, str) else value


def spreadsheet_safe(value):
    """A CSV cell that spreadsheet programs show as text instead of running it as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
