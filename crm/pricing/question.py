"""Reading a rep's price question: product, quantity, customer, requested discount and intent.

`read_question` understands "标准版50套多少钱?", "华信科技要打八五折，我能答应吗?" and "What's the
most I can give Acme on the Pro plan?". Whatever it cannot find stays None, and the skill asks.
A half-answered question travels in button data (`PriceQuestion.to_payload`), never in globals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from crm.parsing.amounts import locate_amounts, parse_discount
from crm.parsing.dates import simplified
from crm.parsing.numbers import NUMERAL_PATTERN, parse_chinese_number
from crm.pricing.book import VALUE_CLASSES, PriceBook
from crm.pricing.customers import CustomerLookup
from crm.pricing.matching import find_products
from crm.pricing.quote import RequestedDiscount

PAYLOAD_PREFIX = "p:"

_UNITS = (
    r"(?:套|个用户|位用户|名用户|用户|个账号|账号|个授权|授权|个席位|席位|个许可|许可|人天|人日|台|场|"
    r"seats?|users?|licen[cs]es?|person[- ]?days?|man[- ]?days?|devices?|tablets?|units?|sessions?)"
)
_QUANTITY = re.compile(r"(?P<number>" + NUMERAL_PATTERN + r")\s*" + _UNITS + r"(?![A-Za-z])", re.IGNORECASE)
_QUANTITY_GE = re.compile(r"(?P<number>" + NUMERAL_PATTERN + r")\s*个(?![折点月年天人百成分])")
_QUANTITY_MARKED = re.compile(r"(?:[x×*]|qty|quantity|数量)\s*[:：=]?\s*(?P<number>\d[\d,]*)", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"(?<![\w.%])(?P<number>\d[\d,]*)(?![\d.,]*\s*(?:[%年月日号元块万千折成点天]|k\b))")

_EXTRA = re.compile(r"再|额外|另外|在此基础上|在.{0,6}基础上|on top|additional|extra|further|more off", re.IGNORECASE)
_MAX = re.compile(
    r"最多|最大|最低价|最低能|最低可以|底线|底价|能给到多少|能让多少|能打几折|能打多少|最多能|"
    r"\bthe most\b|\bmax(?:imum)?\b|\blowest\b|\bhow low\b|\bbest price\b|\bfloor(?: price)?\b|"
    r"how much (?:can|could) i (?:give|offer|discount)",
    re.IGNORECASE,
)


_PUSHING = re.compile(
    r"降价|便宜|太贵|贵了|砍价|压价|竞品|竞争对手|对手|再低|让利|还价|嫌贵|"
    r"cheaper|too expensive|lower (?:the )?price|competitor|push(?:es|ing)? (?:back|on price)|haggl",
    re.IGNORECASE,
)
_PLAIN_PERCENT = re.compile(r"(?<![\d.])(?P<sign>[-−－+＋]\s*)?(?P<number>\d+(?:\.\d+)?)\s*[%％]")
_INCREASE = re.compile(r"涨|提价|加价|上调|increase|raise", re.IGNORECASE)


@dataclass(frozen=True)
class PriceQuestion:
    """What a price question says; None means the message did not say it."""

    skus: tuple[str, ...] = ()  # every product mentioned; one means the product is known
    quantity: int | None = None
    quantity_problem: str | None = None  # said but unusable: see read_quantity
    quantity_said: str = ""  # the words of an unusable quantity, to name them back
    impossible_discount: str = ""  # the words of a discount no price can have ("150%", "-10%")
    customer: str | None = None
    value_class: str | None = None
    requested: RequestedDiscount | None = None
    wants_max: bool = False  # "what's the most I can give?"
    pushing: bool = False  # the customer pushes on price: offer value, not only discount

    @property
    def sku(self) -> str | None:
        """The product when exactly one was mentioned."""
        return self.skus[0] if len(self.skus) == 1 else None

    def with_product(self, sku: str) -> PriceQuestion:
        """The same question about one product."""
        return replace(self, skus=(sku,))

    def with_quantity(self, quantity: int) -> PriceQuestion:
        """The same question for a quantity."""
        return replace(self, quantity=quantity, quantity_problem=None, quantity_said="")

    def to_payload(self, limit: int) -> str:
        """Compact button data ('p:CRM-PRO;q50;kIV;d0.15;nAcme'), at most `limit` bytes.

        The customer's name goes last and is dropped (the class is kept) when it does not fit.
        """
        parts = [PAYLOAD_PREFIX + (self.sku or "")]
        if self.quantity is not None:
            parts.append(f"q{self.quantity}")
        if self.value_class:
            parts.append(f"k{self.value_class}")
        if self.requested is not None:
            parts.append(f"{'e' if self.requested.mode == 'extra' else 'd'}{self.requested.off.normalize():f}")
        if self.wants_max:
            parts.append("m")
        if self.pushing:
            parts.append("u")
        payload = ";".join(parts)
        if self.customer:
            named = f"{payload};n{self.customer.replace(';', ' ')}"
            if len(named.encode("utf-8")) <= limit:
                payload = named
        return payload

    @classmethod
    def from_payload(cls, payload: str) -> PriceQuestion:
        """The question encoded by `to_payload`; ValueError when the data is not one."""
        if not payload.startswith(PAYLOAD_PREFIX):
            raise ValueError(payload)
        head, *fields = payload[len(PAYLOAD_PREFIX):].split(";")
        values: dict[str, object] = {"skus": (head,) if head else ()}
        for field in fields:
            key, value = field[:1], field[1:]
            try:
                if key == "q":
                    if not (value.isascii() and value.isdigit() and len(value) <= 9):
                        raise ValueError(value)
                    values["quantity"] = int(value)
                elif key == "k" and value in VALUE_CLASSES:
                    values["value_class"] = value
                elif key in ("d", "e"):
                    off = Decimal(value)
                    if not (off.is_finite() and 0 <= off < 1):
                        raise ValueError(value)
                    values["requested"] = RequestedDiscount(off=off, mode="extra" if key == "e" else "total")
                elif key == "m":
                    values["wants_max"] = True
                elif key == "u":
                    values["pushing"] = True
                elif key == "n" and value:
                    values["customer"] = value
            except (ValueError, InvalidOperation):
                raise ValueError(payload) from None
        return cls(**values)  # type: ignore[arg-type]


# "III 类客户", "Ⅲ类", "三类客户", "class III", "tier 3": a value class named without a customer. Not "这三类客户"
# (three kinds), "分三类" or "哪三类".
_CLASS_NUMERALS = {"i": "I", "ii": "II", "iii": "III", "iv": "IV", "ⅰ": "I", "ⅱ": "II", "ⅲ": "III", "ⅳ": "IV",
                   "一": "I", "二": "II", "三": "III", "四": "IV", "1": "I", "2": "II", "3": "III", "4": "IV"}
_NAMED_CLASS = re.compile(
    r"(?<![这那哪几分有共A-Za-z])(?P<zh>IV|III|II|I|[ⅠⅡⅢⅣ一二三四1-4])\s*类(?:客户|客戶|用户)?|"
    r"\b(?:class|tier|category|value\s+class)[\s-]*(?P<en>IV|III|II|I|[1-4])\b|\b(?P<after>IV|III|II|[1-4])[\s-]*(?:class|tier)\s+(?:customers?|clients?|accounts?)\b",
    re.IGNORECASE,
)


def asks_the_most(text: str) -> bool:
    """Whether `text` asks for the most that can be given (最多能打几折, "what's the most I can give")."""
    return bool(_MAX.search(text))


def named_value_class(text: str) -> str | None:
    """The customer value class a question names ("三类客户最多打几折", "class III discount"), or None."""
    match = _NAMED_CLASS.search(simplified(text))
    if match is None:
        return None
    return _CLASS_NUMERALS.get((match.group("zh") or match.group("en") or match.group("after")).lower())


def read_question(book: PriceBook, text: str, customers: CustomerLookup | None = None,
                  *, bare_numbers: bool = False) -> PriceQuestion:
    """Everything `text` says about a price; `bare_numbers` lets '专业版 50' mean 50 units (command args).

    Traditional characters read as Simplified ("三類客戶最多能打幾折" as "三类客户最多能打几折")."""
    text = simplified(text)
    mentions = find_products(book, text)
    off, said, discount_spans = find_discount(text)
    requested = _requested(text, off, said)
    blank = _blank(text, [*discount_spans, *((mention.start, mention.end) for mention in mentions)])
    quantity, problem, quantity_said = read_quantity(blank, bare_numbers=bare_numbers)
    customer = value_class = None
    found = customers.find_value_class(text) if customers is not None else None
    if found:
        customer, value_class = found[0], (found[1] if found[1] in VALUE_CLASSES else None)
    value_class = value_class or named_value_class(text)
    return PriceQuestion(
        skus=tuple(mention.product.sku for mention in mentions),
        quantity=quantity,
        quantity_problem=problem,
        quantity_said=quantity_said,
        impossible_discount=said if off is not None and requested is None else "",
        customer=customer,
        value_class=value_class,
        requested=requested,
        wants_max=bool(_MAX.search(text)) and requested is None,
        pushing=bool(_PUSHING.search(text)),
    )


def read_discount(text: str) -> tuple[RequestedDiscount | None, list[tuple[int, int]]]:
    """The requested discount (八五折, 15%, 两成, 5个点, 10% off) and the spans of every amount.

    In a price question a bare percentage ("15%", "两成") is the discount asked for, unless it is
    said as an increase. "再/额外/extra/on top" makes it come on top of the standard discounts.
    A discount no price can have (150%, -10%) is None here; `read_question` names it back.
    """
    off, said, positions = find_discount(text)
    return _requested(text, off, said), positions


def find_discount(text: str) -> tuple[Decimal | None, str, list[tuple[int, int]]]:
    """The fraction off said (possibly impossible, like 150%), its words and the spans of every amount."""
    spans = locate_amounts(text)
    found = parse_discount(text)
    said = found.text if found else None
    off = found.off if found else None
    if found is None:
        for span in spans:
            if span.amount.kind == "percent" and not _INCREASE.search(text[max(0, span.start - 6):span.start]):
                off, said = span.amount.value, span.amount.text
                sign = re.search(r"[-−－]\s*$", text[:span.start])
                if sign:  # "−20%": named back as said, never read as 20% off
                    off, said = -off, text[sign.start():span.end]
                break
    positions = [(span.start, span.end) for span in spans]
    if off is None:  # the amount parser reads a percentage only with words around it; "15%" alone is ours
        plain = _PLAIN_PERCENT.search(text)
        if plain and not _INCREASE.search(text[max(0, plain.start() - 6):plain.start()]):
            off, said = Decimal(plain.group("number")) / 100, plain.group()
            if plain.group("sign") and plain.group("sign").strip() in "-−－":
                off = -off  # "-5%" is not a discount a price can have: named back, never read as 5% off
            positions.append((plain.start(), plain.end()))
    return off, said or "", positions


def _requested(text: str, off: Decimal | None, said: str) -> RequestedDiscount | None:
    if off is None or not Decimal(0) <= off < 1:
        return None
    mode = "extra" if _EXTRA.search(text) else "total"
    return RequestedDiscount(off=off, mode=mode, text=said)


_MINUS = "-−－负"
_GLUED = re.compile(r"[0-9A-Za-z.^*+_]+$")  # what sticks to a numeral's left: 1e309, 10^30, 2x
_GLUED_RIGHT = re.compile(r"^[0-9A-Za-z.^*+_]+")


def read_quantity(text: str, *, bare_numbers: bool = False) -> tuple[int | None, str | None, str]:
    """(quantity, None, words) from '50套', '50 seats', '五十个用户', 'x50'; (None, why, words) when unusable.

    Why is "zero", "fraction", "negative" (-5套), "unreadable" (1e309套, 10^30套), "too_large" (more
    digits than any deal) or "several"; the words are what the message said, to name them back.
    """
    matches = [*_QUANTITY.finditer(text)]
    matches += [match for match in _QUANTITY_GE.finditer(text) if match.group("number") != "一"]
    matches += [*_QUANTITY_MARKED.finditer(text)]
    bare = not matches and bare_numbers
    if bare:
        matches = [*_BARE_NUMBER.finditer(text)]
    values: dict[Decimal, str] = {}
    for match in matches:
        start, end = match.start("number"), match.end("number")
        said = text[start:match.end()].strip()
        left = _GLUED.search(text[:start])
        right = _GLUED_RIGHT.match(text[end:]) if bare else None
        if (left and any(char.isdigit() for char in left.group())) or right:
            glued = (left.group() if left else "") + said + (right.group() if right else "")
            return None, "unreadable", glued
        if text[:start].endswith(tuple(_MINUS)):
            return None, "negative", text[start - 1] + said
        value = parse_chinese_number(match.group("number"))
        if value is None:
            return None, ("too_large" if match.group("number").replace(",", "").isdigit() else "unreadable"), said
        values.setdefault(value, said)
    if len(values) != 1:
        return None, ("several" if len(values) > 1 else None), " / ".join(values.values())
    value, said = values.popitem()
    if value != value.to_integral_value():
        return None, "fraction", said
    if value < 1:
        return None, "zero", said
    return int(value), None, said


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans replaced by spaces, so their digits are not read as quantities."""
    chars = list(text)
    for start, end in spans:
        for position in range(start, min(end, len(chars))):
            chars[position] = " "
    return "".join(chars)
