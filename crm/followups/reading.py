"""Reading a reminder request: "提醒我周五下午给华信发方案", "remind me to call Acme tomorrow 3pm".

A duration ("两小时后", "in 30 minutes") or a date from `crm.parsing.dates` gives the due time in the
rep's zone; what remains, without the "提醒我/remind me" ask, is the task.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from crm.followups.schedule import at_local
from crm.parsing.dates import find_dates

log = logging.getLogger(__name__)


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


MAX_DURATION_HOURS = 10 * 366 * 24  # "99999999999999999999小时后" is no time to remind at


def _duration(text: str) -> tuple[timedelta, int, int] | None:
    """'30分钟后', '两小时后', 'in 2 hours', 'in 10 min': an offset from now (at most ten years), with its span."""
    half = _ZH_HALF_HOUR.search(text)
    if half:
        return timedelta(minutes=30), half.start(), half.end()
    match = _ZH_DURATION.search(text)
    if match:
        count = _zh_count(match.group(1))
        unit = timedelta(minutes=1) if match.group(2).startswith("分") else timedelta(hours=1)
        if count is not None and 0 < count * (unit / timedelta(hours=1)) <= MAX_DURATION_HOURS:
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
        if 0 < count * (step / timedelta(hours=1)) <= MAX_DURATION_HOURS:
            return count * step, match.start(), match.end()
    return None


def find_due(text: str, *, now: datetime, zone: ZoneInfo, default_time: time) -> DueMatch | None:
    """The first time `text` names, resolved in the rep's zone: a duration, else a date (crm.parsing.dates)."""
    duration = _duration(text)
    if duration is not None:
        offset, start, end = duration
        return DueMatch(due=(now + offset).astimezone(UTC).replace(microsecond=0), start=start, end=end,
                        has_time=True)  # fmt: skip
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
