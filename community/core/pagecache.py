"""Pages that look the same to every visitor, rendered once per worker and content version and then reused.

Every transaction that writes public content moves one version number when it commits (the bookkeeping tables —
sign-in attempts, the mail outbox — do not count). A visitor's page is kept in each worker under its address,
language, htmx headers and that version, so a copy is never older than the last write: a hidden comment is gone
from the next request on. People signed in, a request with a message waiting to be shown, and anything but GET and
HEAD are never served a copy. The one part of such a page that differs per visitor, the CSRF token, is rendered as
a placeholder and filled in for each visitor; a copy in which a visitor's real token was printed is not kept.
"""

import secrets
from functools import wraps

from flask import g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from community.core.live import RenderedCopies
from community.extensions import db

# Tables whose writes change nothing a visitor sees.
QUIET_TABLES = frozenset({"content_versions", "login_attempts", "outbox"})
WRITTEN = "content_written"
TOKEN_SLOT = f"csrf-slot-{secrets.token_hex(16)}"  # per process, so no text anyone writes can contain it
LARGEST_COPY = 1_000_000  # bytes; bigger pages are rendered each time


class ContentVersion(db.Model):
    """The one row whose number moves with every committed write of public content."""

    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class SharedPages(RenderedCopies):
    """The rendered visitor pages this worker keeps: (status, headers, body) by address, language and version."""


PAGES = SharedPages(size=256)


def content_version() -> int | None:
    """The version of the public content, from one read of one row."""
    return db.session.scalar(select(ContentVersion.version).where(ContentVersion.id == 1))


def page_csrf_token() -> str:
    """The CSRF token for a template: a placeholder while a shared copy is rendered, else the visitor's own."""
    return TOKEN_SLOT if g.get("rendering_shared") else generate_csrf()


def _shareable() -> bool:
    """Whether this request may get (and make) a shared copy."""
    return (
        request.method in ("GET", "HEAD")
        and not current_user.is_authenticated
        and "_flashes" not in session
        and not g.get("rendering_shared")
    )


def _key(version: int) -> str:
    """What makes copies of this page differ: address, language, htmx headers, content version."""
    headers = "|".join(request.headers.get(name, "") for name in ("HX-Request", "HX-Target", "HX-Boosted"))
    return f"{version}|{get_locale()}|{headers}|{request.path}?{request.query_string.decode('latin-1')}"


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


def shared_with_visitors(view):
    """Serve a page that looks the same to every visitor from this worker's copy for the current content version,
    rendering it once when there is none; everyone else gets it rendered as always."""

    @wraps(view)
    def serve(*args, **kwargs):
        if not _shareable():
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


def _forget_writes(session, *_) -> None:
    """A rolled-back transaction wrote nothing."""
    session.info.pop(WRITTEN, None)


def watch_content_writes() -> None:
    """Listen to every session's writes and commits (once per process)."""
    if event.contains(Session, "before_commit", _move_version):
        return
    event.listen(Session, "do_orm_execute", _note_orm_write)
    event.listen(Session, "after_flush", _note_flush)
    event.listen(Session, "before_commit", _move_version)
    event.listen(Session, "after_rollback", _forget_writes)
    event.listen(Session, "after_soft_rollback", _forget_writes)
