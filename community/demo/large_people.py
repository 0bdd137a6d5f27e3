"""The large data set's places and people: more villages in the region's districts, the residents who write
everything (spread over the localities, joined one after another over two years, one shared password hash,
confirmed), moderators, and the deputies with their constituencies, a third of them linked to accounts."""

from flask import current_app
from werkzeug.security import generate_password_hash

from community.accounts.models import User
from community.core.text import slugify
from community.demo import large_words as W
from community.demo.deputies import AK_ZHOL, AMANAT, AUYL, NSDP, PEOPLES_PARTY, RESPUBLICA
from community.demo.large_bulk import DAY, Place, World, moment
from community.demo.large_texts import locative, short_name, short_name_ru
from community.places.models import Locality, LocalityKind
from community.places.names import english_name
from community.pledges.models import Deputy, deputy_localities
from community.pledges.services import search_name

DOMAIN = "large.example.kz"  # every generated account's address ends so; how a second run knows the first
PASSWORD = "Resident-Halyk-2026"  # noqa: S105 - the demo's published password, for every generated account
PLACE_WEIGHTS = {"city": 6.0, "village": 2.0, "district": 1.0, "rural_district": 0.5, "region": 0.0}
# Each party's (Kazakh, Russian, English) names, as often as deputies of the region belong to it.
PARTIES = [AMANAT, AMANAT, AMANAT, AK_ZHOL, RESPUBLICA, PEOPLES_PARTY, AUYL, NSDP]
_RU_LETTERS = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")


def load_places(world: World) -> None:
    """Add the generated villages under the districts, then give the world every locality with its weight."""
    rng, bulk = world.rng, world.bulk
    stored = [
        dict(row, kind=LocalityKind(row["kind"]).value)
        for row in bulk.connection.execute(Locality.__table__.select().order_by(Locality.id)).mappings()
    ]
    taken_slugs = {row["slug"] for row in stored}
    taken_names = {short_name(row["name_kk"]) for row in stored}
    districts = [row for row in stored if row["kind"] == "district"]
    names = [first + second for first in W.VILLAGE_FIRST for second in W.VILLAGE_SECOND]
    names = [name for name in names if name not in taken_names]
    rng.shuffle(names)
    rows = []
    for name in names[: world.sizes["villages"]] if districts else []:
        parent = rng.choice(districts)
        slug = slugify(name)
        while slug in taken_slugs:
            slug += "-2"
        taken_slugs.add(slug)
        locality_id = bulk.next_id(Locality.__table__)
        rows.append(
            {
                "id": locality_id,
                "parent_id": parent["id"],
                "kind": "village",
                "slug": slug,
                "name_kk": f"{name} ауылы",
                "name_ru": f"село {name.translate(_RU_LETTERS)}",
                "name_en": english_name(name),
                "path": f"{parent['path']}{locality_id}/",
                "depth": parent["depth"] + 1,
            }
        )
    bulk.insert(Locality.__table__, rows)
    places, weights = [], []
    for row, generated in [(row, False) for row in stored] + [(row, True) for row in rows]:
        places.append(
            Place(
                row["id"],
                short_name(row["name_kk"]),
                short_name_ru(row["name_ru"]),
                locative(row["name_kk"]),
                row["kind"],
                row["path"],
                row["depth"],
            )
        )
        weights.append(PLACE_WEIGHTS.get(row["kind"], 1.0) * (0.5 if generated else 1.0))
    world.set_places(places, weights)
    bulk.say(f"localities: {len(rows):,} villages added")


def _user(world: World, user_id: int, name: str, role: str, place: Place, locale: str, joined: float) -> dict:
    at = moment(joined)
    return {
        "id": user_id,
        "email": f"{slugify(name, 40)}.{user_id}@{DOMAIN}",
        "display_name": name[:80],
        "password_hash": world.password_hash,
        "role": role,
        "locality_id": place.id,
        "locale": locale,
        "bio": f"{place.kk} тұрғынымын." if world.rng.random() < 0.2 else "",
        "disabled_at": None,
        "suspended_until": None,
        "password_changed_at": at,
        "email_confirmed_at": at,
        "created_at": at,
        "updated_at": at,
    }


def load_users(world: World) -> None:
    """Add the moderators and the residents; residents get consecutive ids in the order they joined."""
    rng, bulk, sizes = world.rng, world.bulk, world.sizes
    world.password_hash = generate_password_hash(PASSWORD, method=current_app.config["PASSWORD_HASH_METHOD"])
    table = User.__table__
    world.joined_from, world.joined_until = world.start - 30 * DAY, world.now - DAY
    rows = []
    for _ in range(sizes["moderators"]):
        user_id = bulk.next_id(table)
        name = world.texts.person(False)
        rows.append(_user(world, user_id, name, "moderator", world.place(), "kk", world.joined_from))
        world.moderators.append(user_id)
    world.residents = sizes["residents"]
    for number in range(world.residents):
        user_id = bulk.next_id(table)
        if number == 0:
            world.first_resident = user_id
        roll = rng.random()
        locale = "kk" if roll < 0.65 else "ru" if roll < 0.95 else "en"
        world.russian.append(locale == "ru")
        home = world.place()
        world.homes.append(home)
        name = world.texts.person(locale == "ru")
        rows.append(_user(world, user_id, name, "resident", home, locale, world.joined(number)))
    bulk.insert(table, rows)
    bulk.say(f"users: {len(rows):,} (password {PASSWORD} for each)")


def load_deputies(world: World) -> None:
    """Add the deputies with their constituencies' localities, the first ones linked to deputy accounts."""
    rng, bulk, sizes = world.rng, world.bulk, world.sizes
    districts = [place for place in world.places if place.kind == "district"] or world.places
    users, deputies, links = [], [], []
    for number in range(sizes["deputies"]):
        roll = rng.random()
        council = "mazhilis" if roll < 0.03 else "region" if roll < 0.23 else "district"
        district = rng.choice(districts)
        inside = [p for p in world.places if p.path.startswith(district.path) and p.id != district.id] or [district]
        places = rng.sample(inside, min(len(inside), rng.randint(1, 3)))
        name = world.texts.person(rng.random() < 0.15)
        user_id = None
        if number < sizes["deputy_accounts"]:
            user_id = bulk.next_id(User.__table__)
            users.append(_user(world, user_id, name, "deputy", places[0], "kk", world.joined_from))
            world.deputy_users.append(user_id)
        deputy_id = bulk.next_id(Deputy.__table__)
        deputies.append(
            {
                "id": deputy_id,
                "name": name,
                "council": council,
                "district_id": district.id,
                "constituency": f"№{rng.randint(1, 40)} {district.kk} сайлау округі",
                **dict(zip(("party_kk", "party_ru", "party_en"), rng.choice(PARTIES), strict=True)),
                "term_start": 2023,
                "term_end": 2028,
                "biography": world.texts.biography(),
                "reception_hours": f"Әр айдың {rng.choice(['бірінші', 'екінші', 'соңғы'])} сәрсенбісі, 10:00–13:00",
                "reception_place": f"{places[0].kk} әкімдігі, {rng.randint(101, 320)}-кабинет",
                "user_id": user_id,
                "search_name": search_name(name),
            }
        )
        links += [{"deputy_id": deputy_id, "locality_id": place.id} for place in places]
        world.deputies.append({"id": deputy_id, "user_id": user_id, "places": places})
    bulk.insert(User.__table__, users)
    bulk.insert(Deputy.__table__, deputies)
    bulk.insert(deputy_localities, links)
    bulk.say(f"deputies: {len(deputies):,}, {len(users):,} of them with accounts")
