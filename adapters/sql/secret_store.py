"""SqlSecretStore: the core's SecretStore port; a secret is inserted once and read by everyone after."""

from __future__ import annotations

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from adapters.sql.database import Database
from adapters.sql.tables import AppSecretRow, table_of

SECRET = table_of(AppSecretRow)


def _secret(conn: Connection, name: str, candidate: str) -> str:
    """The stored value; the candidate is inserted first when there is none. Two processes inserting at
    once: the second meets the primary key, rolls back and reads the first one's value."""
    read = SECRET.select().where(SECRET.c.name == name)
    row = conn.execute(read).first()
    if row is not None:
        return str(row.value)
    try:
        conn.execute(SECRET.insert().values(name=name, value=candidate))
        conn.commit()
        return candidate
    except IntegrityError:
        conn.rollback()
    return str(conn.execute(read).one().value)


class SqlSecretStore:
    """Each call is one committed transaction."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def secret(self, name: str, candidate: str) -> str:
        return await self._db.run(_secret, name, candidate)
