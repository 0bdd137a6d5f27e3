"""Every mutating pledge route × every kind of user: refused means the database is unchanged."""

import pytest

from community.extensions import db
from community.pledges.models import Pledge, PledgeStatus, PledgeUpdate, UpdateCheck, UpdateReaction
from tests.factories import create_deputy, create_user

WHO = ["visitor", "resident", "own deputy", "other deputy", "moderator"]
ROUTES = [
    (
        "/pledges/{p}/updates",
        {"status": "in_progress", "progress": "40", "note": "Жұмыс жүріп жатыр.", "submission_key": "a"},
        {"own deputy", "moderator"},
    ),
    (
        "/deputies/{d}/pledges/new",
        {
            "title": "Жаңа уәде атауы",
            "text": "Ауылға жаңа спорт алаңы саламыз.",
            "source_description": "Кездесу",
            "made_on": "2023-02-01",
            "locality": "{l}",
            "category": "sports",
            "submission_key": "b",
        },
        {"own deputy", "moderator"},
    ),
    ("/pledges/{p}/check", {"verified": "y", "note": "Тексерілді."}, {"moderator"}),
    ("/pledges/{p}/confirm", {}, {"resident", "other deputy", "moderator"}),
    ("/pledges/{p}/dispute", {"reason": "Жұмыс жүрмей тұр."}, {"resident", "other deputy", "moderator"}),
]
TABLES = [Pledge, PledgeUpdate, UpdateCheck, UpdateReaction]


def snapshot() -> list:
    db.session.expire_all()
    return [
        {column.name: getattr(row, column.key) for column in model.__table__.columns}
        for model in TABLES
        for row in db.session.scalars(db.select(model))
    ]


@pytest.mark.parametrize("route, data, allowed", ROUTES, ids=[route for route, _, _ in ROUTES])
@pytest.mark.parametrize("who", WHO)
def test_refused_users_change_nothing(
    client_as, pledge, deputy, deputy_profile, resident, moderator, route, data, allowed, who
):
    other_account = create_user("deputy")
    create_deputy("Сергей Ким", user=other_account)
    pledge.record_update(deputy, PledgeStatus.IN_PROGRESS, 10, "Басталды.", [], "first")
    db.session.commit()
    people = {"resident": resident, "own deputy": deputy, "other deputy": other_account, "moderator": moderator}
    client = client_as(people.get(who, "visitor"))
    url = route.format(p=pledge.id, d=deputy_profile.id)
    data = {key: value.format(l=pledge.locality_id) for key, value in data.items()}
    before = snapshot()
    response = client.submit(url, data)
    if who in allowed:
        assert response.status_code in (200, 303), response.status_code
        assert snapshot() != before
    else:
        expected = (302, 303) if who == "visitor" else (403,)
        assert response.status_code in expected
        assert snapshot() == before
