"""Money and percentages: exact Decimal arithmetic, currency-aware rounding, display per language.

Amounts are `Decimal` end to end; nothing here ever touches a float. Rounding happens once, where
a price is quoted (`round_money`), with ROUND_HALF_UP as on an invoice.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

Currency = Literal["CNY", "USD"]

CURRENCY_DECIMALS: dict[str, int] = {"CNY": 2, "USD": 2}
_SYMBOLS_ZH: dict[str, str] = {"CNY": "¥", "USD": "US$"}
HUNDRED = Decimal(100)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's minor unit (2 places for CNY and USD)."""
    exponent = Decimal(1).scaleb(-CURRENCY_DECIMALS[currency])
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """'¥12,345.00' / 'US$1,200.00' in Chinese; 'CNY 12,345.00' / 'USD 1,200.00' in English."""
    rounded = round_money(amount, currency)
    sign = "-" if rounded < 0 else ""
    digits = f"{abs(rounded):,.{CURRENCY_DECIMALS[currency]}f}"
    if language == "zh":
        return f"{sign}{_SYMBOLS_ZH.get(currency, currency + ' ')}{digits}"
    return f"{sign}{currency} {digits}"


def format_percent(fraction: Decimal, places: int = 2) -> str:
    """0.15 -> '15%', 0.0392 -> '3.92%', 0.123456 -> '12.35%' (half-up, trailing zeros dropped)."""
    value = (fraction * HUNDRED).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{'0' if text in ('-0', '') else text}%"


def parse_percent(value: object) -> Decimal:
    """'8%' or '8.5 %' -> Decimal('0.08') / Decimal('0.085'); 0 -> 0. Bare numbers are refused.

    The price book writes every rate as a percentage so that nobody has to guess whether 8 means
    8% or 800%.
    """
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value == 0:
        return Decimal(0)
    if isinstance(value, str) and value.strip().endswith("%"):
        number = value.strip()[:-1].strip()
        try:
            fraction = Decimal(number) / HUNDRED
        except ArithmeticError:
            raise ValueError(f"{value!r} is not a percentage like \"8%\"") from None
        if not fraction.is_finite():
            raise ValueError(f"{value!r} is not a percentage like \"8%\"")
        return fraction
    raise ValueError(f"write percentages with a % sign, like \"8%\" (got {value!r})")
