"""The admin's reads of the locality tree: a page of it in tree order with its filters, each place's counts of
issues, events and accounts, its audit entries, and what points at it."""

from dataclasses import dataclass

from sqlalchemy import func, literal, select, union_all

from community.accounts.models import User
from community.admin.locality_references import POLYMORPHIC, REFERENCE_LABELS, reference_label, references
from community.admin.models import AuditEntry
from community.core.lists import Keyset, ListFilters, enum_arg, id_arg, text_arg
from community.events.models import Event
from community.extensions import db
from community.places.models import Locality, LocalityKind
from community.places.services import all_localities, tree_order
from community.threads.models import Thread

PER_PAGE = 50


RECENT = 10


# The counts the admin's tree shows for each place: (name, the column pointing at it).
LISTED = (("issues", Thread.locality_id), ("events", Event.locality_id), ("accounts", User.locality_id))


@dataclass
class LocalityFilters(ListFilters):
    """What the admin's tree is narrowed to: a text in any of the names or the slug, a kind of place."""

    q: str = ""
    kind: LocalityKind | None = None

    @classmethod
    def from_args(cls, args) -> "LocalityFilters":
        """Read the filters from a query string; unknown values are ignored."""
        return cls(text_arg(args, "q", 100), enum_arg(LocalityKind, args.get("kind")))

    def query_values(self) -> dict:
        """The filters as query arguments."""
        return {"q": self.q, "kind": self.kind.value if self.kind else None}

    def matches(self, locality: Locality) -> bool:
        """Whether a place passes the filters (the text in any language, any case)."""
        if self.kind is not None and locality.kind is not self.kind:
            return False
        words = self.q.casefold()
        texts = (locality.slug, locality.name_kk, locality.name_ru, locality.name_en)
        return not words or any(words in text.casefold() for text in texts)


@dataclass
class TreePage(Keyset):
    """A page of the tree in tree order, with how many places matched and every place by id (for ancestors)."""

    found: int = 0
    by_id: dict | None = None

    def ancestors(self, locality: Locality) -> list[Locality]:
        """The place's ancestors from the top down, from the tree already read."""
        ids = [int(part) for part in locality.path.strip("/").split("/")[:-1]]
        return [self.by_id[number] for number in ids if number in (self.by_id or {})]


def tree_page(filters: LocalityFilters, args, per_page: int = PER_PAGE) -> TreePage:
    """One page of the tree for admins, in tree order, after the place named by `?after=` or ending before the one
    named by `?before=` (by id). The whole tree is read in one query, as every form's locality picker reads it: a
    region's places are a few thousand rows at most, and tree order is made in Python."""
    everything = tree_order(all_localities())
    found = [locality for locality in everything if filters.matches(locality)]
    position = {locality.id: index for index, locality in enumerate(found)}
    after, before = id_arg(args.get("after")), id_arg(args.get("before"))
    if after in position:
        start = end = position[after] + 1
        end += per_page
    elif before in position:
        end = position[before]
        start = max(0, end - per_page)
    else:
        start, end = 0, per_page
    items = found[start:end]
    return TreePage(
        items=items,
        newer=str(items[0].id) if items and start > 0 else None,
        older=str(items[-1].id) if items and end < len(found) else None,
        first=start == 0,
        found=len(found),
        by_id={locality.id: locality for locality in everything},
    )


def listed_counts(ids: list[int]) -> dict[int, dict[str, int]]:
    """How many issues, events and accounts point at each of these places, in one grouped query over the
    (locality) indexes: {id: {"issues": n, "events": n, "accounts": n}}."""
    counts = {number: dict.fromkeys((name for name, _ in LISTED), 0) for number in ids}
    if not ids:
        return counts
    pointing = union_all(
        *(
            select(column.label("locality_id"), literal(name).label("kind")).where(column.in_(ids))
            for name, column in LISTED
        )
    ).subquery()
    rows = db.session.execute(
        select(pointing.c.locality_id, pointing.c.kind, func.count()).group_by(pointing.c.locality_id, pointing.c.kind)
    )
    for locality_id, kind, count in rows:
        counts[locality_id][kind] = count
    return counts


def locality_subject(locality: Locality) -> str:
    """The subject an entry about a place carries."""
    return f"locality:{locality.id}"


def locality_entries(locality: Locality) -> list[AuditEntry]:
    """The place's latest audit entries, newest first."""
    statement = db.select(AuditEntry).where(AuditEntry.subject == locality_subject(locality))
    return list(db.session.scalars(statement.order_by(AuditEntry.id.desc()).limit(RECENT)))


def pointing_at(locality: Locality) -> list[tuple[str, str, int]]:
    """(key, label, how many rows) for everything that points at the place and would follow it into a merge: every
    foreign key, the follows, and the places directly within it; one count per kind of row."""
    found = []
    for table, column in references():
        count = db.session.scalar(select(func.count()).select_from(table).where(column == locality.id))
        found.append((f"{table.name}.{column.name}", reference_label(table, column), count))
    for table, name, about in POLYMORPHIC:
        count = db.session.scalar(select(func.count()).where(about(table), table.c[name] == locality.id))
        found.append((f"{table.name}.{name}", reference_label(table, table.c[name]), count))
    children = db.session.scalar(select(func.count()).where(Locality.parent_id == locality.id))
    found.append(("localities.parent_id", str(REFERENCE_LABELS["localities.parent_id"]), children))
    return found


def places_within(locality: Locality) -> int:
    """How many places lie within the place, at any depth (from the path index)."""
    return db.session.scalar(
        select(func.count()).where(Locality.path.startswith(locality.path, autoescape=True), Locality.id != locality.id)
    )
