"""The active filters of every list show as chips above its results, each a link to the same list without that
filter, in the full page and in the fragment htmx swaps when the form changes."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import create_event

HTMX = {"HX-Request": "true"}


class Chips(HTMLParser):
    """The chips of a page: (accessible name, link) of each `a.chip`, and the "clear all" link."""

    def __init__(self):
        super().__init__()
        self.chips: list[tuple[str, str]] = []
        self.clear: str | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a" and "chip" in (found.get("class") or "").split():
            self.chips.append((found["aria-label"], found["href"]))
        if tag == "a" and found.get("class") == "chip-clear":
            self.clear = found["href"]


def chips_of(response) -> Chips:
    assert response.status_code == 200
    parser = Chips()
    parser.feed(response.get_data(as_text=True))
    return parser


def query(href: str) -> dict:
    """A link's path and query arguments."""
    parts = urlsplit(href)
    return {"path": parts.path, **{key: values[0] for key, values in parse_qs(parts.query).items()}}


def test_each_active_thread_filter_is_a_chip_that_removes_only_itself(client, thread, village):
    page = chips_of(client.get(f"/threads/?lang=en&category=roads&state=open&place={village.slug}&q=су&sort=newest"))
    names = [name for name, _ in page.chips]
    assert names[0].startswith("Remove filter: Locality: ") and village.slug not in names[0]  # its name, not its slug
    assert names[1:] == [
        "Remove filter: Category: Roads",
        "Remove filter: State: Open",
        "Remove filter: Search: су",
    ]
    links = {name.split(": ")[1]: query(href) for name, href in page.chips}
    assert links["Category"] == {
        "path": "/threads/",
        "place": village.slug,
        "state": "open",
        "q": "су",
        "sort": "newest",
    }
    assert links["Locality"] == {"path": "/threads/", "category": "roads", "state": "open", "q": "су", "sort": "newest"}
    assert query(page.clear) == {"path": "/threads/", "sort": "newest"}  # a sort is no filter: it stays


def test_a_list_without_filters_has_no_chips(client, thread):
    for url in ("/threads/?sort=newest", "/pledges/", "/deputies/", "/events/?when=past"):
        page = chips_of(client.get(url + ("&" if "?" in url else "?") + "lang=en"))
        assert page.chips == [] and page.clear is None, url


def test_the_chips_come_with_the_fragment_htmx_swaps(client, thread):
    response = client.get("/threads/?lang=en&category=roads", headers=HTMX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="thread-results"')  # the swapped block, with the chips inside
    assert [name for name, _ in chips_of(response).chips] == ["Remove filter: Category: Roads"]
    assert chips_of(response).clear is None  # one filter needs no "clear all"


def test_pledge_chips_name_the_deputy_and_the_checkboxes(client, pledge, village):
    page = chips_of(client.get(f"/pledges/?lang=en&deputy={pledge.deputy_id}&overdue=1&stale=1&sort=due"))
    names = [name for name, _ in page.chips]
    assert names == [
        f"Remove filter: Deputy: {pledge.deputy.name}",
        "Remove filter: Overdue",
        "Remove filter: No update for 90 days",
    ]
    assert query(page.chips[1][1]) == {
        "path": "/pledges/",
        "deputy": str(pledge.deputy_id),
        "stale": "1",
        "sort": "due",
    }


def test_deputy_chips(client, pledge):
    page = chips_of(client.get("/deputies/?lang=en&council=district&q=Гүлнар"))
    assert [name for name, _ in page.chips] == [
        "Remove filter: Council: District maslikhat",
        "Remove filter: Name: Гүлнар",
    ]
    assert query(page.chips[0][1]) == {"path": "/deputies/", "q": "Гүлнар"}


@pytest.mark.parametrize("when", ["", "past"])
def test_event_chips_keep_the_upcoming_or_past_view(client, moderator, village, when):
    create_event(moderator, village)
    url = f"/events/?lang=en&kind=seminar&organiser={moderator.id}" + (f"&when={when}" if when else "")
    page = chips_of(client.get(url))
    assert [name for name, _ in page.chips] == [
        "Remove filter: Kind: Seminar",
        f"Remove filter: Organiser: {moderator.display_name}",
    ]
    expected = {"path": "/events/", "organiser": str(moderator.id), **({"when": when} if when else {})}
    assert query(page.chips[0][1]) == expected
