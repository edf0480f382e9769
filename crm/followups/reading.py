"""Reading a reminder request: "提醒我周五下午给华信发方案", "remind me to call Acme tomorrow 3pm".

A duration ("两小时后", "in 30 minutes") or a date from `crm.parsing.dates` gives the due time in the
rep's zone; what remains, without the "提醒我/remind me" ask, is the task.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from pydantic import BaseModel

from crm.followups.schedule import at_local
from crm.parsing.date_rules import DateMention
from crm.parsing.dates import find_dates, simplified

log = logging.getLogger(__name__)


class DueMatch(BaseModel):
    """A due time found in text, with the span that said it."""

    due: datetime  # aware, UTC
    start: int
    end: int
    has_time: bool  # a clock time or a duration was said (not just a day)
    day: date  # the local day named
    clock: time | None = None  # the local clock time named (or reached by a duration)
    part: str | None = None  # morning/afternoon/... when a part of the day was said without a clock
    moved: bool = False  # said for today, after the default time: moved to the next sensible time


class ReminderDraft(BaseModel):
    """A follow-up as read from a message, before it is stored."""

    text: str
    due: datetime  # aware, UTC
    has_time: bool
    moved: bool = False  # said for today after the default time had passed: due at the next sensible time


class NoDueTime(ValueError):
    """The text names no time we can remind at."""


class DueInPast(ValueError):
    """The time said has already passed."""


class InvalidDue(ValueError):
    """The text names an impossible date or time (2月30日, 明天25点, "June 31st"); `words` are the words."""

    def __init__(self, words: str, span: tuple[int, int] | None = None):
        super().__init__(words)
        self.words = words
        self.span = span  # where the words are in the text, when known


_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百半]+)"
_ZH_DURATION = re.compile(_NUMBER + r"\s*(?:个)?\s*(分钟|小时|钟头|个钟)\s*(?P<later>以后|之后|后)?")
_ZH_HALF_HOUR = re.compile(r"(?P<whole>[一两1]个)?半\s*(?:个)?\s*(?:小时|钟头)\s*(?:以后|之后|后)")
_ZH_QUARTER = re.compile(r"(?P<count>[一三1-3])\s*刻钟\s*(?:以后|之后|后)")
_EN_DURATION = re.compile(
    r"\b(?:in\s+)?(\d+(?:\.\d+)?|a couple(?: of)?|couple(?: of)?|a few|an?|one|two|three|four|five|six|ten|fifteen|twenty|thirty|"
    r"forty|forty-five|half an?|"
    r"three quarters of an?|a quarter of an?)\s*"
    r"(minutes?|mins?|hours?|hrs?|h|m)\b(?P<and_a_half>\s+and\s+a\s+half)?(?:\s+(?:from now|later|hence))?",
    re.IGNORECASE,
)
_EN_AND_A_HALF = re.compile(r"\band\s+a\s+half\s+(?=hours?\b)", re.IGNORECASE)  # "two and a half hours"
_EN_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10,
             "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "a couple": 2, "a couple of": 2,
             "couple": 2, "couple of": 2, "a few": 3}  # fmt: skip
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_LONGEST_OFFSET = timedelta(days=3660)  # "in 99999999999999999999 hours" is not a reminder time


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


def _offset(count: float, unit: timedelta, match: re.Match[str]) -> timedelta:
    """`count` units, or InvalidDue when that is no time anyone reminds at."""
    try:
        offset = count * unit
    except OverflowError:
        offset = _LONGEST_OFFSET * 2
    if offset > _LONGEST_OFFSET:
        raise InvalidDue(match.group().strip(), match.span())
    return offset


def _duration(text: str) -> tuple[timedelta, int, int] | None:
    """'30分钟后', '两小时后', '一刻钟后', 'in 2 hours', 'in half an hour': an offset from now, with its span."""
    half = _ZH_HALF_HOUR.search(text)
    if half:
        whole = half.group("whole")
        minutes = 30 + 60 * (2 if whole and whole[0] == "两" else 1 if whole else 0)  # 两个半小时 = 150
        return timedelta(minutes=minutes), half.start(), half.end()
    quarter = _ZH_QUARTER.search(text)
    if quarter:
        count = {"一": 1, "三": 3}.get(quarter.group("count")) or int(quarter.group("count"))
        return timedelta(minutes=15 * count), quarter.start(), quarter.end()
    match = _ZH_DURATION.search(text)
    if match and (match.group("later") or not text.replace(match.group(), "").strip(" ，,。")):  # 7×24小时 is no offset
        count = _zh_count(match.group(1))
        if count is not None and count > 0:
            unit = timedelta(minutes=1) if match.group(2).startswith("分") else timedelta(hours=1)
            return _offset(count, unit, match), match.start(), match.end()
    half_said = _EN_AND_A_HALF.search(text)
    if half_said:  # "in two and a half hours": read as "in two hours and a half"
        text = text[: half_said.start()] + text[half_said.end() :]
    match = _EN_DURATION.search(text)
    if match and (match.group(0).lower().startswith("in") or "from now" in match.group(0).lower()
                  or "later" in match.group(0).lower() or "hence" in match.group(0).lower()):  # fmt: skip
        word = match.group(1).lower()
        count = 0.5 if word.startswith("half") else (float(word) if word[0].isdigit() else float(_EN_WORDS.get(word, 0)))
        if word.startswith(("three quarters", "a quarter")):
            count = 0.75 if word.startswith("three") else 0.25
        unit = match.group(2).lower()
        step = timedelta(hours=1) if unit.startswith("h") else timedelta(minutes=1)
        if word.startswith("half"):
            step = timedelta(hours=1)
        if (match.group("and_a_half") or half_said) and unit.startswith("h"):
            count += 0.5
        if half_said:  # spans index the text as said
            start = match.start() + (len(half_said.group()) if match.start() > half_said.start() else 0)
            end = match.end() + (len(half_said.group()) if match.end() > half_said.start() else 0)
            if count > 0:
                return _offset(count, step, match), start, end
        if count > 0:
            return _offset(count, step, match), match.start(), match.end()
    return None


def find_due(text: str, *, now: datetime, zone: tzinfo, default_time: time) -> DueMatch | None:
    """The first time `text` names, resolved in the rep's zone: a duration, else a date (crm.parsing.dates).

    InvalidDue when it names an impossible date or time (2月30日, 明天25点, "in 99999999999999999999 hours").
    """
    local_now = now.astimezone(zone)
    text = simplified(text)  # 半小時後 reads as 半小时后; same length, so spans still index the text
    duration = _duration(text)
    if duration is not None:
        offset, start, end = duration
        try:
            due = (now + offset).astimezone(UTC).replace(microsecond=0)
        except OverflowError:
            raise InvalidDue(text[start:end].strip(), (start, end)) from None
        local = due.astimezone(zone)
        return DueMatch(due=due, start=start, end=end, has_time=True, day=local.date(),
                        clock=local.time().replace(second=0, tzinfo=None))  # fmt: skip
    try:
        mentions = find_dates(text, now=local_now, keep_invalid=True)
    except Exception:  # a parser bug must not cost the reminder: the rep is asked for the time instead
        log.warning("the date parser failed on a %d-character text", len(text), exc_info=True)
        return None
    invalid = [mention for mention in mentions if mention.invalid]
    if invalid:
        raise InvalidDue("、".join(mention.text.strip() for mention in invalid), (invalid[0].start, invalid[0].end))
    # "a week before Christmas", 12月20号开会，提前三天提醒我: the day counted back from the date said comes first
    counted = [_counted_back(mentions, position, text) for position, m in enumerate(mentions) if m.offset is not None]
    for mention in [m for m in counted if m is not None] + [m for m in mentions if m.offset is None]:
        if mention.past:
            continue
        day, clock = mention.due(default_time)
        if day is None:
            continue
        due = at_local(day, clock, zone)
        has_time = mention.has_time or mention.part_of_day is not None
        moved = False
        if due <= now and not has_time and day == local_now.date():
            due = (now + timedelta(hours=1)).astimezone(UTC).replace(second=0, microsecond=0)
            moved = True
        return DueMatch(due=due, start=mention.start, end=mention.end, has_time=has_time, day=day,
                        clock=mention.clock, part=mention.part_of_day, moved=moved)  # fmt: skip
    return None


def _counted_back(mentions: list[DateMention], position: int, text: str) -> DateMention | None:
    """An offset mention (提前一周, "two days before") resolved against the nearest plain date: the one
    before it, else the one after (as a visit note does); one mention spanning both when they touch."""
    offset = mentions[position].offset
    plain = [m for m in mentions if m.offset is None and m.day is not None and not m.past]
    before = [m for m in plain if m.end <= mentions[position].start]
    after = [m for m in plain if m.start >= mentions[position].end]
    reference = before[-1] if before else after[0] if after else None
    if reference is None or offset is None or reference.day is None:
        return None
    mention = mentions[position]
    start, end = mention.start, mention.end
    if not text[min(end, reference.end) : max(start, reference.start)].strip():
        start, end = min(start, reference.start), max(end, reference.end)
    return replace(mention, start=start, end=end, day=reference.day - offset, offset=None, clock=None,
                   part_of_day=None, deadline=False)  # fmt: skip


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
    text: str, *, now: datetime, zone: tzinfo, default_time: time
) -> ReminderDraft:
    """Read a reminder request: NoDueTime when no time is named, DueInPast when it has passed."""
    found = find_due(text, now=now, zone=zone, default_time=default_time)
    if found is None:
        raise NoDueTime(text)
    if found.due <= now:
        raise DueInPast(text)
    task = task_text(text, (found.start, found.end)) or task_text(text)
    return ReminderDraft(text=task or text.strip(), due=found.due, has_time=found.has_time, moved=found.moved)
