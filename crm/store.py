"""The SQLite store: one database (WAL, foreign keys on), migrated at open, the durable truth.

`Store` owns the connection and the transactions; the repositories (`crm.users`, `crm.customers`,
`crm.visits.repository`, `crm.followups.repository`, …) read and write through it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from crm.migrations import migrations


def utc_now_iso() -> str:
    """The current UTC time as ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_utc_iso(moment: datetime) -> str:
    """An aware datetime as an ISO 8601 UTC string (sortable as text)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Store:
    """Owns the connection. Repositories (customers, visits, follow-ups) build on `db`."""

    def __init__(self, db: Database):
        self.db = db

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the database at `path`; ':memory:' for tests."""
        if str(path) == ":memory:":
            db = Database(memory=True)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            db = Database(sqlite3.connect(str(path), timeout=30))
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; a commit no longer waits on fsync
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA busy_timeout = 30000")
        migrations.apply(db)
        return cls(db)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """All writes that belong together go through one of these (nested ones are savepoints)."""
        with self.db.atomic() as db:
            yield db

    def schema_version(self) -> list[str]:
        """Names of the applied migrations, oldest first."""
        return [migration.name for migration in migrations.applied(self.db)]


def parse_utc(value: str) -> datetime:
    """A stored ISO 8601 time as an aware UTC datetime (naive values are taken as UTC)."""
    moment = datetime.fromisoformat(value)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
