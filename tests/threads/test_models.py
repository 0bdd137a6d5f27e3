"""The rules that live with the thread data."""

import pytest

from community.core.text import slugify
from community.extensions import db
from community.threads.models import IllegalMove, ThreadState, ThreadStateChange


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
        thread.change_state(target, moderator, "себебі")
        db.session.commit()
        change = db.session.scalar(db.select(ThreadStateChange))
        assert (change.old_state, change.new_state, change.by_id) == (start, target, moderator.id)
    else:
        with pytest.raises(IllegalMove):
            thread.change_state(target, moderator)


def test_resolved_and_closed_threads_take_no_comments(thread):
    assert thread.takes_comments
    for state in (ThreadState.RESOLVED, ThreadState.CLOSED):
        thread.state = state
        assert not thread.takes_comments
