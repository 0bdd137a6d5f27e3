"""Event moves under the one convention: guarded writes, one success and clean refusals when two come at once."""

import pytest

from community.core.states import MoveRefused
from community.events.models import Event, Registration, RegistrationState
from community.events.services import cancel_event, register
from community.extensions import db
from tests.concurrency import run_at_once
from tests.factories import create_event, create_user


def test_two_cancellations_at_once_cancel_once(app, moderator, village):
    event_id = create_event(moderator, village).id

    def cancel(index):
        cancel_event(db.session.get(Event, event_id), f"Себебі {index}")
        return index

    outcomes = run_at_once(app, cancel, 4)
    done = [outcome for outcome in outcomes if isinstance(outcome, int)]
    assert len(done) == 1
    assert all(isinstance(outcome, MoveRefused) for outcome in outcomes if outcome not in done)
    db.session.expire_all()
    assert db.session.get(Event, event_id).cancel_reason == f"Себебі {done[0]}"


def test_cancelling_a_cancelled_event_is_a_409_that_says_why(app, login_as, moderator, village):
    event = create_event(moderator, village)
    client = login_as(moderator, with_client=app.test_client())
    assert client.submit(f"/events/{event.id}/cancel", {"reason": "Зал жабық"}).status_code == 303
    again = client.submit(f"/events/{event.id}/cancel?lang=en", {"reason": "Тағы да"})
    assert again.status_code == 409
    assert "already been cancelled" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).cancel_reason == "Зал жабық"


def test_a_registration_moves_only_along_its_moves(event_with_one_place):
    first, second = create_user("resident"), create_user("resident")
    going = register(first, event_with_one_place)
    waiting = register(second, event_with_one_place)
    assert (going.state, waiting.state) == (RegistrationState.GOING, RegistrationState.WAITING)
    assert not going.move_to(RegistrationState.WAITING)  # going → waiting is no move
    assert waiting.move_to(RegistrationState.CANCELLED)
    assert not waiting.move_to(RegistrationState.GOING)  # cancelled → going skips the queue
    db.session.commit()
    assert db.session.get(Registration, waiting.id).state is RegistrationState.CANCELLED


def test_marking_attendance_before_the_start_is_refused_with_a_reason(app, login_as, moderator, village):
    event = create_event(moderator, village)
    client = login_as(moderator, with_client=app.test_client())
    response = client.submit(f"/events/{event.id}/registrants?lang=en", {"attended": []})
    assert response.status_code == 409
    assert "once the event has started" in response.get_data(as_text=True)


def test_publishing_twice_changes_nothing(app, login_as, moderator, village):
    event = create_event(moderator, village, publish=False)
    client = login_as(moderator, with_client=app.test_client())
    assert client.submit(f"/events/{event.id}/publish").status_code == 303
    first = db.session.get(Event, event.id).published_at
    assert client.submit(f"/events/{event.id}/publish").status_code == 303
    db.session.expire_all()
    assert db.session.get(Event, event.id).published_at == first


@pytest.fixture
def event_with_one_place(moderator, village):
    return create_event(moderator, village, capacity=1)
