"""E-mail settings per kind, and the one-click unsubscribe that needs no sign-in: GET only asks, POST (the page's
button or the mail provider's RFC 8058 request, with no session and no CSRF token) stops; tampered tokens fail."""

import pytest

from community.extensions import db
from community.notifications.delivery import unsubscribe_token
from community.notifications.models import EmailFrequency, EmailPreference, Notification, NotificationKind
from community.notifications.services import email_choices, notify

HTMX = {"HX-Request": "true"}


def choice(user, kind):
    db.session.expire_all()
    return email_choices(user)[kind]


def test_the_defaults_mail_what_is_about_me_at_once_and_followed_news_daily(resident):
    choices = email_choices(resident)
    assert choices[NotificationKind.REPLY] is EmailFrequency.NOW
    assert choices[NotificationKind.APPEAL_ANSWERED] is EmailFrequency.NOW
    assert choices[NotificationKind.COMMENT] is EmailFrequency.DAILY


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_settings_are_saved_for_each_kind(client_as, resident, headers):
    client = client_as(resident)
    page = client.get("/notifications/settings")
    assert page.status_code == 200 and 'name="comment"' in page.text
    form = {kind.value: frequency.value for kind, frequency in email_choices(resident).items()}
    form["comment"] = "weekly"
    response = client.submit("/notifications/settings", form, headers=headers)
    assert response.status_code in (200, 303)
    assert choice(resident, NotificationKind.COMMENT) is EmailFrequency.WEEKLY


def test_a_choice_that_is_not_offered_is_refused_with_a_message(client_as, resident):
    client = client_as(resident)
    form = {kind.value: "now" for kind in NotificationKind} | {"reply": "hourly\x00"}
    response = client.submit("/notifications/settings", form)
    assert response.status_code == 422 and "field-invalid" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(EmailPreference)) == 0


def test_settings_need_an_account_and_a_csrf_token(client, client_as, resident):
    assert client.get("/notifications/settings").status_code in (302, 303, 401, 403)
    refused = client_as(resident).post("/notifications/settings", data={"reply": "never"})
    assert refused.status_code == 400
    assert choice(resident, NotificationKind.REPLY) is EmailFrequency.NOW


def test_the_unsubscribe_link_asks_first_and_a_one_click_post_stops_that_kind(client, resident, other_resident):
    notify([resident.id], NotificationKind.REPLY, "u-1", other_resident.id)
    db.session.commit()
    url = f"/notifications/unsubscribe/{unsubscribe_token(resident.id, NotificationKind.REPLY)}"
    page = client.get(url)
    assert page.status_code == 200 and "<form" in page.text
    assert choice(resident, NotificationKind.REPLY) is EmailFrequency.NOW  # a scanner's GET changes nothing
    stopped = client.post(url, data={"List-Unsubscribe": "One-Click"})  # no session, no CSRF token
    assert stopped.status_code == 200
    assert choice(resident, NotificationKind.REPLY) is EmailFrequency.NEVER
    [waiting] = db.session.scalars(db.select(Notification).where(Notification.user_id == resident.id)).all()
    assert waiting.mailed_at is not None  # what waited is not mailed either
    assert choice(resident, NotificationKind.COMMENT) is EmailFrequency.DAILY


def test_a_digest_link_stops_every_kind_that_digest_gathers(client, resident):
    client.post(f"/notifications/unsubscribe/{unsubscribe_token(resident.id, EmailFrequency.DAILY)}")
    choices = email_choices(resident)
    assert choices[NotificationKind.COMMENT] is EmailFrequency.NEVER
    assert choices[NotificationKind.REPLY] is EmailFrequency.NOW


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "WzEsICJyZXBseSJd.forged",
        "",
        "%00%00",
    ],
)
def test_tampered_tokens_are_refused(client, resident, token):
    for method in (client.get, client.post):
        response = method(f"/notifications/unsubscribe/{token}")
        assert response.status_code in (400, 404)
    assert choice(resident, NotificationKind.REPLY) is EmailFrequency.NOW


def test_a_token_for_one_person_cannot_be_moved_to_another(client, resident, other_resident):
    token = unsubscribe_token(resident.id, NotificationKind.REPLY)
    payload, signature = token.rsplit(".", 1)
    forged = unsubscribe_token(other_resident.id, NotificationKind.REPLY).rsplit(".", 1)[0] + "." + signature
    assert client.post(f"/notifications/unsubscribe/{forged}").status_code == 400
    assert choice(other_resident, NotificationKind.REPLY) is EmailFrequency.NOW
    assert payload  # the person's own token still works
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 200


def test_the_notifications_page_links_to_the_settings(client_as, resident):
    assert "/notifications/settings" in client_as(resident).get("/notifications").text


def test_one_click_requests_from_one_mail_provider_are_limited_per_link_not_per_address(app, client):
    from community.extensions import limiter
    from tests.factories import create_user

    app.config["ACTION_LIMIT"] = "2 per hour"
    limiter.reset()
    try:
        people = [create_user("resident") for _ in range(4)]
        statuses = [
            client.post(
                f"/notifications/unsubscribe/{unsubscribe_token(person.id, NotificationKind.REPLY)}"
            ).status_code
            for person in people
        ]
        assert statuses == [200] * 4  # four people's links from one provider's address
        again = f"/notifications/unsubscribe/{unsubscribe_token(people[0].id, NotificationKind.REPLY)}"
        assert [client.post(again).status_code for _ in range(2)] == [200, 429]  # one link, over and over
    finally:
        app.config["ACTION_LIMIT"] = "120 per hour"
        limiter.reset()


@pytest.mark.parametrize("user_id", [2**63, -1, 0, True])
def test_a_signed_token_with_an_impossible_account_is_refused_not_a_500(app, client, user_id):
    from itsdangerous import URLSafeSerializer

    from community.notifications.delivery import TOKEN_SALT

    token = URLSafeSerializer(app.config["SECRET_KEY"], salt=TOKEN_SALT).dumps([user_id, "reply"])
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 400


def test_settings_and_unsubscribing_leave_the_visitors_page_copies_alone(client, resident):
    from community.core.pagecache import ContentVersion

    def version():
        db.session.commit()
        return db.session.scalar(db.select(ContentVersion.version))

    before = version()
    client.post(f"/notifications/unsubscribe/{unsubscribe_token(resident.id, EmailFrequency.DAILY)}")
    assert version() == before
    follow_up = db.session.scalar(db.select(db.func.count()).select_from(EmailPreference))
    assert follow_up > 0  # it did write
