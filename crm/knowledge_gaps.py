"""The knowledge-gap report: questions the playbook refused or that got 👎, grouped, most frequent first.

What to write next. The report reads `answers` (refused, or flagged "not stated") and
`answer_feedback` (👎) over the last N days; the grouping of similar wording is injected (the
composition root passes `knowledge.gaps.group_similar` with the playbook's tokenizer), so this
module stays free of the knowledge engine.

Every admin gets it weekly, Monday at `report_time` in their own time zone, decided from the database
on every tick like the digests: the delivery row (admin, local date) is the claim, inserted before
sending, so a restart or two ticks never send it twice; a temporary failure deletes it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel

from crm.followups.schedule import day_in_window
from crm.store import Store, parse_utc, to_utc_iso
from crm.users import User, UserRepository

log = logging.getLogger(__name__)

GapReason = Literal["refused", "downvoted"]
Grouper = Callable[[Sequence[str]], list[list[int]]]  # texts -> groups of indices, representative first
REPORT_DAYS = 7
REPORT_WEEKDAY = 0  # Monday
REPORT_TIME = time(9, 0)
CATCH_UP = timedelta(hours=3)
EXAMPLES = 2  # questions shown under a group's representative
MAX_DAYS = 3660
MAX_GROUPED = 2000  # the most recent questions grouped (grouping compares every pair)


class InvalidGapWindow(ValueError):
    """A look-back that is not a whole number of days between 1 and MAX_DAYS."""


class GapQuestion(BaseModel):
    """One question the playbook failed: refused (or "not stated"), or answered and voted 👎."""

    question: str
    user_id: int
    reason: GapReason
    at: datetime


class GapGroup(BaseModel):
    """Similar questions: one representative, a few other wordings, how often and by how many reps."""

    representative: str
    examples: list[str]
    count: int
    refused: int
    downvoted: int
    users: int  # distinct reps who asked
    user_ids: list[int]  # who asked (admin-level data: the CLI and admin views only)
    last_at: datetime


class GapReport(BaseModel):
    """The gaps over a window, the most frequent group first."""

    since: datetime
    until: datetime
    days: int
    total: int  # questions counted
    grouped: int  # of which grouped: the most recent MAX_GROUPED
    groups: list[GapGroup]

    @property
    def is_empty(self) -> bool:
        """Nothing was refused or voted down in the window."""
        return not self.groups


@dataclass(frozen=True)
class DueGapReport:
    """A weekly report an admin should get now (for their local date)."""

    user: User
    local_date: date


def check_days(days: int) -> int:
    """The look-back in days, or InvalidGapWindow."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidGapWindow(days)
    return days


class KnowledgeGaps:
    """Collects, groups and schedules the knowledge-gap report. Pure of Telegram and of the knowledge engine."""

    def __init__(
        self,
        store: Store,
        users: UserRepository,
        *,
        group: Grouper,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        report_time: time = REPORT_TIME,
        catch_up: timedelta = CATCH_UP,
    ):
        self.store = store
        self.users = users
        self.group = group
        self.clock = clock
        self.report_time = report_time
        self.catch_up = catch_up

    # the report --------------------------------------------------------------------------------

    def questions(self, since: datetime, until: datetime) -> list[GapQuestion]:
        """Refused and 👎 questions asked in (since, until], oldest first."""
        start, end = to_utc_iso(since), to_utc_iso(until)
        refused = self.store.db.execute(
            "select question, user_id, created_at from answers"
            " where answered = 0 and created_at > ? and created_at <= ?", [start, end]
        ).fetchall()  # fmt: skip
        downvoted = self.store.db.execute(
            "select question, user_id, created_at from answer_feedback"
            " where vote < 0 and created_at > ? and created_at <= ? and question is not null", [start, end]
        ).fetchall()  # fmt: skip
        found = [
            GapQuestion(question=question, user_id=user_id, reason=reason, at=parse_utc(created_at))
            for reason, rows in (("refused", refused), ("downvoted", downvoted))
            for question, user_id, created_at in rows
            if question and question.strip()
        ]
        return sorted(found, key=lambda item: item.at)

    def report(self, *, days: int = REPORT_DAYS, now: datetime | None = None) -> GapReport:
        """The grouped gaps of the last `days` days (up to `now`, default the clock)."""
        days = check_days(days)
        until = now or self.clock()
        since = until - timedelta(days=days)
        found = self.questions(since, until)
        items = found[-MAX_GROUPED:]
        groups = [self._group(items, members) for members in self.group([item.question for item in items])]
        groups.sort(key=lambda group: (-group.count, -group.users, -group.last_at.timestamp()))
        return GapReport(since=since, until=until, days=days, total=len(found), grouped=len(items), groups=groups)

    @staticmethod
    def _group(items: list[GapQuestion], members: list[int]) -> GapGroup:
        """One group: its representative (the grouper's first member), then up to EXAMPLES other wordings."""
        chosen = [items[index] for index in members]
        representative = chosen[0].question.strip()
        examples = [text for text in dict.fromkeys(item.question.strip() for item in chosen[1:]) if text != representative]
        user_ids = sorted({item.user_id for item in chosen})
        return GapGroup(
            representative=representative, examples=examples[:EXAMPLES], count=len(chosen),
            refused=sum(item.reason == "refused" for item in chosen),
            downvoted=sum(item.reason == "downvoted" for item in chosen),
            users=len(user_ids), user_ids=user_ids, last_at=max(item.at for item in chosen),
        )  # fmt: skip

    # the weekly delivery -----------------------------------------------------------------------

    def due(self) -> list[DueGapReport]:
        """Admins whose weekly report is due now (Monday, past `report_time` locally, not yet claimed)."""
        now = self.clock()
        found = []
        for user in self.users.all():
            if not user.is_admin or user.revoked or user.registered_via == "local":  # the terminal has no chat
                continue
            try:
                zone = ZoneInfo(user.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                log.warning("admin %s has an unknown time zone %r: no gap report", user.id, user.timezone)
                continue
            today = day_in_window(now, zone, self.report_time, self.catch_up)
            if today is not None and today.weekday() == REPORT_WEEKDAY and not self.delivered(user.id, today):
                found.append(DueGapReport(user, today))
        return found

    def delivered(self, user_id: int, local_date: date) -> bool:
        """True when the report for that admin and local date is claimed (sent or being sent)."""
        row = self.store.db.execute(
            "select 1 from gap_report_deliveries where user_id = ? and local_date = ?", [user_id, local_date.isoformat()]
        ).fetchone()  # fmt: skip
        return row is not None

    def claim(self, due: DueGapReport) -> bool:
        """Record the delivery before sending; False when another tick claimed it already."""
        with self.store.transaction() as db:
            cursor = db.execute(
                "insert or ignore into gap_report_deliveries (user_id, local_date, claimed_at) values (?, ?, ?)",
                [due.user.id, due.local_date.isoformat(), to_utc_iso(self.clock())],
            )
        return cursor.rowcount == 1

    def release(self, due: DueGapReport) -> None:
        """Undo a claim after a temporary failure, so the next tick tries again."""
        with self.store.transaction() as db:
            db.execute("delete from gap_report_deliveries where user_id = ? and local_date = ?",
                       [due.user.id, due.local_date.isoformat()])  # fmt: skip
