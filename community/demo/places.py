"""The demo's places: Almaty region, its districts, towns and villages, named in Kazakh and Russian."""

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


def load_places() -> tuple[dict[str, Locality], int]:
    """Add the demo localities that are missing; returns every locality by slug and how many were added."""
    by_slug = {locality.slug: locality for locality in db.session.scalars(db.select(Locality))}
    return by_slug, _load_locality(LOCALITIES, None, by_slug)


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
