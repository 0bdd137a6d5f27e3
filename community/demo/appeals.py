"""The demo's appeals to the three deputies who have accounts: public and private, in every state, some overdue,
one passed on, one waiting for its author; written in Kazakh with some Russian. Each is built with its history and
its times, as if it had gone through the site over the past weeks."""

from datetime import datetime, time, timedelta

from flask import current_app

from community.appeals.models import (
    Appeal,
    AppealEntry,
    AppealFollow,
    AppealOutcome,
    AppealSource,
    AppealState,
    AppealSupport,
    EntryKind,
)
from community.core.time import local_to_utc, local_today, local_zone
from community.core.workdays import add_working_days, working_days_between
from community.demo.accounts import people
from community.extensions import db
from community.places.models import Locality
from community.pledges.models import Deputy
from community.threads.models import Category

GULNAR, ERLAN, SERGEY = "gulnar.deputy@halyk-uni.kz", "erlan.deputy@halyk-uni.kz", "sergey.deputy@halyk-uni.kz"
ASEL, BAUYRZHAN, OLGA, NURZHAN = "asel@example.kz", "bauyrzhan@example.kz", "olga@example.kz", "nurzhan@example.kz"

# (key, author, to deputy's account, place, category, public, phone, subject, text, days ago sent, steps, supporters)
# A step is (days ago, kind, who, text); "passed_on" names the deputy's account it goes to as its text.
APPEALS = [
    (
        "uzynagash-water",
        ASEL,
        GULNAR,
        "uzynagash",
        Category.WATER,
        True,
        "+7 701 234 56 78",
        "Ұзынағаштағы Төле би көшесінде ауыз су үзіліп тұрады",
        "Құрметті Гүлнар Серікқызы! Төле би көшесінде соңғы екі айда ауыз су аптасына екі-үш күн ғана беріледі. "
        "Су арнасы ескі, құбырлар жиі жарылады. Көшенің **40 үйі** зардап шегеді. Жөндеу жоспарда бар ма?",
        24,
        [
            (23, "received", GULNAR, ""),
            (
                18,
                "answered",
                GULNAR,
                "Аудандық тұрғын үй-коммуналдық шаруашылық бөлімімен сөйлестім. Құбырды ауыстыру 2027 жылдың "
                "бюджетіне енгізілді, ал осы айда апаттық учаскелер жөнделеді. Жұмыс кестесін осы жерде жариялаймын.",
            ),
            (10, "closed", ASEL, "resolved+helped"),
        ],
        [BAUYRZHAN, OLGA, NURZHAN],
    ),
    (
        "talgar-bus",
        OLGA,
        ERLAN,
        "talgar",
        Category.ROADS,
        True,
        "",
        "Автобус №12 в Талгаре ходит раз в час",
        "Уважаемый Ерлан Маратович! Автобус №12 от микрорайона Кайрат до центра ходит раз в час, утром дети "
        "опаздывают в школу. Просим добавить хотя бы два рейса с 7:00 до 9:00.",
        30,
        [(28, "received", ERLAN, "")],
        [ASEL, NURZHAN],
    ),
    (
        "talgar-yard",
        OLGA,
        ERLAN,
        "talgar",
        Category.YOUTH,
        False,
        "+7 777 345 67 89",
        "Аулаға балалар алаңын салу туралы",
        "Біздің үйдің ауласында балалар ойнайтын бір де бір орын жоқ. Тұрғындар өз қаражатымызды да қосуға "
        "дайынбыз. Бастамашыл бюджетке қалай өтінім беруге болады?",
        9,
        [
            (8, "received", ERLAN, ""),
            (7, "asked", ERLAN, "Ауланың нақты мекенжайын және тұрғындардың қолы қойылған тізімді жіберіңізші."),
        ],
        [],
    ),
    (
        "boralday-gas",
        NURZHAN,
        SERGEY,
        "boralday",
        Category.OTHER,
        False,
        "",
        "Газ құбырына қосылу кезегі",
        "Үйім Боралдайдағы жаңа көшеде, газ құбыры көшеге дейін келген, бірақ қосылуға рұқсат екі жылдан бері "
        "берілмей жатыр. Кезек қай жерде тұр, кімге жүгінуім керек?",
        5,
        [],
        [],
    ),
    (
        "otegen-school",
        BAUYRZHAN,
        SERGEY,
        "otegen-batyr",
        Category.SCHOOLS,
        True,
        "",
        "Өтеген батырдағы №3 мектепте орын жетіспейді",
        "Мектеп үш ауысыммен оқиды, сыныптарда 35–40 баладан. Жаңа мектептің құрылысы қашан басталады? "
        "Уақытша модульдік сыныптар қою мүмкін бе?",
        3,
        [
            (2, "received", SERGEY, ""),
            (
                1,
                "answered",
                SERGEY,
                "Жаңа мектептің жобасы дайын, құрылыс келесі жылдың көктемінде басталады. Оған дейін аудандық білім "
                "бөлімі екі модульдік сынып қоюға келісті.",
            ),
        ],
        [ASEL],
    ),
    (
        "kargaly-road",
        NURZHAN,
        ERLAN,
        "kargaly",
        Category.ROADS,
        True,
        "",
        "Қарғалыдағы ауыл ішіндегі жол",
        "Ауылдың орталық көшесіндегі асфальт толық бұзылған, көктемде жүруге мүлде болмайды. Жөндеуге көмектесіңіз.",
        12,
        [
            (11, "received", ERLAN, ""),
            (
                10,
                "passed_on",
                ERLAN,
                GULNAR,
                "Қарғалы — Жамбыл ауданы, облыстық мәслихаттағы сайлау округі "
                "Гүлнар Әбдіқадыроваға тиесілі. Өтінішті соған жібердім.",
            ),
        ],
        [OLGA],
    ),
    (
        "talgar-light",
        ASEL,
        ERLAN,
        "talgar",
        Category.PUBLIC_ORDER,
        True,
        "",
        "Бесқайнар жолындағы шамдар",
        "Бесқайнарға баратын жолдың Талғардан шығатын бөлігінде түнгі жарық жоқ, жаяу жүргіншілерге қауіпті.",
        40,
        [
            (39, "received", ERLAN, ""),
            (20, "answered", ERLAN, "Әкімдікпен келісілді: шамдар қыркүйекте орнатылады."),
            (5, "closed", ASEL, "not_resolved+not_helped"),
        ],
        [],
    ),
    (
        "uzynagash-clinic",
        BAUYRZHAN,
        GULNAR,
        "uzynagash",
        Category.HEALTH,
        False,
        "+7 702 111 22 33",
        "Емханада педиатр жоқ",
        "Ұзынағаш емханасында бір айдан бері балалар дәрігері жоқ, Алматыға барып жүрміз. Маман қашан келеді?",
        35,
        [],
        [],
    ),
    # A few short ones more, so each deputy with an account has the five appeals their response figures need.
    (
        "kargaly-bridge",
        OLGA,
        GULNAR,
        "kargaly",
        Category.ROADS,
        True,
        "",
        "Қарғалы өзеніндегі жаяу жүргінші көпірі",
        "Көпірдің ағаш төсемі шіріген, балалар мектепке сол арқылы барады. Жөндеу керек.",
        50,
        [
            (49, "received", GULNAR, ""),
            (43, "answered", GULNAR, "Аудан әкімдігі көпірді жөндеуді мамыр айына жоспарлады, сметасы бекітілді."),
            (30, "closed", OLGA, "resolved+helped"),
        ],
        [ASEL],
    ),
    (
        "uzynagash-bus-stop",
        NURZHAN,
        GULNAR,
        "uzynagash",
        Category.ROADS,
        True,
        "",
        "Ұзынағаштағы аялдамаға күрке керек",
        "Орталық базар жанындағы аялдамада күрке жоқ, қыста адамдар суықта тұрады.",
        60,
        [
            (59, "received", GULNAR, ""),
            (50, "answered", GULNAR, "Күрке орнату келесі жылдың абаттандыру жоспарына енгізілді."),
            (40, "closed", NURZHAN, "not_resolved+not_helped"),
        ],
        [],
    ),
    (
        "talgar-clinic-queue",
        NURZHAN,
        ERLAN,
        "talgar",
        Category.HEALTH,
        True,
        "",
        "Талғар емханасындағы кезек",
        "Дәрігерге жазылу үшін таңғы алтыдан кезекке тұрамыз, электронды жазылу жұмыс істемейді.",
        70,
        [
            (69, "received", ERLAN, ""),
            (
                58,
                "answered",
                ERLAN,
                "Емхана басшылығымен кездестім: электронды жазылу қалпына келтірілді, қосымша тіркеуші алынды.",
            ),
            (50, "closed", NURZHAN, "resolved+helped"),
        ],
        [OLGA, ASEL],
    ),
    (
        "beskainar-snow",
        ASEL,
        ERLAN,
        "beskainar",
        Category.ROADS,
        False,
        "",
        "Бесқайнар жолын қардан тазалау",
        "Өткен қыста жол үш күн бойы тазаланбады, жедел жәрдем келе алмады.",
        45,
        [
            (44, "received", ERLAN, ""),
            (41, "answered", ERLAN, "Биыл жолды тазалау мердігермен шарт жасалды, кезекші техника Бесқайнарда тұрады."),
        ],
        [],
    ),
    (
        "boralday-park",
        OLGA,
        SERGEY,
        "boralday",
        Category.CULTURE,
        True,
        "",
        "Парк в Боралдае без освещения",
        "В парке у реки нет ни одного фонаря, вечером там опасно гулять с детьми.",
        55,
        [
            (54, "received", SERGEY, ""),
            (47, "answered", SERGEY, "Освещение парка включено в программу благоустройства, работы начнутся весной."),
            (35, "closed", OLGA, "resolved+helped"),
        ],
        [NURZHAN],
    ),
    (
        "otegen-water",
        ASEL,
        SERGEY,
        "otegen-batyr",
        Category.WATER,
        True,
        "",
        "Өтеген батырдағы су қысымы",
        "Кешкі уақытта үшінші қабаттан жоғары су жетпейді.",
        33,
        [(32, "received", SERGEY, "")],
        [BAUYRZHAN],
    ),
    (
        "boralday-school-bus",
        BAUYRZHAN,
        SERGEY,
        "boralday",
        Category.SCHOOLS,
        False,
        "",
        "Мектеп автобусы жетіспейді",
        "Шеткі көшелердегі балаларды мектепке апаратын автобус біреу ғана, сыймайды.",
        20,
        [
            (19, "received", SERGEY, ""),
            (12, "answered", SERGEY, "Білім бөлімі екінші автобусты қаңтардан бастап береді."),
        ],
        [],
    ),
]


def _moment(days_ago: int, hour: int) -> datetime:
    """A time some days ago, at a local hour."""
    return local_to_utc(datetime.combine(local_today() - timedelta(days=days_ago), time(hour, 0)))


def _day(moment: datetime):
    """The region's day of a stored time."""
    return moment.astimezone(local_zone()).date()


def load_appeals(by_slug: dict[str, Locality]) -> int:
    """Add the demo appeals that are missing, with their histories; returns how many were added."""
    everyone = people()
    deputy_of = {
        deputy.user_id: deputy for deputy in db.session.scalars(db.select(Deputy).where(Deputy.user_id.is_not(None)))
    }
    term = current_app.config["APPEAL_ANSWER_DAYS"]
    added = 0
    for key, author, to, place, category, public, phone, subject, body, sent, steps, supporters in APPEALS:
        writer = everyone[author]
        if db.session.scalar(db.select(Appeal.id).filter_by(author_id=writer.id, submission_key=f"demo-{key}")):
            continue
        deputy = deputy_of[everyone[to].id]
        sent_at = _moment(sent, 9)
        sent_day = local_today() - timedelta(days=sent)
        appeal = Appeal(
            subject=subject,
            body=body,
            lang="ru" if key == "talgar-bus" else "kk",
            category=category,
            locality_id=by_slug[place].id,
            author_id=writer.id,
            deputy_id=deputy.id,
            public=public,
            contact_phone=phone,
            source=AppealSource.WRITTEN,
            submission_key=f"demo-{key}",
            created_at=sent_at,
            last_activity_at=sent_at,
            due_on=add_working_days(sent_day, term),
            support_count=len(supporters),
        )
        db.session.add(appeal)
        db.session.flush()
        db.session.add(
            AppealEntry(
                appeal_id=appeal.id, kind=EntryKind.SENT, by_id=writer.id, to_deputy_id=deputy.id, created_at=sent_at
            )
        )
        db.session.add(AppealFollow(user_id=writer.id, appeal_id=appeal.id, created_at=sent_at))
        for supporter in supporters:
            db.session.add(AppealSupport(user_id=everyone[supporter].id, appeal_id=appeal.id, created_at=sent_at))
        for step in steps:
            _apply(appeal, step, everyone, deputy_of)
        added += 1
    db.session.flush()
    return added


def _apply(appeal: Appeal, step: tuple, everyone: dict, deputy_of: dict) -> None:
    """One step of a demo appeal's story, with its history entry at its time."""
    days_ago, kind, who, text = step[:4]
    at = _moment(days_ago, 11)
    person = everyone[who]
    entry = AppealEntry(appeal_id=appeal.id, kind=EntryKind(kind), by_id=person.id, created_at=at)
    if kind == "received":
        appeal.state, appeal.received_at = AppealState.RECEIVED, at
        entry.for_deputy_id = appeal.deputy_id
    elif kind == "asked":
        appeal.state, appeal.waiting_since = AppealState.WAITING, at
        entry.for_deputy_id, entry.body = appeal.deputy_id, text
    elif kind == "answered":
        appeal.state, appeal.answered_at = AppealState.ANSWERED, at
        days = working_days_between(_day(appeal.created_at), _day(at))
        appeal.answer_days = days - appeal.stopped_days
        entry.for_deputy_id, entry.body = appeal.deputy_id, text
    elif kind == "passed_on":
        to = deputy_of[everyone[text].id]
        entry.for_deputy_id, entry.to_deputy_id, entry.body = appeal.deputy_id, to.id, step[4]
        appeal.state, appeal.deputy_id, appeal.received_at = AppealState.SENT, to.id, None
    elif kind == "closed":
        outcome, helped = text.split("+")
        appeal.state, appeal.closed_at = AppealState.CLOSED, at
        appeal.outcome, appeal.helped = AppealOutcome(outcome), helped == "helped"
    appeal.last_activity_at = at
    db.session.add(entry)
