"""The rules every change of the locality tree keeps, whoever makes it: names and slugs, where each kind of place
may lie, how deep the tree may go, and the lock that makes changes of its shape run one at a time."""

import re

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from community.admin.services import AdminRefused
from community.extensions import db
from community.places.models import Locality, LocalityKind
from community.places.names import english_name

NAME_LENGTH = 120  # the name columns' length
SLUG_LENGTH = 80  # the slug column's length
PATH_LENGTH = 255  # the path column's length
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
NAMES = ("name_kk", "name_ru", "name_en")

K = LocalityKind
# Where each kind of place may lie: a region only at the top, and nothing but a region there.
PARENT_KINDS = {
    K.REGION: (),
    K.CITY: (K.REGION, K.DISTRICT),
    K.DISTRICT: (K.REGION, K.CITY),
    K.RURAL_DISTRICT: (K.DISTRICT, K.CITY),
    K.VILLAGE: (K.DISTRICT, K.RURAL_DISTRICT, K.CITY),
}


class LocalityRefused(AdminRefused):
    """Raised when a change of the tree breaks its rules; `field` names the form field the message belongs to (a
    page shows it there with 422; a command prints it)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


def values_of(locality: Locality) -> dict:
    """A place's fields as the audit log writes them: its kind by value, its parent by slug."""
    parent = db.session.get(Locality, locality.parent_id) if locality.parent_id is not None else None
    return {
        "place_kind": locality.kind.value,
        "parent": parent.slug if parent is not None else None,
        "slug": locality.slug,
        "name_kk": locality.name_kk,
        "name_ru": locality.name_ru,
        "name_en": locality.name_en,
    }


def default_slug() -> str | None:
    """The slug of the place the home page shows by default (DEFAULT_LOCALITY)."""
    return current_app.config.get("DEFAULT_LOCALITY") if has_app_context() else None


def checked_names(fields: dict) -> dict:
    """The names trimmed and within their columns: Kazakh and Russian required, English spelled from the Kazakh
    when empty. Raises LocalityRefused naming the field."""
    names = {name: " ".join((fields.get(name) or "").split()) for name in NAMES}
    for name in ("name_kk", "name_ru"):
        if not names[name]:
            raise LocalityRefused(_l("A place needs its name in Kazakh and in Russian."), name)
    for name in NAMES:
        if len(names[name]) > NAME_LENGTH:
            raise LocalityRefused(_l("At most %(max)d characters.", max=NAME_LENGTH), name)
    names["name_en"] = names["name_en"] or english_name(names["name_kk"])[:NAME_LENGTH]
    return names


def check_slug(slug: str, locality: Locality | None = None) -> None:
    """A new slug is lower-case Latin letters, digits and single hyphens, and no other place has it."""
    if not 2 <= len(slug) <= SLUG_LENGTH:
        raise LocalityRefused(_l("From %(min)d to %(max)d characters.", min=2, max=SLUG_LENGTH), "slug")
    if not SLUG.fullmatch(slug):
        raise LocalityRefused(_l("Use lower-case Latin letters, digits and single hyphens only."), "slug")
    holder = db.session.scalar(select(Locality.id).where(Locality.slug == slug))
    if holder is not None and (locality is None or holder != locality.id):
        raise slug_taken(slug)


def slug_taken(slug: str) -> LocalityRefused:
    """The refusal of a slug another place has (also when a request at the same moment took it first)."""
    return LocalityRefused(_l("Another place already has the address name %(slug)s.", slug=slug), "slug")


def check_place(kind: LocalityKind, parent: Locality | None, field: str = "parent") -> None:
    """A region lies at the top and only a region does; every other kind lies within the kinds PARENT_KINDS
    allows."""
    if parent is None:
        if kind is not K.REGION:
            raise LocalityRefused(
                _l("Only a region stands at the top of the tree: choose where this place lies."), field
            )
        return
    if kind is K.REGION:
        raise LocalityRefused(_l("A region stands at the top of the tree: it cannot lie within another place."), field)
    if parent.kind not in PARENT_KINDS[kind]:
        raise LocalityRefused(
            _l(
                "A place of the kind “%(kind)s” cannot lie within one of the kind “%(parent)s”.",
                kind=kind.label,
                parent=parent.kind.label,
            ),
            field,
        )


def lock_tree() -> None:
    """Hold the tree's shape still until the transaction ends: every add, move and merge first locks the top
    places, in id order, so such changes run one after another and each reads the paths the last one wrote
    (PostgreSQL; SQLite lets one writer in at a time anyway). FOR NO KEY UPDATE, so rows pointing at places are
    still written meanwhile. The places this session holds are read again."""
    db.session.flush()
    top = select(Locality.id).where(Locality.parent_id.is_(None)).order_by(Locality.id)
    db.session.execute(top.with_for_update(key_share=True)).all()
    forget_places()


def forget_places() -> None:
    """Make the places this session holds read their rows again (after a lock, or a bulk UPDATE of paths)."""
    for row in list(db.session.identity_map.values()):
        if isinstance(row, Locality):
            db.session.expire(row)


def still_there(*places: Locality) -> None:
    """After the lock: refuse when one of the places was merged away meanwhile."""
    ids = {place.id for place in places}
    if db.session.scalar(select(func.count()).where(Locality.id.in_(ids))) != len(ids):
        raise LocalityRefused(_l("This place was moved or removed meanwhile; reload the page and try again."))


def check_depth(old_prefix: str, new_prefix: str) -> None:
    """Refuse a change that would make a path longer than its column holds."""
    deepest = db.session.scalar(
        select(func.max(func.length(Locality.path))).where(Locality.path.startswith(old_prefix, autoescape=True))
    )
    if (deepest or 0) - len(old_prefix) + len(new_prefix) > PATH_LENGTH:
        raise LocalityRefused(_l("The tree cannot be that deep."), "parent")


def in_subtree(place: Locality, root: Locality) -> bool:
    """Whether a place is the root or lies within it (its path starts with the root's)."""
    return place.path.startswith(root.path)
