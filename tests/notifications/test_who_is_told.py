"""Who is told of what, and who is not, as one table: each happening is done once in a small world of people —
the one who does it, the one it is about, a follower, someone who follows by two routes, a stranger — and each
person's notifications are compared with the row's expectation. The follows of pledges, deputies, events,
sessions and places have their own table in test_follows.py."""

from datetime import timedelta

import pytest

from community.appeals.services import answer_appeal
from community.core.db import utcnow
from community.events.services import cancel_event, cancel_registration, register
from community.extensions import db
from community.moderation.models import Action
from community.moderation.services import moderate
from community.notifications.delivery import run_pass
from community.notifications.models import Notification
from community.notifications.queries import notification_page
from community.threads.marks import follow_thread
from community.threads.services import add_comment, post_official_answer
from tests.factories import create_appeal, create_comment, create_event, create_thread, create_user


def kinds_of(user) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(db.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [row.kind.value for row in rows]


class World:
    """The people of one case, by the part they play."""

    def __init__(self, village, deputy, deputy_profile, moderator):
        self.village, self.deputy, self.deputy_profile, self.moderator = village, deputy, deputy_profile, moderator
        self.author = create_user("resident", name="Мәселе авторы")
        self.actor = create_user("resident", name="Әрекет етуші")
        self.follower = create_user("resident", name="Бақылаушы")
        self.stranger = create_user("resident", name="Бөгде адам")
        self.thread = create_thread(self.author, village)
        self.parent = create_comment(self.thread, self.follower, "Бақылаушының пікірі")
        follow_thread(self.follower, self.thread)
        db.session.commit()
        everyone = (self.author, self.actor, self.follower, self.stranger, deputy)
        self.before = {person.id: len(kinds_of(person)) for person in everyone}  # what setting up caused

    def told_since(self, person) -> list[str]:
        """What the person was told after the world was set up."""
        return kinds_of(person)[self.before[person.id] :]


def comment(world):
    add_comment(world.thread, world.actor, "Бізде де солай.", "who-1")


def reply_to_a_follower(world):
    add_comment(world.thread, world.actor, "Сізге жауап.", "who-2", parent=world.parent)


def own_reply(world):
    add_comment(world.thread, world.follower, "Өзіме жауап.", "who-3", parent=world.parent)


def official_answer(world):
    world.actor = world.deputy
    post_official_answer(world.thread, world.deputy, "Ресми жауап: жөндеу жоспарланды.", "who-4")


def hidden_before_read(world):
    hidden, _ = add_comment(world.thread, world.actor, "Кейін жасырылатын пікір", "who-5")
    db.session.commit()
    moderate(world.moderator, Action.HIDE, "Қорлау", world.thread, hidden)


def appeal_answered(world):
    appeal = create_appeal(world.author, world.deputy_profile, world.village, public=True)
    world.actor = world.deputy
    answer_appeal(appeal, world.deputy, "Жауабым осы.")


def private_appeal_answered(world):
    appeal = create_appeal(world.author, world.deputy_profile, world.village, public=False)
    world.actor = world.deputy
    answer_appeal(appeal, world.deputy, "Жеке жауап.")


def event_cancelled(world):
    event = create_event(world.moderator, world.village, capacity=1)
    register(world.follower, event)
    register(world.author, event)  # waiting
    db.session.commit()
    cancel_event(event, "Зал жөнделуде")


def waiting_list_promotion(world):
    event = create_event(world.moderator, world.village, capacity=1)
    register(world.actor, event)
    register(world.follower, event)  # waiting
    db.session.commit()
    cancel_registration(world.actor, event)


def reminder(world):
    event = create_event(world.moderator, world.village, capacity=1, starts_at=utcnow() + timedelta(hours=30))
    register(world.follower, event)
    register(world.author, event)  # waiting: not reminded
    db.session.commit()
    run_pass(now=utcnow() + timedelta(hours=7))


# happening, who, what they are told (in the order told); everyone not named is told nothing new
CASES = [
    (comment, {"follower": ["comment"], "author": ["comment"]}),
    (reply_to_a_follower, {"follower": ["reply"], "author": ["comment"]}),
    (own_reply, {"author": ["comment"]}),
    (official_answer, {"follower": ["official_answer"], "author": ["official_answer"]}),
    (appeal_answered, {"author": ["appeal_answered"], "actor": ["appeal_new"]}),  # never of one's own answer
    (private_appeal_answered, {"author": ["appeal_answered"], "actor": ["appeal_new"]}),
    (event_cancelled, {"follower": ["event_cancelled"], "author": ["event_cancelled"]}),
    (waiting_list_promotion, {"follower": ["promoted"]}),
    (reminder, {"follower": ["event_reminder"]}),
]


@pytest.mark.parametrize(("happening", "expected"), CASES, ids=[case[0].__name__ for case in CASES])
def test_who_is_told_of_what(village, deputy, deputy_profile, moderator, happening, expected):
    world = World(village, deputy, deputy_profile, moderator)
    happening(world)
    db.session.commit()
    for name in ("author", "actor", "follower", "stranger"):
        assert world.told_since(getattr(world, name)) == expected.get(name, []), name


def test_a_comment_hidden_before_it_is_read_leaves_the_followers_list(village, deputy, deputy_profile, moderator):
    world = World(village, deputy, deputy_profile, moderator)
    hidden_before_read(world)
    db.session.commit()
    shown = notification_page(world.follower, {}).items
    assert all(item.comment is None or item.comment.hidden_at is None for item in shown)
    assert kinds_of(world.actor)[-1:] == ["hidden"]  # the author hears why, without the text
