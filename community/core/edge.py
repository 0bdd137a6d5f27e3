"""The edge where text from outside comes in: nothing a database column or a feed cannot hold gets past it.

Query arguments and form fields, names and values, are made `storable` as the request parses them, so views,
forms, filters and the CSRF check only ever see the cleaned copies. A URL path holding such a character is a 404.
What each kind gets, and why:

- form fields are cleaned, not refused: a resident who pastes a text from a word processor with a stray control
  character in it keeps the post;
- query arguments are cleaned too: a link with `%00` in it still shows the list, as an unknown filter value does;
- a URL path names a page by its parts (a slug, a token), and a part with such a character names none: 404;
- uploaded files, the raw body and the headers are left as sent; the one header stored, the User-Agent of a
  sign-in, is cleaned where it is stored (`accounts.sessions.sign_in`).
"""

from urllib.parse import parse_qsl

from flask import Request, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from werkzeug.utils import cached_property

from community.core.text import has_unstorable, storable


class StorableRequest(Request):
    """The app's request: `args` and `form` (and so `values`) come back storable; `files` as uploaded.

    A query string with raw bytes that are not UTF-8 is read with replacement characters, as werkzeug reads the
    path, where werkzeug would raise. (A form body with such bytes is read by werkzeug as an empty form.)
    """

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """The query arguments, names and values made storable."""
        pairs = parse_qsl(
            self.query_string.decode(errors="replace"),
            keep_blank_values=True,
            errors="werkzeug.url_quote",  # as werkzeug: a %-escape that is not UTF-8 stays as it was written
        )
        return self.parameter_storage_class(_storable_pairs(pairs))

    def _load_form_data(self) -> None:
        """Parse the body once, as werkzeug does, then keep its form fields storable; files are untouched."""
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = self.parameter_storage_class(_storable_pairs(self.__dict__["form"].items(multi=True)))


def _storable_pairs(pairs) -> list[tuple[str, str]]:
    return [(storable(name), storable(value)) for name, value in pairs]


def refuse_unstorable_path() -> None:
    """Before any view reads a URL part: a path holding an unstorable character names no page, so 404."""
    if has_unstorable(request.path):
        raise NotFound()
