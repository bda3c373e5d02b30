"""reflection sharing: each reflection is private or shared with the cohort's facilitators

Existing reflections become private: the lesson page told their authors "Private: only you can
read it" when they wrote them.

Revision ID: c12c00000003
Revises: c12b00000002
Create Date: 2026-12-02 22:00:00.000000+00:00

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = 'c12c00000003'
down_revision = 'c12b00000002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', sa.String(length=20),
                                      server_default='private', nullable=False))


def downgrade():
    with op.batch_alter_table('reflections', schema=None) as batch_op:
        batch_op.drop_column('visibility')
