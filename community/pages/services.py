"""The texts' versions and the open-data catalogue: every export and feed, its fields, and when its data changed."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from community.appeals.models import LISTED, Appeal
from community.core.i18n import current_lang
from community.dialogues.models import Question, QuestionState
from community.dialogues.queries import MINUTES_FIELDS
from community.events.models import Event, RegistrationState
from community.extensions import db
from community.pledges.models import Council, Pledge, PledgeCategory, PledgeStatus, PledgeUpdate
from community.pledges.queries import EXPORT_FIELDS
from community.threads.models import Category, Thread

# The versions of the texts an account accepts; a registration records them. Change one with its text (all
# three languages at once): the date the new text takes effect.
RULES_VERSION = "2026-11-27"
PRIVACY_VERSION = "2026-11-27"
TERMS_VERSION = "2026-11-27"

# The languages the long texts are written in (templates/pages/<page>/<lang>.html); any other shows Kazakh.
TEXT_LANGUAGES = ("kk", "ru", "en")


@dataclass(frozen=True)
class TextPage:
    """A page of text: its title (also the footer link's), the date its text last changed, and whether that date
    is a version an account accepts."""

    title: str
    changed: str
    versioned: bool = False

    @property
    def changed_on(self) -> date:
        return date.fromisoformat(self.changed)


PAGES = {
    "about": TextPage(_l("About the site"), "2026-11-27"),
    "rules": TextPage(_l("Site rules"), RULES_VERSION, versioned=True),
    "privacy": TextPage(_l("Privacy"), PRIVACY_VERSION, versioned=True),
    "terms": TextPage(_l("Terms of use"), TERMS_VERSION, versioned=True),
    "accessibility": TextPage(_l("Accessibility"), "2026-11-27"),
    "contact": TextPage(_l("Contact"), "2026-11-27"),
    "data": TextPage(_l("Open data"), "2026-11-27"),
}


def text_language() -> str:
    """The language a page's text is shown in: the chosen one when the text is written in it, else Kazakh."""
    lang = current_lang()
    return lang if lang in TEXT_LANGUAGES else "kk"


def newest_pledge_change() -> datetime | None:
    """When a pledge was last added or updated: the maximum of the indexed `pledges.last_update_at`."""
    return db.session.scalar(db.select(func.max(Pledge.last_update_at)))


def newest_pledge_update() -> datetime | None:
    """When the newest pledge update was written: the maximum of the indexed `pledge_updates.created_at`."""
    return db.session.scalar(db.select(func.max(PledgeUpdate.created_at)))


def newest_listed_thread() -> datetime | None:
    """When the newest listed local issue was started: the first key of the list's "newest" index (its order)."""
    return db.session.scalar(
        db.select(Thread.created_at)
        .where(Thread.hidden_at.is_(None), Thread.pledge_id.is_(None))
        .order_by(Thread.created_at.desc(), Thread.id.desc())
        .limit(1)
    )


def newest_public_appeal() -> datetime | None:
    """When a listed public appeal last moved: the first key of the public list's index (its order)."""
    return db.session.scalar(
        db.select(Appeal.last_activity_at).where(LISTED).order_by(Appeal.last_activity_at.desc()).limit(1)
    )


def newest_published_event() -> datetime | None:
    """When an event was last published: the maximum of the indexed `events.published_at`."""
    return db.session.scalar(db.select(func.max(Event.published_at)))


def newest_question() -> datetime | None:
    """When the newest dialogue question was asked: the row with the highest id, read from the primary key."""
    return db.session.scalar(db.select(Question.created_at).order_by(Question.id.desc()).limit(1))


PLEDGE_FIELDS = EXPORT_FIELDS
PLEDGE_CODES = {"council": tuple(Council), "category": tuple(PledgeCategory), "status": tuple(PledgeStatus)}
CALENDAR_FIELDS = ("UID", "SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "LOCATION", "DESCRIPTION", "URL", "STATUS")


@dataclass(frozen=True)
class Export:
    """One file or feed the site gives out. Its description and its fields' meanings are in
    templates/pages/data/<lang>.html under `key` and `group`; `newest` tells when its data last changed (None: not
    told), `codes` the codes a field takes; `open_data` False marks a working file that is not public."""

    key: str
    endpoint: str
    kind: str
    group: str
    fields: tuple[str, ...]
    newest: Callable[[], datetime | None] | None = None
    codes: dict = field(default_factory=dict)
    open_data: bool = True


EXPORTS = (
    Export("pledges_csv", "pledges.export_csv", "CSV", "pledges", PLEDGE_FIELDS, newest_pledge_change, PLEDGE_CODES),
    Export("pledges_json", "pledges.export_json", "JSON", "pledges", PLEDGE_FIELDS, newest_pledge_change, PLEDGE_CODES),
    Export(
        "pledges_atom",
        "pledges.feed",
        "Atom",
        "pledge_feed",
        ("title", "id", "link", "updated", "author", "summary"),
        newest_pledge_update,
    ),
    Export(
        "threads_atom",
        "threads.feed",
        "Atom",
        "thread_feed",
        ("title", "id", "link", "published", "updated", "author", "category", "summary"),
        newest_listed_thread,
        {"category": tuple(Category)},
    ),
    Export(
        "appeals_atom",
        "appeals.feed",
        "Atom",
        "appeal_feed",
        ("title", "id", "link", "published", "updated", "author", "category", "summary"),
        newest_public_appeal,
        {"category": tuple(Category)},
    ),
    Export("events_ics", "events.feed_ics", "iCalendar", "calendar", CALENDAR_FIELDS, newest_published_event),
    Export("event_ics", "events.event_ics", "iCalendar", "calendar", CALENDAR_FIELDS, newest_published_event),
    Export("booking_ics", "events.slot_ics", "iCalendar", "calendar", CALENDAR_FIELDS, open_data=False),
    Export(
        "minutes_csv",
        "dialogues.minutes_csv",
        "CSV",
        "minutes",
        MINUTES_FIELDS,
        newest_question,
        {"state": (QuestionState.APPROVED, QuestionState.ANSWERED, QuestionState.PROMISED)},
    ),
    Export(
        "registrants_csv",
        "events.registrants_csv",
        "CSV",
        "registrants",
        ("name", "email", "state", "registered_at", "attended"),
        codes={"state": (RegistrationState.GOING, RegistrationState.WAITING)},
        open_data=False,
    ),
    Export(
        "own_data_json",
        "accounts.own_data_export",
        "JSON",
        "own_data",
        (
            "exported_at",
            "account",
            "sign_in_sessions",
            "threads",
            "comments",
            "thread_supports",
            "comment_supports",
            "follows",
            "followed",
            "event_registrations",
            "dialogue_questions",
            "dialogue_votes",
            "pledge_updates",
            "pledge_update_reactions",
            "appeals",
            "appeal_messages",
            "appeal_supports",
            "reception_bookings",
            "flags_sent",
        ),
        open_data=False,
    ),
)


@dataclass(frozen=True)
class ListedExport:
    """An export as the open-data page shows it: its address pattern, a link when it takes no arguments, and when
    its data last changed."""

    export: Export
    pattern: str
    url: str | None
    changed: datetime | None


def address_pattern(rule: str) -> str:
    """A URL rule as people read it: `/events/<int:event_id>.ics` becomes `/events/<event_id>.ics`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"<\1>", rule)


def export_catalogue() -> list[ListedExport]:
    """Every export, in EXPORTS' order, with when its data last changed: one indexed query per kind of data."""
    newest: dict = {}
    listed = []
    for export in EXPORTS:
        rule = next(current_app.url_map.iter_rules(export.endpoint))
        if export.newest and export.newest not in newest:
            newest[export.newest] = export.newest()
        listed.append(
            ListedExport(
                export,
                address_pattern(rule.rule),
                None if rule.arguments else url_for(export.endpoint),
                newest.get(export.newest),
            )
        )
    return listed
