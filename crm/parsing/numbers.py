"""Chinese and Arabic numerals: 三十万 -> 300000, 两 -> 2, 一百二十 -> 120, 1.5万 -> 15000, 两万五 -> 25000.

Hand-written because Recognizers-Text's number model misses shorthand the reps say every day
(三点五万, 2万5) and merges numbers across the spaces voice-to-text puts between clauses
("三十万 2万" -> 320000). This parser reads one numeral; callers find the spans.
"""

from __future__ import annotations

import re
from decimal import Decimal

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "洞": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "贰": 2, "两": 2, "俩": 2,
    "三": 3, "叁": 3, "仨": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

CHINESE_DIGIT_CHARS = "".join(DIGITS)
NUMERAL_CHARS = CHINESE_DIGIT_CHARS + "".join(SMALL_UNITS) + "".join(BIG_UNITS) + "0123456789.点"
# A numeral as it appears in running text: starts with a digit or 十, may use units, thousands
# separators and a decimal point. Possessive, so a long run of digits costs linear time.
NUMERAL_PATTERN = (
    r"[0-9" + CHINESE_DIGIT_CHARS + r"十拾](?:[" + re.escape(NUMERAL_CHARS) + r"]|,(?=\d{3}))*+"
)
# Put before NUMERAL_PATTERN to match only at the start of a numeral, never inside one.
NUMERAL_START = r"(?<![0-9" + re.escape(NUMERAL_CHARS) + r"])"

_ARABIC = re.compile(r"\d+(?:\.\d+)?")


def parse_chinese_number(text: str) -> Decimal | None:
    """The value of one numeral (Chinese, Arabic or mixed), or None when `text` is not a numeral."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not cleaned:
        return None
    try:
        value = _parse(cleaned)
        if value is not None and value == value.to_integral_value():
            value = value.quantize(Decimal(1))  # 1.5万 -> 15000, not 15000.0
    except (ValueError, ArithmeticError, IndexError):
        return None  # not a numeral, or one beyond any amount a rep would say
    return value


def _parse(text: str) -> Decimal | None:
    for unit_char in ("亿", "億", "万", "萬"):
        if unit_char in text:
            head, _, tail = text.partition(unit_char)
            unit = BIG_UNITS[unit_char]
            head_value = _parse(head) if head else None
            if head_value is None:
                return None
            if not tail:
                return head_value * unit
            if tail[0] in "零〇":
                tail_value = _parse(tail.lstrip("零〇"))
            elif len(tail) == 1 and (tail in DIGITS or tail.isdigit()):
                tail_value = Decimal(_digit(tail)) * unit / 10  # 两万五 = 25000, 2万5 = 25000
            else:
                tail_value = _parse(tail)
            if tail_value is None or tail_value >= unit:
                return None
            return head_value * unit + tail_value
    return _parse_small(text)


def _parse_small(text: str) -> Decimal | None:
    """A numeral below 10,000, possibly with a decimal part (三点五, 1.5)."""
    if _ARABIC.fullmatch(text):
        return Decimal(text)
    whole, point, fraction = text.partition("点")
    if point:
        if not fraction or not all(ch in DIGITS or ch.isdigit() for ch in fraction):
            return None
        whole_value = _parse_small(whole) if whole else Decimal(0)
        if whole_value is None:
            return None
        return whole_value + Decimal("0." + "".join(str(_digit(ch)) for ch in fraction))
    if all(ch in DIGITS for ch in text):
        if len(text) == 1 or text[0] not in "两俩仨":
            return Decimal("".join(str(DIGITS[ch]) for ch in text))  # 二零二六 = 2026
        return None
    total = 0
    current: int | None = None
    last_unit = 0
    saw_zero = False
    position = 0
    while position < len(text):
        char = text[position]
        if char.isdigit():
            run = re.match(r"\d+", text[position:])
            assert run is not None
            current = int(run.group())
            position += len(run.group())
            continue
        if char in DIGITS:
            if current is not None and not saw_zero:
                return None  # two digits in a row without a unit: 三四百 is a range, not a number
            if DIGITS[char] == 0:
                saw_zero = True
                current = None
            else:
                current = DIGITS[char]
        elif char in SMALL_UNITS:
            unit = SMALL_UNITS[char]
            if last_unit and unit >= last_unit:
                return None
            total += (1 if current is None else current) * unit
            current = None
            last_unit = unit
            saw_zero = False
        else:
            return None
        position += 1
    if current is not None:
        if last_unit >= 100 and not saw_zero and current < 10:
            total += current * last_unit // 10  # 一百五 = 150, 三千五 = 3500
        else:
            total += current
    return Decimal(total)


def _digit(char: str) -> int:
    return DIGITS[char] if char in DIGITS else int(char)
