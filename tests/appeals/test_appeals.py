"""Appeals from the author's and the deputy's side: sending once, the moves and their history, the deadline, the
exchange with and without htmx, supports, the inbox and its count."""

import re

import pytest

from community.appeals.models import Appeal, AppealEntry, AppealFollow, AppealState, EntryKind
from community.extensions import db
from tests.factories import create_appeal, create_deputy, create_user

HTMX = {"HX-Request": "true"}


@pytest.fixture
def appeal(resident, deputy_profile, village):
    return create_appeal(resident, deputy_profile, village)


def fresh(appeal) -> Appeal:
    db.session.expire_all()
    return db.session.get(Appeal, appeal.id)


def kinds(appeal) -> list[str]:
    return [
        entry.kind.value
        for entry in db.session.scalars(
            db.select(AppealEntry).where(AppealEntry.appeal_id == appeal.id).order_by(AppealEntry.id)
        )
    ]


def form_of(client, url):
    page = client.get(url)
    key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    return page, key.group(1) if key else None


def test_a_resident_sends_an_appeal_once_and_follows_it(client, login_as, resident, deputy_profile, village):
    login_as(resident)
    page, key = form_of(client, f"/appeals/new?deputy={deputy_profile.id}")
    assert page.status_code == 200
    assert f'<option selected value="{deputy_profile.id}">' in page.get_data(
        as_text=True
    ) or "selected" in page.get_data(as_text=True)
    data = {
        "deputy": str(deputy_profile.id),
        "subject": "Көшеде жарық жоқ, түнде қауіпті",
        "body": "Абай көшесінде бір айдан бері бірде-бір шам жанбайды, балалар мектептен қараңғыда қайтады.",
        "category": "roads",
        "locality": str(village.id),
        "public": "private",
        "contact_phone": "+7 701 123 45 67",
        "submission_key": key,
    }
    first = client.submit("/appeals/new", data)
    again = client.submit("/appeals/new", data)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    appeals = db.session.scalars(db.select(Appeal)).all()
    assert len(appeals) == 1
    sent = appeals[0]
    assert (sent.state, sent.public, sent.contact_phone) == (AppealState.SENT, False, "+7 701 123 45 67")
    assert db.session.get(AppealFollow, {"user_id": resident.id, "appeal_id": sent.id}) is not None
    assert kinds(sent) == ["sent"]
    shown = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Көшеде жарық жоқ" in shown and "+7 701 123 45 67" in shown


@pytest.mark.parametrize(
    "change, message",
    [
        ({"subject": "қысқа"}, "From 8 to 160 characters."),
        ({"deputy": "999999"}, "Choose a deputy from the list."),
        ({"public": "everyone"}, "Choose who may read it."),
        ({"contact_phone": "call me"}, "Enter a phone number"),
        ({"body": "\x00" * 30}, "This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_message(client, login_as, resident, deputy_profile, village, change, message):
    login_as(resident)
    data = {
        "deputy": str(deputy_profile.id),
        "subject": "Көшеде жарық жоқ, түнде қауіпті",
        "body": "Абай көшесінде бір айдан бері бірде-бір шам жанбайды, балалар қараңғыда қайтады.",
        "category": "roads",
        "locality": str(village.id),
        "public": "public",
        "submission_key": "k" * 20,
        **change,
    }
    response = client.submit("/appeals/new?lang=en", data)
    assert response.status_code in (400, 422)
    if response.status_code == 422:
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Appeal)) == 0


def test_a_deputy_without_an_account_cannot_be_chosen(client, login_as, resident, village):
    offline = create_deputy("Ерлан Сейітқали")
    login_as(resident)
    page = client.get("/appeals/new").get_data(as_text=True)
    assert "Ерлан Сейітқали" not in page
    response = client.submit(
        "/appeals/new?lang=en",
        {
            "deputy": str(offline.id),
            "subject": "Көшеде жарық жоқ",
            "body": "x" * 30,
            "category": "roads",
            "locality": str(village.id),
            "public": "private",
            "submission_key": "a" * 20,
        },
    )
    assert response.status_code == 422
    assert "Choose a deputy from the list." in response.get_data(as_text=True)


def test_the_whole_exchange(client, login_as, client_as, app, resident, deputy, deputy_profile, village):
    appeal = create_appeal(resident, deputy_profile, village, public=True)
    deputy_client = client_as(deputy)
    page = deputy_client.get(f"/appeals/{appeal.id}").get_data(as_text=True)
    assert 'hx-trigger="load"' in page  # opening it tells the author it was received
    assert deputy_client.submit(f"/appeals/{appeal.id}/received", headers=HTMX).status_code == 200
    assert fresh(appeal).state is AppealState.RECEIVED and fresh(appeal).received_at is not None
    deputy_client.submit(f"/appeals/{appeal.id}/received")  # a repeat changes nothing
    assert kinds(appeal) == ["sent", "received"]

    asked = deputy_client.submit(f"/appeals/{appeal.id}/ask?lang=en", {"ask-body": "Қай үйлерде су жоқ?"}, headers=HTMX)
    assert asked.status_code == 200 and "Қай үйлерде су жоқ?" in asked.get_data(as_text=True)
    assert "announce" in asked.headers["HX-Trigger"]
    assert fresh(appeal).state is AppealState.WAITING
    # The author answers; the deputy may not answer while waiting for them.
    assert deputy_client.submit(f"/appeals/{appeal.id}/answer", {"body": "Жауап"}).status_code == 409
    login_as(resident)
    details = client.submit(f"/appeals/{appeal.id}/details", {"details-body": "Абай көшесі, 12–30 үйлер."})
    assert details.status_code == 303
    assert fresh(appeal).state is AppealState.RECEIVED

    answered = deputy_client.submit(f"/appeals/{appeal.id}/answer", {"body": "Су құбыры жөнделді, тексеріңіз."})
    assert answered.status_code == 303
    done = fresh(appeal)
    assert done.state is AppealState.ANSWERED and done.answer_days is not None
    closed = client.submit(f"/appeals/{appeal.id}/close", {"outcome": "resolved", "helped": "yes"})
    assert closed.status_code == 303
    done = fresh(appeal)
    assert (done.state, done.outcome.value, done.helped) == (AppealState.CLOSED, "resolved", True)
    assert kinds(appeal) == ["sent", "received", "asked", "details", "answered", "closed"]
    page = client.get(f"/appeals/{appeal.id}").get_data(as_text=True)
    assert "Су құбыры жөнделді" in page and "Абай көшесі, 12–30 үйлер." in page


def test_an_empty_answer_is_a_422_with_the_field_marked(client_as, resident, deputy, deputy_profile, village):
    appeal = create_appeal(resident, deputy_profile, village)
    deputy_client = client_as(deputy)
    response = deputy_client.submit(f"/appeals/{appeal.id}/answer?lang=en", {"body": " "}, headers=HTMX)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in body and "This field is required." in body
    assert fresh(appeal).state is AppealState.SENT


def test_an_assistant_answers_on_the_deputys_behalf(client_as, resident, deputy, deputy_profile, village):
    helper = create_user("resident", name="Көмекші Дана")
    deputy_client = client_as(deputy)
    named = deputy_client.submit("/appeals/inbox/assistant", {"email": helper.email})
    assert named.status_code == 303
    appeal = create_appeal(resident, deputy_profile, village)
    helper_client = client_as(helper)
    assert helper_client.get("/appeals/inbox").status_code == 200
    assert helper_client.submit(f"/appeals/{appeal.id}/answer", {"body": "Депутат атынан жауап."}).status_code == 303
    entry = db.session.scalar(db.select(AppealEntry).where(AppealEntry.kind == EntryKind.ANSWERED))
    assert (entry.by_id, entry.for_deputy_id) == (helper.id, deputy_profile.id)
    page = helper_client.get(f"/appeals/{appeal.id}?lang=en").get_data(as_text=True)
    assert f"on behalf of {deputy_profile.name}" in page


def test_passing_on_moves_the_appeal_to_the_other_inbox(client_as, resident, deputy, deputy_profile, village):
    other = create_deputy("Самат Нұрланов", user=create_user("deputy"))
    appeal = create_appeal(resident, deputy_profile, village)
    deputy_client = client_as(deputy)
    response = deputy_client.submit(
        f"/appeals/{appeal.id}/pass-on", {"deputy": str(other.id), "note": "Бұл аудан мәслихатының ісі."}
    )
    assert response.status_code == 303
    moved = fresh(appeal)
    assert (moved.deputy_id, moved.state) == (other.id, AppealState.SENT)
    assert kinds(appeal) == ["sent", "passed_on"]
    assert deputy_client.get(f"/appeals/{appeal.id}").status_code == 404  # a private appeal is no longer theirs
    assert client_as(other.user).get(f"/appeals/{appeal.id}").status_code == 200


def test_support_once_with_and_without_htmx(client_as, resident, deputy_profile, village):
    appeal = create_appeal(resident, deputy_profile, village, public=True)
    neighbour = client_as("resident")
    assert neighbour.submit(f"/appeals/{appeal.id}/support", headers=HTMX).status_code == 200
    assert neighbour.submit(f"/appeals/{appeal.id}/support").status_code == 303
    assert fresh(appeal).support_count == 1
    assert client_as(resident).submit(f"/appeals/{appeal.id}/support").status_code == 403  # not one's own
    assert neighbour.submit(f"/appeals/{appeal.id}/unsupport").status_code == 303
    assert fresh(appeal).support_count == 0


def test_the_inbox_and_its_count(client_as, resident, deputy, deputy_profile, village):
    create_appeal(resident, deputy_profile, village, subject="Бірінші өтініш: су")
    create_appeal(resident, deputy_profile, village, subject="Екінші өтініш: жол", public=True)
    deputy_client = client_as(deputy)
    page = deputy_client.get("/appeals/inbox?lang=en").get_data(as_text=True)
    assert "Бірінші өтініш: су" in page and "Екінші өтініш: жол" in page
    count = deputy_client.get("/appeals/inbox/count?lang=en", headers=HTMX)
    assert count.status_code == 200 and "2 waiting" in count.get_data(as_text=True)
    again = deputy_client.get("/appeals/inbox/count?lang=en", headers={**HTMX, "If-None-Match": count.headers["ETag"]})
    assert again.status_code == 304
    assert client_as("resident").get("/appeals/inbox").status_code == 403


def test_own_data_and_leaving(client_as, resident, deputy_profile, village):
    from community.accounts.leaving import delete_account

    appeal = create_appeal(resident, deputy_profile, village, contact_phone="+7 701 000 11 22")
    owner = client_as(resident)
    data = owner.get("/auth/data.json").get_json()
    assert data["appeals"][0]["subject"] == appeal.subject and data["appeals"][0]["contact_phone"] == "+7 701 000 11 22"
    assert data["appeal_messages"][0]["kind"] == "sent"
    delete_account(db.session.get(type(resident), resident.id), remove_content=True)
    db.session.commit()
    gone = fresh(appeal)
    assert (gone.contact_phone, gone.body) == ("", "")
    assert db.session.get(AppealFollow, {"user_id": resident.id, "appeal_id": appeal.id}) is None


def test_following_a_public_appeal_tells_of_its_answer(client_as, resident, deputy, deputy_profile, village):
    from community.notifications.models import Notification

    appeal = create_appeal(resident, deputy_profile, village, public=True)
    neighbour = client_as("resident")
    assert neighbour.submit(f"/appeals/{appeal.id}/follow", headers=HTMX).status_code == 200
    assert client_as(deputy).submit(f"/appeals/{appeal.id}/answer", {"body": "Жауабым осындай."}).status_code == 303
    kinds = {
        (row.user_id, row.kind.value)
        for row in db.session.scalars(db.select(Notification).where(Notification.appeal_id == appeal.id))
    }
    assert (neighbour.user.id, "followed_appeal") in kinds and (resident.id, "appeal_answered") in kinds
    assert neighbour.submit(f"/appeals/{appeal.id}/unfollow").status_code == 303
    private = create_appeal(resident, deputy_profile, village)
    assert neighbour.submit(f"/appeals/{private.id}/follow").status_code == 404
