"""The rules in core/permissions.py and the decorator that applies them to views."""

import pytest
from flask_login import login_user
from werkzeug.exceptions import Forbidden

from community.core.permissions import (
    Role,
    can_administer,
    can_edit_profile,
    can_moderate,
    can_see_email,
    ensure,
)
from tests.factories import create_user

ROLES = ["resident", "deputy", "moderator", "admin"]


class Anonymous:
    is_authenticated = False


@pytest.mark.parametrize("role", ROLES)
def test_moderation_and_administration_by_role(role):
    user = create_user(role)
    assert can_moderate(user) == (role in ("moderator", "admin"))
    assert can_administer(user) == (role == "admin")
    assert not can_moderate(Anonymous()) and not can_administer(None)


@pytest.mark.parametrize("role", ROLES)
def test_profiles_are_edited_by_their_owner_and_admins(role):
    owner, other = create_user("resident"), create_user(role)
    assert can_edit_profile(owner, owner) and can_see_email(owner, owner)
    assert can_edit_profile(other, owner) == (role == "admin")
    assert not can_edit_profile(Anonymous(), owner)


def test_role_labels_are_translated(app):
    with app.test_request_context("/?lang=ru"):
        assert str(Role.DEPUTY.label) == "Депутат"
        assert str(Role.RESIDENT.label) == "Житель"


def test_ensure_sends_visitors_to_sign_in_and_refuses_others(app):
    from werkzeug.exceptions import HTTPException

    resident = create_user("resident")
    with app.test_request_context("/threads/new"):
        with pytest.raises(HTTPException) as refused:
            ensure(True)
        assert refused.value.response.status_code in (302, 303)
    with app.test_request_context("/"):
        login_user(resident)
        ensure(True)
        with pytest.raises(Forbidden):
            ensure(False)
