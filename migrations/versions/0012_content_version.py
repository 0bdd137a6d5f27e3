"""The content version: one number moved by every commit that writes public content, under which the pages shared
with visitors are kept (core/pagecache.py).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    versions = op.create_table(
        "content_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_versions")),
    )
    op.bulk_insert(versions, [{"id": 1, "version": 0}])


def downgrade():
    op.drop_table("content_versions")
