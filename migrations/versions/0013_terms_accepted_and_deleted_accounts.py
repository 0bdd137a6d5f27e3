"""A resident's acceptance of the rules and privacy notice, and accounts their owners deleted.

- users.terms_version, users.terms_accepted_at: the version of the rules and privacy notice accepted at
  registration, and when; accounts made before this revision have NULL (they accepted nothing on this site).
- users.deleted_at: set when the owner deleted the account (it can no longer sign in; its name shows as
  "Deleted user").
- threads.deleted_at: set when the author removed a thread's text along with the account; the thread stays, with
  the others' comments under it, as a comment with replies does.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 10:00:00

"""

import sqlalchemy as sa
from alembic import op

import community.core.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("terms_version", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("terms_accepted_at", community.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", community.core.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("threads") as batch_op:
        batch_op.add_column(sa.Column("deleted_at", community.core.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("threads") as batch_op:
        batch_op.drop_column("deleted_at")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("terms_accepted_at")
        batch_op.drop_column("terms_version")
