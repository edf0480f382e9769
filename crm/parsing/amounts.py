"""Money, percentages and discounts in a visit note: 三十万, $50k, 2万块, 八五折, 10% off, 5个点, 便宜两成.

Percentages and 折/成 come from Recognizers-Text's percentage model (run per space-separated
chunk, because it merges numbers across the spaces voice-to-text leaves: "两成 三成" -> 23%).
Money uses `numbers.parse_chinese_number` plus currency words: the recognizer's currency model
costs 15-75 ms a call, too slow for the parse budget. 个点 is ours; the recognizer does not know it.

Values: money in units of the currency; percent and discount as a fraction (0.15, not 15).
A discount is the fraction off the list price: 八五折 -> 0.15, 打八折 -> 0.20, "10% off" -> 0.10.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal, NamedTuple

from pydantic import BaseModel

from crm.parsing.numbers import NUMERAL_CHARS, NUMERAL_PATTERN, NUMERAL_START, parse_chinese_number
from crm.parsing.recognizers import CHINESE, ENGLISH, percentage_model

AmountKind = Literal["money", "percent", "discount"]


class Discount(BaseModel):
    """A requested discount: `off` is the fraction off list price (0.15 for 八五折 / 15% off / 15个点)."""

    off: Decimal
    text: str


class Amount(BaseModel):
    """A number that matters to a sale: money, a percentage (as a fraction) or a discount (fraction off)."""

    value: Decimal
    currency: str | None = None
    text: str
    kind: AmountKind


class AmountSpan(NamedTuple):
    """An amount and where it sits in the text (`end` exclusive)."""

    start: int
    end: int
    amount: Amount


def parse_discount(text: str) -> Discount | None:
    """The first discount request in `text`, or None."""
    for span in locate_amounts(text):
        if span.amount.kind == "discount":
            return Discount(off=span.amount.value, text=span.amount.text)
    return None


def find_amounts(text: str) -> list[Amount]:
    """Every amount in `text`, in order of appearance."""
    return [span.amount for span in locate_amounts(text)]


def locate_amounts(text: str) -> list[AmountSpan]:
    """Every amount in `text` with its position, in order, never overlapping."""
    if not text:
        return []
    spans = _percentages(text) + _points(text) + _money(text)
    spans.sort(key=lambda span: (span.start, -(span.end - span.start)))
    kept: list[AmountSpan] = []
    for span in spans:
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


# percentages, 折 and 成 ------------------------------------------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CHINESE_TRIGGER = re.compile(r"[折成%]|百分")
_ENGLISH_TRIGGER = re.compile(r"%|percent|per cent", re.IGNORECASE)
_NOT_PERCENT = ("一成不变", "成不变")
_DISCOUNT_BEFORE = re.compile(
    r"(?:降价?|降低|减价?|便宜|优惠|让利?|折扣|砍价?|砍|少收?|低|打折|返点?|折让|让步|"
    r"discount(?:ed)?(?: of| by)?|cut(?: the price)?(?: by)?|reduc(?:e|ed|tion)(?: of| by)?|"
    r"lower(?:ed)?(?: by)?|cheaper by|knock(?:ed)? off|save)"
    r"\s*(?:了|个|到|掉|大概|约|up to|about|around)?\s*$",
    re.IGNORECASE,
)
_DISCOUNT_AFTER = re.compile(
    r"^\s*(?:的)?(?:off\b|discount|折扣|优惠|cheaper|lower|less\b|rebate|降价|便宜)",
    re.IGNORECASE,
)
_INCREASE_BEFORE = re.compile(
    r"(?:贵|涨|高|多|增|加|提|more expensive|higher|increase[sd]?|up|raise[sd]?|growth|grew)"
    r"\s*(?:了|出|by|about|around)?\s*$",
    re.IGNORECASE,
)


def _percentages(text: str) -> list[AmountSpan]:
    found: list[AmountSpan] = []
    if _CJK.search(text) and _CHINESE_TRIGGER.search(text):
        for chunk in re.finditer(r"\S+", text):
            if _CHINESE_TRIGGER.search(chunk.group()):
                found += _run_percentage_model(text, chunk.group(), chunk.start(), CHINESE)
    if _ENGLISH_TRIGGER.search(text) and re.search(r"[A-Za-z]", text):
        english = _run_percentage_model(text, text, 0, ENGLISH)
        found += [span for span in english if not any(_overlap(span, other) for other in found)]
    return found


def _run_percentage_model(text: str, chunk: str, offset: int, culture: str) -> list[AmountSpan]:
    spans = []
    for result in percentage_model(culture).parse(chunk):
        value_text = str((result.resolution or {}).get("value", "")).rstrip("%")
        try:
            fraction = Decimal(value_text) / 100
        except ArithmeticError:
            continue
        start, end = offset + result.start, offset + result.end + 1
        said = text[start:end]
        if any(text.startswith(phrase, start) for phrase in _NOT_PERCENT):
            continue
        if said.endswith("折"):
            glued = re.search(r"[" + re.escape(NUMERAL_CHARS) + r"]+$", text[:start])
            if glued:  # 十一折: the model read only 一折; the whole number is no discount at all
                start -= len(glued.group())
                whole = parse_chinese_number(text[start : end - 1])
                if whole is None or whole < 10:
                    continue
                spans.append(AmountSpan(start, end, Amount(value=1 - Decimal(whole) / 10, text=text[start:end],
                                                           kind="discount")))
                continue
            if not 0 < fraction < 1:
                continue
            spans.append(_discount_span(text, start, end, 1 - fraction))
        else:
            spans.append(_classified_span(text, start, end, fraction))
    return spans


_POINTS = re.compile(NUMERAL_START + r"(" + NUMERAL_PATTERN + r")\s*个(百分)?点")


def _points(text: str) -> list[AmountSpan]:
    """5个点 / 三个百分点: percentage points, a discount unless said as an increase."""
    spans = []
    for match in _POINTS.finditer(text):
        value = parse_chinese_number(match.group(1))
        if value is None or not 0 < value < 100:
            continue
        start, end = match.start(), match.end()
        if _INCREASE_BEFORE.search(text[max(0, start - 16) : start]):
            spans.append(AmountSpan(start, end, Amount(value=value / 100, text=text[start:end], kind="percent")))
        else:
            spans.append(_discount_span(text, start, end, value / 100))
    return spans


def _classified_span(text: str, start: int, end: int, fraction: Decimal) -> AmountSpan:
    before = text[max(0, start - 16) : start]
    after = text[end : end + 12]
    if _INCREASE_BEFORE.search(before):
        return AmountSpan(start, end, Amount(value=fraction, text=text[start:end], kind="percent"))
    if _DISCOUNT_BEFORE.search(before) or _DISCOUNT_AFTER.search(after):
        return _discount_span(text, start, end, fraction)
    return AmountSpan(start, end, Amount(value=fraction, text=text[start:end], kind="percent"))


def _discount_span(text: str, start: int, end: int, off: Decimal) -> AmountSpan:
    """A discount, its text widened to the verb said with it (打八五折, 降价15%, 10% off)."""
    before = re.search(r"(?:打个?|降价?|便宜|优惠|让利?|折扣)\s*$", text[max(0, start - 4) : start])
    if before:
        start -= len(before.group())
    after = re.match(r"\s*(?:off\b|discount\b)", text[end:], re.IGNORECASE)
    if after:
        end += len(after.group())
    amount = Amount(value=off, text=text[start:end], kind="discount")
    return AmountSpan(start, end, amount)


# money -------------------------------------------------------------------------------------

_CURRENCY_WORDS: dict[str, str] = {
    "元": "CNY", "块钱": "CNY", "块": "CNY", "人民币": "CNY", "rmb": "CNY", "cny": "CNY",
    "yuan": "CNY", "¥": "CNY", "￥": "CNY",
    "美元": "USD", "美金": "USD", "刀": "USD", "usd": "USD", "$": "USD", "us$": "USD",
    "dollar": "USD", "dollars": "USD", "bucks": "USD",
    "欧元": "EUR", "eur": "EUR", "€": "EUR", "euro": "EUR", "euros": "EUR",
    "英镑": "GBP", "£": "GBP", "gbp": "GBP",
    "港币": "HKD", "港元": "HKD", "hkd": "HKD",
}  # fmt: skip
_SCALES: dict[str, int] = {
    "k": 1_000, "thousand": 1_000, "m": 1_000_000, "mn": 1_000_000, "mm": 1_000_000,
    "million": 1_000_000, "b": 1_000_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000,
    "w": 10_000,
}  # fmt: skip
_MONEY = re.compile(
    r"(?P<pre>US\$|\$|¥|￥|€|£|RMB|CNY|USD|EUR|HKD|GBP|人民币)?\s?"
    r"(?P<number>" + NUMERAL_START + NUMERAL_PATTERN + r")"
    r"(?:(?P<approx>[多来余])(?P<big>[万萬亿億])?)?"
    r"(?:\s?(?P<scale>thousand|million|billion|bn|mn|mm|k|m|b|w)(?![A-Za-z]))?"
    r"(?:\s?(?P<post>块钱|块|元|人民币|美元|美金|刀|欧元|英镑|港币|港元|RMB|CNY|USD|EUR|HKD|GBP|"
    r"yuan|dollars?|bucks|euros?)(?![A-Za-z]))?",
    re.IGNORECASE,
)


# Words that say a number is a count of things, not money: 两万套终端, 一万个账号, "50k seats".
_COUNTED = re.compile(
    r"\s?(?:[个套台件名家户份箱吨辆间次支瓶盒袋片架颗座栋层位笔亩斤米页]|单(?!子)|人(?![民工力])|张(?![总经工主])|"
    r"只(?![是有能要])|本(?![来身])|包(?![括含])|部(?!分)|条(?!件)|根(?!本)|批(?![下了准复])|"  # 只是, 本来, 包括 … are words
    r"平米|平方|公里|公斤|千克|"
    r"(?:users?|seats?|licen[cs]es?|units?|devices?|employees?|people|staff|accounts?|terminals?|"
    r"endpoints?|subscribers?|customers?|orders?|calls?|tickets?|transactions?|hours?|pieces?|"
    r"tons?|tonnes?|miles?|km|sq)\b)",
    re.IGNORECASE,
)
# Idioms made of a numeral: 十万火急 is "extremely urgent", 十万八千里 "miles away"; no money in either.
_NUMERAL_IDIOMS = ("十万火急", "十万八千里")
_VAGUE_BEFORE = "几数"  # 几十万, 数百万: no figure is said


def _money(text: str) -> list[AmountSpan]:
    spans = []
    for match in _MONEY.finditer(text):
        number_text = match.group("number")
        trimmed = number_text.rstrip(".点")
        value = parse_chinese_number(trimmed)
        if value is None:
            continue
        pre, scale, post = match.group("pre"), match.group("scale"), match.group("post")
        approx, big = match.group("approx"), match.group("big")
        if trimmed != number_text and (scale or post):
            continue  # "30. 万" is not one amount
        if text.startswith(_NUMERAL_IDIOMS, match.start("number")):
            continue
        if match.start("number") and text[match.start("number") - 1] in _VAGUE_BEFORE:
            continue
        chinese_scale = bool(big) or any(unit in trimmed for unit in "万萬亿億")
        if approx and not (big or post or pre or chinese_scale):
            continue  # 一百多人, 三十来岁: a count, not money (三百万来买设备 is still money)
        if not (pre or post or scale or chinese_scale):
            continue
        if not (pre or post) and _COUNTED.match(text, match.end()):
            continue
        if big:
            value *= parse_chinese_number("一" + big) or 1  # 一百多万: the stated figure, 1,000,000
        if scale:
            value *= _SCALES[scale.lower()]
        if value.adjusted() > 15:
            continue  # no deal is that large: a run of digits, not an amount
        currency_word = (post or pre or "").lower()
        currency = _CURRENCY_WORDS.get(currency_word)
        if currency is None and chinese_scale:
            currency = "CNY"
        start = match.start("pre") if pre else match.start("number")
        end = match.end() if (scale or post or big) else match.start("number") + len(trimmed)
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
        spans.append(
            AmountSpan(start, end, Amount(value=value, currency=currency, text=text[start:end], kind="money"))
        )
    return spans


def _overlap(first: AmountSpan, second: AmountSpan) -> bool:
    return first.start < second.end and second.start < first.end


def format_amount(amount: Amount) -> str:
    """20% for 涨两成, -15% for 八五折 or 便宜15%, 300000 CNY for 三十万."""
    if amount.kind in ("percent", "discount"):
        percent = (amount.value * 100).normalize()
        text = f"{percent:f}".rstrip("0").rstrip(".") if "." in f"{percent:f}" else f"{percent:f}"
        return f"-{text}%" if amount.kind == "discount" else f"{text}%"
    value = amount.value
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{value:f} {amount.currency}" if amount.currency else f"{value:f}"
