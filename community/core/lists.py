"""Reading a list's query string and its pages: the page number, filter values and keyset cursors, each checked
the same way everywhere, and the pieces that keep a deep list's page as cheap as its first.

Unknown or malformed values are ignored (the list is shown unfiltered, or from its start), never an error.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, literal, select, tuple_
from sqlalchemy.types import TypeDecorator

from community.extensions import db

MAX_PAGE = 10_000


def page_number(args, name: str = "page") -> int:
    """The page asked for, 1 when missing or not a sensible number (`isdecimal`, so `²` is no number)."""
    value = args.get(name, "")
    return int(value) if value.isdecimal() and 0 < int(value) < MAX_PAGE else 1


def id_arg(value: str | None) -> int | None:
    """A row id given in the query string, or None when it is not one."""
    value = (value or "").strip()
    return int(value) if value.isdecimal() and len(value) < 10 else None


def enum_arg(enum_class, value: str | None):
    """The member of an Enum whose value was given, or None."""
    return next((member for member in enum_class if member.value == value), None)


def choice_arg(value: str | None, choices, default: str) -> str:
    """One of a fixed list of words (a sort order, a view), else the default."""
    return value if value in choices else default


def text_arg(args, name: str, length: int) -> str:
    """A free text argument, trimmed and cut to a length."""
    return args.get(name, "").strip()[:length]


@dataclass
class ListFilters:
    """The base of every list's filters: `query_values()` says the filters as query arguments, and `args()`
    gives them for links to other pages and sorts, with changes and without the empty ones."""

    def query_values(self) -> dict:
        """The filters as query arguments; None for a filter that is not set."""
        raise NotImplementedError

    def args(self, **changes) -> dict:
        """The filters as query arguments, for links to other pages, sorts and exports."""
        values = {**self.query_values(), **changes}
        return {key: value for key, value in values.items() if value}


# A cursor names the last (or first) row of a page by the values of the list's order, e.g. `20261127153000123456.4051`
# for (last activity, id); the next page starts strictly beyond it, read from the index without an OFFSET.
_CURSOR_TIME = "%Y%m%d%H%M%S%f"
_CURSOR_DAY = "%Y%m%d"


def _encode_key(value) -> str:
    """One order value in a cursor: a time in UTC to the microsecond, a day, or a whole number."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(_CURSOR_TIME)
    if isinstance(value, date):
        return value.strftime(_CURSOR_DAY)
    return str(int(value))


def _decode_key(text: str, python_type):
    """One order value read back from a cursor; ValueError when it is not one."""
    if python_type is datetime:
        return datetime.strptime(text, _CURSOR_TIME).replace(tzinfo=UTC)
    if python_type is date:
        return datetime.strptime(text, _CURSOR_DAY).date()
    if not text.lstrip("-").isdecimal() or len(text) > 18:
        raise ValueError(text)
    return int(text)


def encode_cursor(row, keys) -> str:
    """The cursor of a row for a list ordered by these columns."""
    return ".".join(_encode_key(getattr(row, key.key)) for key in keys)


def _python_type(key):
    """The Python type of a column's values, looking through a type decorator such as UTCDateTime."""
    column_type = key.type
    return (column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type).python_type


def decode_cursor(text: str | None, keys) -> tuple | None:
    """The order values a cursor names, or None when it is missing or malformed (the list starts over)."""
    parts = (text or "").split(".")
    if not text or len(parts) != len(keys) or len(text) > 200:
        return None
    try:
        return tuple(_decode_key(part, _python_type(key)) for part, key in zip(parts, keys, strict=True))
    except (ValueError, OverflowError):
        return None


@dataclass
class Keyset:
    """One page of a list read by its order's values rather than by an OFFSET, so a deep page costs what the first
    does: its rows, the cursor of the page before (`newer`) and after (`older`), and whether it is the start."""

    items: list = field(default_factory=list)
    newer: str | None = None
    older: str | None = None
    first: bool = True

    @property
    def has_next(self) -> bool:
        """Whether rows follow this page."""
        return self.older is not None


def keyset_page(statement, keys, args, per_page: int, descending: bool = True) -> Keyset:
    """One page of a list ordered by `keys` (columns ending in the row's id, all in one direction), starting after
    the cursor in `?after=` or ending before the one in `?before=`; an index on the keys serves any depth. Two
    queries: the page's keys, then its rows."""
    after = decode_cursor(args.get("after"), keys)
    before = decode_cursor(args.get("before"), keys) if after is None else None
    row_keys = tuple_(*keys)

    def beyond(values, later: bool):
        bound = tuple_(*(literal(value, key.type) for value, key in zip(values, keys, strict=True)))
        return row_keys < bound if later else row_keys > bound

    backwards = before is not None
    if after is not None:
        statement = statement.where(beyond(after, descending))
    elif backwards:
        statement = statement.where(beyond(before, not descending))
    reading_down = descending != backwards
    order = [key.desc() if reading_down else key.asc() for key in keys]
    # The page's keys first, from the index alone where it covers the filter, then only those rows in full:
    # a filter that matches thousands of rows sorts their keys, never their texts.
    found = db.session.execute(statement.with_only_columns(*keys).order_by(*order).limit(per_page + 1)).all()
    more = len(found) > per_page
    ids = [values[-1] for values in found[:per_page]]
    by_id = {getattr(row, keys[-1].key): row for row in db.session.scalars(statement.where(keys[-1].in_(ids))).unique()}
    rows = [by_id[row_id] for row_id in ids if row_id in by_id]
    if backwards:
        rows.reverse()
    if not rows:
        return Keyset(first=after is None and before is None)
    newer_exists = more if backwards else after is not None
    older_exists = True if backwards else more
    return Keyset(
        items=rows,
        newer=encode_cursor(rows[0], keys) if newer_exists else None,
        older=encode_cursor(rows[-1], keys) if older_exists else None,
        first=not newer_exists,
    )


COUNT_CAP = 1000


def capped_count(statement, cap: int = COUNT_CAP, order=()) -> tuple[int, bool]:
    """How many rows a list's query finds, counting no further than `cap`: (the count, whether there are more).
    Given the list's order, the count walks the index that serves it (and that also holds the filtered columns)
    rather than whatever the planner would guess for an unordered count."""
    bounded = statement.with_only_columns(literal(1), maintain_column_froms=True).order_by(*order).limit(cap + 1)
    bounded = bounded.subquery()
    found = db.session.scalar(select(func.count()).select_from(bounded)) or 0
    return min(found, cap), found > cap
