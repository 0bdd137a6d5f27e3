"""The large data set's local issues and pledge discussions with their comments: one level of replies, some
hidden (with the moderator's logged action), some deleted as placeholders that keep their replies, official
answers that move a thread to answered, supports and follows. Every kept count (a thread's comments, supports,
followers and last activity; a comment's replies and supports) is counted from the rows made here, the way the
services keep them. Threads go in chunks, each chunk's rows parents first."""

from collections import Counter

from community.core.text import search_text, slugify
from community.demo import large_words as W
from community.demo.large_bulk import DAY, World, moment, spread
from community.moderation.models import ModerationAction
from community.threads.models import Comment, CommentSupport, Thread, ThreadFollow, ThreadStateChange, ThreadSupport

CHUNK = 1_000
HOUR = 3_600.0
CATEGORIES = list(W.SUBJECTS)
# Parents before children, so every foreign key holds as each batch lands.
TABLES = [
    Thread.__table__,
    ThreadStateChange.__table__,
    ThreadFollow.__table__,
    ThreadSupport.__table__,
    Comment.__table__,
    CommentSupport.__table__,
    ModerationAction.__table__,
]
HEAVY_KEY, TYPICAL_KEY = "large-heavy", "large-typical"  # the threads with the most and with 50 comments


def load_threads(world: World) -> None:
    """Add the local issues, then the pledges' discussions, with their comments, supports and follows."""
    rng, bulk, sizes = world.rng, world.bulk, world.sizes
    issues, discussions = sizes["threads"], world.discussions
    on_discussions = sizes["comments"] // 20
    heavy, typical = sizes["heavy_comments"], sizes["typical_comments"]
    rest = sizes["comments"] - heavy - typical - on_discussions
    plan = [heavy, typical] + spread(rng, rest, issues - 2) + spread(rng, on_discussions, len(discussions))
    pinned = set(rng.sample(range(2, issues), round(issues * 0.00005)))
    total = issues + len(discussions)
    rows: dict = {table: [] for table in TABLES}
    shown = 0
    for index in range(total):
        if index < issues:
            _issue(world, rows, index, plan[index], index in pinned)
        else:
            _discussion(world, rows, discussions[index - issues], plan[index])
        if (index + 1) % CHUNK and index < total - 1:
            continue
        for table in TABLES:
            bulk.insert(table, rows[table])
            rows[table].clear()
        if (index + 1) * 10 // total > shown or index == total - 1:
            shown = (index + 1) * 10 // total
            bulk.say(
                f"threads: {bulk.added['threads']:,} of {total:,}, comments: {bulk.added['comments']:,}, "
                f"supports: {bulk.added['thread_supports'] + bulk.added['comment_supports']:,}"
            )


def _russian(world: World, number: int) -> bool:
    """Whether resident `number` writes this text in Russian: mostly as they speak, sometimes not."""
    return world.rng.random() < (0.85 if world.russian[number] else 0.03)


def _lang(russian: bool) -> str:
    """The language a generated text is written in."""
    return "ru" if russian else "kk"


def _issue(world: World, rows: dict, index: int, planned: int, pinned: bool) -> None:
    rng = world.rng
    created = world.start + (world.now - world.start) * rng.random() ** 0.8
    number = world.resident_at(created)
    place = world.homes[number] if rng.random() < 0.7 else world.place()
    category = rng.choice(CATEGORIES)
    russian = _russian(world, number)
    title, body = world.texts.thread(category, place.kk, place.ru, russian)
    addressed = rng.choice(world.deputy_users) if world.deputy_users and rng.random() < 0.2 else None
    key = HEAVY_KEY if index == 0 else TYPICAL_KEY if index == 1 else f"large-{index}"
    fields = {
        "title": title,
        "body": body,
        "author_id": world.user_id(number),
        "locality_id": place.id,
        "category": category,
        "addressed_to_id": addressed,
        "pledge_id": None,
        "submission_key": key,
        "lang": _lang(russian),
    }
    _thread(world, rows, fields, created, planned, pinned=pinned, settle=True)


def _discussion(world: World, rows: dict, discussion: dict, planned: int) -> None:
    """A pledge's discussion, as add_pledge opens it: by whoever added the pledge, when it was added."""
    fields = {
        "title": discussion["title"],
        "body": discussion["body"],
        "author_id": discussion["author"],
        "locality_id": discussion["place"].id,
        "category": "other",
        "addressed_to_id": None,
        "pledge_id": discussion["pledge_id"],
        "submission_key": f"pledge-{discussion['pledge_id']}",
        "lang": None,  # as add_pledge opens it: the pledge's language is not recorded
    }
    _thread(world, rows, fields, discussion["created"], planned, pinned=False, settle=False)


def _thread(world: World, rows: dict, fields: dict, created: float, planned: int, pinned: bool, settle: bool) -> None:
    """The thread's row with its comments, history, supports and follows; `settle` lets it be answered, resolved,
    closed, locked or hidden."""
    rng, bulk = world.rng, world.bulk
    thread_id = bulk.next_id(Thread.__table__)
    end = min(created + HOUR + rng.expovariate(1 / 30) * DAY, world.now)
    visible, commenters, official_at, last = _comments(world, rows, thread_id, created, end, planned, fields)
    author = fields["author_id"]
    state, moves, roll = "open", [], rng.random()
    if settle and official_at is not None:
        moves.append(("open", "answered", fields["addressed_to_id"], "", official_at))
        if roll < 0.3:
            moves.append(("answered", "resolved", author, "", world.between(last, world.now)))
    elif settle and roll < 0.06:
        moves.append(("open", "resolved", author, "", world.between(last, world.now)))
    elif settle and roll < 0.09:
        moderator, reason = rng.choice(world.moderators), rng.choice(W.CLOSE_REASONS)
        moves.append(("open", "closed", moderator, reason, world.between(last, world.now)))
        _action(world, rows, moderator, "close", reason, thread_id, None, moves[-1][4])
    for old, new, by, reason, at in moves:
        state, last = new, max(last, at)
        rows[ThreadStateChange.__table__].append(
            {
                "id": bulk.next_id(ThreadStateChange.__table__),
                "thread_id": thread_id,
                "old_state": old,
                "new_state": new,
                "by_id": by,
                "reason": reason,
                "created_at": moment(at),
            }
        )
    followers = {author: created}
    for user_id, at in commenters:
        if rng.random() < 0.15:
            followers.setdefault(user_id, at)
    follows = rows[ThreadFollow.__table__]
    follows += [{"user_id": u, "thread_id": thread_id, "created_at": moment(at)} for u, at in followers.items()]
    wanted = int((rng.paretovariate(1.4) - 1.0) * 1.6)
    supporters = world.residents_at(end, wanted) if wanted else []
    rows[ThreadSupport.__table__] += [
        {"user_id": world.user_id(n), "thread_id": thread_id, "created_at": moment(world.between(created, end))}
        for n in supporters
    ]
    hidden_at = hidden_by = None
    reason = ""
    if settle and rng.random() < 0.004:
        hidden_at, hidden_by, reason = world.between(created, world.now), rng.choice(world.moderators), "Жарнама"
        _action(world, rows, hidden_by, "hide", reason, thread_id, None, hidden_at)
    rows[Thread.__table__].append(
        fields
        | {
            "id": thread_id,
            "slug": slugify(fields["title"]),
            "search_text": search_text(fields["title"], fields["body"]),
            "state": state,
            "created_at": moment(created),
            "edited_at": moment(created + rng.random() * 2 * HOUR) if rng.random() < 0.04 else None,
            "last_activity_at": moment(last),
            "pinned_at": moment(created) if pinned else None,
            "locked_at": moment(end) if settle and rng.random() < 0.005 else None,
            "comment_count": visible,
            "support_count": len(supporters),
            "follower_count": len(followers),
            "hidden_at": moment(hidden_at) if hidden_at else None,
            "hidden_reason": reason,
            "hidden_by_id": hidden_by,
        }
    )


def _comments(world: World, rows: dict, thread_id: int, created: float, end: float, count: int, fields: dict):
    """The thread's comments and replies; returns how many are shown (the thread's comment count), who commented
    and when, when the official answer came (or None) and the last comment's time."""
    rng = world.rng
    if count == 0:
        return 0, [], None, created
    tops = count if count < 3 else max(1, round(count * rng.uniform(0.55, 0.8)))
    times = sorted(world.between(created, end) for _ in range(tops))
    parents = [rng.randrange(tops) for _ in range(count - tops)]
    replies = Counter(parents)
    official = None
    if fields["addressed_to_id"] and rng.random() < 0.6:
        official = int(rng.random() ** 2 * tops)
    ids, shown, commenters, official_at = [], 0, [], None
    for index, at in enumerate(times):
        if index == official:
            author, body, official_at, russian = fields["addressed_to_id"], world.texts.official(), at, False
        else:
            number = world.resident_at(at)
            russian = _russian(world, number)
            author, body = world.user_id(number), world.texts.comment(russian)
            commenters.append((author, at))
        deleted = replies[index] > 0 and index != official and rng.random() < 0.02
        ids.append(
            _comment(
                world, rows, thread_id, None, author, body, at, end, replies[index], deleted, index == official, russian
            )
        )
        shown += _shown(rows)
    last = times[-1]
    for parent in parents:
        at = world.between(times[parent], end)
        last = max(last, at)
        number = world.resident_at(at)
        author = world.user_id(number)
        russian = _russian(world, number)
        body = world.texts.reply(russian)
        _comment(world, rows, thread_id, ids[parent], author, body, at, end, 0, False, False, russian)
        shown += _shown(rows)
        commenters.append((author, at))
    return shown, commenters, official_at, last


def _shown(rows: dict) -> int:
    """1 when the comment just made counts in its thread's comment count (neither hidden nor deleted)."""
    row = rows[Comment.__table__][-1]
    return int(row["hidden_at"] is None and row["deleted_at"] is None)


def _comment(world, rows, thread_id, parent_id, author, body, at, end, replies, deleted, official, russian) -> int:
    """One comment's row with its supports and, when hidden, the moderator's action; returns its id."""
    rng, bulk = world.rng, world.bulk
    comment_id = bulk.next_id(Comment.__table__)
    hidden_at = hidden_by = None
    reason = ""
    if not deleted and not official and rng.random() < 0.012:
        hidden_at = min(at + rng.random() * DAY, world.now)
        hidden_by, reason = rng.choice(world.moderators), rng.choice(W.HIDE_REASONS)
        _action(world, rows, hidden_by, "hide", reason, thread_id, comment_id, hidden_at)
    wanted = 0 if rng.random() > 0.1 else int(rng.paretovariate(1.3))
    supporters = world.residents_at(end, wanted) if wanted else []
    rows[CommentSupport.__table__] += [
        {"user_id": world.user_id(n), "comment_id": comment_id, "created_at": moment(world.between(at, end))}
        for n in supporters
    ]
    rows[Comment.__table__].append(
        {
            "id": comment_id,
            "thread_id": thread_id,
            "parent_id": parent_id,
            "author_id": author,
            "body": "" if deleted else body,
            "lang": _lang(russian),
            "official": official,
            "submission_key": f"large-c{comment_id}",
            "created_at": moment(at),
            "edited_at": moment(at + rng.random() * HOUR) if rng.random() < 0.03 else None,
            "deleted_at": moment(world.between(at, world.now)) if deleted else None,
            "reply_count": replies,
            "support_count": len(supporters),
            "hidden_at": moment(hidden_at) if hidden_at else None,
            "hidden_reason": reason,
            "hidden_by_id": hidden_by,
        }
    )
    return comment_id


def _action(world: World, rows: dict, moderator: int, action: str, reason: str, thread_id, comment_id, at) -> None:
    """The public log's line for a moderator's hide or close."""
    rows[ModerationAction.__table__].append(
        {
            "id": world.bulk.next_id(ModerationAction.__table__),
            "moderator_id": moderator,
            "moderator_role": "moderator",
            "action": action,
            "reason": reason,
            "thread_id": thread_id,
            "comment_id": comment_id,
            "user_id": None,
            "until": None,
            "created_at": moment(at),
        }
    )
