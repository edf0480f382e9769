"""Lunar dates (正月初八, 大年三十, 八月十五, 中秋节…) to Gregorian days, through `lunardate`.

The next occurrence strictly after today (tests/fixtures/dates/RULES.md, "Lunar dates"). 除夕/大年三十
is the day before 正月初一, so it is 腊月二十九 in years whose twelfth month has 29 days.
"""

from __future__ import annotations

from datetime import date, timedelta

from lunardate import LunarDate

FESTIVALS: dict[str, tuple[int, int]] = {
    "春节": (1, 1), "农历新年": (1, 1), "新春": (1, 1), "大年初一": (1, 1), "元宵节": (1, 15), "元宵": (1, 15), "龙抬头": (2, 2), "二月二": (2, 2),
    "端午节": (5, 5), "端午": (5, 5), "七夕节": (7, 7), "七夕": (7, 7), "中秋节": (8, 15), "中秋": (8, 15),
    "重阳节": (9, 9), "重阳": (9, 9), "腊八节": (12, 8), "腊八": (12, 8),
}  # fmt: skip
NEW_YEAR_EVE = ("除夕", "大年三十", "年三十")


def _solar(lunar_year: int, month: int, day: int) -> date | None:
    try:
        return LunarDate(lunar_year, month, day).to_solar_date()
    except ValueError:
        return None


def next_lunar(month: int, day: int, today: date) -> date | None:
    """The first Gregorian day after `today` that is lunar `month`/`day`; None if it never exists nearby."""
    for lunar_year in range(today.year - 1, today.year + 3):
        solar = _solar(lunar_year, month, day)
        if solar is not None and solar > today:
            return solar
    return None


def next_new_year_eve(today: date) -> date | None:
    """The first 除夕 (the day before 正月初一) after `today`."""
    for lunar_year in range(today.year, today.year + 3):
        first = _solar(lunar_year, 1, 1)
        if first is not None and first - timedelta(days=1) > today:
            return first - timedelta(days=1)
    return None
