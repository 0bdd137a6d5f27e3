"""Roles and every authorization rule, as small pure functions used by views and templates."""
import enum
from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user


class Role(enum.Enum):
    """What an account may do; each role includes the ones before it in RANK."""

    RESIDENT = "resident"
    DEPUTY = "deputy"
    MODERATOR = "moderator"
    ADMIN = "admin"

    @property
    def label(self):
        """The role's translated name."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.DEPUTY: _l("Deputy"),
    Role.MODERATOR: _l("Moderator"),
    Role.ADMIN: _l("Administrator"),
}


def _is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def has_role(user, *roles: Role) -> bool:
    """True when the signed-in user holds one of the roles."""
    return _is_signed_in(user) and user.role in roles


def can_moderate(user) -> bool:
    """Moderators and admins moderate content."""
    return has_role(user, Role.MODERATOR, Role.ADMIN)


def can_administer(user) -> bool:
    """Only admins manage users, roles, localities and deputy profiles."""
    return has_role(user, Role.ADMIN)


def can_edit_profile(user, profile_user) -> bool:
    """A user edits their own profile; admins edit anyone's."""
    return _is_signed_in(user) and (user.id == profile_user.id or can_administer(user))


def can_see_email(user, profile_user) -> bool:
    """An e-mail address is shown only to its owner and to admins."""
    return can_edit_profile(user, profile_user)


RULES = {
    "can_moderate": can_moderate,
    "can_administer": can_administer,
    "can_edit_profile": can_edit_profile,
    "can_see_email": can_see_email,
}


def require(rule, *loaders):
    """Decorate a view so it answers 403 unless rule(current_user, *loaded objects) holds.

    Each loader takes the view's keyword arguments and returns an object the rule needs.
    Anonymous visitors are sent to the login page instead.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from community.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            objects = [load(**kwargs) for load in loaders]
            if not rule(current_user, *objects):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
