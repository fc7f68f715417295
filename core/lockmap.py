"""LockMap: one asyncio lock per key (a learner, a chat), kept only while someone holds or waits on it.

A defaultdict of locks grows by one lock per key ever seen: 100,000 one-off chats left 100,000 locks
(about 17 MB) in a long-running process. Here each key's entry counts its holders and waiters and is
dropped when that count falls to zero, so the map holds only the keys in use right now.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

K = TypeVar("K")


class _Entry:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0  # tasks holding the lock or waiting for it


class LockMap(Generic[K]):
    """`async with locks[key]:` runs the block alone among blocks on the same key; other keys run freely."""

    def __init__(self) -> None:
        self._entries: dict[K, _Entry] = {}

    def __getitem__(self, key: K) -> _Hold[K]:
        return _Hold(self, key)

    def __len__(self) -> int:
        """How many keys have a lock now (held or awaited); 0 when the service is idle."""
        return len(self._entries)

    def _enter(self, key: K) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry()
        entry.users += 1
        return entry

    def _leave(self, key: K, entry: _Entry) -> None:
        entry.users -= 1
        if entry.users == 0 and self._entries.get(key) is entry:
            del self._entries[key]


class _Hold(Generic[K]):
    """One use of a key's lock; the entry is counted from before the wait until after the release, so a
    waiter keeps it alive and a cancelled waiter gives its count back."""

    __slots__ = ("_map", "_key", "_entry")

    def __init__(self, locks: LockMap[K], key: K) -> None:
        self._map = locks
        self._key = key
        self._entry: _Entry | None = None

    async def __aenter__(self) -> None:
        entry = self._map._enter(self._key)
        try:
            await entry.lock.acquire()
        except BaseException:  # cancelled while waiting: this task no longer uses the entry
            self._map._leave(self._key, entry)
            raise
        self._entry = entry

    async def __aexit__(self, *exc: object) -> None:
        entry, self._entry = self._entry, None
        assert entry is not None, "released without being acquired"
        entry.lock.release()
        self._map._leave(self._key, entry)


class LocalTurns:
    """The core's Turns port inside one process: a LockMap, and every process leads (it is the only one).
    Right where one process owns the database (SQLite, one process per file: adapters/sql/file_lock.py)."""

    def __init__(self) -> None:
        self._locks: LockMap[str] = LockMap()

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        async with self._locks[key]:
            yield

    async def lead(self, name: str) -> bool:
        return True

    async def dispose(self) -> None:
        """Nothing to close."""
