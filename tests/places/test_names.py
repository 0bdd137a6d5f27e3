"""Place names in each language: Kazakh Cyrillic in Latin letters for the English pages, the English name a
locality is given, migration 0014's copy of the spelling, and every page naming a place in the reader's language."""

import importlib.util
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from community.demo.places import LOCALITIES, load_places
from community.extensions import db
from community.places.models import Locality
from community.places.names import LATIN, english_name, transliterate
from tests.factories import create_deputy, create_locality, create_thread

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0014_languages.py"


def load_migration():
    spec = importlib.util.spec_from_file_location("migration_0014", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def demo_names(node=LOCALITIES):
    """Every Kazakh name of the demo's places."""
    slug, kind, name_kk, name_ru, name_en, children = node
    return [name_kk] + [name for child in children for name in demo_names(child)]


TRANSLITERATED = [
    ("Алматы", "Almaty"),
    ("Қаскелең", "Kaskelen"),
    ("Талғар", "Talgar"),
    ("Есік", "Esik"),
    ("Жаркент", "Zharkent"),
    ("Ұзынағаш", "Uzynagash"),
    ("Шамалған", "Shamalgan"),
    ("Нарынқол", "Narynkol"),
    ("Үшқоңыр", "Ushkonyr"),
    ("Өтеген батыр", "Otegen batyr"),
    ("Райымбек", "Raiymbek"),
    ("Щучинск", "Shchuchinsk"),
    ("Һ", "H"),
    ("Шымкент-2", "Shymkent-2"),
    ("№3 Талғар", "№3 Talgar"),
    ("ЖСДП", "ZHSDP"),
    ("Almaty", "Almaty"),
]

ENGLISH = [
    ("Алматы облысы", "Almaty Region"),
    ("Талғар ауданы", "Talgar District"),
    ("Шамалған ауылдық округі", "Shamalgan Rural District"),
    ("Қаскелең қаласы", "Kaskelen"),
    ("Бақанас ауылы", "Bakanas"),
    ("Боралдай кенті", "Boraldai"),
    ("Қонаев", "Konaev"),
    ("  Талғар   ауданы ", "Talgar District"),
]


@pytest.mark.parametrize("kazakh, latin", TRANSLITERATED)
def test_kazakh_letters_are_spelled_as_on_the_regions_road_signs(kazakh, latin):
    assert transliterate(kazakh) == latin


@pytest.mark.parametrize("kazakh, english", ENGLISH)
def test_an_english_name_puts_the_administrative_word_in_english(kazakh, english):
    assert english_name(kazakh) == english


def test_the_migration_spells_as_the_app_does_today():
    migration = load_migration()
    names = [kazakh for kazakh, _ in TRANSLITERATED + ENGLISH] + demo_names()
    assert [migration.english_name(name) for name in names] == [english_name(name) for name in names]
    assert migration.LATIN == LATIN


def test_a_new_locality_gets_its_english_name_from_the_kazakh_one(region):
    assert region.name_en == "Almaty Region"
    named = create_locality("esik", "city", "Есік қаласы", "город Есик", parent=region)
    assert named.name_en == "Esik"


@pytest.mark.parametrize(
    "lang, shown, other, absent",
    [
        ("en", ["Almaty Region", "<h1>Karasai District</h1>", "Shamalgan"], "kk", ["Карасайский", "Шамалған"]),
        ("kk", ["Алматы облысы", "<h1>Қарасай ауданы</h1>", "Шамалған ауылы"], "ru", ["Karasai", "Shamalgan<"]),
        ("ru", ["Алматинская область", "<h1>Карасайский район</h1>", "село Шамалган"], "kk", ["Karasai", "Шамалған"]),
    ],
)
def test_pages_name_places_in_the_readers_language(client, region, lang, shown, other, absent):
    """The name in the reader's language everywhere, and beside the heading the name in the region's other
    language: Russian on Kazakh pages, the official Kazakh one on the others."""
    html = client.get(f"/places/karasai-district?lang={lang}").get_data(as_text=True)
    assert all(name in html for name in shown), lang
    beside = {"kk": "Қарасай ауданы", "ru": "Карасайский район"}[other]
    assert f'<span lang="{other}">{beside}</span>' in html
    assert not any(name in html for name in absent), lang


def test_the_issue_list_names_the_place_in_latin_letters_in_english(client, resident, village):
    create_thread(resident, village)
    assert "Shamalgan" in client.get("/threads/?lang=en").get_data(as_text=True)
    assert "Шамалған ауылы" in client.get("/threads/?lang=kk").get_data(as_text=True)


def test_the_demo_gives_its_places_their_conventional_english_names(region):
    karasai = db.session.scalar(db.select(Locality).filter_by(slug="karasai-district"))
    karasai.name_en = "Karasay District"  # named by hand: kept
    create_locality("otegen-batyr", "village", "Өтеген батыр кенті", "посёлок Отеген батыр", parent=region)
    db.session.commit()
    by_slug, added = load_places()
    assert added == len(demo_names()) - 4
    assert by_slug["talgar-district"].name_en == "Talgar District"
    assert by_slug["boralday"].name_en == "Boralday"  # not the spelling's "Boraldai"
    assert by_slug["uighur-district"].name_en == "Uygur District"
    assert by_slug["otegen-batyr"].name_en == "Otegen Batyr"  # the migration's spelling, renamed
    assert by_slug["karasai-district"].name_en == "Karasay District"


def test_the_migration_names_existing_places_and_keeps_parties_both_ways(app, region):
    create_deputy(party_kk="Ақ жол", party_ru="Ак жол", party_en="Ak Zhol")
    region_id = region.id
    db.session.remove()
    try:
        downgrade(revision="0013")
        columns = {column["name"] for column in inspect(db.engine).get_columns("deputies")}
        assert "party" in columns and "party_kk" not in columns
        assert "name_en" not in {column["name"] for column in inspect(db.engine).get_columns("localities")}
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE localities SET name_kk = 'Талғар ауданы' WHERE id = :id"), {"id": region_id}
            )
            assert connection.execute(text("SELECT party FROM deputies")).scalar() == "Ақ жол"
    finally:
        upgrade()
        db.engine.dispose()  # no connection keeps statements prepared against the old columns
    with db.engine.begin() as connection:
        named = connection.execute(text("SELECT name_en FROM localities WHERE id = :id"), {"id": region_id})
        assert named.scalar() == "Talgar District"
        assert connection.execute(text("SELECT party_kk, party_ru, party_en FROM deputies")).one() == ("Ақ жол", "", "")
        assert connection.execute(text("SELECT lang FROM threads")).all() == []
