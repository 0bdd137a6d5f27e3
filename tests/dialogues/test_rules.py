"""Dialogue rules: session and question states, votes (also under concurrency), merging, the current question."""

import pytest

from community.core.states import MoveRefused
from community.dialogues.models import (
    DialogueSession,
    Question,
    QuestionState,
    QuestionVote,
    SessionLogEntry,
    SessionState,
)
from community.dialogues.services import (
    answer_question,
    approve_question,
    ask_for,
    ask_question,
    correct_question,
    hide_question,
    merge_question,
    reopen_question,
    restore_question,
    set_current,
    vote,
)
from community.extensions import db
from tests.concurrency import run_at_once
from tests.factories import create_dialogue, create_question, create_user

Q = QuestionState


@pytest.fixture
def dialogue(moderator, village):
    return create_dialogue(moderator, village)


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_a_session_opens_pauses_resumes_and_closes_once(moderator, village):
    dialogue = create_dialogue(moderator, village, state="scheduled")
    for to in (SessionState.LIVE, SessionState.PAUSED, SessionState.LIVE, SessionState.CLOSED):
        dialogue.move_to(to, moderator)
        db.session.commit()
        assert fresh(DialogueSession, dialogue.id).state is to
    for to in (SessionState.LIVE, SessionState.PAUSED, SessionState.CLOSED):
        with pytest.raises(MoveRefused):
            fresh(DialogueSession, dialogue.id).move_to(to, moderator)
    assert fresh(DialogueSession, dialogue.id).opened_at is not None


def test_a_scheduled_session_cannot_be_paused(moderator, village):
    dialogue = create_dialogue(moderator, village, state="scheduled")
    with pytest.raises(MoveRefused):
        dialogue.move_to(SessionState.PAUSED, moderator)


def test_premoderated_questions_wait_and_counts_follow_every_move(dialogue, resident, moderator):
    question, new = ask_question(dialogue, resident, "  Жолды  қашан жөндейді?  ", False, "k1")
    db.session.commit()
    assert new and question.state is Q.PENDING and question.body == "Жолды қашан жөндейді?"
    counts = lambda: (lambda d: (d.pending_count, d.open_count, d.answered_count, d.hidden_count))(  # noqa: E731
        fresh(DialogueSession, dialogue.id)
    )
    assert counts() == (1, 0, 0, 0)
    approve_question(question, moderator)
    db.session.commit()
    assert counts() == (0, 1, 0, 0)
    answer_question(fresh(Question, question.id), moderator, "Көктемде жөнделеді.")
    db.session.commit()
    assert counts() == (0, 0, 1, 0)
    reopen_question(fresh(Question, question.id), moderator)
    hide_question(fresh(Question, question.id), moderator, "Тақырыптан тыс")
    db.session.commit()
    assert counts() == (0, 0, 0, 1)
    restore_question(fresh(Question, question.id), moderator)
    db.session.commit()
    assert counts() == (0, 1, 0, 0)


def test_without_premoderation_a_question_shows_at_once(moderator, village, resident):
    dialogue = create_dialogue(moderator, village, premoderation=False)
    question, _ = ask_question(dialogue, resident, "Су құбыры қашан тартылады?", False, "k1")
    assert question.state is Q.APPROVED


def test_a_repeated_submission_makes_one_question(dialogue, resident):
    first, new = ask_question(dialogue, resident, "Бір сұрақ екі рет жіберілді", False, "same")
    second, again = ask_question(dialogue, resident, "Бір сұрақ екі рет жіберілді", False, "same")
    db.session.commit()
    assert (new, again) == (True, False) and first.id == second.id
    assert fresh(DialogueSession, dialogue.id).pending_count == 1


@pytest.mark.parametrize(
    "start, move",
    [
        ("pending", answer_question),
        ("answered", approve_question),
        ("merged", approve_question),
        ("hidden", answer_question),
        ("promised", reopen_question),
    ],
)
def test_moves_from_the_wrong_state_are_refused(dialogue, resident, moderator, start, move):
    question = create_question(dialogue, resident, state=start)
    with pytest.raises(MoveRefused):
        if move is answer_question:
            move(question, moderator, "жауап")
        else:
            move(question, moderator)


def test_a_step_another_moderator_already_took_is_refused(dialogue, resident, moderator):
    question = create_question(dialogue, resident, state="pending")
    stale = fresh(Question, question.id)
    db.session.expunge(stale)  # what the second moderator's request loaded: still pending
    approve_question(fresh(Question, question.id), moderator)
    db.session.commit()
    with pytest.raises(MoveRefused):
        approve_question(stale, create_user("moderator"))


def test_votes_are_one_per_resident_and_can_be_taken_back(dialogue, resident, other_resident):
    question = create_question(dialogue, other_resident)
    assert vote(resident, question, True) and vote(resident, question, True)
    db.session.commit()
    assert fresh(Question, question.id).vote_count == 1
    vote(resident, question, False)
    vote(resident, question, False)
    db.session.commit()
    assert fresh(Question, question.id).vote_count == 0


def test_only_open_questions_take_votes(dialogue, resident, other_resident):
    question = create_question(dialogue, other_resident, state="pending")
    assert vote(resident, question, True) is False
    assert db.session.scalar(db.select(db.func.count(QuestionVote.id))) == 0


def test_parallel_votes_count_once_per_resident(app, dialogue, other_resident):
    from community.accounts.models import User

    question = create_question(dialogue, other_resident)
    voters = [create_user("resident").id for _ in range(12)]
    voters += voters[:6] + voters[:6]
    question_id = question.id
    outcomes = run_at_once(
        app,
        lambda index: vote(db.session.get(User, voters[index]), db.session.get(Question, question_id), True),
        len(voters),
    )
    assert outcomes == [True] * len(voters)
    assert fresh(Question, question_id).vote_count == 12
    assert db.session.scalar(db.select(db.func.count(QuestionVote.id))) == 12


def test_merging_combines_votes_counting_each_voter_once(dialogue, resident, moderator):
    keep = create_question(dialogue, resident, votes=2)
    duplicate = create_question(dialogue, resident, body="Спорт залы туралы тағы сұрақ", votes=3)
    both = create_user("resident")
    vote(both, keep, True)
    vote(both, duplicate, True)
    db.session.commit()
    merge_question(fresh(Question, duplicate.id), fresh(Question, keep.id), moderator)
    db.session.commit()
    kept = fresh(Question, keep.id)
    assert kept.vote_count == 6  # 3 + 4 minus the resident who voted for both
    merged = fresh(Question, duplicate.id)
    assert merged.state is Q.MERGED and merged.merged_into_id == keep.id
    assert fresh(DialogueSession, dialogue.id).open_count == 1
    assert vote(both, merged, True) is False


def test_a_question_is_not_merged_into_itself_or_another_session(dialogue, moderator, village, resident):
    question = create_question(dialogue, resident)
    elsewhere = create_question(create_dialogue(moderator, village), resident)
    for into in (question, elsewhere):
        with pytest.raises(MoveRefused):
            merge_question(fresh(Question, question.id), into, moderator)


def test_the_current_question_is_open_and_answering_it_clears_it(dialogue, resident, moderator):
    first = create_question(dialogue, resident)
    second = create_question(dialogue, resident, body="Екінші сұрақ осында")
    set_current(first, moderator)
    set_current(second, moderator)
    db.session.commit()
    assert fresh(DialogueSession, dialogue.id).current_question_id == second.id
    answer_question(fresh(Question, second.id), moderator, "Жауап берілді")
    db.session.commit()
    assert fresh(DialogueSession, dialogue.id).current_question_id is None
    with pytest.raises(MoveRefused):
        set_current(fresh(Question, second.id), moderator)


def test_nothing_is_current_before_the_session_opens(moderator, village, resident):
    dialogue = create_dialogue(moderator, village, state="scheduled")
    with pytest.raises(MoveRefused):
        set_current(create_question(dialogue, resident), moderator)


def test_a_correction_keeps_the_first_wording(dialogue, resident, moderator):
    question = create_question(dialogue, resident, body="Мектпке спорт залы керек")
    correct_question(question, moderator, "Мектепке спорт залы керек")
    correct_question(fresh(Question, question.id), moderator, "Мектепке жаңа спорт залы керек")
    db.session.commit()
    question = fresh(Question, question.id)
    assert question.body == "Мектепке жаңа спорт залы керек"
    assert question.original_body == "Мектпке спорт залы керек" and question.edited_at is not None


def test_a_question_from_the_hall_shows_at_once_named_or_anonymous(dialogue, moderator):
    named, _ = ask_for(dialogue, moderator, "Көпір қашан салынады?", "Айгүл апай", "h1")
    nameless, _ = ask_for(dialogue, moderator, "Аурухана қашан ашылады?", "", "h2")
    assert named.state is Q.APPROVED and named.public_name == "Айгүл апай" and not named.anonymous
    assert nameless.anonymous and nameless.public_name is None


def test_every_visible_change_raises_the_version(dialogue, resident, moderator):
    versions = [fresh(DialogueSession, dialogue.id).version]
    question, _ = ask_question(dialogue, resident, "Нұсқа өзгереді ме?", False, "v1")
    for step in (
        lambda: approve_question(question, moderator),
        lambda: vote(moderator, question, True),
        lambda: set_current(question, moderator),
    ):
        db.session.commit()
        versions.append(fresh(DialogueSession, dialogue.id).version)
        step()
    db.session.commit()
    versions.append(fresh(DialogueSession, dialogue.id).version)
    assert versions == sorted(set(versions))


def test_parallel_submissions_of_one_form_make_one_question(app, dialogue, resident):
    from community.accounts.models import User

    dialogue_id, user_id = dialogue.id, resident.id
    outcomes = run_at_once(
        app,
        lambda _: ask_question(
            db.session.get(DialogueSession, dialogue_id),
            db.session.get(User, user_id),
            "Бір форма, көп басу",
            False,
            "one-key",
        )[1],
        6,
    )
    assert sorted(outcomes) == [False] * 5 + [True]
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 1
    assert fresh(DialogueSession, dialogue_id).pending_count == 1


def test_two_moderators_approving_at_once_approve_once(app, dialogue, resident):
    from community.accounts.models import User
    from community.dialogues.models import SessionLogEntry, Step

    question = create_question(dialogue, resident, state="pending")
    moderators = [create_user("moderator").id for _ in range(4)]
    question_id = question.id

    def approve(index):
        approve_question(db.session.get(Question, question_id), db.session.get(User, moderators[index]))
        return "approved"

    outcomes = run_at_once(app, approve, 4)
    assert outcomes.count("approved") == 1
    assert all(isinstance(outcome, MoveRefused) for outcome in outcomes if outcome != "approved")
    assert db.session.scalar(db.select(db.func.count(SessionLogEntry.id)).filter_by(step=Step.APPROVE)) == 1
    assert fresh(DialogueSession, dialogue.id).open_count == 1


def test_a_follow_up_promised_after_an_answer_keeps_the_counts_right(dialogue, resident, moderator):
    from community.dialogues.services import promise_follow_up
    from tests.factories import create_deputy, create_pledge

    question = create_question(dialogue, resident)
    answer_question(question, moderator, "Жауап берілді")
    pledge = create_pledge(create_deputy(), dialogue.locality)
    promise_follow_up(fresh(Question, question.id), moderator, "Уәде берілді", pledge.id)
    db.session.commit()
    counts = fresh(DialogueSession, dialogue.id)
    assert (counts.open_count, counts.answered_count) == (0, 1)
    hide_question(fresh(Question, question.id), moderator, "Қате жазылған")
    db.session.commit()
    counts = fresh(DialogueSession, dialogue.id)
    assert (counts.answered_count, counts.hidden_count) == (0, 1)


def test_the_participant_count_leaves_out_turned_down_questions(dialogue, resident, other_resident):
    from community.dialogues.queries import participant_count

    create_question(dialogue, resident, state="hidden", votes=2)
    create_question(dialogue, other_resident, votes=1)
    assert participant_count(fresh(DialogueSession, dialogue.id)) == 2  # the asker and one voter


def test_crossed_merges_at_once_merge_one_way_without_an_error(app, dialogue, resident):
    from community.accounts.models import User

    first = create_question(dialogue, resident, votes=1)
    second = create_question(dialogue, resident, body="Сол сұрақтың қайталануы", votes=2)
    moderators = [create_user("moderator").id for _ in range(2)]
    pairs = [(first.id, second.id), (second.id, first.id)]

    def merge(index):
        duplicate, into = pairs[index]
        merge_question(db.session.get(Question, duplicate), into, db.session.get(User, moderators[index]))
        return "merged"

    outcomes = run_at_once(app, merge, 2)
    assert outcomes.count("merged") == 1, outcomes
    assert all(isinstance(outcome, MoveRefused) for outcome in outcomes if outcome != "merged")
    states = {fresh(Question, first.id).state, fresh(Question, second.id).state}
    assert states == {Q.MERGED, Q.APPROVED}


def test_two_moderators_moving_a_session_at_once_move_it_once(app, moderator, village):
    from community.accounts.models import User

    dialogue_id, moderator_id = create_dialogue(moderator, village).id, moderator.id

    def close(index):
        session = db.session.get(DialogueSession, dialogue_id)
        session.move_to(SessionState.CLOSED, db.session.get(User, moderator_id), summary=f"Қорытынды {index}")
        return index

    outcomes = run_at_once(app, close, 4)
    done = [outcome for outcome in outcomes if isinstance(outcome, int)]
    assert len(done) == 1
    assert all(isinstance(outcome, MoveRefused) for outcome in outcomes if outcome not in done)
    closed = fresh(DialogueSession, dialogue_id)
    assert closed.state is SessionState.CLOSED and closed.summary == f"Қорытынды {done[0]}"
    assert db.session.scalar(db.select(db.func.count(SessionLogEntry.id))) == 1
