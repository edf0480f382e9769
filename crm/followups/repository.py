"""Follow-ups: rows with a UTC due time. SQLite is the truth; schedulers only cache it.

The repository creates, reads, finishes, snoozes, edits and cancels them. Reading a reminder request
from text is `crm.followups.reading`; delivery (claims, retries) is `crm.followups.reminders`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from crm.store import Store, parse_utc, scoped, to_utc_iso, utc_now_iso

log = logging.getLogger(__name__)

Status = Literal["open", "done", "cancelled"]
ReminderState = Literal["pending", "sending", "sent", "failed"]


class FollowUpNotFound(LookupError):
    """No follow-up with that id for that user."""


class FollowUpClosed(Exception):
    """The follow-up is already done or cancelled."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


class FollowUp(BaseModel):
    """One thing a rep must do by a time."""

    id: int
    user_id: int
    customer_id: int | None = None
    customer_name: str | None = None  # filled by queries that join customers
    visit_id: int | None = None
    text: str
    due: datetime  # aware, UTC
    status: Status = "open"
    reminder_state: ReminderState = "pending"
    attempts: int = 0
    next_attempt: datetime | None = None
    snooze_count: int = 0
    sent_at: datetime | None = None
    overdue_notice: bool = False
    done_at: datetime | None = None
    last_error: str | None = None
    created_at: datetime
    kind: str | None = None  # None: a rep's to-do; renewal_end | renewal_notice | case_target
    contract_id: int | None = None
    case_id: int | None = None

    def due_in(self, zone) -> datetime:
        """The due time in a user's zone."""
        return self.due.astimezone(zone)

    def is_overdue(self, now: datetime) -> bool:
        """Open and past its due time."""
        return self.status == "open" and self.due <= now


_SELECT = (
    "select f.*, c.name as customer_name from followups f left join customers c on c.id = f.customer_id"
)


class FollowupRepository:
    """Create, read and change follow-ups. Writes join the caller's transaction when there is one."""

    def __init__(self, store: Store):
        self.store = store

    # writing -----------------------------------------------------------------------------------

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

    def create_reminder(
        self,
        user_id: int,
        text: str,
        due: datetime,
        *,
        kind: str,
        customer_id: int | None = None,
        contract_id: int | None = None,
        case_id: int | None = None,
        offset_days: int | None = None,
        anchor: str | None = None,
    ) -> int | None:
        """A reminder the system schedules (renewal, case target); None when that one already exists.

        Unique per contract + kind + offset + anchor date, or per case + kind, so creating the same
        reminders again (a re-import, a restart) adds nothing.
        """
        if due.tzinfo is None:
            raise ValueError("due must be timezone-aware")
        now = utc_now_iso()
        with self.store.transaction() as db:
            cursor = db.execute(
                "insert or ignore into followups (user_id, customer_id, text, due_utc, status, reminder_state,"
                " attempts, snooze_count, created_at, updated_at, kind, contract_id, case_id, offset_days, anchor)"
                " values (?, ?, ?, ?, 'open', 'pending', 0, 0, ?, ?, ?, ?, ?, ?, ?)",
                [user_id, customer_id, text, to_utc_iso(due), now, now, kind, contract_id, case_id, offset_days, anchor],
            )
            return int(cursor.lastrowid) if cursor.rowcount == 1 else None

    def cancel_reminders(self, *, contract_id: int | None = None, case_id: int | None = None, now: datetime) -> int:
        """Cancel a contract's or a case's open reminders; how many were cancelled."""
        column, value = ("contract_id", contract_id) if contract_id is not None else ("case_id", case_id)
        with self.store.transaction() as db:
            cursor = db.execute(
                f"update followups set status = 'cancelled', updated_at = ? where {column} = ? and status = 'open'",
                [to_utc_iso(now), value],
            )
        return cursor.rowcount

    def open_reminders(self, *, contract_id: int | None = None, case_id: int | None = None) -> list[FollowUp]:
        """A contract's or a case's open reminders, earliest first."""
        column, value = ("contract_id", contract_id) if contract_id is not None else ("case_id", case_id)
        rows = self.store.db.query(
            _SELECT + f" where f.{column} = ? and f.status = 'open' order by f.due_utc, f.id", [value]
        )
        return [followup_from_row(row) for row in rows]

    def complete(self, followup_id: int, *, user_id: int, now: datetime) -> FollowUp:
        """Mark an open follow-up done (FollowUpClosed if it is not open)."""
        self._change_open(
            followup_id, user_id,
            "status = 'done', done_at = :now, updated_at = :now", {"now": to_utc_iso(now)},
        )  # fmt: skip
        return self.get(followup_id, user_id=user_id)

    def cancel(self, followup_id: int, *, user_id: int, now: datetime) -> FollowUp:
        """Cancel an open follow-up; it will not be reminded."""
        self._change_open(followup_id, user_id, "status = 'cancelled', updated_at = :now", {"now": to_utc_iso(now)})
        return self.get(followup_id, user_id=user_id)

    def reschedule(self, followup_id: int, *, user_id: int, due: datetime, now: datetime, snooze: bool = False) -> FollowUp:
        """Move an open follow-up to `due` and arm its reminder again (a snooze counts when `snooze`)."""
        if due.tzinfo is None:
            raise ValueError("due must be timezone-aware")
        self._change_open(
            followup_id, user_id,
            "due_utc = :due, reminder_state = 'pending', attempts = 0, next_attempt_utc = null, "
            "claimed_utc = null, sent_at = null, overdue_notice = 0, last_error = null, "
            "snooze_count = snooze_count + :snooze, updated_at = :now",
            {"due": to_utc_iso(due), "snooze": 1 if snooze else 0, "now": to_utc_iso(now)},
        )  # fmt: skip
        return self.get(followup_id, user_id=user_id)

    def rename(self, followup_id: int, *, user_id: int, text: str, now: datetime) -> FollowUp:
        """Change what an open follow-up says."""
        text = text.strip()
        if not text:
            raise ValueError("text must not be empty")
        self._change_open(followup_id, user_id, "text = :text, updated_at = :now", {"text": text, "now": to_utc_iso(now)})
        return self.get(followup_id, user_id=user_id)

    def _change_open(self, followup_id: int, user_id: int, assignments: str, values: dict[str, Any]) -> None:
        with self.store.transaction() as db:
            cursor = db.execute(
                f"update followups set {assignments} where id = :id and user_id = :user and status = 'open'",
                {**values, "id": followup_id, "user": user_id},
            )
            if cursor.rowcount != 1:
                current = self.get(followup_id, user_id=user_id)  # raises FollowUpNotFound
                raise FollowUpClosed(current.status)

    # reading -----------------------------------------------------------------------------------

    def get(self, followup_id: int, *, user_id: int | None = None) -> FollowUp:
        """One follow-up (scoped to `user_id` when given), or FollowUpNotFound."""
        sql = _SELECT + " where f.id = ?"
        params: list[Any] = [followup_id]
        sql, params = scoped(sql, params, user_id, column="f.user_id")
        rows = list(self.store.db.query(sql, params))
        if not rows:
            raise FollowUpNotFound(followup_id)
        return followup_from_row(rows[0])

    def list_open(self, user_id: int, *, limit: int = 500) -> list[FollowUp]:
        """A user's open follow-ups, earliest due first (overdue ones come first by construction)."""
        rows = self.store.db.query(
            _SELECT + " where f.user_id = ? and f.status = 'open' order by f.due_utc, f.id limit ?",
            [user_id, limit],
        )
        return [followup_from_row(row) for row in rows]

    def open_for_customer(self, customer_id: int, *, user_id: int | None, limit: int = 10) -> list[FollowUp]:
        """Open follow-ups for a customer (one rep's, or everyone's for None), earliest due first."""
        sql = _SELECT + " where f.customer_id = ? and f.status = 'open'"
        params: list[Any] = [customer_id]
        sql, params = scoped(sql, params, user_id, column="f.user_id")
        rows = self.store.db.query(sql + " order by f.due_utc, f.id limit ?", [*params, limit])
        return [followup_from_row(row) for row in rows]

    def overdue_by_user(self, now: datetime) -> dict[int, int]:
        """How many open follow-ups each user has past their due time (the team view)."""
        rows = self.store.db.execute(
            "select user_id, count(*) from followups where status = 'open' and due_utc < ? group by user_id",
            [to_utc_iso(now)],
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def count_open(self, user_id: int, *, due_before: datetime | None = None) -> int:
        """How many open follow-ups the user has (due before a moment, when given)."""
        sql = "select count(*) from followups where user_id = ? and status = 'open'"
        params: list[Any] = [user_id]
        if due_before is not None:
            sql += " and due_utc < ?"
            params.append(to_utc_iso(due_before))
        return int(self.store.db.execute(sql, params).fetchone()[0])

    def due_between(self, user_id: int, start: datetime, end: datetime, *, limit: int = 100) -> list[FollowUp]:
        """Open follow-ups due in [start, end), earliest first."""
        rows = self.store.db.query(
            _SELECT + " where f.user_id = ? and f.status = 'open' and f.due_utc >= ? and f.due_utc < ?"
            " order by f.due_utc, f.id limit ?",
            [user_id, to_utc_iso(start), to_utc_iso(end), limit],
        )
        return [followup_from_row(row) for row in rows]

    def latest_reminded(self, user_id: int) -> FollowUp | None:
        """The open follow-up whose reminder this user got last (what a typed "推迟到…" refers to)."""
        rows = list(
            self.store.db.query(
                _SELECT + " where f.user_id = ? and f.status = 'open' and f.sent_at is not null"
                " order by f.sent_at desc, f.id desc limit 1",
                [user_id],
            )
        )
        return followup_from_row(rows[0]) if rows else None


def followup_from_row(row: dict[str, Any]) -> FollowUp:
    """A followups row as a model."""
    return FollowUp(
        id=row["id"],
        user_id=row["user_id"],
        customer_id=row["customer_id"],
        customer_name=row.get("customer_name"),
        visit_id=row["visit_id"],
        text=row["text"],
        due=parse_utc(row["due_utc"]),
        status=row["status"],
        reminder_state=row["reminder_state"],
        attempts=row["attempts"] or 0,
        next_attempt=parse_utc(row["next_attempt_utc"]) if row.get("next_attempt_utc") else None,
        snooze_count=row["snooze_count"] or 0,
        sent_at=parse_utc(row["sent_at"]) if row["sent_at"] else None,
        overdue_notice=bool(row.get("overdue_notice")),
        done_at=parse_utc(row["done_at"]) if row.get("done_at") else None,
        last_error=row.get("last_error"),
        created_at=parse_utc(row["created_at"]),
        kind=row.get("kind"),
        contract_id=row.get("contract_id"),
        case_id=row.get("case_id"),
    )
