"""Pledge tracker pages: directory, scorecard, list and exports, a pledge's page, updates, checks and disputes."""

import csv
import io
from datetime import date

import pytest

from community.extensions import db
from community.pledges.models import Council, Pledge, PledgeStatus, PledgeUpdate, UpdateCheck, UpdateReaction
from community.pledges.scorecards import scorecard
from tests.factories import create_deputy, create_pledge, create_user

HTMX = {"HX-Request": "true"}
S = PledgeStatus
LINK = ["https://almobl.gov.kz/news/1"]


def set_status(pledge, author, status, key):
    pledge.record_update(author, status, 100 if status is S.FULFILLED else 50, "Жаңалық бар.", LINK, key)
    db.session.commit()


def test_the_directory_filters_by_council_and_name(client, deputy_profile):
    create_deputy("Сергей Ким", council=Council.DISTRICT, party_kk="Respublica")
    html = client.get("/deputies/?council=district").get_data(as_text=True)
    assert "Сергей Ким" in html and deputy_profile.name not in html
    assert "Гүлнар" in client.get("/deputies/?q=гүлнар").get_data(as_text=True)
    assert "Сергей Ким" in client.get("/deputies/?party=Respublica", headers=HTMX).get_data(as_text=True)


def test_the_scorecard_arithmetic(deputy_profile, village, deputy):
    statuses = [S.FULFILLED, S.FULFILLED, S.PARTIAL, S.BROKEN, S.IN_PROGRESS]
    for number, status in enumerate(statuses):
        set_status(create_pledge(deputy_profile, village, title=f"Уәде нөмірі {number}"), deputy, status, f"s{number}")
    create_pledge(deputy_profile, village, title="Бағаланбаған уәде", due_on=date(2024, 1, 1))
    card = scorecard(deputy_profile)
    assert card["total"] == 6 and card["rated"] == 5
    assert card["rate"] == 50  # (2 + 0.5) / 5
    assert card["recent"] == 5 and card["overdue"] == 1
    assert card["by_status"][S.NOT_RATED] == 1


def test_the_deputy_page_shows_the_chart_and_the_figures_as_text(client, pledge, deputy_profile):
    html = client.get(f"/deputies/{deputy_profile.id}?lang=en").get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html and "Pledges by status" in html
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Fulfilment rate =" in html and pledge.title in html


def test_the_list_filters_and_sorts(client, pledge, deputy_profile, village, deputy):
    late = create_pledge(deputy_profile, village, title="Мерзімі өткен уәде", due_on=date(2024, 5, 1))
    assert late.title in client.get("/pledges/?overdue=1").get_data(as_text=True)
    assert pledge.title not in client.get("/pledges/?overdue=1").get_data(as_text=True)
    set_status(pledge, deputy, S.IN_PROGRESS, "x")
    html = client.get("/pledges/?status=in_progress").get_data(as_text=True)
    assert pledge.title in html and late.title not in html
    fragment = client.get("/pledges/?status=in_progress", headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="pledge-results"' in fragment


def test_exports_parse_and_agree_with_the_list(client, pledge, deputy_profile, village):
    create_pledge(deputy_profile, village, title="Екінші уәде, жолдар", due_on=date(2024, 5, 1))
    rows = list(csv.DictReader(io.StringIO(client.get("/pledges.csv").get_data(as_text=True))))
    data = client.get("/pledges.json").get_json()
    assert len(rows) == len(data) == 2
    assert set(rows[0]) == set(data[0]) >= {"id", "title", "deputy", "status", "progress", "due_on", "last_update"}
    assert {row["title"] for row in rows} == {item["title"] for item in data}
    overdue = client.get("/pledges.json?overdue=1").get_json()
    assert [item["title"] for item in overdue] == ["Екінші уәде, жолдар"] and overdue[0]["overdue"] is True
    assert "Екінші уәде" in client.get("/pledges/?overdue=1").get_data(as_text=True)
    feed = client.get("/pledges.atom")
    assert feed.mimetype == "application/atom+xml"


def test_the_deputy_updates_with_htmx_and_the_tracker_changes_in_place(client, pledge, deputy, login_as):
    login_as(deputy)
    response = client.submit(
        f"/pledges/{pledge.id}/updates?lang=en",
        {
            "status": "fulfilled",
            "progress": "100",
            "note": "Су мұнарасы іске қосылды.",
            "evidence": "https://almobl.gov.kz/news/42",
            "submission_key": "u1",
        },
        headers=HTMX,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="tracker"' in html
    assert "Fulfilled" in html and "Су мұнарасы іске қосылды." in html and "https://almobl.gov.kz/news/42" in html
    entry = db.session.scalar(db.select(PledgeUpdate))
    assert entry.on_behalf is False


def test_a_plain_update_redirects_to_the_timeline(client, pledge, deputy, login_as):
    login_as(deputy)
    response = client.submit(
        f"/pledges/{pledge.id}/updates",
        {"status": "in_progress", "progress": "20", "note": "Жұмыс басталды бүгін.", "submission_key": "u2"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("#timeline")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"status": "fulfilled", "progress": "100", "note": "Бітті деп есептейміз."}, "at least one evidence link"),
        ({"status": "in_progress", "progress": "140", "note": "Жұмыс жүріп жатыр."}, "From 0 to 100"),
        ({"status": "in_progress", "progress": "20", "note": ""}, "This field is required"),
        (
            {
                "status": "in_progress",
                "progress": "20",
                "note": "Сілтеме дұрыс емес.",
                "evidence": "javascript:alert(1)",
            },
            "web address",
        ),
    ],
)
def test_bad_updates_are_refused_with_a_message(client, pledge, deputy, login_as, data, message):
    login_as(deputy)
    response = client.submit(f"/pledges/{pledge.id}/updates?lang=en", {**data, "submission_key": "bad"}, headers=HTMX)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(PledgeUpdate.id))) == 0


def test_a_repeated_submission_appends_once(client, pledge, deputy, login_as):
    login_as(deputy)
    form = {"status": "in_progress", "progress": "20", "note": "Жұмыс басталды бүгін.", "submission_key": "same"}
    for _ in range(3):
        client.submit(f"/pledges/{pledge.id}/updates", form)
    assert db.session.scalar(db.select(db.func.count(PledgeUpdate.id))) == 1


def test_moderators_update_on_behalf_and_check(app, pledge, moderator, login_as):
    client = login_as(moderator, with_client=app.test_client())
    client.submit(
        f"/pledges/{pledge.id}/updates",
        {"status": "in_progress", "progress": "20", "note": "Депутаттың өтініші бойынша.", "submission_key": "m1"},
    )
    assert db.session.scalar(db.select(PledgeUpdate)).on_behalf is True
    client.submit(f"/pledges/{pledge.id}/check", {"verified": "y", "note": "Әкімдік растады."})
    check = db.session.scalar(db.select(UpdateCheck))
    assert check.verified and check.note == "Әкімдік растады."
    html = app.test_client().get(f"/pledges/{pledge.id}?lang=en").get_data(as_text=True)
    assert "Verified by a moderator" in html and "on behalf of the deputy" in html


def test_residents_confirm_or_dispute_once_with_a_reason(app, pledge, deputy, resident, login_as):
    set_status(pledge, deputy, S.IN_PROGRESS, "r")
    client = login_as(resident, with_client=app.test_client())
    assert client.submit(f"/pledges/{pledge.id}/dispute", {"reason": ""}, headers=HTMX).status_code == 422
    response = client.submit(f"/pledges/{pledge.id}/dispute?lang=en", {"reason": "Жұмыс жүрмей тұр."}, headers=HTMX)
    assert response.status_code == 200 and "0 confirm, 1 dispute" in response.get_data(as_text=True)
    client.submit(f"/pledges/{pledge.id}/confirm")
    assert db.session.scalar(db.select(db.func.count(UpdateReaction.id))) == 1
    other = login_as(create_user("resident"), with_client=app.test_client())
    other.submit(f"/pledges/{pledge.id}/confirm")
    html = app.test_client().get(f"/pledges/{pledge.id}?lang=en").get_data(as_text=True)
    assert "1 confirm, 1 dispute" in html and "Жұмыс жүрмей тұр." in html


def test_adding_a_pledge(client, deputy_profile, deputy, village, login_as):
    login_as(deputy)
    response = client.submit(
        f"/deputies/{deputy_profile.id}/pledges/new",
        {
            "title": "Ауылға спорт алаңы",
            "text": "Мектеп жанынан жасанды жабынды алаң саламыз.",
            "source_description": "Сайлаушылармен кездесу",
            "source_url": "https://example.kz/meeting",
            "made_on": "2023-02-01",
            "locality": str(village.id),
            "category": "sports",
            "submission_key": "n1",
        },
    )
    assert response.status_code == 303
    assert db.session.scalar(db.select(Pledge)).source_description == "Сайлаушылармен кездесу"
    bad = client.submit(
        f"/deputies/{deputy_profile.id}/pledges/new?lang=en",
        {
            "title": "Ауылға спорт алаңы",
            "text": "Мектеп жанынан жасанды жабынды алаң саламыз.",
            "source_description": "Кездесу",
            "source_url": "javascript://x.kz/%0aalert(1)",
            "made_on": "2023-02-01",
            "locality": str(village.id),
            "category": "sports",
            "submission_key": "n2",
        },
    )
    assert bad.status_code == 422 and "web address" in bad.get_data(as_text=True)


def test_each_pledge_has_a_discussion_to_comment_on_and_follow(app, client, pledge, resident, login_as):
    from community.threads.models import Thread

    discussion = db.session.scalar(db.select(Thread).filter_by(pledge_id=pledge.id))
    assert discussion is not None and discussion.title == pledge.title
    assert pledge.title not in client.get("/threads/").get_data(as_text=True)  # not a local issue
    html = client.get(f"/pledges/{pledge.id}?lang=en").get_data(as_text=True)
    assert f"/threads/{discussion.id}-" in html and "Discuss: 0 comments" in html
    login_as(resident)
    response = client.submit(f"/threads/{discussion.id}/follow", {"next": f"/pledges/{pledge.id}"})
    assert response.headers["Location"] == f"/pledges/{pledge.id}"
    fragment = client.submit(f"/threads/{discussion.id}/unfollow", {"next": f"/pledges/{pledge.id}"}, headers=HTMX)
    assert 'aria-pressed="false"' in fragment.get_data(as_text=True)
    client.submit(f"/threads/{discussion.id}/comments", {"body": "Бұл уәде маңызды.", "submission_key": "d1"})
    assert "Discuss: 1 comment" in client.get(f"/pledges/{pledge.id}?lang=en").get_data(as_text=True)
    assert "discussion of a pledge" in client.get(f"/threads/{discussion.id}?lang=en").get_data(as_text=True)


def test_csv_cells_never_start_a_formula(client, deputy_profile, village):
    create_pledge(deputy_profile, village, title='=HYPERLINK("http://evil.example")')
    rows = list(csv.DictReader(io.StringIO(client.get("/pledges.csv").get_data(as_text=True))))
    assert rows[0]["title"].startswith("'=")
