"""credentials

Revision ID: c12a00000001
Revises: bcfd041be0f7
Create Date: 2026-12-02 22:00:00.000000+00:00

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = 'c12a00000001'
down_revision = 'bcfd041be0f7'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
