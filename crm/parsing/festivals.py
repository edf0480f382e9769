"""Festivals by name (妇女节, 母亲节, 清明, "Chinese New Year", "Good Friday") to their next day.

The days come from calendar libraries; only the names people use are ours (`ALIASES`, `ENGLISH`). Three kinds
come from `lunar_python`:
- festivals on a fixed Gregorian date (`SolarUtil.FESTIVAL`: 3-8 妇女节, 6-1 儿童节, 9-10 教师节, 2-14 情人节…);
- festivals on the Nth weekday of a month (`SolarUtil.WEEK_FESTIVAL`: 母亲节 is May's second Sunday, 父亲节
  June's third, 感恩节 November's fourth Thursday);
- the solar terms people keep as days (清明, 冬至), from the library's astronomy, so no year is missing.
Each is the next occurrence on or after today, like a date said without a year (tests/fixtures/dates/RULES.md).

English names (`ENGLISH`) reach the same days, the lunar festivals of `crm.parsing.lunar` ("Chinese New Year",
"Mid-Autumn Festival": the next one strictly after today, as in Chinese) and Easter with the days counted from it
("Good Friday", "Easter Monday"), from `dateutil.easter` (Western Easter), and the fixed days of the first table said
in English ("Christmas", "Christmas Eve", "New Year's Day", "Valentine's Day"), so that "the day before Christmas" is
counted from a day our rules hold (`crm.parsing.dates`).
The national holidays with a break (元旦, 五一, 国庆, 圣诞) are `date_rules`' own: 节后 means the first working
day after the break. 万圣节 is left out: the library's is 1 November (All Saints), while people mean Halloween.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter
from lunar_python import Solar
from lunar_python.util import SolarUtil

from crm.parsing.lunar import FESTIVALS as LUNAR_FESTIVALS
from crm.parsing.lunar import next_lunar, next_new_year_eve

_LEFT_OUT = {"万圣节", "万圣节前夜"}
_ON_A_DATE: dict[str, tuple[int, int]] = {
    name: (int(month), int(day))
    for key, name in SolarUtil.FESTIVAL.items()
    for month, day in [key.split("-")]
    if name not in _LEFT_OUT
}
_ON_A_WEEKDAY: dict[str, tuple[int, int, int]] = {
    name: (int(month), int(week), int(weekday))  # weekday 0 is Sunday, as the library counts
    for key, name in SolarUtil.WEEK_FESTIVAL.items()
    for month, week, weekday in [key.split("-")]
}
SOLAR_TERMS = ("清明", "冬至")
ALIASES = {"三八节": "妇女节", "三八妇女节": "妇女节", "六一儿童节": "儿童节", "八一建军节": "建军节", "清明节": "清明",
           "冬至节": "冬至", "母親節": "母亲节"}  # fmt: skip
NAMES = tuple(sorted({*_ON_A_DATE, *_ON_A_WEEKDAY, *SOLAR_TERMS, *ALIASES}, key=len, reverse=True))
_FROM_EASTER = {"easter": 0, "easter sunday": 0, "good friday": -2, "easter monday": 1, "holy thursday": -3,
                "maundy thursday": -3, "holy saturday": -1}  # fmt: skip
ENGLISH = {
    **dict.fromkeys(["chinese new year", "chinese new year's day", "lunar new year", "lunar new year's day",
                     "spring festival"], "春节"),  # not "CNY": it is the currency in a price
    **dict.fromkeys(["chinese new year's eve", "lunar new year's eve"], "除夕"),
    "lantern festival": "元宵节", "dragon boat festival": "端午节", "qixi festival": "七夕", "double ninth festival": "重阳节",
    **dict.fromkeys(["mid-autumn festival", "mid autumn festival", "moon festival", "mooncake festival"], "中秋节"),
    **dict.fromkeys(["qingming festival", "qingming", "tomb-sweeping day", "tomb sweeping day"], "清明"),
    **{name: name for name in _FROM_EASTER},
    **dict.fromkeys(["christmas", "christmas day", "xmas"], "圣诞节"), "christmas eve": "平安夜",
    **dict.fromkeys(["new year's day", "new years day", "new year"], "元旦节"), "valentine's day": "情人节",
}  # fmt: skip
ENGLISH_NAMES = tuple(sorted(ENGLISH, key=len, reverse=True))


def _nth_weekday(year: int, month: int, week: int, weekday: int) -> date:
    first = date(year, month, 1)
    python_weekday = (weekday - 1) % 7  # the library's Sunday = 0; Python's Monday = 0
    return first + timedelta(days=(python_weekday - first.weekday()) % 7 + 7 * (week - 1))


@lru_cache(maxsize=256)  # a solar term's day takes the library a few milliseconds to work out
def _on(name: str, year: int) -> date | None:
    if name in _ON_A_DATE:
        month, day = _ON_A_DATE[name]
        return date(year, month, day)
    if name in _ON_A_WEEKDAY:
        return _nth_weekday(year, *_ON_A_WEEKDAY[name])
    if name in SOLAR_TERMS:
        table = Solar.fromYmd(year, 6, 1).getLunar().getJieQiTable()  # the lunar year around mid-year: its terms
        solar = table.get(name)
        return date(solar.getYear(), solar.getMonth(), solar.getDay()) if solar is not None else None
    return None


def next_festival(name: str, today: date) -> date | None:
    """The first day on or after `today` that is the festival `name` (an alias such as 三八节 or 清明节 too, or an
    English name of `ENGLISH`); a lunar festival's is the first strictly after today, as `crm.parsing.lunar` says."""
    name = ENGLISH.get(name.lower(), name)
    name = ALIASES.get(name, name)
    if name in LUNAR_FESTIVALS:
        return next_lunar(*LUNAR_FESTIVALS[name], today)
    if name == "除夕":
        return next_new_year_eve(today)
    if name in _FROM_EASTER:
        days = [easter(year) + timedelta(days=_FROM_EASTER[name]) for year in (today.year, today.year + 1)]
        return next(day for day in days if day >= today)
    for year in (today.year, today.year + 1, today.year + 2):  # a solar term's table is its lunar year's
        day = _on(name, year)
        if day is not None and day >= today:
            return day
    return None
