"""Follow-ups: rows with a UTC due time. SQLite is the truth; schedulers only cache it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel

from bot.store import Store, to_utc_iso, utc_now_iso

Status = Literal["open", "done", "cancelled"]
ReminderState = Literal["pending", "sending", "sent", "failed"]


class FollowUpNotFound(LookupError):
    """No follow-up with that id for that user."""


class FollowUp(BaseModel):
    """One thing a rep must do by a time."""

    id: int
    user_id: int
    customer_id: int | None = None
    visit_id: int | None = None
    text: str
    due: datetime  # aware, UTC
    status: Status = "open"
    reminder_state: ReminderState = "pending"
    attempts: int = 0
    snooze_count: int = 0
    sent_at: datetime | None = None
    created_at: datetime

    def due_in(self, zone) -> datetime:  # noqa: ANN001 - ZoneInfo
        """The due time in a user's zone."""
        return self.due.astimezone(zone)


class FollowupRepository:
    """Create and read follow-ups. Writes join the caller's transaction when there is one."""

    def __init__(self, store: Store):
        self.store = store

    def create(
        self,
        user_id: int,
        text: str,
        due: datetime,
        *,
        customer_id: int | None = None,
        visit_id: int | None = None,
    ) -> int:
        """Store a new open follow-up due at `due` (aware); returns its id."""
        if due.tzinfo is None:
            raise ValueError("due must be timezone-aware")
        now = utc_now_iso()
        with self.store.transaction() as db:
            table = db["followups"].insert(
                {
                    "user_id": user_id,
                    "customer_id": customer_id,
                    "visit_id": visit_id,
                    "text": text,
                    "due_utc": to_utc_iso(due),
                    "status": "open",
                    "reminder_state": "pending",
                    "attempts": 0,
                    "snooze_count": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        return int(table.last_pk)

    def get(self, followup_id: int, *, user_id: int | None = None) -> FollowUp:
        """One follow-up (scoped to `user_id` when given), or FollowUpNotFound."""
        sql = "select * from followups where id = ?"
        params: list[Any] = [followup_id]
        if user_id is not None:
            sql += " and user_id = ?"
            params.append(user_id)
        rows = list(self.store.db.query(sql, params))
        if not rows:
            raise FollowUpNotFound(followup_id)
        return followup_from_row(rows[0])

    def list_open(self, user_id: int, *, limit: int = 500) -> list[FollowUp]:
        """A user's open follow-ups, earliest due first (overdue ones come first by construction)."""
        rows = self.store.db.query(
            "select * from followups where user_id = ? and status = 'open' order by due_utc, id limit ?",
            [user_id, limit],
        )
        return [followup_from_row(row) for row in rows]


def followup_from_row(row: dict[str, Any]) -> FollowUp:
    """A followups row as a model."""
    return FollowUp(
        id=row["id"],
        user_id=row["user_id"],
        customer_id=row["customer_id"],
        visit_id=row["visit_id"],
        text=row["text"],
        due=_parse_utc(row["due_utc"]),
        status=row["status"],
        reminder_state=row["reminder_state"],
        attempts=row["attempts"] or 0,
        snooze_count=row["snooze_count"] or 0,
        sent_at=_parse_utc(row["sent_at"]) if row["sent_at"] else None,
        created_at=_parse_utc(row["created_at"]),
    )


def _parse_utc(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
