"""Live regions: parts of a page that poll and are re-rendered only when something visible changed.

A row that others watch keeps a `version` number, raised in the same transaction as every change anyone could
see (`bump(Model, id, version=1)`). The region's copy carries an ETag made of that version and of what makes this
viewer's copy differ; a poll sends it back as If-None-Match and an unchanged region answers 304 after one
indexed read of the version, with no user loaded and nothing rendered. Regions that look the same to everyone
who sees them are rendered once per version in each worker and reused. Views call this module; services never
see the request.
"""

import hashlib
import threading
from collections import OrderedDict

from flask import abort, make_response, request, session
from sqlalchemy import select

from community.core.htmx import wants_fragment
from community.core.i18n import LANG_COOKIE
from community.core.security import SESSION_TOKEN_KEY
from community.extensions import db

KEPT: list["RenderedCopies"] = []


class RenderedCopies:
    """The last few rendered copies of regions that look the same to everyone, by ETag. A copy under a version
    never goes stale, since every visible change raises the version."""

    def __init__(self, size: int = 64):
        self.size = size
        self.copies: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()
        KEPT.append(self)

    def get(self, tag: str) -> str | None:
        """The copy rendered for this tag, if this worker has it."""
        with self.lock:
            return self.copies.get(tag)

    def put(self, tag: str, body: str) -> None:
        """Keep a copy, forgetting the oldest beyond the size."""
        with self.lock:
            self.copies[tag] = body
            while len(self.copies) > self.size:
                self.copies.popitem(last=False)

    def clear(self) -> None:
        """Forget every copy (the tests empty the database between them)."""
        with self.lock:
            self.copies.clear()


class LiveRegion:
    """The live regions of one kind of watched row, named by the row's version column: today a dialogue
    session; an event's places left or a person's unread count would be one each."""

    def __init__(self, version_column):
        self.column = version_column
        self.model = version_column.class_
        self.copies = RenderedCopies()

    def version(self, row_id: int) -> int | None:
        """The row's version from one read that takes no write lock (None when there is no such row)."""
        # A poll is a GET, whose reads never take the lock (core/db.py); the option keeps a POST's region, read again
        # after its commit, from taking it too. It only applies when this read opens the transaction.
        options = {} if db.session().in_transaction() else {"execution_options": {"readonly": True}}
        connection = db.session.connection(**options)
        return connection.scalar(select(self.column).where(self.model.id == row_id))

    def tag(self, kind: str, row_id: int, *details: str, personal: bool = True) -> str:
        """The ETag a region's copy carries now: the row's version and what makes this viewer's copy differ (their
        sign-in unless the region is the same for everyone, their language), read without loading anyone; 404
        when there is no such row."""
        version = self.version(row_id)
        if version is None:
            abort(404)
        signed_in = str(session.get(SESSION_TOKEN_KEY) or "") if personal else ""
        viewer = "|".join([signed_in, request.cookies.get(LANG_COOKIE, ""), request.args.get("lang", ""), *details])
        digest = hashlib.sha256(viewer.encode()).hexdigest()[:16]
        return f"{kind}-{row_id}-{version}-{digest}"

    def not_modified(self, tag: str):
        """A 304 for a poll whose copy is still current, else None: the region has to be rendered again."""
        if not (wants_fragment() and tag in request.if_none_match):
            return None
        return self._marked(make_response("", 304), tag)

    def shared_copy(self, tag: str):
        """For a poll: a copy of a same-for-everyone region this worker has already rendered for this tag, ready to
        send (a whole page is never shared)."""
        body = self.copies.get(tag) if wants_fragment() else None
        return self._marked(make_response(body), tag) if body is not None else None

    def send(self, response, tag: str, shared: bool = False):
        """Mark a region's copy with its ETag, and keep it for the next poll when it is the same for all."""
        if shared and wants_fragment():
            self.copies.put(tag, response.get_data(as_text=True))
        return self._marked(response, tag)

    @staticmethod
    def _marked(response, tag: str):
        response.set_etag(tag)
        response.headers["Cache-Control"] = "no-store"
        return response


def forget_rendered_copies() -> None:
    """Empty every kept copy in this process (live regions and shared pages); the tests call it after emptying
    the database (after a backup is restored into a running site, restart its workers instead)."""
    for copies in KEPT:
        copies.clear()
