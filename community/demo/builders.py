"""How the demo's content lists are written down: a local issue with its comments, and a pledge with its updates;
and which language each text is in."""

from community.threads.models import ThreadState

KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def written_in(text: str) -> str:
    """The language of a demo text, told by its letters: Kazakh with a letter only Kazakh has, Russian in other
    Cyrillic, else English. Good enough for the demo's texts, which are one or the other; not for users' texts."""
    if KAZAKH_LETTERS.intersection(text):
        return "kk"
    if any("а" <= letter.lower() <= "я" or letter in "ёЁ" for letter in text):
        return "ru"
    return "en"


def thread(
    key, title, body, place, category, author, addressed_to=None, state=ThreadState.OPEN, supporters=(), comments=()
):
    """A local issue: started by author in place, supported, commented on, and left in state."""
    return {
        "key": key,
        "title": title,
        "body": body,
        "place": place,
        "category": category,
        "author": author,
        "addressed_to": addressed_to,
        "state": state,
        "supporters": list(supporters),
        "comments": list(comments),
    }


def comment(author, body, replies=(), official=False):
    """A top-level comment, with replies as (author, body) pairs; official when a deputy answers."""
    return {
        "author": author,
        "body": body,
        "official": official,
        "replies": [{"author": a, "body": b} for a, b in replies],
    }


def pledge(key, deputy, title, text, place, category, made_on, due_on, updates, verified=None, disputes=()):
    """A deputy's pledge; updates are (days ago, status, progress, note, with evidence), oldest first."""
    return {
        "key": key,
        "deputy": deputy,
        "title": title,
        "text": text,
        "place": place,
        "category": category,
        "made_on": made_on,
        "due_on": due_on,
        "updates": updates,
        "verified": verified,
        "disputes": list(disputes),
    }
