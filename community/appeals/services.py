"""Appeal workflows: sending, acknowledging, answering, asking for details, passing on, closing, supporting.

Each move is a guarded write on the appeal (core/states.py) with its history entry appended in the same flush, and
raises the addressee's inbox version, so their header count and inbox are fresh on the next poll. The answer's
term is counted in working days (core/workdays.py) from the day the appeal was sent; the days the deputy waited
for the author do not count.
"""

from flask import current_app

from community.accounts.models import User
from community.appeals.models import (
    Appeal,
    AppealEntry,
    AppealFollow,
    AppealOutcome,
    AppealState,
    AppealSupport,
    EntryKind,
)
from community.core.db import utcnow
from community.core.states import MoveRefused
from community.core.time import local_today, local_zone
from community.core.workdays import add_working_days, working_days_between
from community.core.writes import add_once, bump, insert_once, remove_once
from community.extensions import db
from community.pledges.models import Deputy


def _local_day(moment):
    """The region's calendar day of a stored time."""
    return moment.astimezone(local_zone()).date()


def _inbox_changed(*deputy_ids: int) -> None:
    """Raise the inbox version of each deputy whose appeals changed."""
    for deputy_id in {deputy_id for deputy_id in deputy_ids if deputy_id}:
        bump(Deputy, deputy_id, inbox_version=1)


def _record(appeal: Appeal, kind: EntryKind, by: User | None, body: str = "", **fields) -> AppealEntry:
    """Append one history entry (a step taken by an assistant names the deputy it was taken for) and tell the other
    side of it."""
    entry = AppealEntry(appeal_id=appeal.id, kind=kind, by_id=by.id if by else None, body=body, **fields)
    if by is not None and kind in (EntryKind.RECEIVED, EntryKind.ASKED, EntryKind.PASSED_ON, EntryKind.ANSWERED):
        entry.for_deputy_id = appeal.deputy_id
    db.session.add(entry)
    db.session.flush()
    tell_of_step(appeal, entry)
    return entry


def tell_of_step(appeal: Appeal, entry: AppealEntry) -> None:
    """Tell the author of each step the addressee takes, and the addressee (and their assistant) of a new appeal
    and of the author's details."""
    from community.notifications.models import NotificationKind as Kind
    from community.notifications.services import notify

    to_author = {
        EntryKind.RECEIVED: Kind.APPEAL_RECEIVED,
        EntryKind.ANSWERED: Kind.APPEAL_ANSWERED,
        EntryKind.ASKED: Kind.APPEAL_ASKED,
        EntryKind.PASSED_ON: Kind.APPEAL_PASSED_ON,
    }
    about = {"key": f"appeal-step-{entry.id}", "actor_id": entry.by_id, "excerpt": entry.body, "appeal_id": appeal.id}
    if entry.kind in to_author:
        notify([appeal.author_id], to_author[entry.kind], **about)
    if entry.kind in (EntryKind.ANSWERED, EntryKind.PASSED_ON, EntryKind.CLOSED) and appeal.public:
        followers = db.select(AppealFollow.user_id).where(AppealFollow.appeal_id == appeal.id)
        notify(db.session.scalars(followers), Kind.FOLLOWED_APPEAL, **about)  # the author was told above
    if entry.kind in (EntryKind.SENT, EntryKind.DETAILS, EntryKind.PASSED_ON):
        deputy = db.session.get(Deputy, entry.to_deputy_id or appeal.deputy_id)
        kind = Kind.APPEAL_DETAILS if entry.kind is EntryKind.DETAILS else Kind.APPEAL_NEW
        notify([deputy.user_id, deputy.assistant_id], kind, **{**about, "key": f"appeal-step-{entry.id}-to"})


def may_receive_appeals(deputy: Deputy) -> bool:
    """A deputy receives appeals only through an account linked to their profile."""
    return deputy.user_id is not None


def send_appeal(author: User, deputy: Deputy, submission_key: str, **fields) -> tuple[Appeal, bool]:
    """Send an appeal once per submission key (a repeat gets the first); the author follows it. Returns the appeal
    and whether it is new. Raises MoveRefused when the deputy has no account to receive it."""
    if not may_receive_appeals(deputy):
        raise MoveRefused()
    term = current_app.config["APPEAL_ANSWER_DAYS"]
    appeal = Appeal(
        author_id=author.id,
        deputy_id=deputy.id,
        submission_key=submission_key,
        due_on=add_working_days(local_today(), term),
        **fields,
    )
    appeal, new = insert_once(appeal, author_id=author.id, submission_key=submission_key)
    if new:
        _record(appeal, EntryKind.SENT, author, to_deputy_id=deputy.id)
        add_once(AppealFollow(user_id=author.id, appeal_id=appeal.id))
        _inbox_changed(deputy.id)
    return appeal, new


def acknowledge_appeal(appeal: Appeal, by: User, note: str = "") -> bool:
    """Mark a sent appeal received when its addressee (or their assistant) opens it, or when the deputy heard it
    in a dialogue's hall and promised to follow it up (the promise as the note); False when it was already."""
    if appeal.state is not AppealState.SENT:
        return False
    try:
        appeal.move_to(AppealState.RECEIVED, received_at=utcnow())
    except MoveRefused:
        return False
    _record(appeal, EntryKind.RECEIVED, by, note)
    _inbox_changed(appeal.deputy_id)
    return True


def answer_appeal(appeal: Appeal, by: User, body: str) -> AppealEntry:
    """Answer an appeal awaiting its answer; the first answer's time in working days is kept for the scorecards.
    Raises MoveRefused when it awaits no answer now."""
    now = utcnow()
    values = {"answered_at": now, "answer_days": answer_days(appeal, now)} if appeal.answered_at is None else {}
    if appeal.received_at is None:
        values["received_at"] = now
    appeal.move_to(AppealState.ANSWERED, **values)
    _inbox_changed(appeal.deputy_id)
    return _record(appeal, EntryKind.ANSWERED, by, body)


def answer_days(appeal: Appeal, now) -> int:
    """Working days from the sending to `now`, less the days the clock stood still."""
    return max(working_days_between(_local_day(appeal.created_at), _local_day(now)) - appeal.stopped_days, 0)


def ask_for_details(appeal: Appeal, by: User, body: str) -> AppealEntry:
    """Ask the author for more details; the clock stops until they answer. Raises MoveRefused when it awaits no
    answer now."""
    appeal.move_to(AppealState.WAITING, waiting_since=utcnow())
    _inbox_changed(appeal.deputy_id)
    return _record(appeal, EntryKind.ASKED, by, body)


def add_details(appeal: Appeal, author: User, body: str) -> AppealEntry:
    """The author's details: the clock runs again, and the deadline moves by the working days it stood still.
    Raises MoveRefused unless the deputy is waiting for them."""
    stopped = working_days_between(_local_day(appeal.waiting_since or utcnow()), local_today())
    appeal.move_to(
        AppealState.RECEIVED,
        waiting_since=None,
        stopped_days=appeal.stopped_days + stopped,
        due_on=add_working_days(appeal.due_on, stopped),
    )
    _inbox_changed(appeal.deputy_id)
    return _record(appeal, EntryKind.DETAILS, author, body)


def pass_on_appeal(appeal: Appeal, by: User, to: Deputy, note: str) -> AppealEntry:
    """Pass an appeal on to another deputy who can receive it: it is sent anew to them, its deadline unchanged
    (the author has waited since they sent it). Raises MoveRefused when it awaits no answer, or the deputy is the
    same or cannot receive appeals."""
    if to.id == appeal.deputy_id or not may_receive_appeals(to):
        raise MoveRefused()
    was_deputy = appeal.deputy_id
    entry = _record(appeal, EntryKind.PASSED_ON, by, note, to_deputy_id=to.id)
    appeal.move_to(AppealState.SENT, Appeal.deputy_id == was_deputy, deputy_id=to.id, received_at=None)
    add_once(AppealFollow(user_id=appeal.author_id, appeal_id=appeal.id))
    _inbox_changed(was_deputy, to.id)
    return entry


def close_appeal(appeal: Appeal, author: User, outcome: AppealOutcome, helped: bool | None) -> AppealEntry:
    """The author closes an answered appeal as resolved or not, and may say whether the answer helped. Raises
    MoveRefused unless it is answered."""
    appeal.move_to(AppealState.CLOSED, closed_at=utcnow(), outcome=outcome, helped=helped)
    _inbox_changed(appeal.deputy_id)
    return _record(appeal, EntryKind.CLOSED, author)


def support_appeal(user: User, appeal: Appeal) -> bool:
    """Add one's "me too" to a public appeal once; False when it was there already."""
    if not add_once(AppealSupport(user_id=user.id, appeal_id=appeal.id)):
        return False
    bump(Appeal, appeal.id, support_count=1)
    return True


def withdraw_appeal_support(user: User, appeal: Appeal) -> bool:
    """Take one's "me too" back; False when there was none."""
    if not remove_once(AppealSupport, user_id=user.id, appeal_id=appeal.id):
        return False
    bump(Appeal, appeal.id, support_count=-1)
    return True


def name_assistant(deputy: Deputy, assistant: User | None) -> None:
    """Name the account that may answer on the deputy's behalf, or nobody."""
    deputy.assistant_id = assistant.id if assistant else None
    _inbox_changed(deputy.id)


def follow_appeal(user: User, appeal: Appeal) -> bool:
    """Follow an appeal once (to hear of its answer); False when one did already."""
    return add_once(AppealFollow(user_id=user.id, appeal_id=appeal.id))


def unfollow_appeal(user: User, appeal: Appeal) -> bool:
    """Stop following an appeal; False when one did not."""
    return remove_once(AppealFollow, user_id=user.id, appeal_id=appeal.id)
