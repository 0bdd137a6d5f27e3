"""The demo's reception days: Gulnar Abdikadyrova's coming reception cut into times, some booked and some free, and
Erlan Jumabaev's past one, its visits marked held or missed."""

from datetime import timedelta

from community.core.db import utcnow
from community.demo.accounts import ASEL, BAUYRZHAN, NURZHAN, OLGA, people
from community.events.models import Event, ReceptionSlot, VisitOutcome
from community.events.receptions import booking_to_appeal, open_slots, reception_slots
from community.extensions import db

HELD, MISSED = VisitOutcome.HELD, VisitOutcome.MISSED
# (the reception's title in demo/events.py, minutes per visitor, bookings: (the time's number, resident, topic,
# outcome)); Olga's time at Gülnar's reception is left free for her to book (tests/browser books it).
RECEPTIONS = [
    (
        "Гүлнар Әбдіқадырованың қоғамдық қабылдауы",
        15,
        [
            (0, ASEL, "Қаскелеңдегі №3 мектептің спорт залы үш жылдан бері жөнделмей тұр", None),
            (1, BAUYRZHAN, "Түрген ауылына автобус күніне бір-ақ рет келеді, қатынасты көбейту керек", None),
            (4, NURZHAN, "Шамалған жастарына арналған спорт алаңы: жер телімі қашан бөлінеді?", None),
        ],
    ),
    (
        "Ерлан Жұмабаевтың қоғамдық қабылдауы",
        20,
        [
            (0, OLGA, "Ремонт дороги по улице Абая в Талгаре: ямы после зимы", HELD),
            (1, ASEL, "Балабақшаға кезек: баламызға қашан орын береді?", HELD),
            (3, BAUYRZHAN, "Ауыз су құбыры жиі жарылады, су аптасына екі рет өшеді", MISSED),
            (4, NURZHAN, "Жастар кеңесінің жиналыстарына бөлме беру туралы өтініш", HELD),
        ],
    ),
]


def load_receptions() -> int:
    """Cut the demo's reception days into times and book some of them, once per day; returns how many days were
    cut. Written directly, since a past day's times can no longer be booked through the site."""
    everyone = people()
    added = 0
    for title, minutes, bookings in RECEPTIONS:
        event = db.session.scalar(db.select(Event).filter_by(title=title))
        if event is None or db.session.scalar(db.select(ReceptionSlot.id).filter_by(event_id=event.id).limit(1)):
            continue
        open_slots(event, minutes)
        slots = reception_slots(event)
        for number, email, topic, outcome in bookings:
            slot = slots[number]
            slot.user_id, slot.topic, slot.outcome = everyone[email].id, topic, outcome
            # Booked a few days ahead, as residents do, and never in the future.
            slot.booked_at = min(utcnow(), event.starts_at - timedelta(days=3)) - timedelta(hours=number + 1)
        db.session.flush()
        held = [slot for slot in slots if slot.outcome is HELD]
        if held:  # the first visit held goes on as the visitor's appeal, tracked like any other
            booking_to_appeal(held[0], event.organiser)
        added += 1
    return added
