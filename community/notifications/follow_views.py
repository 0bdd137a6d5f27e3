"""The one follow button of pledges, deputies, events, dialogue sessions and localities, and the one helper their
follow and unfollow views answer with. Each domain keeps its own URLs (`/pledges/<id>/follow`, …) in its own
blueprint, named `follow_<target>` and `unfollow_<target>`."""

from flask import make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.core.htmx import fragment_or_redirect
from community.core.permissions import can_follow_target, ensure
from community.core.security import is_local_url
from community.extensions import db
from community.notifications import bp
from community.notifications.follows import follow, follower_count, is_following, unfollow
from community.notifications.models import FollowTarget

# Each target's blueprint, the URL argument naming a thing, and the attribute it is read from.
ROUTES = {
    FollowTarget.PLEDGE: ("pledges", "pledge_id", "id"),
    FollowTarget.DEPUTY: ("pledges", "deputy_id", "id"),
    FollowTarget.EVENT: ("events", "event_id", "id"),
    FollowTarget.DIALOGUE: ("dialogues", "session_id", "id"),
    FollowTarget.LOCALITY: ("places", "slug", "slug"),
}

bp.add_app_template_global(FollowTarget, "FollowTarget")  # the pages name what their button follows


@bp.app_template_global()
def follow_url(target: FollowTarget, item, undo: bool = False) -> str:
    """The address the button posts to: follow the thing, or (undo) stop following it."""
    blueprint, argument, attribute = ROUTES[target]
    verb = "unfollow" if undo else "follow"
    return url_for(f"{blueprint}.{verb}_{target.value}", **{argument: getattr(item, attribute)})


@bp.app_template_global()
def follow_state(target: FollowTarget, item, counted: bool = False) -> dict:
    """What the button shows the viewer: whether they follow the thing (no query for a visitor) and, when counted,
    how many do."""
    return {
        "following": is_following(current_user, target, item.id),
        "count": follower_count(target, item.id) if counted else None,
    }


def answer_follow(target: FollowTarget, item, back: str, counted: bool = False):
    """Follow the thing or stop following it, as the endpoint says, after the rule allowed it; commit, then answer
    htmx with the swapped button and anything else with a redirect to the page the form came from (or back)."""
    undo = request.endpoint.rsplit(".", 1)[1].startswith("unfollow")
    # Anyone signed in may stop following (a suspended account too: it is still told of what it follows).
    ensure(current_user.is_authenticated if undo else can_follow_target(current_user, item))
    (unfollow if undo else follow)(current_user, target, item.id)
    db.session.commit()
    came_from = request.form.get("next", "")
    return fragment_or_redirect(
        lambda: make_response(render_template("notifications/_follow.html", target=target, item=item, counted=counted)),
        came_from if is_local_url(came_from) else back,
        _("You no longer follow it.") if undo else _("You follow it now: its news will come to your notifications."),
    )
