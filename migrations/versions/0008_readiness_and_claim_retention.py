"""forms' unseen flag recomputed under the readiness rule (no question answered before, in any mode);
push_claim.day indexed for the retention prune

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SESSION = sa.table('quiz_session', sa.column('id', sa.Integer), sa.column('learner_id', sa.Integer),
                   sa.column('mode', sa.String), sa.column('question_ids', sa.JSON),
                   sa.column('unseen', sa.Boolean))
ANSWER = sa.table('answer', sa.column('session_id', sa.Integer), sa.column('learner_id', sa.Integer),
                  sa.column('question_id', sa.String))


def upgrade() -> None:
    # Forms used to be "unseen" when no question was in an earlier form, so a mock of questions already
    # drilled counted toward readiness. A form is unseen when none of its questions was answered before it
    # started: answered in a session with a smaller id, since only one session runs at a time.
    conn = op.get_bind()
    forms = conn.execute(sa.select(SESSION.c.id, SESSION.c.learner_id, SESSION.c.question_ids)
                         .where(SESSION.c.mode.in_(['diagnostic', 'mock']))).all()
    for form in forms:
        answered_before = conn.execute(sa.select(sa.func.count()).select_from(ANSWER).where(
            ANSWER.c.learner_id == form.learner_id, ANSWER.c.session_id < form.id,
            ANSWER.c.question_id.in_(list(form.question_ids)))).scalar()
        conn.execute(SESSION.update().where(SESSION.c.id == form.id).values(unseen=not answered_before))

    with op.batch_alter_table('push_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_claim_day'), ['day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('push_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_claim_day'))
    # The unseen flags stay as recomputed: the earlier rule overstated readiness.
