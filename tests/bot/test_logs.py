"""LOG_FORMAT=json: one JSON object per line, tracebacks included, secrets masked as in the text format."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.config import Settings
from bot.logs import JsonFormatter, RedactSecrets

TOKEN = "4242:SECRET-token-never-logged"


@pytest.fixture
def json_log():
    """A logger writing through the same filter and formatter configure() installs for LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets([TOKEN]))
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.json_log")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_each_record_is_one_json_object_per_line_with_the_token_masked(json_log):
    logger, stream = json_log
    logger.info("POST https://api.telegram.org/bot%s/getMe \"HTTP/1.1 200\"", TOKEN)
    logger.warning("two\nlines stay one record")
    try:
        raise RuntimeError(f"rejected {TOKEN}")
    except RuntimeError:
        logger.exception("handler failed")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    records = [json.loads(line) for line in lines]
    assert [r["level"] for r in records] == ["INFO", "WARNING", "ERROR"]
    assert records[0]["logger"] == "tests.json_log" and records[0]["time"].endswith("+00:00")
    assert records[0]["message"] == "POST https://api.telegram.org/bot***/getMe \"HTTP/1.1 200\""
    assert records[1]["message"] == "two\nlines stay one record"
    assert "RuntimeError: rejected ***" in records[2]["exc"] and "Traceback" in records[2]["exc"]
    assert TOKEN not in stream.getvalue() and "SECRET-token" not in stream.getvalue()


def test_log_format_is_text_unless_json_is_asked_for(monkeypatch):
    assert Settings().log_format == "text"
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert Settings().log_format == "json"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="log_format"):
        Settings()
