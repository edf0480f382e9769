"""The SQLite store: one database (WAL, foreign keys on), migrated at open, the durable truth.

`Store` owns the connections and the transactions; the repositories (`crm.users`, `crm.customers`,
`crm.visits.repository`, `crm.followups.repository`, …) read and write through it.

Concurrency: every thread gets its own connection (skill work runs in worker threads; a sqlite3
connection never crosses threads). A write transaction takes the write lock up front
(`BEGIN IMMEDIATE`), so two writers — the bot, `kam note --batch`, `kam remind` — queue on the
busy timeout instead of failing at once when a transaction that read first tries to write; a
transaction that still finds the database locked is retried a bounded number of times.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from crm.migrations import migrations

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000  # how long one attempt waits for another writer
LOCK_RETRIES = 3  # further attempts after a timed-out wait for the write lock
MEMORY = ":memory:"


def utc_now_iso() -> str:
    """The current UTC time as ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_utc_iso(moment: datetime) -> str:
    """An aware datetime as an ISO 8601 UTC string (sortable as text)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_utc(value: str) -> datetime:
    """A stored ISO 8601 time as an aware UTC datetime (naive values are taken as UTC)."""
    moment = datetime.fromisoformat(value)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def scoped(sql: str, params: list, user_id: int | None, *, column: str = "user_id",
           shared: bool = False) -> tuple[str, list]:
    """`sql` limited to `user_id`'s rows (None: an admin, every row); `shared` also keeps rows with no owner.

    The one place the ownership rule (docs/security.md) becomes a WHERE clause.
    """
    if user_id is None:
        return sql, list(params)
    clause = f" and ({column} = ? or {column} is null)" if shared else f" and {column} = ?"
    return sql + clause, [*params, user_id]


class Store:
    """Owns the database. `db` is this thread's connection; `transaction()` groups writes."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        self._local = threading.local()
        self._connections: list[Database] = []
        self._guard = threading.Lock()
        self._shared: Database | None = None  # the one connection of an in-memory database

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) and migrate the database at `path`; ':memory:' for tests."""
        if str(path) != MEMORY:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        store = cls(path)
        migrations.apply(store.db)
        return store

    @property
    def db(self) -> Database:
        """The calling thread's connection (created on first use)."""
        if self._shared is not None:
            return self._shared
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._connect()
            if self.path == MEMORY:  # separate connections would be separate databases
                self._shared = db
            else:
                self._local.db = db
        return db

    def _connect(self) -> Database:
        if self.path == MEMORY:
            connection = sqlite3.connect(MEMORY, check_same_thread=False)
        else:
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = Database(connection)
        if self.path != MEMORY:
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; a commit no longer waits on fsync
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        with self._guard:
            self._connections.append(db)
        return db

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._guard:
            connections, self._connections = self._connections, []
        for db in connections:
            db.close()
        self._local = threading.local()
        self._shared = None

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """All writes that belong together go through one of these (nested ones are savepoints).

        The outermost one takes the write lock first (`BEGIN IMMEDIATE`), waiting for other writers.
        """
        db = self.db
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        self._begin_immediate(db)
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            db.conn.rollback()
            raise

    def _begin_immediate(self, db: Database) -> None:
        for attempt in range(LOCK_RETRIES + 1):
            try:
                db.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or attempt == LOCK_RETRIES:
                    raise
                log.warning("database still locked after %d s; retrying (%d/%d)", BUSY_TIMEOUT_MS // 1000,
                            attempt + 1, LOCK_RETRIES)  # fmt: skip
                time.sleep(0.1 * (attempt + 1))

    def schema_version(self) -> list[str]:
        """Names of the applied migrations, oldest first."""
        return [migration.name for migration in migrations.applied(self.db)]
