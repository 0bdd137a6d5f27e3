"""Users' Markdown is rendered once, when it is written, and stored sanitised beside its source.

- A `<field>_html` column (Text, not null, default "") next to every Markdown field the pages show: threads.body,
  comments.body, pledges.text, pledge_updates.note, deputies.biography, events.description and report,
  dialogue_sessions.description and summary, users.bio.
- Every stored text is rendered now (core/text.py `render_stored`: by id, 1,000 rows a batch, writing only the rows
  with a text), so pages print the stored html from the first request on.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 16:00:00

"""

import sqlalchemy as sa
from alembic import op

from community.core.text import markdown_renderer, render_stored

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

MARKDOWN_FIELDS = {
    "users": ("bio",),
    "deputies": ("biography",),
    "pledges": ("text",),
    "pledge_updates": ("note",),
    "threads": ("body",),
    "comments": ("body",),
    "events": ("description", "report"),
    "dialogue_sessions": ("description", "summary"),
}


def upgrade():
    for table, fields in MARKDOWN_FIELDS.items():
        # Adding a column is no table rebuild on SQLite, and no rewrite of the rows on PostgreSQL.
        with op.batch_alter_table(table) as batch:
            for field in fields:
                batch.add_column(sa.Column(f"{field}_html", sa.Text(), nullable=False, server_default=""))
    render_existing(op.get_bind())


def render_existing(connection, echo=print):
    """Store the html of every stored text, table by table, in batches of 1,000 rows by id; prints its progress."""
    render = markdown_renderer()  # one memory for the whole run: generated data repeats its texts
    for table, fields in MARKDOWN_FIELDS.items():
        read = written = 0
        for rows, changed in render_stored(connection, table, fields, render=render):
            read, written = read + rows, written + changed
            if read % 100_000 < rows:
                echo(f"  {table}: {read:,} rows read, {written:,} rendered")
        echo(f"  {table}: {read:,} rows, {written:,} rendered")


def downgrade():
    for table, fields in MARKDOWN_FIELDS.items():
        for field in fields:
            if op.get_bind().dialect.name == "sqlite":
                # Rebuilding a table (what batch mode does) fails while other tables point at it; SQLite drops a
                # column.
                op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{field}_html"')
            else:
                op.drop_column(table, f"{field}_html")
