"""The public locality pages: the tree, and one locality with its places."""

from community.core.htmx import render
from community.core.pagecache import shared_with_visitors
from community.places import bp
from community.places.services import (
    all_localities,
    ancestors_of,
    children_of,
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
    """Show one locality, its ancestors and the places within it; anyone may look."""
    locality = locality_by_slug_or_404(slug)
    return render(
        "places/show.html", locality=locality, ancestors=ancestors_of(locality), children=children_of(locality)
    )
