"""cohort invitations

Revision ID: c12b00000002
Revises: c12a00000001
Create Date: 2026-12-02 22:00:00.000000+00:00

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = 'c12b00000002'
down_revision = 'c12a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cohort_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('invited_by', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.db.UTCDateTime(), nullable=False),
    sa.Column('sent_at', lms.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_invitations_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['invited_by'], ['users.id'], name=op.f('fk_cohort_invitations_invited_by_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cohort_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_invitations')),
    sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_cohort_invitations_cohort_id_user_id'))
    )
    with op.batch_alter_table('cohort_invitations', schema=None) as batch_op:
        batch_op.create_index('ix_cohort_invitations_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cohort_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_cohort_invitations_user_id')

    op.drop_table('cohort_invitations')
