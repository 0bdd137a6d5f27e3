"""The demo pledges brought in: backdated histories with one correction, moderators' checks, and residents'
confirmations and disputes."""

from datetime import date, timedelta

from community.core.db import utcnow
from community.demo.accounts import AIGUL, ASEL, BAUYRZHAN, NURZHAN, OLGA, people
from community.demo.builders import written_in
from community.demo.deputies import DEPUTIES
from community.demo.pledges_district import DISTRICT_PLEDGES
from community.demo.pledges_region import REGION_PLEDGES
from community.extensions import db
from community.places.models import Locality
from community.pledges.models import Deputy
from community.pledges.services import add_pledge, check_update, react

EVIDENCE = "https://almobl.gov.kz/news/{key}"
# Deputy by deputy in the order of DEPUTIES, as they have always been added, so ids and lists stay the same.
_ORDER = [deputy[0] for deputy in DEPUTIES]
PLEDGES = sorted(REGION_PLEDGES + DISTRICT_PLEDGES, key=lambda item: _ORDER.index(item["deputy"]))


def load_pledges(by_slug: dict[str, Locality], deputies: dict[str, Deputy]) -> int:
    """Add the demo pledges that are missing, with backdated histories, checks and reactions; returns how many
    were added."""
    everyone = people()
    moderator = everyone[AIGUL]
    added = 0
    now = utcnow()
    residents = [everyone[email] for email in (ASEL, BAUYRZHAN, OLGA, NURZHAN)]
    for item in PLEDGES:
        deputy = deputies[item["deputy"]]
        made_on = date.fromisoformat(item["made_on"])
        pledge, created = add_pledge(
            deputy,
            moderator,
            f"demo-{item['key']}",
            title=item["title"],
            text=item["text"],
            source_description="Сайлауалды бағдарлама / Предвыборная программа",
            source_url=f"https://almobl.gov.kz/deputies/{item['deputy']}/programme",
            made_on=made_on,
            locality_id=by_slug[item["place"]].id,
            category=item["category"],
            due_on=date.fromisoformat(item["due_on"]) if item["due_on"] else None,
        )
        if not created:
            continue
        added += 1
        pledge.created_at = now - timedelta(days=720)
        pledge.last_update_at = pledge.created_at
        db.session.flush()
        author = deputy.user or moderator
        latest = None
        for number, (days_ago, status, progress, note, evidence) in enumerate(item["updates"]):
            db.session.refresh(pledge)
            corrects = None if pledge.may_move_to(status) else latest
            links = [EVIDENCE.format(key=f"{item['key']}-{number}")] if evidence else []
            latest = pledge.record_update(
                author,
                status,
                progress,
                note,
                links,
                f"demo-{item['key']}-{number}",
                on_behalf=deputy.user is None,
                corrects=corrects,
                at=now - timedelta(days=days_ago),
                lang=written_in(note),
            )
        if latest is not None and item["verified"]:
            verified, note = item["verified"]
            check_update(moderator, latest, verified, note)
            for resident in residents[:2]:
                react(resident, latest, True, "")
        for reason, email in item["disputes"]:
            if latest is not None:
                react(everyone[email], latest, False, reason)
    return added
