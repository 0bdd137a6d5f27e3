"""A region's worth of data on demand (`flask demo --scale large`): after the demo, 100,000 local issues with
1,000,000 comments, 300 deputies with 10,000 pledges and 50,000 updates, 5,000 events with 100,000
registrations, a live dialogue session with 2,000 questions and 50,000 votes, and the 20,000 residents who wrote
it, spread over the region's localities; and 20,000 notifications of the demo resident the benchmark signs in as.

Rows are written by bulk inserts (Core `insert()` executemany, never the services), with ids given here, in one
transaction, so a failed run leaves nothing behind. Every kept counter is counted from the rows made, every
foreign key points at a row made before it, texts come from word lists with a seeded random (the same seed gives
the same data; times run up to the hour of the run), and `search_text` and `slug` are made as the services make
them. A second run finds the generated accounts and adds nothing. `factor` scales every size, for tests.
"""

import random

from sqlalchemy import func, select, text

from community.accounts.models import User
from community.core.db import utcnow
from community.core.pagecache import content_changed
from community.demo.large_bulk import DAY, Bulk, World
from community.demo.large_gatherings import load_dialogue, load_events
from community.demo.large_notices import load_notifications
from community.demo.large_people import DOMAIN, PASSWORD, load_deputies, load_places, load_users
from community.demo.large_pledges import load_pledges
from community.demo.large_texts import Texts
from community.demo.large_threads import HEAVY_KEY, TYPICAL_KEY, load_threads
from community.extensions import db
from community.pledges.models import Pledge
from community.threads.models import Thread

SEED = 2026
# The sizes at factor 1, and the least each may shrink to at a small factor.
FULL = {
    "villages": 150,
    "moderators": 10,
    "residents": 20_000,
    "deputies": 300,
    "deputy_accounts": 100,
    "pledges": 10_000,
    "updates": 50_000,
    "heavy_updates": 1_000,  # the pledge with the longest history
    "threads": 100_000,
    "comments": 1_000_000,
    "heavy_comments": 5_000,  # the thread with the most comments
    "typical_comments": 50,  # and one with a page of them, to compare it with
    "events": 5_000,
    "registrations": 100_000,
    "questions": 2_000,
    "votes": 50_000,
    "notifications": 20_000,  # the demo resident's, for the bell and /notifications
}
SMALLEST = {
    "villages": 2,
    "moderators": 2,
    "residents": 60,
    "deputies": 3,
    "deputy_accounts": 1,
    "pledges": 6,
    "updates": 12,
    "heavy_updates": 5,
    "threads": 20,
    "comments": 100,
    "heavy_comments": 10,
    "typical_comments": 5,
    "events": 4,
    "registrations": 20,
    "questions": 10,
    "votes": 30,
    "notifications": 30,
}
SHOWN = [
    "localities",
    "users",
    "deputies",
    "deputy_localities",
    "pledges",
    "pledge_updates",
    "threads",
    "thread_state_changes",
    "thread_follows",
    "thread_supports",
    "comments",
    "comment_supports",
    "moderation_actions",
    "events",
    "event_deputies",
    "registrations",
    "dialogue_sessions",
    "dialogue_deputies",
    "dialogue_questions",
    "dialogue_votes",
    "dialogue_log",
    "notifications",
]


def sizes_for(factor: float) -> dict[str, int]:
    """Every size scaled by the factor, none below its least."""
    return {name: max(SMALLEST[name], round(size * factor)) for name, size in FULL.items()}


def generated_accounts() -> int:
    """How many generated accounts the database holds: more than none means the data is loaded."""
    return db.session.scalar(select(func.count(User.id)).where(User.email.endswith("@" + DOMAIN))) or 0


def load_large(factor: float = 1.0, seed: int = SEED, echo=print) -> list[str]:
    """Add the large data set unless it is there already; commits, and returns lines describing what was added.
    The demo (its localities) must be loaded first."""
    found = generated_accounts()
    if found:
        return [f"Large data is already loaded ({found:,} generated accounts @{DOMAIN}); nothing added."]
    sizes = sizes_for(factor)
    rng = random.Random(seed)
    now = utcnow().replace(minute=0, second=0, microsecond=0).timestamp()
    bulk = Bulk(echo)
    if not bulk.postgres:
        bulk.connection.execute(text("PRAGMA cache_size = -262144"))  # 256 MB of pages while the indexes grow
    world = World(rng, Texts(rng), bulk, sizes, now, now - 730 * DAY)
    echo(f"Large data (factor {factor:g}, seed {seed}): {sizes['threads']:,} issues, {sizes['comments']:,} comments …")
    steps = (load_places, load_users, load_deputies, load_pledges, load_threads, load_events, load_dialogue)
    for step in (*steps, load_notifications):
        step(world)
    bulk.finish()
    content_changed(db.session)  # written on the session's connection, past what it sees
    db.session.commit()
    # The planner's statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would gather them on a
    # site that grew to this size over years; without them a fresh bulk load is planned as if its tables were empty.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    elapsed = bulk.elapsed()
    lines = [f"Large data added in {elapsed:.1f} s ({sum(bulk.added.values()):,} rows):"]
    lines += [f"  {name:<22}{bulk.added[name]:>12,}" for name in SHOWN]
    lines += _landmarks()
    lines.append(f"Every generated account (…@{DOMAIN}) signs in with {PASSWORD}.")
    return lines


def _landmarks() -> list[str]:
    """Where the heaviest pages are, for measuring them."""
    heavy = db.session.scalar(select(Thread.id).where(Thread.submission_key == HEAVY_KEY))
    typical = db.session.scalar(select(Thread.id).where(Thread.submission_key == TYPICAL_KEY))
    pledge = db.session.scalar(select(Pledge.id).order_by(Pledge.update_count.desc(), Pledge.id).limit(1))
    return [
        f"Heaviest pages: /threads/{heavy} (most comments), /threads/{typical} (a page of them), /pledges/{pledge}."
    ]
