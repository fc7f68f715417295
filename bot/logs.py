"""Logging set-up that keeps secrets out: tokens are masked in every record, whoever logs them.

Two formats: the default text line, and (LOG_FORMAT=json) one JSON object per line for a log collector.
Masking happens in a filter before either formatter sees the record, so both formats are masked alike.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from adapters.sql.file_lock import sqlite_path

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TERMINAL = "terminal"  # the console's stderr handler


class RedactSecrets(logging.Filter):
    """Replace each secret in a record's final message (httpx, for one, logs URLs with the bot token)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, "***")
            record.exc_text, record.exc_info = text, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line: time (UTC, ISO 8601), level, logger, message, and the
    traceback as `exc` when there is one (already masked by RedactSecrets, which runs first)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)  # json escapes newlines: one record is one line


def chat_opened() -> None:
    """The console's terminal is the chat from now on: only a CRITICAL record (the bot stopped) shows there,
    the rest goes to the log file alone."""
    for handler in logging.getLogger().handlers:
        if handler.get_name() == TERMINAL:
            handler.setLevel(logging.CRITICAL)


def console_log_file(database_url: str) -> Path:
    """Where the console's logs go: beside the SQLite file (data/console.log by default), or in ./data."""
    database = sqlite_path(database_url)
    return (database.parent if database is not None else Path("data")) / "console.log"


def configure(level: str, secrets: list[str], fmt: str = "text", log_file: Path | None = None) -> None:
    """Logs to stderr, or to `log_file`: the console's terminal is the chat, so there the logs (Alembic's
    migrations, a failed command's traceback) go to a file and only a CRITICAL one (the bot stopped) shows.
    `fmt` "json" writes one JSON object per record (LOG_FORMAT=json)."""
    if log_file is None:
        logging.basicConfig(level=level, format=TEXT_FORMAT)
    else:
        terminal = logging.StreamHandler(sys.stderr)
        terminal.set_name(TERMINAL)
        terminal.setLevel(logging.WARNING)  # until the chat opens: a database being waited for, say
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handlers: list[logging.Handler] = [logging.FileHandler(log_file, encoding="utf-8"), terminal]
        except OSError:  # an unusable data directory: start-up says so in its own words, logs stay on stderr
            handlers = [terminal]
        logging.basicConfig(level=level, format=TEXT_FORMAT, handlers=handlers)
    redact = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
        if fmt == "json":
            handler.setFormatter(JsonFormatter())
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))
