"""Every user text on its way to a page: Markdown to safe HTML, rendered once when it is written and stored beside
its source (`StoredMarkdown`), and plain excerpts."""

import html as html_lib
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

import nh3
import sqlalchemy as sa
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.orm import Mapper

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
    return _plain(_markdown.render(source or ""), length)


def _plain(html: str, length: int) -> str:
    """The first words of some HTML as plain text."""
    text = html_lib.unescape(_SPACE.sub(" ", _TAG.sub(" ", html))).strip()
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"


MARKDOWN_VERSION = 1
"""The version of what `render_markdown` makes of a text: the parser with its options and plugins, the heading
shift and the sanitiser's allow-lists (and a markdown-it-py or nh3 upgrade that changes their output). Pages print
the HTML stored when a text was written, so a change reaches the rows already stored only when they are rendered
again: bump this number with the change (tests/core/test_stored_markdown.py keeps a fingerprint of the renderer's
output per version and fails until it is bumped), and after deploying it run

    flask --app app text render            # every table; --only comments for one

which renders every stored html again from its source, in batches with progress, writing only the rows whose html
changes (the site keeps working meanwhile)."""


class StoredMarkdown:
    """A model whose users' Markdown is rendered once, when it is written, and stored sanitised beside its source.

    The model names its Markdown fields, `markdown_fields = ("body",)`, and declares a column `<field>_html` (Text,
    default "") next to each; a model naming a field without one fails when it is defined. Assigning a source (in
    the constructor, a service, a form) stores its html at once. Writes that bypass the ORM's attributes add it
    themselves with `with_stored_html`: `update_row` (so `move_state` too) does, as do the large data's bulk
    inserts; `render_stored` renders whole tables again (migrations, `flask text render`). Pages print the stored
    html with the `stored_html` filter, never by rendering the source.
    """

    markdown_fields: tuple[str, ...] = ()


@sa.event.listens_for(StoredMarkdown, "after_mapper_constructed", propagate=True)
def _render_when_assigned(mapper: Mapper, model) -> None:
    """Check the model's declaration, note its Markdown fields on its table (for writers that see only tables) and
    render each field's html whenever the field is assigned."""
    missing = [f"{field}_html" for field in model.markdown_fields if f"{field}_html" not in mapper.columns]
    if not model.markdown_fields or missing:
        raise TypeError(f"{model.__name__} needs markdown_fields, each with a Text column: missing {missing}")
    mapper.local_table.info["markdown_fields"] = model.markdown_fields
    for field in model.markdown_fields:
        sa.event.listen(getattr(model, field), "set", _html_setter(f"{field}_html"))


def _html_setter(html_field: str):
    def store_html(target, value, oldvalue, initiator) -> None:
        setattr(target, html_field, _html_of(value, render_markdown))

    return store_html


def _html_of(source, render: Callable) -> str:
    if source is not None and not isinstance(source, str):
        raise TypeError("A Markdown field must be written as text, so that its html can be rendered")
    return str(render(source or ""))


def markdown_fields(model_or_table) -> tuple[str, ...]:
    """The Markdown fields of a model, a row or a table; none for any other."""
    if isinstance(model_or_table, sa.Table):
        return model_or_table.info.get("markdown_fields", ())
    return getattr(model_or_table, "markdown_fields", ())


def with_stored_html(model_or_table, values: dict, render: Callable | None = None) -> dict:
    """The values to write to a row, with the html of every Markdown source among them: for writes that bypass the
    ORM's attributes (an UPDATE in SQL, a bulk insert). `render` may be a `markdown_renderer` that remembers."""
    fields = [field for field in markdown_fields(model_or_table) if field in values]
    if not fields:
        return values
    return values | {f"{field}_html": _html_of(values[field], render or render_markdown) for field in fields}


def markdown_renderer(remember: int = 20_000, longest: int = 2_000) -> Callable[[str], str]:
    """`render_markdown` to a plain string, remembering the last short texts (a long one is rarely met twice, and
    memory stays small): for bulk writes that meet the same text many times, as generated data does. Each call
    gives a fresh memory."""
    remembered = lru_cache(maxsize=remember)(lambda source: str(render_markdown(source)))

    def render(source: str) -> str:
        return remembered(source) if len(source) <= longest else str(render_markdown(source))

    return render


def render_stored(
    connection, table: str, fields: Sequence[str], batch: int = 1000, commit: bool = False, render=None
) -> Iterator[tuple[int, int]]:
    """Render the stored html of a table's Markdown fields again from their sources, `batch` rows at a time in id
    order, writing only the html that changes; yields the rows read and the rows written after each batch.

    `connection` is a Connection or a Session (whose commits the site then sees as its own writes). A source changed
    meanwhile is left to the write that changed it (which stored its html). With `commit` every read and every write
    is a transaction of its own, so the site goes on working (on SQLite the write lock is held for one batch's
    UPDATE, not while rendering); without, it all happens in the caller's (a migration's)."""
    render = render or markdown_renderer()
    rows_of = sa.table(table, sa.column("id"), *(sa.column(name) for f in fields for name in (f, f"{f}_html")))
    read = sa.select(*rows_of.c).where(rows_of.c.id > sa.bindparam("after")).order_by(rows_of.c.id).limit(batch)
    writes = {
        field: sa.update(rows_of)
        .where(rows_of.c.id == sa.bindparam("row_id"), rows_of.c[field] == sa.bindparam("source"))
        .values({f"{field}_html": sa.bindparam("html")})
        for field in fields
    }
    after = 0
    while True:
        rows = connection.execute(read, {"after": after}).all()
        if commit:
            connection.commit()
        if not rows:
            return
        written = set()
        for number, field in enumerate(fields):
            changes = []
            for row in rows:
                source, stored = row[1 + 2 * number], row[2 + 2 * number]
                html = _html_of(source, render)
                if html != stored:
                    changes.append({"row_id": row[0], "source": source, "html": html})
                    written.add(row[0])
            if changes:
                connection.execute(writes[field], changes)
        if commit and written:
            connection.commit()
        after = rows[-1][0]
        yield len(rows), len(written)


def stored_html(row, field: str) -> Markup:
    """The HTML stored for one of a row's Markdown fields, ready for the page: `{{ thread|stored_html("body") }}`.
    The one place a user's text is marked safe: it was sanitised by `render_markdown` when written."""
    if field not in markdown_fields(row):
        raise TypeError(f"{type(row).__name__}.{field} is not a stored Markdown field")
    return Markup(getattr(row, f"{field}_html"))  # noqa: S704 - sanitised by render_markdown when written


def stored_excerpt(row, field: str, length: int = 200) -> str:
    """The first words of a stored Markdown field as plain text (escaped by the template), from its stored html:
    the same words `excerpt` finds in the source, without parsing the Markdown again (for feeds of many rows)."""
    return _plain(str(stored_html(row, field)), length)


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
