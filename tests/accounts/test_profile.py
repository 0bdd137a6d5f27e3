"""Profiles: public facts for everyone, the e-mail only for the owner and admins, edits by the owner."""

from community.accounts.models import User
from community.extensions import db


def test_a_profile_is_public_but_hides_the_email(client, resident):
    html = client.get(f"/users/{resident.id}").get_data(as_text=True)
    assert resident.display_name in html
    assert resident.email not in html


def test_the_owner_and_admins_see_the_email(app, client, resident, admin, login_as):
    login_as(resident)
    assert resident.email in client.get(f"/users/{resident.id}").get_data(as_text=True)
    admin_client = login_as(admin, with_client=app.test_client())
    assert resident.email in admin_client.get(f"/users/{resident.id}").get_data(as_text=True)


def test_settings_save_name_locality_language_and_safe_about_text(client, resident, region, login_as):
    login_as(resident)
    response = client.submit(
        "/auth/settings",
        {
            "display_name": "Жаңа есім",
            "locality": str(region.id),
            "locale": "ru",
            "bio": "**Мұғалім** <script>alert(1)</script>",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, resident.id)
    assert (user.display_name, user.locality_id, user.locale) == ("Жаңа есім", region.id, "ru")
    html = client.get(f"/users/{resident.id}").get_data(as_text=True)
    assert "<strong>Мұғалім</strong>" in html and "<script>alert" not in html
    assert '<html lang="ru">' in html


def test_settings_refuse_an_unknown_language(client, resident, login_as):
    login_as(resident)
    response = client.submit("/auth/settings?lang=en", {"display_name": "Аты", "locality": "", "locale": "fr"})
    assert response.status_code == 422
    assert "Choose a language" in response.get_data(as_text=True)


def test_a_disabled_account_has_no_public_profile(client, resident):
    from community.accounts.services import disable_user

    disable_user(resident)
    db.session.commit()
    assert client.get(f"/users/{resident.id}").status_code == 404


def test_an_admin_on_someone_elses_profile_gets_no_link_to_their_own_settings(client_as, admin, resident):
    page = client_as(admin).get(f"/users/{resident.id}?lang=en").text
    assert 'href="/auth/settings"' not in page.split("<main")[1] and "Edit profile" not in page
    own = client_as(resident).get(f"/users/{resident.id}?lang=en").text
    assert "Edit profile" in own
