"""The large data set's events and its live dialogue session. Events: most past, some coming, a few drafts and
cancelled ones, registrations queued in order with places given first come first served up to the capacity and
the rest on the waiting list (going and waiting counts kept from them). The session: live, questions in every
state with votes, the moderators' log, its kept counts and a version raised once per change, as the services do."""

from community.demo import large_words as W
from community.demo.large_bulk import DAY, World, moment, spread
from community.dialogues.models import DialogueSession, Question, QuestionVote, SessionLogEntry, dialogue_deputies
from community.events.models import Event, EventKind, Registration, event_deputies

HOUR = 3_600.0
KINDS = [kind.value for kind in EventKind]
KIND_WEIGHTS = [4, 1, 1.5, 4, 1.5, 1.5, 1, 0.5]
CAPACITIES = [15, 20, 25, 30, 40, 50, 60, 80, 100, 150]


def load_events(world: World) -> None:
    """Add the events, their registrations and the deputies who take part."""
    rng, bulk, sizes = world.rng, world.bulk, world.sizes
    events, registrations, links = [], [], []
    plans = [_plan(world) for _ in range(sizes["events"])]
    open_ones = [number for number, plan in enumerate(plans) if plan["published"] is not None]
    counts = dict(zip(open_ones, spread(rng, sizes["registrations"], len(open_ones), cap=8.0), strict=True))
    for number, plan in enumerate(plans):
        event_id = bulk.next_id(Event.__table__)
        going, waiting = _registrations(world, event_id, plan, counts.get(number, 0), registrations)
        place = plan["place"]
        title, description = world.texts.event(plan["kind"], place.kk, place.ru, rng.random() < 0.2)
        street = rng.choice(W.STREETS)[0]
        events.append(
            {
                "id": event_id,
                "title": title,
                "kind": plan["kind"],
                "description": description,
                "starts_at": moment(plan["starts"]),
                "ends_at": moment(plan["starts"] + rng.randint(1, 4) * HOUR),
                "registration_closes_at": None,
                "address": f"{place.kk}, {street} көшесі, {rng.randint(1, 120)}",
                "room": rng.choice(W.EVENT_ROOMS),
                "online_url": f"https://meet.halyk-uni.kz/large-{event_id}" if rng.random() < 0.1 else "",
                "locality_id": place.id,
                "organiser_id": plan["organiser"],
                "capacity": plan["capacity"],
                "going_count": going,
                "waiting_count": waiting,
                "published_at": moment(plan["published"]) if plan["published"] else None,
                "cancelled_at": moment(plan["cancelled"]) if plan["cancelled"] else None,
                "cancel_reason": "Ғимаратта жөндеу жүріп жатыр." if plan["cancelled"] else "",
                "report": world.texts.event_report() if plan["report"] else "",
                "created_at": moment(plan["created"]),
            }
        )
        deputies = {plan["deputy"]} if plan["deputy"] else set()
        if world.deputies and rng.random() < 0.2:
            deputies.add(rng.choice(world.deputies)["id"])
        links += [{"event_id": event_id, "deputy_id": deputy_id} for deputy_id in deputies]
        if len(registrations) >= 20_000 or number == len(plans) - 1:
            bulk.insert(Event.__table__, events)
            bulk.insert(Registration.__table__, registrations)
            bulk.insert(event_deputies, links)
            events, registrations, links = [], [], []
    bulk.say(f"events: {bulk.added['events']:,} with {bulk.added['registrations']:,} registrations")


def _plan(world: World) -> dict:
    """When and where an event is, who organises it, whether it is published, cancelled or reported."""
    rng = world.rng
    upcoming = rng.random() < 0.15
    day = world.now + rng.random() * 90 * DAY if upcoming else world.between(world.start, world.now - DAY)
    starts = day - day % HOUR  # on the hour
    created = min(starts - rng.randint(7, 40) * DAY, world.now - rng.random() * 2 * DAY)
    with_account = world.deputies[: len(world.deputy_users)]  # the first deputies are the ones with accounts
    deputy = rng.choice(with_account) if with_account and rng.random() < 0.6 else None
    draft = upcoming and rng.random() < 0.1
    published = None if draft else created + rng.random() * min(DAY, world.now - created)
    cancelled = None
    if published and rng.random() < 0.03:
        cancelled = world.between(published, min(starts, world.now))
    return {
        "kind": rng.choices(KINDS, weights=KIND_WEIGHTS)[0],
        "place": world.place(),
        "starts": starts,
        "created": created,
        "published": published,
        "cancelled": cancelled,
        "organiser": deputy["user_id"] if deputy else rng.choice(world.moderators),
        "deputy": deputy["id"] if deputy else None,
        "capacity": rng.choice(CAPACITIES),
        "report": not upcoming and not cancelled and rng.random() < 0.4,
    }


def _registrations(world: World, event_id: int, plan: dict, count: int, rows: list) -> tuple[int, int]:
    """The event's registrations in the order they queued: a few cancelled, places to the first, then the waiting
    list. Returns the going and waiting counts."""
    rng, bulk = world.rng, world.bulk
    closes = min(plan["starts"], world.now)
    people = world.residents_at(closes, count)
    if len(people) > plan["capacity"] and rng.random() < 0.7:  # most organisers find a room for everyone
        plan["capacity"] = next((c for c in CAPACITIES if c >= len(people)), len(people) + 10 - len(people) % 10)
    times = sorted(world.between(plan["published"] or closes, closes) for _ in people)
    going = waiting = 0
    past = plan["starts"] < world.now
    for number, at in zip(people, times, strict=True):
        if rng.random() < 0.05:
            state = "cancelled"
        elif going < plan["capacity"]:
            state, going = "going", going + 1
        else:
            state, waiting = "waiting", waiting + 1
        rows.append(
            {
                "id": bulk.next_id(Registration.__table__),
                "event_id": event_id,
                "user_id": world.user_id(number),
                "state": state,
                "queued_at": moment(at),
                "attended": (rng.random() < 0.8) if past and plan["report"] and state == "going" else None,
                "promoted_at": None,
            }
        )
    return going, waiting


QUESTION_STATES = ["pending", "approved", "answered", "hidden", "merged", "hall"]
QUESTION_WEIGHTS = [10, 53, 20, 8, 5, 4]


def load_dialogue(world: World) -> None:
    """Add one live session with its questions, votes and log; counts and version follow from them."""
    rng, bulk, sizes = world.rng, world.bulk, world.sizes
    session_id = bulk.next_id(DialogueSession.__table__)
    moderator = world.moderators[0]
    opened = world.now - HOUR
    districts = [place for place in world.places if place.kind == "district"] or world.places
    place = rng.choice(districts)
    states = rng.choices(QUESTION_STATES, weights=QUESTION_WEIGHTS, k=sizes["questions"])
    questions, log = [], [_log(world, session_id, None, moderator, "open", "", opened)]
    for state in sorted(states, key=lambda s: s == "merged"):  # merged ones point at questions made before them
        questions.append(_question(world, session_id, moderator, place, state, opened, questions, log))
    votable = [q for q in questions if q["state"] in ("approved", "hall", "answered", "merged")]
    votes = []
    for question, count in zip(votable, spread(rng, sizes["votes"], len(votable), cap=30.0), strict=True):
        start = question["approved_at"]
        voters = world.residents_at(world.now, count)
        question["vote_count"] = len(voters)
        votes += [
            {
                "id": bulk.next_id(QuestionVote.__table__),
                "question_id": question["id"],
                "user_id": world.user_id(n),
                "created_at": moment(world.between(start.timestamp(), world.now)),
            }
            for n in voters
        ]
    current = next((q for q in questions if q["state"] == "approved"), None)
    if current is not None:
        log.append(_log(world, session_id, current["id"], moderator, "current", "", world.now))
    tally = {state: sum(1 for q in questions if q["state"] == state) for state in QUESTION_STATES}
    bulk.insert(
        DialogueSession.__table__,
        [
            {
                "id": session_id,
                "title": f"{place.kk}: жол, су және мектеп — ашық диалог",
                "topic": "Жергілікті мәселелер / Местные вопросы",
                "description": "Депутаттар тұрғындардың сұрақтарына тікелей жауап береді.",
                "scheduled_at": moment(opened),
                "locality_id": place.id,
                "event_id": None,
                "moderator_id": moderator,
                "state": "live",
                "premoderation": True,
                "opened_at": moment(opened),
                "closed_at": None,
                "summary": "",
                "current_question_id": None,
                # one for the session, one per question asked, vote given and moderator's step but typing a
                # question in from the hall (which the question's own one covers)
                "version": 1 + len(questions) + len(votes) + sum(1 for e in log if e["step"] != "ask_for"),
                "pending_count": tally["pending"],
                "open_count": tally["approved"] + tally["hall"],
                "answered_count": tally["answered"],
                "hidden_count": tally["hidden"],
                "created_at": moment(opened - 7 * DAY),
            }
        ],
    )
    deputies = rng.sample(world.deputies, min(3, len(world.deputies)))
    bulk.insert(dialogue_deputies, [{"session_id": session_id, "deputy_id": d["id"]} for d in deputies])
    for question in questions:
        question["state"] = "approved" if question["state"] == "hall" else question["state"]
    bulk.insert(Question.__table__, questions)
    bulk.insert(QuestionVote.__table__, votes)
    bulk.insert(SessionLogEntry.__table__, log)
    if current is not None:
        bulk.connection.execute(
            DialogueSession.__table__.update()
            .where(DialogueSession.__table__.c.id == session_id)
            .values(current_question_id=current["id"])
        )
    bulk.say(f"dialogue: a live session with {len(questions):,} questions and {len(votes):,} votes")


def _question(world, session_id, moderator, place, state, opened, earlier, log) -> dict:
    """One question's row in its final state; the moderator's steps on it go to `log`."""
    rng, bulk = world.rng, world.bulk
    question_id = bulk.next_id(Question.__table__)
    asked = world.between(opened - 6 * DAY, world.now)
    hall = state == "hall"
    number = world.resident_at(asked)
    russian = rng.random() < 0.2
    body = world.texts.question(place.kk, russian)[:300]
    approved = None if state == "pending" else min(asked + rng.random() * HOUR, world.now)
    if hall:
        log.append(_log(world, session_id, question_id, moderator, "ask_for", "", asked))
    elif approved is not None:
        log.append(_log(world, session_id, question_id, moderator, "approve", "", approved))
    done = world.between(approved, world.now) if approved else None
    row = {
        "id": question_id,
        "session_id": session_id,
        "author_id": None if hall else world.user_id(number),
        "entered_by_id": moderator if hall else None,
        "speaker_name": world.texts.person(False) if hall and rng.random() < 0.7 else "",
        "anonymous": rng.random() < 0.1,
        "body": body,
        "lang": "ru" if russian else "kk",
        "original_body": "",
        "edited_at": None,
        "edited_by_id": None,
        "state": state,
        "vote_count": 0,
        "answer_note": "",
        "answered_at": None,
        "merged_into_id": None,
        "pledge_id": None,
        "thread_id": None,
        "submission_key": f"large-q{question_id}",
        "created_at": moment(asked),
        "approved_at": moment(approved) if approved else None,
        "hidden_at": None,
        "hidden_reason": "",
        "hidden_by_id": None,
    }
    row["anonymous"] = row["anonymous"] or (hall and not row["speaker_name"])
    if state == "answered":
        row.update(answer_note=world.texts.official()[:1000], answered_at=moment(done))
        log.append(_log(world, session_id, question_id, moderator, "answer", row["answer_note"], done))
    elif state == "hidden":
        reason = rng.choice(W.HIDE_REASONS)
        row.update(hidden_at=moment(done), hidden_reason=reason, hidden_by_id=moderator)
        log.append(_log(world, session_id, question_id, moderator, "hide", reason, done))
    elif state == "merged":
        targets = [q for q in earlier if q["state"] in ("approved", "hall")]
        if targets:
            row["merged_into_id"] = rng.choice(targets)["id"]
            log.append(_log(world, session_id, question_id, moderator, "merge", f"#{row['merged_into_id']}", done))
        else:
            row["state"] = "approved"
    return row


def _log(world: World, session_id, question_id, actor, step: str, note: str, at: float) -> dict:
    return {
        "id": world.bulk.next_id(SessionLogEntry.__table__),
        "session_id": session_id,
        "question_id": question_id,
        "actor_id": actor,
        "step": step,
        "note": note[:1000],
        "at": moment(at),
    }
