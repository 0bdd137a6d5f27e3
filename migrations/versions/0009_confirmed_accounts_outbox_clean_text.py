"""Accounts are finished through a mailed link, mail waits in an outbox, and stored text is cleaned of characters
that cannot be stored or serialised.

- users.email_confirmed_at: set when the owner of the address followed the registration link; every account made
  before this revision counts as confirmed.
- outbox: messages queued in the request's transaction and delivered after the response.
- Text columns lose NUL and the other characters XML 1.0 forbids (C0 controls but tab, line feed and carriage
  return; U+FFFE, U+FFFF) as the site's edge now cleans input (core/text.py `storable`): a vertical tab or form
  feed becomes a line break, the rest go. Rows written earlier had them on SQLite.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 13:45:00

"""

import re

import sqlalchemy as sa
from alembic import op

import community.core.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BREAKS = str.maketrans("\x0b\x0c", "\n\n")  # a word processor's line and page breaks
POSTGRES_CLASS = "[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]"  # PostgreSQL text cannot hold NUL at all


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_confirmed_at", community.core.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_confirmed_at = created_at")
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", community.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", community.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", community.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.create_index(batch.f("ix_outbox_sent_at"), ["sent_at"], unique=False)
    clean_stored_text()


def clean_stored_text():
    """Remove the forbidden characters from every text column of every table, touching only rows that have one."""
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        columns = [c["name"] for c in inspector.get_columns(table) if isinstance(c["type"], (sa.String, sa.Text))]
        keys = inspector.get_pk_constraint(table)["constrained_columns"]
        if not columns or not keys:
            continue
        if bind.dialect.name == "postgresql":
            for column in columns:
                op.execute(
                    sa.text(
                        f'UPDATE "{table}" SET "{column}" = '
                        f"regexp_replace(translate(\"{column}\", E'\\x0b\\x0c', E'\\n\\n'), :pattern, '', 'g') "
                        f'WHERE "{column}" ~ :pattern'
                    ).bindparams(pattern=POSTGRES_CLASS)
                )
            continue
        selected = ", ".join(f'"{name}"' for name in keys + columns)
        for row in bind.execute(sa.text(f'SELECT {selected} FROM "{table}"')).mappings().all():
            changes = {
                column: FORBIDDEN.sub("", row[column].translate(BREAKS))
                for column in columns
                if isinstance(row[column], str) and FORBIDDEN.search(row[column])
            }
            if changes:
                assignments = ", ".join(f'"{column}" = :{column}' for column in changes)
                where = " AND ".join(f'"{key}" = :key_{key}' for key in keys)
                bind.execute(
                    sa.text(f'UPDATE "{table}" SET {assignments} WHERE {where}'),
                    {**changes, **{f"key_{key}": row[key] for key in keys}},
                )


def downgrade():
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index(batch.f("ix_outbox_sent_at"))
    op.drop_table("outbox")
    if op.get_bind().dialect.name == "sqlite":
        # Rebuilding `users` (what batch mode does) fails while other tables point at it; SQLite drops a column.
        op.execute("ALTER TABLE users DROP COLUMN email_confirmed_at")
    else:
        op.drop_column("users", "email_confirmed_at")
