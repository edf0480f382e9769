"""Dates and times in a note, resolved against `now` in the rep's time zone.

Who handles what
----------------
Our grammar (`date_rules.RULES`, well under a millisecond a note) reads what reps say every day:
今天/明天/后天/大后天/昨天/前天/明早/今晚, 这周五/下周三/上周五/周五/星期五/礼拜五, 下下周一, 三天后/两周后/
一个月后/半个月后/一周内, 12月10号/十二月十号/2027年1月5号/明年1月10号, 下个月5号, 5号, 月底/月末/月初/月中/
12月底/3月中旬/12月份/年底, 这周(内)/下周/下礼拜/下个月/周末, 元旦/五一/国庆/圣诞, 母亲节/三八节/清明 and
"Chinese New Year"/Easter (`festivals.py`), 上午/下午/晚上 and 10点/
下午三点/两点半/4点半/10:30, 提前一周; and
today/tomorrow/yesterday/tonight, (this|next|last|on|by) Friday, "in 2 weeks", "two weeks from
now", "Dec 3"/"3rd of December"/"12/10", "in December"/"mid-December", 3pm/3:30pm/15:00/"at 3"/noon,
"at eleven thirty"/"a quarter past 3pm"/"8 tonight", "Fri, Sep 20" (the date wins over the weekday),
morning/afternoon/evening, "end of (the) month/week/day", "this/next week", "next month", "a week
before". It also knows what is not a date: 便宜一点, 每周一, 三点意见, 24/7, 1/2, "Mr. Sun".

Recognizers-Text (`recognizers_date_time`, Chinese and English models, built once per process and
cached; `recognizers.warm_up()` builds them at start) reads what our grammar does not: holidays
("by Christmas", "after Thanksgiving", "New Year"), 农历/正月 dates, "the day after", quarters.
Only those words open a window for it, and all windows of one language go in a single call. Where
our rules find nothing in a segment, the library reads that segment too and its answer wins
(`_fallback_windows`, "call Tom on Mother's Day"), minus what it gets wrong: bare numbers, years,
whole weeks or months, parts of the day alone, past days (`_fallback_mention`).
We measured it on every phrase above before deciding the split: it resolves most of them, but a
call costs a fixed ~1.5 ms (Chinese) / ~6 ms (English) plus ~0.2 ms a character - 2-3x that on
a busy machine, 25-80 ms for a whole note - and it misreads 下下周一 (as 下周一), misses 月底, 5号
and 下礼拜, resolves "in 2 weeks"/"in a week" to a range starting tomorrow, "end of month" to the
second half of the month, 半个月后 to a month later, 提前一周 to the past week, 12月底 to all of
December, reads 便宜一点 as one o'clock, offers 02:30 and 14:30 for 两点半, merges numbers across
the spaces voice-to-text leaves, and reports offsets shifted by leading spaces. Its results go
through the same conventions as ours (`_interpret`).

Conventions
-----------
* Weeks are ISO weeks (Monday-Sunday): 这周/本周 is the current one, 下周 the next, so 下周三 said
  on a Wednesday is seven days later; 下下周 two weeks on; "next Tuesday" = 下周二.
* A bare weekday (周五, "on Friday") is the next one strictly after today; dates without a year
  (12月10号, "Dec 3", 5号) the next one on or after today - dates already passed this year roll to
  next year, and one that does not exist then (2月29日 before a common February) is invalid, never
  moved - unless the clause talks about the past (拜访了, 上周五的演示, met, visited), which picks
  the last one. tests/fixtures/dates/RULES.md is the full convention; docs/dates.md the accuracy.
* Traditional characters are read as Simplified (zhconv); lunar dates and festivals (正月初八,
  除夕, 中秋节) go through lunardate (`lunar.py`); impossible dates and times (2月30日, 25点,
  "June 31st") come back with `invalid=True` when asked for (`keep_invalid`), so the rep is told.
* An hour without 上午/下午/am/pm follows business hours: 1-6 o'clock is afternoon (两点半 = 14:30),
  7-11 morning, 12 noon.
* A part of day without a clock time gets a default time and `has_time` stays False: 早上/明早
  09:00, 上午/morning 10:00, 中午/noon 12:00, 下午/afternoon 14:00, 傍晚 17:00, 晚上/evening 19:00,
  tonight 20:00, 下班前/"end of day" 17:00.
* Deadlines (前, 之前, 以前, by, before, 内) are due on the day itself, at the time said if any.
* Vague windows get a date the rep can change, `vague=True`: 这周/本周(内)/"this week" -> Friday
  of this week (today if that has passed); 下周/"next week" -> Monday of next week (its Friday
  for 下周内/"by next week"); 下个月/"next month" -> the 1st (the last day for 下个月内); 这个月 ->
  its last day; 月初 -> the 1st of next month, 月中 -> the 15th, 年底 -> 31 December; 周末 ->
  Saturday. Years (明年) are never follow-ups.
* 提前一周 / "a week before" is counted back from the nearest other date in the note (note.py).
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import zhconv

from crm.parsing.date_rules import (
    COUNTED_DAYS_ZH,
    PART_OF_DAY_TIMES,
    WEEKDAY_WORDS_EN,
    DateMention,
    apply_rules,
    business_hours,
    in_evening,
    prefers_past,
)
from crm.parsing.numbers import NUMERAL_CHARS, parse_chinese_number
from crm.parsing.recognizers import CHINESE, ENGLISH, datetime_model

log = logging.getLogger(__name__)

__all__ = ["PART_OF_DAY_TIMES", "DateMention", "business_hours", "find_dates"]

_TIMEX_PARTS = {"MO": "morning", "MI": "noon", "AF": "afternoon", "EV": "evening", "NI": "night", "DT": "afternoon"}


def find_dates(
    text: str, *, now: datetime, ignore: list[tuple[int, int]] | None = None, keep_invalid: bool = False
) -> list[DateMention]:
    """Every date/time mention in `text` in order, resolved relative to `now` (the rep's local time).

    Spans in `ignore` (amounts such as 三点五万 or 百分之十五点五) are not read as times. Impossible
    dates and times (2月30日, 25点) are left out unless `keep_invalid`, then kept with `invalid=True`.
    """
    if ignore:
        chars = list(text)
        for start, end in ignore:
            chars[start:end] = " " * (end - start)
        visible = "".join(chars)
    else:
        visible = text
    visible = _mainland_words(simplified(visible))
    mentions, masked_text = apply_rules(visible, now)
    today = now.date()
    windows = _windows(masked_text)
    fallback = _fallback_windows(masked_text, mentions, windows)
    for culture, separator in ((CHINESE, "。"), (ENGLISH, "\n")):
        spans = [(start, end) for start, end, window_culture in windows + fallback if window_culture == culture]
        for result, start, end in _recognize(masked_text, spans, culture, separator, now):
            try:
                mention = _interpret(result, visible, start, end, today, now)
            except (ValueError, ArithmeticError, LookupError, TypeError, OverflowError):
                continue  # the recognizer resolved "13点0一" to 25:01; not a date we can use
            if mention is not None and any(low <= start < high for low, high, _ in fallback):
                mention = _fallback_mention(mention, result)
            if mention is not None:
                mentions.append(mention)
    mentions.sort(key=lambda mention: (mention.start, -mention.end))
    shifted = sorted(_shift_days(_attach_deadlines(visible, mentions), visible), key=lambda mention: (mention.start, -mention.end))
    found = _merge_adjacent(shifted, visible, now)  # "the day after Christmas" now starts where "the day after" does
    return found if keep_invalid else [mention for mention in found if not mention.invalid]


def simplified(text: str) -> str:
    """Traditional characters in Simplified (禮拜一 -> 礼拜一, 週三 -> 周三, 後天 -> 后天), through zhconv.

    Character for character, so every span still indexes the text as said; a conversion that would
    change the length (a phrase table hit) is not applied.
    """
    if not re.search(r"[\u4e00-\u9fff]", text):
        return text
    converted = zhconv.convert(text, "zh-cn")
    if len(converted) == len(text):
        return converted
    return "".join(char if len(zhconv.convert(char, "zh-cn")) != 1 else zhconv.convert(char, "zh-cn") for char in text)


# Hong Kong and Cantonese wording for the same dates, each as long as its mainland word so spans still index the text
_REGIONAL = re.compile(
    r"(?<=[月年])尾|今个(?=星期|礼拜)|上昼|下昼|朝早|听日|听朝|琴日|(?<![以之今然此往而最落午前日背先事随身稍])后日(?![子常程])"
)
_MAINLAND = {
    "尾": "底", "今个": "这个",  # 月尾/年尾/六月尾 = 月底/年底/六月底; 今个礼拜五 = 这个礼拜五
    "上昼": "上午", "下昼": "下午", "朝早": "早上", "听朝": "明早",  # 上晝十點, 下晝三點, 朝早九點, 聽朝
    "听日": "明天", "琴日": "昨天", "后日": "后天",  # 聽日 (tomorrow), 琴日 (yesterday), 後日 / 大後日 (+2 / +3 days)
}  # fmt: skip


def _mainland_words(text: str) -> str:
    return _REGIONAL.sub(lambda match: _MAINLAND[match.group()], text)


# windows for the recognizer ----------------------------------------------------------------


def _recognize(
    text: str, spans: list[tuple[int, int]], culture: str, separator: str, now: datetime
) -> list[tuple[Any, int, int]]:
    """Run the recognizer once over all windows of one culture; results with positions in `text`.

    A call costs a fixed 1.5 ms (Chinese) / 6 ms (English) plus 0.2 ms a character, so the windows
    are joined with a separator the recognizer never reads across (。 / newline).
    """
    if not spans:
        return []
    pieces, offsets, cursor = [], [], 0
    for start, end in spans:
        offsets.append((cursor, start, end))
        pieces.append(text[start:end])
        cursor += end - start + len(separator)
    joined = separator.join(pieces)
    try:
        results = datetime_model(culture).parse(joined, now.replace(tzinfo=None, second=0, microsecond=0))
    except Exception:  # noqa: BLE001 - the recognizer can crash on odd input; a date is not worth a failed parse
        log.warning("the date recognizer failed on %r", joined, exc_info=True)
        return []
    found = []
    for result in results:
        said = str(getattr(result, "text", "") or "")
        position = joined.lower().find(said.lower(), max(0, int(result.start) - 2)) if said else -1
        if position < 0:
            continue
        for joined_start, start, end in offsets:
            if joined_start <= position < joined_start + (end - start):
                begin = start + position - joined_start
                found.append((result, begin, min(end, begin + len(said))))
                break
    return found


# Only words our grammar does not read send a window to the recognizer (it costs milliseconds).
_ZH_TRIGGER = re.compile(r"农历|阴历|正月|腊月|除夕|季度|上半年|下半年|晚些时候|过几天|这两天|改天")
_EN_TRIGGER = re.compile(
    r"\b(?:christmas|xmas|thanksgiving|easter|new year'?s?(?: day| eve)?|halloween|valentine'?s day|"
    r"labou?r day|independence day|memorial day|black friday|boxing day|the day after|later this week|"
    r"early next week|fortnight|q[1-4]|quarter)\b",
    re.IGNORECASE,
)
_CHUNK_BREAK = re.compile(r"[，。；;！!？?\n、,]|(?<![A-Za-z]{3}\.)(?<=[a-z]{4})\.(?=\s|$)")
_ZH_EXTEND = set(NUMERAL_CHARS) | set("上下这本大个前后之以内再")


def _windows(text: str) -> list[tuple[int, int, str]]:
    """Short spans around date-like words, each with the culture to parse it in."""
    windows: list[tuple[int, int, str]] = []
    chunk_start = 0
    for boundary in [*(m.start() for m in _CHUNK_BREAK.finditer(text)), len(text)]:
        chunk = text[chunk_start:boundary]
        if chunk.strip():
            windows += _zh_windows(chunk, chunk_start) + _en_windows(chunk, chunk_start)
        chunk_start = boundary + 1
    return windows


def _zh_windows(chunk: str, offset: int) -> list[tuple[int, int, str]]:
    triggers = [m.span() for m in _ZH_TRIGGER.finditer(chunk)]
    if not triggers:
        return []
    groups: list[list[int]] = []
    for start, end in triggers:
        if groups and start - groups[-1][1] <= 3:
            groups[-1][1] = end  # 下周三 下午3点: one phrase, even across a space
        else:
            groups.append([start, end])
    windows = []
    for start, end in groups:
        steps = 0
        while start > 0 and steps < 3 and (chunk[start - 1] in _ZH_EXTEND or chunk[start - 1] == " "):
            start -= 1
            steps += 1
        steps = 0
        while end < len(chunk) and steps < 3 and chunk[end] in _ZH_EXTEND | set("钟半分刻左右"):
            end += 1
            steps += 1
        while start < end and chunk[start] == " ":
            start += 1
        windows.append((offset + start, offset + end, CHINESE))
    return windows


def _en_windows(chunk: str, offset: int) -> list[tuple[int, int, str]]:
    if not re.search(r"[A-Za-z]", chunk):
        return []
    words = list(re.finditer(r"\S+", chunk))
    hits = sorted(
        {position for trigger in _EN_TRIGGER.finditer(chunk) for position, word in enumerate(words)
         if word.start() < trigger.end() and trigger.start() < word.end()}
    )  # fmt: skip
    if not hits:
        return []
    groups: list[list[int]] = []
    for position in hits:
        if groups and position - groups[-1][1] <= 3:
            groups[-1][1] = position
        else:
            groups.append([position, position])
    windows = []
    for first, last in groups:
        first, last = max(0, first - 3), min(len(words) - 1, last + 2)
        windows.append((offset + words[first].start(), offset + words[last].end(), ENGLISH))
    return windows


# the library's answer where our rules have none ------------------------------------------

# Words a scheduling phrase is made of; a segment without any of them is not worth a recognizer call.
_EN_TEMPORAL = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|"
    r"\b(?:today|tonight|tomorrow|yesterday|morning|afternoon|evening|noon|midnight|night|week|weekend|month|"
    r"year|day|days|hour|minute|o'?clock|am|pm|eve|christmas|easter|holiday|first|second|third|last|next|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
    re.IGNORECASE,
)
_ZH_TEMPORAL = re.compile(r"[\d" + re.escape(NUMERAL_CHARS) + r"]|[点号日月年周天早晚午时分节夜]|星期|礼拜")
# What the library reads that is not a scheduling phrase on its own: a bare number or ordinal
# ("on the 3rd floor"), a year ("model X7-2030"), a part of the day ("this morning ran long").
_BARE_NUMBER = re.compile(
    r"(?:the\s+)?\d+(?:st|nd|rd|th)?|[\d" + re.escape(NUMERAL_CHARS) + r"]+[号日]?|\d+(?:[./:-]\d+)*", re.IGNORECASE
)
_CLOCK_WORD = re.compile(r":|\d\s*(?:am|pm|a\.m\.|p\.m\.)|o'?clock|noon|midnight|half past|quarter|点|\d\s*时", re.IGNORECASE)


def _fallback_windows(
    text: str, mentions: list[DateMention], windows: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Segments where our rules found nothing and no trigger word opened a window: the library reads them.

    Spans the rules decided are not dates (greetings, 24/7, "in two years") are already blanked in
    `text`, so the library never sees them.
    """
    found = []
    chunk_start = 0
    for boundary in [*(m.start() for m in _CHUNK_BREAK.finditer(text)), len(text)]:
        start, end = chunk_start, boundary
        chunk_start = boundary + 1
        chunk = text[start:end]
        if not chunk.strip():
            continue
        if any(start <= mention.start < end or mention.start <= start < mention.end for mention in mentions):
            continue
        if any(start <= low < end for low, _, _ in windows):
            continue
        chinese = bool(re.search(r"[\u4e00-\u9fff]", chunk))
        if not (_ZH_TEMPORAL if chinese else _EN_TEMPORAL).search(chunk):
            continue
        lead = len(chunk) - len(chunk.lstrip())
        found.append((start + lead, start + len(chunk.rstrip()), CHINESE if chinese else ENGLISH))
    return found


def _fallback_mention(mention: DateMention, result: Any) -> DateMention | None:
    """The library's answer in a segment our rules left alone, when it names a schedulable moment.

    A day (Mother's Day, "the day before Christmas"), a day with a time, or a clock time said as one;
    never a bare number, ordinal or year, a whole week or month, a past day, or a part of the day
    alone (greetings, "this morning ran long"): those are for our rules to read.
    """
    said = mention.text.strip()
    if mention.invalid or mention.past or _BARE_NUMBER.fullmatch(said):
        return None  # a past day from the library ("十年前" read as a year ago) is not a visit date either
    if (mention.day is None and mention.clock is None) or mention.vague:
        return None  # a year, a part of the day alone, a whole week or month ("month over month")
    if mention.clock is not None and not _CLOCK_WORD.search(said):
        return None  # a number the library took for an hour
    kind = str(getattr(result, "type_name", "")).rsplit(".", 1)[-1]
    return replace(mention, rule=f"library-fallback:{kind}" + mention.rule.partition("recognizer:" + kind)[2])


# resolving recognizer results -------------------------------------------------------------

_WITHIN_AFTER = re.compile(r"^\s*(?:之内|以内|内)")
_WITHIN_BEFORE = re.compile(r"(?:\bwithin|\bby|\bbefore|\buntil|\bthrough|\bend of)\s*(?:the\s+)?$", re.IGNORECASE)
_DATE_VALUE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$")
_TIME_VALUE = re.compile(r"^(\d{2}):(\d{2}):(\d{2})$")


def _interpret(result: Any, text: str, start: int, end: int, today: date, now: datetime) -> DateMention | None:
    """Turn one recognizer result into a mention, applying our conventions."""
    kind = str(getattr(result, "type_name", "")).rsplit(".", 1)[-1]
    values = list((getattr(result, "resolution", None) or {}).get("values") or [])
    if not values:
        return None
    said = text[start:end]
    if kind in ("duration", "set") or said.strip() in ("一点", "一点点"):
        return None  # 便宜一点 is "a bit cheaper", not one o'clock
    timex = str(values[0].get("timex", ""))
    past = prefers_past(text, start, end)
    base = DateMention(start=start, end=end, text=said, day=None, rule=f"recognizer:{kind}")
    if kind == "date":
        day = _pick_day([_parse_day(v.get("value")) for v in values], today, past)
        if day is None:
            return None
        return replace(base, day=day, past=day < today)
    if kind == "time":
        clock = _pick_clock(values)
        if clock is None:
            return None
        return replace(base, clock=clock, granularity="time", rule=base.rule + _business_note(values))
    if kind == "datetime":
        moments = [_parse_moment(v.get("value")) for v in values]
        moments = [m for m in moments if m is not None]
        if not moments:
            return None
        day = _pick_day([m.date() for m in moments], today, past)
        clock = _pick_clock([{"value": m.strftime("%H:%M:%S")} for m in moments if m.date() == day])
        if clock == time(23, 59, 59):
            return replace(base, day=day, part_of_day="end_of_day", past=day < today if day else False)
        return replace(base, day=day, clock=clock, past=day < today if day else False,
                       rule=base.rule + _business_note(values))  # fmt: skip
    if kind == "timerange":
        part = _part_of_day(timex)
        if part is None:
            return None
        return replace(base, part_of_day=part, granularity="time")
    if kind == "datetimerange":
        part = _part_of_day(timex)
        starts = [_parse_moment(v.get("start")) for v in values]
        ends = [_parse_moment(v.get("end")) for v in values]
        if part is None:
            if str(values[0].get("Mod")) == "before" and ends[0] is not None:
                moment = ends[0]
                if moment.time() == time(23, 59, 59):
                    return replace(base, day=moment.date(), part_of_day="end_of_day", deadline=True)
                return replace(base, day=moment.date(), clock=moment.time(), deadline=True)
            return None
        days = [moment.date() for moment in starts if moment is not None]
        day = _pick_day(days, today, past)
        if day is None:
            return None
        return replace(base, day=day, part_of_day=part, past=day < today)
    if kind == "daterange":
        return _interpret_range(base, values, timex, text, today, past)
    return None


def _interpret_range(
    base: DateMention, values: list[dict], timex: str, text: str, today: date, past: bool
) -> DateMention | None:
    mod = str(values[0].get("Mod") or "")
    within = bool(_WITHIN_AFTER.match(text[base.end :]) or _WITHIN_BEFORE.search(text[max(0, base.start - 12) : base.start]))
    if re.fullmatch(r"XXXX-WXX-\d", timex):  # "by Friday": a weekday with a 'before' modifier
        weekday = int(timex[-1])
        day = today + timedelta(days=(weekday - 1 - today.weekday()) % 7)
        if past:
            day -= timedelta(days=7)
        return replace(base, day=day, deadline=mod == "before", past=day < today)
    holiday = re.fullmatch(r"XXXX-(\d{2})-(\d{2})", timex)
    if holiday and mod in ("before", "after", ""):  # "by Christmas", "after Christmas"
        moments = [_parse_day(v.get("start") if mod == "after" else v.get("end")) for v in values]
        day = _pick_day(moments, today, past)
        if day is None:
            return None
        if mod == "after":
            return replace(base, day=day + timedelta(days=1), vague=True, past=day < today)
        return replace(base, day=day, deadline=mod == "before", past=day < today)
    week = re.fullmatch(r"(\d{4})-W(\d{2})(-WE)?", timex)
    if week:
        monday = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        if week.group(3):  # 周末 / weekend
            return replace(base, day=max(today, monday + timedelta(days=5)), vague=True, granularity="week",
                           rule=base.rule + "+weekend")  # fmt: skip
        this_monday = today - timedelta(days=today.weekday())
        if monday < this_monday:
            return replace(base, day=monday, granularity="week", vague=True, past=True)
        if monday == this_monday or within:
            day = max(today, monday + timedelta(days=4))
            return replace(base, day=day, granularity="week", vague=True, rule=base.rule + "+week_friday")
        return replace(base, day=monday, granularity="week", vague=True, rule=base.rule + "+week_monday")
    month = re.fullmatch(r"(\d{4})-(\d{2})", timex)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        first = date(year, number, 1)
        last = date(year, number, calendar.monthrange(year, number)[1])
        if last < today:
            return replace(base, day=first, granularity="month", vague=True, past=True)
        if mod == "start":
            return replace(base, day=max(today, first), granularity="month", vague=True, rule=base.rule + "+month_start")
        if first <= today or within:
            return replace(base, day=max(today, last), granularity="month", vague=True, rule=base.rule + "+month_last")
        return replace(base, day=first, granularity="month", vague=True, rule=base.rule + "+month_first")
    if re.fullmatch(r"\d{4}", timex):
        return replace(base, day=None, granularity="year", vague=True)
    return None


def _pick_day(days: list[date | None], today: date, past: bool) -> date | None:
    known = sorted({day for day in days if day is not None})
    if not known:
        return None
    if len(known) == 1:
        return known[0]
    if past:
        earlier = [day for day in known if day < today]
        return earlier[-1] if earlier else known[0]
    later = [day for day in known if day >= today]
    return later[0] if later else known[-1]


def _pick_clock(values: list[dict]) -> time | None:
    clocks = []
    for value in values:
        match = _TIME_VALUE.match(str(value.get("value", "")))
        if match:
            clocks.append(time(int(match.group(1)), int(match.group(2))))
    if not clocks:
        return None
    if len(set(clocks)) == 1:
        return clocks[0]
    return business_hours(min(clocks))


def _business_note(values: list[dict]) -> str:
    return "+business_hours" if len({str(v.get("value", ""))[-8:] for v in values}) > 1 else ""


def _part_of_day(timex: str) -> str | None:
    match = re.search(r"T(MO|MI|AF|EV|NI|DT)$", timex)
    return _TIMEX_PARTS[match.group(1)] if match else None


def _parse_day(value: Any) -> date | None:
    match = _DATE_VALUE.match(str(value or ""))
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _parse_moment(value: Any) -> datetime | None:
    match = _DATE_VALUE.match(str(value or ""))
    if not match:
        return None
    try:
        return datetime(*(int(group or 0) for group in match.groups()))  # type: ignore[misc]
    except ValueError:
        return None


# combining mentions ------------------------------------------------------------------------

_DEADLINE_AFTER = re.compile(r"^\s*(?:之前|以前|前|为止|截止|before)")
_DEADLINE_BEFORE = re.compile(r"(?:\bby|\bbefore|\bno later than|\buntil|\bdue)\s*(?:the\s+|on\s+)?$", re.IGNORECASE)


def _attach_deadlines(text: str, mentions: list[DateMention]) -> list[DateMention]:
    marked = []
    for mention in mentions:
        deadline = mention.deadline or mention.text.rstrip().endswith(("前", "之前", "以前"))
        deadline = deadline or mention.text.lower().startswith(("by ", "before "))
        after = _DEADLINE_AFTER.match(text[mention.end :])
        if after:
            deadline = True
            mention = replace(mention, end=mention.end + len(after.group()), text=text[mention.start : mention.end + len(after.group())])
        if _DEADLINE_BEFORE.search(text[max(0, mention.start - 16) : mention.start]):
            deadline = True
        marked.append(replace(mention, deadline=deadline))
    return marked


_SHIFT_BEFORE_EN = re.compile(
    r"\b(?:(?:the\s+)?(?P<count>\d+|an?|one|two|three|four|five|six|seven|ten|the)\s+(?P<unit>days?|weeks?)"
    r"|(?<!few\s)(?<!couple\s)(?<!every\s)(?<!each\s)(?<!any\s)(?<!same\s)(?<!that\s)(?<!this\s)(?<!whole\s)"
    r"(?P<unit_alone>day|week))\s+$",
    re.IGNORECASE,
)


def _shift_days(mentions: list[DateMention], text: str) -> list[DateMention]:
    """圣诞节前一天, 12月20号前两天, "three days before the 20th", "the day before Friday": the day moved by the
    count said, never the named day itself."""
    shifted = []
    for mention in mentions:
        if mention.day is None or mention.offset is not None:
            shifted.append(mention)
            continue
        said = mention.text.rstrip()
        after = text[mention.end :]
        zh_direction = -1 if said.endswith("前") else 1 if said.endswith("后") else 0
        if not zh_direction and (before_or_after := re.match(r"(?:之|以)?([前后])", after)):
            zh_direction = -1 if before_or_after.group(1) == "前" else 1
            after = after[before_or_after.end() :]
        zh = COUNTED_DAYS_ZH.match(after) if zh_direction else None
        lead = text[max(0, mention.start - 30) : mention.start]
        en_direction = -1 if re.match(r"before\b", said, re.IGNORECASE) else 1 if re.match(r"after\b", said, re.IGNORECASE) else 0
        if not en_direction and re.search(r"\b(?:before|after)\s+$", lead, re.IGNORECASE):
            en_direction = -1 if re.search(r"\bbefore\s+$", lead, re.IGNORECASE) else 1
            lead = re.sub(r"\s*\b(?:before|after)\s+$", " ", lead, flags=re.IGNORECASE)
        en = _SHIFT_BEFORE_EN.search(lead) if en_direction else None
        if en and any(other.offset is not None and other.end > max(0, mention.start - 30) + en.start() and other.start < mention.start
                      for other in mentions):  # fmt: skip
            en = None  # "two weeks before Friday": already an offset from Friday (before_reference)
        if zh:
            count = parse_chinese_number(zh.group("count")) if not zh.group("count").isdigit() else int(zh.group("count"))
            days = int(count or 0) * (1 if zh.group("unit") == "天" else 7) * zh_direction
            end = mention.end + (len(text[mention.end :]) - len(after)) + zh.end()
            mention = replace(mention, day=mention.day + timedelta(days=days), end=end, text=text[mention.start : end],
                              deadline=False, rule=mention.rule + "+shift")  # fmt: skip
        elif en:
            word = (en.group("count") or "one").lower()  # "day before Christmas": one day
            count = 1 if word in ("a", "an", "one", "the") else int(word) if word.isdigit() else _EN_COUNTS[word]
            days = count * (1 if (en.group("unit") or en.group("unit_alone")).lower().startswith("day") else 7) * en_direction
            start = mention.start - (len(text[max(0, mention.start - 30) : mention.start]) - en.start())
            mention = replace(mention, day=mention.day + timedelta(days=days), start=start, text=text[start : mention.end],
                              deadline=False, rule=mention.rule + "+shift")  # fmt: skip
        shifted.append(mention)
    return shifted


_EN_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}


_NIGHT_WORD = re.compile(r"\s*(?:晚上|夜里|半夜|深夜|午夜|晚)")
_DATE_RULES = ("rule:month_day", "rule:numeric_date", "rule:iso_date", "rule:day_of_month")
_WEEKDAY = re.compile(
    r"(?:(?:on|this|next)\s+)?(?:" + WEEKDAY_WORDS_EN + r")\.?|(?:这|本|下)?(?:周|星期|礼拜)[一二三四五六日天]", re.IGNORECASE
)  # a weekday said alone, the way it is said beside a date (_DATE_RULES: the rules that read a calendar date)
_ENDS_WITH_WEEKDAY = re.compile(r"(?:^|(?<=[\s,，]))(?:" + _WEEKDAY.pattern + r")\s*$", re.IGNORECASE)  # "7:30 PM on Fri"
# a few words of one sentence between a day and a clock time (跟王经理, " I'll meet Sarah at "); no sentence end, no
# "另外"/"also" starting another matter
_SAME_SENTENCE_GAP = re.compile(
    r"(?![^。！？!?；;\n]*(?:另外|还有|其他|\balso\b|\band then\b|\.\s))[^。！？!?；;\n]{1,24}", re.IGNORECASE
)


def _merge_adjacent(mentions: list[DateMention], text: str, now: datetime) -> list[DateMention]:
    """Join a day with the time said next to it (下周三 下午3点, "3pm tomorrow", 今晚八点, "ten tonight",
    "in the evening at 8"), drop overlaps, place bare times."""
    merged: list[DateMention] = []
    for mention in mentions:
        if merged and mention.start < merged[-1].end:
            continue  # overlapping: the rule or the earlier, longer reading wins
        previous = merged[-1] if merged else None
        gap = text[previous.end : mention.start] if previous else ""
        if (
            previous is not None
            and previous.rule.startswith(_DATE_RULES)
            and previous.clock is None
            and _WEEKDAY.fullmatch(mention.text.strip())
            and re.fullmatch(r"\s*[（(]\s*", gap)
            and (closing := re.match(r"\s*[）)]", text[mention.end :]))
        ):  # 1月6日（周三）: the weekday only confirms the date
            end = mention.end + closing.end()
            merged[-1] = replace(previous, end=end, text=text[previous.start : end])
            continue
        if (
            previous is not None
            and previous.rule.startswith((*_DATE_RULES, "rule:relative_day"))
            and previous.clock is None
            and previous.day is not None
            and mention.day is not None
            and (said := _WEEKDAY.match(mention.text)) is not None
            and not re.match(r"(?:next|下)", said.group().strip(), re.IGNORECASE)
            and mention.day.weekday() == previous.day.weekday()
            and re.fullmatch(r"\s*[,，]?\s*", gap)
        ):  # 1月22日 周五 10:00, 后天礼拜天上午十点: the weekday confirms the day, the time belongs to it
            merged[-1] = replace(previous, end=mention.end, text=text[previous.start : mention.end], clock=mention.clock,
                                 part_of_day=mention.part_of_day, rule=previous.rule + "+" + mention.rule)  # fmt: skip
            continue
        if (
            previous is not None
            and previous.day is not None
            and _ENDS_WITH_WEEKDAY.search(previous.text)
            and mention.rule.startswith(_DATE_RULES)
            and mention.clock is None
            and mention.day is not None
            and not mention.invalid
            and re.fullmatch(r"\s*[,，]?\s*(?:the\s+)?", gap, re.IGNORECASE)
        ):  # "Fri, Sep 20", 周五，3月8号: the date says which Friday
            merged[-1] = replace(previous, day=mention.day, end=mention.end, text=text[previous.start : mention.end],
                                 past=mention.past, rule=previous.rule + "+" + mention.rule)  # fmt: skip
            continue
        if (
            previous is not None
            and previous.day is not None
            and previous.granularity == "day"
            and previous.clock is None
            and mention.day is None
            and mention.granularity == "time"
            and not mention.invalid
            and re.fullmatch(r"[\s的,，·]{0,3}|\s*(?:at|@|for|by|from)\s*", gap)
        ):
            day, clock = previous.day, mention.clock
            if clock is not None:
                day, clock = in_evening(day, clock, previous.part_of_day)
                if clock.hour == 0 and previous.part_of_day is None and _NIGHT_WORD.match(mention.text):
                    day += timedelta(days=1)  # 周五晚上12点, 今天夜里十二点: the midnight that ends that day, as 明晚12点
            merged[-1] = replace(
                previous,
                day=day,
                end=mention.end,
                text=text[previous.start : mention.end],
                clock=clock,
                part_of_day=mention.part_of_day if clock is None else None,
                deadline=previous.deadline or mention.deadline,
                rule=previous.rule + "+" + mention.rule,
            )
            continue
        if (
            previous is not None
            and previous.day is None
            and previous.granularity == "time"
            and previous.offset is None
            and not previous.invalid
            and mention.day is not None
            and mention.granularity == "day"
            and mention.clock is None
            and re.fullmatch(r"\s*(?:on\s+|of\s+(?:the\s+)?|,\s*)?", gap, re.IGNORECASE)  # "the morning of the 9th"
        ):
            day, clock = mention.day, previous.clock
            if clock is not None:
                day, clock = in_evening(day, clock, mention.part_of_day)
            merged[-1] = replace(
                mention,
                day=day,
                start=previous.start,
                text=text[previous.start : mention.end],
                clock=clock,
                part_of_day=previous.part_of_day if clock is None else mention.part_of_day,
                deadline=previous.deadline or mention.deadline,
                rule=mention.rule + "+" + previous.rule,
            )
            continue
        if (
            previous is not None
            and previous.day is None
            and mention.day is None
            and previous.granularity == mention.granularity == "time"
            and not (previous.invalid or mention.invalid)
            and (previous.clock is None) != (mention.clock is None)
            and re.fullmatch(r"\s*(?:at|@)?\s*", gap, re.IGNORECASE)
        ):  # "in the evening at 8", "8 in the evening"
            part = previous.part_of_day if previous.clock is None else mention.part_of_day
            clock = mention.clock if previous.clock is None else previous.clock
            placed_day, clock = in_evening(now.date(), clock, part)  # type: ignore[arg-type]
            merged[-1] = replace(previous, end=mention.end, text=text[previous.start : mention.end], clock=clock,
                                 part_of_day=None, rule=previous.rule + "+" + mention.rule,
                                 day=placed_day if placed_day != now.date() else None)  # fmt: skip
            continue
        if (
            previous is not None
            and previous.day is not None
            and previous.day > now.date()
            and previous.granularity == "day"
            and previous.clock is None
            and previous.offset is None
            and not (previous.vague or previous.past or previous.deadline)
            and mention.day is None
            and mention.granularity == "time"
            and mention.clock is not None
            and not mention.invalid
            and _SAME_SENTENCE_GAP.fullmatch(gap)
            and not previous.text.endswith(".")  # "on Monday. Call Sarah at 3pm": the full stop went with the day
        ):  # 明天跟王经理下午三点见面, "tomorrow I'll meet Sarah at 3pm": the clock is that day's, one follow-up
            day, clock = in_evening(previous.day, mention.clock, previous.part_of_day)
            merged[-1] = replace(mention, day=day, clock=clock, part_of_day=None,
                                 deadline=mention.deadline, rule=previous.rule + "+" + mention.rule + "+same_sentence")  # fmt: skip
            continue
        merged.append(mention)
    placed = []
    for mention in merged:
        if mention.day is None and mention.granularity == "time" and not mention.invalid:
            if prefers_past(text, mention.start, mention.end):  # 下午三点跟李总开了会: what happened today, no reminder
                placed.append(replace(mention, day=now.date(), past=True, rule=mention.rule + "+time_only+past"))
                continue
            clock = mention.clock or PART_OF_DAY_TIMES.get(mention.part_of_day or "", time(9, 0))
            day = now.date()
            said_as_part = mention.clock is None or mention.rule == "rule:part_of_day"  # 中午 reads as 12:00
            if said_as_part and clock <= now.time().replace(tzinfo=None) and not _STILL_TO_COME.search(
                text[mention.end : mention.end + 12]
            ):  # 下午去中连重工 见了… said at 16:50: the afternoon under way or over is this visit's, not tomorrow's
                placed.append(replace(mention, day=day, past=True, rule=mention.rule + "+time_only+begun"))
                continue
            if clock <= now.time().replace(tzinfo=None):
                day += timedelta(days=1)
            mention = replace(mention, day=day, rule=mention.rule + "+time_only")
        elif mention.day == now.date() and not mention.past and _passed_today(mention, now) and prefers_past(
            text, mention.start, mention.end
        ):  # 今天上午已经去过了 said at 17:30, 今天去哈药那边唠了一下: what happened today, no reminder
            mention = replace(mention, past=True, rule=mention.rule + "+past")
        placed.append(mention)
    return placed


# 下午再去一趟, 晚上还要开会, "this evening I'll call": a part of the day under way, and something still to do in it
_STILL_TO_COME = re.compile(r"^[^，。,.;；]*?(?:再|还要|还得|要|准备|待会|等会|一会|晚点|\bwill\b|'ll|\bgoing to\b|\blater\b)",
                            re.IGNORECASE)  # fmt: skip


def _passed_today(mention: DateMention, now: datetime) -> bool:
    """Whether the time or part of today the mention names is over (today said alone: it has begun)."""
    if mention.clock is None and mention.part_of_day is None:
        return mention.granularity == "day"
    clock = mention.clock or PART_OF_DAY_TIMES.get(mention.part_of_day or "")
    return clock is not None and clock <= now.time().replace(tzinfo=None)
