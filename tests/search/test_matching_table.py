"""The search analyser's matching table: which texts a query finds, and how well, as a reader of Kazakh and Russian
expects a Kazakh-aware search to behave (issue 17).

Each case is (query, text, expected quality) for `match_quality(query, text)`:

* 2: every query word is found exactly, after stemming (Kazakh case, plural and possessive endings, verb endings,
  the softened consonants restored: мектебі → мектеп, тарағы → тарақ; Russian words through Snowball) and after
  writing Latin-script Kazakh in Cyrillic;
* 1: some word is found only with the Kazakh letters folded (ә→а, ғ→г, қ→к, ң→н, ө→о, ұ/ү→у, і→и, һ→х), as when a
  query is typed without them («Кайнар» for «Қайнар»);
* 0: some query word is not in the text at all.

A positive case asserts `match_quality(query, text) >= expected`: an informal Latin spelling that drops a Kazakh
letter's distinction («Uzynagash», «Kaskelen») may be matched exactly or only folded, so it is written with 1. A
negative case (expected 0) asserts `== 0`. Queries typed in Cyrillic without the Kazakh letters must match at exactly
1, never 2: `test_folded_queries_match_below_exact_ones` checks that strictly.

Latin spellings: the official alphabets are the 2018 one with acute marks (á ǵ ń ó ú ý, sh, ch; ы is y, і is i) and
the 2021 one with diaeresis and cedilla (ä ğ ñ ö ü ū ş ç; ы is ı, і is i); informal typing uses sh, ch, zh, gh, kh,
ng, q, w or u for у, u for ұ/ү, y for ы and i for і.
"""

import pytest

from community.search.analyser import match_quality

# Kazakh nouns: case endings on мектеп (voiceless final п: -ке, -те, -тен, -тің, -ті, -пен), and the other way round.
NOUN_CASES = [
    pytest.param("мектеп", "Балалар мектепке жаяу барады", 2, id="mektep-dative-ke"),
    pytest.param("мектеп", "Мектепте жылу жоқ", 2, id="mektep-locative-te"),
    pytest.param("мектеп", "Мектептен үйге дейінгі жол", 2, id="mektep-ablative-ten"),
    pytest.param("мектеп", "Мектептің шатыры ағады", 2, id="mektep-genitive-tin"),
    pytest.param("мектеп", "Мектепті жөндеу керек", 2, id="mektep-accusative-ti"),
    pytest.param("мектеп", "Мектеппен келісілді", 2, id="mektep-instrumental-pen"),
    pytest.param("мектептің", "Жаңа мектеп салынды", 2, id="inflected-query-finds-bare-noun"),
    pytest.param("мектепке", "Мектептен үйге дейінгі жол", 2, id="two-inflected-forms-meet"),
]

# Plural (-лар/-лер after a vowel) and case endings on nouns ending in a vowel.
PLURALS = [
    pytest.param("балабақша", "Балабақшалар жетпейді", 2, id="balabaqsha-plural"),
    pytest.param("балабақша", "Балабақшаға орын жоқ", 2, id="balabaqsha-dative"),
    pytest.param("балабақшалар", "Балабақшада орын жоқ", 2, id="plural-query-finds-locative"),
    pytest.param("аурухана", "Ауруханаға жол жабық", 2, id="aurukhana-dative"),
    pytest.param("аурухана", "Ауылдағы ауруханалар", 2, id="aurukhana-plural"),
    pytest.param("ауруханалар", "Аудандық аурухана", 2, id="plural-query-finds-singular"),
]

# Possessive endings, alone and followed by a case ending (ауылымыздағы, ауылының, мектебіне).
POSSESSIVES = [
    pytest.param("мектеп", "Біздің мектебіміз ескі", 2, id="mektep-our"),
    pytest.param("кітап", "Оның кітабы", 2, id="kitap-his"),
    pytest.param("ауыл", "Ауылымыздағы су құбыры", 2, id="auyl-our-locative-attributive"),
    pytest.param("ауыл", "Ауылымыз шағын", 2, id="auyl-our"),
    pytest.param("ауыл", "Ауылының көшелері", 2, id="auyl-his-genitive"),
    pytest.param("мектеп", "Мектебіне жол салынды", 2, id="mektep-his-dative"),
]

# Chains: plural, then possessive, then case.
CHAINS = [
    pytest.param("мектеп", "Мектептерімізде спорт залы жоқ", 2, id="mektep-plural-our-locative"),
    pytest.param("бала", "Балаларымызға ойын алаңы керек", 2, id="bala-plural-our-dative"),
    pytest.param("үй", "Үйлеріміздің жанында", 2, id="ui-plural-our-genitive"),
]

# Vowel harmony: front stems take -лер/-ге/-де, back stems -лар/-ға/-да.
VOWEL_HARMONY = [
    pytest.param("үй", "Көп қабатты үйлер", 2, id="ui-front-plural"),
    pytest.param("үй", "Үйге су келмейді", 2, id="ui-front-dative"),
    pytest.param("бала", "Балалар алаңы", 2, id="bala-back-plural"),
    pytest.param("бала", "Балаға арналған", 2, id="bala-back-dative"),
    pytest.param("көл", "Көлге қоқыс тасталады", 2, id="kol-front-dative"),
]

# Consonant alternations: a final п, қ, к softens to б, ғ, г before a vowel; the stem is found from either form.
ALTERNATIONS = [
    pytest.param("мектеп", "Мектебі жабылды", 2, id="mektep-mektebi"),
    pytest.param("кітап", "Кітабын қайтарды", 2, id="kitap-kitabyn"),
    pytest.param("тарақ", "Тарағы сынды", 2, id="taraq-taragy"),
    pytest.param("жүрек", "Жүрегі ауырады", 2, id="zhurek-zhuregi"),
    pytest.param("сабақ", "Сабағы ерте басталады", 2, id="sabaq-sabagy"),
    pytest.param("көмек", "Көмегі керек", 2, id="komek-komegi"),
    pytest.param("кітабы", "Жаңа кітап", 2, id="softened-query-finds-bare-noun"),
]

# The first consonant of an ending follows the stem's last sound: -дан after л, -тен after п, -ден after a vowel.
ENDING_ASSIMILATION = [
    pytest.param("ауыл", "Ауылдан қалаға автобус жоқ", 2, id="auyl-ablative-dan"),
    pytest.param("көше", "Көшеден су ағып жатыр", 2, id="koshe-ablative-den"),
    pytest.param("көше", "Көшеге жарық керек", 2, id="koshe-dative-ge"),
    pytest.param("жол", "Жолдан өту қауіпті", 2, id="zhol-ablative-dan"),
    pytest.param("кітап", "Кітапқа тапсырыс берілді", 2, id="kitap-dative-qa"),
]

# Verbs: the verbal noun (-у), the past (-ды/-ді), the present (-йды/-йді), the passive (-ын/-ыл).
VERBS = [
    pytest.param("жөндеу", "Жолды жөндеді", 2, id="zhondeu-past"),
    pytest.param("жөндеу", "Әкімдік шатырды жөндейді", 2, id="zhondeu-present"),
    pytest.param("жөндеді", "Көпірді жөндеу керек", 2, id="past-query-finds-verbal-noun"),
    pytest.param("салу", "Жаңа мектеп салынды", 2, id="salu-passive-past"),
    pytest.param("салу", "Көпірді кім салды", 2, id="salu-past"),
    pytest.param("салынды", "Спорт алаңын салу", 2, id="passive-query-finds-verbal-noun"),
    pytest.param("тазалау", "Көшені тазалады", 2, id="tazalau-past"),
    pytest.param("тазалау", "Қарды кім тазалайды", 2, id="tazalau-present"),
]

# Russian inflection, through Snowball's Russian stemmer.
RUSSIAN = [
    pytest.param("больница", "В районе нет больницы", 2, id="ru-bolnitsa-genitive"),
    pytest.param("больница", "В больнице нет врача", 2, id="ru-bolnitsa-prepositional"),
    pytest.param("больница", "В районе мало больниц", 2, id="ru-bolnitsa-genitive-plural"),
    pytest.param("больницы", "Больница закрыта", 2, id="ru-inflected-query-finds-nominative"),
    pytest.param("дорога", "Ремонт дороги", 2, id="ru-doroga-genitive"),
    pytest.param("дорога", "Отремонтируйте дорогу", 2, id="ru-doroga-accusative"),
    pytest.param("дорога", "По дорогам не проехать", 2, id="ru-doroga-dative-plural"),
    pytest.param("ремонт", "После ремонта стало хуже", 2, id="ru-remont-genitive"),
    pytest.param("ремонт", "Жители недовольны ремонтом", 2, id="ru-remont-instrumental"),
    pytest.param("школа", "Возле школы нет светофора", 2, id="ru-shkola-genitive"),
    pytest.param("освещение", "Нет уличного освещения", 2, id="ru-osveshchenie-genitive"),
]

# Latin script, official alphabets: the Kazakh letter is written distinctly, so the match is exact.
LATIN_OFFICIAL = [
    pytest.param("qazaqstan", "Қазақстан Республикасы", 2, id="latin-qazaqstan"),
    pytest.param("Ózen", "Өзен жағасы ластанған", 2, id="latin-2018-ozen"),
    pytest.param("Uzynaǵash", "Ұзынағаш ауылы", 2, id="latin-2018-uzynagash"),
    pytest.param("Qaskeleń", "Қаскелең қаласы", 2, id="latin-2018-qaskelen"),
    pytest.param("Oñtüstik", "Оңтүстік аудан", 2, id="latin-2021-ontustik"),
    pytest.param("Şamalğan", "Шамалған стансасы", 2, id="latin-2021-shamalgan"),
    pytest.param("mektep", "Мектептерде жылу жоқ", 2, id="latin-mektep-finds-plural-locative"),
    pytest.param("mektebimiz", "Жаңа мектеп", 2, id="latin-possessive-finds-bare-noun"),
    pytest.param("kitap", "Оның кітабы", 2, id="latin-kitap-i-is-kazakh-i"),
    pytest.param("kitaphana", "Кітапханаға барамыз", 2, id="latin-kitaphana"),
    pytest.param("кітап", "Jańa kitap", 2, id="cyrillic-query-finds-latin-text"),
]

# Latin script, informal spellings: digraphs that keep the letter (zh, sh, gh, kh, ch) are exact; spellings that drop
# a Kazakh letter (g for ғ, k for қ, n for ң, u for ұ/ү) match at least folded. «ng» is also the written н + г of
# forms like сенген, so «Qaskeleng» is only required to match at all.
LATIN_INFORMAL = [
    pytest.param("zhol", "Жолды жөндеу керек", 2, id="informal-zh"),
    pytest.param("Shamalghan", "Шамалған стансасы", 2, id="informal-sh-gh"),
    pytest.param("kitapkhana", "Кітапхана жабық", 2, id="informal-kh"),
    pytest.param("chempionat", "Чемпионат өтті", 2, id="informal-ch"),
    pytest.param("auyl", "Ауылда су жоқ", 2, id="informal-u-y"),
    pytest.param("taw", "Тау бөктерінде", 2, id="informal-w-for-u"),
    pytest.param("Almaty", "Алматы облысы", 2, id="informal-y-for-y"),
    pytest.param("Uzynagash", "Ұзынағаш ауылы", 1, id="informal-uzynagash"),
    pytest.param("Kaskelen", "Қаскелең қаласы", 1, id="informal-kaskelen"),
    pytest.param("shamalgan", "Шамалған стансасы", 1, id="informal-shamalgan"),
    pytest.param("Qaskeleng", "Қаскелең қаласы", 1, id="informal-ng"),
    pytest.param("Turgen", "Түрген ауылы", 1, id="informal-u-for-u-umlaut"),
]

# Upper case, in both scripts: lower-casing keeps the Kazakh letters.
UPPER_CASE = [
    pytest.param("ҚАЙНАР", "Қайнар ауылы", 2, id="upper-qainar"),
    pytest.param("МЕКТЕП", "Мектептің шатыры", 2, id="upper-mektep-finds-genitive"),
    pytest.param("UZYNAǴASH", "Ұзынағаш ауылы", 2, id="upper-latin-2018"),
    pytest.param("БОЛЬНИЦА", "Нет больницы", 2, id="upper-ru"),
]

# Queries typed in Cyrillic without the Kazakh letters (and a text typed so): found, but only folded.
FOLDED = [
    pytest.param("Кайнар", "Қайнар ауылы", 1, id="folded-kainar"),
    pytest.param("Онтустик", "Оңтүстік аудан", 1, id="folded-ontustik"),
    pytest.param("Узынагаш", "Ұзынағаш ауылы", 1, id="folded-uzynagash"),
    pytest.param("балабакша", "Балабақша салынды", 1, id="folded-balabaqsha"),
    pytest.param("балабакшалар", "Балабақшаға орын жоқ", 1, id="folded-and-inflected"),
    pytest.param("китап", "Кітабы жоғалды", 1, id="folded-and-softened"),
    pytest.param("Каскелен", "Қаскелең қаласы", 1, id="folded-kaskelen"),
    pytest.param("Шамалган", "Шамалған стансасы", 1, id="folded-shamalgan"),
    pytest.param("Қайнар", "Кайнар ауылы", 1, id="folded-text-exact-query"),
]

# Several words: every word must be found, in any order; the lowest quality of the words counts.
MULTI_WORD = [
    pytest.param("мектеп жөндеу", "Мектептерді жөндеу керек", 2, id="multi-mektep-zhondeu"),
    pytest.param("жөндеу мектеп", "Мектепті жөндеу", 2, id="multi-any-order"),
    pytest.param("ремонт дороги", "Нужен ремонт дорог в Каскелене", 2, id="multi-ru"),
    pytest.param("Mektep jóndeý", "Мектепті жөндеу керек", 2, id="multi-latin-2018"),
    pytest.param("Кайнар мектеп", "Қайнар ауылының мектебі", 1, id="multi-one-folded-word"),
]

# Must not match: different words a careless stemmer would merge (a shared beginning, a stripped letter that is no
# ending: -ты follows only a voiceless consonant, so Алматы is not алма + -ты), compounds, and a query word missing.
NO_MATCH = [
    pytest.param("ауыл", "Жағдайы өте ауыр", 0, id="no-auyl-auyr"),
    pytest.param("мектеп", "Кітап дүкені", 0, id="no-mektep-kitap"),
    pytest.param("су", "Сұрақ бар", 0, id="no-su-suraq"),
    pytest.param("су", "Күн суық", 0, id="no-su-suyq"),
    pytest.param("көше", "Көшет отырғызу", 0, id="no-koshe-koshet"),
    pytest.param("бала", "Балық аулау", 0, id="no-bala-balyq"),
    pytest.param("жол", "Жолдасым айтты", 0, id="no-zhol-zholdas"),
    pytest.param("көл", "Көлік тұрағы", 0, id="no-kol-kolik"),
    pytest.param("кітап", "Кітапхана жабық", 0, id="no-kitap-kitaphana"),
    pytest.param("алма", "Алматы облысы", 0, id="no-alma-almaty"),
    pytest.param("Оңтүстік", "Солтүстік аудан", 0, id="no-ontustik-soltustik"),
    pytest.param("Онтустик", "Солтүстік аудан", 0, id="no-folded-ontustik-soltustik"),
    pytest.param("газ", "Газон тапталды", 0, id="no-ru-gaz-gazon"),
    pytest.param("свет", "Сломан светофор", 0, id="no-ru-svet-svetofor"),
    pytest.param("вода", "Водитель автобуса", 0, id="no-ru-voda-voditel"),
    pytest.param("мектеп жөндеу", "Мектепте концерт болды", 0, id="no-multi-second-word-missing"),
    pytest.param("Қайнар мектеп", "Қайнар ауылы", 0, id="no-multi-first-word-only"),
]

MATCHING_TABLE = (
    NOUN_CASES
    + PLURALS
    + POSSESSIVES
    + CHAINS
    + VOWEL_HARMONY
    + ALTERNATIONS
    + ENDING_ASSIMILATION
    + VERBS
    + RUSSIAN
    + LATIN_OFFICIAL
    + LATIN_INFORMAL
    + UPPER_CASE
    + FOLDED
    + MULTI_WORD
    + NO_MATCH
)


@pytest.mark.parametrize(("query", "text", "expected"), MATCHING_TABLE)
def test_matching_table(query, text, expected):
    quality = match_quality(query, text)
    if expected == 0:
        assert quality == 0
    else:
        assert quality >= expected


@pytest.mark.parametrize(("query", "text", "expected"), FOLDED)
def test_folded_queries_match_below_exact_ones(query, text, expected):
    assert match_quality(query, text) == 1


def test_an_exact_spelling_ranks_above_a_folded_one():
    assert match_quality("Қайнар", "Қайнар ауылы") == 2
    assert match_quality("Кайнар", "Қайнар ауылы") == 1


@pytest.mark.parametrize(
    ("exact", "folded", "text"),
    [
        pytest.param("Оңтүстік", "Онтустик", "Оңтүстік аудан", id="ontustik"),
        pytest.param("Ұзынағаш", "Узынагаш", "Ұзынағаш ауылы", id="uzynagash"),
        pytest.param("балабақша", "балабакша", "Балабақшалар жетпейді", id="balabaqsha"),
    ],
)
def test_the_kazakh_spelling_outranks_the_folded_one(exact, folded, text):
    assert match_quality(exact, text) == 2
    assert match_quality(folded, text) == 1
