"""Following pledges, deputies, events, dialogue sessions and localities: who is told of what (once, never the
actor, never a non-follower, never of a draft), the button with and without htmx, and the account's data."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import event as sql_event

from community.accounts.leaving import delete_account
from community.core.db import utcnow
from community.dialogues.models import SessionState
from community.dialogues.services import ask_question, move_session
from community.events.services import cancel_event, edit_event, publish_event, register
from community.extensions import db
from community.notifications.follows import follow, followers_of, is_following, unfollow
from community.notifications.models import Follow, FollowTarget, Notification
from community.pledges.models import PledgeStatus
from community.pledges.services import check_update, publish_update, react
from tests.factories import (
    create_deputy,
    create_dialogue,
    create_event,
    create_locality,
    create_pledge,
    create_thread,
    create_user,
)

HTMX = {"HX-Request": "true"}
KINDS = {"update": "pledge_update", "check": "pledge_checked", "dispute": "pledge_disputed"}


def told(user, kind: str | None = None) -> list[str]:
    db.session.expire_all()
    statement = db.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return [row.kind.value for row in db.session.scalars(statement) if kind is None or row.kind.value == kind]


def follows_of(user) -> list[tuple[str, int]]:
    db.session.expire_all()
    rows = db.session.scalars(db.select(Follow).where(Follow.user_id == user.id).order_by(Follow.target))
    return [(row.target.value, row.target_id) for row in rows]


def following(user, target: FollowTarget, item) -> bool:
    db.session.expire_all()
    return is_following(user, target, item.id)


@pytest.fixture
def disputer():
    return create_user("resident", name="Дау айтушы")


def _happen(what: str, pledge, deputy, moderator, disputer):
    """A pledge's update, or a check or a dispute of its latest update; returns the update."""
    if what == "update":
        entry = publish_update(pledge, deputy, PledgeStatus.IN_PROGRESS, 30, "Жұмыс басталды.", [], "u-1")
    else:
        entry = pledge.record_update(deputy, PledgeStatus.IN_PROGRESS, 30, "Жұмыс басталды.", [], "u-1")
        if what == "check":
            check_update(moderator, entry, True, "Тексерілді, дәлел бар.")
        else:
            react(disputer, entry, False, "Жұмыс жүрмей тұр.")
    db.session.commit()
    return entry


@pytest.mark.parametrize("what", ["update", "check", "dispute"])
@pytest.mark.parametrize(
    "who, follows, expected",
    [
        ("a follower of the pledge", {FollowTarget.PLEDGE}, 1),
        ("a follower of the deputy", {FollowTarget.DEPUTY}, 1),
        ("a follower of both", {FollowTarget.PLEDGE, FollowTarget.DEPUTY}, 1),
        ("a non-follower", set(), 0),
        ("the actor, following both", {FollowTarget.PLEDGE, FollowTarget.DEPUTY}, 0),
    ],
)
def test_who_hears_of_a_pledges_news(pledge, deputy, deputy_profile, moderator, disputer, what, who, follows, expected):
    actor = {"update": deputy, "check": moderator, "dispute": disputer}[what]
    person = actor if who.startswith("the actor") else create_user("resident")
    for target in follows:
        follow(person, target, pledge.id if target is FollowTarget.PLEDGE else deputy_profile.id)
    db.session.commit()
    _happen(what, pledge, deputy, moderator, disputer)
    assert told(person) == [KINDS[what]] * expected


def test_a_confirmation_is_not_news_and_another_deputys_follower_hears_nothing(
    pledge, deputy, deputy_profile, disputer, village
):
    other = create_deputy("Сергей Ким")
    create_pledge(other, village, title="Басқа уәде")
    listener, elsewhere = create_user("resident"), create_user("resident")
    follow(listener, FollowTarget.PLEDGE, pledge.id)
    follow(elsewhere, FollowTarget.DEPUTY, other.id)
    db.session.commit()
    entry = pledge.record_update(deputy, PledgeStatus.IN_PROGRESS, 30, "Жұмыс басталды.", [], "u-2")
    react(disputer, entry, True, "")
    publish_update(pledge, deputy, PledgeStatus.STALLED, 30, "Ақша бітті.", [], "u-3")
    db.session.commit()
    assert told(listener) == ["pledge_update"]
    assert told(elsewhere) == []


def test_an_events_news_reaches_its_followers_and_registrants_once(moderator, village):
    event = create_event(moderator, village, capacity=5)
    follower, registrant, outsider = create_user("resident"), create_user("resident"), create_user("resident")
    follow(follower, FollowTarget.EVENT, event.id)
    register(registrant, event)  # registering follows too: one notification all the same
    db.session.commit()
    assert following(registrant, FollowTarget.EVENT, event)
    edit_event(event, starts_at=event.starts_at + timedelta(days=1), ends_at=event.ends_at + timedelta(days=1))
    db.session.commit()
    cancel_event(event, "Залда жөндеу жүріп жатыр")
    db.session.commit()
    assert told(follower) == ["event_changed", "event_cancelled"]
    assert told(registrant) == ["event_changed", "event_cancelled"]
    assert told(outsider) == [] and told(moderator) == []


@pytest.fixture
def places(region, village):
    """The region, its district, the village in it, and another district beside it."""
    district = db.session.get(type(village), village.parent_id)
    other = create_locality("talgar-district", "district", "Талғар ауданы", "Талгарский район", parent=region)
    db.session.commit()
    return {"region": region, "district": district, "village": village, "other": other}


@pytest.mark.parametrize(
    "where, expected",
    [("region", 1), ("district", 1), ("village", 1), ("other", 0), ("region and village", 1)],
)
def test_a_new_issue_or_event_is_told_to_the_followers_of_its_place_and_the_places_around_it(
    places, resident, moderator, where, expected
):
    person = create_user("resident")
    for name in where.split(" and "):
        follow(person, FollowTarget.LOCALITY, places[name].id)
    follow(resident, FollowTarget.LOCALITY, places["village"].id)
    db.session.commit()
    create_thread(resident, places["village"])
    create_event(moderator, places["village"])
    assert told(person) == ["thread_in_locality", "event_in_locality"] * expected
    assert told(resident) == ["event_in_locality"]  # not of their own issue


def test_drafts_and_a_pledges_discussion_are_not_told_to_a_places_followers(places, moderator, deputy_profile):
    person = create_user("resident")
    follow(person, FollowTarget.LOCALITY, places["region"].id)
    db.session.commit()
    draft = create_event(moderator, places["village"], publish=False)
    create_pledge(deputy_profile, places["village"])  # opens its discussion thread
    assert told(person) == []
    publish_event(draft)
    db.session.commit()
    publish_event(draft)  # publishing again changes nothing
    db.session.commit()
    assert told(person) == ["event_in_locality"]


def test_a_dialogue_sessions_followers_hear_it_is_live_once_and_that_it_closed(moderator, village):
    dialogue = create_dialogue(moderator, village, state="scheduled")
    person, outsider = create_user("resident"), create_user("resident")
    follow(person, FollowTarget.DIALOGUE, dialogue.id)
    follow(moderator, FollowTarget.DIALOGUE, dialogue.id)
    db.session.commit()
    for to in (SessionState.LIVE, SessionState.PAUSED, SessionState.LIVE):
        move_session(dialogue, to, moderator)
        db.session.commit()
    move_session(dialogue, SessionState.CLOSED, moderator, summary="Жол жөнделеді.")
    db.session.commit()
    assert told(person) == ["dialogue_live", "dialogue_closed"]
    assert told(outsider) == [] and told(moderator) == []
    closed = db.session.scalar(db.select(Notification).filter_by(user_id=person.id, kind="dialogue_closed"))
    assert closed.excerpt == "Жол жөнделеді." and closed.dialogue_id == dialogue.id


def test_registering_and_asking_follow_and_following_is_undone_by_unfollowing(moderator, village, resident):
    event = create_event(moderator, village)
    dialogue = create_dialogue(moderator, village)
    register(resident, event)
    ask_question(dialogue, resident, "Жол қашан жөнделеді?", False, "q-1")
    db.session.commit()
    assert following(resident, FollowTarget.EVENT, event) and following(resident, FollowTarget.DIALOGUE, dialogue)
    assert unfollow(resident, FollowTarget.EVENT, event.id) and not unfollow(resident, FollowTarget.EVENT, event.id)
    db.session.commit()
    assert not following(resident, FollowTarget.EVENT, event)
    assert follow(resident, FollowTarget.PLEDGE, 7) and not follow(resident, FollowTarget.PLEDGE, 7)
    db.session.commit()
    assert follows_of(resident) == [("dialogue", dialogue.id), ("pledge", 7)]
    assert list(db.session.scalars(followers_of((FollowTarget.PLEDGE, 7)))) == [resident.id]


# The button: each followable thing, its page and its follow address.
@pytest.fixture
def things(pledge, deputy_profile, moderator, village):
    return {
        "pledge": (pledge, f"/pledges/{pledge.id}"),
        "deputy": (deputy_profile, f"/deputies/{deputy_profile.id}"),
        "event": (create_event(moderator, village), None),
        "dialogue": (create_dialogue(moderator, village), None),
        "locality": (village, f"/places/{village.slug}"),
    }


def _page(target: str, item, page: str | None) -> str:
    return page or {"event": f"/events/{item.id}", "dialogue": f"/dialogues/{item.id}"}[target]


TARGETS = ["pledge", "deputy", "event", "dialogue", "locality"]


@pytest.mark.parametrize("target", TARGETS)
def test_follow_and_unfollow_without_javascript(client_as, things, target):
    item, page = things[target]
    page = _page(target, item, page)
    client = client_as("resident")
    html = client.get(page + "?lang=en").get_data(as_text=True)
    assert f'action="{page}/follow"' in html and ">Follow" in html
    response = client.submit(f"{page}/follow", {"next": page})
    assert response.status_code == 303 and response.headers["Location"].endswith(page)
    assert following(client.user, FollowTarget(target), item)
    html = client.get(page + "?lang=en").get_data(as_text=True)
    assert f'action="{page}/unfollow"' in html and 'aria-pressed="true"' in html
    assert client.submit(f"{page}/unfollow", {"next": "https://example.com/"}).headers["Location"].endswith(page)
    assert not following(client.user, FollowTarget(target), item)


@pytest.mark.parametrize("target", TARGETS)
def test_follow_and_unfollow_with_htmx_swap_the_button(client_as, things, target):
    item, page = things[target]
    page = _page(target, item, page)
    client = client_as("resident")
    response = client.submit(f"{page}/follow?lang=en", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(f'<div class="follow" id="follow-{target}-')
    assert f'hx-post="{page}/unfollow"' in html and 'aria-pressed="true"' in html
    assert "announce" in json.loads(response.headers["HX-Trigger"])
    response = client.submit(f"{page}/unfollow?lang=en", headers=HTMX)
    assert f'hx-post="{page}/follow"' in response.get_data(as_text=True)
    assert not following(client.user, FollowTarget(target), item)


@pytest.mark.parametrize("target", TARGETS)
def test_a_double_submit_makes_one_row(client_as, things, target):
    item, page = things[target]
    page = _page(target, item, page)
    client = client_as("resident")
    assert [client.submit(f"{page}/follow").status_code for _ in range(2)] == [303, 303]
    assert follows_of(client.user) == [(target, item.id)]


@pytest.mark.parametrize("target", TARGETS)
def test_visitors_are_sent_to_sign_in_and_see_a_link_to_it(client, things, target):
    item, page = things[target]
    page = _page(target, item, page)
    html = client.get(page + "?lang=en").get_data(as_text=True)
    assert "Sign in to follow" in html and f"{page}/follow" not in html
    response = client.post(f"{page}/follow", data={"csrf_token": client.csrf_token()})
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Follow)) == 0


@pytest.mark.parametrize("target", TARGETS)
def test_a_follow_without_the_csrf_token_is_refused(client_as, things, target):
    item, page = things[target]
    page = _page(target, item, page)
    client = client_as("resident")
    assert client.post(f"{page}/follow", data={}).status_code == 400
    assert follows_of(client.user) == []


def test_nobody_follows_a_draft_and_the_suspended_may_not_follow(client_as, moderator, village, region):
    draft = create_event(moderator, village, publish=False)
    assert client_as("resident").submit(f"/events/{draft.id}/follow").status_code == 404
    organiser = client_as(moderator)
    assert f"/events/{draft.id}/follow" not in organiser.get(f"/events/{draft.id}").get_data(as_text=True)
    assert organiser.submit(f"/events/{draft.id}/follow").status_code == 403
    suspended = client_as("resident")
    assert suspended.submit(f"/places/{village.slug}/follow").status_code in (200, 303)
    suspended.user.suspended_until = utcnow() + timedelta(days=30)
    db.session.commit()
    assert suspended.submit(f"/places/{region.slug}/follow").status_code == 403
    page = suspended.get(f"/places/{village.slug}").get_data(as_text=True)
    assert f"/places/{village.slug}/unfollow" in page  # what it still hears of, it may stop hearing of
    assert suspended.submit(f"/places/{village.slug}/unfollow").status_code in (200, 303)
    assert db.session.scalar(db.select(db.func.count()).select_from(Follow)) == 0


def test_the_deputy_and_locality_pages_count_their_followers(client, client_as, deputy_profile, village):
    for _ in range(2):
        client_as("resident").submit(f"/deputies/{deputy_profile.id}/follow")
    client_as("resident").submit(f"/places/{village.slug}/follow")
    assert "2 followers" in client.get(f"/deputies/{deputy_profile.id}?lang=en").get_data(as_text=True)
    assert "1 follower" in client.get(f"/places/{village.slug}?lang=en").get_data(as_text=True)


def test_registering_with_htmx_turns_the_follow_button_too(client_as, moderator, village):
    event = create_event(moderator, village)
    client = client_as("resident")
    html = client.submit(f"/events/{event.id}/register", headers=HTMX).get_data(as_text=True)
    assert f'id="follow-event-{event.id}" hx-swap-oob="true"' in html
    assert f'hx-post="/events/{event.id}/unfollow"' in html


def test_the_notifications_link_to_the_exact_update_and_the_list_runs_flat(
    client_as, pledge, deputy, moderator, village
):
    client = client_as("resident")
    follow(client.user, FollowTarget.PLEDGE, pledge.id)
    dialogue = create_dialogue(moderator, village, state="scheduled")
    follow(client.user, FollowTarget.DIALOGUE, dialogue.id)
    db.session.commit()
    entry = publish_update(pledge, deputy, PledgeStatus.IN_PROGRESS, 30, "Жұмыс басталды.", [], "n-1")
    db.session.commit()

    def statements_of_the_list() -> int:
        seen = []
        listen = lambda *args: seen.append(args[2])  # noqa: E731
        sql_event.listen(db.engine, "before_cursor_execute", listen)
        try:
            html = client.get("/notifications?lang=en").get_data(as_text=True)
        finally:
            sql_event.remove(db.engine, "before_cursor_execute", listen)
        return len(seen), html

    few, html = statements_of_the_list()
    assert f'href="/pledges/{pledge.id}#update-{entry.id}"' in html and pledge.title in html
    move_session(dialogue, SessionState.LIVE, moderator)
    other = create_pledge(pledge.deputy, village, title="Екінші уәде")
    follow(client.user, FollowTarget.PLEDGE, other.id)
    db.session.commit()
    for number in range(3):
        publish_update(other, deputy, PledgeStatus.IN_PROGRESS, number, f"Жаңалық {number}", [], f"n-{number + 2}")
        db.session.commit()
    many, html = statements_of_the_list()
    assert f'href="/dialogues/{dialogue.id}"' in html and dialogue.title in html and "Екінші уәде" in html
    assert many == few


def test_the_account_data_lists_follows_and_leaving_removes_them(client_as, pledge, village):
    client = client_as("resident")
    client.submit(f"/pledges/{pledge.id}/follow")
    client.submit(f"/places/{village.slug}/follow")
    data = client.get("/auth/data.json").get_json()
    assert sorted((row["target"], row["target_id"]) for row in data["followed"]) == [
        ("locality", village.id),
        ("pledge", pledge.id),
    ]
    assert delete_account(client.user)
    db.session.commit()
    assert follows_of(client.user) == []
