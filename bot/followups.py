"""Follow-ups: rows with a UTC due time. SQLite is the truth; schedulers only cache it.

This module holds the repository (create, read, finish, snooze, edit, cancel) and the pure helpers
that turn what a rep types ("提醒我周五下午给华信发方案", "remind me to call Acme tomorrow 3pm") into
a task and a due time in the rep's time zone. Delivery (claims, retries) is in `bot.reminders`.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from bot.store import Store, to_utc_iso, utc_now_iso

log = logging.getLogger(__name__)

Status = Literal["open", "done", "cancelled"]
ReminderState = Literal["pending", "sending", "sent", "failed"]
SnoozeChoice = Literal["1h", "tomorrow", "monday"]
SNOOZE_CHOICES: tuple[SnoozeChoice, ...] = ("1h", "tomorrow", "monday")


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
        if user_id is not None:
            sql += " and f.user_id = ?"
            params.append(user_id)
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
    )


def parse_utc(value: str) -> datetime:
    """A stored ISO 8601 time as an aware UTC datetime (naive values are taken as UTC)."""
    moment = datetime.fromisoformat(value)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


# local time -------------------------------------------------------------------------------------


def at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a day in `zone` (DST-correct; a skipped time moves forward)."""
    # fold=0: an ambiguous time (autumn) is the first one; a skipped time (spring) lands after the gap.
    return datetime.combine(day, clock.replace(tzinfo=None), tzinfo=zone).astimezone(UTC)


def parse_clock(value: str) -> time:
    """'09:00' → time(9, 0)."""
    hour, _, minute = value.partition(":")
    return time(int(hour), int(minute or 0))


def snooze_target(choice: SnoozeChoice, *, now: datetime, zone: ZoneInfo, default_time: time) -> datetime:
    """When a one-tap snooze moves a reminder: in an hour, tomorrow at `default_time`, or next Monday."""
    if choice == "1h":
        return (now + timedelta(hours=1)).astimezone(UTC).replace(microsecond=0)
    today = now.astimezone(zone).date()
    if choice == "tomorrow":
        return at_local(today + timedelta(days=1), default_time, zone)
    if choice == "monday":
        return at_local(today + timedelta(days=7 - today.weekday()), default_time, zone)
    raise ValueError(f"unknown snooze choice {choice!r}")


_ZH_WEEKDAYS = "一二三四五六日"
_EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def format_due(due: datetime, *, zone: ZoneInfo, now: datetime, language: str) -> str:
    """A due time as the rep reads it in their zone: 今天 14:00, 明天 09:00, 3月6日 周五 14:00."""
    local = due.astimezone(zone)
    today = now.astimezone(zone).date()
    clock = local.strftime("%H:%M")
    delta = (local.date() - today).days
    if language == "zh":
        relative = {0: "今天", 1: "明天", -1: "昨天", 2: "后天"}.get(delta)
        if relative:
            return f"{relative} {clock}"
        year = f"{local.year}年" if local.year != today.year else ""
        return f"{year}{local.month}月{local.day}日 周{_ZH_WEEKDAYS[local.weekday()]} {clock}"
    relative = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(delta)
    if relative:
        return f"{relative} {clock}"
    year = f" {local.year}" if local.year != today.year else ""
    return f"{_EN_WEEKDAYS[local.weekday()]} {local.day} {local.strftime('%b')}{year} {clock}"


# reading what the rep typed ---------------------------------------------------------------------


class DueMatch(BaseModel):
    """A due time found in text, with the span that said it."""

    due: datetime  # aware, UTC
    start: int
    end: int
    has_time: bool  # a clock time or a duration was said (not just a day)


class ReminderDraft(BaseModel):
    """A follow-up as read from a message, before it is stored."""

    text: str
    due: datetime  # aware, UTC
    has_time: bool
    customer_id: int | None = None
    customer_name: str | None = None


class NoDueTime(ValueError):
    """The text names no time we can remind at."""


class DueInPast(ValueError):
    """The time said has already passed."""


_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十半]+)"
_ZH_DURATION = re.compile(_NUMBER + r"\s*(?:个)?\s*(分钟|分|小时|钟头|个钟)\s*(?:以?后|之后)?")
_ZH_HALF_HOUR = re.compile(r"半\s*(?:个)?\s*(?:小时|钟头)\s*(?:以?后|之后)?")
_EN_DURATION = re.compile(
    r"\b(?:in\s+)?(\d+(?:\.\d+)?|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|half an?)\s*"
    r"(minutes?|mins?|hours?|hrs?|h|m)\b(?:\s+(?:from now|later))?",
    re.IGNORECASE,
)
_EN_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "fifteen": 15,
             "twenty": 20, "thirty": 30}  # fmt: skip
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _zh_count(value: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return float(value)
    if value == "半":
        return 0.5
    if value in _ZH_DIGITS:
        return float(_ZH_DIGITS[value])
    if value == "十":
        return 10.0
    match = re.fullmatch(r"([一二两三四五六七八九])?十([一二三四五六七八九])?", value)
    if match:
        tens = _ZH_DIGITS.get(match.group(1) or "一", 1)
        return float(tens * 10 + (_ZH_DIGITS[match.group(2)] if match.group(2) else 0))
    return None


def _duration(text: str) -> tuple[timedelta, int, int] | None:
    """'30分钟后', '两小时后', 'in 2 hours', 'in 10 min': an offset from now, with its span."""
    half = _ZH_HALF_HOUR.search(text)
    if half:
        return timedelta(minutes=30), half.start(), half.end()
    match = _ZH_DURATION.search(text)
    if match:
        count = _zh_count(match.group(1))
        if count is not None and count > 0:
            unit = timedelta(minutes=1) if match.group(2).startswith("分") else timedelta(hours=1)
            return count * unit, match.start(), match.end()
    match = _EN_DURATION.search(text)
    if match and (match.group(0).lower().startswith("in") or "from now" in match.group(0).lower()
                  or "later" in match.group(0).lower()):  # fmt: skip
        word = match.group(1).lower()
        count = 0.5 if word.startswith("half") else (float(word) if word[0].isdigit() else float(_EN_WORDS.get(word, 0)))
        unit = match.group(2).lower()
        step = timedelta(hours=1) if unit.startswith("h") else timedelta(minutes=1)
        if word.startswith("half"):
            step = timedelta(hours=1)
        if count > 0:
            return count * step, match.start(), match.end()
    return None


def find_due(text: str, *, now: datetime, zone: ZoneInfo, default_time: time) -> DueMatch | None:
    """The first time `text` names, resolved in the rep's zone: a duration, else a date (bot.parsing.dates)."""
    duration = _duration(text)
    if duration is not None:
        offset, start, end = duration
        return DueMatch(due=(now + offset).astimezone(UTC).replace(microsecond=0), start=start, end=end,
                        has_time=True)  # fmt: skip
    from bot.parsing.dates import (
        find_dates,  # the shared date parser (Recognizers-Text, built lazily)
    )

    local_now = now.astimezone(zone)
    try:
        mentions = find_dates(text, now=local_now)
    except Exception:  # a parser bug must not cost the reminder: the rep is asked for the time instead
        log.warning("the date parser failed on %r", text, exc_info=True)
        return None
    for mention in mentions:
        if mention.past or mention.offset is not None:
            continue
        day, clock = mention.due(default_time)
        if day is None:
            continue
        due = at_local(day, clock, zone)
        has_time = mention.has_time or mention.part_of_day is not None
        if due <= now and not has_time and day == local_now.date():
            due = (now + timedelta(hours=1)).astimezone(UTC).replace(second=0, microsecond=0)
        return DueMatch(due=due, start=mention.start, end=mention.end, has_time=has_time)
    return None


_ASK_PREFIX = re.compile(
    r"^\s*(?:/remind(?:@\w+)?\s*)?(?:请|麻烦)?(?:帮我)?(?:记得)?(?:提醒我|提醒一下我|提醒|别忘了|不要忘了|记得|记一下)\s*[:：,，]?\s*"
    r"|^\s*(?:/remind(?:@\w+)?\s*)?(?:please\s+)?(?:remind me(?:\s+to)?|don'?t forget(?:\s+to)?|remember to)\s*[:,]?\s*",
    re.IGNORECASE,
)
_CONNECTORS_ZH = re.compile(r"^(?:在|于|到|之后|以后|后|再|要|的时候|时)+|(?:在|于|到|再|要|的时候)+$")
_CONNECTORS_EN = re.compile(r"^(?:at|on|by|to|in|and)\b\s*|\s*\b(?:at|on|by|in|and)$", re.IGNORECASE)


def task_text(text: str, span: tuple[int, int] | None = None) -> str:
    """What to do, without the "提醒我/remind me" ask and without the time phrase."""
    if span is not None:
        text = (text[: span[0]] + " " + text[span[1] :]).strip()
    text = re.sub(r"^\s*/remind(?:@\w+)?\s*", "", text)
    text = _ASK_PREFIX.sub("", text, count=1).strip()
    text = re.sub(r"\s{2,}", " ", text).strip(" ,，。.;；:：")
    for _ in range(2):
        text = _CONNECTORS_ZH.sub("", text).strip(" ,，")
        text = _CONNECTORS_EN.sub("", text).strip(" ,，")
    return text


def draft_reminder(
    text: str, *, now: datetime, zone: ZoneInfo, default_time: time
) -> ReminderDraft:
    """Read a reminder request: NoDueTime when no time is named, DueInPast when it has passed."""
    found = find_due(text, now=now, zone=zone, default_time=default_time)
    if found is None:
        raise NoDueTime(text)
    if found.due <= now:
        raise DueInPast(text)
    task = task_text(text, (found.start, found.end)) or task_text(text)
    return ReminderDraft(text=task or text.strip(), due=found.due, has_time=found.has_time)
