"""A suspended resident is told where a form would be: that they are suspended, until when and why."""

from community.extensions import db
from community.moderation.services import suspend
from tests.factories import create_dialogue, create_event


def test_a_suspended_resident_is_told_until_when_and_why(client_as, thread, resident, moderator, village):
    dialogue = create_dialogue(moderator, village)
    event = create_event(moderator, village)
    client = client_as(resident)
    suspend(moderator, resident, 3, "Қайта-қайта жарнама жариялады")
    db.session.commit()
    for page in (f"/threads/{thread.id}", f"/dialogues/{dialogue.id}", f"/events/{event.id}"):
        html = client.get(f"{page}?lang=en").text
        assert "Your account is suspended until" in html, page
        assert "Қайта-қайта жарнама жариялады" in html and 'href="/rules"' in html, page


def test_others_see_no_notice(client_as, thread, resident, other_resident, moderator):
    suspend(moderator, other_resident, 3, "Спам")
    db.session.commit()
    assert "suspended" not in client_as(resident).get(f"/threads/{thread.id}?lang=en").text
    assert "suspended" not in client_as("visitor").get(f"/threads/{thread.id}?lang=en").text
