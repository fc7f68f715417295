"""Entry point: `python -m bot` runs the chat (console without tokens); `python -m bot questions check`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from adapters.ops.metrics import Metrics
from adapters.sql.database import migrate
from adapters.sql.file_lock import DatabaseInUse, one_process_per_sqlite_file
from bot.bootstrap import bootstrap, chat_adapters
from bot.config import Settings
from bot.logs import chat_opened, configure, console_log_file
from bot.ops import ops_server, web_server
from bot.runtime import Runtime
from bot.startup import explain, redact, retry
from core.exam.bank import Bank, BankError, load_bank
from core.exam.exams import BrokenExam, Exams, exam_folders, load_exams
from core.exam.stats import summary
from core.text import plural

log = logging.getLogger("bot")


def check_questions(folders: list[Path]) -> int:
    """Validate each exam's bank and print its statistics; non-zero exit on any error."""
    status, loaded = 0, dict[str, Bank]()
    for folder in folders:
        try:
            bank = loaded[folder.name] = load_bank(folder, loaded)
        except BankError as exc:
            print(f"{plural(len(exc.problems), 'problem')} in the question bank {folder.name}:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            status = 1
            continue
        print(summary(bank) + "\n")
    return status


def run_chat(settings: Settings) -> int:
    """The chat until it ends; a start-up failure is one line on stderr (no traceback, no token) and exit 1."""
    try:
        exams = load_exams(settings.questions_dir)
    except BrokenExam as exc:
        print(f"Refusing to start: the question bank in {exc.folder} (QUESTIONS_DIR) is broken; fix these "
              f"files:\n{exc}", file=sys.stderr)
        return 1
    try:
        with one_process_per_sqlite_file(settings.database_url):  # held until the process ends
            return _migrate_and_run(settings, exams)
    except DatabaseInUse as exc:
        print(f"Refusing to start: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        api = str(settings.telegram_api_base_url) if settings.telegram_api_base_url else None
        line = explain(exc, settings.database_url, settings.startup_attempts, api)
        if line is None:  # not a known start-up failure: its traceback goes through the token-masking log
            log.critical("stopped by an unexpected error", exc_info=exc)
            return 1
        print(redact(f"Refusing to start: {line}", settings.secrets()), file=sys.stderr)
        return 1


def _migrate_and_run(settings: Settings, exams: Exams) -> int:
    """Under the SQLite file lock: migrations first, so two processes starting at once never race them; a
    database still starting is waited for (STARTUP_ATTEMPTS, STARTUP_RETRY_SECONDS)."""
    retry(lambda: migrate(settings.database_url), settings.startup_attempts, settings.startup_retry_seconds,
          "connecting to the database (DATABASE_URL)")
    if settings.console:
        chat_opened()
    return asyncio.run(serve(settings, exams))


async def serve(settings: Settings, exams: Exams) -> int:
    """Every configured chat adapter (the console when no token is set) and the scheduler in one event loop,
    until SIGTERM, SIGINT (Ctrl-C) or the console's /quit; with OPS_PORT, the ops server (/healthz, /metrics);
    with WEBAPP_BASE_URL, the web view."""
    metrics = Metrics() if settings.ops_port is not None else None
    services = bootstrap(settings, exams=exams, on_database_error=metrics.database_error if metrics else None)
    adapters = chat_adapters(settings, services, metrics)
    ops = ops_server(settings, services, adapters, metrics) if metrics else None
    try:
        return await Runtime(services.quiz, adapters, planner=services.planner,
                             rounds=services.rounds, start_attempts=settings.startup_attempts,
                             start_retry_seconds=settings.startup_retry_seconds, ops=ops,
                             pushed=metrics.pushed if metrics else None,
                             shutdown_seconds=settings.shutdown_seconds, web=web_server(settings, services)).run()
    finally:
        await services.turns.dispose()  # the registration lock's connection, closed before the loop ends


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="MLA Coach study bot")
    sub = parser.add_subparsers(dest="command")
    questions = sub.add_parser("questions", help="question bank tools")
    questions.add_argument("action", choices=["check"])
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        # Name the variable and the reason only: echoing the input could print a token or a password.
        for err in exc.errors(include_input=False, include_url=False):
            name = str(err["loc"][0]).upper() if err["loc"] else "settings"
            print(f"Invalid setting {name}: {err['msg']}", file=sys.stderr)
        return 2
    if args.command == "questions":
        return check_questions(exam_folders(settings.questions_dir))
    configure(settings.log_level, settings.secrets(), settings.log_format,
              console_log_file(settings.database_url) if settings.console else None)
    return run_chat(settings)


if __name__ == "__main__":
    sys.exit(main())
