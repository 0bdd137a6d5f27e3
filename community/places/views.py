"""The public locality pages: the tree, and one locality with its places."""

from flask import url_for

from community.core.htmx import render
from community.core.pagecache import shared_with_visitors
from community.core.security import action_limit, user_or_address_key
from community.extensions import limiter
from community.places import bp
from community.places.services import (
    all_localities,
    ancestors_of,
    locality_by_slug_or_404,
    tree_order,
)


@bp.get("/")
@shared_with_visitors
def index():
    """Show the whole region as a tree; anyone may look."""
    return render("places/index.html", localities=tree_order(all_localities()))


@bp.get("/<slug>")
@shared_with_visitors
def show(slug: str):
    """Show one locality at a glance, as the home page does, with its ancestors and links to its deputies, events
    and issues; anyone may look."""
    from community.appeals.queries import representatives
    from community.home.services import locality_overview

    locality = locality_by_slug_or_404(slug)
    return render(
        "places/show.html",
        ancestors=ancestors_of(locality),
        yours=representatives(locality),
        **locality_overview(locality),
    )


@bp.post("/<slug>/follow", endpoint="follow_locality")
@bp.post("/<slug>/unfollow", endpoint="unfollow_locality")
@limiter.shared_limit(action_limit, scope="actions", key_func=user_or_address_key, methods=["POST"])
def follow_locality(slug: str):
    """Follow a locality (to hear of new issues and events in it and the places within it) or stop; signed-in
    users."""
    from community.notifications.follow_views import answer_follow
    from community.notifications.models import FollowTarget

    locality = locality_by_slug_or_404(slug)
    return answer_follow(FollowTarget.LOCALITY, locality, url_for("places.show", slug=locality.slug), counted=True)
