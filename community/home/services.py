"""What the home page shows, the language switch's choice, and the health check's database probe."""

from flask import current_app, request
from sqlalchemy import func, text

from community.accounts.models import User
from community.core.i18n import keep_language
from community.extensions import db
from community.places.models import Locality, LocalityKind
from community.places.services import children_of, locality_arg


def visitor_locality(user) -> Locality | None:
    """The locality the home page is about: ?place=, the user's home, then DEFAULT_LOCALITY."""
    locality = locality_arg(request.args)
    if locality:
        return locality
    if user.is_authenticated and user.locality_id:
        return db.session.get(Locality, user.locality_id)
    return db.session.scalar(db.select(Locality).filter_by(slug=current_app.config["DEFAULT_LOCALITY"]))


def home_figures(locality: Locality | None) -> dict:
    """The home page's figures for a locality: its places and its registered residents."""
    if locality is None:
        return {"places": [], "residents": 0, "districts": 0}
    subtree = db.select(Locality.id).where(Locality.path.startswith(locality.path, autoescape=True))
    residents = db.session.scalar(
        db.select(func.count(User.id)).where(
            User.locality_id.in_(subtree), User.disabled_at.is_(None), User.email_confirmed_at.is_not(None)
        )
    )
    districts = db.session.scalar(
        db.select(func.count(Locality.id)).where(
            Locality.path.startswith(locality.path, autoescape=True),
            Locality.id != locality.id,
            Locality.kind.in_([LocalityKind.DISTRICT, LocalityKind.CITY]),
        )
    )
    return {"places": children_of(locality), "residents": residents or 0, "districts": districts or 0}


def recent_threads(locality: Locality | None, count: int = 5) -> list:
    """The latest active visible threads in and under a locality, for the home page."""
    from community.threads.services import ThreadFilters, ordered_threads

    return ordered_threads(ThreadFilters(locality=locality), count)


def live_and_next_dialogues(locality: Locality | None, count: int = 3) -> list:
    """Dialogue sessions live now, then the next announced ones, in and under a locality, for the home page."""
    from community.dialogues.queries import live_and_upcoming

    return live_and_upcoming(locality, count)


def locality_overview(locality: Locality | None) -> dict:
    """A locality at a glance, for the home page and the locality's page: its figures, dialogue sessions live and
    next, the next events, the latest and the most supported local issues, its pledges' figures and its deputies;
    each block one query (or two) of its own, whatever the amount of data."""
    from community.events.services import EventFilters, filtered_events
    from community.pledges.scorecards import deputies_of, locality_figures
    from community.threads.services import ThreadFilters, ordered_threads

    return {
        "locality": locality,
        "figures": home_figures(locality),
        "dialogues": live_and_next_dialogues(locality),
        "events": list(db.session.scalars(filtered_events(EventFilters(locality=locality)).limit(3)).unique()),
        "threads": recent_threads(locality),
        "supported": ordered_threads(ThreadFilters(locality=locality, sort="supported"), 5),
        "pledges": locality_figures(locality),
        "deputies": deputies_of(locality),
    }


def choose_language(user, lang: str) -> None:
    """Speak lang from now on: in the cookie for anyone, and on the account of a signed-in user; the view commits."""
    keep_language(lang)
    if user.is_authenticated:
        user.locale = lang


def database_ok() -> bool:
    """True when the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        current_app.logger.exception("Health check: database unreachable")
        db.session.rollback()
        return False
