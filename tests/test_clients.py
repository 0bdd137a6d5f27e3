"""The test clients themselves: a sign-in that is checked, and one CSRF token per session."""

from contextlib import contextmanager

import pytest
from flask import request, request_started

WRONG = {"email": "nobody@example.kz", "password": "Wrong-Pass-123"}


@contextmanager
def paths_requested(app):
    """The paths of the requests the app answers inside the block."""
    paths = []

    def record(sender, **extra):
        paths.append(request.path)

    with request_started.connected_to(record, app):
        yield paths


def test_two_forms_from_one_client_fetch_the_token_once(app, client):
    with paths_requested(app) as paths:
        assert client.submit("/auth/login", WRONG).status_code == 422
        assert client.submit("/auth/login", WRONG).status_code == 422
    assert paths == ["/", "/auth/login", "/auth/login"]


def test_signing_in_leaves_a_token_for_the_new_session(app, client, thread, other_resident, login_as):
    before = client.csrf_token()
    login_as(other_resident)
    assert client.csrf_token() != before
    with paths_requested(app) as paths:
        assert client.post(f"/threads/{thread.id}/support", data={"csrf_token": before}).status_code == 400
        assert client.submit(f"/threads/{thread.id}/support").status_code == 303
        assert client.submit(f"/threads/{thread.id}/unsupport").status_code == 303  # after a flash, too
    assert "/" not in paths
    assert client.submit("/auth/logout").status_code == 303
    assert client.submit("/auth/login", WRONG).status_code == 422  # a new token after signing out


def test_a_sign_in_that_did_not_take_fails_the_test(client, resident, other_resident, login_as):
    with pytest.raises(AssertionError):
        login_as(resident, password="Wrong-Pass-123")
    login_as(resident)
    # The form answers 303 to a client that is signed in already, yet the account is still the first one.
    with pytest.raises(AssertionError, match="not the account signed in"):
        login_as(other_resident)


@pytest.mark.parametrize("role", ["resident", "deputy", "moderator", "admin"])
def test_client_as_signs_in_a_new_account_of_the_role(client_as, role):
    client = client_as(role)
    assert client.user.role.value == role
    assert client.get("/auth/settings").status_code == 200


def test_client_as_a_visitor_is_anonymous(client_as):
    client = client_as("visitor")
    assert client.user is None
    assert client.get("/auth/settings").status_code in (302, 303)
