"""Past periods in questions: 上周 / last week, 这个月 / this month, 最近10天 / past 10 days."""

from __future__ import annotations

import re
from datetime import date, timedelta

from pydantic import BaseModel

from crm.parsing.numbers import NUMERAL_PATTERN, parse_chinese_number


class Period(BaseModel):
    """Days from `start` to `end` inclusive, with how to say it."""

    start: date
    end: date
    zh: str
    en: str

    def label(self, language: str) -> str:
        """The period in the language."""
        return self.zh if language == "zh" else self.en


_DAYS = re.compile(r"(?:最近|近|过去)\s*(" + NUMERAL_PATTERN + r")\s*天|(?:past|last)\s+(\d+)\s+days", re.I)


def period_in(text: str, today: date) -> Period | None:
    """The past period a question names, or None."""
    lowered = text.lower()
    monday = today - timedelta(days=today.weekday())
    first_of_month = today.replace(day=1)
    if match := _DAYS.search(text):
        value = parse_chinese_number(match.group(1) or match.group(2))
        count = max(1, min(int(value or 7), 366))
        return Period(start=today - timedelta(days=count - 1), end=today, zh=f"最近{count}天", en=f"the past {count} days")
    if re.search(r"上上(?:个)?(?:周|星期|礼拜)", text) or "week before last" in lowered:
        start = monday - timedelta(days=14)
        return Period(start=start, end=start + timedelta(days=6), zh="上上周", en="the week before last")
    if re.search(r"上(?:个)?(?:周|星期|礼拜)", text) or "last week" in lowered:
        start = monday - timedelta(days=7)
        return Period(start=start, end=start + timedelta(days=6), zh="上周", en="last week")
    if re.search(r"[这本](?:个)?(?:周|星期|礼拜)", text) or "this week" in lowered:
        return Period(start=monday, end=today, zh="本周", en="this week")
    if re.search(r"上(?:个)?月", text) or "last month" in lowered:
        end = first_of_month - timedelta(days=1)
        return Period(start=end.replace(day=1), end=end, zh="上个月", en="last month")
    if re.search(r"[这本](?:个)?月", text) or "this month" in lowered:
        return Period(start=first_of_month, end=today, zh="本月", en="this month")
    if "昨天" in text or "yesterday" in lowered:
        day = today - timedelta(days=1)
        return Period(start=day, end=day, zh="昨天", en="yesterday")
    if "今天" in text or "today" in lowered:
        return Period(start=today, end=today, zh="今天", en="today")
    if re.search(r"最近|近期|recent|lately", text, re.I):
        return Period(start=today - timedelta(days=13), end=today, zh="最近两周", en="the past two weeks")
    return None
