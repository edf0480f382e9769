"""Words and formats every reply shares: objection categories, days, due times, contacts, money."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from crm.parsing.dates import simplified

OBJECTION_LABELS: dict[str, tuple[str, str]] = {
    "price": ("价格", "price"),
    "competitor": ("竞争对手", "competitor"),
    "delivery": ("交付", "delivery"),
    "quality": ("质量", "quality"),
    "security": ("安全资质", "security"),
    "payment": ("付款", "payment"),
    "complexity": ("复杂度", "complexity"),
    "industry_fit": ("行业适配", "industry fit"),
    "budget": ("预算", "budget"),
    "other": ("其他顾虑", "other concern"),
}
_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def objection_label(category: str, language: str) -> str:
    """'price' -> 价格 / price."""
    zh, en = OBJECTION_LABELS.get(category, (category, category))
    return zh if language == "zh" else en


def format_day(day: date, language: str, *, today: date | None = None) -> str:
    """2026-11-25 -> 11月25日（周三） / Wed 25 Nov; the year is added when it is not `today`'s."""
    if language == "zh":
        year = f"{day.year}年" if today is not None and day.year != today.year else ""
        return f"{year}{day.month}月{day.day}日（周{_WEEKDAYS_ZH[day.weekday()]}）"
    year = f" {day.year}" if today is not None and day.year != today.year else ""
    return f"{_WEEKDAYS_EN[day.weekday()]} {day.day} {day.strftime('%b')}{year}"


_RELATIVE_DAYS = {"zh": {0: "今天", 1: "明天", -1: "昨天", 2: "后天"}, "en": {0: "today", 1: "tomorrow", -1: "yesterday"}}


def format_due(due: datetime, *, zone: ZoneInfo, language: str, now: datetime | None = None) -> str:
    """An aware due time in the user's zone: 11月25日（周三）15:00 / Wed 25 Nov 15:00.

    With `now`, nearby days are said relative to it (今天 14:00, tomorrow 09:00) and another year is named.
    """
    local = due.astimezone(zone)
    clock = f"{local:%H:%M}"
    today = now.astimezone(zone).date() if now is not None else None
    if today is not None:
        relative = _RELATIVE_DAYS["zh" if language == "zh" else "en"].get((local.date() - today).days)
        if relative:
            return f"{relative} {clock}"
    separator = "" if language == "zh" else " "
    return f"{format_day(local.date(), language, today=today)}{separator}{clock}"


def format_contact(name: str, title: str | None, department: str | None, language: str) -> str:
    """王经理（采购部） / 王磊（采购总监） / Sarah (CFO) / Mike Chen (IT Director), not "(IT, IT Director)"."""
    said_title = title and simplified(name).endswith(simplified(title))  # 王經理 says 经理 already
    if said_title:
        title = None
    if department and title and department.casefold() in title.casefold():
        department = None
    details = [part for part in (department, title) if part]
    if not details:
        return name
    if language == "zh":
        return f"{name}（{''.join(details)}）"  # 采购 + 总监: 采购总监; IT经理
    return f"{name} ({', '.join(details)})"


def format_money(value: Decimal, currency: str | None, language: str) -> str:
    """2000000 CNY -> "200万 CNY" (zh) / "2,000,000 CNY" (en); no currency -> the number alone."""
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    if language == "zh" and value >= 10_000 and value % 100 == 0:
        number = f"{(value / 10_000).normalize():f}万"
    else:
        number = f"{value:,f}"
    return f"{number} {currency}" if currency else number


def opportunity_line(
    title: str, amount: Decimal | None, currency: str | None, close: date | None, stage: str | None, language: str
) -> str:
    """One short line for an opportunity on a card: 扩容 · 200万 CNY · 预计2027-03 · negotiation."""
    parts = [title] if title else []
    if amount is not None:
        parts.append(format_money(amount, currency, language))
    if close is not None:
        parts.append(("预计" if language == "zh" else "close ") + f"{close:%Y-%m}")
    if stage:
        parts.append(stage)
    return " · ".join(parts)
