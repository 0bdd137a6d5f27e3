"""Languages: place names in Latin script, the language users wrote in, and parties named in each language.

- localities.name_en: the name the English pages show. Existing rows get their Kazakh name in Latin letters, with
  the administrative word in English (Талғар ауданы → Talgar District, Қаскелең қаласы → Kaskelen), by the copy of
  community/places/names.py below: this file keeps its own copy, so what it writes never changes with the app
  (tests/places/test_names.py holds the two equal today).
- threads.lang, comments.lang, dialogue_questions.lang, pledge_updates.lang: the language a text was written in
  (kk, ru or en), from the writer's interface language; NULL for rows written before this revision.
- deputies.party becomes party_kk, beside party_ru and party_en ("" where the Kazakh name is shown in every
  language, as for every existing row).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

WRITTEN = ("threads", "comments", "dialogue_questions", "pledge_updates")

# A copy of community/places/names.py as of this revision.
LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "қ": "k", "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o",
    "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh",
    "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip
KIND_WORDS = (
    ("ауылдық округі", "Rural District"),
    ("облысы", "Region"),
    ("ауданы", "District"),
    ("қаласы", ""),
    ("ауылы", ""),
    ("кенті", ""),
)


def transliterate(text):
    out = []
    for index, letter in enumerate(text):
        latin = LATIN.get(letter.lower())
        if latin is None:
            out.append(letter)
        elif letter.islower():
            out.append(latin)
        else:
            following = text[index + 1 : index + 2]
            out.append(latin.upper() if following.isupper() else latin.capitalize())
    return "".join(out)


def english_name(name_kk):
    name = " ".join(name_kk.split())
    for word, english in KIND_WORDS:
        if name.endswith(" " + word):
            stem = transliterate(name[: -len(word) - 1])
            return f"{stem} {english}" if english else stem
    return transliterate(name)


def upgrade():
    # Adding a column is no table rebuild on SQLite (tables pointing at these would refuse one).
    with op.batch_alter_table("localities") as batch_op:
        batch_op.add_column(sa.Column("name_en", sa.String(length=120), nullable=False, server_default=""))
    connection = op.get_bind()
    localities = sa.table("localities", sa.column("id", sa.Integer), sa.column("name_kk"), sa.column("name_en"))
    for locality_id, name_kk in connection.execute(sa.select(localities.c.id, localities.c.name_kk)).all():
        connection.execute(
            localities.update().where(localities.c.id == locality_id).values(name_en=english_name(name_kk))
        )
    for table in WRITTEN:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("lang", sa.String(length=2), nullable=True))
    op.drop_index("ix_deputies_party", table_name="deputies")
    op.alter_column("deputies", "party", new_column_name="party_kk")  # RENAME COLUMN, SQLite too
    op.create_index(op.f("ix_deputies_party_kk"), "deputies", ["party_kk"], unique=False)
    with op.batch_alter_table("deputies") as batch_op:
        batch_op.add_column(sa.Column("party_ru", sa.String(length=120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("party_en", sa.String(length=120), nullable=False, server_default=""))


def downgrade():
    _drop_column("deputies", "party_en")
    _drop_column("deputies", "party_ru")
    op.drop_index(op.f("ix_deputies_party_kk"), table_name="deputies")
    op.alter_column("deputies", "party_kk", new_column_name="party")
    op.create_index("ix_deputies_party", "deputies", ["party"], unique=False)
    for table in reversed(WRITTEN):
        _drop_column(table, "lang")
    _drop_column("localities", "name_en")


def _drop_column(table, column):
    if op.get_bind().dialect.name == "sqlite":
        # Rebuilding a table (what batch mode does) fails while other tables point at it; SQLite drops a column.
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    else:
        op.drop_column(table, column)
