"""The demo's dialogue sessions: one closed with minutes and a commitment, one upcoming, one live with questions
in every state. Written in Kazakh with some Russian, as residents would write."""

from datetime import datetime, time, timedelta

from community.accounts.models import User
from community.core.db import utcnow
from community.core.time import local_to_utc, local_today
from community.demo.accounts import people
from community.demo.builders import written_in
from community.dialogues.follow_ups import make_follow_up_pledge, question_to_appeal
from community.dialogues.models import DialogueSession, Question, SessionState
from community.dialogues.services import (
    answer_question,
    approve_question,
    ask_for,
    ask_question,
    correct_question,
    create_session,
    hide_question,
    merge_question,
    set_current,
    vote,
)
from community.extensions import db
from community.places.models import Locality
from community.pledges.models import Deputy, PledgeCategory
from community.threads.models import Category

CLOSED = {
    "title": "Жамбыл ауданы: ауыз су мәселесі бойынша ашық диалог",
    "topic": "Ұзынағаш пен Қарғалыдағы ауыз су, су құбырлары мен тарифтер",
    "description": "Депутат Гүлнар Әбдіқадырова тұрғындардың сұрақтарына жауап береді. Аудандық тұрғын үй-коммуналдық "
    "шаруашылық бөлімінің басшысы қатысады.\n\nВопросы можно задавать на казахском и русском языках.",
    "place": "uzynagash",
    "days": -20,
    "at": time(15),  # Almaty time
    "deputies": ["Гүлнар Әбдіқадырова"],
    "summary": "**Қорытынды.** Он бір сұрақ түсті, алтауы талқыланды. Қарғалыдағы су мұнарасы бойынша депутат "
    "нақты уәде берді — ол уәделер тізіміне енгізілді. Ашық қалған сұрақтар бойынша жауап жазбаша "
    "беріледі.\n\n*Итоги:* жителям обещан письменный ответ по тарифам до конца месяца.",
}
UPCOMING = {
    "title": "Талғар жастарымен кездесу: спорт және бос уақыт",
    "topic": "Спорт алаңдары, жастар орталығы, жазғы жұмыс орындары",
    "description": "Жастар кеңесі мен депутат Ерлан Жұмабаевтың кездесуі. Сұрақтарды алдын ала жіберуге болады — "
    "ең көп дауыс жинағандары бірінші қойылады.",
    "place": "talgar",
    "days": 5,
    "at": time(18),  # Almaty time
    "deputies": ["Ерлан Жұмабаев"],
}
LIVE = {
    "title": "Қаскелең: қоғамдық көлік пен жолдар — тікелей диалог",
    "topic": "Автобус бағыттары, аялдамалар, жол жөндеу кестесі",
    "description": "Тікелей эфир мен залдағы кездесу бір уақытта өтеді. Залда отырғандар сұрақтарын телефоннан "
    "жібере алады — экрандағы QR-кодты сканерлеңіз.\n\nПрямой эфир и встреча в зале одновременно.",
    "place": "kaskelen",
    "days": 0,
    "deputies": ["Наталья Петренко", "Сәуле Омарова"],
}


def _session(spec: dict, moderator: User, by_slug: dict[str, Locality], state: SessionState) -> DialogueSession:
    if "at" in spec:  # a session on another day, at a round hour of the region's time
        scheduled = local_to_utc(datetime.combine(local_today() + timedelta(days=spec["days"]), spec["at"]))
    else:  # the live one began half an hour ago
        scheduled = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=30)
    deputies = list(db.session.scalars(db.select(Deputy).where(Deputy.name.in_(spec["deputies"]))))
    return create_session(
        moderator,
        deputies,
        title=spec["title"],
        topic=spec["topic"],
        description=spec["description"],
        scheduled_at=scheduled,
        locality_id=by_slug[spec["place"]].id,
        state=state,
    )


def _ask(dialogue, author: User, body: str, key: str, anonymous: bool = False) -> Question:
    return ask_question(dialogue, author, body, anonymous, f"demo-{key}", lang=written_in(body))[0]


def _votes(question: Question, voters: list[User]) -> None:
    for voter in voters:
        vote(voter, question, True)


def load_dialogues(by_slug: dict[str, Locality]) -> int:
    """Add the three demo sessions unless they are there; returns how many were added."""
    everyone = people()
    moderator, second = everyone["aigul.moderator@halyk-uni.kz"], everyone["daniyar.moderator@halyk-uni.kz"]
    asel, bauyrzhan, olga, nurzhan = (
        everyone[e] for e in ("asel@example.kz", "bauyrzhan@example.kz", "olga@example.kz", "nurzhan@example.kz")
    )
    crowd = [asel, bauyrzhan, olga, nurzhan, everyone["erlan.deputy@halyk-uni.kz"], second]
    added = 0
    if db.session.scalar(db.select(DialogueSession).filter_by(title=CLOSED["title"])) is None:
        closed = _session(CLOSED, moderator, by_slug, SessionState.LIVE)
        tower = _ask(closed, bauyrzhan, "Қарғалыдағы су мұнарасы қашан жөнделеді? Жазда үш апта су болмады.", "c1")
        tariff = _ask(closed, olga, "Почему тариф на воду вырос на 18%, а напор в трубах стал хуже?", "c2")
        meters = _ask(closed, asel, "Су есептегіштерін тегін ауыстыру бағдарламасы бар ма?", "c3")
        left = _ask(closed, nurzhan, "Жаңа шағынауданға су құбыры қай жылы тартылады?", "c4")
        rude = _ask(closed, nurzhan, "Бәрі ұрылар, ешкім ештеңе істемейді!!!", "c5")
        for question in (tower, tariff, meters, left):
            approve_question(question, moderator)
        _votes(tower, crowd[1:]), _votes(tariff, crowd[:3]), _votes(left, crowd[:2])
        hide_question(rude, moderator, "Балағат пен жала — қоғамдық диалог ережелерін бұзады")
        answer_question(
            tariff,
            moderator,
            "Тарифті облыстық табиғи монополиялар департаменті бекітті; қысымды "
            "тексеру үшін комиссия құрылды, нәтижесі сайтта жарияланады.",
        )
        answer_question(
            meters,
            moderator,
            "Иә: зейнеткерлер мен көп балалы отбасыларға есептегіш тегін "
            "ауыстырылады, өтінім ауылдық округ әкімдігінде қабылданады.",
        )
        deputy = closed.deputies[0]
        make_follow_up_pledge(
            tower,
            moderator,
            deputy,
            "demo-dialogue-tower",
            f"/dialogues/{closed.id}",
            title="Қарғалыдағы су мұнарасын келесі жазға дейін жөндеу",
            text="Су мұнарасын жөндеуге қаражат облыстық бюджеттен сұралады; жұмыс келесі "
            "жазға дейін аяқталады, барысын тұрғындарға ай сайын хабарлаймын.",
            category=PledgeCategory.WATER,
            due_on=(utcnow() + timedelta(days=200)).date(),
        )
        closed.move_to(SessionState.CLOSED, moderator, summary=CLOSED["summary"])
        if deputy.user_id:  # the question left open goes on as its asker's appeal
            question_to_appeal(left, moderator, deputy, Category.WATER, "demo-dialogue-left")
        added += 1
    if db.session.scalar(db.select(DialogueSession).filter_by(title=UPCOMING["title"])) is None:
        upcoming = _session(UPCOMING, moderator, by_slug, SessionState.SCHEDULED)
        football = _ask(upcoming, nurzhan, "Талғарда жабық футбол алаңы салына ма? Қыста ойнайтын жер жоқ.", "u1")
        approve_question(football, moderator)
        _votes(football, [asel, olga])
        _ask(upcoming, asel, "Жазғы демалыста мектеп оқушыларына уақытша жұмыс бола ма?", "u2")
        added += 1
    if db.session.scalar(db.select(DialogueSession).filter_by(title=LIVE["title"])) is None:
        live = _session(LIVE, moderator, by_slug, SessionState.SCHEDULED)
        live.move_to(SessionState.LIVE, moderator)
        bus = _ask(live, asel, "№ 42 автобус неге кешкі сағат сегізден кейін жүрмейді?", "l1")
        stop = _ask(live, olga, "Когда на остановке у поликлиники поставят навес? Пожилые люди стоят под дождём.", "l2")
        road = _ask(live, bauyrzhan, "Абай көшесіндегі шұңқырлар қашан жөнделеді?", "l3", anonymous=True)
        again = _ask(live, nurzhan, "Абай көшесін жөндеу жоспарда бар ма?", "l4")
        light = _ask(live, nurzhan, "Жаяу жүргіншілер өткеліне бағдаршам орната аламыз ба, мектеп жанында?", "l5")
        tickets = _ask(live, asel, "Электронды билет жүйесі ауылдық бағыттарға да енгізіле ме?", "l6")
        spam = _ask(live, bauyrzhan, "Арзан көлік сатамын, хабарласыңыз 8 700 ...", "l7")
        for question in (bus, stop, road, again, light, tickets):
            approve_question(question, moderator)
        correct_question(light, second, "Мектеп жанындағы жаяу жүргіншілер өткеліне бағдаршам орнатуға бола ма?")
        hall, _ = ask_for(
            live,
            second,
            "Кешкі рейстерді көбейту үшін тұрғындардан өтініш жинау керек пе?",
            "Мұхтар ата, зейнеткер",
            "demo-l8",
            lang="kk",
        )
        _votes(bus, crowd), _votes(stop, crowd[:4]), _votes(road, crowd[:5]), _votes(again, crowd[1:3])
        _votes(light, crowd[:3]), _votes(hall, crowd[2:4])
        merge_question(again, road, moderator)
        hide_question(spam, second, "Жарнама — сессия тақырыбына қатысы жоқ")
        answer_question(
            tickets, moderator, "Иә, 2027 жылдың көктемінен бастап аудандық бағыттарда да «Онай» картасы қабылданады."
        )
        deputy = next(d for d in live.deputies if d.name == "Наталья Петренко")
        make_follow_up_pledge(
            stop,
            moderator,
            deputy,
            "demo-dialogue-stop",
            f"/dialogues/{live.id}",
            title="Емхана аялдамасына күрке орнату",
            text="Емхана жанындағы аялдамаға жабық күрке мен орындық биыл күзге дейін "
            "орнатылады. / Навес будет установлен до осени.",
            category=PledgeCategory.ROADS,
            due_on=(utcnow() + timedelta(days=120)).date(),
        )
        set_current(bus, moderator)
        _ask(live, olga, "Будет ли маршрут до нового микрорайона «Береке»?", "l9")
        _ask(live, nurzhan, "Велосипед жолдары туралы жоспар бар ма?", "l10", anonymous=True)
        added += 1
    return added
