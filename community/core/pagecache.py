"""Pages that look the same to every visitor, rendered once per worker and content version and then reused.

Every transaction that writes public content moves one version number when it commits (the bookkeeping tables —
sign-in attempts, the mail outbox — do not count). A visitor's page is kept in each worker under its address,
language, htmx headers and that version, so a copy is never older than the last write: a hidden comment is gone
from the next request on. People signed in, a request with a message waiting to be shown, and anything but GET and
HEAD are never served a copy. The one part of such a page that differs per visitor, the CSRF token, is rendered as
a placeholder and filled in for each visitor; a copy in which a visitor's real token was printed is not kept. What
depends on the clock alone (upcoming events, "2 hours ago") is at most a minute old: a copy lives one minute. The
copies a worker keeps are bounded in bytes.

People signed in get their pages fresh, but the parts of them that look the same to everyone in the same position
(a comment as seen by a resident who neither wrote nor supported it; a list's rows) come from shared parts
(`shared_part`, a template's `{% call shared_part(name, key…) %}`), kept the same way under the same version.
"""

import secrets
import time
from functools import wraps

from flask import Response, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from community.core.htmx import wants_fragment
from community.core.live import RenderedCopies
from community.extensions import db

# Tables whose writes change nothing a visitor sees.
QUIET_TABLES = frozenset(
    {
        "content_versions",
        "digest_clocks",
        "email_preferences",
        "login_attempts",
        "login_sessions",
        "notifications",
        "outbox",
        "password_resets",
    }
)
WRITTEN = "content_written"
TOKEN_SLOT = f"csrf-slot-{secrets.token_hex(16)}"  # per process, so no text anyone writes can contain it
LARGEST_COPY = 1_000_000  # bytes; bigger pages are rendered each time
KEPT_BYTES = 32_000_000  # all of a worker's copies together
LIFETIME = 60  # seconds a copy may show what depends on the clock
KEPT_PART_BYTES = 16_000_000  # all of a worker's shared parts together
VERSION_READ = "content_version_read"


class ContentVersion(db.Model):
    """The one row whose number moves with every committed write of public content."""

    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class SharedPages(RenderedCopies):
    """The rendered visitor pages this worker keeps, (status, headers, body) by key, or the shared parts, text by
    key; the oldest forgotten first beyond a number of copies or of bytes."""

    def __init__(self, size: int, budget: int, measure=lambda copy: len(copy[2])):
        super().__init__(size)
        self.budget = budget
        self.measure = measure
        self.kept_bytes = 0

    def put(self, tag: str, copy) -> None:
        """Keep a copy, forgetting the oldest beyond the size or the byte budget."""
        with self.lock:
            if tag in self.copies:
                return
            self.copies[tag] = copy
            self.kept_bytes += self.measure(copy)
            while self.copies and (len(self.copies) > self.size or self.kept_bytes > self.budget):
                _, forgotten = self.copies.popitem(last=False)
                self.kept_bytes -= self.measure(forgotten)

    def clear(self) -> None:
        """Forget every copy."""
        with self.lock:
            self.copies.clear()
            self.kept_bytes = 0


PAGES = SharedPages(size=512, budget=KEPT_BYTES)
PARTS = SharedPages(size=20_000, budget=KEPT_PART_BYTES, measure=len)


def content_version() -> int | None:
    """The version of the public content, from one read of one row; read once per transaction."""
    info = db.session.info
    if VERSION_READ not in info:
        info[VERSION_READ] = db.session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1))
    return info[VERSION_READ]


def page_csrf_token() -> str:
    """The CSRF token for a template: a placeholder while a shared copy is rendered, else the visitor's own."""
    return TOKEN_SLOT if g.get("rendering_shared") else generate_csrf()


def _shareable() -> bool:
    """Whether this request may get (and make) a shared copy."""
    return (
        request.method in ("GET", "HEAD")
        and "_flashes" not in session
        and not g.get("rendering_shared")
        and not current_user.is_authenticated
    )


def _key(version: int) -> str:
    """What makes copies of this page differ: address and arguments, language, page or fragment (as the view
    decides it) and its target, content version, and the minute."""
    arguments = sorted(request.args.items(multi=True))
    shape = f"{wants_fragment()}|{request.headers.get('HX-Target', '')}"
    return f"{version}|{int(time.time() // LIFETIME)}|{get_locale()}|{shape}|{request.path}|{arguments}"


def _filled(body: bytes) -> bytes:
    """A page with this visitor's CSRF token in every placeholder."""
    if TOKEN_SLOT.encode() not in body:
        return body
    return body.replace(TOKEN_SLOT.encode(), generate_csrf().encode())


def _answer(status: int, headers: list, body: bytes):
    """A response made from a kept or fresh copy, with this visitor's token."""
    response = make_response(_filled(body), status)
    response.headers.clear()
    response.headers.extend(headers)
    response.headers.pop("Content-Length", None)
    response.set_data(response.get_data())  # recomputes Content-Length
    return response


def shared_part(name: str, *key, caller) -> Markup:
    """A part of a page rendered once per worker, content version, minute and language for everyone its key names
    alike (a template's `{% call shared_part("comment", comment.id, viewer_kind(current_user), …) %}`): the key must
    hold every fact about the viewer the part looks at. CSRF tokens in it are placeholders, filled in for each
    response. A transaction that has written public content and not committed renders its parts fresh."""
    version = None if db.session.info.get(WRITTEN) else content_version()
    if version is None:
        return caller()
    tag = f"{version}|{int(time.time() // LIFETIME)}|{get_locale()}|{name}|{key}"
    html = PARTS.get(tag)
    if html is None:
        shared_already = g.get("rendering_shared", False)
        g.rendering_shared = True
        try:
            html = caller()  # Markup: the template escaped what it printed
        finally:
            g.rendering_shared = shared_already
        PARTS.put(tag, html)
    g.token_slots = True
    return html


def fill_token_slots(response: Response) -> Response:
    """After a page made with shared parts: this person's CSRF token in their placeholders."""
    if g.pop("token_slots", False) and not g.get("rendering_shared") and not response.direct_passthrough:
        if not response.is_streamed and response.mimetype == "text/html":
            response.set_data(_filled(response.get_data()))
    return response


def shared_with_visitors(view=None, *, fragments: bool = True):
    """Serve a page that looks the same to every visitor from this worker's copy for the current content version,
    rendering it once when there is none; everyone else gets it rendered as always. `fragments=False` shares
    whole pages only, for a view whose htmx fragments have their own copies (a live region's polls)."""
    if view is None:
        return lambda wrapped: shared_with_visitors(wrapped, fragments=fragments)

    @wraps(view)
    def serve(*args, **kwargs):
        if (not fragments and wants_fragment()) or not _shareable():  # a fragment's own copies load no user
            return view(*args, **kwargs)
        version = content_version()
        if version is None:
            return view(*args, **kwargs)
        key = _key(version)
        copy = PAGES.get(key)
        if copy is None:
            g.rendering_shared = True
            try:
                response = make_response(view(*args, **kwargs))
            finally:
                g.rendering_shared = False
            if response.is_streamed or response.direct_passthrough:
                return response
            body = response.get_data()
            headers = [(name, value) for name, value in response.headers.items() if name.lower() != "set-cookie"]
            copy = (response.status_code, headers, body)
            own_token = g.get("csrf_token")  # made by a form built for the page, kept only if it is not printed
            keep = response.status_code == 200 and len(body) <= LARGEST_COPY
            keep = keep and not (own_token and own_token.encode() in body)
            if keep:
                PAGES.put(key, copy)
            answer = _answer(*copy)
            for cookie in response.headers.getlist("Set-Cookie"):
                answer.headers.add("Set-Cookie", cookie)
            return answer
        return _answer(*copy)

    return serve


def _note_orm_write(execute_state) -> None:
    """Mark the session when a statement it runs (a guarded update, a counter) writes public content."""
    if not (execute_state.is_insert or execute_state.is_update or execute_state.is_delete):
        return
    table = getattr(execute_state.statement, "table", None)
    if getattr(table, "name", None) not in QUIET_TABLES:
        execute_state.session.info[WRITTEN] = True


def _note_flush(session, flush_context) -> None:
    """Mark the session when a flush wrote public content."""
    for row in (*session.new, *session.dirty, *session.deleted):
        if getattr(row, "__tablename__", None) not in QUIET_TABLES:
            session.info[WRITTEN] = True
            return


def _move_version(session) -> None:
    """Before a commit that wrote public content, move the version in the same transaction."""
    session.flush()
    if session.info.pop(WRITTEN, False):
        session.execute(update(ContentVersion).where(ContentVersion.id == 1).values(version=ContentVersion.version + 1))


def _forget_writes(session, previous_transaction) -> None:
    """A rolled-back transaction wrote nothing; a savepoint (or a flush) rolled back inside one leaves the writes
    made before it."""
    if previous_transaction.parent is None:
        session.info.pop(WRITTEN, None)
        session.info.pop(VERSION_READ, None)


def _forget_version_read(session) -> None:
    """After a commit the version may have moved: the next part reads it again."""
    session.info.pop(VERSION_READ, None)


def content_changed(session) -> None:
    """Say that this session's transaction wrote public content by a way the session does not see (a bulk
    insert on its connection), so its commit moves the version."""
    session.info[WRITTEN] = True


def watch_content_writes() -> None:
    """Listen to every session's writes and commits (once per process)."""
    if event.contains(Session, "before_commit", _move_version):
        return
    event.listen(Session, "do_orm_execute", _note_orm_write)
    event.listen(Session, "after_flush", _note_flush)
    event.listen(Session, "before_commit", _move_version)
    event.listen(Session, "after_soft_rollback", _forget_writes)
    event.listen(Session, "after_commit", _forget_version_read)
