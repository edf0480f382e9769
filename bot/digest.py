"""The daily digest (due today, overdue, yesterday's visits without a follow-up) and the weekly summary.

Both are decided from the database on every tick, not by per-user timers: a user is due when their
local clock has passed their digest time today (DST-correct through zoneinfo) and the day is not yet
recorded in `users.digest_sent_on` / `users.weekly_sent_on`. Recording the day is the claim (one
conditional UPDATE), so a restart or two ticks never send a digest twice. A digest missed while the
bot was down is still sent if the bot is back within `catch_up` (3 hours) of the digest time.

The weekly chart is rendered by `render_weekly_chart` from plain data, so the Telegram side can run
it in a worker thread (`asyncio.to_thread`) without a database connection crossing threads.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel

from bot.followups import (
    FollowupRepository,
    at_local,
    format_due,
    parse_clock,
    parse_utc,
)
from bot.language import detect_language
from bot.models import Block, Button, FileOut, Reply, User
from bot.store import Store, to_utc_iso

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


class WeeklyData(BaseModel):
    """Plain numbers for the weekly summary and its chart (safe to hand to another thread)."""

    days: list[date]
    visits: list[int]
    done: list[int]
    created: list[int]
    open_now: int
    overdue_now: int
    language: str = "zh"

    def last_week(self, series: list[int]) -> int:
        """The total of a series over the last 7 days."""
        return sum(series[-7:])


class DigestService:
    """Decides who gets a digest now and composes it. Pure of Telegram."""

    def __init__(
        self,
        store: Store,
        *,
        default_time: str = "08:30",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        catch_up: timedelta = CATCH_UP,
    ):
        self.store = store
        self.default_time = default_time
        self.clock = clock
        self.catch_up = catch_up
        self.followups = FollowupRepository(store)

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
                continue
            today = now.astimezone(zone).date()
            scheduled = at_local(today, parse_clock(setting), zone)
            if not (scheduled <= now <= scheduled + self.catch_up):
                continue
            user = self.store.get_user(row["id"])
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

    def language(self, user: User) -> str:
        """The user's language, else that of their latest message, else Chinese."""
        if user.language:
            return user.language
        row = self.store.db.execute(
            "select text from messages where user_id = ? and kind = 'text' order by id desc limit 1", [user.id]
        ).fetchone()
        return (detect_language(row[0]) if row and row[0] else None) or "zh"

    def daily(self, user: User, *, language: str | None = None) -> Reply | None:
        """Today's digest, or None when there is nothing to say."""
        now = self.clock()
        language = language or self.language(user)
        zh = language == "zh"
        zone = user.zone
        today = now.astimezone(zone).date()
        end_of_today = at_local(today + timedelta(days=1), time(0, 0), zone)
        overdue = self.followups.due_between(user.id, datetime(1970, 1, 1, tzinfo=UTC), now,
                                             limit=LIST_LIMIT)  # fmt: skip
        overdue_total = self.followups.count_open(user.id, due_before=now)
        today_items = self.followups.due_between(user.id, now, end_of_today, limit=LIST_LIMIT)
        today_total = self.followups.count_open(user.id, due_before=end_of_today) - overdue_total
        gaps = self.visits_without_followup(user.id, today - timedelta(days=1))
        if not (overdue or today_items or gaps):
            return None
        weekday = ("周" + "一二三四五六日"[today.weekday()]) if zh else today.strftime("%A")
        title = f"☀️ 今日跟进 · {today.month}月{today.day}日 {weekday}" if zh else f"☀️ Today · {weekday} {today.day} {today.strftime('%b')}"
        reply = Reply(blocks=[Block(text=title, kind="heading")])

        def section(label: str, lines: list[str], total: int) -> None:
            if not lines:
                return
            more = total - len(lines)
            if more > 0:
                lines.append(f"…还有 {more} 条" if zh else f"…and {more} more")
            reply.add(f"{label}（{total}）" if zh else f"{label} ({total})", "heading")
            reply.add("\n".join(lines))

        def item(followup) -> str:
            who = f"【{followup.customer_name}】" if followup.customer_name and zh else (
                f"[{followup.customer_name}] " if followup.customer_name else "")
            when = format_due(followup.due, zone=zone, now=now, language=language)
            return f"• #{followup.id} {who}{followup.text} — {when}"

        section("⏰ 已逾期" if zh else "⏰ Overdue", [item(f) for f in overdue], overdue_total)
        section("📌 今天到期" if zh else "📌 Due today", [item(f) for f in today_items], today_total)
        gap_lines = [
            f"• {gap.customer_name or ('未关联客户' if zh else 'no customer')}：{_shorten(gap.summary)}" if zh
            else f"• {gap.customer_name or 'no customer'}: {_shorten(gap.summary)}"
            for gap in gaps[:LIST_LIMIT]
        ]
        section("📝 昨天拜访还没有跟进" if zh else "📝 Yesterday's visits without a follow-up", gap_lines, len(gaps))
        if gaps:
            reply.add("回复“提醒我…”即可补一条跟进。" if zh else 'Reply "remind me …" to add one.', "note")
        reply.buttons = [[Button(label="查看全部待办" if zh else "All follow-ups", data="followups:list")]]
        return reply

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

    def weekly_data(self, user: User, *, weeks: int = SUMMARY_WEEKS, language: str | None = None) -> WeeklyData:
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
            language=language or self.language(user),
        )  # fmt: skip

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

    def weekly_reply(self, data: WeeklyData, chart: bytes | None) -> Reply | None:
        """The weekly summary text with its chart as a photo; None for a week with nothing at all."""
        if not any(data.visits) and not any(data.done) and not any(data.created) and not data.open_now:
            return None
        zh = data.language == "zh"
        visits, done, created = data.last_week(data.visits), data.last_week(data.done), data.last_week(data.created)
        if zh:
            title = "📊 上周小结"
            body = (f"拜访 {visits} 次，完成跟进 {done} 条，新增跟进 {created} 条。\n"
                    f"目前待办 {data.open_now} 条，其中逾期 {data.overdue_now} 条。")  # fmt: skip
            caption = f"近 {len(data.days) // 7} 周每天的拜访与完成的跟进"
        else:
            title = "📊 Last week"
            body = (f"{visits} visits, {done} follow-ups done, {created} new.\n"
                    f"{data.open_now} open now, {data.overdue_now} overdue.")  # fmt: skip
            caption = f"Visits and follow-ups done per day, last {len(data.days) // 7} weeks"
        reply = Reply(blocks=[Block(text=title, kind="heading"), Block(text=body)])
        if chart:
            reply.file = FileOut(kind="photo", content=chart, filename="weekly.png", caption=caption)
        return reply


def render_weekly_chart(data: WeeklyData) -> bytes:
    """A PNG bar chart of visits and follow-ups done per day (matplotlib Agg; safe in a worker thread)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    positions = list(range(len(data.days)))
    width = 0.4
    axes.bar([p - width / 2 for p in positions], data.visits, width=width, label="Visits", color="#4C78A8")
    axes.bar([p + width / 2 for p in positions], data.done, width=width, label="Follow-ups done", color="#59A14F")
    ticks = [p for p, day in enumerate(data.days) if day.weekday() == 0]
    axes.set_xticks(ticks, [data.days[p].strftime("%m-%d") for p in ticks])
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", frameon=False)
    axes.set_title("Last weeks: visits and follow-ups done per day", fontsize=10)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _column(kind: DigestKind) -> str:
    return "digest_sent_on" if kind == "daily" else "weekly_sent_on"


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
