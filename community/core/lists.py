"""Reading a list's query string: the page number and filter values, each checked the same way everywhere.

Unknown or malformed values are ignored (the list is shown unfiltered), never an error.
"""

from dataclasses import dataclass

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
