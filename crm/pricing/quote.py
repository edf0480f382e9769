"""Quote computation: pure functions from a price book and an inquiry to an exact, explained result.

Discounts compose multiplicatively in a fixed order (see data/pricing.yaml):

    unit price = list × (1 − class) × (1 − volume) × (1 − extra)

Nothing is rounded until the final unit price (half-up to the currency's minor unit); the total
is that unit price × quantity, so the quote always multiplies out on an invoice. Authority is
judged on the total discount off list; the floor price is judged on the quoted unit price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from crm.pricing.book import PriceBook, Product, Text, ValueClass, VolumeBreak
from crm.pricing.money import Currency, round_money

ZERO = Decimal(0)
ONE = Decimal(1)

Outcome = Literal["within_authority", "needs_approval", "below_floor"]


class QuoteError(ValueError):
    """An inquiry the rules cannot price (quantity out of range, discount of 100%…)."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, language: str) -> str:
        """The message in the language."""
        return self.zh if language == "zh" else self.en


class RequestedDiscount(BaseModel):
    """A discount someone asked for: `off` is a fraction of list (0.15 = 八五折 = 15% off).

    mode "total": the customer wants to pay (1 − off) × list in the end (the usual reading);
    mode "extra": `off` comes on top of the standard class and volume discounts (再打/额外/extra).
    """

    off: Decimal = Field(ge=0)
    mode: Literal["total", "extra"] = "total"
    text: str = ""


class Inquiry(BaseModel):
    """What to price: a product, a quantity, the customer's class, a requested discount, who asks."""

    sku: str
    quantity: int
    value_class: ValueClass | None = None
    customer: str | None = None
    requested: RequestedDiscount | None = None
    role: str = "rep"


class Step(BaseModel):
    """One line of the breakdown: the discount applied at this step and the unit price after it."""

    kind: Literal["list", "class", "volume", "extra"]
    label: Text
    discount: Decimal  # fraction off at this step (0 for the list price)
    unit_price: Decimal  # after this step, rounded to the currency (for display; the math stays exact)


class Decision(BaseModel):
    """May the asker grant this price, and if not, who may (or nobody: below floor)."""

    outcome: Outcome
    level: str  # the asker's authority level
    level_name: Text
    limit: Decimal | None  # the asker's max total discount (None: down to the floor)
    approver: str | None = None  # the level that must approve, for needs_approval
    approver_name: Text | None = None


class BundleOffer(BaseModel):
    """A bundle anchored on the quoted product: add-ons at a discount, priced for this quote."""

    code: str
    name: Text
    anchor: str
    pitch: Text
    eligible: bool  # the quoted quantity reaches min_anchor_qty
    min_anchor_qty: int
    add_ons: list[tuple[str, int]]  # (sku, qty)
    add_on_discount: Decimal
    list_total: Decimal
    price: Decimal
    saving: Decimal


class PaymentOffer(BaseModel):
    """A payment term and what it would do to this quote."""

    code: str
    name: Text
    days: int
    discount: Decimal
    approver: str
    approver_name: Text
    standard: bool
    total: Decimal  # the quote's total under this term
    allowed: bool  # False when the term's discount would cross the floor price


class PricedItem(BaseModel):
    """What is being priced, for whom, at which list price: the head of a quote or an allowance."""

    sku: str
    product: Text
    unit: Text
    currency: str
    quantity: int
    customer: str | None
    value_class: ValueClass | None
    list_price: Decimal


class Quote(PricedItem):
    """A computed quote with every step exposed."""

    list_total: Decimal
    steps: list[Step]
    standard_discount: Decimal  # class and volume together
    requested: RequestedDiscount | None
    requested_met_by_standard: bool  # asked for less than the standard terms already give
    extra_discount: Decimal  # the extra step, exact
    total_discount: Decimal  # 1 − unit price / list price, before rounding
    unit_price: Decimal
    total: Decimal
    saving: Decimal  # list_total − total
    floor_price: Decimal
    decision: Decision
    bundles: list[BundleOffer]
    payment_terms: list[PaymentOffer]


class Allowance(BaseModel):
    """The most one authority level can grant on a product, never past the floor."""

    level: str
    name: Text
    max_discount: Decimal  # total off list, after the floor cap
    capped_by_floor: bool
    unit_price: Decimal
    total: Decimal


class MaxDiscount(PricedItem):
    """'What's the most I can give?': the asker's own limit and what each higher level could do."""

    standard_discount: Decimal
    standard_unit_price: Decimal
    floor_price: Decimal
    floor_discount: Decimal  # 1 − floor / list
    own: Allowance
    extra_room: Decimal  # what the asker can add on top of the standard terms
    higher: list[Allowance]  # levels above the asker, lowest first
    bundles: list[BundleOffer]
    payment_terms: list[PaymentOffer]


@dataclass(frozen=True)
class StandardTerms:
    """What an inquiry gets without asking: the product, its currency, class and volume discounts."""

    product: Product
    currency: Currency
    class_off: Decimal
    volume: VolumeBreak | None

    @property
    def volume_off(self) -> Decimal:
        """The volume discount (zero below the first break)."""
        return self.volume.discount if self.volume else ZERO

    @property
    def discount(self) -> Decimal:
        """Class and volume discounts compounded."""
        return ONE - (ONE - self.class_off) * (ONE - self.volume_off)


def standard_terms(book: PriceBook, inquiry: Inquiry) -> StandardTerms:
    """The product and standard discounts for an inquiry; QuoteError for an impossible quantity."""
    product = book.get_product(inquiry.sku)
    _check_quantity(book, inquiry.quantity)
    return StandardTerms(
        product=product,
        currency=book.currency_of(product),
        class_off=book.class_discount(product, inquiry.value_class),
        volume=book.volume_break(product, inquiry.quantity),
    )


def compute_quote(book: PriceBook, inquiry: Inquiry) -> Quote:
    """Price an inquiry: list → class → volume → extra → unit price and total, plus the decision."""
    terms = standard_terms(book, inquiry)
    product, currency, class_off, volume, volume_off = (
        terms.product, terms.currency, terms.class_off, terms.volume, terms.volume_off
    )
    standard_factor = (ONE - class_off) * (ONE - volume_off)
    requested = inquiry.requested
    if requested is not None and requested.off >= ONE:
        raise QuoteError("折扣不能达到或超过100%。", "A discount must be below 100%.")

    met_by_standard = False
    if requested is None:
        extra_off, net_factor = ZERO, standard_factor
    elif requested.mode == "extra":
        extra_off = requested.off
        net_factor = standard_factor * (ONE - extra_off)
    elif ONE - requested.off >= standard_factor:
        met_by_standard = requested.off > ZERO
        extra_off, net_factor = ZERO, standard_factor
    else:
        net_factor = ONE - requested.off  # exactly what was asked; the extra step is derived
        extra_off = ONE - net_factor / standard_factor

    steps = [Step(kind="list", label=Text(zh="牌价", en="List price"), discount=ZERO,
                  unit_price=round_money(product.list_price, currency))]
    running = product.list_price
    if class_off:
        running *= ONE - class_off
        steps.append(Step(kind="class", label=Text(zh=f"客户等级 {inquiry.value_class} 类",
                                                   en=f"Value class {inquiry.value_class}"),
                          discount=class_off, unit_price=round_money(running, currency)))
    if volume_off and volume is not None:
        running *= ONE - volume_off
        steps.append(Step(kind="volume", label=Text(zh=f"批量 ≥{volume.min_qty}", en=f"Volume ≥{volume.min_qty}"),
                          discount=volume_off, unit_price=round_money(running, currency)))
    if extra_off:
        steps.append(Step(kind="extra", label=Text(zh="额外折扣", en="Extra discount"), discount=extra_off,
                          unit_price=round_money(product.list_price * net_factor, currency)))

    unit_price = round_money(product.list_price * net_factor, currency)
    total = unit_price * inquiry.quantity
    list_total = product.list_price * inquiry.quantity
    total_discount = ONE - net_factor
    return Quote(
        sku=product.sku, product=product.name, unit=product.unit, currency=currency,
        quantity=inquiry.quantity, customer=inquiry.customer, value_class=inquiry.value_class,
        list_price=product.list_price, list_total=list_total, steps=steps,
        standard_discount=ONE - standard_factor, requested=requested,
        requested_met_by_standard=met_by_standard, extra_discount=extra_off,
        total_discount=total_discount, unit_price=unit_price, total=total, saving=list_total - total,
        floor_price=product.floor_price,
        decision=decide(book, product, total_discount, unit_price, inquiry.role),
        bundles=bundle_offers(book, product, inquiry.quantity),
        payment_terms=payment_offers(book, product, unit_price, inquiry.quantity),
    )


def decide(book: PriceBook, product: Product, total_discount: Decimal, unit_price: Decimal, role: str) -> Decision:
    """Within the role's authority, needs a higher level, or below the floor (nobody may approve)."""
    authority = book.authority
    own = authority.level_for_role(role)
    base = Decision(outcome="within_authority", level=own.level, level_name=own.name, limit=own.max_discount)
    if unit_price < product.floor_price:
        return base.model_copy(update={"outcome": "below_floor"})
    needed = next(level for level in authority.levels if level.max_discount is None or total_discount <= level.max_discount)
    if authority.rank(needed.level) <= authority.rank(own.level):
        return base
    return base.model_copy(update={"outcome": "needs_approval", "approver": needed.level, "approver_name": needed.name})


def compute_max_discount(book: PriceBook, inquiry: Inquiry) -> MaxDiscount:
    """The most the asker can give on their own, and what each higher level could, floor-bounded."""
    terms = standard_terms(book, inquiry)
    product, currency, standard = terms.product, terms.currency, terms.discount
    floor_discount = ONE - product.floor_price / product.list_price
    authority = book.authority
    own_level = authority.level_for_role(inquiry.role)
    allowances = []
    for level in authority.levels[authority.rank(own_level.level):]:
        limit = level.max_discount
        capped = limit is None or limit >= floor_discount
        effective = floor_discount if capped else limit
        effective = max(effective, standard)  # standard terms are always allowed (checked at load)
        unit_price = product.floor_price if capped else round_money(product.list_price * (ONE - effective), currency)
        allowances.append(Allowance(level=level.level, name=level.name, max_discount=effective, capped_by_floor=capped,
                                    unit_price=unit_price, total=unit_price * inquiry.quantity))
    own = allowances[0]
    higher = []
    for allowance in allowances[1:]:  # a level that can give no more than the one below adds nothing
        if allowance.max_discount > (higher[-1] if higher else own).max_discount:
            higher.append(allowance)
    return MaxDiscount(
        sku=product.sku, product=product.name, unit=product.unit, currency=currency, quantity=inquiry.quantity,
        customer=inquiry.customer, value_class=inquiry.value_class, list_price=product.list_price,
        standard_discount=standard,
        standard_unit_price=round_money(product.list_price * (ONE - standard), currency),
        floor_price=product.floor_price, floor_discount=floor_discount, own=own,
        extra_room=ONE - (ONE - own.max_discount) / (ONE - standard), higher=higher,
        bundles=bundle_offers(book, product, inquiry.quantity),
        payment_terms=payment_offers(book, product, own.unit_price, inquiry.quantity),
    )


def bundle_offers(book: PriceBook, product: Product, quantity: int) -> list[BundleOffer]:
    """Every bundle anchored on the product, priced; `eligible` says whether the quantity qualifies."""
    currency = book.currency_of(product)
    offers = []
    for bundle in book.bundles_for(product):
        list_total = sum(
            (book.get_product(item.sku).list_price * item.qty for item in bundle.add_ons), start=ZERO
        )
        price = sum(
            (round_money(book.get_product(item.sku).list_price * (ONE - bundle.add_on_discount), currency) * item.qty
             for item in bundle.add_ons),
            start=ZERO,
        )
        offers.append(BundleOffer(
            code=bundle.code, name=bundle.name, anchor=bundle.anchor, pitch=bundle.pitch, eligible=quantity >= bundle.min_anchor_qty,
            min_anchor_qty=bundle.min_anchor_qty, add_ons=[(item.sku, item.qty) for item in bundle.add_ons],
            add_on_discount=bundle.add_on_discount, list_total=list_total, price=price, saving=list_total - price,
        ))
    return offers


def payment_offers(book: PriceBook, product: Product, unit_price: Decimal, quantity: int) -> list[PaymentOffer]:
    """Each payment term applied to a quoted unit price; a term's discount may not cross the floor."""
    currency = book.currency_of(product)
    offers = []
    for option in book.payment_terms.options:
        unit_after = round_money(unit_price * (ONE - option.discount), currency)
        approver = book.authority.get_level(option.approver)
        offers.append(PaymentOffer(
            code=option.code, name=option.name, days=option.days, discount=option.discount,
            approver=option.approver, approver_name=approver.name,
            standard=option.code == book.payment_terms.standard,
            total=unit_after * quantity, allowed=unit_after >= product.floor_price,
        ))
    return offers


def _check_quantity(book: PriceBook, quantity: int) -> None:
    if quantity < 1:
        raise QuoteError("数量至少为 1。", "The quantity must be at least 1.")
    if quantity > book.limits.max_quantity:
        limit = f"{book.limits.max_quantity:,}"
        raise QuoteError(
            f"数量 {quantity:,} 超过机器人报价上限 {limit}，请走大单评审流程。",
            f"{quantity:,} is above the bot's quoting limit of {limit}; take this deal to the deal desk.",
        )
