"""processed updates: the chat updates applied already, so one re-sent after a restart is applied once

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import adapters.sql.tables


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('processed_update',
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('update_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=True),
    sa.Column('processed_at', adapters.sql.tables.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'update_id')
    )
    with op.batch_alter_table('processed_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processed_update_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_processed_update_processed_at'), ['processed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('processed_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_update_processed_at'))
        batch_op.drop_index(batch_op.f('ix_processed_update_learner_id'))
    op.drop_table('processed_update')
