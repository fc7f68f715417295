"""The web view's settings: off without WEBAPP_BASE_URL, HTTPS when Telegram opens it, its secret masked."""

from __future__ import annotations

import pytest

from bot.__main__ import main
from bot.bootstrap import bootstrap
from bot.config import Settings
from tests.fakes import InMemoryPlanStore, InMemoryReviewStore, InMemoryRoundStore, InMemorySecretStore, InMemoryStore

TOKEN = "123456:TEST-token_abc"


def services(bank, **settings):
    return bootstrap(Settings(**settings), exams=bank, store=InMemoryStore(), plan_store=InMemoryPlanStore(),
                     round_store=InMemoryRoundStore(), review_store=InMemoryReviewStore(),
                     secret_store=InMemorySecretStore())


def test_the_web_view_is_off_without_a_base_url(bank):
    built = services(bank)
    assert built.webview is None and built.quiz.web is None


def test_a_base_url_turns_the_web_view_on(bank):
    built = services(bank, webapp_base_url="https://bot.example.org/exam", telegram_bot_token=TOKEN)
    assert built.webview is not None and built.quiz.web is not None
    assert built.webview.telegram_token == TOKEN


@pytest.mark.parametrize(("url", "why"), [
    ("http://bot.example.org/exam/", "must start with https:// when TELEGRAM_BOT_TOKEN is set"),
    ("https://bot.example.org/exam/?x=1", "without ? or #"),
    ("https://bot.example.org/exam/#top", "without ? or #"),
])
def test_a_base_url_telegram_cannot_open_stops_the_bot_at_start(monkeypatch, capsys, url, why):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBAPP_BASE_URL", url)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Invalid setting WEBAPP_BASE_URL:") and why in err and TOKEN not in err


def test_without_telegram_a_local_http_address_serves_the_console(bank):
    settings = Settings(webapp_base_url="http://127.0.0.1:8080/")
    assert settings.console and str(settings.webapp_base_url) == "http://127.0.0.1:8080/"


def test_the_secret_is_masked_in_logs_and_too_short_a_one_is_refused():
    settings = Settings(webapp_base_url="https://bot.example.org/", webapp_secret="s" * 32)
    assert "s" * 32 in settings.secrets()
    with pytest.raises(ValueError, match="at least 16 characters"):
        Settings(webapp_base_url="https://bot.example.org/", webapp_secret="short")
