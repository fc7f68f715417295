"""PgTurns: the core's Turns port across processes, with PostgreSQL session advisory locks.

Replicas behind one webhook URL each take any update, so two updates of one chat can arrive at two processes
at once. A chat's turn is `pg_advisory_lock(key)` taken on a connection held for the whole update and
unlocked after it: the second process waits in PostgreSQL's lock queue (first come, first served) and then
reads what the first committed. Inside the process, a LockMap queues the chat's updates first, so one
process never holds more than one connection per chat in flight.

The lock connections come from a pool of their own, never the stores' pool: a handler holding its turn
needs store connections to do its work, and if both came from one pool, turns could take every connection
and wait for a store call that never gets one. While a lock connection is busy the stores' pool is not.

If PostgreSQL restarts while an update holds its turn, the lock goes with the server's session; the update
fails on its next store call, the unlock finds a dead connection (ignored: nothing is left to release), and
the pool drops that connection.

`lead(name)` takes `pg_try_advisory_lock` on a connection kept for the life of the process: the first
process to ask leads, the others are told no, and when the leader ends (even by kill -9) its session ends
and the next process to start leads.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from core.lockmap import LockMap

log = logging.getLogger(__name__)
TURN_CONNECTIONS = 16  # chats handled at once per process; more wait for a lock connection (PTB runs 64)


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a name (the same in every process and release)."""
    return int.from_bytes(hashlib.sha256(f"mla-coach:{name}".encode()).digest()[:8], "big", signed=True)


class PgTurns:
    """Turns and leadership on one PostgreSQL database (see the module docstring)."""

    def __init__(self, url: str, connections: int = TURN_CONNECTIONS) -> None:
        self._engine = create_async_engine(url, pool_size=connections, max_overflow=0, pool_pre_ping=True,
                                           pool_timeout=300)
        self._local: LockMap[str] = LockMap()
        self._leading: dict[str, AsyncConnection] = {}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        async with self._local[key]:
            connection = await self._engine.connect()
            try:
                await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_key(key)})
                await connection.commit()  # the lock belongs to the session; no transaction stays open
                yield
            finally:
                await self._release(connection, key)

    @staticmethod
    async def _release(connection: AsyncConnection, key: str) -> None:
        try:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key(key)})
            await connection.commit()
        except Exception:  # the server went away: its session, and the lock, went with it
            log.warning("could not release the turn of %s (the database connection was lost)", key)
            await connection.invalidate()
        finally:
            await connection.close()

    async def lead(self, name: str) -> bool:
        if name in self._leading:
            return True
        connection = await self._engine.connect()
        won = bool((await connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                             {"key": lock_key(f"lead:{name}")})).scalar_one())
        await connection.commit()
        if won:
            self._leading[name] = connection  # held until dispose(): the lock lives as long as the session
        else:
            await connection.close()
        return won

    async def dispose(self) -> None:
        """Give up leadership and close every connection (at the end of the process, and in tests)."""
        for connection in self._leading.values():
            await connection.close()
        self._leading.clear()
        await self._engine.dispose()
