"""Deputies, pledges, and the append-only history of pledge updates with their checks."""

from datetime import date, datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.db import LabelledEnum, UTCDateTime, enum_type, utcnow
from community.core.states import NOT_NOW, Moves, move_state
from community.core.text import StoredMarkdown
from community.extensions import db
from community.places.models import Locality


class Council(LabelledEnum):
    """The body a deputy sits in."""

    MAZHILIS = "mazhilis", _l("Mazhilis of Parliament")
    REGION = "region", _l("Region maslikhat")
    DISTRICT = "district", _l("District maslikhat")


class PledgeStatus(LabelledEnum):
    """Where a pledge stands."""

    NOT_RATED = "not_rated", _l("Not yet rated"), _l("No update has been published yet.")
    IN_PROGRESS = "in_progress", _l("In progress"), _l("Work has started and is going on.")
    STALLED = "stalled", _l("Stalled"), _l("Work started but has stopped or has no money.")
    PARTIAL = "partial", _l("Partially fulfilled"), _l("Part of what was promised is done.")
    FULFILLED = "fulfilled", _l("Fulfilled"), _l("What was promised is done, with evidence.")
    BROKEN = "broken", _l("Broken"), _l("It will not be done, or the opposite was done.")
    ARCHIVED = "archived", _l("Archived"), _l("It cannot be verified any more.")


S = PledgeStatus
# The moves an ordinary update may make, from → to; a correction (an update that names the one it corrects) may
# go anywhere.
PLEDGE_MOVES = Moves(
    {
        S.NOT_RATED: {S.IN_PROGRESS, S.STALLED, S.PARTIAL, S.FULFILLED, S.BROKEN, S.ARCHIVED},
        S.IN_PROGRESS: {S.IN_PROGRESS, S.STALLED, S.PARTIAL, S.FULFILLED, S.BROKEN, S.ARCHIVED},
        S.STALLED: {S.IN_PROGRESS, S.STALLED, S.PARTIAL, S.BROKEN, S.ARCHIVED},
        S.PARTIAL: {S.IN_PROGRESS, S.PARTIAL, S.FULFILLED, S.ARCHIVED},
        S.FULFILLED: set(),
        S.BROKEN: {S.IN_PROGRESS},
        S.ARCHIVED: set(),
    }
)
CORRECTION_MOVES = Moves({status: set(PledgeStatus) for status in PledgeStatus})
NEEDS_EVIDENCE = {S.FULFILLED, S.PARTIAL, S.BROKEN}
RATED = {S.IN_PROGRESS, S.STALLED, S.PARTIAL, S.FULFILLED, S.BROKEN}


class PledgeCategory(LabelledEnum):
    """What a pledge is about."""

    ROADS = "roads", _l("Roads")
    WATER = "water", _l("Water")
    GAS = "gas", _l("Gas supply")
    SCHOOLS = "schools", _l("Schools")
    HEALTH = "health", _l("Health")
    SPORTS = "sports", _l("Sports grounds")
    YOUTH = "youth", _l("Youth centres")
    CULTURE = "culture", _l("Culture")
    HOUSING = "housing", _l("Housing")
    OTHER = "other", _l("Other")


deputy_localities = Table(
    "deputy_localities",
    db.metadata,
    Column("deputy_id", ForeignKey("deputies.id", ondelete="CASCADE"), primary_key=True),
    Column("locality_id", ForeignKey("localities.id", ondelete="CASCADE"), primary_key=True),
)


class Deputy(StoredMarkdown, db.Model):
    """A deputy's public profile; an admin may link it to an account, which gets the deputy role."""

    markdown_fields = ("biography",)

    __tablename__ = "deputies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    council: Mapped[Council] = mapped_column(enum_type(Council), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    constituency: Mapped[str] = mapped_column(String(200), default="")
    party_kk: Mapped[str] = mapped_column(String(120), default="", index=True)
    party_ru: Mapped[str] = mapped_column(String(120), default="")  # "" shows the Kazakh name
    party_en: Mapped[str] = mapped_column(String(120), default="")
    term_start: Mapped[int] = mapped_column()
    term_end: Mapped[int] = mapped_column()
    biography: Mapped[str] = mapped_column(Text, default="")
    biography_html: Mapped[str] = mapped_column(Text, default="")
    reception_hours: Mapped[str] = mapped_column(String(200), default="")
    reception_place: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    # An account the deputy names to draft and send answers to appeals on their behalf.
    assistant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Raised with every change to the appeals addressed to the deputy, so the inbox's count polls cheaply.
    inbox_version: Mapped[int] = mapped_column(default=0)
    search_name: Mapped[str] = mapped_column(String(120), default="")

    district: Mapped[Locality | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    assistant: Mapped[User | None] = relationship(foreign_keys=[assistant_id])
    localities: Mapped[list[Locality]] = relationship(secondary=deputy_localities, order_by=Locality.name_kk)

    @property
    def party(self) -> str:
        """The party's name in the reader's language, the Kazakh one where no other is given."""
        lang = str(get_locale())
        return {"ru": self.party_ru, "en": self.party_en}.get(lang) or self.party_kk

    @property
    def initials(self) -> str:
        """Up to two initials, shown where there is no photo."""
        return "".join(part[0] for part in self.name.split()[:2]).upper()


class Pledge(StoredMarkdown, db.Model):
    """A promise a deputy made before the election, with its source, current status and progress."""

    markdown_fields = ("text",)

    __tablename__ = "pledges"
    __table_args__ = (UniqueConstraint("deputy_id", "submission_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputies.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    text_html: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    source_description: Mapped[str] = mapped_column(String(300))
    made_on: Mapped[date] = mapped_column(Date)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id"), index=True)
    category: Mapped[PledgeCategory] = mapped_column(enum_type(PledgeCategory), index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[PledgeStatus] = mapped_column(enum_type(PledgeStatus), default=PledgeStatus.NOT_RATED, index=True)
    progress: Mapped[int] = mapped_column(default=0)
    update_count: Mapped[int] = mapped_column(default=0)
    last_update_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submission_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    deputy: Mapped[Deputy] = relationship()
    locality: Mapped[Locality] = relationship()

    def record_update(
        self,
        author: User,
        new_status: PledgeStatus,
        progress: int,
        note: str,
        evidence: list[str],
        submission_key: str,
        on_behalf: bool = False,
        corrects: "PledgeUpdate | None" = None,
        at: datetime | None = None,
        lang: str | None = None,
    ) -> "PledgeUpdate":
        """Append an update (its note written in lang, when known) after checking the move and the evidence, and
        move the pledge with a guarded write (no other update may have landed since this one was read). Raises
        EvidenceMissing, or MoveRefused when the move is not allowed or another update landed meanwhile."""
        if new_status in NEEDS_EVIDENCE and not evidence:
            raise EvidenceMissing(new_status)
        seen = self.update_count
        now = at or utcnow()
        was = move_state(
            self,
            CORRECTION_MOVES if corrects else PLEDGE_MOVES,
            new_status,
            Pledge.update_count == seen,
            column="status",
            message=self.refusal(new_status),
            overtaken=NOT_NOW,  # another update landed since this one was read
            progress=progress,
            last_update_at=now,
            update_count=seen + 1,
        )
        entry = PledgeUpdate(
            pledge_id=self.id,
            author_id=author.id,
            on_behalf=on_behalf,
            old_status=was,
            new_status=new_status,
            progress=progress,
            note=note,
            lang=lang,
            evidence="\n".join(evidence),
            corrects_id=corrects.id if corrects else None,
            submission_key=submission_key,
            created_at=now,
        )
        db.session.add(entry)
        db.session.flush()
        return entry

    def may_move_to(self, new_status: PledgeStatus, correction: bool = False) -> bool:
        """True when an update may move the pledge to this status from where it is (a correction goes anywhere)."""
        return correction or PLEDGE_MOVES.allows(self.status, new_status)

    def refusal(self, new_status: PledgeStatus):
        """What an update that may not move the pledge to this status is told."""
        return _l(
            "A pledge cannot move from «%(old)s» to «%(new)s». If the earlier update was wrong, publish a correction.",
            old=self.status.label,
            new=new_status.label,
        )

    def days_since_update(self, today: datetime | None = None) -> int:
        """Whole days since the last update (or since the pledge was added)."""
        return ((today or utcnow()) - self.last_update_at).days

    def is_overdue(self, today: date | None = None) -> bool:
        """Past its due date and not fulfilled (archived pledges are not counted)."""
        today = today or utcnow().date()
        return bool(
            self.due_on and self.due_on < today and self.status not in (PledgeStatus.FULFILLED, PledgeStatus.ARCHIVED)
        )


class EvidenceMissing(Exception):
    """Raised when a fulfilled, partially fulfilled or broken status comes without an evidence link."""


class PledgeUpdate(StoredMarkdown, db.Model):
    """One entry of a pledge's history. Append-only: rows are never updated or deleted (but for the html of the note,
    which `flask text render` may render again)."""

    markdown_fields = ("note",)

    __tablename__ = "pledge_updates"
    __table_args__ = (Index("ix_pledge_updates_pledge_created", "pledge_id", "created_at", "id"),)  # the history

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    on_behalf: Mapped[bool] = mapped_column(default=False)
    old_status: Mapped[PledgeStatus] = mapped_column(enum_type(PledgeStatus))
    new_status: Mapped[PledgeStatus] = mapped_column(enum_type(PledgeStatus))
    progress: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(Text)
    note_html: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str | None] = mapped_column(String(2))  # the language the note was written in, when known
    evidence: Mapped[str] = mapped_column(Text, default="")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("pledge_updates.id"))
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    author: Mapped[User | None] = relationship()
    pledge: Mapped[Pledge] = relationship()

    @property
    def evidence_links(self) -> list[str]:
        """The evidence as a list of addresses."""
        return [line for line in self.evidence.splitlines() if line.strip()]


class UpdateCheck(db.Model):
    """A moderator's verdict on an update: verified or not, with a note. Later checks supersede earlier ones."""

    __tablename__ = "update_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("pledge_updates.id"), index=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified: Mapped[bool] = mapped_column()
    note: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    moderator: Mapped[User | None] = relationship()


class UpdateReaction(db.Model):
    """A resident's confirmation or dispute of an update, once each; a dispute carries its reason."""

    __tablename__ = "update_reactions"
    __table_args__ = (UniqueConstraint("update_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("pledge_updates.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    confirms: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


@event.listens_for(PledgeUpdate, "before_update")
@event.listens_for(PledgeUpdate, "before_delete")
def _refuse_rewriting_history(mapper, connection, target) -> None:
    """The history is append-only: an update row is never changed or removed."""
    raise PermissionError("pledge updates are append-only")
