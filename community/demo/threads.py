"""The demo's local issues brought in: started, supported, commented on and answered, one closed by a moderator
and one comment flagged twice."""

from community.demo.accounts import AIGUL, ASEL, OLGA, people
from community.demo.builders import written_in
from community.demo.issues import ISSUES
from community.demo.more_issues import MORE_ISSUES
from community.moderation.models import Action, FlagReason
from community.moderation.services import flag, record_action
from community.places.models import Locality
from community.threads.marks import support_thread
from community.threads.models import ThreadState
from community.threads.services import add_comment, start_thread

THREADS = ISSUES + MORE_ISSUES

# The comment to flag in the demo: (thread key, index of the top-level comment), reported by these users.
FLAGGED_COMMENT = ("kargaly-stray-dogs", 1)
FLAGGED_BY = [ASEL, OLGA]


def load_threads(by_slug: dict[str, Locality]) -> int:
    """Add the demo local issues that are missing, with their comments, supports, answers, states and one flagged
    comment; returns how many were added."""
    everyone = people()
    moderator = everyone[AIGUL]
    added = 0
    for item in THREADS:
        addressed = everyone[item["addressed_to"]] if item.get("addressed_to") else None
        thread, created = start_thread(
            everyone[item["author"]],
            f"demo-{item['key']}",
            title=item["title"],
            body=item["body"],
            locality_id=by_slug[item["place"]].id,
            category=item["category"],
            addressed_to_id=addressed.id if addressed else None,
            lang=written_in(item["title"] + " " + item["body"]),
        )
        if not created:
            continue
        added += 1
        for supporter in item.get("supporters", []):
            support_thread(everyone[supporter], thread)
        for number, comment in enumerate(item.get("comments", [])):
            top, _ = add_comment(
                thread,
                everyone[comment["author"]],
                comment["body"],
                f"demo-{item['key']}-{number}",
                official=comment.get("official", False),
                lang=written_in(comment["body"]),
            )
            if comment.get("official") and thread.state is ThreadState.OPEN:
                thread.move_to(ThreadState.ANSWERED, everyone[comment["author"]])
            for reply_number, reply in enumerate(comment.get("replies", [])):
                add_comment(
                    thread,
                    everyone[reply["author"]],
                    reply["body"],
                    f"demo-{item['key']}-{number}-{reply_number}",
                    parent=top,
                    lang=written_in(reply["body"]),
                )
            if (item["key"], number) == FLAGGED_COMMENT:
                for reporter in FLAGGED_BY:
                    flag(everyone[reporter], thread, top, FlagReason.INSULT, "Дөрекі сөз, өтінем, қараңыздар.")
        target = item["state"]
        if target is ThreadState.RESOLVED and thread.state is not ThreadState.RESOLVED:
            thread.move_to(ThreadState.RESOLVED, everyone[item["author"]])
        elif target is ThreadState.CLOSED:
            reason = "Бұл тақырып басқа талқылауды қайталайды."
            thread.move_to(ThreadState.CLOSED, moderator, reason)
            record_action(moderator, Action.CLOSE, reason, thread=thread)
    return added
