"""The locality tree: descendants are found with one query, and pages show the tree."""

from community.accounts.models import User
from community.extensions import db
from community.places.models import Locality
from community.places.services import within
from tests.factories import create_locality, create_user


def test_a_district_includes_its_villages_and_a_village_only_itself(region):
    district = db.session.scalar(db.select(Locality).filter_by(slug="karasai-district"))
    village = db.session.scalar(db.select(Locality).filter_by(slug="shamalgan"))
    other = create_locality("talgar-district", "district", "Талғар ауданы", "Талгарский район", parent=region)
    db.session.commit()
    in_village = create_user(locality_id=village.id)
    in_other = create_user(locality_id=other.id)

    def users_within(locality):
        return set(db.session.scalars(within(db.select(User), User.locality_id, locality)))

    assert users_within(district) == {in_village}
    assert users_within(region) == {in_village, in_other}
    assert users_within(village) == {in_village}
    assert users_within(None) == {in_village, in_other}


def test_paths_and_depths_follow_the_tree(region):
    village = db.session.scalar(db.select(Locality).filter_by(slug="shamalgan"))
    assert village.depth == 2
    assert village.path.startswith(region.path) and village.path.endswith(f"/{village.id}/")


def test_the_tree_page_lists_every_locality_in_the_readers_language(client, region):
    html = client.get("/places/?lang=ru").get_data(as_text=True)
    assert html.index("Алматинская область") < html.index("Карасайский район") < html.index("село Шамалган")


def test_a_locality_page_shows_its_ancestors_and_places(client, region):
    html = client.get("/places/karasai-district").get_data(as_text=True)
    assert "Алматы облысы" in html and "Шамалған ауылы" in html
    assert client.get("/places/nowhere").status_code == 404


def test_the_home_page_is_about_the_visitors_locality(client, region):
    html = client.get("/?place=karasai-district").get_data(as_text=True)
    assert "Қарасай ауданы" in html and "Шамалған ауылы" in html
