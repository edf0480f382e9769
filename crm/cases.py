"""After-sales cases: a customer's complaint, incident or question, handled by one rep by a target time.

A case has an owner, a customer, a type (complaint, incident, question), a priority (urgent, high,
normal, low), a status (new, assigned, pending, closed, rejected), a description, a resolution once
closed, and a response target: created time plus the priority's target (setting KAM_CASE_TARGETS,
"urgent=4h,high=1d,normal=3d,low=5d"; h = clock hours, d = working days Monday to Friday in the
owner's time zone). A follow-up row (`followups.kind` = `case_target`, `followups.case_id`) reminds
the owner before the target passes: a quarter of the way before it, at most four hours before.
Closing or rejecting a case cancels that reminder. Scope as everywhere: `user_id=None` means all.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from crm.followups.repository import FollowupRepository
from crm.store import Store, parse_utc, to_utc_iso, utc_now_iso

__all__ = ["Case", "CaseNotFound", "CaseRepository", "CaseClosed", "InvalidCase", "parse_targets", "target_due",
           "CASE_TYPES", "PRIORITIES", "DEFAULT_CASE_TARGETS", "case_due"]

CaseType = Literal["complaint", "incident", "question"]
Priority = Literal["urgent", "high", "normal", "low"]
CaseStatus = Literal["new", "assigned", "pending", "closed", "rejected"]
CASE_TYPES = ("complaint", "incident", "question")
PRIORITIES = ("urgent", "high", "normal", "low")
OPEN_STATUSES = ("new", "assigned", "pending")
DEFAULT_CASE_TARGETS = "urgent=4h,high=1d,normal=3d,low=5d"
_TARGET = re.compile(r"^\s*(urgent|high|normal|low)\s*=\s*(\d+)\s*([hd])\s*$", re.IGNORECASE)
_MAX_LEAD = timedelta(hours=4)


class CaseNotFound(LookupError):
    """No case with that id for that user."""


class CaseClosed(Exception):
    """The case is already closed or rejected."""


class InvalidCase(ValueError):
    """A type, priority or status a case cannot take."""


class Case(BaseModel):
    """One case as stored, with its customer's name for display."""

    id: int
    user_id: int
    customer_id: int | None = None
    customer_name: str | None = None
    type: CaseType
    priority: Priority
    status: CaseStatus = "new"
    description: str
    resolution: str | None = None
    due: datetime  # the response target, aware UTC
    source_visit_id: int | None = None
    created_at: datetime
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Not closed or rejected."""
        return self.status in OPEN_STATUSES


def parse_targets(text: str) -> dict[str, tuple[int, str]]:
    """'urgent=4h,high=1d' -> {'urgent': (4, 'h'), 'high': (1, 'd'), …}; every priority must be given.

    ValueError names the part it cannot read.
    """
    targets: dict[str, tuple[int, str]] = {}
    for part in text.replace("，", ",").split(","):
        if not part.strip():
            continue
        found = _TARGET.match(part)
        if found is None:
            raise ValueError(f"{part.strip()!r} is not like urgent=4h or normal=3d")
        targets[found.group(1).lower()] = (int(found.group(2)), found.group(3).lower())
    missing = [priority for priority in PRIORITIES if priority not in targets]
    if missing:
        raise ValueError(f"no target for {', '.join(missing)}")
    return targets


def target_due(created: datetime, target: tuple[int, str], zone: ZoneInfo) -> datetime:
    """`created` plus the target: clock hours, or working days (Mon–Fri) at the same local time."""
    amount, unit = target
    if unit == "h":
        return created + timedelta(hours=amount)
    local = created.astimezone(zone)
    while local.weekday() >= 5:  # said on a weekend: count from Monday morning
        local = (local + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    added = 0
    while added < amount:
        local += timedelta(days=1)
        if local.weekday() < 5:
            added += 1
    return local.astimezone(UTC)


def case_due(priority: str, *, now: datetime, zone: ZoneInfo, targets: str = DEFAULT_CASE_TARGETS) -> datetime:
    """The response target of a case of `priority` opened at `now`, in `zone`."""
    return target_due(now, parse_targets(targets)[priority], zone).astimezone(zone)


class CaseRepository:
    """Cases in SQLite and the reminder before each target. Writes join the caller's transaction."""

    def __init__(self, store: Store, followups: FollowupRepository, *, targets: str = DEFAULT_CASE_TARGETS):
        self.store = store
        self.followups = followups
        self.targets = parse_targets(targets)

    def create(
        self,
        user_id: int,
        *,
        customer_id: int | None,
        type: str,
        priority: str,
        description: str,
        now: datetime,
        zone: ZoneInfo,
        language: str = "zh",
        source_visit_id: int | None = None,
    ) -> Case:
        """A new case with its response target and a reminder before it, in one transaction."""
        if type not in CASE_TYPES:
            raise InvalidCase(f"unknown case type {type!r} (types: {', '.join(CASE_TYPES)})")
        if priority not in PRIORITIES:
            raise InvalidCase(f"unknown priority {priority!r} (priorities: {', '.join(PRIORITIES)})")
        due = target_due(now, self.targets[priority], zone)
        stamp = utc_now_iso()
        with self.store.transaction() as db:
            table = db["cases"].insert(
                {"user_id": user_id, "customer_id": customer_id, "type": type, "priority": priority,
                 "status": "new", "description": description.strip() or "?", "due_utc": to_utc_iso(due),
                 "source_visit_id": source_visit_id, "created_at": stamp, "updated_at": stamp}
            )  # fmt: skip
            case = self.get(int(table.last_pk))
            lead = min((due - now) / 4, _MAX_LEAD)
            remind_at = due - lead
            if remind_at > now:
                self.followups.create_reminder(
                    user_id, _reminder_text(case, language), remind_at, kind="case_target",
                    customer_id=customer_id, case_id=case.id,
                )  # fmt: skip
        return case

    def resolve(self, case_id: int, *, user_id: int | None, resolution: str, now: datetime, rejected: bool = False) -> Case:
        """Close (or reject) an open case with its resolution; its pending reminder is cancelled."""
        case = self.get(case_id, user_id=user_id)
        if not case.is_open:
            raise CaseClosed(case.status)
        stamp = to_utc_iso(now)
        with self.store.transaction() as db:
            db["cases"].update(case_id, {"status": "rejected" if rejected else "closed",
                                         "resolution": resolution.strip(), "closed_at": stamp, "updated_at": stamp})  # fmt: skip
            self.followups.cancel_reminders(case_id=case_id, now=now)
        return self.get(case_id)

    def set_status(self, case_id: int, *, user_id: int | None, status: str) -> Case:
        """Move an open case to new, assigned or pending."""
        if status not in OPEN_STATUSES:
            raise InvalidCase(f"use resolve() to close a case; {status!r} is not an open status")
        case = self.get(case_id, user_id=user_id)
        if not case.is_open:
            raise CaseClosed(case.status)
        with self.store.transaction() as db:
            db["cases"].update(case_id, {"status": status, "updated_at": utc_now_iso()})
        return self.get(case_id)

    def get(self, case_id: int, *, user_id: int | None = None) -> Case:
        """One case (scoped to `user_id` when given), or CaseNotFound."""
        found = self._select("k.id = ?", [case_id], user_id=user_id)
        if not found:
            raise CaseNotFound(case_id)
        return found[0]

    def list_open(self, *, user_id: int | None, customer_id: int | None = None) -> list[Case]:
        """Open cases, most urgent target first."""
        where = f"k.status in ({','.join('?' for _ in OPEN_STATUSES)})"
        params: list[Any] = list(OPEN_STATUSES)
        if customer_id is not None:
            where += " and k.customer_id = ?"
            params.append(customer_id)
        return sorted(self._select(where, params, user_id=user_id), key=lambda c: (c.due, c.id))

    def for_visit(self, visit_id: int) -> list[Case]:
        """The cases a saved visit's note opened."""
        return self._select("k.source_visit_id = ?", [visit_id], user_id=None)

    def _select(self, where: str, params: list[Any], *, user_id: int | None) -> list[Case]:
        sql = f"select k.*, c.name as customer_name from cases k left join customers c on c.id = k.customer_id where {where}"
        if user_id is not None:
            sql += " and k.user_id = ?"
            params = [*params, user_id]
        sql += " order by k.id desc"
        return [_from_row(row) for row in self.store.db.query(sql, params)]


_TYPE_ZH = {"complaint": "投诉", "incident": "故障", "question": "咨询"}
_PRIORITY_ZH = {"urgent": "紧急", "high": "高", "normal": "普通", "low": "低"}
_STATUS_ZH = {"new": "新建", "assigned": "已分派", "pending": "待客户", "closed": "已结案", "rejected": "已驳回"}


def type_label(case_type: str, language: str) -> str:
    """投诉 / complaint."""
    return _TYPE_ZH.get(case_type, case_type) if language == "zh" else case_type


def priority_label(priority: str, language: str) -> str:
    """紧急 / urgent."""
    return _PRIORITY_ZH.get(priority, priority) if language == "zh" else priority


def status_label(status: str, language: str) -> str:
    """已分派 / assigned."""
    return _STATUS_ZH.get(status, status) if language == "zh" else status


def _reminder_text(case: Case, language: str) -> str:
    who = case.customer_name or ""
    if language == "en":
        return f"Case #{case.id} {who} ({case.type}, {case.priority}): respond before the target".replace("  ", " ")
    return f"工单#{case.id} {who}（{type_label(case.type, 'zh')}·{priority_label(case.priority, 'zh')}）：响应时限快到了"


def _from_row(row: dict[str, Any]) -> Case:
    return Case(
        id=row["id"], user_id=row["user_id"], customer_id=row["customer_id"], customer_name=row.get("customer_name"),
        type=row["type"], priority=row["priority"], status=row["status"], description=row["description"],
        resolution=row["resolution"], due=parse_utc(row["due_utc"]), source_visit_id=row["source_visit_id"],
        created_at=parse_utc(row["created_at"]), closed_at=parse_utc(row["closed_at"]) if row["closed_at"] else None,
    )  # fmt: skip
