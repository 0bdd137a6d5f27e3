"""Every moderation action, taken through its real route, writes one audit row: who, from where, about what and
whom, before → after. A repeated submission writes one, a refused action none; the audit log lists them, filters
them by kind and exports them, and stays closed to moderators."""

import csv
import io
import json

import pytest

from community.accounts.models import User
from community.admin.models import AuditAction, AuditEntry
from community.dialogues.models import DialogueSession, Question
from community.dialogues.services import hide_question
from community.extensions import db
from community.moderation.models import Action, ModerationAction
from community.moderation.services import moderate
from community.pledges.models import PledgeStatus
from community.threads.models import Thread
from tests.factories import (
    create_comment,
    create_dialogue,
    create_event,
    create_question,
    create_user,
)

HTMX = {"HX-Request": "true"}


def last_id() -> int:
    """The newest audit entry's number, so a test looks only at what its action wrote."""
    return db.session.scalar(db.select(db.func.max(AuditEntry.id))) or 0


def written_since(mark: int) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.id > mark).order_by(AuditEntry.id)))


def only_entry(mark: int, actor: User, action: AuditAction, subject: str, target: User | None) -> AuditEntry:
    """The one entry written since the mark, checked for who, what, about what and whom, and from where."""
    (entry,) = written_since(mark)
    assert entry.actor_id == actor.id and entry.action is action and entry.subject == subject
    assert entry.target_user_id == (target.id if target is not None else None)
    assert entry.address == "127.0.0.1"
    return entry


def values(entry: AuditEntry) -> tuple[dict, dict]:
    return (json.loads(entry.before) if entry.before else {}), json.loads(entry.after)


@pytest.fixture
def moderator_client(client_as, region):
    return client_as("moderator")


# Thread and comment actions from the moderators' queue: the route, what it writes, before → after.
QUEUE_ACTIONS = [
    ("threads", "hide", AuditAction.THREAD_HIDDEN, {"visibility": "shown"}, {"visibility": "hidden"}),
    ("threads", "lock", AuditAction.THREAD_LOCKED, {"lock": "unlocked"}, {"lock": "locked"}),
    ("threads", "pin", AuditAction.THREAD_PINNED, {"pin": "unpinned"}, {"pin": "pinned"}),
    ("threads", "close", AuditAction.THREAD_CLOSED, {"thread_state": "open"}, {"thread_state": "closed"}),
    ("comments", "hide", AuditAction.COMMENT_HIDDEN, {"visibility": "shown"}, {"visibility": "hidden"}),
]


@pytest.mark.parametrize(("kind", "step", "action", "before", "after"), QUEUE_ACTIONS)
def test_a_queue_action_writes_one_audit_row_also_when_submitted_twice(
    moderator_client, thread, other_resident, kind, step, action, before, after
):
    comment = create_comment(thread, other_resident)
    item, author = (thread, thread.author) if kind == "threads" else (comment, other_resident)
    mark = last_id()
    url = f"/moderation/{kind}/{item.id}/{step}"
    assert moderator_client.submit(url, {"reason": "Ереже бұзылды"}).status_code == 303
    moderator_client.submit(url, {"reason": "Ереже бұзылды"})  # the second press changes nothing
    entry = only_entry(mark, moderator_client.user, action, f"{kind[:-1]}:{item.id}", author)
    was, now = values(entry)
    assert was == before and now == {"reason": "Ереже бұзылды", **after}
    assert "Ереже бұзылды" in entry.after


def test_restoring_a_hidden_comment_and_dismissing_reports_are_audited(
    client_as, moderator_client, thread, other_resident
):
    comment = create_comment(thread, other_resident)
    moderate(create_user("moderator"), Action.HIDE, "Балағат", thread, comment)
    db.session.commit()
    mark = last_id()
    assert moderator_client.submit(f"/moderation/comments/{comment.id}/restore", {"reason": "Қате"}).status_code == 303
    moderator_client.submit(f"/moderation/comments/{comment.id}/restore", {"reason": "Қате"})
    entry = only_entry(
        mark, moderator_client.user, AuditAction.COMMENT_RESTORED, f"comment:{comment.id}", other_resident
    )
    assert values(entry) == ({"visibility": "hidden", "reason": "Балағат"}, {"reason": "Қате", "visibility": "shown"})

    for _ in range(3):  # enough reports hide the thread until a moderator looks at it
        client_as("resident").submit(f"/threads/{thread.id}/flag", {"reason": "spam"})
    assert db.session.get(Thread, thread.id).is_hidden
    mark = last_id()
    url = f"/moderation/threads/{thread.id}/dismiss"
    assert moderator_client.submit(url, {"reason": "Жарнама емес"}).status_code == 303
    moderator_client.submit(url, {"reason": "Жарнама емес"})
    entry = only_entry(mark, moderator_client.user, AuditAction.FLAGS_DISMISSED, f"thread:{thread.id}", thread.author)
    was, now = values(entry)
    assert was["visibility"] == "hidden" and was["flags"] == 3
    assert now == {"reason": "Жарнама емес", "visibility": "shown", "flags": 0}


def test_a_suspension_is_audited_with_its_days_end_and_reason(moderator_client, other_resident):
    mark = last_id()
    url = f"/moderation/users/{other_resident.id}/suspend"
    assert moderator_client.submit(url, {"days": "3", "reason": "Жарнама"}).status_code == 303
    entry = only_entry(
        mark, moderator_client.user, AuditAction.USER_SUSPENDED, f"user:{other_resident.id}", other_resident
    )
    was, now = values(entry)
    suspended = db.session.get(User, other_resident.id).suspended_until
    assert was == {"until": None} and now == {"until": suspended.isoformat(), "days": 3, "reason": "Жарнама"}


def test_closing_reopening_and_resolving_an_issue_are_audited(moderator_client, thread):
    mark = last_id()
    assert moderator_client.submit(f"/threads/{thread.id}/close", {"reason": "Қайталанған"}).status_code == 303
    assert moderator_client.submit(f"/threads/{thread.id}/close", {"reason": "Қайталанған"}).status_code == 409
    entry = only_entry(mark, moderator_client.user, AuditAction.THREAD_CLOSED, f"thread:{thread.id}", thread.author)
    assert values(entry) == ({"thread_state": "open"}, {"reason": "Қайталанған", "thread_state": "closed"})
    assert db.session.scalar(db.select(db.func.count(ModerationAction.id))) == 1  # the public log as before

    mark = last_id()
    assert moderator_client.submit(f"/threads/{thread.id}/reopen", {"reason": "Қате жабылды"}).status_code == 303
    only_entry(mark, moderator_client.user, AuditAction.THREAD_REOPENED, f"thread:{thread.id}", thread.author)

    mark = last_id()
    assert moderator_client.submit(f"/threads/{thread.id}/resolve").status_code == 303
    entry = only_entry(mark, moderator_client.user, AuditAction.THREAD_RESOLVED, f"thread:{thread.id}", thread.author)
    assert values(entry) == ({"thread_state": "open"}, {"thread_state": "resolved"})


def test_an_author_resolving_their_own_issue_is_no_moderation(client_as, thread):
    mark = last_id()
    assert client_as(thread.author).submit(f"/threads/{thread.id}/resolve").status_code == 303
    assert written_since(mark) == []


@pytest.mark.parametrize(
    "url",
    [
        "/moderation/threads/{thread}/hide",
        "/moderation/comments/{comment}/hide",
        "/moderation/users/{user}/suspend",
        "/threads/{thread}/close",
        "/dialogues/questions/{question}/approve",
        "/dialogues/{session}/open",
    ],
)
def test_a_resident_trying_a_moderation_action_writes_nothing(client_as, thread, other_resident, village, url):
    comment = create_comment(thread, other_resident)
    dialogue = create_dialogue(create_user("moderator"), village, state="scheduled")
    question = create_question(dialogue, other_resident, state="pending")
    mark = last_id()
    target = url.format(
        thread=thread.id, comment=comment.id, user=other_resident.id, question=question.id, session=dialogue.id
    )
    response = client_as("resident").submit(target, {"reason": "Бұзды", "days": "3"})
    assert response.status_code == 403 and written_since(mark) == []


@pytest.fixture
def dialogue(village):
    return create_dialogue(create_user("moderator"), village, state="live")


# Console steps on one question: the route, the form, the state it starts in, what it writes, before → after.
QUESTION_STEPS = [
    ("approve", {}, "pending", AuditAction.QUESTION_APPROVED, {"question_state": "approved"}),
    ("hide", {"reason": "Балағат"}, "approved", AuditAction.QUESTION_HIDDEN, {"question_state": "hidden"}),
    ("answer", {"note": "Келесі жылы"}, "approved", AuditAction.QUESTION_ANSWERED, {"question_state": "answered"}),
    ("current", {}, "approved", AuditAction.QUESTION_CURRENT, {"current": None}),
    ("correct", {"body": "Мектепке спорт залы керек пе?"}, "approved", AuditAction.QUESTION_CORRECTED, {}),
]


@pytest.mark.parametrize(("step", "form", "state", "action", "expected"), QUESTION_STEPS)
def test_a_console_step_on_a_question_writes_one_audit_row_also_when_pressed_twice(
    moderator_client, dialogue, resident, step, form, state, action, expected
):
    question = create_question(dialogue, resident, state=state)
    mark = last_id()
    url = f"/dialogues/questions/{question.id}/{step}"
    assert moderator_client.submit(url, form).status_code == 303
    moderator_client.submit(url, form)
    entry = only_entry(mark, moderator_client.user, action, f"question:{question.id}", resident)
    was, now = values(entry)
    if step == "current":
        assert was == expected and now == {"current": f"#{question.id}"}
    elif step == "correct":
        assert was == {"body": "Мектепке жаңа спорт залы қашан салынады?"} and now == {"body": form["body"]}
    else:
        assert was == {"question_state": state} and {**expected, **form}.items() <= now.items()


def test_restore_reopen_merge_and_clearing_the_current_question_are_audited(moderator_client, dialogue, resident):
    hidden = create_question(dialogue, resident)
    hide_question(hidden, create_user("moderator"), "Қате")
    db.session.commit()
    steps = [
        (f"/dialogues/questions/{hidden.id}/restore", {}, AuditAction.QUESTION_RESTORED, f"question:{hidden.id}"),
    ]
    answered = create_question(dialogue, resident, state="answered")
    steps.append(
        (f"/dialogues/questions/{answered.id}/reopen", {}, AuditAction.QUESTION_REOPENED, f"question:{answered.id}")
    )
    duplicate, kept = create_question(dialogue, resident), create_question(dialogue, resident)
    steps.append(
        (
            f"/dialogues/questions/{duplicate.id}/merge",
            {"into": kept.id},
            AuditAction.QUESTION_MERGED,
            f"question:{duplicate.id}",
        )
    )
    for url, form, action, subject in steps:
        mark = last_id()
        assert moderator_client.submit(url, form).status_code == 303
        moderator_client.submit(url, form)
        only_entry(mark, moderator_client.user, action, subject, resident)
    assert moderator_client.submit(f"/dialogues/questions/{kept.id}/current").status_code == 303
    mark = last_id()
    assert moderator_client.submit(f"/dialogues/{dialogue.id}/current/clear").status_code == 303
    moderator_client.submit(f"/dialogues/{dialogue.id}/current/clear")
    entry = only_entry(mark, moderator_client.user, AuditAction.CURRENT_CLEARED, f"session:{dialogue.id}", None)
    assert values(entry) == ({"current": f"#{kept.id}"}, {"current": None})


def test_a_sessions_whole_life_is_audited(moderator_client, village):
    data = {
        "title": "Жастармен ашық диалог",
        "scheduled_at": "2026-12-05T15:00",
        "locality": str(village.id),
        "premoderation": "y",
    }
    mark = last_id()
    assert moderator_client.submit("/dialogues/new", data).status_code == 303
    dialogue = db.session.scalar(db.select(DialogueSession))
    me, subject = moderator_client.user, f"session:{dialogue.id}"
    entry = only_entry(mark, me, AuditAction.SESSION_CREATED, subject, None)
    assert values(entry)[1]["title"] == "Жастармен ашық диалог"
    mark = last_id()
    edited = {**data, "title": "Жастармен ашық диалог (өзгерді)"}
    assert moderator_client.submit(f"/dialogues/{dialogue.id}/edit", edited).status_code == 303
    entry = only_entry(mark, me, AuditAction.SESSION_EDITED, subject, None)
    assert values(entry) == ({"title": data["title"]}, {"title": edited["title"]})
    moves = [
        ("open", AuditAction.SESSION_OPENED, "scheduled", "live"),
        ("pause", AuditAction.SESSION_PAUSED, "live", "paused"),
        ("resume", AuditAction.SESSION_RESUMED, "paused", "live"),
    ]
    for move, action, was, now in moves:
        mark = last_id()
        assert moderator_client.submit(f"/dialogues/{dialogue.id}/{move}").status_code == 303
        moderator_client.submit(f"/dialogues/{dialogue.id}/{move}")  # refused the second time
        entry = only_entry(mark, me, action, subject, None)
        assert values(entry) == ({"session_state": was}, {"session_state": now})
    mark = last_id()
    hall = {"body": "Көпір қашан салынады?", "speaker_name": "Айгүл апай", "submission_key": "hall-1"}
    assert moderator_client.submit(f"/dialogues/{dialogue.id}/hall", hall).status_code == 303
    moderator_client.submit(f"/dialogues/{dialogue.id}/hall", hall)
    question = db.session.scalar(db.select(Question))
    only_entry(mark, me, AuditAction.QUESTION_ADDED, f"question:{question.id}", None)
    mark = last_id()
    assert moderator_client.submit(f"/dialogues/{dialogue.id}/close", {"summary": "Жақсы өтті"}).status_code == 303
    moderator_client.submit(f"/dialogues/{dialogue.id}/close", {"summary": "Жақсы өтті"})
    entry = only_entry(mark, me, AuditAction.SESSION_CLOSED, subject, None)
    assert values(entry) == ({"session_state": "live"}, {"session_state": "closed", "summary": "Жақсы өтті"})


def test_checking_a_pledge_update_is_audited(moderator_client, deputy, pledge):
    from community.pledges.services import publish_update

    publish_update(pledge, deputy, PledgeStatus.IN_PROGRESS, 30, "Жұмыс басталды.", [], "u-1")
    db.session.commit()
    mark = last_id()
    check = {"verified": "y", "note": "Әкімдік растады."}
    assert moderator_client.submit(f"/pledges/{pledge.id}/check", check).status_code == 303
    entry = only_entry(mark, moderator_client.user, AuditAction.UPDATE_CHECKED, f"pledge:{pledge.id}", deputy)
    was, now = values(entry)
    assert was == {"verdict": None} and now["verdict"] == "verified" and now["note"] == "Әкімдік растады."


def test_a_moderator_cancelling_someone_elses_event_is_audited_and_the_organiser_is_not(client_as, deputy, village):
    event = create_event(deputy, village)
    mark = last_id()
    moderator = client_as("moderator")
    assert moderator.submit(f"/events/{event.id}/cancel", {"reason": "Зал жөнделуде"}).status_code == 303
    assert moderator.submit(f"/events/{event.id}/cancel", {"reason": "Зал жөнделуде"}).status_code == 409
    entry = only_entry(mark, moderator.user, AuditAction.EVENT_CANCELLED, f"event:{event.id}", deputy)
    assert values(entry) == ({"event_state": "scheduled"}, {"event_state": "cancelled", "reason": "Зал жөнделуде"})
    own = create_event(deputy, village)
    mark = last_id()
    assert client_as(deputy).submit(f"/events/{own.id}/cancel", {"reason": "Іссапар"}).status_code == 303
    assert written_since(mark) == []


def test_the_audit_log_lists_filters_links_and_exports_moderation(client_as, thread, other_resident, village):
    comment = create_comment(thread, other_resident)
    moderator = client_as("moderator")
    moderator.submit(f"/moderation/comments/{comment.id}/hide", {"reason": "Балағат"})
    moderator.submit(f"/moderation/users/{other_resident.id}/suspend", {"days": "2", "reason": "Спам"})
    admin = client_as("admin")
    admin.submit(f"/admin/users/{other_resident.id}/role", {"role": "deputy", "confirm": "y"})

    page = admin.get("/admin/audit?lang=en").get_data(as_text=True)
    assert "Comment hidden" in page and "User suspended" in page and "Role changed" in page
    assert f'href="/comments/{comment.id}"' in page and "Балағат" in page and "127.0.0.1" in page
    assert "Reason" in page and "Suspended until" in page

    def actions(query):
        rows = csv.DictReader(io.StringIO(admin.get(f"/admin/audit.csv?{query}").get_data(as_text=True)))
        return [(row["action"], row["actor"], row["subject"], row["address"]) for row in rows]

    me = moderator.user.email
    assert actions("kind=moderation") == [
        ("user_suspended", me, f"user:{other_resident.id}", "127.0.0.1"),
        ("comment_hidden", me, f"comment:{comment.id}", "127.0.0.1"),
    ]
    assert [row[0] for row in actions("kind=administration")] == ["role_changed"]
    assert [row[0] for row in actions("action=comment_hidden")] == ["comment_hidden"]
    assert [row[0] for row in actions(f"actor={me}")] == ["user_suspended", "comment_hidden"]
    assert [row[0] for row in actions(f"subject=comment:{comment.id}")] == ["comment_hidden"]
    assert [row[0] for row in actions(f"subject={other_resident.email}")] == [
        "role_changed",
        "user_suspended",
        "comment_hidden",
    ]
    assert [row[0] for row in actions("q=Спам")] == ["user_suspended"]
    filtered = admin.get("/admin/audit?kind=moderation&lang=en", headers=HTMX).get_data(as_text=True)
    assert filtered.lstrip().startswith('<div id="audit-results"') and f"comment:{comment.id}" in filtered
    assert "User suspended" in filtered and "Role changed" not in filtered


def test_a_question_subject_links_to_its_session_console(client_as, dialogue, resident):
    question = create_question(dialogue, resident, state="pending")
    client_as("moderator").submit(f"/dialogues/questions/{question.id}/approve")
    page = client_as("admin").get("/admin/audit").get_data(as_text=True)
    assert f'href="/dialogues/{dialogue.id}/console#q{question.id}"' in page


@pytest.mark.parametrize("url", ["/admin/audit", "/admin/audit.csv", "/admin/audit?kind=moderation"])
def test_moderators_cannot_read_the_audit_log(client_as, region, url):
    assert client_as("moderator").get(url).status_code == 403
