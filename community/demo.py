"""The demo content: Almaty region's localities and accounts of every role, in Kazakh and Russian."""

from community.accounts.models import User
from community.accounts.services import create_user, user_by_email
from community.core.permissions import Role
from community.demo_dialogues import load_dialogues
from community.extensions import db
from community.places.models import Locality, LocalityKind
from community.places.services import create_locality

K = LocalityKind
# (slug, kind, Kazakh name, Russian name, children)
LOCALITIES = (
    "almaty-region",
    K.REGION,
    "Алматы облысы",
    "Алматинская область",
    [
        ("konaev", K.CITY, "Қонаев қаласы", "город Конаев", []),
        (
            "balkhash-district",
            K.DISTRICT,
            "Балқаш ауданы",
            "Балхашский район",
            [
                ("bakanas", K.VILLAGE, "Бақанас ауылы", "село Баканас", []),
            ],
        ),
        (
            "enbekshikazakh-district",
            K.DISTRICT,
            "Еңбекшіқазақ ауданы",
            "Енбекшиказахский район",
            [
                ("esik", K.CITY, "Есік қаласы", "город Есик", []),
                ("turgen", K.VILLAGE, "Түрген ауылы", "село Тургень", []),
                ("shelek", K.VILLAGE, "Шелек ауылы", "село Шелек", []),
            ],
        ),
        (
            "zhambyl-district",
            K.DISTRICT,
            "Жамбыл ауданы",
            "Жамбылский район",
            [
                ("uzynagash", K.VILLAGE, "Ұзынағаш ауылы", "село Узынагаш", []),
                ("kargaly", K.VILLAGE, "Қарғалы ауылы", "село Каргалы", []),
            ],
        ),
        (
            "ile-district",
            K.DISTRICT,
            "Іле ауданы",
            "Илийский район",
            [
                ("otegen-batyr", K.VILLAGE, "Өтеген батыр кенті", "посёлок Отеген батыр", []),
                ("baiserke", K.VILLAGE, "Байсерке ауылы", "село Байсерке", []),
                ("boralday", K.VILLAGE, "Боралдай кенті", "посёлок Боралдай", []),
            ],
        ),
        (
            "karasai-district",
            K.DISTRICT,
            "Қарасай ауданы",
            "Карасайский район",
            [
                ("kaskelen", K.CITY, "Қаскелең қаласы", "город Каскелен", []),
                (
                    "shamalgan-rural",
                    K.RURAL_DISTRICT,
                    "Шамалған ауылдық округі",
                    "Шамалганский сельский округ",
                    [
                        ("shamalgan", K.VILLAGE, "Шамалған ауылы", "село Шамалган", []),
                    ],
                ),
            ],
        ),
        (
            "kegen-district",
            K.DISTRICT,
            "Кеген ауданы",
            "Кегенский район",
            [
                ("kegen", K.VILLAGE, "Кеген ауылы", "село Кеген", []),
            ],
        ),
        (
            "raiymbek-district",
            K.DISTRICT,
            "Райымбек ауданы",
            "Райымбекский район",
            [
                ("narynkol", K.VILLAGE, "Нарынқол ауылы", "село Нарынкол", []),
            ],
        ),
        (
            "talgar-district",
            K.DISTRICT,
            "Талғар ауданы",
            "Талгарский район",
            [
                ("talgar", K.CITY, "Талғар қаласы", "город Талгар", []),
                ("beskainar", K.VILLAGE, "Бесқайнар ауылы", "село Бескайнар", []),
            ],
        ),
        (
            "uighur-district",
            K.DISTRICT,
            "Ұйғыр ауданы",
            "Уйгурский район",
            [
                ("chundzha", K.VILLAGE, "Шонжы ауылы", "село Чунджа", []),
            ],
        ),
    ],
)

# (e-mail, name, role, home locality slug, language, password, about)
USERS = [
    (
        "admin@halyk-uni.kz",
        "Сайт әкімшісі",
        Role.ADMIN,
        "konaev",
        "kk",
        "Admin-Halyk-2026",
        "Сайттың техникалық әкімшісі. Есептік жазбалар мен рөлдер бойынша хат жазыңыз.",
    ),
    (
        "aigul.moderator@halyk-uni.kz",
        "Айгүл Сейітова",
        Role.MODERATOR,
        "kaskelen",
        "kk",
        "Moder-Halyk-2026",
        "Пікірталастарды жүргіземін, диалог алаңдарын ұйымдастырамын. Сыпайы болайық!",
    ),
    (
        "daniyar.moderator@halyk-uni.kz",
        "Данияр Омаров",
        Role.MODERATOR,
        "esik",
        "ru",
        "Moder-Halyk-2026",
        "Модератор. Слежу за порядком в обсуждениях Енбекшиказахского района.",
    ),
    (
        "gulnar.deputy@halyk-uni.kz",
        "Гүлнар Әбдіқадырова",
        Role.DEPUTY,
        "uzynagash",
        "kk",
        "Deputat-Halyk-2026",
        "Алматы облыстық мәслихатының депутаты, Жамбыл ауданы бойынша сайлау округі. "
        "Қоғамдық қабылдау — әр айдың бірінші сәрсенбісі.",
    ),
    (
        "erlan.deputy@halyk-uni.kz",
        "Ерлан Жұмабаев",
        Role.DEPUTY,
        "talgar",
        "kk",
        "Deputat-Halyk-2026",
        "Талғар аудандық мәслихатының депутаты. Жастар саясаты мен спорт — басым бағыттарым.",
    ),
    (
        "sergey.deputy@halyk-uni.kz",
        "Сергей Ким",
        Role.DEPUTY,
        "otegen-batyr",
        "ru",
        "Deputat-Halyk-2026",
        "Депутат Илийского районного маслихата. Дороги, водоснабжение, освещение улиц.",
    ),
    (
        "asel@example.kz",
        "Әсел Нұрланқызы",
        Role.RESIDENT,
        "kaskelen",
        "kk",
        "Resident-Halyk-2026",
        "Мұғаліммін, Қаскелеңде тұрамын. Мектеп пен балалар алаңы мәселелері маңызды.",
    ),
    (
        "bauyrzhan@example.kz",
        "Бауыржан Тоқтаров",
        Role.RESIDENT,
        "turgen",
        "kk",
        "Resident-Halyk-2026",
        "Түрген ауылының тұрғыны, көше комитетінің мүшесі.",
    ),
    (
        "olga@example.kz",
        "Ольга Петрова",
        Role.RESIDENT,
        "talgar",
        "ru",
        "Resident-Halyk-2026",
        "Живу в Талгаре, пенсионерка. Интересуют вопросы здравоохранения и транспорта.",
    ),
    (
        "nurzhan@example.kz",
        "Нұржан Серікбаев",
        Role.RESIDENT,
        "shamalgan",
        "kk",
        "Resident-Halyk-2026",
        "Шамалған жастар кеңесінің белсендісі.",
    ),
]


def _load_locality(node, parent: Locality | None, by_slug: dict[str, Locality]) -> int:
    slug, kind, name_kk, name_ru, children = node
    added = 0
    locality = by_slug.get(slug)
    if locality is None:
        locality = create_locality(parent, slug=slug, kind=kind, name_kk=name_kk, name_ru=name_ru)
        by_slug[slug] = locality
        added = 1
    for child in children:
        added += _load_locality(child, locality, by_slug)
    return added


def _load_threads(by_slug: dict[str, Locality]) -> int:
    """Add the demo local issues with their comments, supports, answers, states and one flagged comment."""
    from community.demo_threads import FLAGGED_BY, FLAGGED_COMMENT, THREADS
    from community.moderation.models import Action, FlagReason
    from community.moderation.services import flag, record_action
    from community.threads.models import ThreadState
    from community.threads.services import add_comment, start_thread, support_thread

    people = {user.email: user for user in db.session.scalars(db.select(User))}
    moderator = people["aigul.moderator@halyk-uni.kz"]
    added = 0
    for item in THREADS:
        addressed = people[item["addressed_to"]] if item.get("addressed_to") else None
        thread, created = start_thread(
            people[item["author"]],
            f"demo-{item['key']}",
            title=item["title"],
            body=item["body"],
            locality_id=by_slug[item["place"]].id,
            category=item["category"],
            addressed_to_id=addressed.id if addressed else None,
        )
        if not created:
            continue
        added += 1
        for supporter in item.get("supporters", []):
            support_thread(people[supporter], thread)
        for number, comment in enumerate(item.get("comments", [])):
            top, _ = add_comment(
                thread,
                people[comment["author"]],
                comment["body"],
                f"demo-{item['key']}-{number}",
                official=comment.get("official", False),
            )
            if comment.get("official") and thread.state is ThreadState.OPEN:
                thread.change_state(ThreadState.ANSWERED, people[comment["author"]])
            for reply_number, reply in enumerate(comment.get("replies", [])):
                add_comment(
                    thread,
                    people[reply["author"]],
                    reply["body"],
                    f"demo-{item['key']}-{number}-{reply_number}",
                    parent=top,
                )
            if (item["key"], number) == FLAGGED_COMMENT:
                for reporter in FLAGGED_BY:
                    flag(people[reporter], thread, top, FlagReason.INSULT, "Дөрекі сөз, өтінем, қараңыздар.")
        target = item["state"]
        if target is ThreadState.RESOLVED and thread.state is not ThreadState.RESOLVED:
            thread.change_state(ThreadState.RESOLVED, people[item["author"]])
        elif target is ThreadState.CLOSED:
            reason = "Бұл тақырып басқа талқылауды қайталайды."
            thread.change_state(ThreadState.CLOSED, moderator, reason)
            record_action(moderator, Action.CLOSE, reason, thread=thread)
    return added


def _load_pledges(by_slug: dict[str, Locality]) -> int:
    """Add the demo deputies and their pledges with backdated histories, checks and reactions."""
    from datetime import date, timedelta

    from community.core.db import utcnow
    from community.demo_pledges import DEPUTIES, EVIDENCE, P
    from community.pledges.models import ALLOWED_MOVES, Deputy
    from community.pledges.services import add_pledge, check_update, link_account, react, search_name

    people = {user.email: user for user in db.session.scalars(db.select(User))}
    moderator = people["aigul.moderator@halyk-uni.kz"]
    deputies = {}
    for key, name, council, district, constituency, places, party, email, bio in DEPUTIES:
        deputy = db.session.scalar(db.select(Deputy).filter_by(name=name))
        if deputy is None:
            deputy = Deputy(
                name=name,
                search_name=search_name(name),
                council=council,
                district_id=by_slug[district].id,
                constituency=constituency,
                party=party,
                term_start=2023,
                term_end=2028,
                biography=bio,
                reception_hours="Әр айдың бірінші сәрсенбісі, 10:00–13:00",
                reception_place="Аудан әкімдігі, 2-қабат, 204-кабинет",
                localities=[by_slug[slug] for slug in places],
            )
            db.session.add(deputy)
            db.session.flush()
            if email:
                link_account(deputy, people[email])
        deputies[key] = deputy
    added = 0
    now = utcnow()
    residents = [
        people[email] for email in ("asel@example.kz", "bauyrzhan@example.kz", "olga@example.kz", "nurzhan@example.kz")
    ]
    for item in P:
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
            corrects = latest if status not in ALLOWED_MOVES[pledge.status] else None
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
            )
        if latest is not None and item["verified"]:
            verified, note = item["verified"]
            check_update(moderator, latest, verified, note)
            for resident in residents[:2]:
                react(resident, latest, True, "")
        for reason, email in item["disputes"]:
            if latest is not None:
                react(people[email], latest, False, reason)
    return added


EVENTS = [
    # (key, kind, title, place, days from now, hours long, capacity, organiser, registrants, cancelled, report)
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


def _load_events(by_slug: dict[str, Locality]) -> int:
    """Add the demo events: upcoming with registrations (one full, with a waiting list), cancelled and past."""
    from datetime import timedelta

    from community.core.db import utcnow
    from community.events.models import Event, EventKind
    from community.events.services import cancel_event, create_event, register

    people = {user.email: user for user in db.session.scalars(db.select(User))}
    residents = [user for user in people.values() if user.role is Role.RESIDENT]
    added = 0
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for _key, kind, title, place, days, hours, capacity, organiser, registrants, cancelled, report in EVENTS:
        if db.session.scalar(db.select(Event).filter_by(title=title)) is not None:
            continue
        starts = now + timedelta(days=days, hours=10 - now.hour)
        event = create_event(
            people[organiser],
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
    return added


def load_demo() -> list[str]:
    """Add whatever demo content is missing and return lines describing the demo accounts."""
    by_slug = {locality.slug: locality for locality in db.session.scalars(db.select(Locality))}
    added_places = _load_locality(LOCALITIES, None, by_slug)
    added_users = 0
    for email, name, role, home, locale, password, bio in USERS:
        if user_by_email(email) is None:
            user: User = create_user(email, name, password, role=role, locality_id=by_slug[home].id, locale=locale)
            user.bio = bio
            added_users += 1
    db.session.flush()
    added_threads = _load_threads(by_slug)
    added_pledges = _load_pledges(by_slug)
    added_events = _load_events(by_slug)
    db.session.flush()
    added_dialogues = load_dialogues(by_slug)
    db.session.commit()
    lines = [
        f"Demo data: {added_places} localities, {added_users} accounts, {added_threads} threads, "
        f"{added_pledges} pledges, {added_events} events and {added_dialogues} dialogue sessions added.",
        "Demo accounts:",
    ]
    lines += [f"  {role.value:<10} {email:<34} {password}" for email, _, role, _, _, password, _ in USERS]
    return lines
