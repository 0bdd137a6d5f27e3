"""Roles and every authorization rule, as small pure functions used by views and templates."""

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from community.core.db import LabelledEnum


class Role(LabelledEnum):
    """What an account may do; each role includes the ones before it in RANK."""

    RESIDENT = "resident", _l("Resident")
    DEPUTY = "deputy", _l("Deputy")
    MODERATOR = "moderator", _l("Moderator")
    ADMIN = "admin", _l("Administrator")


def _is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def acting_role(user) -> Role:
    """The role a signed-in user acts with now: a deputy, moderator or admin whose session has not passed the second
    factor acts as a resident (the session loader marks them)."""
    return Role.RESIDENT if getattr(user, "acting_as_resident", False) else user.role


def has_role(user, *roles: Role) -> bool:
    """True when the signed-in user acts with one of the roles (see acting_role)."""
    return _is_signed_in(user) and acting_role(user) in roles


def needs_second_factor(user) -> bool:
    """A deputy, moderator or admin signed in without a second factor: asked to enrol or enter a code, and acting
    as a resident meanwhile."""
    return _is_signed_in(user) and getattr(user, "acting_as_resident", False)


def can_open_inbox(user) -> bool:
    """Deputies acting as such have an inbox of appeals (the header links it, with its count)."""
    return has_role(user, Role.DEPUTY)


def _is_deputy_of(user, deputy) -> bool:
    """The account linked to this deputy profile, acting as a deputy (its second factor passed)."""
    return deputy is not None and has_role(user, Role.DEPUTY) and deputy.user_id == user.id


def can_moderate(user) -> bool:
    """Moderators and admins moderate content."""
    return has_role(user, Role.MODERATOR, Role.ADMIN)


def can_administer(user) -> bool:
    """Only admins manage users, roles, localities and deputy profiles."""
    return has_role(user, Role.ADMIN)


def can_edit_profile(user, profile_user) -> bool:
    """A user edits their own profile; admins edit anyone's."""
    return _is_signed_in(user) and (user.id == profile_user.id or can_administer(user))


def can_see_email(user, profile_user) -> bool:
    """An e-mail address is shown only to its owner and to admins."""
    return can_edit_profile(user, profile_user)


def can_download_data(user, account) -> bool:
    """A signed-in user downloads their own data, and nobody else's."""
    return _is_signed_in(user) and user.id == account.id


def can_delete_account(user, account) -> bool:
    """A resident deletes their own account; a deputy's, moderator's or admin's account is an admin's to handle
    (their pledges, answers and actions are public records)."""
    return can_download_data(user, account) and account.role is Role.RESIDENT and account.deleted_at is None


def can_take_part(user) -> bool:
    """Signed-in users who are not suspended may post, support and flag."""
    return _is_signed_in(user) and not user.is_suspended


def can_start_thread(user) -> bool:
    """Any signed-in, unsuspended user raises a local issue."""
    return can_take_part(user)


def can_see_hidden(user) -> bool:
    """Moderators see hidden content (with a banner); everyone else gets 404."""
    return can_moderate(user)


def _takes_writes(item) -> bool:
    """A hidden thread or comment, and any comment of a hidden thread, takes no new writes from anyone, moderators
    included: only the moderators' hide and restore (and the queue's dismiss) touch it, and they ask can_moderate."""
    if item.is_hidden:
        return False
    thread = getattr(item, "thread", None)  # a comment's thread; a thread has none
    return thread is None or not thread.is_hidden


def can_edit_thread(user, thread) -> bool:
    """Authors edit their own thread while it is open or answered and not hidden."""
    return can_take_part(user) and thread.author_id == user.id and thread.takes_comments and _takes_writes(thread)


def can_comment(user, thread) -> bool:
    """Comment while the thread is open or answered and neither locked nor hidden."""
    return can_take_part(user) and thread.takes_comments and _takes_writes(thread)


def can_reply(user, comment) -> bool:
    """Reply to a comment that is neither deleted nor hidden, where one may comment."""
    return can_comment(user, comment.thread) and comment.deleted_at is None and _takes_writes(comment)


def can_edit_comment(user, comment) -> bool:
    """Authors edit their own comments while they are neither deleted nor hidden (nor is their thread)."""
    return (
        can_take_part(user) and comment.author_id == user.id and comment.deleted_at is None and _takes_writes(comment)
    )


def can_delete_comment(user, comment) -> bool:
    """Authors delete their own comments, except hidden ones (a moderator's decision keeps what it was about);
    moderators hide instead, with a reason."""
    return (
        _is_signed_in(user) and comment.author_id == user.id and comment.deleted_at is None and _takes_writes(comment)
    )


def can_support(user, item) -> bool:
    """Signed-in, unsuspended users support a thread or comment that is not hidden, once each (or take it back)."""
    return can_take_part(user) and _takes_writes(item)


def can_follow(user, thread) -> bool:
    """Signed-in, unsuspended users follow a thread that is not hidden, or stop following it."""
    return can_take_part(user) and _takes_writes(thread)


def can_follow_target(user, item) -> bool:
    """Signed-in, unsuspended users follow a pledge, deputy, event, dialogue session or locality everyone may see
    (not a draft event, nothing hidden), or stop following it."""
    public = getattr(item, "published_at", True) is not None and not getattr(item, "is_hidden", False)
    return can_take_part(user) and public


def can_answer_officially(user, thread) -> bool:
    """The deputy a thread is addressed to, or a moderator, posts the official answer while it takes comments."""
    if not can_take_part(user) or not thread.takes_comments or not _takes_writes(thread):
        return False
    return can_moderate(user) or (has_role(user, Role.DEPUTY) and thread.addressed_to_id == user.id)


def can_resolve_thread(user, thread) -> bool:
    """The author or a moderator marks a thread that is not hidden resolved; whether it may be resolved now is
    the move's to say (Thread.may_move_to), so a thread resolved meanwhile is a 409, not a 403."""
    return _is_signed_in(user) and (thread.author_id == user.id or can_moderate(user)) and _takes_writes(thread)


def can_close_thread(user, thread) -> bool:
    """Moderators close threads that are not hidden, with a reason (open or answered ones: the move says)."""
    return can_moderate(user) and _takes_writes(thread)


def can_reopen_thread(user, thread) -> bool:
    """Moderators reopen threads that are not hidden (resolved or closed ones: the move says); the author reopens
    their own resolved issue when it turns out not to be (a closed one is the moderators' decision)."""
    if not _takes_writes(thread):
        return False
    own_resolved = thread.author_id == getattr(user, "id", None) and thread.state.value == "resolved"
    return can_moderate(user) or (can_take_part(user) and own_resolved)


def can_lock_or_pin_thread(user, thread) -> bool:
    """Moderators lock, unlock, pin and unpin threads that are not hidden."""
    return can_moderate(user) and _takes_writes(thread)


def can_flag(user, item) -> bool:
    """Signed-in users flag what others wrote, while it is not hidden."""
    return can_take_part(user) and item.author_id != user.id and _takes_writes(item)


def can_update_pledge(user, pledge) -> bool:
    """The deputy whose pledge it is, or a moderator or admin on the deputy's behalf."""
    return can_add_pledge(user, pledge.deputy)


def can_add_pledge(user, deputy) -> bool:
    """A deputy adds pledges to their own profile; moderators and admins to any."""
    if not can_take_part(user):
        return False
    return can_moderate(user) or (has_role(user, Role.DEPUTY) and deputy.user_id == user.id)


def can_check_update(user) -> bool:
    """Moderators mark a pledge update verified or not verified."""
    return can_moderate(user)


def can_react_to_update(user, pledge) -> bool:
    """Signed-in residents confirm or dispute an update, once each; not the pledge's own deputy."""
    return can_take_part(user) and pledge.deputy.user_id != user.id


def can_organise_events(user) -> bool:
    """Deputies (their reception days), moderators and admins announce events."""
    return can_take_part(user) and (can_moderate(user) or has_role(user, Role.DEPUTY))


def _is_organiser_of(user, event) -> bool:
    """The event's organiser, acting with the role that let them announce it (their second factor passed)."""
    return event.organiser_id == user.id and acting_role(user) is not Role.RESIDENT


def can_manage_event(user, event) -> bool:
    """The organiser (acting with their role), moderators and admins edit and cancel an event, see it while it is a
    draft, and see its registrants."""
    return _is_signed_in(user) and (_is_organiser_of(user, event) or can_moderate(user))


def can_register(user, event) -> bool:
    """Signed-in, unsuspended residents register while registration is open."""
    return can_take_part(user) and event.registration_open()


def can_book_slot(user, event) -> bool:
    """Signed-in, unsuspended residents book a time at a reception day while registration is open (one a day: the
    booking says so)."""
    return can_register(user, event)


def can_manage_reception(user, event) -> bool:
    """The organiser, moderators and admins, and a deputy taking part (their profile linked to the event) run a
    reception day: open and remove its times, see who booked them and why, mark visits held or missed."""
    return _is_signed_in(user) and (
        _is_organiser_of(user, event) or can_moderate(user) or any(_is_deputy_of(user, d) for d in event.deputies)
    )


def can_cancel_booking(user, slot) -> bool:
    """A resident gives back the time they booked (before it begins: the booking says so)."""
    return _is_signed_in(user) and slot.user_id is not None and slot.user_id == user.id


def can_see_booking(user, slot) -> bool:
    """Who booked a time and why is seen by the booker and by those who run the day; everyone else sees it taken."""
    return can_cancel_booking(user, slot) or can_manage_reception(user, slot.event)


def can_run_dialogues(user) -> bool:
    """Moderators and admins create, open, pause and close dialogue sessions and work their questions, several
    at once; a closed session keeps its record (its open questions may still be sent to a deputy)."""
    return can_take_part(user) and can_moderate(user)


def can_ask_question(user, dialogue) -> bool:
    """Signed-in, unsuspended residents ask before and during a session, not on a break or after it."""
    return can_take_part(user) and dialogue.state.takes_questions


def can_vote_question(user, question) -> bool:
    """Signed-in, unsuspended residents vote once for an open question while the session takes votes."""
    return can_ask_question(user, question.session) and question.state.takes_votes


def can_withdraw_question(user, question) -> bool:
    """Authors take back their own question while it waits or is open, until the session closes."""
    return (
        _is_signed_in(user)
        and question.author_id == user.id
        and question.state.may_be_withdrawn
        and not question.session.state.is_over
    )


def can_see_question_author(user) -> bool:
    """Only moderators learn who asked an anonymous question; the public pages never say."""
    return can_moderate(user)


def can_write_appeal(user) -> bool:
    """Signed-in, unsuspended residents write to a deputy (one whose profile has an account to receive it)."""
    return can_take_part(user)


def _is_addressee(user, appeal) -> bool:
    """The deputy an appeal is addressed to, or the assistant they named."""
    deputy = appeal.deputy
    return _is_signed_in(user) and (_is_deputy_of(user, deputy) or deputy.assistant_id == user.id)


def can_see_appeal(user, appeal) -> bool:
    """A public appeal is seen by everyone while it is not hidden (moderators see hidden ones too); a private one by
    its author, its addressee (and their assistant) and admins only: to anyone else it does not exist."""
    if _is_signed_in(user) and (appeal.author_id == user.id or _is_addressee(user, appeal) or can_administer(user)):
        return True
    return appeal.public and (not appeal.is_hidden or can_moderate(user))


def can_see_appeal_contact(user, appeal) -> bool:
    """The contact details an author gave are for the addressee (and their assistant), the author and admins."""
    return _is_signed_in(user) and (appeal.author_id == user.id or _is_addressee(user, appeal) or can_administer(user))


def can_handle_appeal(user, appeal) -> bool:
    """The addressee or their assistant acknowledges, answers, asks for details or passes on an appeal (whether it
    may move now is the move's to say)."""
    return can_take_part(user) and _is_addressee(user, appeal) and not appeal.is_hidden


def can_add_appeal_details(user, appeal) -> bool:
    """The author adds the details the deputy asked for."""
    return can_take_part(user) and appeal.author_id == user.id and appeal.state.value == "waiting"


def can_close_appeal(user, appeal) -> bool:
    """The author closes an answered appeal, saying whether it was resolved and whether the answer helped."""
    return _is_signed_in(user) and appeal.author_id == user.id and appeal.state.value == "answered"


def can_support_appeal(user, appeal) -> bool:
    """Signed-in, unsuspended residents add their "me too" to someone else's public appeal that is not hidden."""
    return can_take_part(user) and appeal.public and not appeal.is_hidden and appeal.author_id != user.id


def can_follow_appeal(user, appeal) -> bool:
    """Signed-in, unsuspended users follow an appeal they may see (a private one: its parties), or stop following."""
    return can_take_part(user) and can_see_appeal(user, appeal) and not appeal.is_hidden


def can_use_inbox(user, deputy) -> bool:
    """A deputy's inbox is theirs and their assistant's."""
    return (
        _is_signed_in(user) and deputy is not None and (_is_deputy_of(user, deputy) or deputy.assistant_id == user.id)
    )


def can_name_assistant(user, deputy) -> bool:
    """A deputy names (or removes) the assistant who may answer on their behalf; admins may too."""
    return can_take_part(user) and (_is_deputy_of(user, deputy) or can_administer(user))


def viewer_kind(user) -> str:
    """Every fact about a viewer the rules look at, except what they own: visitor, or role and suspension; parts of
    pages shared among viewers (core/pagecache.py `shared_part`) are kept per kind."""
    if not _is_signed_in(user):
        return "visitor"
    return f"{acting_role(user).value}{'-suspended' if user.is_suspended else ''}"


RULES = {name: rule for name, rule in globals().items() if name.startswith("can_") and callable(rule)}


def ensure(allowed: bool) -> None:
    """Stop the request unless a rule allowed it: visitors are sent to sign in, signed-in users get 403."""
    from community.extensions import login_manager

    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not allowed:
        abort(403)
