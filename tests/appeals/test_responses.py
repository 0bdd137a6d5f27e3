"""How a deputy answers, counted from real data and checked against figures worked out by hand: the appeals of the
last 365 days (private ones counted, never named), the share answered, the median working days, the share overdue
now and the share the answer helped; nothing below five appeals; and the local issues addressed to the deputy's
account with their official answers."""

import re
from datetime import date, datetime, timedelta, timezone

import pytest

from community.appeals.models import Appeal, AppealState
from community.appeals.responses import MIN_APPEALS, response_figures
from community.core.db import utcnow
from community.core.time import local_today
from community.core.workdays import is_working_day, working_days_between
from community.extensions import db
from community.threads.models import Comment, Thread
from tests.factories import create_appeal, create_comment, create_deputy, create_thread, create_user

SECRET = "Құпия: көршімнің үйіндегі дау"
DAY = timedelta(days=1)


def appeal_of(author, deputy, place, state="sent", answer_days=None, due=None, helped=None, days_ago=30, **fields):
    """An appeal sent `days_ago` days ago and brought to a state by hand, with its answer's working days, its
    deadline (`due` days from today: negative is past) and whether the answer helped."""
    appeal = create_appeal(author, deputy, place, **fields)
    appeal.state = AppealState(state)
    appeal.answer_days = answer_days
    appeal.helped = helped
    appeal.created_at = utcnow() - timedelta(days=days_ago)
    appeal.due_on = local_today() + timedelta(days=10 if due is None else due)
    db.session.commit()
    return appeal


def figures_of(deputy, with_issues=False):
    db.session.expire_all()
    return response_figures([deputy.id], with_issues=with_issues)[deputy.id]


def text_of(html: str) -> str:
    """What a reader sees: the tags dropped, the spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def response_card(client, deputy) -> str:
    page = client.get(f"/deputies/{deputy.id}?lang=en").get_data(as_text=True)
    return re.search(r'<section class="card scorecard" aria-labelledby="responses-heading">.*?</section>', page, re.S)[
        0
    ]


def card_figures(card: str) -> dict[str, str]:
    return {name: text_of(value) for name, value in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", card, re.S)}


def summary_line(client, deputy) -> str:
    """The one line on /deputies/ about how the deputy answers, or "" when there is none."""
    page = client.get("/deputies/?lang=en").get_data(as_text=True)
    card = re.search(rf'<li class="deputy-card">(?:(?!</li>).)*?/deputies/{deputy.id}".*?</li>', page, re.S)[0]
    lines = re.findall(r'<p class="meta deputy-figures">(.*?)</p>', card, re.S)
    return next((text_of(line) for line in lines if "appeal" in line), "")


@pytest.fixture
def answering(resident, deputy_profile, village):
    """Eight appeals to the deputy in the last year and two older ones, worked out by hand:
    received 8; answered 4 (in 2, 4, 9 and 5 working days: median 4.5); overdue now 2 (a sent and a received one
    past their day; the one waiting for its author, the answered ones and the one due today are not); 3 authors
    said whether the answer helped, 2 that it did."""
    author = resident
    appeal_of(author, deputy_profile, village, "answered", answer_days=2, due=-20)
    appeal_of(author, deputy_profile, village, "closed", answer_days=4, helped=True, due=-20)
    appeal_of(author, deputy_profile, village, "closed", answer_days=9, helped=False, due=-40)
    appeal_of(author, deputy_profile, village, "closed", answer_days=5, helped=True, due=-300, days_ago=364)
    appeal_of(author, deputy_profile, village, "sent", due=-1, subject=SECRET)  # private, overdue
    appeal_of(author, deputy_profile, village, "received", due=-3)  # overdue
    appeal_of(author, deputy_profile, village, "waiting", due=-3)  # the clock is stopped: not overdue
    appeal_of(author, deputy_profile, village, "sent", due=0, public=True)  # due today: not overdue yet
    # Sent more than a year ago: outside the period, whatever they say.
    appeal_of(author, deputy_profile, village, "closed", answer_days=30, helped=False, due=-360, days_ago=366)
    appeal_of(author, deputy_profile, village, "sent", due=-400, days_ago=500)
    # Another deputy's appeals are theirs.
    other = create_deputy("Басқа Депутат", user=create_user("deputy"))
    appeal_of(author, other, village, "closed", answer_days=1, helped=True)
    appeal_of(author, other, village, "sent", due=-5)
    return deputy_profile


def test_the_figures_match_those_worked_out_by_hand(answering):
    figures = figures_of(answering)
    assert (figures.received, figures.answered, figures.overdue, figures.said, figures.helped) == (8, 4, 2, 3, 2)
    assert figures.median_days == 4.5  # the middle of 2, 4, 5, 9
    assert (figures.answered_share, figures.overdue_share, figures.helped_share) == (50, 25, 67)
    assert figures.shown


def test_the_median_of_an_odd_count_is_the_middle_answer_and_no_word_on_help_is_a_dash(
    client, resident, deputy_profile, village
):
    for days in (0, 7, 3):  # an answer on the day it was sent counts as answered, in 0 days
        appeal_of(resident, deputy_profile, village, "answered", answer_days=days, due=-2)
    appeal_of(resident, deputy_profile, village, "sent", due=4)
    appeal_of(resident, deputy_profile, village, "received", due=1)
    figures = figures_of(deputy_profile)
    assert (figures.received, figures.answered, figures.median_days, figures.overdue) == (5, 3, 3, 0)
    assert (figures.answered_share, figures.overdue_share, figures.helped_share) == (60, 0, None)
    assert card_figures(response_card(client, deputy_profile)) == {
        "Appeals received": "5",
        "Answered": "60%",
        "Median time to answer": "3 working days",
        "Overdue now": "0%",
        "The answer helped": "—",
    }


def test_the_deputy_page_shows_the_figures_with_their_formulas(client, answering):
    card = response_card(client, answering)
    assert card_figures(card) == {
        "Appeals received": "8",
        "Answered": "50%",
        "Median time to answer": "4.5 working days",
        "Overdue now": "25%",
        "The answer helped": "67%",
    }
    formulas = text_of(card)
    for formula in (
        "Period: appeals sent (and local issues raised) in the last 365 days, private appeals included",
        "Answered = appeals with an answer ÷ appeals received.",
        "the median is the middle value",
        "Overdue now = appeals still without an answer after 15 working days ÷ appeals received.",
        "The answer helped = authors who said it helped ÷ authors who said whether it did.",
        f"Figures are shown from {MIN_APPEALS} appeals on.",
    ):
        assert formula in formulas
    assert "too few to give figures" not in card


def test_the_deputy_list_gives_the_one_line_summary(client, answering):
    assert summary_line(client, answering) == (
        "8 appeals in a year · 50% answered · median 4.5 working days to answer · 25% overdue now"
    )


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_private_appeals_count_but_their_subjects_are_never_shown(client_as, answering, lang):
    for who in ("visitor", "resident", answering.user):
        client = client_as(who)
        for url in ("/deputies/", f"/deputies/{answering.id}"):
            page = client.get(f"{url}?lang={lang}")
            assert page.status_code == 200
            assert SECRET not in page.get_data(as_text=True), (who, url)
    assert figures_of(answering).received == 8  # the private one among them


@pytest.mark.parametrize("count, shown", [(MIN_APPEALS - 1, False), (MIN_APPEALS, True)])
def test_figures_are_given_from_the_fifth_appeal_of_the_year_on(
    client, resident, deputy_profile, village, count, shown
):
    for _ in range(count):
        appeal_of(resident, deputy_profile, village, "answered", answer_days=2, due=-1)
    for _ in range(3):  # older than a year: they do not make up the number
        appeal_of(resident, deputy_profile, village, "answered", answer_days=2, due=-300, days_ago=400)
    figures = figures_of(deputy_profile)
    assert (figures.received, figures.shown) == (count, shown)
    card = text_of(response_card(client, deputy_profile))
    too_few = "Fewer than 5 appeals in the last year: too few to give figures."
    if shown:
        assert too_few not in card and "Appeals received 5" in card
        assert summary_line(client, deputy_profile).startswith("5 appeals in a year · 100% answered")
    else:
        assert too_few in card and "Appeals received" not in card and "% answered" not in card
        assert summary_line(client, deputy_profile) == ""
        assert "Answered = appeals with an answer ÷ appeals received." in card  # how they would be counted


def quiet_fortnight() -> date:
    """A Monday between one and ten months ago that begins two weeks without a public holiday, so working days
    between its dates are plain weekdays, counted by hand."""
    monday = local_today() - timedelta(days=30)
    monday -= timedelta(days=monday.weekday())
    while not all(is_working_day(monday + timedelta(days=n)) for n in range(14) if n % 7 < 5):
        monday -= timedelta(days=7)
    assert (local_today() - monday).days < 300
    return monday


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 6, tzinfo=timezone.utc)  # 11:00 in Almaty, the same day


def issue(author, place, addressed_to, raised: date, answered: date | None = None, by=None, **fields):
    """A local issue raised on a day and, when `answered`, answered officially by `by` on another."""
    thread = create_thread(author, place, addressed_to_id=addressed_to.id, **fields)
    thread.created_at = at(raised)
    if answered is not None:
        create_comment(thread, by or addressed_to, "Жөндеу жұмыстары басталды.", official=True).created_at = at(
            answered
        )
    db.session.commit()
    return thread


def test_local_issues_addressed_to_the_deputy_count_to_their_first_official_answer(
    client, resident, deputy, deputy_profile, village
):
    monday = quiet_fortnight()
    day = {name: monday + timedelta(days=n) for n, name in enumerate(("mon", "tue", "wed", "thu", "fri"))}
    day |= {f"next {name}": when + timedelta(days=7) for name, when in list(day.items())}
    assert working_days_between(day["mon"], day["next mon"]) == 5  # a plain week, holidays none

    issue(resident, village, deputy, day["mon"], day["wed"])  # 2 working days
    issue(resident, village, deputy, day["mon"], day["next mon"])  # 5
    issue(resident, village, deputy, day["fri"], day["next mon"])  # 1: the weekend does not count
    later = issue(resident, village, deputy, day["tue"], day["fri"])  # 3 to the first official answer ...
    create_comment(later, deputy, "Тағы бір ресми жауап.", official=True).created_at = at(day["next thu"])
    issue(resident, village, deputy, day["next mon"], day["next fri"])  # 4
    unanswered = issue(resident, village, deputy, day["next tue"])
    create_comment(unanswered, deputy, "Қарап жатырмын.")  # not official: no answer
    hidden = create_comment(unanswered, deputy, "Жауап.", official=True)
    hidden.hide(None, "spam")  # an official answer a moderator hid is no answer
    db.session.commit()
    # Not theirs, too old, or hidden: not counted.
    issue(resident, village, create_user("deputy"), day["mon"], day["tue"])
    issue(resident, village, deputy, local_today() - timedelta(days=400), local_today() - timedelta(days=399))
    issue(resident, village, deputy, day["mon"], day["tue"]).hide(None, "spam")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Thread)) == 9
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment).where(Comment.official)) == 10

    figures = figures_of(deputy_profile, with_issues=True)
    assert (figures.issues, figures.issues_answered, figures.issues_shown) == (6, 5, True)
    assert figures.issues_answered_share == 83  # 5 of 6
    assert figures.issues_median_days == 3  # the middle of 1, 2, 3, 4, 5
    assert response_figures([deputy_profile.id])[deputy_profile.id].issues == 0  # counted only when asked
    card = text_of(response_card(client, deputy_profile))
    assert (
        "Local issues addressed to them: 6; with an official answer: 83%; "
        "median 3 working days to the official answer." in card
    )
    assert "too few to give figures" in card  # the appeals are another matter: there are none


def test_a_deputy_without_an_account_has_no_local_issue_figures(client, resident, village):
    offline = create_deputy("Ерлан Сейітқали")
    figures = figures_of(offline, with_issues=True)
    assert (figures.issues, figures.issues_answered, figures.issues_median_days) == (0, 0, None)
    assert "Local issues addressed to them" not in response_card(client, offline)
    assert db.session.scalar(db.select(db.func.count()).select_from(Appeal)) == 0


def test_an_official_answer_its_author_deleted_is_no_answer(client, resident, deputy, deputy_profile, village):
    from community.threads.services import delete_comment, official_answers

    thread = create_thread(resident, village, addressed_to_id=deputy.id)
    answer = create_comment(thread, deputy, "Ресми жауап: жөндейміз.", official=True)
    create_comment(thread, resident, "Рахмет, күтеміз.", parent=answer)  # a reply keeps the deleted one's place
    delete_comment(answer)
    db.session.commit()
    assert official_answers(thread) == []  # the thread shows no official answer
    figures = figures_of(deputy_profile, with_issues=True)
    assert (figures.issues, figures.issues_answered, figures.issues_median_days) == (1, 0, None)
