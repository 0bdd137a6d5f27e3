"""The rules that live with the thread data."""

import pytest

from community.core.states import MoveRefused
from community.core.text import slugify
from community.extensions import db
from community.threads.models import Thread, ThreadState, ThreadStateChange
from tests.concurrency import run_at_once


def test_slugs_are_readable_latin():
    assert slugify("Шамалған ауылында көше шамдары жоқ!") == "shamalgan-auylynda-koshe-shamdary-zhoq"
    assert slugify("Водопровод в селе Узынагаш") == "vodoprovod-v-sele-uzynagash"
    assert slugify("!!!") == "item"


@pytest.mark.parametrize(
    "start, target, allowed",
    [
        (ThreadState.OPEN, ThreadState.ANSWERED, True),
        (ThreadState.OPEN, ThreadState.RESOLVED, True),
        (ThreadState.ANSWERED, ThreadState.CLOSED, True),
        (ThreadState.RESOLVED, ThreadState.OPEN, True),
        (ThreadState.RESOLVED, ThreadState.ANSWERED, False),
        (ThreadState.CLOSED, ThreadState.RESOLVED, False),
        (ThreadState.ANSWERED, ThreadState.OPEN, False),
    ],
)
def test_state_moves_are_checked_and_recorded(thread, moderator, start, target, allowed):
    thread.state = start
    db.session.commit()
    if allowed:
        thread.move_to(target, moderator, "себебі")
        db.session.commit()
        change = db.session.scalar(db.select(ThreadStateChange))
        assert (change.old_state, change.new_state, change.by_id) == (start, target, moderator.id)
    else:
        with pytest.raises(MoveRefused):
            thread.move_to(target, moderator)
        db.session.rollback()
        assert db.session.get(Thread, thread.id).state is start


def test_resolved_and_closed_threads_take_no_comments(thread):
    assert thread.takes_comments
    for state in (ThreadState.RESOLVED, ThreadState.CLOSED):
        thread.state = state
        assert not thread.takes_comments


def test_two_moves_from_one_state_at_once_make_one_move(app, thread, moderator):
    thread_id, moderator_id = thread.id, moderator.id

    def close(index):
        from community.accounts.models import User

        loaded = db.session.get(Thread, thread_id)
        target = ThreadState.CLOSED if index % 2 else ThreadState.RESOLVED
        loaded.move_to(target, db.session.get(User, moderator_id), "екі модератор бірден")
        return target

    outcomes = run_at_once(app, close, 4)
    moved = [outcome for outcome in outcomes if isinstance(outcome, ThreadState)]
    assert len(moved) == 1
    assert all(isinstance(outcome, MoveRefused) for outcome in outcomes if outcome not in moved)
    db.session.expire_all()
    assert db.session.get(Thread, thread_id).state is moved[0]
    assert db.session.scalar(db.select(db.func.count(ThreadStateChange.id))) == 1
