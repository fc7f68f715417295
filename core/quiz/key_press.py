"""Running a tapped exam key (core/quiz/exam_keys.py draws them) through the ExamService: kept apart from
exam_keys, which exam_service.py imports to draw its replies' keys, so neither module imports the other."""

from __future__ import annotations

from dataclasses import replace

from core.quiz.exam_keys import ALREADY, STALE_KEY, Act
from core.quiz.exam_service import ExamService
from core.reply import Reply


async def press(exam: ExamService, learner_id: int, act: Act, session_id: int, number: int) -> Reply:
    """Run a tapped key for the learner. The ExamService re-checks under the learner's lock what it can
    (the question a move was drawn for, the attempt a confirmation names)."""
    if act is Act.ATTEMPTS:
        return await exam.recap(learner_id)
    if act is Act.RECAP:
        attempts = [s.id for s in await exam.finished(learner_id)]
        if session_id not in attempts:  # another learner's attempt, or a forged id
            return Reply([STALE_KEY], refused=True)
        return await exam.recap(learner_id, attempts.index(session_id) + 1, number)
    session = await exam.quiz.store.active_session(learner_id)
    if session is None or session.id != session_id or not session.navigable:
        return Reply([STALE_KEY], refused=True)
    if act in (Act.FLAG, Act.UNFLAG):
        if (number - 1 in session.flags) == (act is Act.FLAG):  # flagged meanwhile (another window)
            return Reply([ALREADY[act is Act.FLAG].format(number=number)], refused=True)
        return await exam.flag(learner_id, number, session_id)
    if act in (Act.BACK, Act.SKIP):
        return await exam.step(learner_id, -1 if act is Act.BACK else 1, number)
    if act is Act.GOTO:
        return await exam.goto(learner_id, number, session_id)
    if act in (Act.REVIEW, Act.PAGE):
        reply = await exam.overview(learner_id)
        if act is Act.PAGE and reply.exam is not None:
            return replace(reply, exam=replace(reply.exam, page=number))
        return reply
    if act is Act.RETURN:
        return await exam.quiz.current(learner_id)
    if act is Act.SUBMIT:
        return await exam.submit(learner_id)
    return await exam.submit(learner_id, confirmed=True, session_id=session_id)
