"""The demo's places: Almaty region, its districts, towns and villages, named in Kazakh, Russian and English (the
conventional English names, as on maps of the region)."""

from community.extensions import db
from community.places.models import Locality, LocalityKind
from community.places.names import english_name
from community.places.services import create_locality

K = LocalityKind
# (slug, kind, Kazakh name, Russian name, English name, children)
LOCALITIES = (
    "almaty-region",
    K.REGION,
    "Алматы облысы",
    "Алматинская область",
    "Almaty Region",
    [
        ("konaev", K.CITY, "Қонаев қаласы", "город Конаев", "Konaev", []),
        (
            "balkhash-district",
            K.DISTRICT,
            "Балқаш ауданы",
            "Балхашский район",
            "Balkhash District",
            [
                ("bakanas", K.VILLAGE, "Бақанас ауылы", "село Баканас", "Bakanas", []),
            ],
        ),
        (
            "enbekshikazakh-district",
            K.DISTRICT,
            "Еңбекшіқазақ ауданы",
            "Енбекшиказахский район",
            "Enbekshikazakh District",
            [
                ("esik", K.CITY, "Есік қаласы", "город Есик", "Esik", []),
                ("turgen", K.VILLAGE, "Түрген ауылы", "село Тургень", "Turgen", []),
                ("shelek", K.VILLAGE, "Шелек ауылы", "село Шелек", "Shelek", []),
            ],
        ),
        (
            "zhambyl-district",
            K.DISTRICT,
            "Жамбыл ауданы",
            "Жамбылский район",
            "Zhambyl District",
            [
                ("uzynagash", K.VILLAGE, "Ұзынағаш ауылы", "село Узынагаш", "Uzynagash", []),
                ("kargaly", K.VILLAGE, "Қарғалы ауылы", "село Каргалы", "Kargaly", []),
            ],
        ),
        (
            "ile-district",
            K.DISTRICT,
            "Іле ауданы",
            "Илийский район",
            "Ile District",
            [
                ("otegen-batyr", K.VILLAGE, "Өтеген батыр кенті", "посёлок Отеген батыр", "Otegen Batyr", []),
                ("baiserke", K.VILLAGE, "Байсерке ауылы", "село Байсерке", "Baiserke", []),
                ("boralday", K.VILLAGE, "Боралдай кенті", "посёлок Боралдай", "Boralday", []),
            ],
        ),
        (
            "karasai-district",
            K.DISTRICT,
            "Қарасай ауданы",
            "Карасайский район",
            "Karasai District",
            [
                ("kaskelen", K.CITY, "Қаскелең қаласы", "город Каскелен", "Kaskelen", []),
                (
                    "shamalgan-rural",
                    K.RURAL_DISTRICT,
                    "Шамалған ауылдық округі",
                    "Шамалганский сельский округ",
                    "Shamalgan Rural District",
                    [
                        ("shamalgan", K.VILLAGE, "Шамалған ауылы", "село Шамалган", "Shamalgan", []),
                    ],
                ),
            ],
        ),
        (
            "kegen-district",
            K.DISTRICT,
            "Кеген ауданы",
            "Кегенский район",
            "Kegen District",
            [
                ("kegen", K.VILLAGE, "Кеген ауылы", "село Кеген", "Kegen", []),
            ],
        ),
        (
            "raiymbek-district",
            K.DISTRICT,
            "Райымбек ауданы",
            "Райымбекский район",
            "Raiymbek District",
            [
                ("narynkol", K.VILLAGE, "Нарынқол ауылы", "село Нарынкол", "Narynkol", []),
            ],
        ),
        (
            "talgar-district",
            K.DISTRICT,
            "Талғар ауданы",
            "Талгарский район",
            "Talgar District",
            [
                ("talgar", K.CITY, "Талғар қаласы", "город Талгар", "Talgar", []),
                ("beskainar", K.VILLAGE, "Бесқайнар ауылы", "село Бескайнар", "Beskainar", []),
            ],
        ),
        (
            "uighur-district",
            K.DISTRICT,
            "Ұйғыр ауданы",
            "Уйгурский район",
            "Uygur District",
            [
                ("chundzha", K.VILLAGE, "Шонжы ауылы", "село Чунджа", "Chundzha", []),
            ],
        ),
    ],
)


def load_places() -> tuple[dict[str, Locality], int]:
    """Add the demo localities that are missing; returns every locality by slug and how many were added."""
    by_slug = {locality.slug: locality for locality in db.session.scalars(db.select(Locality))}
    return by_slug, _load_locality(LOCALITIES, None, by_slug)


def _load_locality(node, parent: Locality | None, by_slug: dict[str, Locality]) -> int:
    slug, kind, name_kk, name_ru, name_en, children = node
    added = 0
    locality = by_slug.get(slug)
    if locality is None:
        locality = create_locality(parent, slug=slug, kind=kind, name_kk=name_kk, name_ru=name_ru, name_en=name_en)
        by_slug[slug] = locality
        added = 1
    elif locality.name_en == english_name(locality.name_kk):
        locality.name_en = name_en  # a place loaded before English names, named by migration 0014's spelling
    for child in children:
        added += _load_locality(child, locality, by_slug)
    return added
