"""Who is told of what, once: comments and replies in followed issues, official answers, appeals' steps, a place
from the waiting list, a cancelled event, hidden content; never one's own doing; the bell and the list."""

import pytest

from community.appeals.services import answer_appeal
from community.events.services import cancel_event, cancel_registration, register
from community.extensions import db
from community.moderation.models import Action
from community.moderation.services import moderate
from community.notifications.models import Notification, NotificationKind
from community.threads.marks import follow_thread
from community.threads.services import add_comment, post_official_answer
from tests.factories import create_appeal, create_comment, create_event, create_thread, create_user

HTMX = {"HX-Request": "true"}


def told(user) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(db.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [row.kind.value for row in rows]


@pytest.fixture
def follower():
    return create_user("resident", name="Бақылаушы")


def test_a_comment_tells_the_followers_but_not_its_author(resident, other_resident, follower, village):
    thread = create_thread(resident, village)
    follow_thread(resident, thread)
    follow_thread(follower, thread)
    add_comment(thread, other_resident, "Бізде де солай, көмектесіңіздер.", "k1")
    db.session.commit()
    assert told(resident) == ["comment"] and told(follower) == ["comment"]
    assert told(other_resident) == []


def test_a_reply_is_told_once_to_a_follower_who_wrote_the_parent(resident, other_resident, village):
    thread = create_thread(resident, village)
    follow_thread(resident, thread)
    parent = create_comment(thread, resident, body="Менің пікірім осындай.")
    add_comment(thread, other_resident, "Келісемін сізбен.", "k2", parent=parent)
    db.session.commit()
    assert told(resident) == ["reply"]  # following the thread too makes no second notification


def test_an_official_answer_tells_the_followers(resident, deputy, follower, village):
    thread = create_thread(resident, village, addressed_to_id=deputy.id)
    follow_thread(resident, thread)
    follow_thread(follower, thread)
    post_official_answer(thread, deputy, "Жөндеу жұмыстары келесі аптада басталады.", "k3")
    db.session.commit()
    assert told(resident) == ["official_answer"] and told(follower) == ["official_answer"]
    assert told(deputy) == []


def test_an_appeals_steps_tell_the_other_side(resident, deputy, deputy_profile, village):
    helper = create_user("resident")
    deputy_profile.assistant_id = helper.id
    db.session.commit()
    appeal = create_appeal(resident, deputy_profile, village)
    assert told(deputy) == ["appeal_new"] and told(helper) == ["appeal_new"]
    answer_appeal(appeal, deputy, "Жауап беремін.")
    db.session.commit()
    assert told(resident) == ["appeal_answered"]
    assert told(deputy) == ["appeal_new"]  # never of one's own doing


def test_a_place_from_the_waiting_list_and_a_cancelled_event(moderator, village):
    event = create_event(moderator, village, capacity=1)
    first, second = create_user("resident"), create_user("resident")
    register(first, event)
    register(second, event)
    db.session.commit()
    cancel_registration(first, event)
    db.session.commit()
    assert told(second) == ["promoted"]
    cancel_event(event, "Залда жөндеу жүріп жатыр")
    db.session.commit()
    assert told(second) == ["promoted", "event_cancelled"]
    assert told(first) == ["event_cancelled"]  # registering followed the event; giving the place up leaves that


def test_hiding_tells_the_author_the_reason_and_the_list_keeps_it(client, login_as, resident, moderator, village):
    thread = create_thread(resident, village, title="Жасырылатын мәселе туралы")
    comment = create_comment(thread, create_user("resident"), body="Жасырылатын пікір")
    follow_thread(resident, thread)
    db.session.commit()
    moderate(moderator, Action.HIDE, "Спам сілтеме", thread, comment)
    db.session.commit()
    login_as(resident)
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "Жасырылатын пікір" not in page  # the comment the follower was told of is hidden now
    assert told(comment.author) == ["hidden"]
    hidden = db.session.scalar(db.select(Notification).where(Notification.kind == NotificationKind.HIDDEN))
    assert hidden.excerpt == "Спам сілтеме"


def test_the_bell_counts_and_answers_304_while_unchanged(client, login_as, resident, other_resident, village):
    thread = create_thread(resident, village)
    follow_thread(resident, thread)
    db.session.commit()
    login_as(resident)
    client.get("/?lang=en")  # the page the bell is on, which remembers the language
    empty = client.get("/notifications/count?lang=en", headers=HTMX)
    assert empty.status_code == 200 and "unread" not in empty.get_data(as_text=True)
    add_comment(thread, other_resident, "Жаңа пікір жазылды.", "k4")
    db.session.commit()
    bell = client.get("/notifications/count?lang=en", headers={**HTMX, "If-None-Match": empty.headers["ETag"]})
    assert bell.status_code == 200 and "1 unread" in bell.get_data(as_text=True)
    again = client.get("/notifications/count?lang=en", headers={**HTMX, "If-None-Match": bell.headers["ETag"]})
    assert again.status_code == 304
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "New comment in an issue you follow" in page and "/comments/" in page
    item = db.session.scalar(db.select(Notification))
    assert client.submit(f"/notifications/{item.id}/read", headers=HTMX).status_code == 200
    after = client.get("/notifications/count?lang=en", headers={**HTMX, "If-None-Match": bell.headers["ETag"]})
    assert after.status_code == 200 and "unread" not in after.get_data(as_text=True)


def test_a_comment_link_lands_on_its_page(client, resident, village):
    thread = create_thread(resident, village)
    comment = create_comment(thread, resident)
    response = client.get(f"/comments/{comment.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#comment-{comment.id}")


def test_nobody_reads_or_marks_anothers(client_as, resident, other_resident, village):
    thread = create_thread(resident, village)
    follow_thread(resident, thread)
    add_comment(thread, other_resident, "Бөгде пікір жазылды.", "k5")
    db.session.commit()
    item = db.session.scalar(db.select(Notification))
    stranger = client_as("resident")
    assert "Бөгде пікір" not in stranger.get("/notifications").get_data(as_text=True)
    stranger.submit(f"/notifications/{item.id}/read")
    db.session.expire_all()
    assert db.session.get(Notification, item.id).read_at is None
    visitor = client_as("visitor")
    assert visitor.get("/notifications").status_code in (302, 303)
    assert visitor.submit("/notifications/read-all").status_code in (302, 303)


def test_mark_all_read(client_as, resident, other_resident, village):
    thread = create_thread(resident, village)
    follow_thread(resident, thread)
    for number in range(3):
        add_comment(thread, other_resident, f"Пікір нөмірі {number}", f"m{number}")
    db.session.commit()
    owner = client_as(resident)
    assert owner.submit("/notifications/read-all").status_code == 303
    db.session.expire_all()
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(Notification).where(Notification.read_at.is_(None)))
        == 0
    )


def test_a_new_time_is_told_to_those_registered_but_a_new_title_is_not(moderator, village):
    from datetime import timedelta

    from community.events.services import edit_event

    event = create_event(moderator, village, capacity=5)
    person = create_user("resident")
    register(person, event)
    db.session.commit()
    edit_event(event, title="Жаңа атау")
    db.session.commit()
    assert told(person) == []
    edit_event(event, starts_at=event.starts_at + timedelta(hours=2), ends_at=event.ends_at + timedelta(hours=2))
    db.session.commit()
    assert told(person) == ["event_changed"] and told(moderator) == []


def test_the_asker_hears_what_became_of_their_question(client, login_as, resident, moderator, village):
    from community.dialogues.services import answer_question, approve_question, set_current
    from tests.factories import create_dialogue, create_question

    dialogue = create_dialogue(moderator, village)
    question = create_question(dialogue, resident, state="pending", body="Аялдамаға күрке қашан қойылады?")
    approve_question(question, moderator)
    db.session.commit()
    set_current(question, moderator)
    db.session.commit()
    answer_question(question, moderator, "Көктемде қойылады.")
    db.session.commit()
    assert told(resident) == ["question_approved", "question_current", "question_answered"]
    login_as(resident)
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "Аялдамаға күрке қашан қойылады?" in page and f"#q{question.id}" in page


def test_the_bell_and_the_list_stay_flat(client, login_as, resident, other_resident, village):
    from tests.test_query_counts import counted_queries

    thread = create_thread(resident, village)
    follow_thread(resident, thread)

    def grow(start: int, count: int) -> None:
        for number in range(start, start + count):
            add_comment(thread, other_resident, f"Пікір нөмірі {number}", f"flat-{number}")
        db.session.commit()

    login_as(resident)
    grow(0, 3)
    with counted_queries() as small_page:
        assert client.get("/notifications").status_code == 200
    with counted_queries() as small_bell:
        assert client.get("/notifications/count", headers=HTMX).status_code == 200
    grow(3, 40)
    with counted_queries() as large_page:
        assert client.get("/notifications").status_code == 200
    with counted_queries() as large_bell:
        assert client.get("/notifications/count", headers=HTMX).status_code == 200
    assert len(large_page) == len(small_page) and len(large_bell) == len(small_bell)
