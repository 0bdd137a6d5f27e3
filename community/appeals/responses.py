"""How deputies answer, from real data: for the appeals sent to each deputy in the last year (private ones
counted, never shown) and the local issues addressed to them — how many, the share answered, the median working
days to a first answer, the share overdue now and the share of authors the answer helped. Figures are shown only
from MIN_APPEALS on, so one or two appeals never make a deputy's record."""

from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from sqlalchemy import func

from community.appeals.models import Appeal, AppealState
from community.core.db import utcnow
from community.core.time import local_today, local_zone
from community.core.workdays import working_days_between
from community.extensions import db
from community.pledges.models import Deputy
from community.threads.models import Comment, Thread

PERIOD_DAYS = 365
MIN_APPEALS = 5
AWAITING = (AppealState.SENT, AppealState.RECEIVED)


@dataclass
class Responses:
    """One deputy's figures over the period; `shown` is False below MIN_APPEALS (the figures are then not given)."""

    received: int = 0
    answered: int = 0
    overdue: int = 0
    said: int = 0  # authors who said whether the answer helped
    helped: int = 0
    median_days: float | None = None
    issues: int = 0
    issues_answered: int = 0
    issues_median_days: float | None = None

    minimum = MIN_APPEALS

    @property
    def shown(self) -> bool:
        """Enough appeals for the figures to mean something."""
        return self.received >= MIN_APPEALS

    @property
    def issues_shown(self) -> bool:
        """Enough local issues addressed to the deputy for their figures to mean something."""
        return self.issues >= MIN_APPEALS

    @staticmethod
    def share(part: int, whole: int) -> int | None:
        """A whole percentage, or None of nothing."""
        return round(100 * part / whole) if whole else None

    @property
    def answered_share(self) -> int | None:
        return self.share(self.answered, self.received)

    @property
    def overdue_share(self) -> int | None:
        return self.share(self.overdue, self.received)

    @property
    def helped_share(self) -> int | None:
        return self.share(self.helped, self.said)

    @property
    def issues_answered_share(self) -> int | None:
        return self.share(self.issues_answered, self.issues)


def _day(moment):
    return moment.astimezone(local_zone()).date()


def response_figures(deputy_ids: list[int], with_issues: bool = False) -> dict[int, Responses]:
    """The figures of several deputies over the last PERIOD_DAYS, in one query for appeals (and one for the local
    issues addressed to their accounts, when asked)."""
    figures = {deputy_id: Responses() for deputy_id in deputy_ids}
    if not deputy_ids:
        return figures
    since = utcnow() - timedelta(days=PERIOD_DAYS)
    today = local_today()
    rows = db.session.execute(
        db.select(Appeal.deputy_id, Appeal.state, Appeal.due_on, Appeal.answer_days, Appeal.helped).where(
            Appeal.deputy_id.in_(deputy_ids), Appeal.created_at >= since
        )
    )
    days: dict[int, list[int]] = {deputy_id: [] for deputy_id in deputy_ids}
    for deputy_id, state, due_on, answer_days, helped in rows:
        card = figures[deputy_id]
        card.received += 1
        if answer_days is not None:
            card.answered += 1
            days[deputy_id].append(answer_days)
        if state in AWAITING and due_on < today:
            card.overdue += 1
        if helped is not None:
            card.said += 1
            card.helped += helped
    for deputy_id, values in days.items():
        figures[deputy_id].median_days = median(values) if values else None
    if with_issues:
        _issue_figures(figures, deputy_ids, since)
    return figures


def _issue_figures(figures: dict[int, Responses], deputy_ids: list[int], since) -> None:
    """Local issues addressed to each deputy's account in the period, and the working days to their first official
    answer."""
    accounts = dict(
        db.session.execute(
            db.select(Deputy.user_id, Deputy.id).where(Deputy.id.in_(deputy_ids), Deputy.user_id.is_not(None))
        ).all()
    )
    if not accounts:
        return
    first_answer = (
        db.select(func.min(Comment.created_at))
        .where(
            Comment.thread_id == Thread.id,
            Comment.official.is_(True),
            Comment.hidden_at.is_(None),
            Comment.deleted_at.is_(None),  # an answer its author deleted is no answer
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        db.select(Thread.addressed_to_id, Thread.created_at, first_answer).where(
            Thread.addressed_to_id.in_(list(accounts)), Thread.created_at >= since, Thread.hidden_at.is_(None)
        )
    )
    days: dict[int, list[int]] = {}
    for account, created_at, answered_at in rows:
        card = figures[accounts[account]]
        card.issues += 1
        if answered_at is not None:
            card.issues_answered += 1
            days.setdefault(accounts[account], []).append(working_days_between(_day(created_at), _day(answered_at)))
    for deputy_id, values in days.items():
        figures[deputy_id].issues_median_days = median(values)
