"""user sessions

Revision ID: c12d00000004
Revises: c12c00000003
Create Date: 2026-12-02 22:00:00.000000+00:00

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = 'c12d00000004'
down_revision = 'c12c00000003'
branch_labels = None
depends_on = None


def upgrade():
    # One row per sign-in: the session and remember-me cookies carry its id. Sessions signed
    # in before this revision carried "<user id>:<token>" and are refused: people sign in again.
    op.create_table('user_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', lms.db.UTCDateTime(), nullable=False),
    sa.Column('device', sa.String(length=80), nullable=False),
    sa.Column('revoked_at', lms.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_user_sessions_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_user_sessions_user_id')

    op.drop_table('user_sessions')
