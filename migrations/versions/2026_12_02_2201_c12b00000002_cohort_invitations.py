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
    pass


def downgrade():
    pass
