"""Two people making one status move at once, through the site: one succeeds, the other gets a clean refusal in
their language (a 409, or the console's own message), never a 500; on SQLite and PostgreSQL."""

from community.dialogues.models import DialogueSession, SessionLogEntry, SessionState
from community.events.models import Event
from community.extensions import db
from community.pledges.models import Pledge, PledgeUpdate
from community.threads.models import Thread, ThreadState, ThreadStateChange
from tests.concurrency import post_at_once
from tests.factories import create_dialogue, create_event

REFUSED = {"kk": "қазіргі күйінде", "ru": "текущем состоянии", "en": "present state"}


def test_two_moderators_closing_one_thread(client_as, thread):
    clients = [client_as("moderator"), client_as("moderator")]
    responses = post_at_once(clients, f"/threads/{thread.id}/close?lang=en", {"reason": "Екі модератор бірден"})
    assert sorted(response.status_code for response in responses) == [303, 409]
    refused = next(response for response in responses if response.status_code == 409)
    assert REFUSED["en"] in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).state is ThreadState.CLOSED
    assert db.session.scalar(db.select(db.func.count(ThreadStateChange.id))) == 1


def test_an_author_and_a_moderator_settling_one_thread_in_kazakh(client_as, thread):
    clients = [client_as(thread.author), client_as("moderator")]
    responses = [
        *post_at_once(clients[:1], f"/threads/{thread.id}/resolve"),
        *post_at_once(clients[1:], f"/threads/{thread.id}/close?lang=kk", {"reason": "Жабылды"}),
    ]
    assert [response.status_code for response in responses] == [303, 409]
    assert REFUSED["kk"] in responses[1].get_data(as_text=True)


def test_a_deputy_and_a_moderator_updating_one_pledge(client_as, pledge, deputy):
    clients = [client_as(deputy), client_as("moderator")]
    form = {"status": "fulfilled", "progress": "100", "note": "Жұмыс бітті.", "evidence": "https://almobl.gov.kz/1"}
    responses = post_at_once(clients, f"/pledges/{pledge.id}/updates?lang=ru", form)
    statuses = sorted(response.status_code for response in responses)
    assert statuses in ([303, 409], [303, 422])  # overtaken in the write (409), or read after it: no such move (422)
    for response in responses:
        if response.status_code == 409:  # overtaken: said as such, not as a move the pledge may not make
            assert REFUSED["ru"] in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).update_count == 1
    assert db.session.scalar(db.select(db.func.count(PledgeUpdate.id))) == 1


def test_two_moderators_cancelling_one_event(client_as, moderator, village):
    event = create_event(moderator, village)
    clients = [client_as(moderator), client_as("moderator")]
    responses = post_at_once(clients, f"/events/{event.id}/cancel?lang=en", {"reason": "Зал жөндеуде"})
    assert sorted(response.status_code for response in responses) == [303, 409]
    refused = next(response for response in responses if response.status_code == 409)
    assert "already been cancelled" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).cancelled_at is not None


def test_two_moderators_pausing_one_session(client_as, moderator, village):
    dialogue = create_dialogue(moderator, village)
    clients = [client_as(moderator), client_as("moderator")]
    responses = post_at_once(clients, f"/dialogues/{dialogue.id}/pause?lang=en")
    assert [response.status_code for response in responses] == [303, 303]  # both go back to the console
    messages = [client.get(f"/dialogues/{dialogue.id}/console?lang=en").get_data(as_text=True) for client in clients]
    assert sum("The session is paused." in page for page in messages) == 1
    assert sum("cannot do that from where it is now" in page for page in messages) == 1
    db.session.expire_all()
    assert db.session.get(DialogueSession, dialogue.id).state is SessionState.PAUSED
    assert db.session.scalar(db.select(db.func.count(SessionLogEntry.id))) == 1


def test_closing_wins_over_a_pause_made_meanwhile(moderator, village):
    dialogue = create_dialogue(moderator, village)
    seen_live = db.session.get(DialogueSession, dialogue.id)  # the closing moderator's page was opened while live
    db.session.execute(
        db.update(DialogueSession).where(DialogueSession.id == dialogue.id).values(state=SessionState.PAUSED)
    )
    seen_live.move_to(SessionState.CLOSED, moderator, summary="Қорытынды")
    db.session.commit()
    assert db.session.get(DialogueSession, dialogue.id).state is SessionState.CLOSED


def test_a_double_click_deletes_a_comment_once(client_as, thread):
    from tests.factories import create_comment

    comment = create_comment(thread, thread.author)
    create_comment(thread, thread.author, body="Екінші пікір, ол қалады.")
    client = client_as(thread.author)
    responses = post_at_once([client, client], f"/comments/{comment.id}/delete")
    assert all(response.status_code < 500 for response in responses)
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).comment_count == 1  # the other comment stays counted


def test_two_moderators_hiding_one_comment_lower_the_count_once(client_as, thread):
    from tests.factories import create_comment

    comment = create_comment(thread, thread.author)
    clients = [client_as("moderator"), client_as("moderator")]
    responses = post_at_once(clients, f"/moderation/comments/{comment.id}/hide", {"reason": "Балағат сөз"})
    assert [response.status_code for response in responses] == [303, 303]
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).comment_count == 0
