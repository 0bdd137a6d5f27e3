"""Who may do what in dialogue sessions: every route × every role."""

import pytest

from community.dialogues.models import DialogueSession, Question, SessionState
from community.extensions import db
from tests.factories import create_dialogue, create_question, create_user

ROLES = ["visitor", "resident", "deputy", "moderator", "admin"]
RUNS = {"visitor": 303, "resident": 403, "deputy": 403, "moderator": 200, "admin": 200}


@pytest.fixture
def dialogue(moderator, village):
    return create_dialogue(moderator, village)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "page", ["/dialogues/", "/dialogues/{id}", "/dialogues/{id}/screen", "/dialogues/{id}/minutes.csv"]
)
def test_public_pages_open_for_everyone(client_as, dialogue, role, page):
    assert client_as(role).get(page.format(id=dialogue.id)).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "page",
    [
        "/dialogues/new",
        "/dialogues/{id}/console",
        "/dialogues/{id}/edit",
        "/dialogues/questions/{q}/follow-up",
        "/dialogues/questions/{q}/promise",
    ],
)
def test_only_moderators_open_the_running_pages(client_as, dialogue, resident, role, page):
    question = create_question(dialogue, resident)
    response = client_as(role).get(page.format(id=dialogue.id, q=question.id))
    assert response.status_code == RUNS[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", ["approve", "current", "hide", "answer", "correct", "merge"])
def test_only_moderators_take_console_steps(client_as, dialogue, resident, role, step):
    question = create_question(dialogue, resident, state="pending")
    response = client_as(role).submit(
        f"/dialogues/questions/{question.id}/{step}",
        {"reason": "Ереже бұзылды", "note": "Жауап", "body": "Түзетілген мәтін", "into": question.id},
    )
    assert response.status_code == {**RUNS, "moderator": 303, "admin": 303}[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("move", ["pause", "close"])
def test_only_moderators_move_a_session(client_as, dialogue, role, move):
    response = client_as(role).submit(f"/dialogues/{dialogue.id}/{move}")
    assert response.status_code == {**RUNS, "moderator": 303, "admin": 303}[role]
    expected = (
        SessionState.LIVE if RUNS[role] != 200 else {"pause": SessionState.PAUSED, "close": SessionState.CLOSED}[move]
    )
    db.session.expire_all()
    assert db.session.get(DialogueSession, dialogue.id).state is expected


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_people_ask_and_vote_visitors_are_sent_to_sign_in(client_as, dialogue, other_resident, role):
    question = create_question(dialogue, other_resident)
    client = client_as(role)
    asked = client.submit(f"/dialogues/{dialogue.id}/questions", {"body": "Рөлдер бойынша сұрақ"})
    voted = client.submit(f"/dialogues/questions/{question.id}/vote", {"vote": "1"})
    assert (asked.status_code, voted.status_code) == (303, 303)
    for response in (asked, voted):
        assert ("/auth/login" in response.headers["Location"]) is (role == "visitor")


@pytest.mark.parametrize("state", ["paused", "closed"])
def test_no_questions_or_votes_on_a_break_or_after_the_session(
    client_as, moderator, village, resident, state, other_resident
):
    dialogue = create_dialogue(moderator, village, state=state)
    question = create_question(dialogue, other_resident)
    client = client_as("resident")
    asked = client.submit(
        f"/dialogues/{dialogue.id}/questions?lang=en",
        {"body": "Үзіліс кезіндегі сұрақ"},
        headers={"HX-Request": "true"},
    )
    assert asked.status_code == 422
    assert ("on a break" if state == "paused" else "no longer takes questions") in asked.get_data(as_text=True)
    voted = client.submit(
        f"/dialogues/questions/{question.id}/vote?lang=en", {"vote": "1"}, headers={"HX-Request": "true"}
    )
    assert voted.status_code == 200 and 'aria-pressed="true"' not in voted.get_data(as_text=True)
    assert client.submit(f"/dialogues/questions/{question.id}/vote", {"vote": "1"}).status_code == 303
    assert db.session.scalar(db.select(db.func.count(Question.id)).filter_by(body="Үзіліс кезіндегі сұрақ")) == 0
    assert db.session.get(Question, question.id).vote_count == 0


def test_a_suspended_resident_cannot_ask(client_as, dialogue):
    from community.core.db import utcnow

    client = client_as("resident")
    client.user.suspended_until = utcnow().replace(year=utcnow().year + 1)
    db.session.commit()
    assert client.submit(f"/dialogues/{dialogue.id}/questions", {"body": "Тыйым салынған сұрақ"}).status_code == 403


def test_missing_sessions_and_questions_are_404(client):
    assert client.get("/dialogues/999999").status_code == 404
    assert client.get("/dialogues/99999999999").status_code == 404
    assert client.get("/dialogues/999/screen").status_code == 404
    assert client.get("/dialogues/999", headers={"HX-Request": "true"}).status_code == 404


# Each remaining console route with the question state it needs and the form it sends.
MORE_STEPS = [
    ("/dialogues/{id}/hall", None, {"body": "Залдан қойылған сұрақ"}),
    ("/dialogues/{id}/current/clear", None, {}),
    ("/dialogues/{id}/resume", None, {}),
    ("/dialogues/questions/{q}/restore", "hidden", {}),
    ("/dialogues/questions/{q}/reopen", "answered", {}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url, state, data", MORE_STEPS)
def test_only_moderators_take_the_other_console_steps(client_as, dialogue, resident, role, url, state, data):
    question = create_question(dialogue, resident, state=state or "approved")
    response = client_as(role).submit(url.format(id=dialogue.id, q=question.id), data)
    assert response.status_code == {**RUNS, "moderator": 303, "admin": 303}[role]


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_send_an_open_question_to_a_deputy(client_as, moderator, village, resident, role):
    from tests.factories import create_deputy

    person = create_deputy(name="Сәуле Омарова", user=create_user("deputy"))
    closed = create_dialogue(moderator, village, state="closed", deputies=[person])
    question = create_question(closed, resident)
    assert client_as(role).get(f"/dialogues/questions/{question.id}/to-deputy").status_code == RUNS[role]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_author_withdraws_a_question(client_as, dialogue, resident, role):
    question = create_question(dialogue, resident, state="pending")
    response = client_as(role).submit(f"/dialogues/questions/{question.id}/withdraw")
    assert response.status_code == (303 if role == "visitor" else 403)
    assert db.session.get(Question, question.id).state.value == "pending"
