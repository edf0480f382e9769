"""The daily digest (due today, overdue, yesterday's visits without a follow-up) and the weekly summary.

Both are decided from the database on every tick, not by per-user timers: a user is due when their
local clock has passed their digest time today (DST-correct through zoneinfo) and the day is not yet
recorded in `users.digest_sent_on` / `users.weekly_sent_on`. Recording the day is the claim (one
conditional UPDATE), so a restart or two ticks never send a digest twice. A digest missed while the
bot was down is still sent if the bot is back within `catch_up` (3 hours) of the digest time.

The service gathers plain data (`DailyDigest`, `WeeklyData`); the follow-ups skill words it and
`crm.followups.chart` draws the weekly chart from `WeeklyData` in a worker thread, with no database
connection crossing threads.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel

from crm.followups.repository import FollowUp, FollowupRepository
from crm.followups.schedule import at_local, day_in_window, parse_clock
from crm.language import Language, language_of
from crm.opportunities import Opportunity, OpportunityRepository
from crm.store import Store, parse_utc, to_utc_iso
from crm.users import User, UserRepository

log = logging.getLogger(__name__)

DigestKind = Literal["daily", "weekly"]
OFF = "off"
CATCH_UP = timedelta(hours=3)
SUMMARY_WEEKS = 4
LIST_LIMIT = 10
_CLOCK = re.compile(r"^(\d{1,2})[:：.](\d{2})$")


class InvalidDigestTime(ValueError):
    """Not a time of day like 07:45."""


def normalise_clock(value: str) -> str:
    """'7:45' → '07:45'; InvalidDigestTime for anything else."""
    match = _CLOCK.match(value.strip())
    if not match or not (0 <= int(match.group(1)) < 24 and 0 <= int(match.group(2)) < 60):
        raise InvalidDigestTime(value)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


@dataclass(frozen=True)
class DueDigest:
    """A digest a user should get now; `previous` is the day recorded before, to undo a failed claim."""

    user: User
    kind: DigestKind
    local_date: date
    previous: str | None


class VisitGap(BaseModel):
    """A visit with no follow-up."""

    visit_id: int
    visit_date: date
    customer_name: str | None = None
    summary: str = ""


class PipelineStage(BaseModel):
    """One stage of the Monday pipeline snapshot: how many open deals and their weighted amounts."""

    stage: str
    label_zh: str
    label_en: str
    count: int
    weighted: dict[str, str] = {}  # currency -> exact decimal text


class WeeklyData(BaseModel):
    """Plain numbers for the weekly summary and its chart (safe to hand to another thread)."""

    days: list[date]
    visits: list[int]
    done: list[int]
    created: list[int]
    open_now: int
    overdue_now: int
    pipeline: list[PipelineStage] = []  # the open pipeline as of now, by stage

    @property
    def is_empty(self) -> bool:
        """Nothing happened and nothing is open: no summary to send."""
        return not (any(self.visits) or any(self.done) or any(self.created) or self.open_now or self.pipeline)

    @property
    def has_activity(self) -> bool:
        """Some visit or finished follow-up to chart."""
        return any(self.visits) or any(self.done) or bool(self.pipeline)

    def last_week(self, series: list[int]) -> int:
        """The total of a series over the last 7 days."""
        return sum(series[-7:])


class DailyDigest(BaseModel):
    """What the morning digest lists for one user: overdue, due today, yesterday's visits without a follow-up."""

    user: User
    now: datetime
    today: date
    overdue: list[FollowUp]
    overdue_total: int
    due_today: list[FollowUp]
    due_today_total: int
    gaps: list[VisitGap]
    stale_opportunities: list[Opportunity] = []


class DigestService:
    """Decides who gets a digest now and gathers what it says. Pure of Telegram."""

    def __init__(
        self,
        store: Store,
        followups: FollowupRepository,
        users: UserRepository,
        *,
        opportunities: OpportunityRepository | None = None,
        stale_days: int = 14,
        default_time: str = "08:30",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        catch_up: timedelta = CATCH_UP,
    ):
        self.store = store
        self.default_time = default_time
        self.clock = clock
        self.catch_up = catch_up
        self.followups = followups
        self.users = users
        self.opportunities = opportunities
        self.stale_days = stale_days

    # preferences -------------------------------------------------------------------------------

    def digest_time(self, user_id: int) -> str | None:
        """The user's digest time 'HH:MM', or None when they turned it off."""
        row = self.store.db.execute("select digest_time from users where id = ?", [user_id]).fetchone()
        value = row[0] if row else None
        if value == OFF:
            return None
        return value or self.default_time

    def set_digest_time(self, user_id: int, value: str | None) -> str | None:
        """Set 'HH:MM', 'off', or None for the default; returns the effective time (None = off)."""
        stored = None if value is None else (OFF if value == OFF else normalise_clock(value))
        with self.store.transaction() as db:
            db.execute("update users set digest_time = ?, updated_at = ? where id = ?",
                       [stored, to_utc_iso(self.clock()), user_id])  # fmt: skip
        return self.digest_time(user_id)

    # who is due --------------------------------------------------------------------------------

    def due(self) -> list[DueDigest]:
        """Digests and weekly summaries due now, across all active users."""
        now = self.clock()
        rows = list(self.store.db.query(
            "select id, timezone, digest_time, digest_sent_on, weekly_sent_on from users"
            " where active = 1 and coalesce(registered_via, '') <> 'local'"  # the terminal user has no chat
        ))
        found: list[DueDigest] = []
        for row in rows:
            setting = row["digest_time"] or self.default_time
            if setting == OFF:
                continue
            try:
                zone = ZoneInfo(row["timezone"])
            except (ZoneInfoNotFoundError, ValueError):  # a bad zone in one row never stops the tick
                log.warning("user %s has an unknown time zone %r: no digest until they set one with /tz",
                            row["id"], row["timezone"])  # fmt: skip
                continue
            today = day_in_window(now, zone, parse_clock(setting), self.catch_up)
            if today is None:
                continue
            user = self.users.get(row["id"])
            if row["digest_sent_on"] != today.isoformat():
                found.append(DueDigest(user, "daily", today, row["digest_sent_on"]))
            if today.weekday() == 0 and row["weekly_sent_on"] != today.isoformat():
                found.append(DueDigest(user, "weekly", today, row["weekly_sent_on"]))
        return found

    def claim(self, due: DueDigest) -> bool:
        """Record the day as sent before sending (the claim); False if someone else did already."""
        column = _column(due.kind)
        with self.store.transaction() as db:
            cursor = db.execute(
                f"update users set {column} = ? where id = ? and ({column} is null or {column} <> ?)",
                [due.local_date.isoformat(), due.user.id, due.local_date.isoformat()],
            )
        return cursor.rowcount == 1

    def release(self, due: DueDigest) -> None:
        """Undo a claim after a temporary failure, so the next tick tries again."""
        column = _column(due.kind)
        with self.store.transaction() as db:
            db.execute(f"update users set {column} = ? where id = ? and {column} = ?",
                       [due.previous, due.user.id, due.local_date.isoformat()])  # fmt: skip

    def mark_blocked(self, user_id: int) -> None:
        """The user blocked the bot: no more digests until they return."""
        with self.store.transaction() as db:
            db.execute("update users set active = 0, updated_at = ? where id = ?", [to_utc_iso(self.clock()), user_id])

    # composing ---------------------------------------------------------------------------------

    def language(self, user: User) -> Language:
        """The user's language, else that of their latest message, else Chinese."""
        if user.language:
            return user.language
        row = self.store.db.execute(
            "select text from messages where user_id = ? and kind = 'text' order by id desc limit 1", [user.id]
        ).fetchone()
        return language_of(row[0]) if row and row[0] else "zh"

    def daily(self, user: User, *, now: datetime | None = None) -> DailyDigest | None:
        """Today's digest for `user` (at `now`, default the service's clock), or None when there is nothing to say."""
        now = now or self.clock()
        zone = user.zone
        today = now.astimezone(zone).date()
        end_of_today = at_local(today + timedelta(days=1), time(0, 0), zone)
        overdue = self.followups.due_between(user.id, datetime(1970, 1, 1, tzinfo=UTC), now, limit=LIST_LIMIT)
        overdue_total = self.followups.count_open(user.id, due_before=now)
        due_today = self.followups.due_between(user.id, now, end_of_today, limit=LIST_LIMIT)
        due_today_total = self.followups.count_open(user.id, due_before=end_of_today) - overdue_total
        gaps = self.visits_without_followup(user.id, today - timedelta(days=1))
        stale = self.stalled_opportunities(user.id, now)
        if not (overdue or due_today or gaps or stale):
            return None
        return DailyDigest(
            user=user, now=now, today=today, overdue=overdue, overdue_total=overdue_total,
            due_today=due_today, due_today_total=due_today_total, gaps=gaps, stale_opportunities=stale,
        )  # fmt: skip

    def stalled_opportunities(self, user_id: int, now: datetime) -> list[Opportunity]:
        """Open opportunities with no planned next step (no next step, no open follow-up for the customer)
        or untouched for `stale_days` days."""
        if self.opportunities is None:
            return []
        stalled = []
        for opportunity in self.opportunities.list_open(user_id=user_id):
            untouched = now - opportunity.updated_at >= timedelta(days=self.stale_days)
            planned = bool(opportunity.next_step) or (
                opportunity.customer_id is not None
                and bool(self.followups.open_for_customer(opportunity.customer_id, user_id=user_id, limit=1))
            )
            if untouched or not planned:
                stalled.append(opportunity)
        return stalled

    def visits_without_followup(self, user_id: int, day: date) -> list[VisitGap]:
        """The user's visits on `day` (their local date) that produced no follow-up."""
        rows = self.store.db.query(
            "select v.id, v.visit_date, v.summary, c.name as customer_name from visits v"
            " left join customers c on c.id = v.customer_id"
            " where v.user_id = ? and v.visit_date = ?"
            " and not exists (select 1 from followups f where f.visit_id = v.id and f.status <> 'cancelled')"
            " order by v.id",
            [user_id, day.isoformat()],
        )
        return [
            VisitGap(visit_id=row["id"], visit_date=date.fromisoformat(row["visit_date"]),
                     customer_name=row["customer_name"], summary=row["summary"] or "")
            for row in rows
        ]  # fmt: skip

    def weekly_data(self, user: User, *, weeks: int = SUMMARY_WEEKS) -> WeeklyData:
        """Visits, follow-ups done and created per local day over the last `weeks` full weeks."""
        now = self.clock()
        zone = user.zone
        today = now.astimezone(zone).date()
        last = today - timedelta(days=today.weekday() + 1)  # the Sunday before this week
        first = last - timedelta(days=7 * weeks - 1)
        days = [first + timedelta(days=offset) for offset in range(7 * weeks)]
        index = {day: position for position, day in enumerate(days)}
        visits = [0] * len(days)
        for row in self.store.db.query(
            "select visit_date, count(*) as n from visits where user_id = ? and visit_date between ? and ?"
            " group by visit_date",
            [user.id, first.isoformat(), last.isoformat()],
        ):
            position = index.get(date.fromisoformat(row["visit_date"]))
            if position is not None:
                visits[position] = row["n"]
        start = at_local(first, time(0, 0), zone)
        end = at_local(last + timedelta(days=1), time(0, 0), zone)
        done = self._per_day(user.id, "done_at", start, end, zone, index, "and status = 'done'")
        created = self._per_day(user.id, "created_at", start, end, zone, index, "")
        return WeeklyData(
            days=days, visits=visits, done=done, created=created,
            open_now=self.followups.count_open(user.id),
            overdue_now=self.followups.count_open(user.id, due_before=now),
            pipeline=self._pipeline(user.id),
        )  # fmt: skip

    def _pipeline(self, user_id: int) -> list[PipelineStage]:
        """The user's open opportunities per stage (count and weighted amounts), in pipeline order."""
        if self.opportunities is None:
            return []
        summary = self.opportunities.summary(user_id=user_id)
        stages = self.opportunities.pipeline
        return [
            PipelineStage(stage=total.stage, label_zh=stages.get(total.stage).label("zh") if stages.has(total.stage) else total.stage,
                          label_en=stages.get(total.stage).label("en") if stages.has(total.stage) else total.stage,
                          count=total.count, weighted={currency: str(value) for currency, value in total.weighted.items()})
            for total in summary.stages if total.count
        ]  # fmt: skip

    def _per_day(self, user_id: int, column: str, start: datetime, end: datetime, zone, index, extra: str) -> list[int]:
        counts = [0] * len(index)
        rows = self.store.db.execute(
            f"select {column} from followups where user_id = ? and {column} >= ? and {column} < ? {extra}",
            [user_id, to_utc_iso(start), to_utc_iso(end)],
        ).fetchall()
        for (value,) in rows:
            position = index.get(parse_utc(value).astimezone(zone).date())
            if position is not None:
                counts[position] += 1
        return counts


def _column(kind: DigestKind) -> str:
    return "digest_sent_on" if kind == "daily" else "weekly_sent_on"
