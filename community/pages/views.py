"""The pages every public site has, and the open-data page; the same for everyone, so shared with visitors."""

from community.core.htmx import render
from community.core.pagecache import shared_with_visitors
from community.pages import bp
from community.pages.services import PAGES, export_catalogue, text_language


def _text_page(name: str):
    """A page of text: its title and date, and its text in the visitor's language (Kazakh when not written in it)."""
    return render("pages/text.html", name=name, page=PAGES[name], lang=text_language())


@bp.get("/about")
@shared_with_visitors
def about():
    """What the site is for, who runs it, and what residents, deputies and moderators do here; anyone may read."""
    return _text_page("about")


@bp.get("/rules")
@shared_with_visitors
def rules():
    """The site's rules: what is welcome, what moderators hide and why, and how to appeal; anyone may read."""
    return _text_page("rules")


@bp.get("/privacy")
@shared_with_visitors
def privacy():
    """What the site stores about people, who sees it, for how long, and how to take it or delete it; anyone."""
    return _text_page("privacy")


@bp.get("/terms")
@shared_with_visitors
def terms():
    """The terms of using the site; anyone may read."""
    return _text_page("terms")


@bp.get("/accessibility")
@shared_with_visitors
def accessibility():
    """The accessibility statement: the aim, what works, known limits, how to report a problem; anyone may read."""
    return _text_page("accessibility")


@bp.get("/contact")
@shared_with_visitors
def contact():
    """How to reach the people who run the site (CONTACT_EMAIL) and the deputies; anyone may read."""
    return _text_page("contact")


@bp.get("/data")
@shared_with_visitors
def data():
    """Every export and feed with its fields, licence and the time its data last changed; anyone may read."""
    return render("pages/data.html", page=PAGES["data"], lang=text_language(), exports=export_catalogue())
