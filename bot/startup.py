"""Start-up failures as one line an operator can act on, and retries for an outage that may pass.

A failure at start used to print the library's traceback (110 lines for an unreachable PostgreSQL, and, for a
token Telegram rejected, the token itself). Here each known failure becomes one line that names the setting
and what to do; the caller prints it and exits non-zero. A database or Bot API that is down for a moment (a
container still starting, a restart) is retried with a doubling delay first: `STARTUP_ATTEMPTS` and
`STARTUP_RETRY_SECONDS` set how long, and tests make them short. A token is never part of a line: lines are
built from the settings' names and the error's kind, and every line is redacted once more before printing.

Chat libraries are recognised only if their adapter already imported them (sys.modules), so the console
never loads either one just to explain an error.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
T = TypeVar("T")


def causes(exc: BaseException) -> Iterator[BaseException]:
    """The error and everything it was raised from or during, outermost first (SQLAlchemy and the chat
    libraries wrap the driver's or the network's error)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _named(exc: BaseException, *names: str) -> bool:
    return any(type(e).__name__ in names for e in causes(exc))


def _is(exc: BaseException, module: str, name: str) -> bool:
    """isinstance against a class of a library, without importing the library."""
    cls = getattr(sys.modules.get(module), name, None)
    return cls is not None and any(isinstance(e, cls) for e in causes(exc))


def _token_rejected(exc: BaseException) -> str | None:
    if _is(exc, "telegram.error", "InvalidToken"):
        return "TELEGRAM_BOT_TOKEN was rejected by Telegram: check it with @BotFather (/mybots, API Token)."
    if _is(exc, "discord.errors", "LoginFailure"):
        return "DISCORD_BOT_TOKEN was rejected by Discord: check it in the Developer Portal (Bot, Reset Token)."
    return None


def temporary(exc: BaseException) -> bool:
    """Whether the failure may pass on its own: a server down or starting, a network error, a lock."""
    if _token_rejected(exc):
        return False
    if _is(exc, "telegram.error", "NetworkError"):  # TimedOut included
        return True
    if _named(exc, "CannotConnectNowError", "TooManyConnectionsError"):  # PostgreSQL starting up, or full
        return True
    if any(isinstance(e, sqlite3.OperationalError) and "locked" in str(e) for e in causes(exc)):
        return True
    return any(isinstance(e, (ConnectionError, TimeoutError, socket.gaierror)) for e in causes(exc))


def retry(fn: Callable[[], T], attempts: int, delay: float, what: str,
          sleep: Callable[[float], object] = time.sleep) -> T:
    """fn(), tried up to `attempts` times while it fails temporarily, waiting delay, 2*delay, 4*delay..."""
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts or not temporary(exc):
                raise
            wait = delay * 2 ** (attempt - 1)
            log.warning("%s failed (attempt %d of %d); retrying in %g s", what, attempt, attempts, wait)
            sleep(wait)
    raise AssertionError("unreachable")


async def retry_async(fn: Callable[[], Awaitable[T]], attempts: int, delay: float, what: str,
                      sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> T:
    """retry() for a coroutine function, e.g. a chat adapter's start()."""
    for attempt in range(1, attempts + 1):
        try:
            return await fn()
        except Exception as exc:
            if attempt == attempts or not temporary(exc):
                raise
            wait = delay * 2 ** (attempt - 1)
            log.warning("%s failed (attempt %d of %d); retrying in %g s", what, attempt, attempts, wait)
            await sleep(wait)
    raise AssertionError("unreachable")


def explain(exc: BaseException, database_url: str, attempts: int, telegram_api: str | None = None) -> str | None:
    """One line for a known start-up failure: what failed, the setting to look at, what to do. None when
    the error is not one of these (the caller logs it, through the log filter that masks tokens)."""
    line = _token_rejected(exc)
    if line:
        return line
    tries = f" after {attempts} attempts" if attempts > 1 and temporary(exc) else ""
    if _is(exc, "telegram.error", "NetworkError"):
        where = telegram_api or "https://api.telegram.org"
        return (f"cannot reach the Telegram Bot API at {where}{tries} (TELEGRAM_API_BASE_URL): check the network "
                "or the setting, then start again.")
    if _is(exc, "aiohttp", "ClientError"):
        return f"cannot reach Discord{tries}: check the network (DISCORD_BOT_TOKEN is set), then start again."
    return _database(exc, database_url, tries)


def _database(exc: BaseException, url: str, tries: str) -> str | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if any(isinstance(e, sqlite3.OperationalError) and "locked" in str(e) for e in causes(exc)):
            return (f"the SQLite database {path} is locked by another program{tries} (DATABASE_URL): close it, "
                    "then start again.")
        reason = next((e.strerror or str(e) for e in causes(exc) if isinstance(e, OSError)), None)
        if reason is None and any(isinstance(e, sqlite3.Error) for e in causes(exc)):
            reason = next(str(e) for e in causes(exc) if isinstance(e, sqlite3.Error))
        if reason is None:
            return None
        return (f"cannot use the SQLite database {path} (DATABASE_URL): {reason}. Point DATABASE_URL at a file "
                "in a folder the bot can create and write, e.g. sqlite+aiosqlite:///./data/mla.db.")
    server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    if _named(exc, "InvalidCatalogNameError"):
        return (f"the database {parsed.database!r} does not exist on the PostgreSQL server at {server} "
                f"(DATABASE_URL): create it (createdb {parsed.database}) or fix the name.")
    if _named(exc, "InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
        return (f"PostgreSQL at {server} refused the user {parsed.username!r} (DATABASE_URL): check the user name "
                "and password.")
    if any(isinstance(e, socket.gaierror) for e in causes(exc)):
        return (f"the database host {parsed.host!r} is unknown{tries} (DATABASE_URL): check the host name, or "
                "start the database's container first.")
    if temporary(exc):
        return (f"cannot reach PostgreSQL at {server}{tries} (DATABASE_URL): start PostgreSQL or fix the host and "
                "port, then start again.")
    return None


def redact(line: str, secrets: list[str]) -> str:
    """The line with every secret masked: a last guard, since lines are built without them."""
    for secret in secrets:
        if secret:
            line = line.replace(secret, "***")
    return line
