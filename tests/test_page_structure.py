"""Every main page reads well to a screen reader: one h1, no heading level skipped, terms and definitions
inside a definition list."""

from html.parser import HTMLParser

import pytest

from tests.factories import create_dialogue, create_event


class Outline(HTMLParser):
    """The headings of a page in order, and the dt/dd elements found outside a dl."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.open: list[str] = []
        self.stray: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag in ("dt", "dd") and not (self.open and self.open[-1] == "dl") and self.open[-2:-1] != ["dl"]:
            self.stray.append(tag)
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "rect", "path"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass


@pytest.fixture
def main_pages(thread, pledge, moderator, village):
    dialogue = create_dialogue(moderator, village)
    event = create_event(moderator, village)
    return [
        "/",
        "/threads/",
        f"/threads/{thread.id}",
        "/pledges/",
        f"/pledges/{pledge.id}",
        "/deputies/",
        f"/deputies/{pledge.deputy_id}",
        "/events/",
        f"/events/{event.id}",
        "/events/calendar",
        "/dialogues/",
        f"/dialogues/{dialogue.id}",
        "/moderation/log",
        "/about",
        "/data",
    ]


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_headings_go_down_one_level_at_a_time_and_terms_sit_in_lists(client, main_pages, lang):
    for url in main_pages:
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200, url
        outline = Outline()
        outline.feed(response.text)
        assert outline.headings.count(1) == 1, (url, outline.headings)
        for before, after in zip(outline.headings, outline.headings[1:], strict=False):
            assert after <= before + 1, (url, outline.headings)
        assert not outline.stray, (url, outline.stray)


def test_the_sessions_list_says_live_once_not_on_every_row(client, moderator, village):
    create_dialogue(moderator, village, title="Бірінші тікелей диалог")
    create_dialogue(moderator, village, title="Екінші тікелей диалог")
    page = client.get("/dialogues/?lang=en").text
    assert page.count("Live now") == 1
