"""The demo's seminars, receptions and meetings: upcoming ones with registrations, one cancelled, past ones with
reports."""

from datetime import datetime, time, timedelta

from community.core.permissions import Role
from community.core.time import local_to_utc, local_today
from community.demo.accounts import people
from community.demo.receptions import load_receptions
from community.events.models import Event, EventKind
from community.events.services import cancel_event, create_event, register
from community.extensions import db
from community.places.models import Locality

EVENTS = [
    # (key, kind, title, place, days from now, hours long, capacity, organiser, registrants, cancelled, report);
    # every one starts at 10:00 Almaty time
    (
        "exp-seminar-kaskelen",
        "experience_seminar",
        "Бастауыш ұйымдар тәжірибе алмасу семинары",
        "kaskelen",
        6,
        3,
        40,
        "aigul.moderator@halyk-uni.kz",
        4,
        None,
        "",
    ),
    (
        "reception-gulnar",
        "public_reception",
        "Гүлнар Әбдіқадырованың қоғамдық қабылдауы",
        "uzynagash",
        3,
        3,
        2,
        "gulnar.deputy@halyk-uni.kz",
        4,
        None,
        "",
    ),
    (
        "youth-talgar",
        "youth_council",
        "Талғар жастар кеңесінің отырысы",
        "talgar",
        10,
        2,
        30,
        "erlan.deputy@halyk-uni.kz",
        2,
        None,
        "",
    ),
    (
        "street-turgen",
        "street_committee",
        "Түрген көше комитетінің жиналысы",
        "turgen",
        14,
        2,
        25,
        "aigul.moderator@halyk-uni.kz",
        1,
        None,
        "",
    ),
    (
        "training-konaev",
        "training",
        "Саяси басқару мектебі: жергілікті бюджет",
        "konaev",
        21,
        4,
        50,
        "daniyar.moderator@halyk-uni.kz",
        3,
        None,
        "",
    ),
    (
        "veterans-ile",
        "seminar",
        "Встреча ветеранов Илийского района",
        "otegen-batyr",
        9,
        2,
        60,
        "sergey.deputy@halyk-uni.kz",
        2,
        None,
        "",
    ),
    (
        "session-region",
        "council_session",
        "Облыстық мәслихаттың кезекті сессиясы",
        "konaev",
        30,
        5,
        100,
        "aigul.moderator@halyk-uni.kz",
        1,
        None,
        "",
    ),
    (
        "reception-kim",
        "public_reception",
        "Приём граждан депутатом Сергеем Кимом",
        "boralday",
        5,
        2,
        10,
        "sergey.deputy@halyk-uni.kz",
        0,
        "Депутат мәслихат сессиясына шақырылды; қабылдау келесі айға ауыстырылады.",
        "",
    ),
    (
        "past-seminar-esik",
        "experience_seminar",
        "Есіктегі тәжірибе алмасу семинары",
        "esik",
        -20,
        3,
        30,
        "aigul.moderator@halyk-uni.kz",
        3,
        None,
        "Семинарға 3 бастауыш ұйымның өкілдері қатысты. **Шешімдер:** жарна қаражатының 20%-ын жастар "
        "жобаларына бағыттау; келесі кездесу — наурызда.",
    ),
    (
        "past-reception-erlan",
        "public_reception",
        "Ерлан Жұмабаевтың қоғамдық қабылдауы",
        "talgar",
        -12,
        3,
        15,
        "erlan.deputy@halyk-uni.kz",
        2,
        None,
        "Қабылдауда 11 өтініш тыңдалды: 4-і жолдар, 3-і су, 4-і әлеуметтік мәселелер. Барлығы тіркеліп, жауап "
        "мерзімі — 15 күн.",
    ),
    (
        "past-youth-shamalgan",
        "youth_council",
        "Шамалған жастар кеңесі: спорт алаңы жобасы",
        "shamalgan",
        -40,
        2,
        20,
        "aigul.moderator@halyk-uni.kz",
        2,
        None,
        "Алаң жобасы мақұлданды, эскиз әкімдікке жіберілді.",
    ),
    (
        "past-training-kaskelen",
        "training",
        "Тренинг для председателей уличных комитетов",
        "kaskelen",
        -60,
        4,
        25,
        "daniyar.moderator@halyk-uni.kz",
        1,
        None,
        "Обсудили порядок обращений в акимат и работу с жалобами жителей.",
    ),
]
STARTS = time(10)  # local time in the region


def load_events(by_slug: dict[str, Locality]) -> int:
    """Add the demo events that are missing: upcoming with registrations (one full, with a waiting list), cancelled
    and past, the reception days cut into times; returns how many events were added."""
    everyone = people()
    residents = [user for user in everyone.values() if user.role is Role.RESIDENT]
    added = 0
    today = local_today()
    for _key, kind, title, place, days, hours, capacity, organiser, registrants, cancelled, report in EVENTS:
        if db.session.scalar(db.select(Event).filter_by(title=title)) is not None:
            continue
        starts = local_to_utc(datetime.combine(today + timedelta(days=days), STARTS))
        event = create_event(
            everyone[organiser],
            title=title,
            kind=EventKind(kind),
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            locality_id=by_slug[place].id,
            capacity=capacity,
            description="Барлық тұрғындарды шақырамыз. / Приглашаем всех жителей.\n\n"
            "- Күн тәртібі алдын ала жарияланады\n- Кіру тегін",
            address="Әкімдік ғимараты, Абай көшесі, 1",
            room="Мәжіліс залы",
            report=report,
        )
        for resident in residents[:registrants]:
            register(resident, event)
        if cancelled:
            cancel_event(event, cancelled)
        added += 1
    db.session.flush()
    load_receptions()  # also on a database whose events came before reception times
    return added
