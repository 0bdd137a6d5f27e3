"""The thread list: filters, sorting, search, pages, infinite scroll, and nothing hidden."""

from community.extensions import db
from community.places.models import Locality
from community.threads.models import Category, ThreadState
from tests.factories import create_locality, create_thread

HTMX = {"HX-Request": "true"}


def titles(response) -> str:
    return response.get_data(as_text=True)


def test_a_district_includes_its_villages(client, resident, region, village):
    district = db.session.scalar(db.select(Locality).filter_by(slug="karasai-district"))
    other = create_locality("talgar", "city", "Талғар қаласы", "город Талгар", parent=region)
    db.session.commit()
    create_thread(resident, village, title="Шамалғандағы су құбыры")
    create_thread(resident, other, title="Талғардағы автобус бағыты")
    html = titles(client.get(f"/threads/?place={district.slug}"))
    assert "Шамалғандағы су құбыры" in html and "Талғардағы автобус бағыты" not in html
    html = titles(client.get("/threads/?place=almaty-region"))
    assert "Шамалғандағы су құбыры" in html and "Талғардағы автобус бағыты" in html


def test_filter_by_category_and_state(client, resident, village):
    create_thread(resident, village, title="Мектепте спорт залы жоқ", category=Category.SCHOOLS)
    water = create_thread(resident, village, title="Ауылда ауыз су жоқ", category=Category.WATER)
    water.state = ThreadState.RESOLVED
    db.session.commit()
    html = titles(client.get("/threads/?category=schools"))
    assert "Мектепте спорт залы жоқ" in html and "Ауылда ауыз су жоқ" not in html
    html = titles(client.get("/threads/?state=resolved"))
    assert "Ауылда ауыз су жоқ" in html and "Мектепте спорт залы жоқ" not in html


def test_unknown_filters_are_ignored_not_errors(client, resident, village):
    create_thread(resident, village)
    odd = ("?category=nope", "?state=x", "?sort=drop", "?page=-3", "?page=abc", "?place=nowhere", "?q=" + "ы" * 500)
    for query in odd:
        assert client.get("/threads/" + query).status_code == 200


def test_search_matches_kazakh_words_in_any_case(client, resident, village):
    create_thread(resident, village, title="Мектептің шатыры ағып тұр", body="Қыста сабақ өтпей қалды, балалар тоңады.")
    create_thread(resident, village, title="Жол жөндеу керек")
    html = titles(client.get("/threads/?q=МЕКТЕП"))
    assert "Мектептің шатыры ағып тұр" in html and "Жол жөндеу керек" not in html
    assert "Мектептің шатыры" in titles(client.get("/threads/?q=балалар"))


def test_sorting_by_support_and_newest(client, resident, village):
    first = create_thread(resident, village, title="Бірінші мәселе туралы")
    second = create_thread(resident, village, title="Екінші мәселе туралы")
    first.support_count = 9
    db.session.commit()
    supported = titles(client.get("/threads/?sort=supported"))
    assert supported.index(first.title) < supported.index(second.title)
    newest = titles(client.get("/threads/?sort=newest"))
    assert newest.index(second.title) < newest.index(first.title)


def test_pages_have_real_links_and_an_infinite_scroll_sentinel(client, resident, village):
    for number in range(23):
        create_thread(resident, village, title=f"Мәселе нөмірі {number:02d}")
    html = titles(client.get("/threads/?sort=newest"))
    assert 'href="/threads/?page=2&amp;sort=newest"' in html
    assert 'hx-trigger="revealed"' in html
    page_two = client.get("/threads/?page=2&sort=newest", headers=HTMX).get_data(as_text=True)
    assert "<html" not in page_two and "Мәселе нөмірі 00" in page_two and "revealed" not in page_two


def test_a_plain_request_gets_the_page_and_htmx_the_results(client, resident, village):
    create_thread(resident, village)
    page = client.get("/threads/")
    fragment = client.get("/threads/", headers=HTMX)
    assert "<html" in page.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="thread-results"' in body
    assert "HX-Request" in fragment.headers["Vary"]


def test_rows_show_counts_and_awaiting_answer(client, thread, deputy):
    html = titles(client.get("/threads/?lang=en"))
    assert "0 comments" in html and "0 supports" in html
    assert f"Awaiting an answer from {deputy.display_name}" in html


def test_the_atom_feed_is_filterable(client, resident, village, region):
    create_thread(resident, village, title="Шамалғандағы көпір құлап жатыр", category=Category.ROADS)
    create_thread(resident, village, title="Мәдениет үйін жөндеу", category=Category.CULTURE)
    response = client.get("/threads.atom?category=roads")
    assert response.mimetype == "application/atom+xml"
    body = response.get_data(as_text=True)
    assert "<feed" in body and "Шамалғандағы көпір құлап жатыр" in body and "Мәдениет үйін жөндеу" not in body


def test_huge_ids_are_404_not_errors(client):
    for url in ("/threads/99999999999", "/users/99999999999", "/pledges/99999999999", "/deputies/99999999999"):
        assert client.get(url).status_code == 404
