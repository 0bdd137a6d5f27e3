"""The demo content: Almaty region's places, accounts of every role, local issues, deputies and their pledges,
events and dialogue sessions, appeals, follows and notifications, in Kazakh and Russian. `flask demo` loads it;
running it again adds nothing twice."""

from community.demo.accounts import account_lines, load_accounts
from community.demo.appeals import load_appeals
from community.demo.deputies import load_deputies
from community.demo.dialogues import load_dialogues
from community.demo.events import load_events
from community.demo.notifications import load_notifications
from community.demo.places import load_places
from community.demo.pledges import load_pledges
from community.demo.threads import load_threads
from community.extensions import db


def load_demo() -> list[str]:
    """Add whatever demo content is missing, commit, and return lines describing what was added and the accounts."""
    by_slug, added_places = load_places()
    added_users = load_accounts(by_slug)
    db.session.flush()
    added_threads = load_threads(by_slug)
    added_pledges = load_pledges(by_slug, load_deputies(by_slug))
    added_events = load_events(by_slug)
    db.session.flush()
    added_dialogues = load_dialogues(by_slug)
    added_appeals = load_appeals(by_slug)
    db.session.flush()
    notifications = load_notifications()
    db.session.commit()
    lines = [
        f"Demo data: {added_places} localities, {added_users} accounts, {added_threads} threads, "
        f"{added_pledges} pledges, {added_events} events, {added_dialogues} dialogue sessions and {added_appeals} "
        f"appeals added; {notifications} notifications.",
        "Demo accounts:",
    ]
    return lines + account_lines()
