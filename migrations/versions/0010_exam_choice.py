"""the exam each learner and group studies (learner.exam, group_settings.exam) and the exam each session and
round was drawn from (quiz_session.exam, round.exam)

Everyone who used the bot before MLA-C02 arrived studied MLA-C01 and stays there until they switch with
/exam; a learner created from now on starts on MLA-C02 (the column's default). Groups that ran a round or
a question of the day before are kept on MLA-C01 the same way; a new group gets the newest exam.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

EARLIER, NEW = 'mla-c01', 'mla-c02'


def upgrade() -> None:
    # Added with a default (no table rebuild on SQLite, so learner keeps its AUTOINCREMENT), then every
    # existing learner is set to the exam they were studying.
    op.add_column('learner', sa.Column('exam', sa.String(16), nullable=False, server_default=NEW))
    op.execute(f"UPDATE learner SET exam = '{EARLIER}'")
    # Every session and round so far was drawn from MLA-C01; the stores always write the column.
    op.add_column('quiz_session', sa.Column('exam', sa.String(16), nullable=False, server_default=EARLIER))
    op.add_column('round', sa.Column('exam', sa.String(16), nullable=False, server_default=EARLIER))
    op.add_column('group_settings', sa.Column('exam', sa.String(16), nullable=True))
    op.execute(f"UPDATE group_settings SET exam = '{EARLIER}'")
    # A group known only by its rounds or its question of the day gets a settings row with the defaults
    # it had (45 seconds, 5 questions), so it too stays on MLA-C01.
    op.execute(f"""
        INSERT INTO group_settings (chat, seconds, length, exam)
        SELECT chat, 45, 5, '{EARLIER}' FROM (
            SELECT chat FROM round
            UNION SELECT channel FROM push_target WHERE learner_id IS NULL
        ) AS known
        WHERE chat NOT IN (SELECT chat FROM group_settings)
    """)


def downgrade() -> None:
    with op.batch_alter_table('group_settings', schema=None) as batch_op:
        batch_op.drop_column('exam')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('exam')
    with op.batch_alter_table('quiz_session', schema=None) as batch_op:
        batch_op.drop_column('exam')
    if op.get_bind().dialect.name == 'sqlite':
        # A rebuild keeps AUTOINCREMENT only when told to (see 0005).
        with op.batch_alter_table('learner', schema=None, recreate='always',
                                  table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            batch_op.drop_column('exam')
    else:
        op.drop_column('learner', 'exam')
