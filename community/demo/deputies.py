"""The demo's deputies of Almaty region: their councils, constituencies and biographies, four of them linked to
their accounts."""

from community.demo.accounts import people
from community.extensions import db
from community.places.models import Locality
from community.pledges.models import Council, Deputy
from community.pledges.services import link_account, search_name

# Parties' names in Kazakh, Russian and English.
AMANAT = ("AMANAT", "AMANAT", "AMANAT")
RESPUBLICA = ("Respublica", "Respublica", "Respublica")
AK_ZHOL = ("Ақ жол", "Ак жол", "Ak Zhol")
PEOPLES_PARTY = ("Қазақстан Халық партиясы", "Народная партия Казахстана", "People's Party of Kazakhstan")
AUYL = ("Ауыл", "Ауыл", "Auyl")
NSDP = ("ЖСДП", "ОСДП", "NSDP")

# (key, name, council, district slug, constituency, constituency localities, party, account e-mail, biography)
DEPUTIES = [
    (
        "abdikadyrova",
        "Гүлнар Әбдіқадырова",
        Council.REGION,
        "zhambyl-district",
        "№7 Жамбыл сайлау округі",
        ["uzynagash", "kargaly"],
        AMANAT,
        "gulnar.deputy@halyk-uni.kz",
        "Мұғалім, 20 жыл мектепте жұмыс істеді. Облыстық мәслихаттың әлеуметтік мәселелер комиссиясының мүшесі.",
    ),
    (
        "zhumabayev",
        "Ерлан Жұмабаев",
        Council.DISTRICT,
        "talgar-district",
        "№3 Талғар сайлау округі",
        ["talgar", "beskainar"],
        AMANAT,
        "erlan.deputy@halyk-uni.kz",
        "Спорт шебері, жастар кеңесінің бұрынғы төрағасы.",
    ),
    (
        "kim",
        "Сергей Ким",
        Council.DISTRICT,
        "ile-district",
        "Избирательный округ №5, Отеген батыр",
        ["otegen-batyr", "boralday"],
        RESPUBLICA,
        "sergey.deputy@halyk-uni.kz",
        "Инженер-строитель. В маслихате — комиссия по инфраструктуре и ЖКХ.",
    ),
    (
        "omarova",
        "Сәуле Омарова",
        Council.REGION,
        "karasai-district",
        "№12 Қарасай сайлау округі",
        ["kaskelen", "shamalgan"],
        AK_ZHOL,
        None,
        "Дәрігер-педиатр, Қаскелең аудандық ауруханасының бұрынғы бас дәрігері.",
    ),
    (
        "seitkali",
        "Бақыт Сейітқали",
        Council.DISTRICT,
        "enbekshikazakh-district",
        "№2 Есік сайлау округі",
        ["esik", "turgen"],
        AMANAT,
        None,
        "Фермер, ауыл шаруашылығы кооперативінің төрағасы.",
    ),
    (
        "nurlanuly",
        "Дәурен Нұрланұлы",
        Council.REGION,
        "raiymbek-district",
        "№15 Райымбек сайлау округі",
        ["narynkol"],
        PEOPLES_PARTY,
        None,
        "Ветеринар, ауыл әкімі болған.",
    ),
    (
        "petrenko",
        "Наталья Петренко",
        Council.DISTRICT,
        "karasai-district",
        "Избирательный округ №8, Каскелен",
        ["kaskelen"],
        RESPUBLICA,
        None,
        "Предприниматель, председатель совета родителей школы №3.",
    ),
    (
        "tokhtarov",
        "Асқар Тоқтаров",
        Council.MAZHILIS,
        "konaev",
        "Алматы облысы бойынша бір мандатты округ",
        ["almaty-region", "konaev", "bakanas"],
        AMANAT,
        None,
        "Мәжіліс депутаты, Қонаев қаласының бұрынғы әкімінің орынбасары.",
    ),
]


def load_deputies(by_slug: dict[str, Locality]) -> dict[str, Deputy]:
    """Add the demo deputies that are missing, linking their accounts; returns every demo deputy by key."""
    everyone = people()
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
                party_kk=party[0],
                party_ru=party[1],
                party_en=party[2],
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
                link_account(deputy, everyone[email])
        elif not (deputy.party_ru or deputy.party_en):  # loaded before parties had names in each language
            deputy.party_kk, deputy.party_ru, deputy.party_en = party
        deputies[key] = deputy
    return deputies
