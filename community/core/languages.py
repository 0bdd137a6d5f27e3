"""The languages users write in: which ones a text may be in, and the `lang` attribute that marks a text written in
another language than the page's."""

from markupsafe import Markup

from community.core.i18n import current_lang

# Each named in itself, as a language picker names them.
TEXT_LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def text_language(lang: str | None) -> str | None:
    """lang when a text may be written in it, else None (unknown)."""
    return lang if lang in TEXT_LANGUAGES else None


def lang_attr(lang: str | None) -> Markup:
    """` lang="ru"` for the element holding a text written in another language than the page's (a screen reader
    then reads it in its own voice); nothing for a text in the page's language or of unknown language. A template
    filter: `<div class="prose"{{ comment.lang|lang_attr }}>`."""
    if text_language(lang) and lang != current_lang():
        return Markup(' lang="{}"').format(lang)
    return Markup("")
