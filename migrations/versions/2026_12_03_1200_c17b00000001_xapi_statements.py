"""Learning records (xAPI): the statements table, and each user's opaque xAPI id

Revision ID: c17b00000001
Revises: c17a00000001
Create Date: 2026-12-03 12:00:00.000000+00:00

"""
import uuid

from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = 'c17b00000001'
down_revision = 'c17a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_statements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('verb', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', lms.db.UTCDateTime(), nullable=False),
    sa.Column('claimed_until', lms.db.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('sent_at', lms.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_xapi_statements_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_statements'))
    )
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.create_index('ix_xapi_statements_status_next', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_xapi_statements_user_id'), ['user_id'], unique=False)

    # users.xapi_id: random, unique, never null. Plain ADD COLUMN (a batch copy of users would
    # drop a table other tables point at); SQLite cannot add a NOT NULL column without a
    # default, so there it starts as '' and every row is given its id at once below.
    if op.get_bind().dialect.name == 'sqlite':
        op.add_column('users', sa.Column('xapi_id', sa.String(length=32), server_default='',
                                         nullable=False))
    else:
        op.add_column('users', sa.Column('xapi_id', sa.String(length=32), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer()), sa.column('xapi_id', sa.String()))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(xapi_id=uuid.uuid4().hex))
    if op.get_bind().dialect.name != 'sqlite':
        op.alter_column('users', 'xapi_id', existing_type=sa.String(length=32), nullable=False)
    op.create_index('ix_users_xapi_id', 'users', ['xapi_id'], unique=True)


def downgrade():
    op.drop_index('ix_users_xapi_id', table_name='users')
    op.execute("ALTER TABLE users DROP COLUMN xapi_id")
    with op.batch_alter_table('xapi_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_statements_user_id'))
        batch_op.drop_index('ix_xapi_statements_status_next')

    op.drop_table('xapi_statements')
