"""Appeals under a burst, through four gunicorn workers on SQLite and on PostgreSQL alike: one appeal form sent many
times at once (a double click, two tabs) makes one appeal with one "sent" entry; residents pressing "me too" on the
same appeal at once, one of them five times, are each counted once."""

import re

import pytest
from werkzeug.security import generate_password_hash

from community.accounts.models import User
from community.appeals.models import Appeal, AppealEntry, AppealFollow, AppealSupport, EntryKind
from community.core.db import utcnow
from community.extensions import db
from community.pledges.models import Deputy
from tests.concurrency import post_at_once
from tests.factories import create_appeal
from tests.server import running_site
from tests.test_processes import Browser

PASSWORD = "Otinish-Zhauap-2026"
SUBJECT = "Мектеп жанындағы жолда бағдаршам жоқ"


def residents(count: int, prefix: str = "neighbour") -> list[str]:
    """Committed residents quick to sign in (a cheap password hash); their e-mail addresses."""
    password_hash = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
    emails = [f"{prefix}{n}@example.kz" for n in range(count)]
    db.session.add_all(
        User(email=email, display_name=f"Тұрғын {n}", password_hash=password_hash, email_confirmed_at=utcnow())
        for n, email in enumerate(emails)
    )
    db.session.commit()
    return emails


def signed_in(base: str, email: str) -> Browser:
    browser = Browser(base)
    status, page = browser.post("/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, page
    return browser


@pytest.fixture
def served(app, tmp_path):
    """The site in four worker processes over the tests' own database; the test holds no transaction (and on
    SQLite no lock) while it serves."""

    def serve():
        db.session.close()
        return running_site(
            tmp_path, workers=4, env={"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}, demo=False
        )

    return serve


def test_one_appeal_form_sent_eight_times_at_once_makes_one_appeal(served, deputy_profile, village):
    (author,) = residents(1, "author")
    deputy_id, village_id = deputy_profile.id, village.id
    with served() as base:
        tab, other_tab = signed_in(base, author), signed_in(base, author)
        _, form = tab.get(f"/appeals/new?deputy={deputy_id}")
        key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', form)[1]
        data = {
            "deputy": str(deputy_id),
            "subject": SUBJECT,
            "body": "Балалар күн сайын жолды бағдаршамсыз кесіп өтеді, бір апат болып қалды.",
            "category": "roads",
            "locality": str(village_id),
            "public": "private",
            "submission_key": key,
        }
        answers = post_at_once([tab] * 4 + [other_tab] * 4, "/appeals/new?lang=en", data)
    assert [status for status, _ in answers] == [200] * 8  # every one followed the 303 to the appeal
    assert all(SUBJECT in page for _, page in answers)
    db.session.expire_all()
    (appeal,) = db.session.scalars(db.select(Appeal)).all()
    entries = db.session.scalars(db.select(AppealEntry.kind).where(AppealEntry.appeal_id == appeal.id)).all()
    assert entries == [EntryKind.SENT]
    assert db.session.scalar(db.select(db.func.count()).select_from(AppealFollow)) == 1
    assert db.session.get(Deputy, deputy_id).inbox_version == 1  # the inbox moved once


def test_residents_pressing_me_too_at_once_are_each_counted_once(served, resident, deputy_profile, village):
    appeal_id = create_appeal(resident, deputy_profile, village, public=True).id
    emails = residents(11)
    with served() as base:
        browsers = [signed_in(base, email) for email in emails]
        keen = browsers.pop()  # presses five times at once, with the ten others
        answers = post_at_once(browsers + [keen] * 5, f"/appeals/{appeal_id}/support")
    assert [status for status, _ in answers] == [200] * 15
    db.session.expire_all()
    supporters = db.session.scalars(db.select(AppealSupport.user_id).filter_by(appeal_id=appeal_id)).all()
    assert len(supporters) == len(set(supporters)) == 11
    assert db.session.get(Appeal, appeal_id).support_count == 11
