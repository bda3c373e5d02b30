"""Single sign-on: accounts at OpenID Connect providers linked to ours

Revision ID: c17a00000001
Revises: c15c00000001
Create Date: 2026-12-03 11:00:00.000000+00:00

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = 'c17a00000001'
down_revision = 'c15c00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('linked_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', lms.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_linked_identities_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_linked_identities')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_linked_identities_provider_subject'))
    )
    with op.batch_alter_table('linked_identities', schema=None) as batch_op:
        batch_op.create_index('ix_linked_identities_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('linked_identities', schema=None) as batch_op:
        batch_op.drop_index('ix_linked_identities_user_id')

    op.drop_table('linked_identities')
