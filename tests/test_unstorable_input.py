"""No character that a database or a feed cannot hold breaks a page. NUL, the other C0 controls, U+FFFE, U+FFFF
and (as the bytes a client would send for them) lone surrogates go through every query argument of every page
and every form field of every form, as a visitor, a resident and a moderator, and no answer is a 500.

The routes come from the app's URL map, so a new page or form is swept without touching this file; the fields
each form sends are read from the forms the pages show, with their own valid values, so the dirty text gets
past validation and into the database, where it would do its harm.
"""

from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.routing import AnyConverter

from community.events.models import ReceptionSlot
from community.extensions import db, limiter
from tests.factories import (
    PASSWORD,
    create_appeal,
    create_comment,
    create_dialogue,
    create_question,
    create_reception,
    create_thread,
)

UNSTORABLE = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ud800", "\udfff", "\ufffe", "\uffff"]
# Drawn examples per route and role, after the one with NUL: every route is swept, so this bounds the time.
EXAMPLES = 2
SWEEP = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# The query arguments the pages read, each with a value a page would understand.
QUERY_ARGUMENTS = {
    "place": "{village}",
    "district": "{district}",
    "q": "шам",
    "category": "roads",
    "state": "open",
    "sort": "new",
    "page": "2",
    "deputy": "{deputy}",
    "council": "region",
    "party": "Аманат",
    "status": "in_progress",
    "kind": "seminar",
    "organiser": "{organiser}",
    "when": "past",
    "month": "2026-09",
    "lang": "ru",
    "next": "/threads/",
    "all": "1",
    "stale": "1",
    "overdue": "1",
}
# What a browser puts in an empty input of a type, or in a field of a name, so the form validates.
FILL_BY_TYPE = {
    "text": "Шамалған ауылында көше шамдары жоқ",
    "textarea": "Абай көшесінде үш айдан бері шам жанбайды, балалар қараңғыда жүреді.",
    "date": "2026-09-01",
    "datetime-local": "2026-09-01T10:00",
    "number": "5",
    "url": "https://almobl.gov.kz/news/42",
    "email": "new-resident@example.kz",
    "password": PASSWORD,
}
FILL_BY_NAME = {
    "ends_at": "2026-09-01T12:00",
    "registration_closes_at": "2026-08-31T18:00",
    **dict.fromkeys(("online_url", "source_url", "evidence"), FILL_BY_TYPE["url"]),
}
# Moves that end what the other routes need (a thread, a session, the sign-in itself) are swept last, in this order.
LAST = ("moderation.", "threads.delete", "events.cancel", "dialogues.close", "accounts.password", "accounts.logout")


@pytest.fixture
def world(resident, moderator, deputy, deputy_profile, pledge, village):
    """Something of everything, so every URL with an id names a real row: a thread with a comment addressed to the
    deputy, a pledge, an event, a live dialogue with a question."""
    thread = create_thread(resident, village, addressed_to_id=deputy.id)
    dialogue = create_dialogue(moderator, village)
    event = create_reception(moderator, village)
    return SimpleNamespace(
        village=village,
        thread=thread,
        comment=create_comment(thread, resident),
        pledge=pledge,
        deputy=deputy_profile,
        event=event,
        slot=db.session.scalar(db.select(ReceptionSlot).filter_by(event_id=event.id).limit(1)),
        appeal=create_appeal(resident, deputy_profile, village, public=True),
        dialogue=dialogue,
        question=create_question(dialogue, resident),
        people={"resident": resident, "moderator": moderator},
    )


def ids(world) -> dict:
    return {
        "village": world.village.slug,
        "district": world.village.parent.slug,
        "deputy": str(world.deputy.id),
        "organiser": str(world.event.organiser_id),
    }


def urls(app, world, method: str) -> list[tuple[str, str]]:
    """(endpoint, URL) for every rule answering the method, its parts filled with the world's rows; a rule with
    an <any(…)> part once per choice."""
    values = {
        "thread_id": world.thread.id,
        "comment_id": world.comment.id,
        "pledge_id": world.pledge.id,
        "deputy_id": world.deputy.id,
        "event_id": world.event.id,
        "slot_id": world.slot.id,
        "appeal_id": world.appeal.id,
        "notification_id": 1,
        "session_id": world.dialogue.id,
        "question_id": world.question.id,
        "user_id": world.thread.author_id,
        "slug": world.village.slug,
        "locality_id": world.village.id,
        "token": "no-such-token",
        "token_hash": "0" * 64,
        "action": "hide",
        "filename": "css/site.css",
    }
    found = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods:
            continue
        choices = [{}]
        for name, converter in rule._converters.items():  # werkzeug keeps a rule's converters there, by part
            if isinstance(converter, AnyConverter):
                choices = [{**choice, name: item} for choice in choices for item in sorted(converter.items)]
        for choice in choices:
            filled = {**values, "slug": world.thread.slug if "thread_id" in rule.arguments else values["slug"]}
            found.append((rule.endpoint, rule.build({**filled, **choice}, append_unknown=False)[1]))
    return sorted(found, key=lambda found: (_rank(found[0]), found))


def _rank(endpoint: str) -> int:
    return next((rank for rank, prefix in enumerate(LAST, 1) if endpoint.startswith(prefix)), 0)


class PostForms(HTMLParser):
    """The POST forms of a page: where each goes and what a browser would send, empty inputs filled to validate."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: dict[str, dict[str, str]] = {}
        self._fields: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        name = attrs.get("name", "")
        if tag == "form":
            post = attrs.get("method", "").lower() == "post"
            action = urlsplit(urljoin(self.page_url, attrs.get("action", ""))).path
            self._fields = self.forms.setdefault(action, {}) if post else None
        elif self._fields is None:
            return
        elif tag == "option":
            if self._select and attrs.get("value") and (not self._fields.get(self._select) or "selected" in attrs):
                self._fields[self._select] = attrs["value"]
        elif not name or name == "csrf_token":
            return
        elif tag == "input" and attrs.get("type") not in ("file", "image", "reset"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio", "submit", "button"):
                self._fields.setdefault(name, attrs.get("value", "y"))
            else:
                filled = attrs.get("value") or FILL_BY_NAME.get(name) or FILL_BY_TYPE.get(kind, "")
                self._fields.setdefault(name, filled)
        elif tag == "button":
            self._fields.setdefault(name, attrs.get("value", ""))
        elif tag == "textarea":
            self._fields.setdefault(name, FILL_BY_NAME.get(name) or FILL_BY_TYPE["textarea"])
        elif tag == "select":
            self._select = name

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def forms_shown(client, page_urls) -> dict[str, dict[str, str]]:
    """Every POST form the pages show this client, by the path it posts to."""
    forms: dict[str, dict[str, str]] = {}
    for url in page_urls:
        collector = PostForms(url)
        collector.feed(client.get(url).get_data(as_text=True))
        for action, fields in collector.forms.items():
            forms.setdefault(action, {}).update(fields)
    return forms


def sent(text: str) -> bytes:
    """The bytes a client sends for a text; a lone surrogate as the three bytes a careless encoder writes."""
    return text.encode("utf-8", "surrogatepass")


def dirtied(text: str, dirt: str, where: str) -> str:
    """The text with the dirt at its start, in its middle, at its end, or in its place."""
    half = len(text) // 2
    return {"start": dirt + text, "middle": text[:half] + dirt + text[half:], "end": text + dirt, "only": dirt}[where]


def sweep(client, method: str, url: str, fields: dict[str, str]) -> None:
    """Send the fields to the URL, as query arguments (GET) or a form (POST): first with a NUL at the start of every
    value, then with a few unstorable characters Hypothesis chooses, where it chooses, in every value and maybe in
    every name (cleaned, a name is the field's own again). No answer may be a 500."""

    @SWEEP
    @example(dirt="\x00", where="start", names_too=False)  # what PostgreSQL refuses outright
    @given(
        dirt=st.text(st.sampled_from(UNSTORABLE), min_size=1, max_size=3),
        where=st.sampled_from(["start", "middle", "end", "only"]),
        names_too=st.booleans(),
    )
    def no_500(dirt: str, where: str, names_too: bool):
        name_where = "middle" if where == "only" else where
        dirty = {
            sent(dirtied(name, dirt, name_where) if names_too else name): sent(dirtied(value, dirt, where))
            for name, value in fields.items()
        }
        response = client.get(url, query_string=dirty) if method == "GET" else client.submit(url, dirty)
        assert response.status_code < 500, f"{method} {url} {dirty!r}: {response.status_code}"

    no_500()


# A page reads the same query arguments whoever asks, and a visitor's and a moderator's sweeps ask every list and
# feed; a resident's forms are swept but not their pages, which keeps the test within its time.
@pytest.mark.parametrize(
    "role, sweeps_pages",
    [("visitor", True), ("resident", False), ("moderator", True)],
    ids=["visitor", "resident", "moderator"],
)
def test_no_unstorable_character_in_a_query_or_a_form_is_a_500(app, client_as, world, role, sweeps_pages, monkeypatch):
    monkeypatch.setattr(limiter, "enabled", False)  # a 429 would hide what the view does with the text
    client = client_as(world.people.get(role, role))
    known = ids(world)
    arguments = {name: value.format(**known) for name, value in QUERY_ARGUMENTS.items()}
    pages = urls(app, world, "GET")
    forms = forms_shown(client, [url for _, url in pages])
    # Every field name any form has, so each form is also sent the others' fields, as a crafted request could be.
    every_field = {name: value for fields in forms.values() for name, value in fields.items()}

    for _, url in pages if sweeps_pages else ():
        sweep(client, "GET", url, arguments)
    for _, url in urls(app, world, "POST"):
        sweep(client, "POST", url, {**every_field, **forms.get(url, {})})
