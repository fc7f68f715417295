"""The web view in a real browser (Debian's chromium, headless) beside the chat, both on one running bot: the
bot as `python -m bot` builds it, polling a local Bot API stand-in, with WEBAPP_BASE_URL set.

The page is opened as Telegram opens a Mini App, with signed initData in the URL's fragment. Screenshots go
to test-output/web/. Each expectation waits until the page matches (Playwright's auto-waiting), so nothing
depends on how fast this machine is; the page is refreshed by reload, never by waiting for its timer.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import pytest
from playwright.async_api import expect

from adapters.sql.database import migrate
from adapters.telegram.codec import encode
from bot.bootstrap import bootstrap, chat_adapters
from bot.config import Settings
from bot.ops import web_server
from bot.runtime import Runtime
from core.commands import WEB_VIEW_BUTTON
from core.quiz.service import STALE
from core.reply import FAILED
from core.webview.auth import init_data_hash, sign_link
from core.webview.view import LABELS, SIGN_IN
from tests.adapters.telegram.standin import BotApiStandIn
from tests.adapters.web.browser import phone, shot

BASE = "https://bot.example.org/exam/"
USER = 7001


class Bot:
    """The running bot, its Telegram stand-in and a learner chatting with it."""

    def __init__(self, standin: BotApiStandIn, services, web) -> None:
        self.standin, self.services, self.web = standin, services, web
        self._messages = iter(range(1, 10**6))

    def say(self, text: str) -> None:
        message = {"message_id": next(self._messages), "date": int(time.time()), "text": text,
                   "chat": {"id": USER, "type": "private"}, "from": {"id": USER, "is_bot": False, "first_name": "A"}}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.standin.push({"message": message})

    def tap(self, data: str) -> None:
        message = {"message_id": 1, "date": int(time.time()), "text": "x", "chat": {"id": USER, "type": "private"}}
        self.standin.push({"callback_query": {"id": str(next(self._messages)), "chat_instance": "ci", "data": data,
                                              "from": {"id": USER, "is_bot": False, "first_name": "A"},
                                              "message": message}})

    async def reply(self, starting: str) -> str:
        """Wait for the chat's next message that starts so (after everything it was sent before)."""
        seen = len(self.standin.sent_texts(USER))
        await self.standin.wait_for(lambda: any(t.startswith(starting) for t in self.standin.sent_texts(USER)[seen:]),
                                    timeout=60)
        return next(t for t in self.standin.sent_texts(USER)[seen:] if t.startswith(starting))

    def url(self, fragment: str) -> str:
        return f"http://127.0.0.1:{self.web.port}/#{fragment}"

    def mini_app(self, signed_at: datetime | None = None, forge: bool = False) -> str:
        """The page as Telegram opens it: initData signed with the bot's token, the theme, the version."""
        fields = {"query_id": "AAE1", "user": json.dumps({"id": USER, "first_name": "A"}),
                  "auth_date": str(int((signed_at or datetime.now(UTC)).timestamp()))}
        signature = init_data_hash(fields, self.standin.token)
        if forge:
            fields["user"] = json.dumps({"id": USER + 1, "first_name": "B"})
        data = urlencode({**fields, "hash": signature})
        theme = json.dumps({"bg_color": "#ffffff", "text_color": "#000000", "button_color": "#2481cc"})
        return self.url(f"tgWebAppData={quote(data, safe='')}&tgWebAppVersion=7.0&tgWebAppThemeParams={quote(theme)}")

    async def answers(self) -> list[int]:
        learner = await self.services.quiz.learner("telegram", str(USER))
        session = await self.services.store.latest_session(learner)
        return [a.position for a in session.answers] if session else []


@pytest.fixture
async def bot(tmp_path, exams):
    standin = BotApiStandIn()
    await standin.start()
    url = f"sqlite+aiosqlite:///{tmp_path}/mla.db"
    await asyncio.to_thread(migrate, url)
    settings = Settings(database_url=url, telegram_bot_token=standin.token, telegram_api_base_url=standin.base_url,
                        webapp_base_url=BASE, webapp_port=0)
    services = bootstrap(settings, exams=exams)
    web = web_server(settings, services)
    runtime = Runtime(services.quiz, chat_adapters(settings, services), planner=services.planner,
                      rounds=services.rounds, tick_seconds=3600, web=web)
    stop = asyncio.Event()
    task = asyncio.create_task(runtime.run(stop))
    try:
        await standin.wait_for(lambda: standin.calls_to("getUpdates"), timeout=60)
        yield Bot(standin, services, web)
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 60) == 0
        await services.database.dispose()
        await standin.stop()


async def choose(page, how: str) -> None:
    """Pick a well-formed answer to the question on the page: by Tab and Space, or by letter keys."""
    select = int(await page.locator("#question").get_attribute("data-select"))
    if how == "tab":
        for _ in range(select):
            await page.keyboard.press("Tab")  # the first option, then the next (a radio group is one stop)
            await page.keyboard.press("Space")
    else:
        for letter in "abcdefgh"[:select]:
            await page.keyboard.press(letter)
    await page.keyboard.press("Enter")


async def test_an_answer_on_the_page_is_the_chats_and_the_chats_is_the_pages(bot, tmp_path):
    bot.say("/mock")
    card = await bot.reply("Q 1/20")
    button = [b for m in bot.standin.messages.values() for row in (m.get("reply_markup") or {}).get(
        "inline_keyboard", []) for b in row if "web_app" in b][-1]
    assert button == {"text": WEB_VIEW_BUTTON, "web_app": {"url": BASE}}
    async with phone(tmp_path / "profile") as page:
        await page.goto(bot.mini_app())
        await expect(page.locator("#progress")).to_have_text("Question 1 of 20")
        assert (await page.locator("#stem").text_content()) in card  # the chat's question, word for word
        await expect(page.get_by_role("timer")).to_contain_text("0:")
        await expect(page.locator(".cell.current")).to_have_text("1")
        assert "tgWebAppData" not in page.url  # the sign-in left the address bar
        await shot(page, "mini-app-question-1")

        await choose(page, "tab")  # keyboard only: Tab, Space, Enter
        await expect(page.locator("#progress")).to_have_text("Question 2 of 20")
        await expect(page.locator("#notices")).to_have_text(LABELS["recorded"])
        await expect(page.get_by_label("Question 1, answered")).to_be_visible()
        assert await bot.answers() == [0]
        bot.say("/question")  # the chat's next message shows the page's answer
        assert (await bot.reply("Q 2/20")).startswith("Q 2/20")

        session, select = int(await page.locator("#question").get_attribute("data-session")), \
            int(await page.locator("#question").get_attribute("data-select"))
        bot.tap(encode("a", session, 1, 0) if select == 1 else encode("s", session, 1, (1 << select) - 1))
        await bot.standin.wait_for(lambda: len(bot.standin.calls_to("answerCallbackQuery")) == 1, timeout=60)
        assert await bot.answers() == [0, 1]  # answered in the chat while the page still shows question 2
        await choose(page, "letters")  # the page's late answer for question 2
        await expect(page.locator("#notices")).to_have_text(STALE)
        await expect(page.locator("#progress")).to_have_text("Question 3 of 20")
        await expect(page.locator(".cell.state-answered")).to_have_count(2)
        assert await bot.answers() == [0, 1]  # refused: nothing recorded twice
        await shot(page, "mini-app-after-chat-answer")


async def test_a_forged_or_expired_sign_in_is_refused_and_changes_nothing(bot, tmp_path):
    bot.say("/mock")
    await bot.reply("Q 1/20")
    learner = await bot.services.quiz.learner("telegram", str(USER))
    key = await bot.services.webview.key()
    cases = {
        "forged-init-data": (bot.mini_app(forge=True), SIGN_IN["forged"]),
        "expired-init-data": (bot.mini_app(signed_at=datetime.now(UTC) - timedelta(days=2)),
                              SIGN_IN["telegram_expired"]),
        "expired-link": (bot.url("t=" + sign_link(key, learner, datetime.now(UTC) - timedelta(minutes=1))),
                         SIGN_IN["expired"]),
        "no-sign-in": (bot.url(""), SIGN_IN["missing"]),
    }
    async with phone(tmp_path / "profile") as first:
        for name, (url, words) in cases.items():
            page = await first.context.new_page()  # a new tab: no sign-in kept from the case before
            await page.goto(url)
            await expect(page.get_by_role("alert")).to_have_text(words)
            await expect(page.locator("#question")).to_be_hidden()
            await expect(page.locator("#navigator")).to_be_hidden()
            await shot(page, f"refused-{name}")
            await page.keyboard.press("a")
            await page.keyboard.press("Enter")
            await page.close()
        assert await bot.answers() == []


async def test_a_signed_link_on_a_phone_answers_every_question_submits_and_shows_the_report(bot, tmp_path):
    """Discord and the console open the page through a link signed for the learner; this one fits 360 px."""
    bot.say("/mock 5")
    await bot.reply("Q 1/5")
    card = (await bot.services.quiz.current(await bot.services.quiz.learner("telegram", str(USER)))).card
    assert card is not None and card.web is not None
    async with phone(tmp_path / "profile") as page:
        await page.goto(card.web.url.replace(BASE, bot.url("")[:-1]))
        await expect(page.locator("#progress")).to_have_text("Question 1 of 5")
        fieldset = page.locator("fieldset#choices")
        await expect(fieldset.locator("legend")).to_have_text(card.stem)
        kind = "checkbox" if card.select > 1 else "radio"
        assert await page.get_by_role(kind).count() == len(card.choices)
        assert await page.get_by_role(kind, name=f"A {card.choices[0]}").count() == 1  # each option is labelled
        assert await page.evaluate("() => document.documentElement.scrollWidth") <= 360
        await shot(page, "link-question-1-phone")
        for number in range(1, 6):
            await expect(page.locator("#progress")).to_have_text(f"Question {number} of 5")
            await choose(page, "letters")
        await expect(page.locator("#review")).to_contain_text("Answered 5 · Unanswered 0 · Flagged 0")
        await page.locator("#review-submit").click()  # the last answer opens the review screen; submit asks first
        await page.locator("#confirm-yes").click()
        report = page.locator("#report")
        await expect(report).to_be_visible()
        await expect(report).to_contain_text("MLA-C02 mock exam report:")
        await expect(page.locator(".cell.state-answered")).to_have_count(5)
        await expect(page.get_by_role("timer")).to_be_hidden()
        assert await page.evaluate("() => document.documentElement.scrollWidth") <= 360
        await shot(page, "link-report-phone")
    assert await bot.answers() == [0, 1, 2, 3, 4]
    bot.say("/question")
    assert (await bot.reply("No session is running")).startswith("No session is running")


async def test_a_failure_on_our_side_keeps_the_question_on_screen_and_says_so(bot, tmp_path, monkeypatch):
    bot.say("/mock")
    await bot.reply("Q 1/20")
    async with phone(tmp_path / "profile") as page:
        await page.goto(bot.mini_app())
        await expect(page.locator("#progress")).to_have_text("Question 1 of 20")

        async def broken(*args, **kwargs):
            raise ConnectionError("the database restarts")

        monkeypatch.setattr(bot.services.webview, "page", broken)
        await page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # the page looks again
        await expect(page.get_by_role("alert")).to_have_text(FAILED)
        await expect(page.locator("#progress")).to_have_text("Question 1 of 20")  # still there to answer
        await expect(page.locator("h1")).to_have_text("MLA-C02 mock exam · 20 questions")
        await shot(page, "failure-keeps-the-question")
        monkeypatch.undo()
        await choose(page, "letters")
        await expect(page.locator("#progress")).to_have_text("Question 2 of 20")
    assert await bot.answers() == [0]
