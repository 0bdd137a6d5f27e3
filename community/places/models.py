"""The locality tree: region → district → rural district or village."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.core.db import LabelledEnum, enum_type
from community.extensions import db


class LocalityKind(LabelledEnum):
    """The level of a locality in the administrative tree."""

    REGION = "region", _l("Region")
    CITY = "city", _l("City")
    DISTRICT = "district", _l("District")
    RURAL_DISTRICT = "rural_district", _l("Rural district")
    VILLAGE = "village", _l("Village")


class Locality(db.Model):
    """A place residents live in; `path` lists its ancestors' ids so descendants are one LIKE away."""

    __tablename__ = "localities"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id"), index=True)
    kind: Mapped[LocalityKind] = mapped_column(enum_type(LocalityKind))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_kk: Mapped[str] = mapped_column(String(120))
    name_ru: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    depth: Mapped[int] = mapped_column(default=0)

    parent: Mapped["Locality | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Locality"]] = relationship(back_populates="parent", order_by="Locality.name_kk")

    @property
    def name(self) -> str:
        """The name in the reader's language: Russian for ru, Latin letters for en, Kazakh otherwise."""
        lang = str(get_locale())
        if lang == "ru":
            return self.name_ru
        if lang == "en":
            return self.name_en or self.name_kk
        return self.name_kk

    def place_under(self, parent: "Locality | None") -> None:
        """Set the parent and recompute path and depth; call after the row has an id."""
        self.parent = parent
        prefix = parent.path if parent else "/"
        self.path = f"{prefix}{self.id}/"
        self.depth = parent.depth + 1 if parent else 0

    def __repr__(self) -> str:
        return f"<Locality {self.slug}>"
