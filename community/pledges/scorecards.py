"""What the pledge figures say: a deputy's scorecard, the cards of a page of deputies, and the figures of a
locality's pledges; each one grouped query, whatever the number of pledges."""

from datetime import timedelta

from sqlalchemy import case, func

from community.core.db import utcnow
from community.extensions import db
from community.places.models import Locality
from community.places.services import subtree_ids
from community.pledges.models import RATED, Deputy, Pledge, PledgeStatus, deputy_localities

STALE_DAYS = 90
OPEN_STATUSES = (PledgeStatus.FULFILLED, PledgeStatus.ARCHIVED)  # past their date, these are not overdue


def _counted(*group, condition) -> list:
    """Pledges counted by the given columns and status: how many, how many updated lately, how many past due."""
    now = utcnow()
    return db.session.execute(
        db.select(
            *group,
            Pledge.status,
            func.count(Pledge.id),
            func.sum(
                case((Pledge.last_update_at >= now - timedelta(days=STALE_DAYS), 1), else_=0)
                * case((Pledge.update_count > 0, 1), else_=0)
            ),
            func.sum(case((Pledge.due_on < now.date(), 1), else_=0)),
        )
        .where(condition)
        .group_by(*group, Pledge.status)
    ).all()


def _card(rows) -> dict:
    """A scorecard from (status, count, recent, past due) rows: by status, the fulfilment rate, recent, overdue."""
    by_status = {status: 0 for status in PledgeStatus}
    recent = overdue = 0
    for status, count, recent_count, past_due in rows:
        by_status[status] = count
        recent += recent_count or 0
        if status not in OPEN_STATUSES:
            overdue += past_due or 0
    rated = sum(by_status[status] for status in RATED)
    score = by_status[PledgeStatus.FULFILLED] + 0.5 * by_status[PledgeStatus.PARTIAL]
    total = sum(by_status.values())
    return {
        "by_status": by_status,
        "total": total,
        "rated": rated,
        "rate": round(100 * score / rated) if rated else None,
        "recent": recent,
        "overdue": overdue,
        "fulfilled": by_status[PledgeStatus.FULFILLED],
        "in_progress": by_status[PledgeStatus.IN_PROGRESS] + by_status[PledgeStatus.PARTIAL],
        "max": max(by_status.values()) if total else 0,
    }


def scorecards(deputy_ids: list[int]) -> dict[int, dict]:
    """The scorecards of several deputies (a page of the directory), by id, in one query."""
    rows = _counted(Pledge.deputy_id, condition=Pledge.deputy_id.in_(deputy_ids)) if deputy_ids else []
    grouped = {deputy_id: [] for deputy_id in deputy_ids}
    for deputy_id, *rest in rows:
        grouped[deputy_id].append(rest)
    return {deputy_id: _card(found) for deputy_id, found in grouped.items()}


def scorecard(deputy: Deputy) -> dict:
    """One deputy's pledges by status, fulfilment rate, recent updates and overdue pledges, in one query."""
    return scorecards([deputy.id])[deputy.id]


def locality_figures(locality: Locality | None) -> dict:
    """The figures of the pledges made for a locality and the places within it (all of them for none)."""
    condition = Pledge.locality_id.in_(subtree_ids(locality)) if locality is not None else Pledge.id.is_not(None)
    return _card(_counted(condition=condition))


def deputies_of(locality: Locality | None, count: int = 8) -> list[Deputy]:
    """Deputies who represent the locality or a place within it (their district or one of their localities) or
    have made pledges for it, by name; at most count."""
    statement = db.select(Deputy).order_by(Deputy.name, Deputy.id).limit(count)
    if locality is not None:
        ids = subtree_ids(locality)
        represents = db.select(deputy_localities.c.deputy_id).where(deputy_localities.c.locality_id.in_(ids))
        pledged = db.select(Pledge.deputy_id).where(Pledge.locality_id.in_(ids))
        statement = statement.where(Deputy.district_id.in_(ids) | Deputy.id.in_(represents) | Deputy.id.in_(pledged))
    return list(db.session.scalars(statement))
