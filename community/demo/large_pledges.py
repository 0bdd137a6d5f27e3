"""The large data set's pledges: spread over the deputies, each with a history of updates that only makes the
moves PLEDGE_MOVES allows (evidence where a status needs it), the pledge's status, progress, update count and
last update taken from that history, and one pledge with a very long history. Each pledge's discussion thread
is left in the world for the threads step, as `add_pledge` would open it."""

from datetime import date, timedelta

from community.demo.large_bulk import DAY, World, moment, spread
from community.pledges.models import NEEDS_EVIDENCE, PLEDGE_MOVES, Pledge, PledgeStatus, PledgeUpdate

S = PledgeStatus
# How often an update moves to each status, where the move is allowed.
STATUS_WEIGHTS = {
    S.IN_PROGRESS: 6.0,
    S.STALLED: 1.2,
    S.PARTIAL: 1.2,
    S.FULFILLED: 1.5,
    S.BROKEN: 0.6,
    S.ARCHIVED: 0.15,
}
FINAL = {S.FULFILLED, S.ARCHIVED}  # nothing follows these, so only a history's last update goes there
CATEGORIES = ["roads", "water", "gas", "schools", "health", "sports", "youth", "culture", "housing", "other"]
EVIDENCE = "https://almobl.gov.kz/news/large-{pledge}-{number}"
ELECTION = date(2023, 1, 10)


def _history(world: World, length: int) -> list[tuple[S, S, int]]:
    """A history of `length` updates as (old status, new status, progress), each move allowed."""
    rng = world.rng
    status, progress, steps = S.NOT_RATED, 0, []
    for number in range(length):
        last = number == length - 1
        options = [s for s in STATUS_WEIGHTS if PLEDGE_MOVES.allows(status, s) and (last or s not in FINAL)]
        new = rng.choices(options, weights=[STATUS_WEIGHTS[s] for s in options])[0]
        if new is S.IN_PROGRESS:
            progress = min(95, progress + rng.randint(5, 25))
        elif new is S.PARTIAL:
            progress = max(progress, rng.randint(40, 90))
        elif new is S.FULFILLED:
            progress = 100
        steps.append((status, new, progress))
        status = new
    return steps


def load_pledges(world: World) -> None:
    """Add the pledges and their updates, keeping every pledge's status, progress and counts right."""
    rng, bulk, sizes = world.rng, world.bulk, world.sizes
    per_deputy = spread(rng, max(sizes["pledges"] - len(world.deputies), 0), len(world.deputies), cap=8.0)
    per_deputy = [count + 1 for count in per_deputy]  # every deputy made at least one
    heavy = min(sizes["heavy_updates"], sizes["updates"])
    histories = [heavy] + spread(rng, sizes["updates"] - heavy, sum(per_deputy) - 1, cap=12.0)
    pledges, updates, number = [], [], 0
    for deputy, count in zip(world.deputies, per_deputy, strict=True):
        for _ in range(count):
            pledges.append(_pledge(world, deputy, histories[number], updates))
            number += 1
        if len(updates) >= 20_000:
            _flush(world, pledges, updates)
    _flush(world, pledges, updates)
    bulk.say(f"pledges: {bulk.added['pledges']:,} with {bulk.added['pledge_updates']:,} updates")


def _flush(world: World, pledges: list, updates: list) -> None:
    world.bulk.insert(Pledge.__table__, pledges)
    world.bulk.insert(PledgeUpdate.__table__, updates)
    pledges.clear()
    updates.clear()


def _pledge(world: World, deputy: dict, length: int, updates: list) -> dict:
    """One pledge's row; its updates are appended to `updates`."""
    rng, bulk = world.rng, world.bulk
    pledge_id = bulk.next_id(Pledge.__table__)
    place = rng.choice(deputy["places"])
    category = rng.choice(CATEGORIES)
    title, text = world.texts.pledge(category, place.locative)
    made_on = ELECTION + timedelta(days=rng.randint(0, 65))
    created = world.start + rng.random() * 60 * DAY
    created_by = rng.choice(world.moderators)
    author, on_behalf = (deputy["user_id"], False) if deputy["user_id"] else (created_by, True)
    times = sorted(world.between(created, world.now) for _ in range(length))
    status, progress, last_update = S.NOT_RATED, 0, created
    for number, ((old, new, progress), at) in enumerate(zip(_history(world, length), times, strict=True)):
        status, last_update = new, at
        updates.append(
            {
                "id": bulk.next_id(PledgeUpdate.__table__),
                "pledge_id": pledge_id,
                "author_id": author,
                "on_behalf": on_behalf,
                "old_status": old.value,
                "new_status": new.value,
                "progress": progress,
                "note": world.texts.update_note(new.value, progress),
                "lang": "kk",  # the notes are written in Kazakh
                "evidence": EVIDENCE.format(pledge=pledge_id, number=number) if new in NEEDS_EVIDENCE else "",
                "corrects_id": None,
                "submission_key": f"large-{pledge_id}-{number}",
                "created_at": moment(at),
            }
        )
    world.discussions.append(
        {
            "pledge_id": pledge_id,
            "title": title[:160],
            "body": text,
            "place": place,
            "created": created,
            "author": created_by,
        }
    )
    return {
        "id": pledge_id,
        "deputy_id": deputy["id"],
        "title": title,
        "text": text,
        "source_url": f"https://almobl.gov.kz/deputies/{deputy['id']}/programme",
        "source_description": "Сайлауалды бағдарлама / Предвыборная программа",
        "made_on": made_on,
        "locality_id": place.id,
        "category": category,
        "due_on": made_on + timedelta(days=365 * rng.randint(1, 5)) if rng.random() < 0.85 else None,
        "status": status.value,
        "progress": progress if length else 0,
        "update_count": length,
        "last_update_at": moment(last_update),
        "created_by_id": created_by,
        "submission_key": f"large-{pledge_id}",
        "created_at": moment(created),
    }
