"""Administering the locality tree: the admin's list of it, adding a place, renaming one, moving one (with all the
places within it) under another, and merging two, each written to the audit log in the same transaction. The admin
pages and the `flask localities …` commands both call these; `actor` is the admin, or None for the command line.
Every function only flushes; the caller commits.

Every change of the tree's shape first locks the tree (`lock_tree`), so two of them never interleave and each
reads the paths the other wrote. A merge repoints every column that holds a locality's id by a foreign key, found in
the metadata, so a table added later follows without a change here; the follows of a place, which name it by kind
and id rather than by a foreign key, are listed in POLYMORPHIC."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, literal, select, update
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.admin.locality_queries import locality_subject, places_within, pointing_at
from community.admin.locality_references import POLYMORPHIC, references, repoint
from community.admin.locality_rules import (
    NAMES,
    PARENT_KINDS,
    PATH_LENGTH,
    LocalityRefused,
    check_depth,
    check_place,
    check_slug,
    checked_names,
    default_slug,
    forget_places,
    in_subtree,
    lock_tree,
    slug_taken,
    still_there,
    values_of,
)
from community.admin.models import AuditAction
from community.admin.services import record
from community.core.writes import update_row
from community.extensions import db
from community.places.models import Locality, LocalityKind
from community.places.services import create_locality

# Adding and renaming.


def add_locality(
    actor: User | None,
    parent: Locality | None,
    kind: LocalityKind,
    slug: str,
    name_kk: str,
    name_ru: str,
    name_en: str = "",
) -> Locality:
    """Add a place under a parent (none for a region) and record it; admins and the command line. Raises
    LocalityRefused for a name, slug or kind breaking the rules, or a slug another place has or has just taken."""
    names = checked_names({"name_kk": name_kk, "name_ru": name_ru, "name_en": name_en})
    slug = (slug or "").strip()
    check_slug(slug)
    lock_tree()
    if parent is not None:
        still_there(parent)
    check_place(kind, parent)
    try:
        with db.session.begin_nested():
            locality = create_locality(parent, kind=kind, slug=slug, **names)
    except IntegrityError:
        raise slug_taken(slug) from None
    if len(locality.path) > PATH_LENGTH:
        raise LocalityRefused(_l("The tree cannot be that deep."), "parent")
    record(actor, AuditAction.LOCALITY_CREATED, locality_subject(locality), None, values_of(locality))
    return locality


def rename_locality(actor: User | None, locality: Locality, **fields) -> bool:
    """Change a place's names in Kazakh, Russian and English and its slug (any of them; the others stay) and
    record the changed ones, before → after; admins and the command line. False when nothing changed. Raises
    LocalityRefused for a name or slug breaking the rules, a slug another place has (or has just taken), or a new
    slug for the place the home page shows by default."""
    unknown = set(fields) - {"slug", *NAMES}
    if unknown:
        raise TypeError(f"a locality has no field {', '.join(sorted(unknown))} to rename")
    before = values_of(locality)
    given = {name: value for name, value in fields.items() if value is not None}
    names = checked_names({name: given.get(name, before[name]) for name in NAMES})  # English "" is spelled again
    slug = (given.get("slug") or before["slug"]).strip()
    if slug != before["slug"]:
        check_slug(slug, locality)
        if before["slug"] == default_slug():
            raise LocalityRefused(
                _l("The home page shows this place by default (DEFAULT_LOCALITY): its address name stays."), "slug"
            )
    after = {**before, **names, "slug": slug}
    changed = [name for name in ("slug", *NAMES) if before[name] != after[name]]
    if not changed:
        return False
    try:
        with db.session.begin_nested():
            if not update_row(Locality, locality.id, **{name: after[name] for name in changed}):
                raise LocalityRefused(_l("This place was removed meanwhile."))
    except IntegrityError:
        raise slug_taken(slug) from None
    record(
        actor,
        AuditAction.LOCALITY_RENAMED,
        locality_subject(locality),
        {name: before[name] for name in changed},
        {name: after[name] for name in changed},
    )
    return True


# Moving.


@dataclass
class MovePlan:
    """What a move does: the place, where it lies now and will lie, and how many places within it go along."""

    locality: Locality
    old_parent: Locality | None
    parent: Locality
    places: int


def plan_move(locality: Locality, parent: Locality | None) -> MovePlan:
    """Check a move of a place (and everything within it) under another parent and say what it moves. Raises
    LocalityRefused for a move under the place itself or within it, or one breaking the kinds' rules."""
    if parent is None:
        raise LocalityRefused(_l("Choose the place to move it into."), "parent")
    if parent.id == locality.id:
        raise LocalityRefused(_l("A place cannot lie within itself."), "parent")
    if in_subtree(parent, locality):
        names = {"parent": parent.name, "name": locality.name}
        message = _l("%(parent)s lies within %(name)s: a place cannot move under its own descendant.", **names)
        raise LocalityRefused(message, "parent")
    check_place(locality.kind, parent)
    old_parent = db.session.get(Locality, locality.parent_id) if locality.parent_id is not None else None
    return MovePlan(locality, old_parent, parent, places_within(locality))


def move_locality(actor: User | None, locality: Locality, parent: Locality | None) -> bool:
    """Move a place under another parent, with every place within it, their paths and depths recomputed by
    guarded bulk UPDATEs, and record it; admins and the command line. False when it lies there already. Raises
    LocalityRefused as plan_move does, checked again on the tree as it is once locked."""
    lock_tree()
    still_there(locality, *([parent] if parent is not None else []))
    if parent is not None and locality.parent_id == parent.id:
        return False
    plan = plan_move(locality, parent)
    old_path, new_path = locality.path, f"{parent.path}{locality.id}/"
    check_depth(old_path, new_path)
    before = values_of(locality)
    depth_change = parent.depth + 1 - locality.depth
    moved = update_row(
        Locality,
        locality.id,
        Locality.path == old_path,
        parent_id=parent.id,
        path=new_path,
        depth=Locality.depth + depth_change,
    )
    if not moved:
        raise LocalityRefused(_l("This place was moved or removed meanwhile; reload the page and try again."))
    _repath(old_path, new_path, depth_change)
    record(
        actor,
        AuditAction.LOCALITY_MOVED,
        locality_subject(locality),
        {"parent": before["parent"]},
        {"parent": parent.slug, "places": plan.places},
    )
    return True


def _repath(old_prefix: str, new_prefix: str, depth_change: int) -> int:
    """Rewrite the paths that start with one prefix to start with another, and move their depths, in one UPDATE
    guarded by the prefix (a place moved meanwhile no longer matches); how many places moved."""
    if old_prefix == new_prefix:
        return 0
    changed = db.session.execute(
        update(Locality)
        .where(Locality.path.startswith(old_prefix, autoescape=True))
        .values(
            path=literal(new_prefix) + func.substr(Locality.path, len(old_prefix) + 1),
            depth=Locality.depth + depth_change,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    forget_places()
    return changed


# Merging.


@dataclass
class MergePlan:
    """What a merge does: the place that goes, the one kept, and (key, label, rows) of everything that moves."""

    merged: Locality
    kept: Locality
    moving: list[tuple[str, str, int]]

    @property
    def total(self) -> int:
        """How many rows move in all."""
        return sum(count for _, _, count in self.moving)


def plan_merge(merged: Locality, kept: Locality | None) -> MergePlan:
    """Check a merge of one place into another and count what would move. Raises LocalityRefused for a place
    merged into itself, its ancestor or its descendant, places within it that cannot lie within the kept one, or the
    place the home page shows by default."""
    if kept is None:
        raise LocalityRefused(_l("Choose the place to keep."), "into")
    if kept.id == merged.id:
        raise LocalityRefused(_l("A place cannot be merged into itself."), "into")
    names = {"kept": kept.name, "name": merged.name}
    if in_subtree(kept, merged):
        message = _l("%(kept)s lies within %(name)s: a place cannot be merged into its own descendant.", **names)
        raise LocalityRefused(message, "into")
    if in_subtree(merged, kept):
        message = _l("%(name)s lies within %(kept)s: a place cannot be merged into its own ancestor.", **names)
        raise LocalityRefused(message, "into")
    if merged.slug == default_slug():
        raise LocalityRefused(
            _l("The home page shows this place by default (DEFAULT_LOCALITY): merge the other one into it."), "into"
        )
    for child in db.session.scalars(select(Locality).where(Locality.parent_id == merged.id).order_by(Locality.id)):
        if kept.kind not in PARENT_KINDS[child.kind]:
            raise LocalityRefused(
                _l(
                    "%(child)s (%(kind)s) cannot lie within %(kept)s (%(kept_kind)s): move it elsewhere first.",
                    child=child.name,
                    kind=child.kind.label,
                    kept=kept.name,
                    kept_kind=kept.kind.label,
                ),
                "into",
            )
    return MergePlan(merged, kept, pointing_at(merged))


def merge_localities(actor: User | None, merged: Locality, kept: Locality | None) -> dict[str, int]:
    """Merge one place into another in one transaction: every row pointing at it by a foreign key or as a followed
    place points at the kept one instead (a row the kept one has already, such as a deputy's constituency place or
    a person's follow, is not made twice), the places within it move under the kept one with their paths
    recomputed, and it is deleted; recorded. Admins and the command line. Returns how many rows pointed at it, by
    key; raises LocalityRefused as plan_merge does, checked again on the tree as it is once locked."""
    lock_tree()
    still_there(merged, kept)
    plan_merge(merged, kept)
    check_depth(merged.path, kept.path)
    before, kept_slug = values_of(merged), kept.slug
    merged_id, merged_path, depth_change = merged.id, merged.path, kept.depth - merged.depth
    moved: dict[str, int] = {}
    for table, column in references():
        moved[f"{table.name}.{column.name}"] = repoint(table, column.name, merged_id, kept.id)
    for table, name, about in POLYMORPHIC:
        moved[f"{table.name}.{name}"] = repoint(table, name, merged_id, kept.id, about)
    moved["localities.parent_id"] = db.session.execute(
        update(Locality)
        .where(Locality.parent_id == merged_id)
        .values(parent_id=kept.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    gone = db.session.execute(
        delete(Locality)
        .where(Locality.id == merged_id, Locality.path == merged_path)
        .execution_options(synchronize_session=False)
    ).rowcount
    if gone != 1:
        raise LocalityRefused(_l("This place was moved or removed meanwhile; reload the page and try again."))
    db.session.expunge(merged)
    _repath(merged_path, kept.path, depth_change)  # the places within it, now that it is gone
    record(
        actor,
        AuditAction.LOCALITY_MERGED,
        locality_subject(kept),
        {"locality": before["slug"], "name_kk": before["name_kk"], "parent": before["parent"]},
        {"locality": kept_slug, "moved": [f"{key}: {count}" for key, count in moved.items() if count]},
    )
    db.session.expire_all()  # rows loaded before (a deputy's places, a thread's locality) read their new values
    return moved
