"""exam navigation: a diagnostic or mock keeps its flags, the time each question was on screen, since when
the current one is, and whether the learner submitted it (issue 17)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 16:30:00.000000
"""
from alembic import op
import sqlalchemy as sa

from adapters.sql.tables import UTCDateTime


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('quiz_session') as batch:
        batch.add_column(sa.Column('flags', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('spent', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('shown_at', UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('submitted', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('quiz_session') as batch:
        batch.drop_column('submitted')
        batch.drop_column('shown_at')
        batch.drop_column('spent')
        batch.drop_column('flags')
