"""What the pledge tracker's pages read: the deputy directory and scorecards, the filtered pledge list, a pledge
with its history, and the open-data exports and feed, each in a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from flask import abort
from sqlalchemy import func, or_
from sqlalchemy.orm import joinedload

from community.core.db import utcnow
from community.core.i18n import current_lang
from community.core.lists import ListFilters, choice_arg, enum_arg, id_arg, keyset_page, page_number, text_arg
from community.extensions import db
from community.places.models import Locality
from community.places.services import locality_arg, within
from community.pledges.models import (
    Council,
    Deputy,
    Pledge,
    PledgeCategory,
    PledgeStatus,
    PledgeUpdate,
    UpdateCheck,
    UpdateReaction,
)

PER_PAGE = 20
HISTORY_PER_PAGE = 20
STALE_DAYS = 90
PLEDGE_SORTS = ("updated", "due", "deputy")


@dataclass
class DeputyFilters(ListFilters):
    """What the deputy directory is narrowed to; unknown values are ignored."""

    council: Council | None = None
    district: Locality | None = None
    party: str = ""
    query: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "DeputyFilters":
        """Read the filters from a query string."""
        return cls(
            enum_arg(Council, args.get("council")),
            locality_arg(args, "district"),
            text_arg(args, "party", 120),
            text_arg(args, "q", 100),
            page_number(args),
        )

    def query_values(self) -> dict:
        """The filters as query arguments."""
        return {
            "council": self.council.value if self.council else None,
            "district": self.district.slug if self.district else None,
            "party": self.party or None,
            "q": self.query or None,
        }


def deputy_page(filters: DeputyFilters):
    """One page of the deputy directory."""
    statement = db.select(Deputy).options(joinedload(Deputy.district)).order_by(Deputy.name)
    if filters.council:
        statement = statement.where(Deputy.council == filters.council)
    statement = within(statement, Deputy.district_id, filters.district)
    if filters.party:  # a party's name in any language, so a link keeps its filter in another one
        statement = statement.where(
            or_(Deputy.party_kk == filters.party, Deputy.party_ru == filters.party, Deputy.party_en == filters.party)
        )
    for word in filters.query.lower().split()[:3]:
        statement = statement.where(Deputy.search_name.contains(word, autoescape=True))
    return db.paginate(statement, page=filters.page, per_page=PER_PAGE, error_out=False)


def all_deputies() -> list[Deputy]:
    """Every deputy by name, for the pledge list's filter."""
    return list(db.session.scalars(db.select(Deputy).order_by(Deputy.name)))


def parties() -> list[str]:
    """The parties deputies belong to, named in the reader's language, for the filter."""
    named = {"ru": Deputy.party_ru, "en": Deputy.party_en}.get(current_lang())
    name = Deputy.party_kk if named is None else func.coalesce(func.nullif(named, ""), Deputy.party_kk)
    return [party for party in db.session.scalars(db.select(name).distinct().order_by(name)) if party]


def districts() -> list[Locality]:
    """Districts and cities deputies may represent."""
    from community.places.models import LocalityKind

    return list(
        db.session.scalars(
            db.select(Locality)
            .where(Locality.kind.in_([LocalityKind.DISTRICT, LocalityKind.CITY]))
            .order_by(Locality.name_kk)
        )
    )


def deputy_or_404(deputy_id: int) -> Deputy:
    """A deputy with district, localities and linked account loaded, or 404."""
    deputy = db.session.scalar(
        db.select(Deputy)
        .where(Deputy.id == deputy_id)
        .options(joinedload(Deputy.district), joinedload(Deputy.user), joinedload(Deputy.localities))
    )
    if deputy is None:
        abort(404)
    return deputy


@dataclass
class PledgeFilters(ListFilters):
    """What the pledge list and its exports are narrowed to; unknown values are ignored."""

    deputy: Deputy | None = None
    council: Council | None = None
    locality: Locality | None = None
    status: PledgeStatus | None = None
    category: PledgeCategory | None = None
    overdue: bool = False
    stale: bool = False
    sort: str = "updated"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "PledgeFilters":
        """Read the filters from a query string."""
        deputy_id = id_arg(args.get("deputy"))
        deputy = db.session.get(Deputy, deputy_id) if deputy_id else None
        return cls(
            deputy,
            enum_arg(Council, args.get("council")),
            locality_arg(args),
            enum_arg(PledgeStatus, args.get("status")),
            enum_arg(PledgeCategory, args.get("category")),
            args.get("overdue") == "1",
            args.get("stale") == "1",
            choice_arg(args.get("sort"), PLEDGE_SORTS, "updated"),
            page_number(args),
        )

    def query_values(self) -> dict:
        """The filters as query arguments."""
        return {
            "deputy": self.deputy.id if self.deputy else None,
            "council": self.council.value if self.council else None,
            "place": self.locality.slug if self.locality else None,
            "status": self.status.value if self.status else None,
            "category": self.category.value if self.category else None,
            "overdue": "1" if self.overdue else None,
            "stale": "1" if self.stale else None,
            "sort": self.sort if self.sort != "updated" else None,
        }


def filtered_pledges(filters: PledgeFilters):
    """The list and export query for some filters, with deputy and locality in the same query."""
    now = utcnow()
    statement = db.select(Pledge).join(Pledge.deputy).options(joinedload(Pledge.deputy), joinedload(Pledge.locality))
    if filters.deputy:
        statement = statement.where(Pledge.deputy_id == filters.deputy.id)
    if filters.council:
        statement = statement.where(Deputy.council == filters.council)
    statement = within(statement, Pledge.locality_id, filters.locality)
    if filters.status:
        statement = statement.where(Pledge.status == filters.status)
    if filters.category:
        statement = statement.where(Pledge.category == filters.category)
    if filters.overdue:
        statement = statement.where(
            Pledge.due_on < now.date(), Pledge.status.not_in([PledgeStatus.FULFILLED, PledgeStatus.ARCHIVED])
        )
    if filters.stale:
        statement = statement.where(
            Pledge.last_update_at < now - timedelta(days=STALE_DAYS),
            Pledge.status.not_in([PledgeStatus.FULFILLED, PledgeStatus.ARCHIVED]),
        )
    order = {
        "updated": (Pledge.last_update_at.desc(),),
        "due": (Pledge.due_on.is_(None), Pledge.due_on),
        "deputy": (Deputy.name, Pledge.title),
    }[filters.sort]
    return statement.order_by(*order, Pledge.id)


def pledge_page(filters: PledgeFilters):
    """One page of the pledge list."""
    return db.paginate(filtered_pledges(filters), page=filters.page, per_page=PER_PAGE, error_out=False)


def pledge_or_404(pledge_id: int) -> Pledge:
    """A pledge with its deputy and locality loaded, or 404."""
    pledge = db.session.scalar(
        db.select(Pledge)
        .where(Pledge.id == pledge_id)
        .options(joinedload(Pledge.deputy).joinedload(Deputy.user), joinedload(Pledge.locality))
    )
    if pledge is None:
        abort(404)
    return pledge


def timeline(pledge: Pledge, viewer, args) -> dict:
    """A page of the history newest first (read after a cursor, so an old page costs what the first does), and the
    checks and reactions of the latest update, in at most six queries."""
    history = (
        db.select(PledgeUpdate).where(PledgeUpdate.pledge_id == pledge.id).options(joinedload(PledgeUpdate.author))
    )
    page = keyset_page(history, (PledgeUpdate.created_at, PledgeUpdate.id), args, HISTORY_PER_PAGE)
    if page.first:
        latest = page.items[0] if page.items else None
    else:
        newest_first = (PledgeUpdate.created_at.desc(), PledgeUpdate.id.desc())
        latest = db.session.scalar(history.order_by(*newest_first).limit(1))
    result = {"page": page, "latest": latest, "check": None, "confirms": 0, "disputes": [], "mine": None}
    if latest is None:
        return result
    result["check"] = db.session.scalar(
        db.select(UpdateCheck)
        .where(UpdateCheck.update_id == latest.id)
        .options(joinedload(UpdateCheck.moderator))
        .order_by(UpdateCheck.created_at.desc(), UpdateCheck.id.desc())
        .limit(1)
    )
    result["confirms"] = (
        db.session.scalar(
            db.select(func.count(UpdateReaction.id)).where(
                UpdateReaction.update_id == latest.id, UpdateReaction.confirms.is_(True)
            )
        )
        or 0
    )
    result["disputes"] = list(
        db.session.scalars(
            db.select(UpdateReaction)
            .where(UpdateReaction.update_id == latest.id, UpdateReaction.confirms.is_(False))
            .options(joinedload(UpdateReaction.user))
            .order_by(UpdateReaction.created_at.desc())
            .limit(50)
        )
    )
    if getattr(viewer, "is_authenticated", False):
        result["mine"] = db.session.scalar(db.select(UpdateReaction).filter_by(update_id=latest.id, user_id=viewer.id))
    return result


def discussion_of(pledge: Pledge):
    """The thread in which a pledge is discussed."""
    from community.threads.models import Thread

    return db.session.scalar(db.select(Thread).filter_by(pledge_id=pledge.id))


def update_by_key(submission_key: str) -> PledgeUpdate | None:
    """An update already made from this form, if any (a repeated submission)."""
    return db.session.scalar(db.select(PledgeUpdate).filter_by(submission_key=submission_key))


def deputy_for_user(user) -> Deputy | None:
    """The deputy profile linked to an account, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(db.select(Deputy).filter_by(user_id=user.id))


EXPORT_FIELDS = (
    "id",
    "title",
    "deputy",
    "council",
    "locality",
    "category",
    "status",
    "progress",
    "due_on",
    "made_on",
    "source",
    "last_update",
    "overdue",
    "url",
)


def export_rows(filters: PledgeFilters, url_for_pledge):
    """Yield the filtered pledges as dicts of EXPORT_FIELDS, a batch at a time, for CSV and JSON."""
    statement = filtered_pledges(filters).execution_options(yield_per=200)
    today = utcnow().date()
    for pledge in db.session.scalars(statement):
        yield {
            "id": pledge.id,
            "title": pledge.title,
            "deputy": pledge.deputy.name,
            "council": pledge.deputy.council.value,
            "locality": pledge.locality.name_kk,
            "category": pledge.category.value,
            "status": pledge.status.value,
            "progress": pledge.progress,
            "due_on": pledge.due_on.isoformat() if pledge.due_on else "",
            "made_on": pledge.made_on.isoformat(),
            "source": pledge.source_url or pledge.source_description,
            "last_update": pledge.last_update_at.isoformat(),
            "overdue": pledge.is_overdue(today),
            "url": url_for_pledge(pledge),
        }


def recent_updates(filters: PledgeFilters, count: int = 50) -> list[PledgeUpdate]:
    """The newest updates of the filtered pledges, for the Atom feed."""
    pledge_ids = filtered_pledges(filters).with_only_columns(Pledge.id).order_by(None)
    return list(
        db.session.scalars(
            db.select(PledgeUpdate)
            .where(PledgeUpdate.pledge_id.in_(pledge_ids))
            .options(joinedload(PledgeUpdate.author), joinedload(PledgeUpdate.pledge))
            .order_by(PledgeUpdate.created_at.desc())
            .limit(count)
        )
    )
