"""Our date grammar: the phrases reps use every day, resolved in microseconds.

Each rule is a regular expression and a resolver; rules run in order and the first to claim a
span keeps it. What no rule claims but still looks like a date goes to Recognizers-Text
(see `dates.py`). Conventions (ISO weeks, business hours, defaults) are documented there.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal

from crm.parsing.festivals import ENGLISH_NAMES as FESTIVALS_EN
from crm.parsing.festivals import NAMES as SOLAR_FESTIVALS
from crm.parsing.festivals import next_festival
from crm.parsing.lunar import FESTIVALS, NEW_YEAR_EVE, next_lunar, next_new_year_eve
from crm.parsing.numbers import NUMERAL_CHARS, parse_chinese_number

Granularity = Literal["day", "week", "month", "year", "time"]

PART_OF_DAY_TIMES: dict[str, time] = {
    "early_morning": time(9, 0),
    "morning": time(10, 0),
    "noon": time(12, 0),
    "afternoon": time(14, 0),
    "dusk": time(17, 0),
    "evening": time(19, 0),
    "night": time(20, 0),
    "end_of_day": time(17, 0),
}


@dataclass(frozen=True)
class DateMention:
    """A date or time said in the note, resolved; `start`/`end` index the text (end exclusive)."""

    start: int
    end: int
    text: str
    day: date | None  # None: a time without a day (下午三点) or an offset awaiting its reference
    clock: time | None = None  # a clock time that was said
    part_of_day: str | None = None  # morning/afternoon/... when said without a clock time
    granularity: Granularity = "day"
    vague: bool = False
    deadline: bool = False
    past: bool = False  # before today, or said about the past
    offset: timedelta | None = None  # 提前一周: due this long before another date in the note
    rule: str = ""
    invalid: bool = False  # an impossible date or time (2月30日, 25点, "June 31st"): `day` is None, never due

    @property
    def has_time(self) -> bool:
        """A clock time was said."""
        return self.clock is not None

    def due(self, default_time: time) -> tuple[date | None, time]:
        """The reminder's day and time: the clock said, else the part of day, else `default_time`."""
        if self.clock is not None:
            return self.day, self.clock
        if self.part_of_day is not None:
            return self.day, PART_OF_DAY_TIMES[self.part_of_day]
        return self.day, default_time


def business_hours(clock: time) -> time:
    """An hour said without 上午/下午 or am/pm: 1-6 is afternoon, 7-11 morning, 12 (or 0) noon."""
    hour = clock.hour
    if hour > 12:
        return clock
    hour %= 12
    if hour == 0:
        return clock.replace(hour=12)
    if 1 <= hour <= 6:
        return clock.replace(hour=hour + 12)
    return clock.replace(hour=hour)


# context -------------------------------------------------------------------------------------

_PAST_CONTEXT = re.compile(
    r"拜访了|见了|去了|来了|聊了|唠了|吃了|开了|谈了|打了|见过|拜访过|去过|来过|签了|刚刚|已经|的演示|的会|"
    r"\b(?:met|visited|called|spoke|talked|had|went|saw|was|were|did|ago|ran|lasted|ended|finished|overran|joined|started|signed|launched)\b",
    re.IGNORECASE,
)
_FUTURE_CONTEXT = re.compile(
    r"再|要|(?<![开聚例晚年大散约了个])会|将|准备|计划|打算|安排|提醒|记得|约|去|发|给|交|回复|答复|"
    r"\b(?:will|going to|follow|plan|schedule|remind|need|send|call|meet|until|due)\b",
    re.IGNORECASE,
)
_CLAUSE_MARKS = "，。；;！!？?,\n"
# "since 2 November", "delivered on 3 December", "signed back on May 2": a day that is over; not "scheduled on"
_PAST_ON_EN = re.compile(
    r"\bsince\s*$|\b(?!(?:scheduled|planned|booked|moved|postponed|pushed|rescheduled|confirmed|fixed|arranged|proposed|"
    r"agreed|requested|expected|needed|penciled|pencilled|slated|targeted|tentatively|invited|called|asked|promised|"
    r"supposed|required|aimed|timed|dated|pegged|earmarked)\b)[a-z]{3,}ed\s+(?:back\s+)?on\s*$",
    re.IGNORECASE,
)


def _past_participle_on(clause: str) -> bool:
    """"delivered on", "running since", not "gets approved on" / "will be signed on" (to come)."""
    match = _PAST_ON_EN.search(clause)
    if match is None:
        return False
    return not re.search(r"\b(?:will|'ll|gets?|getting|be|is|are|am|shall|should|must|can|to|would|going)\s+(?:\w+\s+)?$",
                         clause[: match.start()], re.IGNORECASE)  # fmt: skip


_PAST_VERB_EN = re.compile(
    r"\b(?:went|visited|met|saw|dropped by|stopped by|popped in|spoke|talked|sat down|caught up|came|had)\b", re.IGNORECASE
)
_THEN_TO_COME_EN = re.compile(
    r"\b(?:will|'ll|going|next|need|needs|have to|has to|to|tomorrow|plan|planning|agreed|asked|wants?|said|says|promised|"
    r"told|book|set up|schedule|call|send|email|meet|visit|demo|check|ping|remind|follow|until|due|by)\b",
    re.IGNORECASE,
)


def _told_as_past_en(clause: str) -> bool:
    """"went to Acme's Penang plant on Friday": a past verb starts the clause, nothing to come after it."""
    verbs = list(_PAST_VERB_EN.finditer(clause))
    if not verbs:
        return False
    between = re.sub(r"^\s*(?:to|with|by|over|in|at|into)\b", "", clause[verbs[-1].end() :], flags=re.IGNORECASE)
    return not _THEN_TO_COME_EN.search(between)


def prefers_past(text: str, start: int, end: int) -> bool:
    """Whether the clause around a mention talks about something that already happened."""
    left = max(text.rfind(mark, 0, start) for mark in _CLAUSE_MARKS) + 1
    right = min([pos for pos in (text.find(mark, end) for mark in _CLAUSE_MARKS) if pos != -1], default=len(text))
    possessive = re.match(r"['’]s\b", text[end:right])  # "this afternoon's meeting with Tom went well": the verb comes later
    before, after = text[left:start][-12:], text[end:right][: 48 if possessive else 12]
    if re.match(r"\s*(?:之前|以前|前)", after) or re.search(r"(?:\bby|\bnext|\bbefore|\buntil)\s*$", before, re.IGNORECASE):
        return False
    if re.match(r"\s*(?:已经|已|刚刚|刚才)", after) or re.search(r"了一?(?:下|趟|圈|会儿?)(?!再)", after):
        return True  # 早上九点已经发了报价, 今天去哈药那边唠了一下: done, whatever verb (去) comes first
    if re.search(r"已于\s*$", before) or _past_participle_on(text[max(left, start - 80) : start]) or _told_as_past_en(
        text[max(left, start - 60) : start]
    ):
        return True  # 保密协议已于12月15日签署, "running since 2 November", "the batch delivered on 3 December"
    if _FUTURE_CONTEXT.search(after):
        return False
    if _PAST_CONTEXT.search(before + " " + after):
        return True
    # 中午跟他们总经理还有技术部的小杜吃了顿饭: in Chinese the verb comes after the people
    rest = text[end : min(right, end + 30)]
    return bool(re.search(r"(?:吃|见|聊|谈|开|喝|坐|跑)了|了一?(?:顿|下|趟|圈|会儿?|遍)", rest)) and not _FUTURE_CONTEXT.search(rest)


@dataclass(frozen=True)
class _Context:
    text: str
    now: datetime

    @property
    def today(self) -> date:
        return self.now.date()


Resolver = Callable[[re.Match[str], _Context], "DateMention | None"]


@dataclass(frozen=True)
class Rule:
    """A named pattern and the function that resolves its matches."""

    name: str
    pattern: re.Pattern[str]
    resolve: Resolver


def apply_rules(text: str, now: datetime) -> tuple[list[DateMention], str]:
    """Mentions our rules find, and `text` with their spans blanked for the recognizer."""
    context = _Context(text=text, now=now)
    claimed = bytearray(len(text))
    mentions: list[DateMention] = []
    for rule in RULES:
        for match in _unclaimed_matches(rule.pattern, text, claimed):
            try:
                mention = rule.resolve(match, context)
            except (ValueError, OverflowError, KeyError, TypeError, ArithmeticError, IndexError):
                mention = None
            if mention is None:
                continue
            if mention is NOT_A_DATE:
                claimed[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
                continue  # 每周一 / 便宜一点 / 三点意见: keep the recognizer off it too
            if not mention.rule:
                mention = _with(mention, rule=f"rule:{rule.name}")
            mentions.append(mention)
            claimed[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    masked = "".join(" " if claimed[i] else char for i, char in enumerate(text))
    return mentions, masked


def _unclaimed_matches(pattern: re.Pattern[str], text: str, claimed: bytearray) -> Iterator[re.Match[str]]:
    """Matches of `pattern` over text no earlier rule claimed.

    A match that runs into a claimed span is tried again from the first free character after the
    claim: in 下周三十四点 the weekday rule has 下周三, so the clock is 十四点 (14:00), not 三十四点.
    """
    position = 0
    while position <= len(text):
        match = pattern.search(text, position)
        if match is None:
            return
        if match.end() == match.start():
            position = match.end() + 1
            continue
        taken = [index for index in range(match.start(), match.end()) if claimed[index]]
        if not taken:
            yield match
            position = match.end()
            continue
        position = taken[0]
        while position < len(text) and claimed[position]:
            position += 1


def _with(mention: DateMention, **changes: object) -> DateMention:
    return replace(mention, **changes)  # type: ignore[arg-type]


def _mention(match: re.Match[str], context: _Context, name: str, **fields: object) -> DateMention:
    day = fields.get("day")
    if isinstance(day, date) and "past" not in fields:
        fields["past"] = day < context.today
    return DateMention(start=match.start(), end=match.end(), text=match.group(), rule=f"rule:{name}", **fields)  # type: ignore[arg-type]


NOT_A_DATE = DateMention(start=0, end=0, text="", day=None, rule="not_a_date")


def _invalid(match: re.Match[str], context: _Context, name: str) -> DateMention:
    """An impossible date or time (2月30日, 25点, "June 31st"): kept so the rep is told, never due."""
    return _mention(match, context, name, day=None, invalid=True)


def _coming_date(month: int, day_number: int, today: date) -> date | None:
    """A year-less date: this year's if not passed, else next year's; None when that one does not exist
    (2月29日 with a non-leap February coming: the rep is told, not moved to the next leap year)."""
    year = today.year if (month, day_number) >= (today.month, today.day) else today.year + 1
    return _safe_date(year, month, day_number)

# shared pieces -------------------------------------------------------------------------------

_NUM = "[" + re.escape(NUMERAL_CHARS) + "]"
_WEEKDAY_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5,
               "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}  # fmt: skip
_WEEKDAY_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_MONTH_EN = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
             "oct": 10, "nov": 11, "dec": 12}  # fmt: skip
_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "couple of": 2,
    "a few": 3, "few": 3,
}  # fmt: skip
_EN_NUMBER = r"(?:\d+|a couple of|couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"


def _number(text: str) -> int | None:
    text = text.strip().lower()
    if text in _EN_NUMBERS:
        return _EN_NUMBERS[text]
    if text in ("半",):
        return None
    value = parse_chinese_number(text)
    if value is None or value != int(value):
        return None
    return int(value)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _add_months(day: date, count: int) -> date:
    index = day.month - 1 + count
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _add(day: date, count: int, unit: str) -> date:
    unit = unit.lower()
    if unit.startswith(("day", "天", "日")):
        return day + timedelta(days=count)
    if unit.startswith(("week", "周", "星期", "礼拜", "个星期", "个礼拜")):
        return day + timedelta(weeks=count)
    return _add_months(day, count)


NEAR_AHEAD = timedelta(days=45)  # a day this soon is the coming one, whatever past verb shares its clause


def _next_date(month: int, day_number: int, context: _Context, past: bool) -> date | None:
    """The month/day on or after today - dates passed this year roll to next year - or, for the
    past, the last one on or before today."""
    today = context.today
    upcoming = _safe_date(today.year, month, day_number)
    if past and upcoming is not None and timedelta(0) < upcoming - today <= NEAR_AHEAD:
        return upcoming  # "the pilot went well, meeting with their MD on Feb 9" said on 1 February: this Feb 9
    years = (today.year, today.year - 1) if past else (today.year, today.year + 1, today.year + 2)
    for year in years:
        candidate = _safe_date(year, month, day_number)
        if candidate is not None and ((candidate <= today) if past else (candidate >= today)):
            return candidate
    return None


def _safe_date(year: int, month: int, day_number: int) -> date | None:
    try:
        return date(year, month, day_number)
    except ValueError:
        return None


def _weekday_day(weekday: int, prefix: str, context: _Context, start: int, end: int) -> date:
    today = context.today
    this_week = _monday(today) + timedelta(days=weekday)
    prefix = prefix.strip().lower()
    if prefix in ("上上",):
        return this_week - timedelta(days=14)
    if prefix in ("上", "last"):
        return this_week - timedelta(days=7)
    if prefix in ("这", "本", "这个", "this"):
        return this_week
    if prefix in ("下", "下个", "next"):
        return this_week + timedelta(days=7)
    if prefix in ("下下", "下下个"):
        return this_week + timedelta(days=14)
    # bare, "on", "by", "coming": the next one, or the last one when the clause is about the past
    if prefix not in ("by", "before", "until", "coming") and prefers_past(context.text, start, end):
        return this_week if this_week <= today else this_week - timedelta(days=7)
    return this_week if this_week > today else this_week + timedelta(days=7)


def _clock(hour: int, minute: int, part: str | None) -> time | None:
    """A clock time from an hour said with or without a part of day (上午/下午/am/pm)."""
    if not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    if hour == 24:
        hour = 0
    part = (part or "").lower()
    if hour == 0 and part not in ("中午", "noon"):
        return time(0, minute)  # 零点: midnight
    if part in ("半夜", "午夜", "深夜", "夜里"):  # 半夜十二点 = 00:00, 深夜十一点 = 23:00, 半夜两点 / 夜里两点 = 02:00
        return time(0 if hour == 12 else hour + 12 if 7 <= hour < 12 else hour, minute)
    if part in ("晚上", "晚", "evening", "tonight") and hour == 12:
        return time(0, minute)  # 晚上12点 is midnight, not noon
    if part in ("下午", "下半天", "傍晚", "晚上", "晚", "pm", "p.m.", "afternoon", "evening", "tonight"):
        if hour < 12:
            hour += 12
    elif part in ("中午", "noon"):
        if 1 <= hour <= 3:
            hour += 12
    elif part in ("am", "a.m.", "上午", "上半天", "早上", "早晨", "清晨", "凌晨", "早", "morning"):
        if hour == 12 and part in ("am", "a.m."):
            hour = 0
    else:
        return business_hours(time(hour, minute))
    return time(hour, minute)


_PART_OF_DAY = {
    "早上": "early_morning", "早晨": "early_morning", "清晨": "early_morning", "一早": "early_morning",
    "上午": "morning", "中午": "noon", "下午": "afternoon", "傍晚": "dusk", "晚上": "evening", "晚": "evening",
    "上半天": "morning", "下半天": "afternoon",
    "夜里": "night", "morning": "morning", "afternoon": "afternoon", "evening": "evening", "night": "night",
    "noon": "noon", "midday": "noon", "lunchtime": "noon", "tonight": "night", "早": "early_morning",
    "first thing": "early_morning", "lunch": "noon", "arvo": "afternoon",  # arvo: Australian for afternoon
    "post lunch": "afternoon", "pre lunch": "morning",  # Indian English
}  # fmt: skip


# Chinese rules -------------------------------------------------------------------------------


def _relative_before(match: re.Match[str], context: _Context) -> DateMention | None:
    count = _number(match.group("count") or "一")
    if count is None or count <= 0:
        return None
    unit = match.group("unit").lower()
    if unit.startswith(("天", "日", "day")):
        offset = timedelta(days=count)
    elif unit.startswith(("周", "星期", "礼拜", "week")):
        offset = timedelta(weeks=count)
    else:
        offset = timedelta(days=30 * count)
    return _mention(match, context, "before_reference", day=None, offset=offset)


def _weekday_index(said: str) -> int:
    """Monday 0 … Sunday 6, for a weekday said in English ("Wed", "friday") or Chinese (三, 日, 7)."""
    return _WEEKDAY_EN[said.lower()[:3]] if re.match(r"[a-z]", said, re.I) else _WEEKDAY_ZH[said]


def _week_after_next(match: re.Match[str], context: _Context) -> DateMention:
    """下下周三, "Wednesday of the week after next": that weekday; 下下周, "the week after next": its Monday, vague."""
    monday = _monday(context.today) + timedelta(days=14)
    weekday = match.group("weekday")
    if weekday:
        return _mention(match, context, "week_after_next", day=monday + timedelta(days=_weekday_index(weekday)))
    return _mention(match, context, "week_after_next", day=monday, vague=True, granularity="week")


def _half_month(match: re.Match[str], context: _Context) -> DateMention:
    days = 45 if match.group("and_a") else 15
    return _mention(match, context, "half_month", day=context.today + timedelta(days=days))


def _month_part(match: re.Match[str], context: _Context) -> DateMention | None:
    today = context.today
    which = (match.group("which") or "").lower()
    part = (match.group("part") or "").lower()
    named = match.group("month")
    if named:  # 12月底, "mid-December": that month, this year or, once it has passed, next year
        month = _MONTH_EN.get(named.lower()[:3]) if named.isascii() and not named.isdigit() else _number(named)
        if month is None or not 1 <= month <= 12:
            return None
        relative_year = match.group("relative_year")
        year = match.group("year")
        if year:  # 2028年3月, 二〇二八年三月: that year's month, in the past when it is over
            year_number = _number(year)
            if year_number is None:
                return None
            first = date(year_number, month, 1)
            if first < today.replace(day=1):
                return _mention(match, context, "month", day=first, granularity="month", past=True)
        elif relative_year == "去年":
            return _mention(match, context, "month", day=date(today.year - 1, month, 1), granularity="month", past=True)
        elif relative_year:
            first = date(today.year + (1 if relative_year == "明年" else 0), month, 1)
        else:
            first = date(today.year + (1 if month < today.month else 0), month, 1)
        which = which or "named"
    else:
        months_ahead = 2 if which.startswith("下下") else 1 if which.startswith(("下", "next")) else 0
        first = _add_months(today.replace(day=1), months_ahead)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if not part:  # 12月份, "in December": the 1st, or the month's last day while it runs
        if first <= today:
            last_day = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            return _mention(match, context, "month", day=max(today, last_day), vague=True, granularity="month")
        return _mention(match, context, "month", day=first, vague=True, granularity="month")
    if part in ("底", "末", "月底", "月末", "end", "eom", "end of", "late"):
        return _mention(match, context, "month_end", day=max(today, last), deadline=True)
    if part in ("初", "月初", "上旬", "beginning", "start", "early", "beginning of", "start of"):
        if not which and today.day > 10:
            first = _add_months(first, 1)
        return _mention(match, context, "month_start", day=max(today, first), vague=True, granularity="month")
    if part in ("中", "月中", "中旬", "middle", "mid", "middle of"):
        middle = first.replace(day=15)
        if middle < today and not which:
            middle = _add_months(middle, 1)
        return _mention(match, context, "month_middle", day=max(today, middle), vague=True, granularity="month")
    late = first.replace(day=min(25, last.day))
    return _mention(match, context, "month_late", day=max(today, late), vague=True, granularity="month")


def _year_end(match: re.Match[str], context: _Context) -> DateMention:
    which = (match.group("which") or "").lower()
    year = context.today.year + (1 if which.startswith(("明", "next")) else 0)
    return _mention(match, context, "year_end", day=date(year, 12, 31), vague=True, granularity="month", deadline=True)


def _week_end(match: re.Match[str], context: _Context) -> DateMention:
    friday = _monday(context.today) + timedelta(days=4 + (7 if match.group("next") else 0))
    return _mention(match, context, "week_end", day=max(context.today, friday), deadline=True)


WEEKDAY_WORDS_EN = r"mon(?:day)?|tue(?:s|sday)?|wed(?:s|nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
_DAY_SAID_NEXT = re.compile(
    r"^\s*(?:on\s+)?(?:(?:this|next)\s+)?(?:" + WEEKDAY_WORDS_EN + r")\b|^\s*(?:tomorrow|tmrw|tmr)\b", re.IGNORECASE
)
_DAY_SAID_BEFORE = re.compile(
    r"\b(?:" + WEEKDAY_WORDS_EN + r"|tomorrow|tmrw|tmr)\s*,?\s*(?:by\s+)?$"
    r"|(?:明天|明儿|后天|大后天|(?:周|星期|礼拜)[一二三四五六日天]|\d{1,2}[号日])\s*$",
    re.IGNORECASE,
)


def _end_of_day(match: re.Match[str], context: _Context) -> DateMention:
    """下班前, EOD, COB: the end of today; of the day said right after it ("EOD Friday", "by COB on Monday")."""
    if _DAY_SAID_NEXT.match(context.text[match.end() :]) or _DAY_SAID_BEFORE.search(context.text[: match.start()]):
        return _mention(match, context, "end_of_day", day=None, part_of_day="end_of_day", granularity="time", deadline=True)
    return _mention(match, context, "end_of_day", day=context.today, part_of_day="end_of_day", deadline=True)


_TERMS_NEAR = re.compile(r"\b(?:payment|credit|terms|invoices?|net|pay)\b", re.IGNORECASE)


def _in_units(match: re.Match[str], context: _Context) -> DateMention | None:
    count = _number(match.group("count"))
    if count is None:
        return None
    unit = match.group("unit").lower()
    if match.group("count3") and _TERMS_NEAR.search(context.text[max(0, match.start() - 50) : match.end() + 20]):
        return None  # "payment terms are too tight, they want 60 days": a term, not a day to come
    if unit.startswith("hour"):
        moment = context.now + timedelta(hours=count)
        return _mention(match, context, "in_n_units", day=moment.date(), clock=moment.time().replace(second=0, microsecond=0, tzinfo=None))
    return _mention(match, context, "in_n_units", day=_add(context.today, count, unit))


def _units_later_zh(match: re.Match[str], context: _Context) -> DateMention | None:
    count_text = match.group("count")
    unit = match.group("unit")
    suffix = match.group("suffix") or ""
    if count_text in ("半",):
        return None
    count = _number(count_text)
    if count is None or count <= 0 or count > 400:
        return None
    within = suffix in ("内", "之内", "以内")
    if unit in ("小时", "个小时", "钟头", "个钟头"):
        if within:
            return None
        moment = context.now + timedelta(hours=count)
        return _mention(match, context, "units_later", day=moment.date(),
                        clock=moment.time().replace(second=0, microsecond=0, tzinfo=None))  # fmt: skip
    if unit in ("分钟",):
        return None
    day = _add(context.today, count, unit.lstrip("个"))
    return _mention(match, context, "units_within" if within else "units_later", day=day, deadline=within)


def _month_day_relative(match: re.Match[str], context: _Context) -> DateMention | None:
    which = match.group("which")
    months = {"上": -1, "这": 0, "本": 0, "下": 1, "下下": 2}[which.rstrip("个")]
    day_number = _number(match.group("day"))
    if day_number is None:
        return None
    first = _add_months(context.today.replace(day=1), months)
    day = _safe_date(first.year, first.month, day_number)
    if day is None:  # 下个月32号, 下个月31号 in a month of 30 days
        return _invalid(match, context, "month_day_relative") if 1 <= day_number <= 99 else None
    return _mention(match, context, "month_day_relative", day=day)


def _full_date_zh(match: re.Match[str], context: _Context) -> DateMention | None:
    month = _number(match.group("month"))
    day_number = _number(match.group("day"))
    if month is None or day_number is None:
        return None
    if not 1 <= month <= 12 or not 1 <= day_number <= 31:
        return _invalid(match, context, "month_day") if match.group("day_mark") else None
    year_text = match.group("year")
    relative_year = match.group("relative_year")
    if year_text:
        year = _number(year_text)
        if year is None:
            return None
        if year < 100:
            year += 2000
        day = _safe_date(year, month, day_number)
    elif relative_year:
        day = _safe_date(context.today.year + {"今年": 0, "明年": 1, "去年": -1}[relative_year], month, day_number)
    elif prefers_past(context.text, match.start(), match.end()):
        day = _next_date(month, day_number, context, True)
    else:
        day = _coming_date(month, day_number, context.today)
    if day is None:
        return _invalid(match, context, "month_day")
    return _mention(match, context, "month_day", day=day)


def _day_of_month(match: re.Match[str], context: _Context) -> DateMention | None:
    value = _number(match.group("day"))
    if value is None or not 1 <= value <= 31:
        return None
    today = context.today
    first = today.replace(day=1)
    past = prefers_past(context.text, match.start(), match.end())
    for months in ((0, -1) if past else (0, 1, 2)):
        month_start = _add_months(first, months)
        day = _safe_date(month_start.year, month_start.month, value)
        if day is not None and ((day <= today) if past else (day >= today)):
            return _mention(match, context, "day_of_month", day=day)
    return None


_RELATIVE_DAYS = {
    "大前天": (-3, None), "前天": (-2, None), "昨天": (-1, None), "昨日": (-1, None), "昨晚": (-1, "evening"),
    "今天": (0, None), "今日": (0, None), "今儿": (0, None), "当天": (0, None), "今早": (0, "early_morning"),
    "今晚": (0, "evening"), "明天": (1, None), "明日": (1, None), "明儿": (1, None), "明早": (1, "early_morning"),
    "明晚": (1, "evening"), "后天": (2, None), "大后天": (3, None),
    # Beijing speech: 今儿个, 明儿个下午三点, 后儿 (the day after tomorrow), 大后儿, 昨儿个
    "今儿个": (0, None), "明儿个": (1, None), "后儿": (2, None), "后儿个": (2, None), "大后儿": (3, None),
    "大后儿个": (3, None), "昨儿": (-1, None), "昨儿个": (-1, None),
    "today": (0, None), "tonight": (0, "night"), "tomorrow": (1, None), "tmr": (1, None), "tmrw": (1, None),
    "yesterday": (-1, None), "the day after tomorrow": (2, None), "day after tomorrow": (2, None),
    "the day before yesterday": (-2, None),
}  # fmt: skip


def _relative_day(match: re.Match[str], context: _Context) -> DateMention | None:
    if match.group().startswith("后儿") and re.search(r"[以之然最往此落今]$", context.text[: match.start()]):
        return None  # 以后儿子: "after", then "son"
    offset, part = _RELATIVE_DAYS[match.group().lower()]
    return _mention(match, context, "relative_day", day=context.today + timedelta(days=offset), part_of_day=part)


# Solar holidays (lunar ones - 春节, 中秋, 端午 - move every year and are left to the rep):
# the day itself, and the first working day after the break for 节后.
_HOLIDAYS = {
    "元旦": ((1, 1), (1, 2)), "五一": ((5, 1), (5, 6)), "劳动节": ((5, 1), (5, 6)), "国庆": ((10, 1), (10, 8)),
    "国庆节": ((10, 1), (10, 8)), "十一长假": ((10, 1), (10, 8)), "圣诞": ((12, 25), (12, 26)),
    "圣诞节": ((12, 25), (12, 26)), "平安夜": ((12, 24), (12, 25)),
}  # fmt: skip


# a count of days or weeks said after a day and 前/后 (圣诞节前一天, 元旦后三天, 春节后两周): the day moved by it
COUNTED_DAYS_ZH = re.compile(r"^(?P<count>[一两二三四五六七八九十\d]{1,2})\s*(?P<unit>天|(?:个?(?:星期|礼拜)|周)(?![一二三四五六日天]))")


def _holiday(match: re.Match[str], context: _Context) -> DateMention | None:
    (month, day_number), (after_month, after_day) = _HOLIDAYS[match.group("name")]
    when = match.group("when") or ""
    if when in ("之后", "以后", "后", "过后") and not COUNTED_DAYS_ZH.match(context.text[match.end() :]):
        day = _next_date(after_month, after_day, context, past=False)
        return _mention(match, context, "holiday", day=day, vague=True) if day else None
    day = _next_date(month, day_number, context, past=False)
    if day is None:
        return None
    return _mention(match, context, "holiday", day=day, deadline=bool(when) and "后" not in when)  # 元旦后三天: counted on


def _weekday_zh(match: re.Match[str], context: _Context) -> DateMention:
    weekday = _WEEKDAY_ZH[match.group("weekday")]
    prefix = match.group("prefix") or ""
    day = _weekday_day(weekday, prefix, context, match.start(), match.end())
    return _mention(match, context, "weekday", day=day)


def _week_window(match: re.Match[str], context: _Context) -> DateMention:
    which = (match.group("which") or "").lower()
    within = bool(match.group("within"))
    today = context.today
    monday = _monday(today)
    if which in ("上", "last"):
        return _mention(match, context, "week_window", day=monday - timedelta(days=7), granularity="week", vague=True, past=True)
    if which in ("下", "下个", "next"):
        monday += timedelta(days=7)
        if within:
            return _mention(match, context, "week_window", day=monday + timedelta(days=4), granularity="week", vague=True, deadline=True)
        return _mention(match, context, "week_window", day=monday, granularity="week", vague=True)
    if which in ("weekend", "next_weekend"):
        saturday = monday + timedelta(days=5 + (7 if which == "next_weekend" else 0))
        return _mention(match, context, "weekend", day=max(today, saturday), granularity="week", vague=True)
    return _mention(match, context, "week_window", day=max(today, monday + timedelta(days=4)), granularity="week",
                    vague=True, deadline=within)  # fmt: skip


def _month_window(match: re.Match[str], context: _Context) -> DateMention:
    which = (match.group("which") or "").lower()
    within = bool(match.group("within"))
    today = context.today
    first = today.replace(day=1)
    if which in ("上", "last"):
        return _mention(match, context, "month_window", day=_add_months(first, -1), granularity="month", vague=True, past=True)
    if which in ("下", "next"):
        first = _add_months(first, 1)
        if not within:
            return _mention(match, context, "month_window", day=first, granularity="month", vague=True)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return _mention(match, context, "month_window", day=max(today, last), granularity="month", vague=True, deadline=within)


# 二季度再跟进, 明年一季度再联系, 下季度初再约, "follow up in Q2", "circle back next quarter": a quarter said
# as when to come back is a vague follow-up on its first day (a quarter only named - 一季度完成了80%, "Q3
# revenue" - is no date)
_QUARTER_ZH = re.compile(
    r"(?P<when>(?:(?P<year>今年|明年)的?)?(?:第?(?P<n>[一二三四1-4])|(?P<next>下个?))季度(?P<part>初|开始|末|底)?)"
    r"(?=[^，。；;！!？?\n]{0,4}?(?:再|跟进|联系|回访|拜访|约|沟通|聊|谈|碰|找))"
)
_QUARTER_EN = re.compile(
    r"\b(?:follow up|follow-up|followup|check in|touch base|reconnect|circle back|revisit|reach out|ping|call|"
    r"talk|meet|catch up|get back|come back|pick (?:this|it) up)\b"
    r"[^.,;!?\n]{0,30}?\b(?P<when>(?:in|by|during|early|at the start of|at the beginning of|(?P<part>end of|at the end of))\s+"
    r"(?:the\s+)?(?:Q(?P<n>[1-4])|(?P<next>next) quarter|(?P<ord>first|second|third|fourth) quarter)"
    r"(?:\s+(?:of\s+)?(?P<year>next year|this year))?|(?P<next2>next) quarter)\b"
    r"(?!\s+(?:planning|plans?|budgets?|reviews?|results|numbers|audit|roadmap|release|launch|board|close|report|forecast|kick-?off))",
    re.IGNORECASE,
)
_QUARTER_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "first": 1, "second": 2, "third": 3, "fourth": 4}


def _quarter(match: re.Match[str], context: _Context) -> DateMention | None:
    today = context.today
    current = (today.month - 1) // 3 + 1
    year_word = (match.group("year") or "").lower()
    said = match.group("n") or (match.groupdict().get("ord") or "").lower()
    if match.group("next") or match.groupdict().get("next2"):
        year, quarter = (today.year + 1, 1) if current == 4 else (today.year, current + 1)
    else:
        quarter = int(said) if said.isdigit() else _QUARTER_NUMBERS[said]
        if year_word.startswith(("明", "next")):
            year = today.year + 1
        elif year_word:
            year = today.year
        elif quarter == current:
            return None  # 四季度 said in the fourth quarter: this one or next year's, not ours to guess
        else:
            year = today.year if quarter > current else today.year + 1
        if (year, quarter) <= (today.year, current):
            return None  # this quarter or one gone: no day to come back on
    first = date(year, 3 * quarter - 2, 1)
    at_the_end = (match.group("part") or "").lower() in ("末", "底", "end of", "at the end of")
    day = _add_months(first, 3) - timedelta(days=1) if at_the_end else first
    mention = _mention(match, context, "quarter", day=day, granularity="month", vague=True, deadline=at_the_end)
    return _with(mention, start=match.start("when"), end=match.end("when"), text=match.group("when"))


def _year(match: re.Match[str], context: _Context) -> DateMention:
    return _mention(match, context, "year", day=None, granularity="year", vague=True)


_NOT_A_TIME_BEFORE = set("便宜快多少好有差慢早晚高低大小贵再稍强弱简这那几第每点让降松")
_NOT_A_TIME_AFTER = re.compile(
    r"^(?:意见|建议|要求|问题|原因|好处|内容|需求|想法|考虑|顾虑|疑虑|担心|担忧|疑问|看法|理由|经验|体会|收获|不足|优势|劣势|"
    r"区别|差异|改进|结论|心得|反馈|承诺|诉求|疑惑|点|儿|东西|时间)"
)


def _clock_zh(match: re.Match[str], context: _Context) -> DateMention | None:
    part = match.group("part")
    hour = _number(match.group("hour"))
    minute_text = match.group("minute") or ""
    if hour is None:
        return None
    if minute_text == "半":
        minute = 30
    elif minute_text == "一刻":
        minute = 15
    elif minute_text == "三刻":
        minute = 45
    elif minute_text:
        minute_value = _number(minute_text)
        if minute_value is None:
            return None
        minute = minute_value
    else:
        minute = 0
    if not part and not minute_text and match.group("colon") is None:
        before = context.text[match.start() - 1] if match.start() > 0 else ""
        if (
            (match.group("hour") == "一" and before in _NOT_A_TIME_BEFORE)
            or before == "差"
            or _NOT_A_TIME_AFTER.match(context.text[match.end() :])
        ):
            return None  # 便宜一点 / 提了三点意见 / 价格还差三点: not a time
    if minute_text not in ("", "半") and len(minute_text) == 1 and context.text[match.end() : match.end() + 1] in _NOT_A_MINUTE_AFTER:
        minute = 0  # 十二点一起吃饭: "together", not 12:01
        match = _Shortened(match, match.end() - 1, context.text)  # type: ignore[assignment]
    if hour > 24 or minute >= 60 or (hour == 24 and minute > 0):
        return _invalid(match, context, "clock")  # 25点, 八点六十分, 24点半, 7:75
    clock = _clock(hour, minute, part)
    if clock is None:
        return None
    rule = "clock" if part or hour > 12 else "clock+business_hours"
    return _mention(match, context, rule, day=None, clock=clock, granularity="time")


_NOT_A_MINUTE_AFTER = set("起下些样致共直定同块边会")


class _Shortened:
    """A match whose last characters are given back (十二点一起: the 一 belongs to 一起)."""

    def __init__(self, match: re.Match[str], end: int, text: str):
        self._match, self._end, self._text = match, end, text

    def group(self, name: int | str = 0) -> str | None:
        if name == 0:
            return self._text[self._match.start() : self._end]
        return self._match.group(name)

    def start(self) -> int:
        return self._match.start()

    def end(self) -> int:
        return self._end


def _part_of_day(match: re.Match[str], context: _Context) -> DateMention:
    part = _PART_OF_DAY[match.group("part").lower()]
    if match.group("part") == "中午":
        return _mention(match, context, "part_of_day", day=None, clock=time(12, 0), granularity="time")  # 中午 = 12:00
    if match.group().lower().startswith("this") and prefers_past(context.text, match.start(), match.end()):
        return _mention(match, context, "part_of_day", day=context.today, part_of_day=part, past=True)  # "this morning ran long"
    return _mention(match, context, "part_of_day", day=None, part_of_day=part, granularity="time")


# English rules -------------------------------------------------------------------------------


def _weekday_en(match: re.Match[str], context: _Context) -> DateMention | None:
    name = match.group("weekday")
    prefix = (match.group("prefix") or "").lower()
    if name.lower() in ("sat", "sun", "wed", "mon") and not (
        prefix or re.match(r"\.?\s*(?:\d|at\b|morning|afternoon|evening)", context.text[match.end() :], re.IGNORECASE)
    ):
        return None  # "sat down", "Mr. Sun", "Mon": words and names, not days
    if not prefix and re.search(r"\b(?:good|easter|black|cyber|ash|holy|maundy|palm|super)\s+$",
                                context.text[max(0, match.start() - 8) : match.start()], re.IGNORECASE):
        return None  # Good Friday, Black Friday, Cyber Monday: a named day, not the coming Friday
    if re.match(r"\s+(?:of|in)\s+(?:the\s+)?(?:this|next)?\s*(?:month|" + _EN_MONTH + r")\b", context.text[match.end() :], re.IGNORECASE):
        return None  # "the third Friday of next month"
    weekday = _WEEKDAY_EN[name.lower()[:3]]
    day = _weekday_day(weekday, prefix, context, match.start(), match.end())
    return _mention(match, context, "weekday", day=day, deadline=prefix in ("by", "before", "until"))


def _month_day_en(match: re.Match[str], context: _Context) -> DateMention | None:
    month_name = match.group("month") or match.group("month2")
    day_text = match.group("day") or match.group("day2")
    month = _MONTH_EN[month_name.lower()[:3]]
    day_number = int(day_text)
    year_text = match.group("year")
    if year_text:
        day = _safe_date(int(year_text), month, day_number)
    else:
        day = _next_date(month, day_number, context, prefers_past(context.text, match.start(), match.end()))
    if day is None:
        return None
    return _mention(match, context, "month_day", day=day)


def _fraction(first: int, second: int) -> bool:
    """1/2, 2/3, 3/4: a share rather than a date, unless a date word beside it says otherwise."""
    return second <= 4 and first < second


def _numeric_date(match: re.Match[str], context: _Context) -> DateMention | None:
    first, second = int(match.group("first")), int(match.group("second"))
    month, day_number = first, second  # month/day, as both Chinese and American notes write it
    if not (1 <= month <= 12 and 1 <= day_number <= 31):
        return NOT_A_DATE  # 24/7
    after = context.text[match.end() : match.end() + 4]
    if _fraction(first, second) and not re.match(r"\s*(?:前|之前|号|日)", after):
        return NOT_A_DATE  # 1/2, 3/4: fractions
    year_text = match.group("year")
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        day = _safe_date(year, month, day_number)
    else:
        day = _next_date(month, day_number, context, prefers_past(context.text, match.start(), match.end()))
    if day is None:
        return None
    return _mention(match, context, "numeric_date", day=day)


def _clock_en(match: re.Match[str], context: _Context) -> DateMention | None:
    if match.group("named"):
        named = match.group("named").lower()
        clock = time(12, 0) if named in ("noon", "midday") else time(0, 0)
        return _mention(match, context, "clock", day=None, clock=clock, granularity="time")
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    meridiem = (match.group("meridiem") or "").lower().replace(".", "")
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        clock = _clock(hour, minute, meridiem if meridiem in ("am", "pm") else None)
    elif match.group("minute") is None and not (
        match.group("at")
        and re.match(r"\s*(?:$|[,.;!?)]|o'?clock|today|tomorrow|tonight|on\b|next\b|this\b|with\b|to\b|and\b|then\b)",
                     context.text[match.end() :], re.IGNORECASE)
    ):
        return None  # "10 users at 3 sites"
    else:
        clock = _clock(hour, minute, None)
    if clock is None:
        return None
    return _mention(match, context, "clock" if meridiem or hour > 12 else "clock+business_hours", day=None,
                    clock=clock, granularity="time")  # fmt: skip


# Where an English hour starts: at a word boundary or right after a Chinese character (周五3pm开会, 你11:30 p.m.的时候),
# never inside a figure or a clock time already begun (the 30 of 11:30)
_EN_START = r"(?<![:.])(?:\b|(?<=[\u4e00-\u9fff]))"
_ZH_RELATIVE_DAY = "|".join(sorted((k for k in _RELATIVE_DAYS if not k.isascii()), key=len, reverse=True))
_EN_RELATIVE_DAY = "|".join(sorted((k for k in _RELATIVE_DAYS if k.isascii()), key=len, reverse=True))
_ZH_PARTS = "早上|早晨|清晨|一早|上半天|上午|中午|下半天|下午|傍晚|晚上|夜里"  # 上半天/下半天: Shanghai speech
_EN_WEEKDAY = r"(?P<weekday>" + WEEKDAY_WORDS_EN + r")"
_EN_MONTH = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"

# fmt: off
RULES: tuple[Rule, ...] = (
    # look like dates, are not: recurring days, 便宜一点 ("a bit cheaper"), 三点意见 ("three points")
    Rule("not_a_date", re.compile(
        r"每个?(?:周|星期|礼拜)[一二三四五六日天1-7]?(?:早上|早晨|上午|中午|下午|傍晚|晚上)?|每天(?:早上|早晨|上午|中午|下午|傍晚|晚上)?|每月|每周|每年|"
        r"赶明儿个?|"  # "some day" in Beijing speech, not tomorrow
        r"(?:便宜|快|多|少|好|差|慢|早|晚|高|低|大|小|贵|再|稍|稍微|强|弱|简单|清楚|仔细)一点(?:点|儿)?|"
        r"[这那几第每]\s*" + _NUM + r"{1,3}\s*点(?!钟|半|前|之前|以前|\d|" + _NUM + r")|"
        + _NUM + r"{1,3}\s*点(?=意见|建议|要求|问题|原因|好处|内容|需求|想法|考虑|顾虑|担心|疑虑|共识|担忧|疑问|看法|理由|经验|体会|"
        r"收获|不足|优势|劣势|区别|差异|改进|结论|心得|反馈|承诺|诉求|疑惑)|"
        r"一点(?:儿)?(?:也|都)(?:不|没)"  # 一点也不贵: "not at all"
    ), lambda m, c: NOT_A_DATE),
    # "the day after his demo": a day counted from an event the note does not date (the library reads "the day
    # after" alone as tomorrow); "the day after the 12th", "the day before Christmas" are left to the date rules
    Rule("not_a_date_en", re.compile(
        r"\bthe\s+day\s+(?:after|before)\s+(?:his|her|their|the|our|my|your|its|that|this)\s+"
        r"(?!\d|(?:next|coming|following|last|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
        r"eleventh|twelfth|twenty|thirty|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
        r"christmas|xmas|new\s+year|easter|valentine|thanksgiving|holiday|weekend|end)\w*)[a-z]\w*",
        re.IGNORECASE,
    ), lambda m, c: NOT_A_DATE),
    # gaps and misreadings of Recognizers-Text ------------------------------------------------
    Rule("before_reference", re.compile(
        r"提前\s*(?P<count>" + _NUM + r"{1,3})?\s*个?\s*(?P<unit>天|日|周|星期|礼拜|月)"
        r"|\b(?P<count_en>\d+|an?|one|two|three|four|five|six|seven|ten)\s+(?P<unit_en>days?|weeks?|months?)\s+"
        r"(?:before|ahead of|prior to|in advance)"
        r"(?!\s+(?:they|we|he|she|I|you|it|anyone|anything|going|signing|that)\b)",  # "60 days before they can sign"
        re.IGNORECASE,
    ), lambda m, c: _relative_before(_EnglishGroups(m), c)),
    Rule("week_after_next", re.compile(r"下下个?(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天末1-7])?"), _week_after_next),
    Rule("half_month", re.compile(r"(?P<and_a>一个)?半个?月(?:以后|之后|后)"), _half_month),
    Rule("month_part_en", re.compile(
        r"\b(?:by\s+)?(?:the\s+)?(?P<part>end|beginning|start|middle|mid|early|late)\s*(?:-|of)?\s*(?:the\s+)?"
        r"(?P<which>this|next)?\s*month\b|\b(?P<eom>eom)\b",
        re.IGNORECASE,
    ), lambda m, c: _month_part(_Groups(m, part="end" if m.group("eom") else m.group("part"), month=None), c)),
    Rule("named_month_en", re.compile(
        r"\b(?:(?P<part>early|mid|late|end of|beginning of|start of)[\s-]+|in\s+)(?:the\s+)?(?P<month>" + _EN_MONTH + r")\b(?!\s*\d)",
        re.IGNORECASE,
    ), lambda m, c: _month_part(_Groups(m, which="", part=(m.group("part") or "").lower()), c)),
    Rule("year_end", re.compile(
        r"(?P<which>今年|明年)?年底|(?P<which2>今年|明年)年末|\b(?:by\s+)?(?:the\s+)?end of (?:the |this )?(?P<which3>next )?year\b",
        re.IGNORECASE,
    ), lambda m, c: _year_end(_Groups(m, which=m.group("which") or m.group("which2") or m.group("which3") or ""), c)),
    Rule("week_end", re.compile(
        r"\b(?:by\s+)?(?:the\s+)?end of (?:the |this )?(?P<next>next )?week\b|\beow\b", re.IGNORECASE
    ), _week_end),
    Rule("end_of_day", re.compile(
        r"下班前|今天下班|今[天日儿](?:之内|以内|内)|\b(?:by\s+)?(?:the\s+)?end of (?:the |to)?day\b|\beod\b|\bcob\b", re.IGNORECASE
    ), _end_of_day),
    Rule("in_n_units", re.compile(
        r"\bin\s+(?P<count>" + _EN_NUMBER + r")\s+(?P<unit>days?|weeks?|months?|hours?)\b"
        r"|\b(?P<count2>" + _EN_NUMBER + r")\s+(?P<unit2>days?|weeks?|months?)\s+(?:from now|from today|later|hence)\b"
        r"|\b(?:needs?|wants?|asked for|give (?:it|them|him|her|us)|wait|after)\s+(?:another\s+|about\s+|around\s+|roughly\s+)?"
        r"(?P<count3>" + _EN_NUMBER + r")\s+(?P<unit3>days?|weeks?|months?)\b(?!\s+(?:ago|before|after|earlier))",
        re.IGNORECASE,
    ), lambda m, c: _in_units(_Groups(m, count=m.group("count") or m.group("count2") or m.group("count3"),
                                       unit=m.group("unit") or m.group("unit2") or m.group("unit3")), c)),
    # Chinese ---------------------------------------------------------------------------------
    Rule("month_day_relative", re.compile(
        r"(?P<which>下下个?|下个?|这个?|本|上个?)月(?P<day>" + _NUM + r"{1,3})\s*[号日]"
    ), lambda m, c: _month_day_relative(_Groups(m, which=m.group("which").rstrip("个") or m.group("which")), c)),
    Rule("month_day", re.compile(
        r"(?:(?P<year>\d{4}|\d{2}|" + _NUM + r"{2,4})年|(?P<relative_year>今年|明年|去年))?"
        r"(?P<month>" + _NUM + r"{1,3})月(?P<day>" + _NUM + r"{1,3})(?P<day_mark>[号日])?"
    ), _full_date_zh),
    Rule("day_of_month", re.compile(
        r"(?<![月\d" + re.escape(NUMERAL_CHARS) + r"])(?P<day>" + _NUM + r"{1,3})\s*[号日]"
        r"(?![子常本期程志报语元均楼线馆厅仓机位台门口车柜桌厂库房室栋座院包箱床码])"
    ), _day_of_month),
    Rule("named_month_part", re.compile(
        r"(?:(?P<year>\d{4}|[零〇一二三四五六七八九]{4})\s*年\s*|(?P<relative_year>今年|明年|去年))?(?P<month>" + _NUM + r"{1,3})月份?"
        r"(?P<part>底|末|初|中旬|上旬|下旬|中(?![心国间层]))?"
        r"(?![\d" + re.escape(NUMERAL_CHARS) + r"号日])"
    ), lambda m, c: _month_part(_Groups(m, which="", part=m.group("part") or ""), c)),
    Rule("month_part", re.compile(
        r"(?P<which>下下个?月|下个?月|这个?月|本月|当月)(?P<part>底|末|初|中旬|上旬|下旬|中(?![心国间层])|月底|月末|月初|月中)"
        r"|(?P<part2>月底|月末|月初|月中(?![心国间层])|中旬|上旬|下旬)"
    ), lambda m, c: _month_part(_Groups(m, part=m.group("part") or m.group("part2"), month=None), c)),
    Rule("units_later", re.compile(
        r"(?P<count>" + _NUM + r"{1,4})\s*(?P<unit>个小时|小时|个钟头|钟头|分钟|天|日|个星期|星期|个礼拜|礼拜|周|个月)"
        r"(?P<suffix>以后|之后|后|之内|以内|内)"
        r"|(?<=过)(?P<count2>" + _NUM + r"{1,3})\s*(?P<unit2>天|个星期|星期|个礼拜|礼拜|周|个月)(?!\s*(?:以后|之后|后|之内|以内|内|了|的))"
        # 大概要两周 到时候我再打电话: the time something takes, then the rep's next step
        r"|(?:(?<=要)|(?<=等))(?:大概|大约|差不多|估计)?(?P<count3>" + _NUM + r"{1,3})\s*(?P<unit3>天|个星期|星期|个礼拜|礼拜|周|个月)"
        r"(?:左右|的样子|时间)?\s*[，,]?\s*(?:到时候|到那时|那时候|之后|以后|然后)(?!再说|再看|看看)(?=[^，,。.]{0,4}?(?:我|再|去|给|打|联系|跟进))"
    ), lambda m, c: _units_later_zh(_Groups(m, count=m.group("count") or m.group("count2") or m.group("count3"),
                                             unit=m.group("unit") or m.group("unit2") or m.group("unit3")), c)),
    Rule("holiday", re.compile(
        r"(?P<name>元旦|五一|劳动节|国庆节?|十一长假|圣诞节?|平安夜)(?:节)?(?P<when>之前|以前|前|之后|以后|后|过后)?"
        r"(?!放完假|收假|假期结束)"
    ), _holiday),
    Rule("relative_day", re.compile(_ZH_RELATIVE_DAY), _relative_day),
    Rule("weekday", re.compile(
        r"(?<![每一几两数])(?P<prefix>上上|上|这|本|下)?个?(?:周|星期|礼拜)(?P<weekday>[一二三四五六日天1-7])(?![个次]|\d+[个次])"
    ), _weekday_zh),
    Rule("weekend", re.compile(r"(?P<which>这|本|下)?个?周末"), lambda m, c: _week_window(
        _Groups(m, which="next_weekend" if m.group("which") == "下" else "weekend", within=None), c)),
    Rule("week_window", re.compile(
        r"(?P<which>这|本|下|上)个?(?:周|星期|礼拜)(?P<within>之内|以内|内)?(?![一二三四五六日天末期])"
    ), _week_window),
    Rule("month_window", re.compile(r"(?P<which>这|本|下|上)个?月(?P<within>之内|以内|内)?"), _month_window),
    Rule("quarter", _QUARTER_ZH, _quarter),
    Rule("quarter_en", _QUARTER_EN, _quarter),
    Rule("year", re.compile(r"今年|明年|去年|前年|后年|\b(?:this|next|last) year\b", re.IGNORECASE), _year),
    Rule("clock", re.compile(
        r"(?:(?P<part>早上|早晨|清晨|上午|中午|下午|傍晚|晚上|夜里|半夜|午夜|深夜|凌晨|晚|早)\s*)?"
        r"(?:(?<!之)(?P<hour>" + _NUM + r"{1,3}|\d{1,2})\s*(?:点钟?|(?<=\d)时|(?(part)时|(?!)))"
        r"(?:(?P<minute>半|一刻|三刻|" + _NUM + r"{1,3})分?|过(?P<minute_past>" + _NUM + r"{1,2}|\d{1,2})分)?"
        r"|(?P<colon>(?P<hour2>\d{1,2})[:：](?P<minute2>\d{2})))"
        r"(?!\s*(?:%|个|[万千百亿元块折]|am\b|pm\b|a\.m\.|p\.m\.))"
    ), lambda m, c: _clock_zh(_Groups(m, hour=m.group("hour") or m.group("hour2"),
                                       minute=m.group("minute") or m.group("minute_past") or m.group("minute2")), c)),
    Rule("part_of_day", re.compile(r"(?P<part>" + _ZH_PARTS + r")"), _part_of_day),
    # English ---------------------------------------------------------------------------------
    Rule("relative_day_en", re.compile(r"\b(?:" + _EN_RELATIVE_DAY + r")\b", re.IGNORECASE), _relative_day),
    Rule("weekday_en", re.compile(
        r"\b(?:(?P<prefix>this|next|last|coming|on|by|before|until)\s+)?" + _EN_WEEKDAY + r"\b\.?",
        re.IGNORECASE,
    ), _weekday_en),
    Rule("month_day_en", re.compile(
        r"\b(?P<month>" + _EN_MONTH + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4}))?"
        r"|\b(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>" + _EN_MONTH + r")\b\.?",
        re.IGNORECASE,
    ), _month_day_en),
    Rule("numeric_date", re.compile(
        r"(?<![\d/.])(?P<first>\d{1,2})/(?P<second>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?(?![\d/])"
    ), _numeric_date),
    Rule("clock_en", re.compile(
        r"(?:\b(?P<at>at|@)\s*)?" + _EN_START + r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<meridiem>am|pm|a\.m\.|p\.m\.)?"
        r"(?![\d:/%]|\s*(?:percent|people|users|seats|licen[cs]es|units|k\b|m\b|days?|weeks?|months?|years?|hours?))"
        r"|\b(?:(?:twelve|12)\s+)?(?P<named>noon|midday|midnight)\b",
        re.IGNORECASE,
    ), _clock_en),
    Rule("part_of_day_en", re.compile(
        r"\b(?:in the\s+|this\s+)?(?P<part>morning|afternoon|evening|night|lunchtime|arvo)\b"
        r"(?![\s-]+(?:staff|shifts?|team|crew|workers|guards?|operators?|desk|duty|managers?|supervisors?|audit|market|school)\b)"  # the night staff
        r"|(?<!\bthe\s)(?<!\ba\s)(?<!\bmy\s)(?<!\bour\s)(?<!\btheir\s)(?<!\bhis\s)(?<!\bher\s)(?<!\byour\s)\b"
        r"(?P<part2>first\s+thing)\b"
        r"(?:\s+in\s+the\s+morning\b)?(?!\s+(?:we|i|you|they|he|she|it|to|that|is|was|are|were|on|about|of)\b)|\b(?:at|over)\s+(?P<part3>lunch)\b"
        r"|\b(?P<part4>(?:post|pre)[\s-]?lunch)\b", re.IGNORECASE  # Indian English: "post lunch", "pre-lunch"
    ), lambda m, c: _part_of_day(_Groups(m, part=re.sub(r"[\s-]+", " ", m.group("part") or m.group("part2") or m.group("part3") or
                                                        m.group("part4").replace("lunch", " lunch"))), c)),
    Rule("week_window_en", re.compile(
        r"\b(?P<within>within |by |before |until )?(?:the\s+)?(?P<which>this|next|last)\s+week\b|\b(?P<weekend>(?:this|next)?\s*weekend)\b",
        re.IGNORECASE,
    ), lambda m, c: _week_window(_Groups(m, which=(
        ("next_weekend" if "next" in m.group("weekend").lower() else "weekend") if m.group("weekend") else m.group("which")
    )), c)),
    Rule("month_window_en", re.compile(
        r"\b(?P<within>within |by |before |until )?(?:the\s+)?(?P<which>this|next|last)\s+month\b", re.IGNORECASE
    ), _month_window),
)
# fmt: on


# Added for the scheduling-phrase sets (tests/fixtures/dates/RULES.md) -------------------------

_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_ORDINAL_WORD = (r"(?:(?:twenty|thirty)[\s-])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|tenth|"
                 r"eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
                 r"twentieth|thirtieth")  # fmt: skip
_CLOCK_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12}  # fmt: skip
_CLOCK_WORD = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_MINUTE_WORDS = {"five": 5, "ten": 10, "twenty": 20, "twenty-five": 25, "twenty five": 25}
_MINUTE_WORD = "twenty-five|twenty five|twenty|ten|five|[1-5][05]|5"
_EVENING_PARTS = ("evening", "night", "dusk")


def _ordinal_value(text: str) -> int | None:
    text = text.lower().replace("-", " ").strip()
    if text.isdigit():
        return int(text)
    digits = re.match(r"(\d+)(?:st|nd|rd|th)$", text)
    if digits:
        return int(digits.group(1))
    tens = {"twenty": 20, "thirty": 30}
    words = text.split()
    if len(words) == 2 and words[0] in tens and words[1] in _ORDINAL_WORDS:
        return tens[words[0]] + _ORDINAL_WORDS[words[1]]
    return _ORDINAL_WORDS.get(text)


def in_evening(day: date, clock: time, part: str | None) -> tuple[date, time]:
    """A clock time said with 今晚/tonight/"in the evening": 8 -> 20:00, 12/零点/midnight -> 00:00 next day."""
    if part in _EVENING_PARTS:
        if clock.hour in (0, 12) and clock.minute == 0 or clock.hour == 0:
            return day + timedelta(days=1), clock.replace(hour=0)
        if clock.hour < 12:
            return day, clock.replace(hour=clock.hour + 12)
    if part == "afternoon" and 1 <= clock.hour < 12:
        return day, clock.replace(hour=clock.hour + 12)
    if part in ("morning", "early_morning") and 13 <= clock.hour <= 18:
        return day, clock.replace(hour=clock.hour - 12)  # 明早六点四十五: the business-hours 18:45 is 06:45
    return day, clock


def _lunar_zh(match: re.Match[str], context: _Context) -> DateMention | None:
    today = context.today
    name = match.group("festival")
    if re.search(r"(?:去年|前年|往年|上次|以前)$", context.text[max(0, match.start() - 3) : match.start()]):
        return _mention(match, context, "lunar", day=today - timedelta(days=365), past=True)  # 去年中秋节: the past
    if name in NEW_YEAR_EVE:
        day = next_new_year_eve(today)
    elif name:
        day = next_lunar(*FESTIVALS[name], today)
    else:
        month_text = match.group("month") or ""
        month = {"正": 1, "冬": 11, "腊": 12}.get(month_text) or _number(month_text) or 1
        day_number = _number(match.group("day"))
        if day_number is None or not 1 <= month <= 12 or not 1 <= day_number <= 30:
            return _invalid(match, context, "lunar")
        day = next_lunar(month, day_number, today)
    if day is None:
        return _invalid(match, context, "lunar")
    if match.group("next_day"):
        day += timedelta(days=1)  # 元宵节后第一天
    return _mention(match, context, "lunar", day=day)


def _numeric_date_zh(match: re.Match[str], context: _Context) -> DateMention | None:
    month, day_number = int(match.group("month")), int(match.group("day"))
    before, after = context.text[max(0, match.start() - 1) : match.start()], context.text[match.end() : match.end() + 1]
    if not (1 <= month <= 12 and 1 <= day_number <= 31) or before in ("的", "第") or after in ("都", "的", "是", "成"):
        return NOT_A_DATE  # 采购量的3/5都给了竞争对手: a fraction
    day = _coming_date(month, day_number, context.today)
    if day is None:
        return _invalid(match, context, "numeric_date")
    return _mention(match, context, "numeric_date", day=day)


_DATE_AFTER_ZH = re.compile(
    r"\s*(?:$|之前|以前|前|之后|以后|后|号|日|当天|那天|左右|上午|下午|晚上|早上|中午|开|交|见|到期|截止|上线|签|发|给|再|去|来|"
    r"过来|回|打|约|送|寄|他们|我们|你|他|她|提醒|要|会|[，,。;；!！])"
)
_DATE_BEFORE_ZH = re.compile(r"(?:^|提醒我|在|于|定在|改到|改成|约在|推到|挪到|说|讲|到)\s*$")


_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


def _date_context_zh(match: re.Match[str], context: _Context) -> bool:
    """3/5, 3.5, 3-5 are dates in Chinese text only next to date words: 5.12之前, 提醒我3-15给…, 11.28他们开年会."""
    if not re.search(r"[\u4e00-\u9fff]", context.text):
        return False
    before = context.text[max(0, match.start() - 4) : match.start()]
    if re.search(r"(?:价|降到|涨到|率|是|约|共|为|达|增长|下降|版本|比)\s*$", before):
        return False  # 单价降到3.5, 增长率是3.5: a figure
    return bool(_DATE_AFTER_ZH.match(context.text[match.end() :]) or _DATE_BEFORE_ZH.search(before))


def _iso_date(match: re.Match[str], context: _Context) -> DateMention | None:
    day = _safe_date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    if day is None:
        return _invalid(match, context, "iso_date")
    return _mention(match, context, "iso_date", day=day)


def _numeric_date_en(match: re.Match[str], context: _Context) -> DateMention | None:
    """5/12 = May 12 (US), 22/04 = 22 April (first > 12), 4.5.2027 = April 5 2027; 24/7, 9/10 are not dates."""
    first, second = int(match.group("first")), int(match.group("second"))
    before = context.text[max(0, match.start() - 24) : match.start()].lower()
    after = context.text[match.end() : match.end() + 12].lower()
    whole = context.text.strip() == match.group().strip()
    year_text = match.group("year")
    dotted = "." in match.group()
    deadline = r"\b(?:on|by|until|before|due|cut-?off|deadline(?: is)?|expires?(?: on)?|closes?(?: on)?)\s*$"
    booked = r"\b(?:book|booked|schedule|scheduled|set|pencil(?:led)?\s+in|move|moved|push|pushed)\b(?:\s+[\w'-]+){0,4}?\s+for\s*$"
    cue = re.search(
        r"\b(?:after|from|launches|expect(?: the \w+)?|starts?|remind me|follow[- ]?up)\s*$|" + deadline + "|" + booked, before
    )
    if (first, second) == (24, 7) or first == 0 or re.search(r"(?:scored?|rated?|rating|out of|score of|the)\s*$", before) or re.search(
        r"\b(?:scored?|rated?|rating|marks?|gave\s+(?:us|it|them))\b[^,.;!?]{0,20}$", before
    ):  # "rated the pilot 9/10": a score
        return NOT_A_DATE
    if re.match(r"\s*(?:pallets|units|boxes|people|of\b|%)", after):
        return NOT_A_DATE
    if dotted and cue and not re.search(deadline, before):
        cue = None  # "grew from 3.5 to 4.2": figures
    if re.match(r"\s*(?:years?|months?|weeks?|days?|hours?|percent|times|x\b|million|k\b)", after):
        return NOT_A_DATE
    if not (whole or cue or year_text):
        figure = re.search(r"(?:price|priced|cost|costs|revenue|sales|growth|grew|rate|ratio|score|version|v|\$|£|€|rm|usd)\.?\s*$", before)
        unit = re.match(r"\s*(?:%|\d|percent|[kmb]\b|mn\b|bn\b|million|billion|units?|pcs|per\b|each\b|x\b)", after)
        if dotted and (figure or unit or not (13 <= first <= 31 and 1 <= second <= 12)):
            return NOT_A_DATE  # 3.5, "revenue 17.12": figures; "review 17.12" can only be 17 December
        if not (first > 12 and 1 <= second <= 12 and first <= 31):
            return None  # month/day without a cue: the older slashed-date rule decides (1/5 yes, 3/4 no)
        # day/month: a slashed pair whose first number cannot be a month is read day-first with or
        # without a cue word, the same as "on 22/04" ("said 28/04 works")
    month, day_number = (second, first) if first > 12 else (first, second)
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        day = _safe_date(year, month, day_number) if 1 <= month <= 12 else None
    else:
        day = _coming_date(month, day_number, context.today) if 1 <= month <= 12 and 1 <= day_number <= 31 else None
    if day is None:
        return _invalid(match, context, "numeric_date")
    return _mention(match, context, "numeric_date", day=day)


def _clock_en_more(match: re.Match[str], context: _Context) -> DateMention | None:
    """4.15pm, at 2.30, 7p, 6:45:30 pm, at 1030, 1430hrs, ten tonight, half past two, quarter to six, 9 o'clock;
    25:00, 13pm are invalid."""
    before = context.text[max(0, match.start() - 30) : match.start()].lower()
    after = context.text[match.end() : match.end() + 12].lower()
    if match.group("at_price") is not None or match.group("hour_bad") is not None or match.group("hour_4") is not None:
        if re.search(r"(?:price|priced|cost|costs|sell|sold|selling|buy|bought|quote|quoted|rate|valued|\$)\w*\s*$", before) or re.match(
            r"\s*(?:%|percent|per\b|each\b|a\s+(?:unit|piece|month|year)|dollars?|usd|eur|rmb|yuan|k\b|m\b|million|x\b|times\b)", after
        ):
            return None  # priced at 3.50 each: a price, not half past three
        if match.group("hour_bad") is not None and int(match.group("hour_bad")) <= 24 and not re.search(
            r"(?:day|tomorrow|tmrw|tonight|morning|afternoon|evening|arvo)\s+$", before
        ):
            return None  # "at 20": left to the clock rule's stricter reading; "next Monday at 10 about …" is a time
    if match.group("hour_day") is not None and int(match.group("hour_day")) > 24:
        return None  # "Friday at 30 pct": a figure after the day, not an hour
    rough = match.group("half_of") or match.group("half_of2") or match.group("half_of3") or match.group("hour_ish")
    if rough:  # "half three" is half past three; "4ish" is about four: the hour, in business hours
        hour = 12 if rough.lower() in ("noon", "midday") else _CLOCK_WORDS.get(rough.lower()) or int(rough)
        if not 1 <= hour <= 12:
            return None  # "half 20", "30ish": a figure
        clock = _clock(hour, 0 if match.group("hour_ish") else 30, "noon" if rough.lower() in ("noon", "midday") else None)
        return _mention(match, context, "clock", day=None, clock=clock, granularity="time") if clock else None
    word = match.group("word")
    if match.group("day_part"):  # "7 in the morning", "seven in the evening": the part decides am/pm
        if not re.match(r"at\b|@", match.group(), re.IGNORECASE) and re.search(r"\b(?:" + _EN_MONTH + r")\.?\s*$|\bthe\s*$", before):
            return None  # "December 9 in the morning": a day, then a part of the day ("5 of January at 3 in the …" is a time)
        said = match.group("hour_dp").lower()
        hour = _CLOCK_WORDS.get(said) or int(said)
        minute = int(match.group("minute_dp") or 0)
        clock = _clock(hour, minute, match.group("day_part").lower()) if 1 <= hour <= 12 else None
        if clock is None:
            return _invalid(match, context, "clock")
        return _mention(match, context, "clock", day=None, clock=clock, granularity="time")
    if word:
        hour = _CLOCK_WORDS[word.lower()]
        minute = 0
    elif match.group("past_hour"):
        hour = _CLOCK_WORDS.get(match.group("past_hour").lower()) or int(match.group("past_hour"))
        kind = match.group("how").lower()
        count = re.match(r"(twenty[- ]five|twenty|ten|five|\d+)", kind)
        minute = 30 if kind.startswith("half") else 15
        if count:  # "ten past nine", "20 to 5"
            minute = _MINUTE_WORDS.get(count.group(1)) or int(count.group(1))
        if kind.split()[-1] in ("to", "before"):
            hour, minute = hour - 1, 60 - minute
            if hour == 0:
                hour = 12
    else:
        hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    meridiem = (match.group("meridiem") or "").lower().replace(".", "")
    if hour > 24 or minute >= 60 or (hour == 24 and minute) or (meridiem and not 1 <= hour <= 12):
        return _invalid(match, context, "clock")  # 25:00, 24:30, 13pm
    if meridiem:
        clock = _clock(hour, minute, "pm" if meridiem.startswith("p") else "am")
    else:
        clock = _clock(hour, minute, None)
    if clock is None:
        return _invalid(match, context, "clock")
    return _mention(match, context, "clock", day=None, clock=clock, granularity="time")


_UNITS_EN = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS_EN = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_SPOKEN_MINUTES = {
    **{f"{oh} {unit}": value for value, unit in enumerate(_UNITS_EN, 1) for oh in ("oh", "o")},  # ten oh five
    **{teen: value for value, teen in enumerate(_TEENS_EN, 10)},
    **{tens: value for value, tens in ((20, "twenty"), (30, "thirty"), (40, "forty"), (50, "fifty"))},
    **{f"{tens}{joint}{unit}": value + extra for value, tens in ((20, "twenty"), (30, "thirty"), (40, "forty"), (50, "fifty"))
       for extra, unit in enumerate(_UNITS_EN, 1) for joint in (" ", "-")},
}  # fmt: skip
_SPOKEN_MINUTE = "|".join(sorted(_SPOKEN_MINUTES, key=len, reverse=True))
_MERIDIEM_EN = r"(?P<meridiem>a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z])"
_ANY_MINUTES = r"(?:a\s+)?quarter|half|" + _MINUTE_WORD + r"|\d{1,2}\s+minutes|(?:" + _SPOKEN_MINUTE + r")\s+minutes"


def _clock_en_spoken(match: re.Match[str], context: _Context) -> DateMention | None:
    """Clock times said in words or with the hour last: "ten thirty am", "at eleven thirty", "tomorrow at nine",
    "3 o'clock am", "a quarter past 3pm", "twenty to 5pm", "quarter to noon", "8 tonight" (the evening word
    after it moves the hour), "9 tomorrow morning"."""
    said = lambda name: (match.group(name) or "").lower()  # noqa: E731
    hour_said = said("hour") or said("target")
    if hour_said in ("noon", "midday", "midnight"):
        hour, meridiem = (12, "pm") if hour_said != "midnight" else (12, "am")
    else:
        hour = _CLOCK_WORDS.get(hour_said) or int(hour_said)
        meridiem = re.sub(r"[.\s]", "", said("meridiem"))
    minute = _SPOKEN_MINUTES.get(re.sub(r"\s+", " ", said("minute")).replace("o' ", "o "), 0)
    how = re.sub(r"\s+", " ", said("how"))
    if how:  # "a quarter past 3pm", "20 to 5pm"
        count = re.sub(r"^a |\s*minutes$", "", how)
        minute = 15 if count == "quarter" else 30 if count == "half" else (
            _MINUTE_WORDS.get(count) or _SPOKEN_MINUTES.get(count) or int(count))
        if said("direction") in ("to", "before", "till", "til"):
            if count == "half" or (count.isdigit() or count in _MINUTE_WORDS) and not (
                said(0).startswith("at") or how.endswith("minutes")
            ):
                return None  # "5 to 7pm" is a range; "at five to seven", "twenty minutes to 5pm" are times
            hour, minute = hour - 1, 60 - minute
            if hour == 0:
                hour = 12
            elif hour == 11 and hour_said in ("noon", "midday"):
                meridiem = "am"  # a quarter to noon: 11:45
    if not (1 <= hour <= 12 and 0 <= minute < 60):
        return _invalid(match, context, "clock")
    clock = _clock(hour, minute, meridiem or None)
    if clock is None:
        return _invalid(match, context, "clock")
    return _mention(match, context, "clock", day=None, clock=clock, granularity="time")


def _day_of_relative_month_en(match: re.Match[str], context: _Context) -> DateMention | None:
    """"the 20th of next month", "20 of this month": that day of that month, or invalid if it has no such day."""
    value = _ordinal_value(match.group("day"))
    if value is None:
        return None
    first = _add_months(context.today.replace(day=1), 0 if match.group("which").lower() in ("this", "current") else 1)
    day = _safe_date(first.year, first.month, value)
    if day is None:
        return _invalid(match, context, "day_of_month")
    return _mention(match, context, "day_of_month", day=day, deadline=bool(match.group("by")))


def _day_ordinal_en(match: re.Match[str], context: _Context) -> DateMention | None:
    value = _ordinal_value(match.group("day"))
    if value is None or not 1 <= value <= 31:
        return None
    if not match.group("by") and re.match(r"\s*on\b", context.text[match.end() :], re.IGNORECASE):
        return None  # "the 1st on the list"; "by the 1st on the 3 quotations" is a day
    today = context.today
    for months in (0, 1, 2):
        month_start = _add_months(today.replace(day=1), months)
        day = _safe_date(month_start.year, month_start.month, value)
        if day is not None and day >= today:
            return _mention(match, context, "day_of_month", day=day, deadline=bool(match.group("by")))
    return None


def _month_day_words_en(match: re.Match[str], context: _Context) -> DateMention | None:
    month = _MONTH_EN[(match.group("month") or match.group("month2")).lower()[:3]]
    value = _ordinal_value(match.group("day") or match.group("day2"))
    if value is None:
        return None
    year_text = match.group("year")
    if value > 31:
        return _invalid(match, context, "month_day")
    if year_text:
        day = _safe_date(int(year_text), month, value)
    elif prefers_past(context.text, match.start(), match.end()):
        day = _next_date(month, value, context, True)
    else:
        day = _coming_date(month, value, context.today)
    if day is None:
        return _invalid(match, context, "month_day")
    return _mention(match, context, "month_day", day=day)


def _month_year_en(match: re.Match[str], context: _Context) -> DateMention | None:
    month = _MONTH_EN[match.group("month").lower()[:3]]
    return _mention(match, context, "month", day=date(int(match.group("year")), month, 1), granularity="month", vague=True)


def _reference_day(text: str, context: _Context) -> date | None:
    """tomorrow, today, Monday, the 12th: the day an offset counts from."""
    text = text.lower().strip()
    if text in ("today", "now"):
        return context.today
    if text == "tomorrow":
        return context.today + timedelta(days=1)
    if text[:3] in _WEEKDAY_EN:
        this_week = _monday(context.today) + timedelta(days=_WEEKDAY_EN[text[:3]])
        return this_week if this_week > context.today else this_week + timedelta(days=7)
    ordinal = re.fullmatch(r"the\s+(\d{1,2})(?:st|nd|rd|th)", text)
    if ordinal:
        value = int(ordinal.group(1))
        for months in (0, 1, 2):
            month_start = _add_months(context.today.replace(day=1), months)
            day = _safe_date(month_start.year, month_start.month, value)
            if day is not None and day >= context.today:
                return day
    return None


def _offset_from_en(match: re.Match[str], context: _Context) -> DateMention | None:
    """two days after tomorrow, a week from Monday, 3 days after the 12th, Wednesday week."""
    if match.group("weekday_week"):
        reference = _reference_day(match.group("weekday_week"), context)
        return _mention(match, context, "offset_from", day=reference + timedelta(days=7)) if reference else None
    if match.group("week_on"):
        reference = _reference_day(match.group("reference_on"), context)
        weeks = 2 if match.group("week_on").lower() == "fortnight" else 1
        return _mention(match, context, "offset_from", day=reference + timedelta(weeks=weeks)) if reference else None
    count = 2 if match.group("fortnight") else _number(match.group("count"))  # a fortnight from Friday: two weeks
    reference = _reference_day(match.group("reference"), context)
    if count is None or reference is None:
        return None
    return _mention(match, context, "offset_from", day=_add(reference, count, match.group("unit") or "weeks"))


def _weekday_week_en(match: re.Match[str], context: _Context) -> DateMention:
    """next week Wednesday, Tuesday of next week, the following Friday, Friday after next."""
    weekday = _WEEKDAY_EN[match.group("weekday").lower()[:3]]
    weeks = 2 if match.group("after_next") else 1
    return _mention(match, context, "weekday", day=_monday(context.today) + timedelta(days=7 * weeks + weekday))


def _coming_weekday_en(match: re.Match[str], context: _Context) -> DateMention:
    """"the coming Thursday": the next one strictly after today; "the Saturday after this one": a week later."""
    weekday = _WEEKDAY_EN[match.group("weekday").lower()[:3]]
    this_week = _monday(context.today) + timedelta(days=weekday)
    day = this_week if this_week > context.today else this_week + timedelta(days=7)
    if match.group("after_this"):
        day += timedelta(days=7)
    return _mention(match, context, "weekday", day=day)


def _years_later(match: re.Match[str], context: _Context) -> DateMention | None:
    """两年后提醒我 / "remind me in two years": the same date years on; a note about a plan is no follow-up."""
    if not re.search(r"提醒|\bremind\b", context.text, re.IGNORECASE):
        return NOT_A_DATE
    count = _number(match.group("count"))
    if count is None or not 0 < count <= 10:
        return NOT_A_DATE
    return _mention(match, context, "years_later", day=_add_months(context.today, 12 * count))


_GREETING = re.compile(
    r"(?:早上|上午|中午|下午|晚上|早|晚)好|早安|晚安|午安|周末愉快|(?:中秋|新年|新春|春节|元宵|端午|国庆|圣诞|节日|元旦)(?:节)?(?:快乐|愉快)|"
    r"\bgood\s+(?:morning|afternoon|evening|night)\b|\bhave\s+a\s+(?:great|good|nice|lovely)\s+(?:weekend|day|evening|night)\b|"
    r"^\s*(?:morning|afternoon|evening|night)\b(?=\s*,?\s*(?:all|everyone|team|guys|folks|(?-i:[A-Z])[a-z]+)\s*(?:[!.,]|$))|"
    # "ok morning, notes from yesterday's…", "morning um writing this up": the note's opening, not a time
    r"^\s*(?:(?:ok|okay|um|uh|so|hi|hey|right|well)[\s,]+)*(?:morning|afternoon|evening)\b"
    r"(?=\s*(?:,|\bum\b|\buh\b|\bso\b|\bquick\b|\bnotes?\b|\bwriting\b|\bjust\b))|"
    r"\benjoy\s+(?:your|the)\s+(?:(?:long|rest\s+of\s+the|holiday)\s+)?(?:weekend|day|evening|holidays?|break)\b|"
    r"\bhappy\s+(?:(?:chinese\s+|lunar\s+)?new\s+year|holidays|thanksgiving|easter|"
    r"(?:mid-?\s?autumn|dragon\s+boat|lantern|spring|moon)\s+festival|christmas|xmas|valentine'?s(?:\s+day)?)\b|"
    r"\bmerry\s+(?:christmas|xmas)\b|\bseason'?s\s+greetings\b|"
    r"\b(?:thanks?(?:\s+you)?|cheers|ta)(?:\s+(?:again|so\s+much|very\s+much|a\s+lot))?\s+for\b[^.,;!?\n]*?"
    r"\b(?:this\s+morning|this\s+afternoon|today|yesterday|earlier|last\s+\w+)\b"
    r"(?:\s+(?:morning|afternoon|evening|night)\b)?",
    re.IGNORECASE,
)
_LUNAR_FESTIVAL = "|".join(sorted([*FESTIVALS, *NEW_YEAR_EVE], key=len, reverse=True))
_SOLAR_FESTIVAL = "|".join(name for name in SOLAR_FESTIVALS if name not in _HOLIDAYS and name[:-1] not in _HOLIDAYS)


def _clock_short_of_zh(match: re.Match[str], context: _Context) -> DateMention | None:
    """差五分十点, 十点差五分 (09:55), 差一刻三点 (14:45 in business hours): the hour's clock, less the minutes."""
    part = match.group("part") or match.group("part2")
    hour = _number(match.group("hour") or match.group("hour2") or "")
    minutes_said = match.group("minutes") or match.group("minutes2") or ""
    minutes = 15 if minutes_said.startswith("一刻") else _number(re.sub(r"分钟?$", "", minutes_said))
    if hour is None or minutes is None:
        return None
    if hour > 24 or not 0 < minutes < 60:
        return _invalid(match, context, "clock_short_of")  # 差七十分三点, 差五分二十五点
    target = _clock(hour, 0, part)
    if target is None:
        return None
    clock = (datetime.combine(context.today, target) - timedelta(minutes=minutes)).time()
    rule = "clock_short_of" if part or hour > 12 else "clock_short_of+business_hours"
    return _mention(match, context, rule, day=None, clock=clock, granularity="time")


def _same_time(match: re.Match[str], context: _Context) -> DateMention:
    """"this time next week" (a week from now), "same time tomorrow", 明天这个时候: the day, at the clock it is now."""
    when = (match.group("when") or match.group("when_zh")).lower()
    if when in ("tomorrow", "明天"):
        day = context.today + timedelta(days=1)
    elif when == "后天":
        day = context.today + timedelta(days=2)
    elif "month" in when or "月" in when:
        day = _add_months(context.today, 1)
    else:
        day = context.today + timedelta(weeks=1)
    clock = context.now.time().replace(second=0, microsecond=0, tzinfo=None)
    return _mention(match, context, "same_time", day=day, clock=clock, granularity="time")


def _clock_range_zh(match: re.Match[str], context: _Context) -> DateMention | None:
    """下午3-4点 (15:00), 9点到10点 (09:00), 晚上八点半到十点 (20:30): the start of a range of hours."""
    from_hour, to_hour = _number(match.group("from_hour")), _number(match.group("to_hour"))
    minute_said = match.group("from_minute") or match.group("from_minute2")
    minute = 30 if match.group("half") else (_number(minute_said) if minute_said else 0)
    if from_hour is None or to_hour is None or minute is None or not (0 <= from_hour <= 24 and 0 <= to_hour <= 24):
        return None
    if minute >= 60:
        return _invalid(match, context, "clock_range")
    clock = _clock(from_hour, minute, match.group("part"))
    if clock is None:
        return None
    rule = "clock_range" if match.group("part") or from_hour > 12 else "clock_range+business_hours"
    return _mention(match, context, rule, day=None, clock=clock, granularity="time")


def _clock_range_en(match: re.Match[str], context: _Context) -> DateMention | None:
    """The start of "3-4pm" (15:00), "5 to 7pm" (17:00), "11-1pm" (11:00). "to" joins a range of at most four hours,
    a dash one of at most twelve: "10 to 7pm" is no nine-hour meeting, and is left to the clock rules."""
    from_hour, to_hour = int(match.group("from_hour")), int(match.group("to_hour"))
    if match.group("joint").lower() == "and" and not match.group("between"):
        return None  # "2 and 3pm": two times, not a range
    if not (1 <= from_hour <= 12 and 1 <= to_hour <= 12):
        return None  # "20 to 5pm": twenty minutes to five, for the clock rules
    to_clock = _clock(to_hour, int(match.group("to_minute") or 0), "pm" if match.group("meridiem").lower().startswith("p") else "am")
    if to_clock is None or int(match.group("from_minute") or 0) >= 60:
        return None
    end = datetime.combine(context.today, to_clock)
    start = end.replace(hour=from_hour % 12, minute=int(match.group("from_minute") or 0))
    while start + timedelta(hours=12) < end:
        start += timedelta(hours=12)  # 3-4pm: 15:00, not 03:00
    if start >= end:
        start -= timedelta(hours=12)  # 11-1pm: 11:00
    span = end - start
    if span <= timedelta(0) or span > timedelta(hours=4 if match.group("joint").lower() in ("to", "till", "until", "and") else 12):
        return None
    return _mention(match, context, "clock_range", day=None, clock=start.time(), granularity="time")


def _festival(match: re.Match[str], context: _Context) -> DateMention | None:
    """母亲节, 三八节, 清明节: the next one on or after today (crm.parsing.festivals)."""
    day = next_festival(match.group("name"), context.today)
    return _mention(match, context, "festival", day=day) if day is not None else None

# fmt: off
EXTRA_RULES: tuple[Rule, ...] = (
    Rule("greeting", _GREETING, lambda m, c: NOT_A_DATE),
    # the Nth / last weekday of a month, the last day of a month: not "Friday" or "the 1st of the month"
    Rule("month_ordinal", re.compile(
        r"\b(?:the\s+)?(?P<nth>first|second|third|fourth|last|1st|2nd|3rd|4th)\s+"
        r"(?:" + _EN_WEEKDAY + r"|(?P<day_word>day))\s+(?:of|in)\s+(?:the\s+)?"
        r"(?:(?P<which>this|next)\s+month|(?P<the_month>month)\b|(?P<month>" + _EN_MONTH + r")\b(?:\s+(?P<year>20\d{2}))?)"
        r"|(?:(?P<which_zh>下个?|这个?|本)月|(?P<month_zh>" + _NUM + r"{1,2})月份?)的?"
        r"(?:第(?P<nth_zh>[一二三四1-4])个|(?P<last_zh>最后一个))(?:周|星期|礼拜)(?P<weekday_zh>[一二三四五六日天1-7])"
        r"|(?:(?P<which_zh2>下个?|这个?|本)月|(?P<month_zh2>" + _NUM + r"{1,2})月份?)的?最后一天",
        re.IGNORECASE,
    ), lambda m, c: _month_ordinal(m, c)),
    # 下下下下周一: no one counts weeks like that; say so rather than guess two weeks out
    Rule("too_many_next", re.compile(r"下{3,}个?(?:周|星期|礼拜|月)[一二三四五六日天末1-7]?"),
         lambda m, c: _invalid(m, c, "too_many_next")),
    # "this time next week", "same time tomorrow", 明天这个时候, 下周同一时间: the day, at the time it is said
    Rule("same_time", re.compile(
        r"\b(?:this|(?:the\s+)?same)\s+time\s+(?P<when>tomorrow|next\s+week|next\s+month)\b"
        r"|(?P<when_zh>明天|后天|下周|下个?星期|下个?礼拜|下个月)的?(?:这个|同一|同样的?)(?:时候|时间|时段|钟点)",
        re.IGNORECASE,
    ), lambda m, c: _same_time(m, c)),
    # 下午3-4点, 3点到4点, 九点半~十点: a range of hours, read at its start (not "3-4个人")
    Rule("clock_range_zh", re.compile(
        r"(?:(?P<part>" + _ZH_PARTS + r"|晚|早)\s*)?(?P<from_hour>\d{1,2}|" + _NUM + r"{1,3})\s*"
        r"(?:点(?:(?P<half>半)|(?P<from_minute>\d{1,2}|" + _NUM + r"{1,3})分?)?|[:：](?P<from_minute2>\d{2}))?\s*"
        r"(?:-|–|—|~|～|到|至)\s*(?P<to_hour>\d{1,2}|" + _NUM + r"{1,3})\s*(?:点|[:：]\d{2})"
    ), lambda m, c: _clock_range_zh(m, c)),
    # 差五分十点 / 十点差五分: minutes short of the hour, said before or after it ("差不多三点" is no such time)
    Rule("clock_short_of", re.compile(
        r"(?:(?P<part>" + _ZH_PARTS + r"|晚|早)\s*)?差\s*(?P<minutes>一刻钟?|(?:" + _NUM + r"{1,3}|\d{1,2})\s*分钟?)\s*"
        r"(?P<hour>" + _NUM + r"{1,3}|\d{1,2})\s*点钟?"
        r"|(?:(?P<part2>" + _ZH_PARTS + r"|晚|早)\s*)?(?P<hour2>" + _NUM + r"{1,3}|\d{1,2})\s*点钟?\s*差\s*"
        r"(?P<minutes2>一刻钟?|(?:" + _NUM + r"{1,3}|\d{1,2})\s*分钟?)"
    ), _clock_short_of_zh),
    Rule("festival", re.compile(r"(?P<name>" + _SOLAR_FESTIVAL + r")(?!快乐|愉快)(?:之后|以后|过后|后(?![天第]))?"), _festival),
    # "the Xmas order", "Christmas promo": the season's trade, not the day (the library would read the day)
    Rule("season_trade_en", re.compile(
        r"\b(?:" + "|".join(re.escape(name) for name in FESTIVALS_EN) + r")(?:'s)?\s+"
        r"(?:orders?|promos?|promotions?|campaigns?|stock|rush|sales?|budgets?|bonus(?:es)?|catalogues?|catalogs?|"
        r"menus?|range|displays?|hampers?|gifts?|cards?|season|period|trading|volumes?|forecasts?|demand|peak|"
        r"shutdown|break)\b",
        re.IGNORECASE,
    ), lambda m, c: NOT_A_DATE),
    Rule("festival_en", re.compile(
        r"\b(?P<name>" + "|".join(re.escape(name) for name in FESTIVALS_EN) + r")(?:'s)?\b",
        re.IGNORECASE,
    ), _festival),
    Rule("lunar", re.compile(
        r"(?:农历|阴历)?(?:(?P<festival>" + _LUNAR_FESTIVAL + r")"
        r"(?!(?<=[一二三四五六七八九十])[\d号日廿" + re.escape(NUMERAL_CHARS) + r"])|"  # 二月二十二号 is not 二月二
        r"(?:大年)?(?:(?P<month>正|冬|腊|(?<=农历)(?:十一|十二|[一二三四五六七八九十]|1[0-2]|[1-9])|(?<=阴历)(?:十一|十二|[一二三四五六七八九十]|1[0-2]|[1-9])"
        r"|(?:十一|十二|[一二三四五六七八九十])(?=月初))月)?"
        r"(?P<day>初[一二三四五六七八九十]|(?(month)(?:二十[一二三四五六七八九]?|廿[一二三四五六七八九]|三十|十[一二三四五六七八九]?"
        r"|[一二三四五六七八九]|[12]?\d|30)|(?!)))(?![号日])"
        r"|(?<![\d" + re.escape(NUMERAL_CHARS) + r"])八月十五(?![号日])|大年初[一二三四五六七八九十])"
        r"(?:节)?(?:(?P<next_day>后第一天)|(?:之后|以后|过后|后)(?![天第]))?"  # 春节后再说: 后 is part of the day said
    ), lambda m, c: _lunar_zh(_Groups(m, **_lunar_groups(m)), c)),
    Rule("iso_date", re.compile(
        r"(?<![\d.])(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?![\d])"
    ), _iso_date),
    Rule("numeric_date_zh", re.compile(
        r"(?<![\d./\-Vv])(?P<month>\d{1,2})[.\-/](?P<day>\d{1,2})(?![\d%.]|\s*(?:版|%|万|千|百|元|块|折|倍|个|米|吨|斤|公|寸|号楼|栋|层|天|小时|周|分))"
        r"(?<=[\d])(?<![a-zA-Z]\d)"
    ), lambda m, c: _numeric_date_zh(m, c) if _date_context_zh(m, c) or (
        "/" in m.group() and _HAS_CJK.search(c.text) and not _fraction(int(m.group("month")), int(m.group("day")))
    ) else None),  # 2/3走海运: two thirds
    # "3-4pm", "5 to 7pm", "11-1pm", "2:30-3:30 pm": a range of hours, read at its start (周五下午三点到四点 = 15:00)
    Rule("clock_range_en", re.compile(
        r"(?<![\d:.$])\b(?:from\s+|(?P<between>between\s+))?(?P<from_hour>\d{1,2})(?::(?P<from_minute>\d{2}))?\s*"
        r"(?P<joint>-|–|—|to|till|until|and)\s*"
        r"(?P<to_hour>\d{1,2})(?::(?P<to_minute>\d{2}))?\s*" + _MERIDIEM_EN,
        re.IGNORECASE,
    ), lambda m, c: _clock_range_en(m, c)),
    Rule("clock_en_spoken", re.compile(
        r"\b(?:at\s+)?(?P<how>" + _ANY_MINUTES + r")\s+(?P<direction>past|after|to|before|till|til)\s+"
        r"(?:(?P<target>noon|midday|midnight)\b|(?P<hour>" + _CLOCK_WORD + r"|\d{1,2})\s*" + _MERIDIEM_EN + ")"
        r"|\b(?:at\s+)?(?:(?P<hour2>" + _CLOCK_WORD + r")(?:\s+(?P<minute>" + _SPOKEN_MINUTE + r"))?\s*(?:o'?\s?clock\s*)?"
        r"|(?<![\d:.])(?P<hour3>\d{1,2})\s*o'?\s?clock\s*)" + _MERIDIEM_EN.replace("meridiem", "meridiem2")
        + r"|\bat\s+(?P<hour4>" + _CLOCK_WORD + r")(?:\s+(?P<minute2>" + _SPOKEN_MINUTE + r"))?"
        r"(?=\s*(?:$|[,.;!?)]|o'?\s?clock|today|tomorrow|tonight|on\b|next\b|this\b|sharp\b|and\b|then\b|to\b|for\b))"
        r"(?!\s+(?:to|past|after|before|till?)\s+(?:\d|noon|midday|midnight|" + _CLOCK_WORD + r"))"
        r"|(?<![\d:.,$])\b(?:at\s+)?(?P<hour5>\d{1,2})(?=\s+(?:tonight|this\s+(?:evening|afternoon|morning)|"
        r"tomorrow\s+(?P<cue>morning|afternoon|evening|night)))",
        re.IGNORECASE,
    ), lambda m, c: _clock_en_spoken(_Groups(
        m, hour=m.group("hour") or m.group("hour2") or m.group("hour3") or m.group("hour4") or m.group("hour5"),
        minute=m.group("minute") or m.group("minute2"), meridiem=m.group("meridiem") or m.group("meridiem2") or {
            "morning": "am", "afternoon": "pm", "evening": "pm", "night": "pm"}.get((m.group("cue") or "").lower())), c)),
    Rule("clock_en_more", re.compile(
        r"\b(?:at\s+)?(?P<hour_dp>\d{1,2}|" + _CLOCK_WORD + r")(?:[.:](?P<minute_dp>\d{2}))?\s+(?:o'?clock\s+)?"
        r"in\s+the\s+(?P<day_part>morning|afternoon|evening)\b"
        r"|" + _EN_START + r"(?:at\s+)?(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2})(?::\d{2})?)?\s*"
        r"(?P<meridiem>a\.?m\.?|p\.?m\.?|(?<=\d)p|(?<=:\d\d)a)(?![A-Za-z0-9])(?!\.\w)"
        r"|\bat\s+(?P<at_price>(?P<hour_at>\d{1,2})[.](?P<minute_at>\d{2}))\b"
        r"|\b(?:at\s+)?(?P<hour_clock>\d{1,2})\s*o'?clock\b"
        r"|\b(?:at\s+)?(?P<word>" + _CLOCK_WORD + r")(?=\s+(?:tonight|o'?clock|this evening|in the (?:evening|morning|afternoon)))"
        r"|\b(?:at\s+)?(?P<how>half past|quarter past|quarter to|a quarter past|a quarter to|(?:" + _MINUTE_WORD + r")\s+(?:minutes\s+)?(?:past|after)|(?<=at\s)(?:" + _MINUTE_WORD + r")\s+(?:minutes\s+)?(?:to|before)|(?:" + _MINUTE_WORD + r")\s+minutes\s+(?:to|before))"
        r"\s+(?P<past_hour>" + _CLOCK_WORD + r"|\d{1,2})\b(?!\s*(?:%|percent|days?|weeks?|months?|years?|hours?|people|units))"
        r"|\b(?:at\s+)?(?P<hour_24>\d{1,2}):(?P<minute_24>\d{2})\b"
        # four-figure 24-hour times: "at 1030", "1430hrs", "0900h"; "at 1930"/"at 2026" could be years, so
        # 19xx and 20xx need the hrs
        r"|\bat\s+(?P<hour_4>0\d|1[0-8]|2[1-3])(?P<minute_4>[0-5]\d)\b(?![.,:/-]?\d)"
        r"(?!\s*(?:%|percent|pct|people|users|units|sites|pallets|dollars?|usd|sgd|aud|cad|eur|rmb|yuan|k\b|m\b|"
        r"\w+\s+(?:st|street|rd|road|ave|avenue|blvd|drive|dr|lane|ln)\b))"
        r"|(?<![\d.,$])\b(?:at\s+)?(?P<hour_4h>[01]\d|2[0-3])(?P<minute_4h>[0-5]\d)\s*(?:hrs|hr|h)\b"
        # the French way: "14h30", "at 9h30", "at 15h"; not a duration ("the call took 1h30")
        r"|(?<![\d.,$])" + _EN_START + r"(?:at\s+)?(?P<hour_fr>1\d|2[0-3])h(?P<minute_fr>[0-5]\d)\b"
        r"|\bat\s+(?P<hour_fr2>[01]?\d|2[0-3])h(?P<minute_fr2>[0-5]\d)?\b"
        r"|\bat\s+(?P<hour_bad>\d{2})\b(?!\s*(?:%|percent|people|users|units|sites|pallets|(?-i:[A-Z])))"
        # British "at half three" (15:30), "half two tomorrow"; "4ish", "around fourish", "noonish"
        r"|(?:(?<=at\s)half\s+(?P<half_of>" + _CLOCK_WORD + r"|\d{1,2})\b(?!\s*(?:%|percent|of\b|units|people|[:.]\d))"
        r"|\bhalf\s+(?P<half_of2>" + _CLOCK_WORD + r"|\d{1,2})(?=\s+(?:today|tomorrow|tonight|on\s|this\s|next\s))"
        r"|(?:^|(?<=[,;:.!?]\s))half\s+(?P<half_of3>" + _CLOCK_WORD + r"|\d{1,2})\b(?!\s*(?:%|percent|of\b|units|people|[:.]\d)))"
        r"|(?<!\bis\s)(?<!\bare\s)(?<!\bwas\s)(?<!\baged\s)\b(?:(?:at|around|about|say)\s+)?"
        r"(?P<hour_ish>" + _CLOCK_WORD + r"|\d{1,2}|noon|midday)\s*-?ish\b"
        r"(?!\s*(?:people|persons|staff|users|units|sites|years?|months?|weeks?|days?|hours?|minutes?|%|percent|k\b|grand))"
        # "next Monday at 9 kick-off", "Friday at 4 call Ann": "at" and an hour right after a day is its time
        r"|(?:(?<=day\s)|(?<=tomorrow\s)|(?<=tmrw\s)|(?<=tonight\s)|(?<=morning\s)|(?<=afternoon\s)|(?<=evening\s)|(?<=arvo\s))"
        r"at\s+(?P<hour_day>\d{1,2})\b(?![:.]\d)"
        r"(?!\s*(?:%|percent|pct|people|users|units|sites|pallets|stores|branches|locations|customers|clients|accounts|"
        r"a\.?m\b|p\.?m\b|o'?clock|-\s*\d|to\s+\d|and\s+\d|or\s+\d))",
        re.IGNORECASE,
    ), lambda m, c: _clock_en_more(_Groups(
        m, hour=m.group("hour") or m.group("hour_at") or m.group("hour_clock") or m.group("hour_24") or m.group("hour_bad")
        or m.group("hour_day") or m.group("hour_4") or m.group("hour_4h") or m.group("hour_fr") or m.group("hour_fr2"),
        minute=m.group("minute") or m.group("minute_at") or m.group("minute_24") or m.group("minute_4")
        or m.group("minute_4h") or m.group("minute_fr") or m.group("minute_fr2")), c)),
    Rule("offset_from_en", re.compile(
        r"\b(?:(?P<count>" + _EN_NUMBER + r")\s+(?P<unit>days?|weeks?)|(?:a\s+)?(?P<fortnight>fortnight))\s+(?:after|from|past)\s+"
        r"(?P<reference>tomorrow|today|the\s+\d{1,2}(?:st|nd|rd|th)|" + _EN_WEEKDAY.replace("?P<weekday>", "?:") + r")\b"
        r"|\b(?P<weekday_week>" + _EN_WEEKDAY.replace("?P<weekday>", "?:") + r")\s+week\b"
        # British: "a week today", "a week tomorrow", "a week on Friday", "a fortnight on Monday"
        r"|\b(?:a|one)\s+(?P<week_on>week|fortnight)\s+(?:on\s+)?(?P<reference_on>today|tomorrow|"
        + _EN_WEEKDAY.replace("?P<weekday>", "?:") + r")\b",
        re.IGNORECASE,
    ), _offset_from_en),
    # "the week after next" (its Monday, vague), "Wednesday of the week after next", "the week after next, Wednesday"
    Rule("week_after_next_en", re.compile(
        r"\b(?:the\s+)?" + _EN_WEEKDAY + r"\s+(?:of\s+)?the\s+week\s+after\s+next\b"
        r"|\bthe\s+week\s+after\s+next\b(?:\s*,?\s*(?:on\s+)?" + _EN_WEEKDAY.replace("weekday", "weekday2") + r"\b)?",
        re.IGNORECASE,
    ), lambda m, c: _week_after_next(_Groups(m, weekday=m.group("weekday") or m.group("weekday2")), c)),
    Rule("weekday_week_en", re.compile(
        r"\bnext\s+week(?:'s)?\s+" + _EN_WEEKDAY + r"\b"
        r"|\b(?:the\s+)?" + _EN_WEEKDAY.replace("weekday", "weekday2") + r"\s+(?:of\s+next\s+week|next\s+week)\b"
        r"|\b(?:the\s+)?following\s+" + _EN_WEEKDAY.replace("weekday", "weekday3") + r"\b"
        r"|\b(?:the\s+)?" + _EN_WEEKDAY.replace("weekday", "weekday4") + r"\s+(?P<after_next>after\s+next)\b",
        re.IGNORECASE,
    ), lambda m, c: _weekday_week_en(_Groups(m, weekday=_first_weekday(m)), c)),
    Rule("coming_weekday_en", re.compile(
        r"\b(?:the\s+)?(?:coming|this coming)\s+" + _EN_WEEKDAY + r"\b"
        r"|\bthe\s+" + _EN_WEEKDAY.replace("weekday", "weekday2") + r"\s+(?P<after_this>after\s+this\s+one)\b",
        re.IGNORECASE,
    ), lambda m, c: _coming_weekday_en(_Groups(m, weekday=_first_weekday(m)), c)),
    Rule("years_later", re.compile(
        r"(?P<count>" + _NUM + r"{1,3})\s*年(?:以后|之后|后)|\bin\s+(?P<count_en>" + _EN_NUMBER + r")\s+years?\b"
        r"|\b(?P<count_from>" + _EN_NUMBER + r")\s+years?\s+(?:from now|from today|later|hence)\b",
        re.IGNORECASE,
    ), lambda m, c: _years_later(_Groups(m, count=m.group("count") or m.group("count_en") or m.group("count_from")), c)),
    Rule("fortnight", re.compile(r"\b(?:in\s+)?a\s+fortnight\b", re.IGNORECASE),
         lambda m, c: _mention(m, c, "fortnight", day=c.today + timedelta(days=14))),
    Rule("month_day_words_en", re.compile(
        r"\b(?P<month>" + _EN_MONTH + r")\.?(?:\s+the|/|\s)\s*(?P<day>\d{1,2}(?:st|nd|rd|th)?|" + _ORDINAL_WORD + r")\b"
        r"(?:,?\s+(?P<year>\d{4}))?"
        r"|\b(?P<day2>\d{1,2}(?:st|nd|rd|th)?|" + _ORDINAL_WORD + r")\s+(?:of\s+)?(?P<month2>" + _EN_MONTH + r")\b\.?"
        r"(?:,?\s+(?P<year2>\d{4}))?",
        re.IGNORECASE,
    ), lambda m, c: _month_day_words_en(_Groups(m, year=m.group("year") or m.group("year2")), c)),
    Rule("month_year_en", re.compile(
        r"\b(?:in\s+)?(?P<month>" + _EN_MONTH + r")\s+(?P<year>20\d{2})\b", re.IGNORECASE
    ), _month_year_en),
    Rule("day_of_relative_month_en", re.compile(
        r"\b(?:(?P<by>by|before|until)\s+)?(?:on\s+)?(?:the\s+)?(?P<day>\d{1,2}(?:st|nd|rd|th)?|" + _ORDINAL_WORD + r")"
        r"(?:\s+day)?\s+of\s+(?:the\s+)?(?P<which>this|current|next|following|coming)\s+month\b",
        re.IGNORECASE,
    ), _day_of_relative_month_en),
    Rule("day_ordinal_en", re.compile(
        r"\b(?:(?P<by>by|before|until)\s+)?(?:(?P<on_bare>on\s+(?=\d))|on\s+the\s+|the\s+)(?P<day>\d{1,2}(?:st|nd|rd|th)"
        # spelled: "on the twenty-eighth"; only from the eleventh, as "the first"/"the third" are mostly not days
        r"|(?<=the\s)(?:(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|eleventh|twelfth|"
        r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth))\b"
        # "on 5th meet the CFO": "on" right before a numbered ordinal makes it a day, whatever verb follows, unless a
        # noun it counts follows ("on 3rd floor")
        r"(?(on_bare)(?=\s*(?:$|[,.;!?)]|\s(?!\s*(?:floor|fl|street|st|avenue|ave|road|rd|place|position|round|attempt|"
        r"try|page|line|item|row|level|grade|quarter|year|week|month|day|time|call|visit|meeting|batch|order|option|slot|"
        r"spot)\b)))|"
        # "by the 4th  tidy": by/before/until already makes it a day, unless a noun it counts follows ("until the 3rd round")
        r"(?(by)(?!\s+(?:floor|fl|street|st|avenue|ave|road|rd|place|position|round|attempt|try|page|line|item|row|level|"
        r"grade|quarter|year|week|month|day|time|call|visit|meeting|batch|order|option|slot|spot|phase|stage|half|part|"
        r"version|release|draft|payment|instal+ment|milestone|sprint|revision)s?\b)|"
        r"(?=\s*(?:$|[,.;!?)]|at\b|to\b|for\b|and\b|or\b|in\b|if\b|so\b|then\b|before\b|after\b|when\b|with\b|"
        r"we\b|they\b|she\b|he\b|i\b|of\s+(?:this|next|the)\s+month\b|morning|afternoon|evening|\d|"
        r"(?:works|suits|sounds|fits|on)\b))))",  # "the 18th works for Ciaran"
        re.IGNORECASE
    ), _day_ordinal_en),
    Rule("numeric_date_en", re.compile(
        r"(?<![\d/.:])(?P<first>\d{1,2})[/.](?P<second>\d{1,2})(?:[/.](?P<year>\d{4}|\d{2}))?(?![\d/:]|\.\d)"
    ), lambda m, c: None if re.search(r"[\u4e00-\u9fff]", c.text) else _numeric_date_en(m, c)),
)
# fmt: on


# The newer rules claim their spans right after `not_a_date`, before the older, looser ones.
RULES = (RULES[0], *EXTRA_RULES, *RULES[1:])


def _month_ordinal(match: re.Match[str], context: _Context) -> DateMention | None:
    """"the third Friday of next month", 下个月第一个周一, "the last day of March", 十二月的最后一天."""
    today = context.today
    which = (match.group("which") or match.group("which_zh") or match.group("which_zh2") or "").rstrip("个")
    month_said = match.group("month") or match.group("month_zh") or match.group("month_zh2")
    if which or match.group("the_month"):
        first = _add_months(today.replace(day=1), 1 if which in ("next", "下") else 0)
    elif month_said:
        number = _MONTH_EN.get(month_said.lower()[:3]) if re.match(r"[a-z]", month_said, re.I) else _number(month_said)
        if number is None or not 1 <= number <= 12:
            return None
        year = int(match.group("year")) if match.group("year") else today.year
        first = date(year, number, 1)
        if not match.group("year") and date(year, number, calendar.monthrange(year, number)[1]) < today:
            first = date(year + 1, number, 1)
    else:
        return None
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    nth = (match.group("nth") or "").lower()
    if match.group("day_word") or match.group("month_zh2") or match.group("which_zh2"):
        if nth not in ("", "last", "first", "1st"):
            return None  # "the second day of March": left to the other rules
        if match.group("the_month") and nth in ("first", "1st") and first < today:
            first = _add_months(first, 1)  # "the first day of the month", said on the 3rd: next month's
        return _mention(match, context, "month_ordinal", day=first if nth in ("first", "1st") else last)
    weekday_said = match.group("weekday") or match.group("weekday_zh")
    weekday = _weekday_index(weekday_said)
    count = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}.get(nth) or (
        _number(match.group("nth_zh") or "") or 1)

    def in_month(first: date) -> date:
        if nth == "last" or match.group("last_zh"):
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            return last - timedelta(days=(last.weekday() - weekday) % 7)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (count - 1))

    day = in_month(first)
    if match.group("the_month") and day < today:  # "the last Friday of the month", this month's gone: next month's
        day = in_month(_add_months(first, 1))
    return _mention(match, context, "month_ordinal", day=day)


def _first_weekday(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    return next((groups[name] for name in ("weekday", "weekday2", "weekday3", "weekday4") if groups.get(name)), None)


def _lunar_groups(match: re.Match[str]) -> dict[str, str | None]:
    said = match.group()
    if match.group("festival") is None and "八月十五" in said:
        return {"festival": "中秋"}
    if match.group("festival") is None and said.startswith("大年初"):
        return {"month": "正", "day": said[3:4]}
    day = match.group("day")
    if day is not None:
        day = day.removeprefix("初").replace("廿", "二十")
    return {"day": day}


class _Groups:
    """A match whose named groups can be overridden, so alternatives share one resolver."""

    def __init__(self, match: re.Match[str], **overrides: str | None):
        self._match = match
        self._overrides = overrides

    def group(self, name: int | str = 0) -> str | None:  # type: ignore[override]
        if isinstance(name, str) and name in self._overrides:
            return self._overrides[name]
        try:
            return self._match.group(name)
        except IndexError:
            return None

    def start(self) -> int:
        return self._match.start()

    def end(self) -> int:
        return self._match.end()


class _EnglishGroups(_Groups):
    """`提前一周` and "a week before" share the count/unit resolver."""

    def __init__(self, match: re.Match[str]):
        super().__init__(
            match,
            count=match.group("count") or match.group("count_en"),
            unit=match.group("unit") or match.group("unit_en"),
        )
