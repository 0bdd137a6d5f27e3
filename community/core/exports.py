"""CSV and JSON answers: every cell made safe for spreadsheets, large lists streamed, files named."""

import csv
import io
import json
from collections.abc import Iterator

from flask import Response, stream_with_context

from community.core.text import spreadsheet_safe


def csv_response(header, rows, filename: str | None = None, stream: bool = False) -> Response:
    """Rows (sequences in the header's order, or dicts keyed by it) as UTF-8 CSV, each cell spreadsheet-safe;
    streamed a row at a time when asked, and offered as a download named `filename`."""

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in rows:
            cells = [row[name] for name in header] if isinstance(row, dict) else row
            writer.writerow([spreadsheet_safe(cell) for cell in cells])
            if stream:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate(0)
        yield buffer.getvalue()

    body = stream_with_context(lines()) if stream else "".join(lines())
    return _named(Response(body, mimetype="text/csv"), filename)


def json_response(rows, filename: str | None = None) -> Response:
    """Rows (dicts) as a UTF-8 JSON array, streamed a row at a time."""

    def parts():
        yield "["
        for number, row in enumerate(rows):
            yield ("," if number else "") + json.dumps(row, ensure_ascii=False)
        yield "]"

    return _named(Response(stream_with_context(parts()), mimetype="application/json"), filename)


def json_sections_response(sections, filename: str | None = None) -> Response:
    """Named sections, (name, value) pairs, as one UTF-8 JSON object, streamed: a value that is an iterator (a
    query's rows, read as they come) becomes an array written a row at a time, any other value is written whole."""

    def parts():
        yield "{"
        for number, (name, value) in enumerate(sections):
            yield ("," if number else "") + json.dumps(name) + ":"
            if isinstance(value, Iterator):
                yield "["
                for index, row in enumerate(value):
                    yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
                yield "]"
            else:
                yield json.dumps(value, ensure_ascii=False)
        yield "}"

    return _named(Response(stream_with_context(parts()), mimetype="application/json"), filename)


def file_response(body, mimetype: str, filename: str) -> Response:
    """Any other file (a calendar, say) offered as a download with its name."""
    return _named(Response(body, mimetype=mimetype), filename)


def _named(response: Response, filename: str | None) -> Response:
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
