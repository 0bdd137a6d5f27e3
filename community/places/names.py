"""Place names in Latin script for the English pages: Kazakh Cyrillic spelled letter by letter as on the region's
road signs and maps (the Latin letters of Kazakh passports: Қаскелең → Kaskelen, Жаркент → Zharkent, Есік → Esik),
and the administrative word of a Kazakh name put in English (Талғар ауданы → Talgar District).

Migration 0014 keeps its own copy of these tables, so that what it wrote stays what it writes; a test holds the
two equal."""

LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o",
    "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh",
    "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip

# The administrative word that ends a Kazakh place name, and what the English name ends with instead ("" drops
# it: a town or village is called by its name alone). Longer endings first.
KIND_WORDS = (
    ("ауылдық округі", "Rural District"),
    ("облысы", "Region"),
    ("ауданы", "District"),
    ("қаласы", ""),
    ("ауылы", ""),
    ("кенті", ""),
)


def transliterate(text: str) -> str:
    """Kazakh (or Russian) Cyrillic in Latin letters; anything else is kept. A capital letter that stands for two
    Latin ones is capitalised as a word's first letter (Жаркент → Zharkent) and wholly in a word of capitals
    (ЖСДП → ZHSDP)."""
    out = []
    for index, letter in enumerate(text):
        latin = LATIN.get(letter.lower())
        if latin is None:
            out.append(letter)
        elif letter.islower():
            out.append(latin)
        else:
            following = text[index + 1 : index + 2]
            out.append(latin.upper() if following.isupper() else latin.capitalize())
    return "".join(out)


def english_name(name_kk: str) -> str:
    """A locality's English name from its Kazakh one: the name in Latin letters, its administrative word in English
    (Алматы облысы → Almaty Region, Шамалған ауылдық округі → Shamalgan Rural District, Бақанас ауылы → Bakanas)."""
    name = " ".join(name_kk.split())
    for word, english in KIND_WORDS:
        if name.endswith(" " + word):
            stem = transliterate(name[: -len(word) - 1])
            return f"{stem} {english}" if english else stem
    return transliterate(name)
