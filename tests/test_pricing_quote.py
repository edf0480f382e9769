"""Quote rules at their boundaries: breaks, composition, authority limits, the floor, odd quantities."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.settings import DEFAULT_PRICING_FILE
from crm.pricing.book import PriceBook, ProductNotFound, load_price_book
from crm.pricing.quote import (
    Inquiry,
    QuoteError,
    RequestedDiscount,
    compute_max_discount,
    compute_quote,
)


@pytest.fixture(scope="module")
def book() -> PriceBook:
    return load_price_book(DEFAULT_PRICING_FILE)


def _quote(book: PriceBook, sku: str = "CRM-PRO", quantity: int = 1, *, value_class: str | None = None,
           off: str | None = None, mode: str = "total", role: str = "rep"):
    requested = RequestedDiscount(off=Decimal(off), mode=mode) if off is not None else None  # type: ignore[arg-type]
    return compute_quote(book, Inquiry(sku=sku, quantity=quantity, value_class=value_class,  # type: ignore[arg-type]
                                       requested=requested, role=role))


def test_list_price_only_without_customer_or_volume(book: PriceBook) -> None:
    quote = _quote(book, "CRM-STD", 49)
    assert [step.kind for step in quote.steps] == ["list"]
    assert quote.unit_price == Decimal("1200.00")
    assert quote.total == Decimal("58800.00")
    assert quote.total_discount == 0
    assert quote.decision.outcome == "within_authority"


@pytest.mark.parametrize(
    ("quantity", "unit_price"),
    [(49, "1200.00"), (50, "1176.00"), (99, "1176.00"), (100, "1152.00"), (499, "1152.00"), (500, "1128.00")],
)
def test_volume_breaks_start_at_exactly_min_qty(book: PriceBook, quantity: int, unit_price: str) -> None:
    quote = _quote(book, "CRM-STD", quantity)
    assert quote.unit_price == Decimal(unit_price)
    assert quote.total == Decimal(unit_price) * quantity


def test_discounts_compose_multiplicatively_and_every_step_is_exposed(book: PriceBook) -> None:
    quote = _quote(book, "CRM-PRO", 100, value_class="IV")
    assert [(step.kind, step.discount, step.unit_price) for step in quote.steps] == [
        ("list", 0, Decimal("2400.00")),
        ("class", Decimal("0.06"), Decimal("2256.00")),
        ("volume", Decimal("0.04"), Decimal("2165.76")),
    ]
    assert quote.unit_price == Decimal("2165.76")  # 2400 × 0.94 × 0.96, not 2400 × 0.90
    assert quote.total_discount == Decimal("0.0976")
    assert quote.standard_discount == Decimal("0.0976")
    assert quote.total == Decimal("216576.00")
    assert quote.saving == Decimal("23424.00")


def test_class_discount_per_value_class_and_product_override(book: PriceBook) -> None:
    prices = [_quote(book, "CRM-ENT", 1, value_class=value_class).unit_price for value_class in ("I", "II", "III", "IV")]
    assert prices == [Decimal("4800.00"), Decimal("4704.00"), Decimal("4608.00"), Decimal("4512.00")]
    assert _quote(book, "HW-PAD", 1, value_class="IV").unit_price == Decimal("3492.00")  # hardware: 3%, not 6%


def test_requested_total_discount_derives_the_extra_step(book: PriceBook) -> None:
    quote = _quote(book, "CRM-PRO", 50, value_class="IV", off="0.15")
    assert quote.unit_price == Decimal("2040.00")  # exactly 85% of list
    assert quote.total_discount == Decimal("0.15")
    extra = quote.steps[-1]
    assert extra.kind == "extra" and extra.unit_price == Decimal("2040.00")
    assert (Decimal(1) - Decimal("0.06")) * (Decimal(1) - Decimal("0.02")) * (1 - quote.extra_discount) == pytest.approx(Decimal("0.85"))


def test_requested_extra_discount_comes_on_top(book: PriceBook) -> None:
    quote = _quote(book, "CRM-ENT", 100, off="0.05", mode="extra")
    assert quote.unit_price == Decimal("4377.60")  # 4800 × 0.96 × 0.95
    assert quote.total_discount == Decimal("0.0880")
    assert not quote.requested_met_by_standard


def test_requested_discount_already_met_by_standard_terms(book: PriceBook) -> None:
    quote = _quote(book, "CRM-PRO", 500, value_class="IV", off="0.05")
    assert quote.requested_met_by_standard
    assert quote.extra_discount == 0
    assert quote.unit_price == Decimal("2120.64")  # the standard price, better than the 5% asked


def test_rounding_is_half_up_on_the_unit_price(book: PriceBook) -> None:
    quote = _quote(book, "ADD-DRUS", 3, value_class="II", off="0.0335", mode="extra")
    # 60 × 0.98 × 0.9665 = 56.8302 -> 56.83; the total multiplies the rounded unit price
    assert quote.currency == "USD"
    assert quote.unit_price == Decimal("56.83")
    assert quote.total == Decimal("170.49")


@pytest.mark.parametrize(
    ("role", "off", "outcome", "approver"),
    [
        ("rep", "0.12", "within_authority", None),  # exactly at the rep's limit
        ("rep", "0.1201", "needs_approval", "manager"),
        ("rep", "0.20", "needs_approval", "manager"),  # exactly at the manager's limit
        ("rep", "0.2001", "needs_approval", "director"),
        ("rep", "0.35", "needs_approval", "director"),  # exactly the floor: 1560 = 65% of 2400
        ("rep", "0.3501", "below_floor", None),
        ("admin", "0.20", "within_authority", None),  # admin acts at manager level
        ("admin", "0.25", "needs_approval", "director"),
        ("admin", "0.36", "below_floor", None),
    ],
)
def test_authority_and_floor_boundaries(book: PriceBook, role: str, off: str, outcome: str, approver: str | None) -> None:
    decision = _quote(book, "CRM-PRO", 1, off=off, role=role).decision
    assert decision.outcome == outcome
    assert decision.approver == approver


def test_floor_is_judged_on_the_rounded_unit_price(book: PriceBook) -> None:
    at_floor = _quote(book, "HW-PAD", 1, off="0.125")
    assert at_floor.unit_price == Decimal("3150.00") and at_floor.decision.outcome == "needs_approval"
    below = _quote(book, "HW-PAD", 1, off="0.12501")  # 3149.964 rounds to 3149.96 < 3150
    assert below.decision.outcome == "below_floor"


@pytest.mark.parametrize("quantity", [0, -5])
def test_zero_and_negative_quantities_are_refused(book: PriceBook, quantity: int) -> None:
    with pytest.raises(QuoteError) as caught:
        _quote(book, "CRM-STD", quantity)
    assert "至少为 1" in caught.value.zh and "at least 1" in caught.value.en


def test_largest_quantity_is_exact_and_beyond_it_goes_to_the_deal_desk(book: PriceBook) -> None:
    quote = _quote(book, "CRM-ENT", 100_000, value_class="IV")
    assert quote.unit_price == Decimal("4241.28")  # 4800 × 0.94 × 0.94
    assert quote.total == Decimal("424128000.00")
    with pytest.raises(QuoteError, match="deal desk"):
        _quote(book, "CRM-ENT", 100_001)
    with pytest.raises(QuoteError):
        _quote(book, "CRM-ENT", 10**30)


def test_unknown_product_and_impossible_discount(book: PriceBook) -> None:
    with pytest.raises(ProductNotFound):
        _quote(book, "CRM-XXL")
    with pytest.raises(QuoteError, match="100%"):
        _quote(book, off="1", mode="extra")


def test_bundles_and_payment_terms_are_priced(book: PriceBook) -> None:
    quote = _quote(book, "CRM-PRO", 20)
    bundle = quote.bundles[0]
    assert (bundle.code, bundle.eligible, bundle.price, bundle.saving) == ("PRO-LAUNCH", True, Decimal("26400.00"), Decimal("6600.00"))
    assert not _quote(book, "CRM-PRO", 19).bundles[0].eligible
    terms = {offer.code: offer for offer in quote.payment_terms}
    assert terms["NET30"].standard and terms["NET30"].total == quote.total
    assert terms["PREPAY"].total == Decimal("47040.00")  # 2400 × 0.98 × 20
    assert terms["NET90"].approver == "director"


def test_prepay_discount_never_crosses_the_floor(book: PriceBook) -> None:
    quote = _quote(book, "CRM-PRO", 1, off="0.35")
    prepay = next(offer for offer in quote.payment_terms if offer.code == "PREPAY")
    assert not prepay.allowed


def test_max_discount_for_a_rep(book: PriceBook) -> None:
    limits = compute_max_discount(book, Inquiry(sku="CRM-PRO", quantity=1, value_class="II", customer="Acme Corp"))
    assert limits.standard_unit_price == Decimal("2352.00")
    assert (limits.own.level, limits.own.max_discount, limits.own.unit_price) == ("rep", Decimal("0.12"), Decimal("2112.00"))
    assert [(level.level, level.unit_price, level.capped_by_floor) for level in limits.higher] == [
        ("manager", Decimal("1920.00"), False),
        ("director", Decimal("1560.00"), True),
    ]
    assert limits.floor_discount == Decimal("0.35")
    assert round(limits.extra_room, 4) == Decimal("0.1020")  # 1 − 0.88 / 0.98


def test_max_discount_is_capped_by_the_floor(book: PriceBook) -> None:
    limits = compute_max_discount(book, Inquiry(sku="HW-PAD", quantity=10, value_class="IV", role="admin"))
    assert limits.own.level == "manager"
    assert limits.own.capped_by_floor and limits.own.unit_price == Decimal("3150.00")
    assert limits.own.max_discount == Decimal("0.125")  # not the manager's 20%
    assert limits.own.total == Decimal("31500.00")
    assert limits.higher == []  # the director cannot go lower than the floor either
