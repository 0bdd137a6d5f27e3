"""A locality at a glance, on the home page and on the locality's own page: sessions, events, the latest and the
most supported issues, the pledges' figures and the deputies, for that locality and the places within it."""

from community.extensions import db
from community.threads.marks import support_thread
from tests.factories import create_comment, create_dialogue, create_event, create_thread


def test_the_home_page_and_the_locality_page_show_the_same_overview(
    client, thread, pledge, moderator, village, resident, other_resident
):
    create_event(moderator, village, title="Ауыл жиналысы")
    create_dialogue(moderator, village, title="Әкіммен тікелей диалог")
    popular = create_thread(other_resident, village, title="Мектеп жолына бағдаршам керек")
    support_thread(resident, popular)
    db.session.commit()
    for url in (f"/?place={village.slug}&lang=en", f"/places/{village.slug}?lang=en"):
        page = client.get(url).text
        for block in ("Dialogue sessions", "Next events", "Recent local issues", "Most supported issues"):
            assert block in page, (url, block)
        assert "Ауыл жиналысы" in page and "Әкіммен тікелей диалог" in page
        supported = page.split("Most supported issues")[1]
        assert supported.index("Мектеп жолына бағдаршам керек") < supported.index(thread.title)
        figures = page.split("Pledges made here")[1].split("</dl>")[0]
        assert "<dd>1</dd>" in figures  # the one pledge, made here
        assert pledge.deputy.name in page and f'href="/deputies/{pledge.deputy_id}"' in page


def test_a_hidden_issue_is_left_out_of_both_lists(client, thread, moderator):
    from community.moderation.models import Action
    from community.moderation.services import moderate

    moderate(moderator, Action.HIDE, "Спам", thread)
    db.session.commit()
    page = client.get(f"/places/{thread.locality.slug}").text
    assert thread.title not in page


def test_the_deputies_list_shows_each_deputys_figures(client, pledge, deputy_profile):
    page = client.get("/deputies/?lang=en").text
    card = page.split(f'href="/deputies/{deputy_profile.id}"')[1].split("</li>")[0]
    assert "1 pledge" in card


def test_the_overview_of_a_place_leaves_other_places_out(client, thread, region, village, resident):
    from tests.factories import create_locality

    other = create_locality("basqa-auyl", "village", "Басқа ауыл", "Другое село", parent=region)
    create_thread(resident, other, title="Басқа ауылдағы мәселе")
    create_comment(thread, resident)
    page = client.get(f"/places/{village.slug}?lang=en").text
    assert "Басқа ауылдағы мәселе" not in page and thread.title in page
