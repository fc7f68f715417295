"""The progress chart's data (core/charts) and when a reply carries one: /stats, and the report of a
diagnostic or mock, drawn by the injected ChartRenderer; a brand-new learner gets none."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core.charts import build
from core.quiz.engine import Answer, Mode, Session
from core.quiz.service import QuizService
from tests.answers import as_text, right_response, submit_if_last, wrong_response
from tests.charts import RecordingCharts


@pytest.fixture
def charts() -> RecordingCharts:
    return RecordingCharts()


@pytest.fixture
def service(bank, memory_store, clock, rng, charts) -> QuizService:
    return QuizService(bank, memory_store, clock=clock, rng=rng, charts=charts)


async def _answer_all(service, store, lid, card, right) -> object:
    """Answer every question of the running session; `right(n)` says whether the n-th is answered right."""
    reply = None
    n = 0
    while card is not None:
        session = store.sessions[card.session_id]
        q = service.exams.newest[session.question_ids[card.position]]
        response = (right_response if right(n) else wrong_response)(q, session.orders[card.position])
        reply = await service.answer_text(lid, as_text(q.type, response))
        card, n = reply.card, n + 1
    return await submit_if_last(service, lid, reply)


async def test_a_brand_new_learner_gets_no_chart_and_nothing_is_drawn(service, charts):
    lid = await service.learner("console", "new")
    stats = await service.stats(lid)
    assert "No MLA-C01 answers yet" in stats.text
    assert stats.image is None and charts.drawn == []


async def test_stats_carries_the_drawn_chart_of_the_learners_progress(service, charts, memory_store, bank, clock):
    lid = await service.learner("console", "ann")
    card = (await service.drill(lid, "1.1")).card
    await _answer_all(service, memory_store, lid, card, lambda n: n % 2 == 0)  # 4 of 7 right, day one
    clock.advance(days=1)
    card = (await service.drill(lid, "1.1")).card
    await _answer_all(service, memory_store, lid, card, lambda n: True)  # 7 of 7, day two
    stats = await service.stats(lid)
    assert stats.image is not None and stats.image.name == "mla-c01-progress.png"
    assert stats.image.data.startswith(b"\x89PNG")  # what the renderer answered, passed on untouched
    [chart] = charts.drawn
    assert chart.title == "MLA-C01 progress"
    [domain] = chart.domains  # only domain 1 was answered
    assert domain.label.startswith("1. ")
    # one point a day: 4 of 7, then 11 of 14 (the window of 20 holds both days)
    assert [round(v, 1) for _, v in domain.points] == [57.1, 78.6]
    assert domain.points[1][0] - domain.points[0][0] >= timedelta(days=1)
    assert chart.scores.points == () and chart.estimate.points == ()  # no form, 7 different questions: empty
    assert "No estimate yet (it needs 20 answered questions) and no diagnostic" in chart.scores_panel.empty
    assert [b.label for b in chart.stages] == ["data", "model", "deployment", "monitoring"]
    assert sum(b.total for b in chart.stages) == 14 and sum(b.right for b in chart.stages) == 11
    assert stats.image.alt == chart.alt and "1: 79%" in chart.alt


async def test_a_mock_report_comes_with_its_chart_and_the_score_its_report_states(service, charts, memory_store):
    lid = await service.learner("console", "bo")
    card = (await service.mock(lid, 10)).card
    done = await _answer_all(service, memory_store, lid, card, lambda n: n < 7)
    assert done.image is not None and done.image.name == f"mla-c01-mock-{card.session_id}.png"
    [chart] = charts.drawn
    stated = int(re.search(r"Estimated scaled score (\d+)", done.text).group(1))
    assert [v for _, v in chart.scores.points] == [stated]  # the trend's source: each report's estimate
    assert chart.passing == 720 and chart.score_range == (100, 1000)
    assert sum(b.total for b in chart.stages) == 10 and sum(b.right for b in chart.stages) == 7  # this form's
    assert chart.title.startswith("MLA-C01 mock exam, ")
    assert "This mock exam by lifecycle stage" in chart.stages_panel.title


async def test_a_stopped_diagnostic_reports_with_a_chart_and_a_drills_end_without(service, charts, memory_store):
    lid = await service.learner("console", "cy")
    card = (await service.drill(lid, "2.1")).card
    drill_end = await _answer_all(service, memory_store, lid, card, lambda n: True)
    assert "drill done" in drill_end.text and drill_end.image is None
    await service.diagnostic(lid)
    stopped = await service.stop(lid)
    assert "Session stopped." in stopped.text and stopped.image is not None
    assert stopped.image.name.startswith("mla-c01-diagnostic-")
    assert charts.drawn[-1].scores.points == ()  # stopped at 0 of 65: no score to plot, not a 100


async def test_a_chart_that_cannot_be_drawn_leaves_the_reply_whole(service, charts, memory_store, caplog):
    lid = await service.learner("console", "di")
    card = (await service.drill(lid, "1.1")).card
    await _answer_all(service, memory_store, lid, card, lambda n: True)
    charts.fail = RuntimeError("no fonts")
    stats = await service.stats(lid)
    assert stats.image is None and "Answered 7" in stats.text
    assert "could not be drawn" in caplog.text


def test_the_domain_line_is_the_last_20_answers_at_each_days_end(bank, clock):
    qid = next(q for q in bank.questions if bank[q].domain == 1)
    day = clock()
    history = [Answer(1, n, 1, qid, [0], n >= 10, day + timedelta(minutes=n), Mode.DRILL) for n in range(30)]
    history += [Answer(2, 0, 1, qid, [0], False, day + timedelta(days=2), Mode.DRILL)]
    [line] = build.domain_series(bank, history)
    # day one: the last 20 of 30 answers, all right; day three: 19 of the last 20
    assert [(t, round(v)) for t, v in line.points] == [(day + timedelta(minutes=29), 100),
                                                        (day + timedelta(days=2), 95)]


def test_the_score_trend_keeps_the_forms_that_ended_properly(bank, clock):
    ids = sorted(bank.questions)[:20]
    start = clock()

    def form(answered: int, timed_out: bool, day: int) -> Session:
        began = start + timedelta(days=day)
        deadline = began + timedelta(minutes=40)
        ended = deadline if timed_out else began + timedelta(minutes=30)
        session = Session(1, Mode.MOCK, ids, [[0]] * 20, began, deadline=deadline, finished_at=ended,
                          exam=bank.code, id=day)
        session.answers = [Answer(day, p, 1, q, [0], True, began, Mode.MOCK) for p, q in enumerate(ids[:answered])]
        return session

    forms = [form(20, False, 0), form(16, True, 1), form(15, True, 2), form(19, False, 3)]
    trend = build.score_trend(bank, forms)
    # all answered: 1000; out of time at 16 of 20 (80%): 820; 15 of 20 out of time and a stopped 19 of 20: left out
    assert [(t.date(), v) for t, v in trend.points] == [(start.date(), 1000),
                                                        ((start + timedelta(days=1)).date(), 820)]


async def test_the_score_panel_traces_the_pass_estimate_day_by_day_from_20_answers(service, charts, memory_store):
    """The line starts on the first day the learner has answered 20 different questions and ends on what
    /stats says today; the forms' dots stay apart (none here)."""
    lid = await service.learner("console", "cy")
    for day, domain in enumerate(("1", "2", "3")):  # ten different questions a day: 10, 20, 30 answered
        card = (await service.drill(lid, domain)).card
        await _answer_all(service, memory_store, lid, card, lambda n: n % 3 != 0)
        if day < 2:
            service.clock.advance(days=1)
    stats = await service.stats(lid)
    chart = charts.drawn[-1]
    assert len(chart.estimate.points) == 2  # days two and three: day one had only 10 answered
    assert chart.estimate.points[1][0] - chart.estimate.points[0][0] >= timedelta(days=1)
    stated = int(re.search(r"expected scaled score (\d+)", stats.text).group(1))
    assert round(chart.estimate.points[-1][1]) == stated
    assert all(100 <= v <= 1000 for _, v in chart.estimate.points) and chart.scores.points == ()
    assert f"now {stated}" in chart.alt
