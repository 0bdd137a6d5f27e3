"""create_<model> helpers that make valid rows with little typing."""

import itertools

from community.accounts.models import User
from community.accounts.services import create_user as create_account
from community.core.permissions import Role
from community.extensions import db
from community.places.models import Locality, LocalityKind
from community.places.services import create_locality as add_locality

PASSWORD = "Dala-Zhuldyz-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # every test account with a second factor uses this one
_numbers = itertools.count(1)


def create_locality(slug: str, kind: str, name_kk: str, name_ru: str, parent: Locality | None = None) -> Locality:
    """A locality under a parent (or a root one); flushed, not committed."""
    return add_locality(parent, slug=slug, kind=LocalityKind(kind), name_kk=name_kk, name_ru=name_ru)


def create_user(
    role: str = "resident", email: str | None = None, name: str | None = None, two_factor: bool | None = None, **fields
) -> User:
    """A committed account with a role and the known PASSWORD; deputies, moderators and admins have a second
    factor (TOTP_SECRET) unless two_factor=False, residents only with two_factor=True."""
    from community.core.db import utcnow

    number = next(_numbers)
    user = create_account(
        email or f"{role}{number}@example.kz",
        name or f"{role.title()} {number}",
        fields.pop("password", PASSWORD),
        role=Role(role),
        **fields,
    )
    if two_factor if two_factor is not None else role != "resident":
        user.totp_secret, user.two_factor_since = TOTP_SECRET, utcnow()
    db.session.commit()
    return user


def create_thread(author: User, locality: Locality, title: str = "Ауылда көше шамдары жанбайды", **fields):
    """A committed thread by an author in a locality."""
    from community.threads.models import Category
    from community.threads.services import start_thread

    thread, _ = start_thread(
        author,
        fields.pop("submission_key", f"key-{next(_numbers)}"),
        title=title,
        body=fields.pop("body", "Абай көшесінде үш айдан бері шам жоқ, балалар қараңғыда жүреді."),
        locality_id=locality.id,
        category=fields.pop("category", Category.ROADS),
        **fields,
    )
    db.session.commit()
    return thread


def create_comment(thread, author: User, body: str = "Мен де қолдаймын, бізде де солай.", **fields):
    """A committed comment (or reply, with parent=) on a thread."""
    from community.threads.services import add_comment

    comment, _ = add_comment(thread, author, body, fields.pop("submission_key", f"c-{next(_numbers)}"), **fields)
    db.session.commit()
    return comment


def create_deputy(name: str = "Гүлнар Әбдіқадырова", user: User | None = None, **fields):
    """A committed deputy profile, optionally linked to an account."""
    from community.pledges.models import Council, Deputy
    from community.pledges.services import search_name

    deputy = Deputy(
        name=name,
        search_name=search_name(name),
        council=fields.pop("council", Council.REGION),
        term_start=2023,
        term_end=2028,
        user_id=user.id if user else None,
        **fields,
    )
    db.session.add(deputy)
    db.session.commit()
    return deputy


def create_pledge(deputy, locality: Locality, title: str = "Ауылға жаңа су мұнарасы", **fields):
    """A committed pledge of a deputy in a locality."""
    from datetime import date

    from community.pledges.models import PledgeCategory
    from community.pledges.services import add_pledge

    pledge, _ = add_pledge(
        deputy,
        fields.pop("by", None) or _system_user(),
        fields.pop("submission_key", f"p-{next(_numbers)}"),
        title=title,
        text=fields.pop("text", "Ауылға тәулік бойы таза ауыз су беріледі."),
        source_description="Сайлауалды бағдарлама",
        made_on=date(2023, 2, 20),
        locality_id=locality.id,
        category=fields.pop("category", PledgeCategory.WATER),
        **fields,
    )
    db.session.commit()
    return pledge


def _system_user() -> User:
    return db.session.scalar(db.select(User).filter_by(email="system@example.kz")) or create_user(
        "moderator", email="system@example.kz"
    )


def create_event(organiser: User, locality: Locality, capacity: int = 3, **fields):
    """A committed event starting in a week."""
    from datetime import timedelta

    from community.core.db import utcnow
    from community.events.models import EventKind
    from community.events.services import create_event as announce

    starts = fields.pop("starts_at", utcnow() + timedelta(days=7))
    event = announce(
        organiser,
        publish=fields.pop("publish", True),
        title=fields.pop("title", "Тәжірибе алмасу семинары"),
        kind=fields.pop("kind", EventKind.SEMINAR),
        starts_at=starts,
        ends_at=fields.pop("ends_at", starts + timedelta(hours=2)),
        locality_id=locality.id,
        capacity=capacity,
        **fields,
    )
    db.session.commit()
    return event


def create_reception(organiser: User, locality: Locality, minutes: int = 15, **fields):
    """A committed public reception day (a week ahead, 10:00–11:00 unless told) cut into free slots of `minutes`."""
    from datetime import timedelta

    from community.core.db import utcnow
    from community.events.models import EventKind
    from community.events.receptions import open_slots

    starts = fields.pop("starts_at", (utcnow() + timedelta(days=7)).replace(second=0, microsecond=0))
    event = create_event(
        organiser,
        locality,
        capacity=fields.pop("capacity", 20),
        title=fields.pop("title", "Депутаттың қоғамдық қабылдауы"),
        kind=EventKind.PUBLIC_RECEPTION,
        starts_at=starts,
        ends_at=fields.pop("ends_at", starts + timedelta(hours=1)),
        **fields,
    )
    if minutes:
        open_slots(event, minutes)
    db.session.commit()
    return event


def book_for(user: User, slot, topic: str = "Көшедегі шұңқырлар туралы", **fields):
    """A committed booking of a slot by a resident, written directly (also for times already past), with an optional
    outcome."""
    from community.core.db import utcnow

    slot.user_id, slot.topic, slot.booked_at = user.id, topic, fields.pop("booked_at", utcnow())
    slot.outcome = fields.pop("outcome", None)
    db.session.commit()
    return slot


def create_dialogue(moderator: User, locality: Locality, state: str = "live", premoderation: bool = True, **fields):
    """A committed dialogue session, live unless asked otherwise."""
    from community.core.db import utcnow
    from community.dialogues.models import SessionState
    from community.dialogues.services import create_session

    dialogue = create_session(
        moderator,
        title=fields.pop("title", "Ауыл әкімімен ашық диалог"),
        scheduled_at=fields.pop("scheduled_at", utcnow()),
        locality_id=locality.id,
        premoderation=premoderation,
        state=SessionState(state),
        **fields,
    )
    db.session.commit()
    return dialogue


def create_question(
    dialogue,
    author: User | None,
    body: str = "Мектепке жаңа спорт залы қашан салынады?",
    state: str = "approved",
    anonymous: bool = False,
    votes: int = 0,
):
    """A committed question in a given state, with votes from new residents, counted as the services count."""
    from community.core.writes import bump
    from community.dialogues.models import COUNTERS, DialogueSession, Question, QuestionState, QuestionVote

    question = Question(
        session_id=dialogue.id,
        author_id=author.id if author else None,
        body=body,
        anonymous=anonymous,
        state=QuestionState(state),
        submission_key=f"q{next(_numbers)}",
        vote_count=votes,
    )
    db.session.add(question)
    db.session.flush()
    for _ in range(votes):
        db.session.add(QuestionVote(question_id=question.id, user_id=create_user("resident").id))
    if question.state in COUNTERS:
        bump(DialogueSession, dialogue.id, version=1, **{COUNTERS[question.state]: 1})
    db.session.commit()
    return question


def create_appeal(author: User, deputy, locality: Locality, public: bool = False, **fields):
    """A committed appeal sent through the service (its history, follow and deadline with it)."""
    import secrets

    from community.appeals.services import send_appeal
    from community.threads.models import Category

    appeal, _ = send_appeal(
        author,
        deputy,
        secrets.token_urlsafe(8),
        subject=fields.pop("subject", "Ауылдағы ауыз су мәселесі"),
        body=fields.pop("body", "Шамалған ауылында үш аптадан бері ауыз су жоқ, көмектесіңіздер."),
        category=fields.pop("category", Category.WATER),
        locality_id=locality.id,
        public=public,
        **fields,
    )
    db.session.commit()
    return appeal
