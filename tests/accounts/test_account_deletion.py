"""A resident deletes their account: signed out everywhere, unable to sign in, the address free again, what they
wrote shown under "Deleted user" (or removed, when asked), places at coming events given up. Deputies, moderators
and admins are refused; a wrong password, a missing CSRF token or a second submission change nothing."""

from datetime import timedelta

import pytest

from community.accounts.leaving import delete_account
from community.accounts.models import LoginSession, User
from community.core.db import utcnow
from community.events.models import Event, Registration, RegistrationState
from community.events.services import register
from community.extensions import db
from community.moderation.models import Action, ModerationAction
from community.moderation.services import moderate
from community.threads.marks import follow_thread, support_thread
from community.threads.models import Comment, Thread
from tests.factories import PASSWORD, create_comment, create_event, create_thread

DELETED = {"en": "Deleted user", "ru": "Удалённый пользователь", "kk": "Жойылған пайдаланушы"}


def delete(client, password=PASSWORD, remove=False, lang="en"):
    data = {"password": password}
    if remove:
        data["remove_content"] = "y"
    return client.submit(f"/auth/delete?lang={lang}", data)


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_deletion_signs_out_every_device_and_the_account_cannot_sign_in(app, client, resident, login_as):
    email = resident.email
    login_as(resident)
    elsewhere = login_as(resident, app.test_client())
    response = delete(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("/")
    home = client.get("/?lang=en").get_data(as_text=True)
    assert "Your account is deleted" in home
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginSession)) == 0
    for browser in (client, elsewhere):
        answer = browser.get("/auth/settings")
        assert answer.status_code in (302, 303) and "/auth/login" in answer.headers["Location"]
    again = client.submit("/auth/login?lang=en", {"email": email, "password": PASSWORD})
    assert again.status_code == 422 and "Wrong e-mail or password" in again.get_data(as_text=True)
    user = fresh(User, resident.id)
    assert user.deleted_at and not user.is_active and user.email != email
    assert user.stored_name == "" and user.password_hash == "" and user.bio == "" and user.locality_id is None


def test_the_address_can_register_again(client, resident, region, login_as, outbox):
    email = resident.email
    login_as(resident)
    delete(client)
    form = {"email": email, "display_name": "Қайта келдім", "locality": str(region.id), "accept_terms": "y"}
    assert client.submit("/auth/register", form).status_code == 303
    assert "/auth/reset/" in outbox[-1].get_content()  # a new account's link, not "you already have one"
    assert db.session.scalar(db.select(User).filter_by(email=email)).id != resident.id


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_what_they_wrote_stays_under_deleted_user(app, client, thread, resident, other_resident, login_as, lang):
    create_comment(thread, resident, "Менің пікірім қалады")
    name = resident.display_name
    login_as(resident)
    delete(client)
    page = app.test_client().get(f"/threads/{thread.id}?lang={lang}").get_data(as_text=True)
    assert "Менің пікірім қалады" in page and thread.title in page
    assert DELETED[lang] in page and name not in page
    listing = app.test_client().get(f"/threads/?lang={lang}").get_data(as_text=True)
    assert DELETED[lang] in listing and name not in listing


def test_their_profile_is_gone(app, client, resident, login_as):
    login_as(resident)
    delete(client)
    assert app.test_client().get(f"/users/{resident.id}").status_code == 404


def test_removing_what_they_wrote_deletes_comments_and_thread_text_and_keeps_counts(
    app, client, resident, other_resident, moderator, village, thread, login_as
):
    theirs = create_thread(other_resident, village, title="Бауыржанның мәселесі")
    alone = create_comment(theirs, resident, "Жалғыз пікірім")
    answered = create_comment(theirs, resident, "Жауап алған пікірім")
    create_comment(theirs, other_resident, "Бауыржанның жауабы", parent=answered)
    own_reply = create_comment(theirs, resident, "Өз жауабым", parent=answered)
    hidden = create_comment(theirs, resident, "Жасырылған пікірім")
    moderate(moderator, Action.HIDE, "Спам", theirs, hidden)
    create_comment(thread, other_resident, "Бауыржан өз мәселеңізде")
    db.session.commit()
    alone_id, own_reply_id = alone.id, own_reply.id
    login_as(resident)

    assert delete(client, remove=True).status_code == 303

    assert fresh(Comment, alone_id) is None  # no replies: gone, as its author's Delete does
    kept = fresh(Comment, answered.id)
    assert kept.deleted_at and kept.body == "" and kept.body_html == "" and kept.reply_count == 1
    assert fresh(Comment, own_reply_id) is None
    assert fresh(Comment, hidden.id).hidden_at and fresh(Comment, hidden.id).body == "Жасырылған пікірім"
    assert db.session.scalar(db.select(ModerationAction).filter_by(comment_id=hidden.id)) is not None
    shown = db.session.scalar(
        db.select(db.func.count(Comment.id)).where(
            Comment.thread_id == theirs.id, Comment.hidden_at.is_(None), Comment.deleted_at.is_(None)
        )
    )
    assert fresh(Thread, theirs.id).comment_count == shown == 1

    own_thread = fresh(Thread, thread.id)
    assert own_thread.deleted_at and own_thread.body == "" and own_thread.comment_count == 1
    page = app.test_client().get(f"/threads/{thread.id}?lang=en").get_data(as_text=True)
    assert "The text of this issue was deleted by its author." in page
    assert "Бауыржан өз мәселеңізде" in page and "Абай көшесінде" not in page
    other_page = app.test_client().get(f"/threads/{theirs.id}?lang=en").get_data(as_text=True)
    assert "This comment was deleted by its author." in other_page and "Бауыржанның жауабы" in other_page
    assert "Жалғыз пікірім" not in other_page and "Жасырылған пікірім" not in other_page


def test_places_at_coming_events_are_given_up_and_the_waiting_list_moves(
    client, resident, other_resident, moderator, village, login_as
):
    coming = create_event(moderator, village, capacity=1)
    past = create_event(
        moderator, village, starts_at=utcnow() - timedelta(days=2), ends_at=utcnow() - timedelta(days=2, hours=-2)
    )
    register(resident, coming)
    register(other_resident, coming)
    db.session.add(Registration(event_id=past.id, user_id=resident.id, state=RegistrationState.GOING, attended=True))
    db.session.commit()
    login_as(resident)
    delete(client)
    event = fresh(Event, coming.id)
    assert (event.going_count, event.waiting_count) == (1, 0)
    rows = db.session.execute(db.select(Registration.user_id, Registration.state).filter_by(event_id=coming.id))
    states = {user_id: state for user_id, state in rows}
    assert states == {resident.id: RegistrationState.CANCELLED, other_resident.id: RegistrationState.GOING}
    kept = db.session.scalar(db.select(Registration).filter_by(event_id=past.id))
    assert kept.state is RegistrationState.GOING and kept.attended  # the record of a past meeting stays


def test_follows_end_and_supports_stay(client, resident, other_resident, village, login_as):
    theirs = create_thread(other_resident, village)
    follow_thread(resident, theirs)
    support_thread(resident, theirs)
    db.session.commit()
    login_as(resident)
    delete(client)
    kept = fresh(Thread, theirs.id)
    assert (kept.follower_count, kept.support_count) == (1, 1)  # the author's own follow stays


@pytest.mark.parametrize("role", ["deputy", "moderator", "admin"])
def test_deputies_moderators_and_admins_are_refused(client_as, role):
    client = client_as(role)
    page = client.get("/auth/delete?lang=en")
    assert page.status_code == 200 and "deleted by an administrator" in page.get_data(as_text=True)
    assert 'name="password"' not in page.get_data(as_text=True)
    response = delete(client)
    assert response.status_code == 403 and "deleted by an administrator" in response.get_data(as_text=True)
    user = fresh(User, client.user.id)
    assert user.deleted_at is None and user.is_active
    assert client.get("/auth/settings").status_code == 200


def test_a_wrong_password_gets_422_and_deletes_nothing(client, resident, thread, login_as):
    create_comment(thread, resident)
    login_as(resident)
    response = delete(client, password="Not-The-Password-1", remove=True)
    assert response.status_code == 422 and "The current password is wrong." in response.get_data(as_text=True)
    assert fresh(User, resident.id).deleted_at is None and fresh(Thread, thread.id).deleted_at is None
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 1
    assert client.get("/auth/settings").status_code == 200


def test_an_empty_password_gets_422(client, resident, login_as):
    login_as(resident)
    response = delete(client, password="")
    assert response.status_code == 422 and fresh(User, resident.id).deleted_at is None


def test_without_the_csrf_token_it_is_refused(client, resident, login_as):
    login_as(resident)
    response = client.post("/auth/delete", data={"password": PASSWORD})
    assert response.status_code == 400
    assert fresh(User, resident.id).deleted_at is None


def test_visitors_are_sent_to_sign_in(client, region):
    response = client.get("/auth/delete")
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]


def test_a_second_submission_changes_nothing(client, resident, other_resident, village, moderator, login_as):
    theirs = create_thread(other_resident, village)
    create_comment(theirs, resident)
    event = create_event(moderator, village, capacity=1)
    register(resident, event)
    db.session.commit()
    login_as(resident)
    token = client.csrf_token()
    first = client.post("/auth/delete", data={"password": PASSWORD, "remove_content": "y", "csrf_token": token})
    second = client.post("/auth/delete", data={"password": PASSWORD, "remove_content": "y", "csrf_token": token})
    assert first.status_code == 303 and second.status_code in (302, 303, 400)
    assert (fresh(Thread, theirs.id).comment_count, fresh(Event, event.id).going_count) == (0, 0)


def test_the_service_deletes_once(resident, thread, moderator, village):
    event = create_event(moderator, village, capacity=1)
    register(resident, event)
    db.session.commit()
    assert delete_account(resident, remove_content=True) is True
    db.session.commit()
    email = fresh(User, resident.id).email
    assert delete_account(fresh(User, resident.id), remove_content=True) is False
    db.session.commit()
    assert fresh(User, resident.id).email == email and fresh(Event, event.id).going_count == 0


def test_the_settings_page_leads_to_the_confirmation(client, resident, login_as):
    login_as(resident)
    settings = client.get("/auth/settings?lang=en").get_data(as_text=True)
    assert 'href="/auth/delete"' in settings
    page = client.get("/auth/delete?lang=en").get_data(as_text=True)
    assert 'name="password"' in page and 'name="remove_content"' in page and 'name="csrf_token"' in page


def test_htmx_deletion_redirects_by_header(client, resident, login_as):
    login_as(resident)
    response = client.submit("/auth/delete", {"password": PASSWORD}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"
    assert fresh(User, resident.id).deleted_at is not None
