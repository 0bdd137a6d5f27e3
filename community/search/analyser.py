"""The one text analyser of search: what a text and a query are made into before they meet in the index.

A word is lower-cased (the Kazakh letters ә ғ қ ң ө ұ ү һ і kept distinct), written in Cyrillic when it was typed in
Latin letters (the 2021 and 2018 official alphabets and the common informal spellings), and stemmed: Kazakh
suffixes (case, possessive, plural, the common verb endings) are stripped by the rules below and the consonant
they softened is restored (мектебі → мектеп, тарағы → тарақ); a word without Kazakh letters is also stemmed as
Russian by Snowball. Each word gives exact terms, and folded terms made the same way from the word with the
Kazakh letters folded to their nearest Russian ones (қ → к, ң → н, ә → а …), so a query typed without them
(«Кайнар») still finds «Қайнар», ranked below an exact match.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

KAZAKH_LETTERS = frozenset("әғқңөұүһі")
FOLDED = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"})
WORD = re.compile(r"[^\W_]+")
LATIN = re.compile(r"[a-zäáğǵıñńöóüúūýşç]")

# Latin to Cyrillic: the letters and digraphs of the 2021 alphabet (ä ğ ı ñ ö ş ü ū), of the 2018 one (á ǵ ń ó ú
# ý, sh, ch) and of informal typing (sh, ch, zh, gh, kh, q, w, u and y for ұ/ү/у and ы). Longest first.
LATIN_DIGRAPHS = {"shch": "щ", "sh": "ш", "ch": "ч", "zh": "ж", "gh": "ғ", "kh": "х", "ts": "ц", "ya": "я", "yu": "ю"}
LATIN_LETTERS = {
    "a": "а", "ä": "ә", "á": "ә", "b": "б", "c": "с", "d": "д", "e": "е", "f": "ф", "g": "г", "ğ": "ғ", "ǵ": "ғ",
    "h": "х", "i": "і", "ı": "ы", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "ñ": "ң", "ń": "ң", "o": "о",
    "ö": "ө", "ó": "ө", "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "ç": "ч", "t": "т", "u": "у", "ū": "у",
    "ü": "ү", "ú": "ү", "ý": "у", "v": "в", "w": "у", "x": "х", "y": "ы", "z": "з",
}  # fmt: skip
OFFICIAL_MARKS = frozenset("äáğǵıñńöóüúūýşç")  # a word with one of these follows an official alphabet: u is ұ
MARKS_2021 = frozenset("äğıñöüūşç")  # … the 2021 one, where y is й (ы is ı); in 2018's (á ǵ ń ó ú ý) y is ы

# Kazakh suffixes, stripped from the end of a word one at a time, the longest that fits first, while at least
# MIN_STEM letters (one of them a vowel) stay. Single vowels (а, е) and н are left out: too many stems end in them.
KAZAKH_SUFFIXES = (
    # case endings
    "ның", "нің", "дың", "дің", "тың", "тің",
    "ға", "ге", "қа", "ке",
    "ны", "ні", "ды", "ді", "ты", "ті",
    "да", "де", "та", "те",
    "дан", "ден", "тан", "тен", "нан", "нен",
    "мен", "бен", "пен",
    "дағы", "дегі", "тағы", "тегі",
    # case endings after a third-person possessive (мектеб-і-не, ауыл-ы-нда, кітаб-ы-н): stripped with it, since
    # -на, -нда and -н alone would cut too many stems (кітапхана, жөнде)
    "ына", "іне", "сына", "сіне", "ында", "інде", "сында", "сінде", "ынан", "інен", "сынан", "сінен",
    "ының", "інің", "сының", "сінің", "ын", "ін", "сын", "сін", "ындағы", "індегі",
    # possessive endings
    "ымыз", "іміз", "мыз", "міз", "ыңыз", "іңіз", "ңыз", "ңіз", "ың", "ің", "ым", "ім", "сы", "сі", "ы", "і",
    "лары", "лері", "дары", "дері", "тары", "тері",
    # plural
    "лар", "лер", "дар", "дер", "тар", "тер",
    # verb endings: present, participles
    "йды", "йді", "ған", "ген", "қан", "кен", "йтын", "йтін",
)  # fmt: skip
VERBAL_NOUN = ("у",)  # жөндеу, салу: only as the last letter of a word, and only with a verb stem left
VOICE = ("ыл", "іл")  # жабылды → жабыл → жап: only once another ending has gone
SOFTENED = {"б": "п", "ғ": "қ", "г": "к"}  # мектебі → мектеп, тарағы → тарақ, жүрегі → жүрек
MIN_STEM = 2
VOICELESS = frozenset("кқпстфхцчшщ")
VOICELESS_STARTS = frozenset("тқкп")  # endings that begin so take the voiceless form after a voiceless consonant
VOWELS = frozenset("аәеёиоөұүуыіэюя")


def _fold(text: str) -> str:
    """The text with the Kazakh letters folded to their nearest Russian ones."""
    return text.translate(FOLDED)


FOLDED_SUFFIXES = tuple(dict.fromkeys(_fold(suffix) for suffix in KAZAKH_SUFFIXES))
FOLDED_VOICE = tuple(dict.fromkeys(_fold(suffix) for suffix in VOICE))


def to_cyrillic(word: str) -> str:
    """A word typed in Latin letters written in Kazakh Cyrillic (a Cyrillic word is returned as it is)."""
    if not LATIN.search(word):
        return word
    official = any(letter in OFFICIAL_MARKS for letter in word)
    of_2021 = any(letter in MARKS_2021 for letter in word)
    out, index = [], 0
    while index < len(word):
        if (
            not official
            and word[index : index + 2] == "ng"
            and (index + 2 == len(word) or word[index + 2] not in "aeiouy")
        ):
            out.append("ң")  # Qaskeleng: ng before a consonant or at the end is ң
            index += 2
            continue
        for length in (4, 2):
            piece = word[index : index + length]
            if len(piece) == length and piece in LATIN_DIGRAPHS:
                out.append(LATIN_DIGRAPHS[piece])
                index += length
                break
        else:
            letter = word[index]
            if official and letter == "u":
                out.append("ұ")
            elif of_2021 and letter == "y":
                out.append("й")
            else:
                out.append(LATIN_LETTERS.get(letter, letter))
            index += 1
    return "".join(out)


def _strips(word: str, suffix: str) -> bool:
    """The word ends with the suffix and what stays is a stem: MIN_STEM letters or more, one of them a vowel; an
    ending that begins with т, қ, к or п only follows a voiceless consonant (Алматы is no алма + -ты)."""
    stem = word[: -len(suffix)]
    if not (word.endswith(suffix) and len(stem) >= MIN_STEM and any(letter in VOWELS for letter in stem)):
        return False
    return suffix[0] not in VOICELESS_STARTS or stem[-1] in VOICELESS


def _strip(word: str, suffixes: tuple[str, ...], voice: tuple[str, ...]) -> str:
    """Strip suffixes from the end while a stem stays, then restore the consonant a suffix softened."""
    stem, stripped = word, 0
    if stem.endswith(VERBAL_NOUN) and len(stem) > 3 and stem[-2] in VOWELS | set("лр"):
        stem = stem[:-1]
        stripped += 1
    while True:
        found = next((end for end in _longest_first(suffixes) if _strips(stem, end)), None)
        if found is None and stripped:
            found = next((end for end in voice if len(stem) > 4 and _strips(stem, end)), None)
        if found is None:
            break
        stem = stem[: -len(found)]
        stripped += 1
    if stripped and stem[-1] in SOFTENED:
        stem = stem[:-1] + SOFTENED[stem[-1]]
    return stem


@lru_cache(maxsize=8)
def _longest_first(suffixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(suffixes, key=len, reverse=True))


_russian = snowballstemmer.stemmer("russian")


@lru_cache(maxsize=50_000)
def word_terms(word: str) -> tuple[frozenset[str], frozenset[str]]:
    """A lower-cased word's exact terms and folded terms: its Kazakh stem, and its Russian stem when it has no
    Kazakh letters; the same of the word with the Kazakh letters folded. A word typed in informal Latin letters,
    where i stands for і or и, gives the terms of both readings."""
    cyrillic = to_cyrillic(word)
    if cyrillic != word and "і" in cyrillic and not OFFICIAL_MARKS & set(word):
        exact, folded = _cyrillic_terms(cyrillic)
        other_exact, other_folded = _cyrillic_terms(cyrillic.replace("і", "и"))
        return exact | other_exact, folded | other_folded
    return _cyrillic_terms(cyrillic)


def _cyrillic_terms(word: str) -> tuple[frozenset[str], frozenset[str]]:
    """word_terms of a word in Cyrillic."""
    word = word.replace("ё", "е")
    exact = {_strip(word, KAZAKH_SUFFIXES, VOICE)}
    folded_word = _fold(word)
    folded = {_strip(folded_word, FOLDED_SUFFIXES, FOLDED_VOICE)}
    if not KAZAKH_LETTERS & set(word):
        russian = _russian.stemWord(word)
        exact.add(russian)
        folded.add(russian)
    return frozenset(exact), frozenset(folded | {_fold(term) for term in exact})


def words(text: str) -> list[str]:
    """The text's words, lower-cased (NFC, so a letter typed with a combining mark is one letter)."""
    return WORD.findall(unicodedata.normalize("NFC", text or "").lower())


def text_terms(text: str) -> tuple[set[str], set[str]]:
    """Every exact and every folded term of a text, as the index keeps them."""
    exact: set[str] = set()
    folded: set[str] = set()
    for word in words(text):
        word_exact, word_folded = word_terms(word)
        exact |= word_exact
        folded |= word_folded
    return exact, folded


def match_quality(query: str, text: str) -> int:
    """How well a text answers a query: 2 when every query word is found exactly (after stemming and writing in
    Cyrillic), 1 when some are found only with the Kazakh letters folded, 0 when a word is not found at all."""
    exact, folded = text_terms(text)
    quality = 2
    query_words = words(query)
    if not query_words:
        return 0
    for word in query_words:
        word_exact, word_folded = word_terms(word)
        if word_exact & exact:
            continue
        if word_folded & folded:
            quality = 1
            continue
        return 0
    return quality
