"""Reading appeals: one appeal for a viewer, the public list and its filters, a person's own, a deputy's inbox, and
who represents a locality. Private appeals leave no trace in anything read here for someone who may not see them."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import case, func
from sqlalchemy.orm import joinedload, selectinload

from community.appeals.models import LISTED, Appeal, AppealEntry, AppealFollow, AppealState, AppealSupport
from community.core.lists import ListFilters, capped_count, enum_arg, id_arg, keyset_page
from community.core.permissions import can_see_appeal
from community.core.time import local_today
from community.extensions import db
from community.places.models import Locality
from community.places.services import locality_arg, within
from community.pledges.models import Council, Deputy, deputy_localities
from community.threads.models import Category, Thread, ThreadState

PER_PAGE = 20
LIST_ORDER = (Appeal.last_activity_at, Appeal.id)


def appeal_or_404(appeal_id: int, viewer) -> Appeal:
    """An appeal with its author, addressee and place loaded; 404 when there is none or the viewer may not see it
    (a private appeal does not exist for anyone but its author, addressee and admins)."""
    appeal = db.session.scalar(
        db.select(Appeal)
        .where(Appeal.id == appeal_id)
        .options(joinedload(Appeal.author), joinedload(Appeal.deputy), joinedload(Appeal.locality))
    )
    if appeal is None or not can_see_appeal(viewer, appeal):
        abort(404)
    return appeal


def history(appeal: Appeal) -> list[AppealEntry]:
    """Every step of an appeal, oldest first, with who took it and for whom."""
    return list(
        db.session.scalars(
            db.select(AppealEntry)
            .where(AppealEntry.appeal_id == appeal.id)
            .options(joinedload(AppealEntry.by), joinedload(AppealEntry.for_deputy), joinedload(AppealEntry.to_deputy))
            .order_by(AppealEntry.id)
        )
    )


def viewer_marks(user, appeal: Appeal) -> dict:
    """Whether the viewer supports and follows the appeal."""
    if not getattr(user, "is_authenticated", False):
        return {"supported": False, "following": False}
    key = {"user_id": user.id, "appeal_id": appeal.id}
    return {
        "supported": db.session.get(AppealSupport, key) is not None,
        "following": db.session.get(AppealFollow, key) is not None,
    }


@dataclass
class AppealFilters(ListFilters):
    """What the public list is narrowed to; unknown values are ignored."""

    deputy: Deputy | None = None
    locality: Locality | None = None
    category: Category | None = None
    state: AppealState | None = None

    @classmethod
    def from_args(cls, args) -> "AppealFilters":
        """Read the filters from a query string."""
        deputy_id = id_arg(args.get("deputy"))
        return cls(
            db.session.get(Deputy, deputy_id) if deputy_id else None,
            locality_arg(args),
            enum_arg(Category, args.get("category")),
            enum_arg(AppealState, args.get("state")),
        )

    def query_values(self) -> dict:
        """The filters as query arguments."""
        return {
            "deputy": self.deputy.id if self.deputy else None,
            "place": self.locality.slug if self.locality else None,
            "category": self.category.value if self.category else None,
            "state": self.state.value if self.state else None,
        }


def listed_appeals(filters: AppealFilters):
    """Public appeals that are not hidden, matching the filters (the partial indexes' own condition, so both
    databases read them)."""
    statement = db.select(Appeal).where(LISTED)
    if filters.deputy is not None:
        statement = statement.where(Appeal.deputy_id == filters.deputy.id)
    statement = within(statement, Appeal.locality_id, filters.locality)
    if filters.category is not None:
        statement = statement.where(Appeal.category == filters.category)
    if filters.state is not None:
        statement = statement.where(Appeal.state == filters.state)
    return statement


def appeal_page(filters: AppealFilters, args):
    """One page of public appeals, latest activity first, read by key so a deep page costs what the first does."""
    statement = listed_appeals(filters).options(
        joinedload(Appeal.author), joinedload(Appeal.deputy), joinedload(Appeal.locality)
    )
    return keyset_page(statement, LIST_ORDER, args, PER_PAGE)


def appeals_found(filters: AppealFilters) -> tuple[int, bool]:
    """How many public appeals match (capped)."""
    return capped_count(listed_appeals(filters), order=LIST_ORDER)


def feed_appeals(filters: AppealFilters, count: int = 20) -> list[Appeal]:
    """The latest public appeals for the feed."""
    statement = listed_appeals(filters).options(joinedload(Appeal.deputy), joinedload(Appeal.author))
    return list(db.session.scalars(statement.order_by(Appeal.last_activity_at.desc(), Appeal.id.desc()).limit(count)))


def deputies_with_accounts() -> list[Deputy]:
    """Deputies who can receive appeals, by name."""
    return list(db.session.scalars(db.select(Deputy).where(Deputy.user_id.is_not(None)).order_by(Deputy.name)))


def appeals_of_author(user, args):
    """A person's own appeals, public and private, latest activity first."""
    statement = (
        db.select(Appeal)
        .where(Appeal.author_id == user.id)
        .options(joinedload(Appeal.deputy), joinedload(Appeal.locality))
    )
    return keyset_page(statement, LIST_ORDER, args, PER_PAGE)


# The inbox's tabs: what each holds, as a condition on the addressee's appeals.
INBOX_TABS = ("new", "waiting", "overdue", "author", "answered")


def _tab_condition(tab: str):
    today = local_today()
    return {
        "new": Appeal.state == AppealState.SENT,
        "waiting": Appeal.state.in_((AppealState.SENT, AppealState.RECEIVED)),
        "overdue": Appeal.state.in_((AppealState.SENT, AppealState.RECEIVED)) & (Appeal.due_on < today),
        "author": Appeal.state == AppealState.WAITING,
        "answered": Appeal.state.in_((AppealState.ANSWERED, AppealState.CLOSED)),
    }[tab]


def inbox_counts(deputy: Deputy) -> dict[str, int]:
    """How many of the deputy's appeals each tab holds, in one query over the (deputy, state, due) index."""
    today = local_today()
    awaiting = Appeal.state.in_((AppealState.SENT, AppealState.RECEIVED))
    row = db.session.execute(
        db.select(
            func.count(case((Appeal.state == AppealState.SENT, 1))),
            func.count(case((awaiting, 1))),
            func.count(case((awaiting & (Appeal.due_on < today), 1))),
            func.count(case((Appeal.state == AppealState.WAITING, 1))),
            func.count(case((Appeal.state.in_((AppealState.ANSWERED, AppealState.CLOSED)), 1))),
        ).where(Appeal.deputy_id == deputy.id)
    ).one()
    return dict(zip(INBOX_TABS, row, strict=True))


def inbox_page(deputy: Deputy, tab: str, args):
    """One page of an inbox tab: what waits longest first where an answer is owed, latest first otherwise."""
    statement = (
        db.select(Appeal)
        .where(Appeal.deputy_id == deputy.id, _tab_condition(tab))
        .options(joinedload(Appeal.author), joinedload(Appeal.locality))
    )
    descending = tab == "answered"
    order = LIST_ORDER if descending else (Appeal.due_on, Appeal.id)
    return keyset_page(statement, order, args, PER_PAGE, descending=descending)


def unanswered_issues(deputy: Deputy, count: int = 20) -> tuple[list[Thread], int]:
    """Local issues addressed to the deputy's account that have no official answer yet (open, not hidden), oldest
    first, and how many there are."""
    if deputy.user_id is None:
        return [], 0
    statement = db.select(Thread).where(
        Thread.addressed_to_id == deputy.user_id,
        Thread.state == ThreadState.OPEN,
        Thread.hidden_at.is_(None),
        Thread.pledge_id.is_(None),
    )
    total = db.session.scalar(statement.with_only_columns(func.count())) or 0
    rows = db.session.scalars(
        statement.options(joinedload(Thread.locality)).order_by(Thread.created_at, Thread.id).limit(count)
    )
    return list(rows), total


def deputy_for_inbox(user) -> Deputy | None:
    """The deputy whose inbox this account keeps: their own profile, else the one that named them assistant."""
    if not getattr(user, "is_authenticated", False):
        return None
    statement = db.select(Deputy).options(selectinload(Deputy.localities))
    own = db.session.scalar(statement.where(Deputy.user_id == user.id))
    return own or db.session.scalar(statement.where(Deputy.assistant_id == user.id).order_by(Deputy.id).limit(1))


COUNCIL_ORDER = (Council.DISTRICT, Council.REGION, Council.MAZHILIS)


def representatives(locality: Locality | None) -> dict[Council, list[Deputy]]:
    """The deputies whose constituency covers a locality (it or a place above it), by council: district, region
    and Mazhilis. Empty without a locality."""
    if locality is None:
        return {}
    ids = [int(part) for part in locality.path.strip("/").split("/") if part.isdecimal()] or [locality.id]
    covering = db.select(deputy_localities.c.deputy_id).where(deputy_localities.c.locality_id.in_(ids))
    rows = db.session.scalars(
        db.select(Deputy)
        .where(Deputy.id.in_(covering) | ((Deputy.council == Council.DISTRICT) & Deputy.district_id.in_(ids)))
        .options(joinedload(Deputy.user))
        .order_by(Deputy.name, Deputy.id)
    ).unique()
    found: dict[Council, list[Deputy]] = {}
    for deputy in rows:
        found.setdefault(deputy.council, []).append(deputy)
    return {council: found[council] for council in COUNCIL_ORDER if council in found}
