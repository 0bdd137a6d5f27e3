"""Queries over the locality tree that every domain's lists use."""

from sqlalchemy import Select

from community.extensions import db
from community.places.models import Locality
from community.places.names import english_name


def all_localities() -> list[Locality]:
    """Every locality in tree order (each parent before its children), in one query."""
    return list(db.session.scalars(db.select(Locality).order_by(Locality.path)))


def tree_order(localities: list[Locality]) -> list[Locality]:
    """Order localities depth-first, siblings alphabetically by their Kazakh name."""
    by_parent: dict[int | None, list[Locality]] = {}
    for locality in localities:
        by_parent.setdefault(locality.parent_id, []).append(locality)
    ordered: list[Locality] = []

    def walk(parent_id):
        for child in sorted(by_parent.get(parent_id, []), key=lambda loc: loc.name_kk):
            ordered.append(child)
            walk(child.id)

    walk(None)
    return ordered


def subtree_ids(locality: Locality) -> list[int]:
    """The ids of a locality and its descendants, read from the path index."""
    return list(
        db.session.scalars(db.select(Locality.id).where(Locality.path.startswith(locality.path, autoescape=True)))
    )


def within(statement: Select, column, locality: Locality | None) -> Select:
    """Narrow a query to rows whose locality column is the locality or one of its descendants. The ids are
    resolved first, so the planner sees a plain list it can match against a (locality, order) index; a root
    that is the only root narrows nothing and adds no condition."""
    if locality is None:
        return statement
    if locality.parent_id is None:
        other_roots = db.select(Locality.id).where(Locality.parent_id.is_(None), Locality.id != locality.id)
        if db.session.scalar(other_roots.limit(1)) is None:
            return statement
    return statement.where(column.in_(subtree_ids(locality)))


def create_locality(parent: Locality | None, **fields) -> Locality:
    """Add a locality under a parent, with its path computed (and its English name from the Kazakh one unless
    given); flushes, does not commit."""
    fields.setdefault("name_en", english_name(fields["name_kk"]))
    locality = Locality(**fields)
    db.session.add(locality)
    db.session.flush()
    locality.place_under(parent)
    db.session.flush()
    return locality


def locality_arg(args, name: str = "place") -> Locality | None:
    """The locality a list's query string names by slug (`?place=`), or None when it names none."""
    slug = args.get(name, "").strip()
    return db.session.scalar(db.select(Locality).filter_by(slug=slug)) if slug else None


def locality_by_slug_or_404(slug: str) -> Locality:
    """Load a locality by its slug, or answer 404."""
    return db.first_or_404(db.select(Locality).filter_by(slug=slug))


def ancestors_of(locality: Locality) -> list[Locality]:
    """The locality's ancestors from the region down, in one query."""
    ids = [int(part) for part in locality.path.strip("/").split("/")[:-1]]
    if not ids:
        return []
    return list(db.session.scalars(db.select(Locality).where(Locality.id.in_(ids)).order_by(Locality.depth)))


def children_of(locality: Locality) -> list[Locality]:
    """The places directly within a locality, alphabetically."""
    return list(db.session.scalars(db.select(Locality).filter_by(parent_id=locality.id).order_by(Locality.name_kk)))
