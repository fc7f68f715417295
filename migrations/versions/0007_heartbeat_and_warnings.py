"""heartbeat and outages (the clock of timed sessions across downtime); quiz_session.offline_told and
warned_at (the offline note and the 10-minute warning, each once)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 11:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import adapters.sql.tables


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('heartbeat',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('beat_at', adapters.sql.tables.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('outage',
    sa.Column('started_at', adapters.sql.tables.UTCDateTime(), nullable=False),
    sa.Column('ended_at', adapters.sql.tables.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('started_at')
    )
    with op.batch_alter_table('outage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outage_ended_at'), ['ended_at'], unique=False)
    with op.batch_alter_table('quiz_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offline_told', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('warned_at', adapters.sql.tables.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('quiz_session', schema=None) as batch_op:
        batch_op.drop_column('warned_at')
        batch_op.drop_column('offline_told')
    with op.batch_alter_table('outage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outage_ended_at'))
    op.drop_table('outage')
    op.drop_table('heartbeat')
