"""Users: the reps and admins the bot serves, their preferences, and refused access attempts."""

from __future__ import annotations

from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from crm.language import Language, detect_language
from crm.store import Store, utc_now_iso

Role = Literal["rep", "admin"]
Registration = Literal["allowlist", "admin", "invite", "local", "operator"]
LOCAL_OPERATOR_ID = 0  # the person at the machine (`kam chat`, the CLI); never a Telegram id
INVITE_GUESSES_PER_HOUR = 5  # wrong /start codes from one Telegram id before codes stop being checked


class UserNotFound(LookupError):
    """No user with that id."""


class User(BaseModel):
    """A registered rep or admin, as stored in the `users` table."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str = ""
    role: Role = "rep"
    timezone: str = "Asia/Shanghai"
    language: Language | None = None  # None: follow each message's language
    active: bool = True
    registered_via: str = ""
    revoked: bool = False  # access withdrawn by an admin (`kam users revoke`, `/users revoke`)

    @property
    def is_admin(self) -> bool:
        """Admins see every rep's records."""
        return self.role == "admin"

    @property
    def owner_scope(self) -> int | None:
        """The owner a query of records is limited to: their own id, or None (everyone's) for an admin."""
        return None if self.is_admin else self.id

    @property
    def zone(self) -> ZoneInfo:
        """The user's time zone."""
        return ZoneInfo(self.timezone)


_PREFERENCES = {"language", "timezone", "active", "name", "role"}


class UserRepository:
    """Reads and writes users; writes join the caller's transaction when there is one."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, user_id: int) -> User:
        """The user with this id, or UserNotFound."""
        user = self.find(user_id)
        if user is None:
            raise UserNotFound(user_id)
        return user

    def find(self, user_id: int) -> User | None:
        """The user with this id, or None."""
        rows = list(self.store.db.query("select * from users where id = ?", [user_id]))
        return _user_from_row(rows[0]) if rows else None

    def name_of(self, user_id: int) -> str:
        """The user's display name, or their id when they have none."""
        user = self.find(user_id)
        return user.name if user and user.name else str(user_id)

    def upsert(
        self,
        user_id: int,
        *,
        name: str = "",
        username: str = "",
        role: Role | None = None,
        timezone_name: str,
        registered_via: Registration,
    ) -> User:
        """Create a user or refresh their name (and role, when given); keeps their preferences."""
        now = utc_now_iso()
        with self.store.transaction() as db:
            existing = list(db.query("select * from users where id = ?", [user_id]))
            if not existing:
                db["users"].insert(
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
                current = existing[0]
                changes: dict[str, Any] = {"updated_at": now}
                if name and name != current["name"]:
                    changes["name"] = name
                if username and username != current["username"]:
                    changes["username"] = username
                if role and role != current["role"]:
                    changes["role"] = role
                db["users"].update(user_id, changes)
        return self.get(user_id)

    def revoke(self, user_id: int) -> User:
        """Withdraw a user's access; it takes effect on their next message. UserNotFound if unknown."""
        self.get(user_id)
        with self.store.transaction() as db:
            db.execute("update users set revoked_at = ?, updated_at = ? where id = ?", [utc_now_iso(), utc_now_iso(), user_id])
            db.execute("delete from conversation_state where user_id = ?", [user_id])
        return self.get(user_id)

    def restore(self, user_id: int, *, role: Role, name: str = "", timezone_name: str) -> User:
        """Grant access (again): create the user or lift a revocation, with `role`."""
        user = self.upsert(user_id, name=name, role=role, timezone_name=timezone_name, registered_via="operator")
        with self.store.transaction() as db:
            db.execute("update users set revoked_at = null, role = ?, updated_at = ? where id = ?",
                       [role, utc_now_iso(), user_id])  # fmt: skip
        return self.get(user.id)

    def recent_access_attempts(self, telegram_id: int, *, since: str) -> int:
        """How many refused messages this Telegram id sent since `since` (ISO 8601 UTC)."""
        row = self.store.db.execute(
            "select count(*) from access_attempts where telegram_id = ? and attempted_at >= ?", [telegram_id, since]
        ).fetchone()
        return int(row[0])

    def update(self, user_id: int, **fields: Any) -> User:
        """Change stored user preferences (language, timezone, active, name, role)."""
        unknown = set(fields) - _PREFERENCES
        if unknown:
            raise ValueError(f"not user preferences: {sorted(unknown)}")
        with self.store.transaction() as db:
            db["users"].update(user_id, {**fields, "updated_at": utc_now_iso()})
        return self.get(user_id)

    def all(self, *, active_only: bool = True) -> list[User]:
        """All users, active ones only by default."""
        sql = "select * from users" + (" where active = 1" if active_only else "") + " order by id"
        return [_user_from_row(row) for row in self.store.db.query(sql)]

    def log_access_attempt(self, telegram_id: int, *, name: str, text: str) -> None:
        """Record a message from someone who is not allowed in."""
        with self.store.transaction() as db:
            db["access_attempts"].insert(
                {"telegram_id": telegram_id, "name": name, "text": text[:500], "attempted_at": utc_now_iso()}
            )

    def log_message(self, user_id: int, *, kind: str, text: str, skill: str | None) -> int:
        """Record a message that reached a skill; returns its id."""
        with self.store.transaction() as db:
            table = db["messages"].insert(
                {"user_id": user_id, "kind": kind, "text": text, "skill": skill, "received_at": utc_now_iso()}
            )
        return int(table.last_pk)

    def recent_language(self, user_id: int, *, look_back: int = 20) -> Language | None:
        """The language of the user's latest typed message that shows one (a button press shows none)."""
        rows = self.store.db.query(
            "select text from messages where user_id = ? and kind = 'text' order by received_at desc, id desc limit ?",
            [user_id, look_back],
        )
        return next((found for row in rows if (found := detect_language(row["text"] or ""))), None)


def _user_from_row(row: dict[str, Any]) -> User:
    language: Language | None = row["language"] if row["language"] in ("zh", "en") else None
    return User(
        id=row["id"],
        name=row["name"] or "",
        role=row["role"],
        timezone=row["timezone"],
        language=language,
        active=bool(row["active"]),
        registered_via=row["registered_via"] or "",
        revoked=bool(row.get("revoked_at")),
    )
