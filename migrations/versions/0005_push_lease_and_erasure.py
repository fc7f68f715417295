"""push claims as leases (push_claim.sent_at); round.starter_id nullable (erased starters); learner ids
never reused on SQLite (AUTOINCREMENT)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import adapters.sql.tables


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('push_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_at', adapters.sql.tables.UTCDateTime(), nullable=True))
    # Claims taken before leases existed were sent (or given up on): keep them final, never re-sent.
    op.execute("UPDATE push_claim SET sent_at = claimed_at")

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.alter_column('starter_id', existing_type=sa.Integer(), nullable=True)

    if op.get_bind().dialect.name == 'sqlite':
        # Without AUTOINCREMENT SQLite hands the highest erased id to the next new row. Rebuilding the table
        # with it copies the rows and records their highest id in sqlite_sequence. (PostgreSQL's sequence
        # never reuses an id, so there is nothing to change there.)
        with op.batch_alter_table('learner', schema=None, recreate='always',
                                  table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('learner', schema=None, recreate='always',
                                  table_kwargs={'sqlite_autoincrement': False}) as batch_op:
            pass

    op.execute("UPDATE round SET starter_id = 0 WHERE starter_id IS NULL")
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.alter_column('starter_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('push_claim', schema=None) as batch_op:
        batch_op.drop_column('sent_at')
