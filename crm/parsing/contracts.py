"""Contract items in a visit note: a contract of ours that expires, was renewed or was signed.

"合同明年3月到期" said in Dec 2026 -> end 2027-03-31, expiring; "their contract ends June 30" ->
the next June 30; "续签了三年 到2029年底" -> end 2029-12-31, renewed; "上周签了合同" -> signed, end
unknown. How a note is read (pure, deterministic):
1. The note is cut into topics as the opportunity reader cuts it (另外, 还有, "also", sentence ends).
2. A topic is a contract item when it holds a contract cue and an event: renewed (续签了, 续了两年,
   "renewed"), signed (签了/签的 with 合同 or a number, "signed the contract"), or expiring (到期,
   "ends", "expires"). An intention (要续, "want to renew") stays expiring; a planned signing (下周签)
   is nothing; a customer's contract with a competitor (友商, "with Siemens") is not ours.
3. The end: a year said with 到/through (到2029年底, "through 2028") -> 31 December; else a day
   (3月15号, "June 30"); else a month or period (明年3月, 年底, 下个月, "end of March") -> its last
   day. A renewal's term (续了两年) is added to an old end the note states (原来的合同6月到期).
4. The number after 合同号/合同编号/"contract number", for the first item.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

from crm.parsing.dates import DateMention, find_dates
from crm.parsing.numbers import parse_chinese_number
from crm.parsing.opportunities import PLANNED_SIGNING, _periods, _topics

Event = Literal["expiring", "renewed", "signed"]


class ProposedContract(BaseModel):
    """A contract item read from a note, for the rep to confirm: Save records it."""

    number: str | None = None
    end: date | None = None
    event: Event
    text: str = ""  # the words it was read from


_CONTRACT = re.compile(r"合同|协议|续签|续约|续了|\b(?:contract|agreement|subscription|renew\w*)\b", re.IGNORECASE)
_RENEWED = re.compile(
    r"(?<![要想准备打算])(?:续签了|续了|已续签|已经续|续约了|续好了)|"
    r"(?<!to )(?<!want to )\b(?:renewed|have renewed|has renewed|signed the renewal|renewal (?:was |is )?signed)\b|"
    r"续约(?:合同)?(?:签了|已签|签好了)",
    re.IGNORECASE,
)
_SIGNED = re.compile(r"(?<!下周)(?<!明天)(?<!要)(?:签了|签的|已签|签好了|签完了|签下)|\bsigned\b", re.IGNORECASE)
_EXPIRING = re.compile(r"到期|过期|(?:结束|截止)|\b(?:expir\w*|ends?|ending|runs? out|up for renewal)\b", re.IGNORECASE)
# "their MES contract with Siemens", "现在用友商的系统 合同明年6月到期": someone else's contract, in the contract's own clause
_COMPETITOR = re.compile(
    r"友商|竞品|竞争对手|对手|\bwith (?!(?:us|our|the|a|an|them|their|him|her|you|it|this|that|its|his|my)\b)[a-z][\w&-]+",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?:合同号|合同编号|编号|\bcontract (?:number|no\.?|#))\s*[:：是为]?\s*(?P<number>[A-Za-z]{1,8}[-_]?\d[\w-]*\d|\d{4,}[\w-]*)",
    re.IGNORECASE,
)
_YEAR_END = re.compile(
    r"(?:到|至|延到|through|until|till|to|into|end of|end)\s*(?P<year>20\d\d)\s*(?:年\s*(?:底|末|年底)?|\b)(?!\s*年?\s*\d{1,2}\s*月)"
    r"|(?P<year2>20\d\d)\s*年\s*(?:底|末)",
    re.IGNORECASE,
)
_NEXT_MONTH_NAME = re.compile(
    r"\b(?:next|this|in|on|by)\s+(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_THIS_YEAR = re.compile(r"今年(?:年底|底|内)?(?=\s*到期|\s*结束)|\b(?:expires?|ends?|ending) this year\b", re.IGNORECASE)
_TERM = re.compile(
    r"续(?:签)?了?\s*(?P<zh>[一二两三四五六七八九十\d]+)\s*年|"
    r"\brenewed (?:for )?(?P<en>one|two|three|four|five|\d+) (?:more )?years?\b",
    re.IGNORECASE,
)
_OLD_END = re.compile(r"原来的|原合同|旧合同|到期|\b(?:old|previous|current) contract\b", re.IGNORECASE)
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def find_contracts(text: str, *, now: datetime, mentions: Sequence[DateMention] | None = None) -> list[ProposedContract]:
    """The contract items a note mentions (at most one per event), first one with the number said."""
    if not text or not _CONTRACT.search(text):
        return []
    if mentions is None:
        mentions = find_dates(text, now=now)
    found: list[ProposedContract] = []
    for start, end in _topics(text):
        topic = text[start:end]
        if not _CONTRACT.search(topic) or _COMPETITOR.search(_clause_around(topic, _CONTRACT.search(topic).start())):
            continue
        event = _event(topic)
        if event is None or any(item.event == event for item in found):
            continue
        cue = start + _CONTRACT.search(topic).start()  # type: ignore[union-attr]
        day = None
        if event != "signed":  # the date said with the contract, not 今天 earlier in the topic
            day = _end(text, cue, end, now=now, mentions=mentions) or _end(
                text, max(start, cue - 12), end, now=now, mentions=mentions)  # fmt: skip
        if event == "renewed":
            day = _renewed_end(topic, day)
        found.append(ProposedContract(end=day, event=event, text=topic.strip()))
    number = _NUMBER.search(text)
    if found and number:
        found[0] = found[0].model_copy(update={"number": number.group("number").upper()})
    return found


def _clause_around(topic: str, position: int) -> str:
    """The comma-separated part of the topic around `position`, with the part before it ("现在用友商的系统，合同…")."""
    starts = [0, *(match.end() for match in re.finditer(r"[，,;；]", topic[:position]))]
    end = re.search(r"[，,;；]", topic[position:])
    return topic[starts[-2] if len(starts) > 1 else 0 : position + end.start() if end else len(topic)]


def _event(topic: str) -> Event | None:
    if _RENEWED.search(topic):
        return "renewed"
    signed = _SIGNED.search(topic)
    if signed and (re.search(r"合同|协议|\b(?:contract|agreement)\b", topic, re.IGNORECASE) or _NUMBER.search(topic)):
        return "signed"
    planned = PLANNED_SIGNING.search(topic)  # "will sign the contract end of January": that "end" is no contract's end
    expiring = [word for word in _EXPIRING.finditer(topic) if not (planned and word.group().lower() == "end")]
    if expiring and re.search(r"合同|协议|\b(?:contract|agreement|subscription|licen[cs]e)\b", topic, re.IGNORECASE):
        return "expiring"
    return None


def _end(text: str, start: int, end: int, *, now: datetime, mentions: Sequence[DateMention]) -> date | None:
    today = now.date()
    year = _YEAR_END.search(text, start, end)
    if year:
        return date(int(year.group("year") or year.group("year2")), 12, 31)
    inside = [m for m in mentions if start <= m.start < end and m.day is not None and not m.past and m.day > today]
    for mention in inside:
        if mention.granularity == "day" and not mention.vague:
            return mention.day
    periods = [p for p in _periods(text, start, end, today) if not p.past]
    if periods:
        return _month_end(periods[0].month)
    for mention in inside:
        if mention.granularity == "month":
            return _month_end(mention.day)  # type: ignore[arg-type]
    named = _NEXT_MONTH_NAME.search(text, start, end)
    if named:  # "expires next March": the next March not over yet
        month = _MONTHS.index(named.group("month").lower()) + 1
        return _month_end(date(today.year if month >= today.month else today.year + 1, month, 1))
    if _THIS_YEAR.search(text, start, end):
        return date(today.year, 12, 31)
    return None


def _renewed_end(topic: str, stated: date | None) -> date | None:
    term = _TERM.search(topic)
    if term is None or stated is None:
        return stated
    before = topic[: term.start()]
    if not _OLD_END.search(before):
        return stated  # 续签了三年 到2029年底: the date said is the new end
    years = _EN_NUMBERS.get((term.group("en") or "").lower()) or int(parse_chinese_number(term.group("zh") or term.group("en")) or 0)
    try:
        return stated.replace(year=stated.year + years)
    except ValueError:  # 29 February
        return stated.replace(year=stated.year + years, day=28)


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def read_new_end(text: str, *, now: datetime) -> tuple[date | None, str]:
    """The new end date said for a renewal: (day, "") — a month means its last day, 2028年底 the 31st of
    December; (None, words) when the words name no possible date (2月30日); (None, "") when none is said."""
    year = _YEAR_END.search(text)
    if year:
        return date(int(year.group("year") or year.group("year2")), 12, 31), ""
    for mention in find_dates(text, now=now, keep_invalid=True):
        if mention.invalid:
            return None, mention.text
        if mention.day is None:
            continue
        if mention.granularity == "month":
            return _month_end(mention.day), ""
        if mention.granularity == "day" and not mention.vague:
            return mention.day, ""
    return None, ""
