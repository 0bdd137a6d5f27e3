"""Places and people for the thread tests."""
import pytest

from community.extensions import db
from community.places.models import Locality
from tests.factories import create_thread, create_user


@pytest.fixture
def village(region):
    return db.session.scalar(db.select(Locality).filter_by(slug="shamalgan"))


@pytest.fixture
def other_resident():
    return create_user("resident", name="Бауыржан")


@pytest.fixture
def thread(resident, village, deputy):
    return create_thread(resident, village, addressed_to_id=deputy.id)
