"""The SQLite store: one database (WAL, foreign keys on), migrated at open, the durable truth."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.migrations import migrations
from bot.models import Language, Role, User


class UserNotFound(LookupError):
    """No user with that id."""


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

    # users -----------------------------------------------------------------------------------

    def get_user(self, user_id: int) -> User:
        """The user with this id, or UserNotFound."""
        row = self.find_user_row(user_id)
        if row is None:
            raise UserNotFound(user_id)
        return _user_from_row(row)

    def find_user_row(self, user_id: int) -> dict[str, Any] | None:
        """The raw users row, or None."""
        rows = list(self.db.query("select * from users where id = ?", [user_id]))
        return rows[0] if rows else None

    def upsert_user(
        self,
        user_id: int,
        *,
        name: str = "",
        username: str = "",
        role: Role | None = None,
        timezone_name: str,
        registered_via: str,
    ) -> User:
        """Create a user or refresh their name (and role, when given); keeps their preferences."""
        now = utc_now_iso()
        with self.transaction():
            existing = self.find_user_row(user_id)
            if existing is None:
                self.db["users"].insert(
                    {
                        "id": user_id,
                        "name": name,
                        "username": username,
                        "role": role or "rep",
                        "timezone": timezone_name,
                        "language": None,
                        "active": 1,
                        "registered_via": registered_via,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            else:
                changes: dict[str, Any] = {"updated_at": now}
                if name and name != existing["name"]:
                    changes["name"] = name
                if username and username != existing["username"]:
                    changes["username"] = username
                if role and role != existing["role"]:
                    changes["role"] = role
                self.db["users"].update(user_id, changes)
        return self.get_user(user_id)

    def set_user_fields(self, user_id: int, **fields: Any) -> User:
        """Change stored user preferences (language, timezone, active)."""
        allowed = {"language", "timezone", "active", "name", "role"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not user preferences: {sorted(unknown)}")
        with self.transaction():
            self.db["users"].update(user_id, {**fields, "updated_at": utc_now_iso()})
        return self.get_user(user_id)

    def list_users(self, *, active_only: bool = True) -> list[User]:
        """All users, active ones only by default."""
        sql = "select * from users" + (" where active = 1" if active_only else "") + " order by id"
        return [_user_from_row(row) for row in self.db.query(sql)]

    # message log -----------------------------------------------------------------------------

    def log_message(self, user_id: int, *, kind: str, text: str, skill: str | None) -> int:
        """Record a message that reached a skill; returns its id."""
        with self.transaction():
            table = self.db["messages"].insert(
                {
                    "user_id": user_id,
                    "kind": kind,
                    "text": text,
                    "skill": skill,
                    "received_at": utc_now_iso(),
                }
            )
        return int(table.last_pk)

    def log_access_attempt(self, telegram_id: int, *, name: str, text: str) -> None:
        """Record a message from someone who is not allowed in."""
        with self.transaction():
            self.db["access_attempts"].insert(
                {"telegram_id": telegram_id, "name": name, "text": text[:500], "attempted_at": utc_now_iso()}
            )

    # conversation state ----------------------------------------------------------------------

    def get_state(self, user_id: int) -> tuple[str, dict[str, Any]] | None:
        """The skill waiting for this user's next message and its state, if any."""
        rows = list(self.db.query("select skill, state from conversation_state where user_id = ?", [user_id]))
        if not rows:
            return None
        return rows[0]["skill"], json.loads(rows[0]["state"] or "{}")

    def set_state(self, user_id: int, skill: str, state: dict[str, Any]) -> None:
        """Make `skill` receive this user's next free-text message."""
        with self.transaction():
            self.db["conversation_state"].upsert(
                {
                    "user_id": user_id,
                    "skill": skill,
                    "state": json.dumps(state, ensure_ascii=False),
                    "updated_at": utc_now_iso(),
                },
                pk="user_id",
            )

    def clear_state(self, user_id: int) -> None:
        """Forget any pending conversation for this user."""
        with self.transaction():
            self.db.execute("delete from conversation_state where user_id = ?", [user_id])


def _user_from_row(row: dict[str, Any]) -> User:
    language: Language | None = row["language"] if row["language"] in ("zh", "en") else None
    return User(
        id=row["id"],
        name=row["name"] or "",
        role=row["role"],
        timezone=row["timezone"],
        language=language,
        active=bool(row["active"]),
    )
