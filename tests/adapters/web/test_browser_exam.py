"""Exam day in the web view, in a real browser (Debian's chromium, headless), issue 17: answer, flag, skip,
go back, jump from the navigator, the review screen, submit with its confirmation, the post-exam review; the
chat's side (the quiz service) sees the same session; a restart of the bot mid-exam (a new service and server
on the same database) loses nothing; everything by keyboard; the page fits a 375 px phone.

The bot here is its web view alone over a SQLite file, opened through a signed link as from Discord or the
console (tests/adapters/web/test_browser.py covers Telegram's Mini App sign-in). The clock is injected, so
the exam clock never runs out under a slow machine. Screenshots go to test-output/web/.
"""

from __future__ import annotations

import asyncio
import random

import pytest
from playwright.async_api import expect

from adapters.sql.database import Database, migrate
from adapters.sql.secret_store import SqlSecretStore
from adapters.sql.store import SqlStore
from adapters.web.server import WebServer
from core.quiz.exam_service import ExamService
from core.quiz.service import QuizService
from core.webview.links import LinkKey, WebLinks
from core.webview.service import WebView
from core.webview.view import LABELS
from tests.adapters.web.browser import phone, shot

BASE = "https://bot.example.org/exam/"
PHONE_WIDTH = 375


class Bot:
    """The quiz service and its web view on one database; restart() builds both anew, as a new process."""

    def __init__(self, url: str, exams, clock) -> None:
        self.url, self.exams, self.clock = url, exams, clock
        self.database: Database | None = None
        self.server: WebServer | None = None
        self.port = 0

    async def start(self) -> None:
        self.database = Database(self.url)
        key = LinkKey(SqlSecretStore(self.database))
        self.quiz = QuizService(self.exams, SqlStore(self.database), clock=self.clock, rng=random.Random(11),
                                web=WebLinks(BASE, key, self.clock))
        self.server = WebServer(WebView(self.quiz, key), port=self.port)
        await self.server.start()
        self.port = self.server.port  # the same address after a restart: the open page finds it again

    async def stop(self) -> None:
        await self.server.stop()
        await self.database.dispose()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def link(self, lid: int) -> str:
        card = (await self.quiz.current(lid)).card
        return card.web.url.replace(BASE, f"http://127.0.0.1:{self.port}/")

    async def session(self, lid: int):
        return await self.quiz.store.latest_session(lid)


@pytest.fixture
async def bot(tmp_path, exams, clock):
    url = f"sqlite+aiosqlite:///{tmp_path}/mla.db"
    await asyncio.to_thread(migrate, url)
    running = Bot(url, exams, clock)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def pick(page) -> None:
    """Choose a well-formed answer by letter keys (A, B, ... as many as asked) and save it with Enter."""
    select = int(await page.locator("#question").get_attribute("data-select"))
    for letter in "abcde"[:select]:
        await page.keyboard.press(letter)
    await page.keyboard.press("Enter")


async def fits(page) -> None:
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_WIDTH


async def test_flag_skip_back_jump_review_submit_and_recap_by_keyboard(bot, tmp_path):
    lid = await bot.quiz.learner("discord", "ann")
    await bot.quiz.mock(lid)
    async with phone(tmp_path / "profile") as page:
        await page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
        await page.goto(await bot.link(lid))
        await expect(page.locator("#progress")).to_have_text("Question 1 of 20")
        await expect(page.locator("#previous")).to_be_disabled()
        await fits(page)
        await shot(page, "exam-question-1")

        await pick(page)  # answer question 1 by keyboard
        await expect(page.locator("#progress")).to_have_text("Question 2 of 20")
        await expect(page.locator("#next")).to_have_text(LABELS["skip"])
        await page.keyboard.press("f")  # flag question 2
        await expect(page.locator("#flag")).to_have_attribute("aria-pressed", "true")
        await expect(page.get_by_label("Question 2, not answered, flagged, current")).to_be_visible()
        assert (await bot.session(lid)).flags == [1]  # the chat's side has the flag
        await page.keyboard.press("n")  # skip question 2
        await expect(page.locator("#progress")).to_have_text("Question 3 of 20")
        await page.keyboard.press("p")  # and back to it
        await expect(page.locator("#progress")).to_have_text("Question 2 of 20")
        await page.keyboard.press("p")  # question 1 again: its answer is shown and can change
        await expect(page.locator("#progress")).to_have_text("Question 1 of 20")
        await expect(page.locator("#next")).to_have_text(LABELS["next"])
        await expect(page.locator("#picked")).to_contain_text("Your answer so far:")
        assert (await bot.quiz.current(lid)).card.position == 0  # the chat shows the page's position

        cell = page.get_by_label("Question 7, not answered")  # jump from the navigator by keyboard
        await cell.focus()
        await page.keyboard.press("Enter")
        await expect(page.locator("#progress")).to_have_text("Question 7 of 20")
        await expect(page.locator(".cell.current")).to_have_text("7")
        await pick(page)
        await expect(page.locator("#progress")).to_have_text("Question 8 of 20")
        await shot(page, "exam-flagged-and-jumped")

        await ExamService(bot.quiz).flag(lid, 12)  # the chat flags question 12: the page shows it
        await page.keyboard.press("r")  # the review screen
        review = page.locator("#review")
        await expect(review).to_be_visible()
        await expect(review).to_contain_text("Answered 2 · Unanswered 18 · Flagged 2")
        await expect(page.locator("#review-lists")).to_contain_text("Flagged (2)")
        await expect(page.locator("#review-submit")).to_be_focused()
        await fits(page)
        await shot(page, "exam-review-screen")

        await page.keyboard.press("Enter")  # Submit exam: the confirmation first
        confirm = page.get_by_role("alertdialog")
        await expect(confirm).to_contain_text("18 questions are unanswered and count wrong; 2 questions are flagged")
        await expect(page.locator("#confirm-yes")).to_be_focused()
        assert (await bot.session(lid)).finished_at is None  # asking changed nothing
        await shot(page, "exam-submit-confirmation")
        await page.keyboard.press("Escape")  # not yet
        await expect(confirm).to_be_hidden()
        await page.locator("#review-lists").get_by_role("button", name="Question 12, flagged").click()  # from there
        await expect(page.locator("#progress")).to_have_text("Question 12 of 20")
        await pick(page)
        await page.keyboard.press("r")
        await expect(review).to_contain_text("Answered 3 · Unanswered 17 · Flagged 2")
        await page.locator("#review-submit").click()
        # the confirmation comes from the server: wait for it, or Enter may reach the page before the dialog
        await expect(confirm).to_contain_text("17 questions are unanswered")
        await page.locator("#confirm-yes").press("Enter")
        report = page.locator("#report")
        await expect(report).to_contain_text("MLA-C02 mock exam report:")
        await expect(report).to_contain_text("17 unanswered (counted wrong)")
        await expect(page.get_by_role("timer")).to_be_hidden()
        assert (await bot.session(lid)).submitted  # the chat's side: submitted
        assert (await bot.quiz.current(lid)).text.startswith("No session is running")
        await shot(page, "exam-report")

        await page.locator("#report-recap").press("Enter")  # the post-exam review
        recap = page.locator("#recap-text")
        await expect(recap).to_contain_text("Attempt 1 · MLA-C02 mock exam · question 1 of 20 · time on it:")
        await expect(recap).to_contain_text("Correct answer:")
        await expect(page.locator("#recap-previous")).to_be_disabled()
        await page.keyboard.press("n")
        await expect(recap).to_contain_text("question 2 of 20")
        await expect(recap).to_contain_text("You did not answer it (counted wrong).")
        await fits(page)
        await shot(page, "exam-post-exam-review")
        await page.locator("#recap-all").click()
        await expect(page.locator("#recap-list")).to_contain_text("1. 2026-11-28 MLA-C02 mock exam: ")


async def test_a_restart_mid_exam_loses_nothing_on_the_page(bot, tmp_path, clock):
    lid = await bot.quiz.learner("discord", "bo")
    await bot.quiz.mock(lid)
    async with phone(tmp_path / "profile") as page:
        await page.goto(await bot.link(lid))
        await expect(page.locator("#progress")).to_have_text("Question 1 of 20")
        await pick(page)
        await expect(page.locator("#progress")).to_have_text("Question 2 of 20")
        await page.keyboard.press("f")
        await expect(page.locator("#flag")).to_have_attribute("aria-pressed", "true")
        await page.get_by_label("Question 5, not answered").click()
        await expect(page.locator("#progress")).to_have_text("Question 5 of 20")
        clock.advance(minutes=3)
        await bot.restart()  # a new process on the same database
        await page.reload()
        await expect(page.locator("#progress")).to_have_text("Question 5 of 20")
        await expect(page.get_by_label("Question 1, answered")).to_be_visible()
        await expect(page.get_by_label("Question 2, not answered, flagged")).to_be_visible()
        await expect(page.get_by_role("timer")).to_contain_text("0:37:00")
        await shot(page, "exam-after-restart")
    session = await bot.session(lid)
    assert session.position == 4 and session.flags == [1] and [a.position for a in session.answers] == [0]


async def test_a_full_65_question_diagnostic_in_the_web_view(bot, tmp_path):
    """The first questions and the fixes on the page, the middle through the API the page calls (for speed);
    the review screen, submit and the post-exam review through the page."""
    lid = await bot.quiz.learner("discord", "cy")
    card = (await bot.quiz.diagnostic(lid)).card
    assert card.total == 65
    exam = ExamService(bot.quiz)
    async with phone(tmp_path / "profile") as page:
        await page.goto(await bot.link(lid))
        for number in (1, 2, 3):
            await expect(page.locator("#progress")).to_have_text(f"Question {number} of 65")
            await pick(page)
        await expect(page.locator("#progress")).to_have_text("Question 4 of 65")
        for position in range(3, 65):  # the chat (or the page's API) answers the rest but five, flags three
            if position in (9, 19, 29, 39, 49):
                await exam.step(lid, 1)
                continue
            if position in (4, 24, 59):
                await exam.flag(lid)
            shown = (await bot.quiz.current(lid)).card
            await bot.quiz.answer(lid, shown.session_id, shown.position, list(range(shown.select)))
        await page.reload()
        await expect(page.locator("#review")).to_be_hidden()
        await expect(page.locator(".cell.state-answered")).to_have_count(60)
        await expect(page.locator(".cell.flagged")).to_have_count(3)
        await page.keyboard.press("r")
        await expect(page.locator("#review")).to_contain_text("Answered 60 · Unanswered 5 · Flagged 3")
        await shot(page, "diagnostic-65-review")
        for number in (10, 20, 30, 40, 50):  # the skipped ones, from the review screen's list
            await page.locator("#review-lists").get_by_role("button", name=f"Question {number}, not answered",
                                                             exact=True).click()
            await expect(page.locator("#progress")).to_have_text(f"Question {number} of 65")
            await pick(page)
            await page.keyboard.press("r")
        await expect(page.locator("#review")).to_contain_text("Answered 65 · Unanswered 0 · Flagged 3")
        await page.locator("#review-submit").click()
        await expect(page.get_by_role("alertdialog")).to_contain_text("3 questions are flagged")
        await page.locator("#confirm-yes").click()
        await expect(page.locator("#report")).to_contain_text("MLA-C02 diagnostic report:")
        await page.locator("#report-recap").click()
        await expect(page.locator("#recap-text")).to_contain_text("question 1 of 65")
        for _ in range(3):
            await page.locator("#recap-next").click()
        await expect(page.locator("#recap-text")).to_contain_text("question 4 of 65")
        await shot(page, "diagnostic-65-recap")
    session = (await exam.finished(lid))[-1]
    assert session.submitted and len(session.answers) == 65 and session.flags == [4, 24, 59]
