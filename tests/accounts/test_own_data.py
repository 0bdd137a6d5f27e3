"""A resident accepts the rules and the privacy notice to register, and downloads everything the site holds about
them and all they wrote and did, and nothing of anyone else's."""

import json
import re
from datetime import timedelta

import pytest

from community.accounts.models import LoginSession, User
from community.accounts.services import ACCEPTED_TERMS_VERSION
from community.core.db import utcnow
from community.extensions import db
from community.moderation.models import Action, FlagReason
from community.moderation.services import flag
from community.moderation.services import moderate as moderator_acts
from community.threads.marks import follow_thread, support_comment, support_thread
from tests.factories import PASSWORD, create_comment, create_dialogue, create_event, create_thread, create_user
from tests.test_query_counts import counted_queries

FORM = {"email": "Asel.N@Example.kz", "display_name": "Әсел Нұрланқызы", "accept_terms": "y"}


def register(client, region, **changes):
    return client.submit("/auth/register?lang=en", {**FORM, "locality": str(region.id), **changes})


def test_registration_records_the_accepted_version_and_time(client, region, outbox):
    before = utcnow()
    assert register(client, region).status_code == 303
    user = db.session.scalar(db.select(User).filter_by(email="asel.n@example.kz"))
    assert user.terms_version == ACCEPTED_TERMS_VERSION
    assert before <= user.terms_accepted_at <= utcnow()


@pytest.mark.parametrize("lang, message", [("en", "accept the rules"), ("ru", "правила"), ("kk", "ережелерін")])
@pytest.mark.parametrize("box", [None, "", "false"])
def test_registration_without_accepting_is_refused_with_a_message_and_422(client, region, outbox, lang, message, box):
    changes = {"accept_terms": box} if box is not None else {}
    data = {**FORM, "locality": str(region.id), **changes}
    if box is None:
        del data["accept_terms"]
    response = client.submit(f"/auth/register?lang={lang}", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0 and not outbox


def test_the_form_links_the_rules_and_the_privacy_notice(client, region):
    page = client.get("/auth/register?lang=en").get_data(as_text=True)
    assert 'href="/rules"' in page and 'href="/privacy"' in page
    assert re.search(r'<input[^>]*name="accept_terms"[^>]*required', page)
    assert "I accept the rules of the site and the privacy notice" in page


def test_an_unfinished_registration_sent_again_records_the_newest_acceptance(client, region, outbox):
    register(client, region)
    first = db.session.scalar(db.select(User)).terms_accepted_at
    register(client, region)
    db.session.expire_all()
    assert db.session.scalar(db.select(User)).terms_accepted_at >= first


def test_registering_a_taken_address_leaves_its_account_record_alone(client, region, resident, outbox):
    register(client, region, email=resident.email)
    db.session.expire_all()
    assert db.session.get(User, resident.id).terms_version is None  # made by the command line: accepted nothing


@pytest.fixture
def busy(resident, other_resident, village, deputy, moderator, thread):
    """The resident has done one of everything; the other resident too, on the same items."""
    from community.dialogues.services import ask_question, vote
    from community.events.services import register as register_for
    from community.pledges.models import PledgeStatus
    from community.pledges.services import react
    from tests.factories import create_deputy, create_pledge

    own_comment = create_comment(thread, resident, "Менің пікірім")
    their_comment = create_comment(thread, other_resident, "Бауыржанның пікірі", parent=own_comment)
    their_thread = create_thread(other_resident, village, title="Бауыржанның мәселесі")
    hidden = create_comment(their_thread, resident, "Жасырылған пікір")
    moderator_acts(moderator, Action.HIDE, "Спам", their_thread, hidden)
    support_thread(resident, their_thread)
    support_comment(resident, their_comment)
    follow_thread(resident, their_thread)
    flag(resident, their_thread, their_comment, FlagReason.OFF_TOPIC, "Тақырыптан тыс")
    event = create_event(moderator, village)
    register_for(resident, event)
    register_for(other_resident, event)
    dialogue = create_dialogue(moderator, village, premoderation=False)
    ask_question(dialogue, resident, "Менің сұрағым", False, "q-1")
    theirs, _ = ask_question(dialogue, other_resident, "Оның сұрағы", False, "q-2")
    vote(resident, theirs, True)
    profile = create_deputy(user=deputy)
    pledge = create_pledge(profile, village)
    update = pledge.record_update(deputy, PledgeStatus.IN_PROGRESS, 10, "Басталды.", [], "u-1")
    react(resident, update, True, "")
    db.session.commit()
    return {"thread": thread, "their_comment": their_comment, "their_thread": their_thread, "event": event}


def download(client):
    response = client.get("/auth/data.json")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response, json.loads(response.get_data(as_text=True))


def test_the_download_holds_the_account_and_everything_it_did(client, resident, busy, login_as):
    login_as(resident)
    response, data = download(client)
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response.headers["Cache-Control"]
    account = data["account"]
    assert (account["email"], account["display_name"], account["role"]) == (
        resident.email,
        resident.display_name,
        "resident",
    )
    assert {"created_at", "language", "locality", "terms_version", "terms_accepted_at"} <= set(account)
    assert [row["title"] for row in data["threads"]] == [busy["thread"].title]
    assert {row["body"] for row in data["comments"]} == {"Менің пікірім", "Жасырылған пікір"}
    hidden = next(row for row in data["comments"] if row["body"] == "Жасырылған пікір")
    assert hidden["hidden_at"] and hidden["hidden_reason"] == "Спам" and "hidden_by_id" not in hidden
    assert [row["thread_id"] for row in data["thread_supports"]] == [busy["their_thread"].id]
    assert [row["comment_id"] for row in data["comment_supports"]] == [busy["their_comment"].id]
    assert busy["their_thread"].id in [row["thread_id"] for row in data["follows"]]
    assert [(row["comment_id"], row["reason"]) for row in data["flags_sent"]] == [
        (busy["their_comment"].id, "off_topic")
    ]
    assert [(row["event_id"], row["state"]) for row in data["event_registrations"]] == [(busy["event"].id, "going")]
    assert [row["body"] for row in data["dialogue_questions"]] == ["Менің сұрағым"]
    assert len(data["dialogue_votes"]) == 1 and len(data["pledge_update_reactions"]) == 1
    assert data["pledge_updates"] == []
    assert len(data["sign_in_sessions"]) == 1


def test_the_download_holds_nothing_private_of_anyone(client, resident, other_resident, busy, login_as):
    login_as(resident)
    _, data = download(client)
    text = json.dumps(data, ensure_ascii=False)
    assert other_resident.email not in text
    assert "Бауыржанның пікірі" not in text and "Оның сұрағы" not in text  # others' words are theirs
    assert resident.password_hash not in text and "password_hash" not in text
    for token_hash in db.session.scalars(db.select(LoginSession.token_hash)):
        assert token_hash not in text
    assert "token" not in text.lower()
    cookie = client.get_cookie("session").value
    assert cookie not in text


def test_a_deputy_gets_their_pledge_updates(client, deputy, busy, login_as):
    login_as(deputy)
    _, data = download(client)
    assert [(row["new_status"], row["note"]) for row in data["pledge_updates"]] == [("in_progress", "Басталды.")]


def test_visitors_are_sent_to_sign_in(client, region):
    response = client.get("/auth/data.json")
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]


def test_the_download_runs_one_query_per_kind_however_much_was_done(client, resident, thread, village, login_as):
    login_as(resident)
    create_comment(thread, resident, "Бір")
    with counted_queries() as few:
        download(client)
    for number in range(12):
        other = create_thread(resident, village, title=f"Мәселе {number}")
        create_comment(other, resident, f"Пікір {number}")
        support_thread(resident, other)
    db.session.commit()
    with counted_queries() as many:
        download(client)
    assert len(many) == len(few), many


def test_downloads_are_rate_limited(client, resident, login_as):
    login_as(resident)
    answers = [client.get("/auth/data.json").status_code for _ in range(11)]
    assert answers[:10] == [200] * 10 and answers[10] == 429


def test_the_settings_page_offers_the_download(client, resident, login_as):
    login_as(resident)
    page = client.get("/auth/settings?lang=en").get_data(as_text=True)
    assert 'href="/auth/data.json"' in page and "Download my data" in page


def test_an_old_account_downloads_with_no_acceptance_recorded(client, region, login_as):
    old = create_user("resident", password=PASSWORD)
    login_as(old)
    _, data = download(client)
    assert data["account"]["terms_version"] is None and data["account"]["terms_accepted_at"] is None


def test_registrations_at_past_events_are_in_the_download(client, resident, moderator, village, login_as):
    from community.events.models import Registration, RegistrationState

    event = create_event(moderator, village, starts_at=utcnow() + timedelta(days=1))
    db.session.add(Registration(event_id=event.id, user_id=resident.id, state=RegistrationState.GOING))
    db.session.commit()
    login_as(resident)
    _, data = download(client)
    assert [row["event_title"] for row in data["event_registrations"]] == [event.title]
