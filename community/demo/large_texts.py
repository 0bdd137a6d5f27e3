"""The large data set's texts, put together from the word lists with the generator's seeded random: issue titles
and posts, comments and replies, names, pledges and their updates, events and dialogue questions; Kazakh, with a
Russian share."""

import random

from community.demo import large_words as W

_KIND_WORDS = {"ауылы", "қаласы", "кенті", "ауданы", "округі", "ауылдық", "облысы"}
_LOCATIVE = {
    "ауылы": "ауылында",
    "қаласы": "қаласында",
    "кенті": "кентінде",
    "ауданы": "ауданында",
    "округі": "округінде",
    "облысы": "облысында",
}
_RU_KIND_WORDS = ("село ", "город ", "посёлок ", " район", " сельский округ", " область")


def short_name(name_kk: str) -> str:
    """A place's name without its kind: «Шамалған ауылдық округі» → «Шамалған»."""
    words = name_kk.split()
    while len(words) > 1 and words[-1] in _KIND_WORDS:
        words.pop()
    return " ".join(words)


def short_name_ru(name_ru: str) -> str:
    """The Russian name without its kind: «село Шамалган» → «Шамалган»."""
    for word in _RU_KIND_WORDS:
        name_ru = name_ru.replace(word, "")
    return name_ru.strip()


def locative(name_kk: str) -> str:
    """«Шамалған ауылы» → «Шамалған ауылында», for pledges that say where."""
    words = name_kk.split()
    words[-1] = _LOCATIVE.get(words[-1], words[-1])
    return " ".join(words)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Values(dict):
    """A template's values; a street or a number is drawn only when the template asks for one."""

    def __init__(self, rng: random.Random, **given):
        super().__init__(given)
        self.rng = rng

    def __missing__(self, name: str):
        rng = self.rng
        if name == "subject_lc":
            value = _lower_first(self["subject"])
        elif name == "street":
            value = rng.choice(W.STREETS)[0]
        else:
            low, high = {"n": (12, 300), "k": (2, 9), "year": (2012, 2024)}[name]
            value = rng.randint(low, high)
        self[name] = value
        return value


class Texts:
    """Every generated text, drawn from one seeded random so a seed always gives the same data."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def _fill(self, template: str, subject: str = "", place: str = "", **extra) -> str:
        return template.format_map(_Values(self.rng, subject=subject, place=place, **extra))

    def thread(self, category: str, place_kk: str, place_ru: str, russian: bool) -> tuple[str, str]:
        """A local issue's title and Markdown body about a subject of the category in a place."""
        rng = self.rng
        lang = 1 if russian else 0
        place = place_ru if russian else place_kk
        subject = rng.choice(W.SUBJECTS[category][lang])
        endings = (W.ISSUE_ENDINGS if category in W.ISSUE_CATEGORIES else W.THING_ENDINGS)[lang]
        ending = rng.choice(endings)
        form = rng.random()
        if form < 0.4:
            title = f"{subject} {ending}"
        elif form < 0.75:
            title = f"{place}: {_lower_first(subject)} {ending}"
        else:
            street_kk, street_ru = rng.choice(W.STREETS)
            street = f"Улица {street_ru}" if russian else f"{street_kk} көшесі"
            title = f"{street}: {_lower_first(subject)} {ending}"
        problems = W.PROBLEM_RU if russian else W.PROBLEM_KK
        length = min(rng.randint(2, 6) + int(rng.expovariate(0.5)), len(problems))
        sentences = [self._fill(s, subject, place) for s in rng.sample(problems, length)]
        paragraphs = []
        if rng.random() < 0.4:
            paragraphs.append(rng.choice(W.OPENING_RU if russian else W.OPENING_KK))
        cut = rng.randint(1, len(sentences))
        paragraphs.append(" ".join(sentences[:cut]))
        if sentences[cut:]:
            paragraphs.append(" ".join(sentences[cut:]))
        requests = W.REQUEST_RU if russian else W.REQUEST_KK
        paragraphs.append(" ".join(rng.sample(requests, rng.randint(1, 2))))
        if rng.random() < 0.5:
            paragraphs.append(rng.choice(W.CLOSING_RU if russian else W.CLOSING_KK))
        return title, "\n\n".join(paragraphs)

    def comment(self, russian: bool) -> str:
        """A comment of one to four sentences."""
        rng = self.rng
        pool = W.COMMENT_RU if russian else W.COMMENT_KK
        roll = rng.random()
        parts = [self._fill(s) for s in rng.sample(pool, 1 if roll < 0.35 else 2 if roll < 0.75 else 3)]
        if rng.random() < 0.3:
            category = rng.choice(list(W.SUBJECTS))
            subject = rng.choice(W.SUBJECTS[category][1 if russian else 0])
            problem = rng.choice(W.PROBLEM_RU if russian else W.PROBLEM_KK)
            parts.append(self._fill(problem, subject, ""))
        return " ".join(parts)

    def reply(self, russian: bool) -> str:
        """A reply: a short sentence, sometimes with a comment's."""
        rng = self.rng
        text = rng.choice(W.REPLY_RU if russian else W.REPLY_KK)
        if rng.random() < 0.35:
            text += " " + self._fill(rng.choice(W.COMMENT_RU if russian else W.COMMENT_KK))
        return text

    def official(self) -> str:
        """A deputy's official answer to a local issue."""
        return self._fill(self.rng.choice(W.OFFICIAL), next=self.rng.randint(2026, 2028))

    def person(self, russian_speaker: bool) -> str:
        """A name and surname (or patronymic)."""
        rng = self.rng
        female = rng.random() < 0.52
        if russian_speaker and rng.random() < 0.5:
            first = rng.choice(W.RU_FEMALE if female else W.RU_MALE)
            if rng.random() < 0.3:
                return f"{first} {rng.choice(W.RU_PLAIN_SURNAMES)}"
            return f"{first} {rng.choice(W.RU_SURNAMES)}{'а' if female else ''}"
        first = rng.choice(W.KK_FEMALE if female else W.KK_MALE)
        if rng.random() < 0.3:
            return f"{first} {rng.choice(W.KK_PATRONYMS)}{'қызы' if female else 'ұлы'}"
        return f"{first} {rng.choice(W.KK_SURNAMES)}{'а' if female else ''}"

    def biography(self) -> str:
        """A deputy's short biography."""
        rng = self.rng
        return (
            f"{rng.choice(W.PROFESSIONS)}, {rng.randint(5, 30)} жыл {rng.choice(W.FIELDS)} саласында жұмыс істеді. "
            f"Мәслихаттың {rng.choice(W.FIELDS)} мәселелері жөніндегі комиссиясының мүшесі."
        )

    def pledge(self, category: str, place_locative: str) -> tuple[str, str]:
        """A pledge's title and text."""
        rng = self.rng
        templates, topic = W.PLEDGES[category]
        title = _upper_first(self._fill(rng.choice(templates), place=place_locative, n=rng.randint(2, 9)))
        text = (
            f"Сайлауалды кездесулерде тұрғындар {topic} мәселесін жиі көтерді. {title}. "
            f"Жұмыс {rng.randint(2025, 2028)} жылға дейін аяқталады, барысын тұрғындарға тұрақты түрде "
            "хабарлап отырамын."
        )
        return title, text

    def update_note(self, status: str, progress: int) -> str:
        """What a pledge update says for its new status."""
        return self.rng.choice(W.UPDATE_NOTES[status]).format(p=progress)

    def event(self, kind: str, place_kk: str, place_ru: str, russian: bool) -> tuple[str, str]:
        """An event's title and description."""
        rng = self.rng
        topic_kk, topic_ru = rng.choice(W.TOPICS)
        street_kk, street_ru = rng.choice(W.STREETS)
        template = W.EVENT_TITLES[kind][1 if russian else 0]
        if russian:
            title = template.format(place=place_ru, topic=topic_ru, street=street_ru)
            description = (
                f"Приглашаем жителей. Тема встречи — {topic_ru}.\n\n"
                "- Повестка публикуется заранее\n- Вход свободный\n- Число мест ограничено"
            )
        else:
            title = template.format(place=place_kk, topic=topic_kk, street=street_kk)
            description = (
                f"Барлық тұрғындарды шақырамыз. Кездесу тақырыбы — {topic_kk}.\n\n"
                "- Күн тәртібі алдын ала жарияланады\n- Кіру тегін\n- Орын саны шектеулі"
            )
        return _upper_first(title)[:200], description

    def event_report(self) -> str:
        """What the organiser wrote after the event."""
        return self._fill(self.rng.choice(W.EVENT_REPORTS))

    def question(self, place_kk: str, russian: bool) -> str:
        """A resident's question in a dialogue session."""
        rng = self.rng
        lang = 1 if russian else 0
        category = rng.choice(list(W.SUBJECTS))
        subject = rng.choice(W.SUBJECTS[category][lang])
        return self._fill(rng.choice(W.QUESTION_FORMS[lang]), subject, place_kk)
