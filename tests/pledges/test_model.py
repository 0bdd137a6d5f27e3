"""The pledge rules that live with the data: moves, evidence, corrections, guarded writes, append-only history."""

import pytest

from community.accounts.models import User
from community.core.states import MoveRefused
from community.extensions import db
from community.pledges.models import EvidenceMissing, Pledge, PledgeStatus, PledgeUpdate
from tests.concurrency import run_at_once

S = PledgeStatus
LINK = ["https://almobl.gov.kz/news/1"]


def test_an_update_moves_the_pledge_and_appends_history(pledge, deputy):
    entry = pledge.record_update(deputy, S.IN_PROGRESS, 30, "Жұмыс басталды.", [], "k1")
    db.session.commit()
    pledge = db.session.get(Pledge, pledge.id)
    assert (pledge.status, pledge.progress, pledge.update_count) == (S.IN_PROGRESS, 30, 1)
    assert (entry.old_status, entry.new_status) == (S.NOT_RATED, S.IN_PROGRESS)


@pytest.mark.parametrize("status", [S.FULFILLED, S.PARTIAL, S.BROKEN])
def test_some_statuses_need_evidence(pledge, deputy, status):
    with pytest.raises(EvidenceMissing):
        pledge.record_update(deputy, status, 100, "Бітті.", [], "k2")
    pledge.record_update(deputy, status, 100, "Бітті.", LINK, "k3")


def test_illegal_moves_are_refused_but_corrections_may_go_anywhere(app, pledge, deputy):
    first = pledge.record_update(deputy, S.FULFILLED, 100, "Бітті.", LINK, "k4")
    db.session.commit()
    with pytest.raises(MoveRefused) as refusal:
        pledge.record_update(deputy, S.PARTIAL, 80, "Толық емес екен.", LINK, "k5")
    with app.test_request_context("/?lang=en"):
        assert "publish a correction" in str(refusal.value.message)
    correction = pledge.record_update(deputy, S.PARTIAL, 80, "Түзету: толық емес.", LINK, "k6", corrects=first)
    db.session.commit()
    assert correction.corrects_id == first.id and db.session.get(Pledge, pledge.id).status is S.PARTIAL


def test_a_stale_write_is_refused(pledge, deputy):
    from sqlalchemy import update

    # Another request lands an update behind this one's back; this object still believes update_count is 0.
    db.session.execute(
        update(Pledge).where(Pledge.id == pledge.id).values(update_count=1).execution_options(synchronize_session=False)
    )
    with pytest.raises(MoveRefused):
        pledge.record_update(deputy, S.IN_PROGRESS, 10, "Ескі мәлімет.", [], "k7")


def test_two_updates_from_one_state_at_once_make_one_move(app, pledge, deputy):
    pledge_id, deputy_id = pledge.id, deputy.id

    def update_pledge(index):
        loaded = db.session.get(Pledge, pledge_id)
        loaded.record_update(db.session.get(User, deputy_id), S.FULFILLED, 100, "Бір уақытта.", LINK, f"p{index}")
        return index

    outcomes = run_at_once(app, update_pledge, 4)
    assert len([outcome for outcome in outcomes if isinstance(outcome, int)]) == 1
    assert all(isinstance(outcome, MoveRefused) for outcome in outcomes if not isinstance(outcome, int))
    db.session.expire_all()
    assert db.session.get(Pledge, pledge_id).update_count == 1
    assert db.session.scalar(db.select(db.func.count(PledgeUpdate.id))) == 1


def test_history_rows_are_never_updated_or_deleted(pledge, deputy):
    entry = pledge.record_update(deputy, S.IN_PROGRESS, 30, "Жұмыс басталды.", [], "k8")
    db.session.commit()
    entry.note = "Қайта жазылған тарих"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(PledgeUpdate, entry.id))
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(PledgeUpdate, entry.id).note == "Жұмыс басталды."


def test_overdue_and_freshness(pledge):
    from datetime import date, timedelta

    from community.core.db import utcnow

    pledge.due_on = date(2024, 1, 1)
    assert pledge.is_overdue()
    pledge.status = S.FULFILLED
    assert not pledge.is_overdue()
    pledge.last_update_at = utcnow() - timedelta(days=120)
    assert pledge.days_since_update() == 120
