"""The search analyser's parts: Latin-script Kazakh written in Cyrillic, Kazakh stems with their softened consonants
restored, Russian stems beside them, folded terms for queries typed without the Kazakh letters."""

import pytest

from community.search.analyser import match_quality, to_cyrillic, word_terms, words


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        pytest.param("kitap", "кітап", id="informal-i"),
        pytest.param("kitaphana", "кітапхана", id="p-h-is-no-digraph"),
        pytest.param("uzynagash", "узынагаш", id="informal-u-is-u"),
        pytest.param("uzynaǵash", "ұзынағаш", id="2018-marks-make-u-ұ"),
        pytest.param("qazaqstan", "қазақстан", id="q"),
        pytest.param("zhol", "жол", id="zh"),
        pytest.param("shamalgan", "шамалган", id="sh"),
        pytest.param("oñtüstik", "оңтүстік", id="2021-letters"),
        pytest.param("ayıl", "айыл", id="2021-y-is-й"),
        pytest.param("мектеп", "мектеп", id="cyrillic-untouched"),
    ],
)
def test_latin_script_kazakh_is_written_in_cyrillic(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("мектептерімізде", "мектеп"),
        ("мектебіне", "мектеп"),
        ("кітабын", "кітап"),
        ("тарағы", "тарақ"),
        ("ауылымыздағы", "ауыл"),
        ("ауылының", "ауыл"),
        ("балабақшалар", "балабақша"),
        ("ауруханаға", "аурухана"),
        ("кітапхана", "кітапхана"),
        ("үйлерге", "үй"),
        ("жөндейді", "жөн"),
        ("салынды", "сал"),
    ],
)
def test_kazakh_words_are_stemmed(word, stem):
    exact, _ = word_terms(word)
    assert stem in exact


def test_russian_words_get_their_snowball_stem_too():
    assert word_terms("больницы")[0] & word_terms("больнице")[0]


def test_words_are_lower_cased_with_the_kazakh_letters_kept_and_nfc():
    assert words("ҚАЙНАР Ауылы, 2026!") == ["қайнар", "ауылы", "2026"]
    assert words("Ә") == words("Ә")  # A + combining diaeresis-like forms normalise to one letter


def test_folded_matches_rank_below_exact_ones():
    assert match_quality("Қайнар", "Қайнар ауылы") == 2
    assert match_quality("Кайнар", "Қайнар ауылы") == 1
    assert match_quality("Кайнар", "Керім ауылы") == 0
    assert match_quality("", "Қайнар") == 0
