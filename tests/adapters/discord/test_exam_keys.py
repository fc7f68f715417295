"""Discord during a diagnostic or mock (issue 17): Flag, Skip, Previous, Review screen and Submit under each
question (ephemeral in a server), the review screen's grid paged within five rows of five, Submit with a
confirmation naming the unanswered count, a changed answer replacing the old one, stale and forged keys
refused, /recap paging through an older attempt, and the keys of a running exam after a restart."""

from __future__ import annotations

from adapters.discord.render import ROW_WIDTH, ROWS_LIMIT
from adapters.sql.database import Database
from core.exam.model import QuestionType
from core.quiz import exam_keys
from tests.adapters.discord import gateway
from tests.adapters.discord.fakes import ANN, BOB, Sent, answer, click, command, key
from tests.adapters.discord.test_restart import sql_bot
from tests.answers import right_response


def screen(interaction) -> Sent:
    """What the clicked message shows now: the last edit with buttons, or the last message."""
    return [s for s in interaction.log if s.how in ("edit", "send", "followup") and s.view is not None][-1]


def live(store):
    return store._load([s for s in store.sessions.values() if not s.finished][-1])


def rows(sent: Sent) -> list[int]:
    """How many components each row of the message holds."""
    return [len(row["components"]) for row in sent.view.to_components()]


async def test_flag_skip_previous_review_jump_and_submit_with_a_confirmation(bot, memory_store, bank):
    started = await command(bot, "mock")
    card = started.card()
    assert card.ephemeral and card.embed.title.startswith("Q 1/20")
    assert list(card.buttons())[-4:] == ["⚑ Flag", "Skip ▶", "Review screen", "Submit attempt"]
    flagged = await click(bot, card.buttons()["⚑ Flag"].custom_id)
    shown = screen(flagged)
    assert shown.how == "edit" and "⚑ flagged" in shown.embed.title and "Unflag" in shown.buttons()
    assert flagged.log[-1].ephemeral and flagged.log[-1].content.startswith("Question 1 flagged")
    skipped = screen(await click(bot, shown.buttons()["Skip ▶"].custom_id))
    assert skipped.embed.title.startswith("Q 2/20")
    back = screen(await click(bot, skipped.buttons()["◀ Previous"].custom_id))
    assert back.embed.title.startswith("Q 1/20")
    card = (await answer(bot, back, key(memory_store, bank, back))).card()
    assert card.embed.title.startswith("Q 2/20")
    review = screen(await click(bot, card.buttons()["Review screen"].custom_id))
    assert review.content.startswith("Review screen · MLA-C01 mock exam") and "Answered 1 · Unanswered 19 · Flagged 1" \
        in review.content
    assert list(review.buttons()) == ["1✓⚑", "▸2", *map(str, range(3, 21)), "Back to Q2", "Submit attempt"]
    assert rows(review) == [ROW_WIDTH] * 4 + [2] and len(rows(review)) <= ROWS_LIMIT
    jumped = screen(await click(bot, review.buttons()["7"].custom_id))
    assert jumped.embed.title.startswith("Q 7/20") and live(memory_store).position == 6
    ask = screen(await click(bot, jumped.buttons()["Submit attempt"].custom_id))
    assert ask.content.startswith("Submit your MLA-C01 mock exam now? 19 questions are unanswered and count wrong; "
                                  "1 question is flagged.")
    assert list(ask.buttons()) == ["Yes, submit", "Keep going"]
    kept = screen(await click(bot, ask.buttons()["Keep going"].custom_id))
    assert kept.embed.title.startswith("Q 7/20")
    done = await click(bot, ask.buttons()["Yes, submit"].custom_id)
    assert any((s.content or "").startswith("Submitted.") for s in done.log)
    finished = memory_store._load(memory_store.sessions[1])
    assert finished.submitted and [a.position for a in finished.answers] == [0]


async def test_the_review_grid_of_a_65_question_diagnostic_pages_by_twenty(bot):
    await command(bot, "diagnostic")
    review = (await command(bot, "overview")).messages()[-1]
    assert list(review.buttons())[:20] == ["▸1", *map(str, range(2, 21))]
    assert list(review.buttons())[20:] == ["21–40 ▶", "Back to Q1", "Submit attempt"]
    for label, first, controls in (("21–40 ▶", "21", ["◀ 1–20", "41–60 ▶"]), ("41–60 ▶", "41", ["◀ 21–40", "61–65 ▶"]),
                                   ("61–65 ▶", "61", ["◀ 41–60"])):
        review = screen(await click(bot, review.buttons()[label].custom_id))
        assert list(review.buttons())[0] == first and list(review.buttons())[-len(controls) - 2:-2] == controls
        assert len(rows(review)) <= ROWS_LIMIT and max(rows(review)) <= ROW_WIDTH
    assert list(review.buttons()) == ["61", "62", "63", "64", "65", "◀ 41–60", "Back to Q1", "Submit attempt"]
    opened = screen(await click(bot, review.buttons()["63"].custom_id))
    assert opened.embed.title.startswith("Q 63/65")


async def test_a_changed_answer_replaces_the_old_one(bot, memory_store, bank):
    card = (await command(bot, "diagnostic")).card()
    following = (await answer(bot, card, key(memory_store, bank, card, right=False))).card()
    back = screen(await click(bot, following.buttons()["◀ Previous"].custom_id))
    assert back.embed.title.startswith("Q 1/65 ·")
    assert "your answer" in back.embed.title or "answered" in back.embed.title
    await answer(bot, back, key(memory_store, bank, back, right=True))
    assert [(a.position, a.correct) for a in live(memory_store).answers] == [(0, True)]


async def test_an_ordering_question_pages_its_steps_by_three_beside_the_moves(bot, memory_store, bank):
    await command(bot, "diagnostic")
    session = live(memory_store)
    number = next(p for p, qid in enumerate(session.question_ids) if bank[qid].type is QuestionType.ORDERING) + 1
    card = (await command(bot, "goto", number=number)).card()
    assert len(card.menus()) == 3 and rows(card) == [1, 1, 1, 2, 5]  # steps 1-3, "4–4 ▶" and Submit, the moves
    await answer(bot, card, key(memory_store, bank, card))
    assert [(a.position, a.correct) for a in live(memory_store).answers] == [(number - 1, True)]


async def test_stale_and_forged_keys_are_refused_and_change_nothing(bot, memory_store):
    card = (await command(bot, "mock")).card()
    await command(bot, "goto", number=5)
    before = live(memory_store)
    stale = await click(bot, card.buttons()["Skip ▶"].custom_id)  # drawn for question 1
    assert [(s.how, s.content, s.ephemeral) for s in stale.log][-1] == (
        "followup", "That button was for question 1; you are on question 5 now:", True)
    forged = await click(bot, f"mla:e:g:{before.id + 40}:3")
    assert forged.log[-1].content == exam_keys.STALE_KEY and forged.log[-1].ephemeral
    ask = (await command(bot, "submit")).messages()[-1]
    foreign = await click(bot, ask.buttons()["Yes, submit"].custom_id, user=BOB)  # Ann's confirmation
    assert foreign.log[-1].content == exam_keys.STALE_KEY
    after = live(memory_store)
    assert (after.position, after.flags, after.answers, after.finished) == (4, [], [], False)
    assert before.position == after.position


async def test_recap_pages_through_an_older_attempt(bot, memory_store, bank):
    for _ in range(2):
        card = (await command(bot, "mock")).card()
        await answer(bot, card, key(memory_store, bank, card))
        await command(bot, "submit", confirm="yes")
    page = (await command(bot, "recap", attempt="1")).messages()[-1]
    assert page.content.startswith("Attempt 1 · MLA-C01 mock exam · question 1 of 20 · time on it:")
    assert list(page.buttons()) == ["Next ▶", "All attempts"] and page.ephemeral
    second = screen(await click(bot, page.buttons()["Next ▶"].custom_id))
    assert second.content.startswith("Attempt 1 · MLA-C01 mock exam · question 2 of 20")
    assert "You did not answer it (counted wrong)." in second.content
    first = screen(await click(bot, second.buttons()["◀ Previous"].custom_id))
    assert first.content.startswith("Attempt 1 · MLA-C01 mock exam · question 1 of 20")
    stem = bank[memory_store.sessions[1].question_ids[0]].stem
    assert stem[:40] in first.content.replace("\\", "")
    listing = screen(await click(bot, first.buttons()["All attempts"].custom_id))
    assert "1. 2026-11-28 MLA-C01 mock exam" in listing.content and "2. 2026-11-28" in listing.content
    snooping = await click(bot, page.buttons()["Next ▶"].custom_id, user=BOB)
    assert snooping.log[-1].content == exam_keys.STALE_KEY


async def test_a_restart_mid_exam_keeps_position_flags_answers_and_old_buttons(bank, clock, database_url,
                                                                                 monkeypatch):
    engine = Database(database_url)
    before = sql_bot(bank, engine, clock, 3)
    card = (await command(before, "mock")).card()
    card = screen(await click(before, card.buttons()["⚑ Flag"].custom_id))
    card = screen(await click(before, card.buttons()["Skip ▶"].custom_id))
    session = await before.service.store.active_session(await before.service.learner("discord", str(ANN)))
    q = bank[session.question_ids[1]]
    card = (await answer(before, card, right_response(q, session.orders[1]))).card()  # question 2 answered
    sent = {"embeds": [card.embed.to_dict()], "components": card.view.to_components()}
    review = card.buttons()["Review screen"].custom_id
    await engine.dispose()

    engine = Database(database_url)
    after = sql_bot(bank, engine, clock, 4)
    recorder = gateway.Recorder()
    recorder.install(after, monkeypatch)
    await after.login("test-token")  # runs setup_hook, which registers the dynamic items
    try:
        gateway.dispatch(after, gateway.component(sent, review))
        await gateway.settle()
        shown = recorder.edits()[-1].body
        assert "Answered 1 · Unanswered 19 · Flagged 1" in shown["content"]
        labels = [c["label"] for row in shown["components"] for c in row["components"]]
        assert labels[:3] == ["1⚑", "2✓", "▸3"]
        learner = await after.service.learner("discord", str(ANN))
        session = await after.service.store.active_session(learner)
        assert (session.position, session.flags, [a.position for a in session.answers]) == (2, [0], [1])
    finally:
        await after.close()
        await engine.dispose()
