"""Who represents a place: the deputies whose constituency covers it or a place above it, and the district council's
deputies of its district, by council (district, region, Mazhilis); where a resident writes an appeal, on the place's
page and on their own profile. A deputy without an account is named, with the words that they cannot receive
appeals, and cannot be chosen."""

import re

import pytest

from community.appeals.queries import representatives
from community.extensions import db
from community.places.models import Locality
from community.pledges.models import Council
from tests.factories import create_deputy, create_locality, create_user

NOT_ON_SITE = "not on the site yet: cannot receive appeals"


@pytest.fixture
def places(region, village):
    """Almaty region → Karasai district → Shamalgan, and Talgar district → Talgar beside it."""
    talgar_district = create_locality("talgar-district", "district", "Талғар ауданы", "Талгарский район", parent=region)
    talgar = create_locality("talgar", "city", "Талғар", "Талгар", parent=talgar_district)
    db.session.commit()
    karasai = db.session.scalar(db.select(Locality).filter_by(slug="karasai-district"))
    return {
        "region": region,
        "karasai": karasai,
        "shamalgan": village,
        "talgar district": talgar_district,
        "talgar": talgar,
    }


@pytest.fixture
def seats(places):
    """Deputies of every council, some covering Shamalgan, some not; the names sort alike on both databases."""
    district, council = places["karasai"], Council
    return {
        # The district council's deputy of Karasai district, by their seat alone, with no account.
        "Алия Жанова": create_deputy("Алия Жанова", council=council.DISTRICT, district_id=district.id),
        # By their seat and their constituency: listed once.
        "Болат Серов": create_deputy(
            "Болат Серов",
            user=create_user("deputy"),
            council=council.DISTRICT,
            district_id=district.id,
            localities=[places["shamalgan"]],
        ),
        "Виктор Ли": create_deputy(
            "Виктор Ли", user=create_user("deputy"), council=council.REGION, localities=[district]
        ),
        "Галым Оспанов": create_deputy("Галым Оспанов", council=council.REGION, localities=[places["shamalgan"]]),
        "Дина Ахметова": create_deputy(
            "Дина Ахметова", user=create_user("deputy"), council=council.MAZHILIS, localities=[places["region"]]
        ),
        # Elsewhere, or sitting for the district in another council: never Shamalgan's.
        "Елена Ким": create_deputy("Елена Ким", council=council.REGION, localities=[places["talgar district"]]),
        "Жанар Бекова": create_deputy(
            "Жанар Бекова", council=council.DISTRICT, district_id=places["talgar district"].id
        ),
        "Зарина Исаева": create_deputy(
            "Зарина Исаева", user=create_user("deputy"), council=council.MAZHILIS, district_id=district.id
        ),
    }


def names(found: dict) -> dict[Council, list[str]]:
    return {council: [person.name for person in people] for council, people in found.items()}


def test_a_village_is_represented_by_the_councils_above_it_in_order(places, seats):
    found = names(representatives(places["shamalgan"]))
    assert list(found) == [Council.DISTRICT, Council.REGION, Council.MAZHILIS]
    assert found == {
        Council.DISTRICT: ["Алия Жанова", "Болат Серов"],
        Council.REGION: ["Виктор Ли", "Галым Оспанов"],
        Council.MAZHILIS: ["Дина Ахметова"],
    }


@pytest.mark.parametrize(
    "place, expected",
    [
        (
            "karasai",  # the village's deputy does not represent the whole district
            {Council.DISTRICT: ["Алия Жанова", "Болат Серов"], Council.REGION: ["Виктор Ли"]}
            | {Council.MAZHILIS: ["Дина Ахметова"]},
        ),
        ("region", {Council.MAZHILIS: ["Дина Ахметова"]}),
        (
            "talgar",
            {Council.DISTRICT: ["Жанар Бекова"], Council.REGION: ["Елена Ким"], Council.MAZHILIS: ["Дина Ахметова"]},
        ),
    ],
)
def test_only_places_above_count_not_places_below(places, seats, place, expected):
    found = names(representatives(places[place]))
    assert found == expected and list(found) == list(expected)


def test_nobody_represents_no_place(seats):
    assert representatives(None) == {}


def panel(page: str) -> dict[str, str]:
    """The representatives panel's lines by deputy name, as a reader sees them."""
    section = re.search(r'<section class="card representatives".*?</section>', page, re.S)
    assert section, "no representatives panel"
    lines = re.findall(r"<li>(.*?)</li>", section[0], re.S)
    return {
        re.search(r">([^<]+)</a>", line)[1]: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip() for line in lines
    }


def deputy_choices(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="deputy".*?</select>', page, re.S)[0]
    return [name for name in re.findall(r"<option[^>]*>([^<]*)</option>", select) if not name.startswith("—")]


SHAMALGAN_PANEL = {
    "Алия Жанова": f"Алия Жанова · {NOT_ON_SITE}",
    "Болат Серов": "Болат Серов · Write an appeal",
    "Виктор Ли": "Виктор Ли · Write an appeal",
    "Галым Оспанов": f"Галым Оспанов · {NOT_ON_SITE}",
    "Дина Ахметова": "Дина Ахметова · Write an appeal",
}


def test_the_appeal_form_names_a_residents_deputies_but_offers_only_those_with_an_account(
    client, login_as, places, seats
):
    resident = create_user("resident", locality_id=places["shamalgan"].id)
    login_as(resident)
    page = client.get("/appeals/new?lang=en").get_data(as_text=True)
    assert "Your deputies" in page
    assert panel(page) == SHAMALGAN_PANEL
    assert f"/appeals/new?deputy={seats['Болат Серов'].id}" in page
    assert f"/appeals/new?deputy={seats['Алия Жанова'].id}" not in page
    choices = deputy_choices(page)
    assert {"Болат Серов", "Виктор Ли", "Дина Ахметова", "Зарина Исаева"} <= set(choices)  # anyone with an account
    assert not {"Алия Жанова", "Галым Оспанов", "Елена Ким", "Жанар Бекова"} & set(choices)


def test_a_place_page_names_who_represents_it(client, places, seats):
    page = client.get("/places/shamalgan?lang=en").get_data(as_text=True)
    assert "Deputies who represent it" in page
    assert panel(page) == SHAMALGAN_PANEL
    talgar = panel(client.get("/places/talgar?lang=en").get_data(as_text=True))
    assert talgar == {
        "Жанар Бекова": f"Жанар Бекова · {NOT_ON_SITE}",
        "Елена Ким": f"Елена Ким · {NOT_ON_SITE}",
        "Дина Ахметова": "Дина Ахметова · Write an appeal",
    }


def test_a_place_nobody_represents_has_no_panel(client, places):
    assert 'class="card representatives"' not in client.get("/places/shamalgan?lang=en").get_data(as_text=True)


def test_a_residents_own_profile_shows_their_deputies_to_them_alone(client, client_as, login_as, places, seats):
    resident = create_user("resident", locality_id=places["shamalgan"].id)
    login_as(resident)
    own = client.get(f"/users/{resident.id}?lang=en").get_data(as_text=True)
    assert "Your deputies" in own and panel(own) == SHAMALGAN_PANEL
    for who in ("visitor", "resident"):
        other = client_as(who).get(f"/users/{resident.id}?lang=en").get_data(as_text=True)
        assert "Your deputies" not in other and "Алия Жанова" not in other


def test_a_resident_without_a_locality_is_told_to_choose_one(client, login_as, places, seats):
    login_as(create_user("resident"))
    page = client.get("/appeals/new?lang=en").get_data(as_text=True)
    assert 'class="card representatives"' not in page
    assert "Choose your locality in your settings to see which deputies represent you." in page
