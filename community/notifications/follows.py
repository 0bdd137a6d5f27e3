"""Following pledges, deputies, events, dialogue sessions and localities, and telling their followers of news.

A follow is one row per person and thing (core/writes.py `add_once`, so a double submit makes one row). The `tell_*`
functions are called by the domains' services in the same transaction as the happening; each makes one `notify`
call under one key, so a person who follows by two routes (a pledge and its deputy, an event and its locality) is
told once. Nothing hidden, private or a draft is told of: pledges, deputies, dialogue sessions and localities are
public, and an event is told of only once it is published.
"""

from sqlalchemy import Select, and_, func, or_, union

from community.accounts.models import User
from community.core.writes import add_once, remove_once
from community.extensions import db
from community.notifications.models import Follow, FollowTarget, NotificationKind


def follow(user: User, target: FollowTarget, target_id: int) -> bool:
    """Follow a thing once; False when the user followed it already (a second submission). Flushes."""
    return add_once(Follow(user_id=user.id, target=target, target_id=target_id))


def unfollow(user: User, target: FollowTarget, target_id: int) -> bool:
    """Stop following a thing; False when the user did not follow it."""
    return remove_once(Follow, user_id=user.id, target=target, target_id=target_id)


def is_following(user, target: FollowTarget, target_id: int) -> bool:
    """Whether the user follows the thing; False for a visitor, without a query."""
    if not getattr(user, "is_authenticated", False):
        return False
    found = db.select(Follow.user_id).filter_by(user_id=user.id, target=target, target_id=target_id).exists()
    return bool(db.session.scalar(db.select(found)))


def follower_count(target: FollowTarget, target_id: int) -> int:
    """How many people follow the thing, counted from the (target, target_id) index."""
    return db.session.scalar(
        db.select(func.count()).select_from(Follow).where(Follow.target == target, Follow.target_id == target_id)
    )


def followers_of(*things: tuple[FollowTarget, int]) -> Select:
    """A SELECT of the ids of those who follow any of these (target, id) pairs, for `notify` or a UNION."""
    return db.select(Follow.user_id).where(
        or_(*(and_(Follow.target == target, Follow.target_id == target_id) for target, target_id in things))
    )


def followers_of_localities(locality_id: int) -> Select:
    """A SELECT of the ids of those who follow the locality or any locality it lies in (its path lists them)."""
    from community.places.models import Locality

    locality = db.session.get(Locality, locality_id)
    ids = [int(part) for part in locality.path.strip("/").split("/") if part] if locality else [locality_id]
    return db.select(Follow.user_id).where(Follow.target == FollowTarget.LOCALITY, Follow.target_id.in_(ids))


def _notify(user_ids: Select, kind: NotificationKind, key: str, **about) -> int:
    from community.notifications.services import notify  # the services know the domains' models

    return notify(db.session.scalars(user_ids), kind, key, **about)


def _tell_of_pledge(pledge, kind: NotificationKind, key: str, **about) -> int:
    """Tell the followers of a pledge and of its deputy, once each."""
    followers = followers_of((FollowTarget.PLEDGE, pledge.id), (FollowTarget.DEPUTY, pledge.deputy_id))
    return _notify(followers, kind, key, pledge_id=pledge.id, **about)


def tell_pledge_update(pledge, entry) -> int:
    """Tell the followers of a pledge and of its deputy of a new update in its history (never its author)."""
    return _tell_of_pledge(
        pledge,
        NotificationKind.PLEDGE_UPDATE,
        f"pledge-update-{entry.id}",
        actor_id=entry.author_id,
        excerpt=entry.note,
        pledge_update_id=entry.id,
    )


def tell_update_checked(pledge, entry, check) -> int:
    """Tell the followers of a pledge and of its deputy that a moderator checked its latest update."""
    return _tell_of_pledge(
        pledge,
        NotificationKind.PLEDGE_CHECKED,
        f"pledge-check-{check.id}",
        actor_id=check.moderator_id,
        excerpt=check.note,
        pledge_update_id=entry.id,
    )


def tell_update_disputed(pledge, entry, reaction) -> int:
    """Tell the followers of a pledge and of its deputy that a resident disputed its latest update, with why."""
    return _tell_of_pledge(
        pledge,
        NotificationKind.PLEDGE_DISPUTED,
        f"pledge-dispute-{reaction.id}",
        actor_id=reaction.user_id,
        excerpt=reaction.reason,
        pledge_update_id=entry.id,
    )


def event_audience(event, registered: Select) -> Select:
    """Those registered (the SELECT given) and the followers of an event, for news of its time, place or end."""
    return union(registered, followers_of((FollowTarget.EVENT, event.id)))


def tell_new_event(event) -> int:
    """Tell the followers of an event's locality and of the places it lies in that it is announced; drafts never."""
    if event.published_at is None:
        return 0
    return _notify(
        followers_of_localities(event.locality_id),
        NotificationKind.EVENT_IN_LOCALITY,
        f"event-new-{event.id}",
        actor_id=event.organiser_id,
        event_id=event.id,
    )


def tell_new_thread(thread) -> int:
    """Tell the followers of an issue's locality and of the places it lies in that it was raised; hidden ones and a
    pledge's discussion never."""
    if thread.is_hidden or thread.pledge_id is not None:
        return 0
    return _notify(
        followers_of_localities(thread.locality_id),
        NotificationKind.THREAD_IN_LOCALITY,
        f"thread-new-{thread.id}",
        actor_id=thread.author_id,
        excerpt=thread.body,
        thread_id=thread.id,
    )


def tell_dialogue_live(dialogue, by_id: int | None) -> int:
    """Tell a dialogue session's followers it is live, once: a resume after a break is under the same key."""
    return _notify(
        followers_of((FollowTarget.DIALOGUE, dialogue.id)),
        NotificationKind.DIALOGUE_LIVE,
        f"dialogue-live-{dialogue.id}",
        actor_id=by_id,
        dialogue_id=dialogue.id,
    )


def tell_dialogue_closed(dialogue, by_id: int | None, summary: str = "") -> int:
    """Tell a dialogue session's followers it is closed and its minutes, with the answers, are public."""
    return _notify(
        followers_of((FollowTarget.DIALOGUE, dialogue.id)),
        NotificationKind.DIALOGUE_CLOSED,
        f"dialogue-closed-{dialogue.id}",
        actor_id=by_id,
        excerpt=summary,
        dialogue_id=dialogue.id,
    )
