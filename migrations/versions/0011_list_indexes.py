"""Indexes that match each main list's filter and order, so a list's page costs the same at any depth and size.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 16:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LISTED = sa.text("hidden_at IS NULL AND pledge_id IS NULL")
PINNED = sa.text("pinned_at IS NOT NULL")
DISCUSSION = sa.text("pledge_id IS NOT NULL")
SHOWN_TOP = sa.text("parent_id IS NULL AND hidden_at IS NULL")
THREAD_LISTS = {
    "ix_threads_listed_activity": ["last_activity_at", "id", "category", "state"],
    "ix_threads_listed_newest": ["created_at", "id"],
    "ix_threads_listed_supported": ["support_count", "last_activity_at", "id"],
    "ix_threads_listed_place_activity": ["locality_id", "last_activity_at", "id"],
}


def upgrade():
    with op.batch_alter_table("threads") as batch_op:
        # A unique constraint on pledge_id made SQLite read `pledge_id IS NULL` as a one-row lookup.
        batch_op.drop_constraint("uq_threads_pledge_id", type_="unique")
    with op.batch_alter_table("threads") as batch_op:
        batch_op.create_index(
            "uq_threads_pledge_id", ["pledge_id"], unique=True, sqlite_where=DISCUSSION, postgresql_where=DISCUSSION
        )
        batch_op.drop_index("ix_threads_visible_activity")
        batch_op.drop_index("ix_threads_category")
        batch_op.drop_index("ix_threads_state")
        for name, columns in THREAD_LISTS.items():
            batch_op.create_index(name, columns, sqlite_where=LISTED, postgresql_where=LISTED)
        batch_op.create_index("ix_threads_pinned", ["pinned_at"], sqlite_where=PINNED, postgresql_where=PINNED)
    with op.batch_alter_table("comments") as batch_op:
        batch_op.create_index(
            "ix_comments_shown_top",
            ["thread_id", "created_at", "id"],
            sqlite_where=SHOWN_TOP,
            postgresql_where=SHOWN_TOP,
        )
    with op.batch_alter_table("pledge_updates") as batch_op:
        batch_op.drop_index("ix_pledge_updates_pledge_id")
        batch_op.create_index("ix_pledge_updates_pledge_created", ["pledge_id", "created_at", "id"])


def downgrade():
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_index("ix_comments_shown_top")
    with op.batch_alter_table("pledge_updates") as batch_op:
        batch_op.drop_index("ix_pledge_updates_pledge_created")
        batch_op.create_index("ix_pledge_updates_pledge_id", ["pledge_id"])
    with op.batch_alter_table("threads") as batch_op:
        batch_op.drop_index("ix_threads_pinned")
        for name in reversed(THREAD_LISTS):
            batch_op.drop_index(name)
        batch_op.create_index("ix_threads_visible_activity", ["hidden_at", "last_activity_at"])
        batch_op.create_index("ix_threads_category", ["category"])
        batch_op.create_index("ix_threads_state", ["state"])
        batch_op.drop_index("uq_threads_pledge_id")
    with op.batch_alter_table("threads") as batch_op:
        batch_op.create_unique_constraint("uq_threads_pledge_id", ["pledge_id"])
