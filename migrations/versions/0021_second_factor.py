"""Two-factor sign-in and the sessions page: accounts gain their TOTP secret, since when it is on and the last time
step whose code was accepted (so none is accepted twice); recovery codes (hashed, single-use) and remembered devices
(a signed cookie's token, hashed, with its expiry) get tables of their own; sessions gain the address they were
opened from, when they were last seen (indexed, for pruning the idle ones; reset links' expiry is indexed for the same) and when they passed the second factor.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-28 05:10:00

"""
from alembic import op
import sqlalchemy as sa

import community.core.db


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('two_factor_since', community.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('last_seen_at', community.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('second_factor_at', community.core.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE login_sessions SET last_seen_at = created_at")
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.alter_column('last_seen_at', existing_type=community.core.db.UTCDateTime(timezone=True), nullable=False)
        batch_op.alter_column('address', server_default=None)
        batch_op.create_index(batch_op.f('ix_login_sessions_last_seen_at'), ['last_seen_at'], unique=False)

    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_resets_expires_at'), ['expires_at'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', community.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', community.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_codes_code_hash'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('trusted_devices',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', community.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', community.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_trusted_devices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_trusted_devices'))
    )
    with op.batch_alter_table('trusted_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trusted_devices_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_trusted_devices_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('trusted_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trusted_devices_user_id'))
        batch_op.drop_index(batch_op.f('ix_trusted_devices_expires_at'))
    op.drop_table('trusted_devices')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_resets_expires_at'))
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_sessions_last_seen_at'))
        batch_op.drop_column('second_factor_at')
        batch_op.drop_column('last_seen_at')
        batch_op.drop_column('address')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('two_factor_since')
        batch_op.drop_column('totp_secret')
