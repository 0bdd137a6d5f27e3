"""The thread list: filters, sorting, search, pages, infinite scroll, and nothing hidden."""

import re

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


NEXT = re.compile(r'<a rel="next" href="([^"]+)"')
PREVIOUS = re.compile(r'<a rel="prev" href="([^"]+)"')
ROW_TITLES = re.compile(r"Мәселе нөмірі (\d\d)")


def test_pages_follow_cursors_with_real_links_and_an_infinite_scroll_sentinel(client, resident, village):
    for number in range(45):
        create_thread(resident, village, title=f"Мәселе нөмірі {number:02d}")
    first = titles(client.get("/threads/?sort=newest"))
    assert 'hx-trigger="revealed"' in first and "?page=" not in first
    seen, html, pages = [], first, []
    while True:
        pages.append(html)
        seen += ROW_TITLES.findall(html.split('id="thread-rows"')[1].split("</ol>")[0])
        following = NEXT.search(html)
        if not following:
            break
        html = titles(client.get(following.group(1).replace("&amp;", "&")))
    assert seen == [f"{number:02d}" for number in reversed(range(45))]
    assert len(pages) == 3 and "?before=" in pages[2] and "?page=" not in pages[2]
    back = PREVIOUS.search(pages[1]).group(1).replace("&amp;", "&")
    assert ROW_TITLES.findall(titles(client.get(back))) == ROW_TITLES.findall(first)
    later = NEXT.search(first).group(1).replace("&amp;", "&")
    fragment = client.get(later, headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and "Мәселе нөмірі 24" in fragment and "Мәселе нөмірі 25" not in fragment


def test_a_malformed_or_foreign_cursor_shows_the_list_from_its_start(client, resident, village):
    create_thread(resident, village, title="Мәселе нөмірі 01")
    for cursor in ("x", "1.2.3.4", "99999999999999999999.1", "20261301000000000000.5", "\u0000", "-1.-1"):
        response = client.get("/threads/", query_string={"after": cursor})
        assert response.status_code == 200 and "Мәселе нөмірі 01" in response.text


def test_pinned_threads_lead_the_first_page_only_and_appear_once(client, resident, village):
    for number in range(25):
        create_thread(resident, village, title=f"Мәселе нөмірі {number:02d}")
    pinned = create_thread(resident, village, title="Бекітілген хабарландыру")
    pinned.pinned_at = pinned.created_at
    db.session.commit()
    first = titles(client.get("/threads/?lang=en"))
    assert first.count("Бекітілген хабарландыру") == 1
    assert first.index("Бекітілген хабарландыру") < first.index("Мәселе нөмірі 24")
    second = titles(client.get(NEXT.search(first).group(1).replace("&amp;", "&")))
    assert "Бекітілген хабарландыру" not in second and "Мәселе нөмірі 00" in second
    assert "26 issues found" in first


def test_every_pinned_thread_is_led_with_and_none_is_lost_from_the_list(client, resident, village):
    pins = []
    for number in range(7):
        thread = create_thread(resident, village, title=f"Бекітілген нөмірі {number}")
        thread.pinned_at = thread.created_at
        pins.append(thread)
    for number in range(30):
        create_thread(resident, village, title=f"Мәселе нөмірі {number:02d}")
    db.session.commit()
    first = titles(client.get("/threads/"))
    assert all(first.count(f"Бекітілген нөмірі {number}") == 1 for number in range(7))
    rest = titles(client.get(NEXT.search(first).group(1).replace("&amp;", "&")))
    back = titles(client.get(PREVIOUS.search(rest).group(1).replace("&amp;", "&")))
    assert "Бекітілген нөмірі 6" in back  # the start, reached backwards, leads with the pins again


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
