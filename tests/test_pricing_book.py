"""The price book: the sample loads, and every kind of mistake names its line and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.settings import DEFAULT_PRICING_FILE
from crm.pricing.book import (
    PriceBookError,
    ProductNotFound,
    load_price_book,
    parse_price_book,
)
from crm.pricing.money import format_money, format_percent, parse_percent, round_money

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = DEFAULT_PRICING_FILE.read_text(encoding="utf-8")


def _problems(text: str) -> list[str]:
    with pytest.raises(PriceBookError) as caught:
        parse_price_book(text, source="pricing.yaml")
    return [problem.describe("pricing.yaml") for problem in caught.value.problems]


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_sample_price_book_loads_with_exact_decimals() -> None:
    book = load_price_book(DEFAULT_PRICING_FILE)
    assert {product.sku for product in book.products} >= {"CRM-STD", "CRM-PRO", "CRM-ENT", "SVC-IMPL", "SVC-TRAIN"}
    pro = book.get_product("crm-pro")
    assert pro.list_price == Decimal("2400.00") and isinstance(pro.list_price, Decimal)
    assert book.class_discounts == {"I": 0, "II": Decimal("0.02"), "III": Decimal("0.04"), "IV": Decimal("0.06")}
    assert book.currency_of(book.get_product("ADD-DRUS")) == "USD"
    assert book.authority.level_for_role("admin").level == "manager"
    assert book.authority.level_for_role("someone-new").level == "rep"  # unknown roles get the least authority
    with pytest.raises(ProductNotFound):
        book.get_product("NOPE")


def test_volume_break_applies_from_its_exact_quantity() -> None:
    book = load_price_book(DEFAULT_PRICING_FILE)
    pro = book.get_product("CRM-PRO")
    assert book.volume_break(pro, 49) is None
    assert [book.volume_break(pro, qty).min_qty for qty in (50, 99, 100, 499, 500, 10_000)] == [50, 50, 100, 100, 500, 500]
    assert book.volume_break(book.get_product("SVC-TRAIN"), 1000) is None  # training has no volume schedule


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("pricing_bad_floor.yaml", [":25: products[1].floor_price: floor price 2600 is above the list price 2400"]),
        ("pricing_bad_percent.yaml", [':4: class_discounts.III: write percentages with a % sign, like "8%" (got 4)']),
        ("pricing_bad_field.yaml", [":15: products[0].list_price: required field is missing",
                                    ":18: products[0].listprice: unknown field"]),
        ("pricing_bad_refs.yaml", [":12: authority.roles.admin: unknown authority level 'boss'",
                                   ":20: products[0].volume_schedule: no volume schedule named 'license'"]),
        ("pricing_bad_syntax.yaml", [":8: not valid YAML", "started on line 7"]),
    ],
)
def test_bad_price_book_names_line_and_field(fixture: str, expected: list[str]) -> None:
    with pytest.raises(PriceBookError) as caught:
        load_price_book(FIXTURES / fixture)
    message = str(caught.value)
    for part in expected:
        assert part in message, message
    assert message.startswith(str(FIXTURES / fixture) + ":")


def test_missing_file_is_a_price_book_error(tmp_path: Path) -> None:
    with pytest.raises(PriceBookError, match="cannot read"):
        load_price_book(tmp_path / "nope.yaml")


def test_empty_and_non_mapping_files_are_refused() -> None:
    assert _problems("") == ["pricing.yaml:1: the file is empty"]
    assert "must be a YAML mapping" in _problems("- just\n- a list\n")[0]


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        ("list_price: 2400.00", "list_price: abc", "list_price: abc", "products[1].list_price: Input should be a valid decimal"),
        ("  IV: 6%", "  V: 6%", "  V: 6%", "class_discounts.V: Input should be 'I', 'II', 'III' or 'IV'"),
        ("  IV: 6%", "  IV: 160%", "  IV: 160%", "class_discounts.IV: Input should be less than 1"),
        ("approver: director", "approver: ceo", "approver: ceo", "payment_terms.options[3].approver: unknown authority level 'ceo'"),
        ("add_on_discount: 20%", "add_on_discount: 25%", "add_on_discount: 25%",
         "bundles[0].add_on_discount: 25% off takes SVC-IMPL below its floor price"),
        ("version: 1", "version: 1\nversion: 2", "version: 2", "version: duplicate key"),
        ("anchor: CRM-PRO", "anchor: CRM-PRX", "anchor: CRM-PRX", "bundles[0].anchor: unknown SKU 'CRM-PRX'"),
        ("aliases: [销售终端, 平板,", "aliases: [标准版, 平板,", "aliases: [标准版, 平板,",
         "products[5].aliases: '标准版' also names CRM-STD"),
        ("      # 不写 max_discount：总监可批到底价", "      max_discount: 30%", "max_discount: 30%",
         "authority.levels[2].max_discount: the last level approves down to the floor price"),
    ],
)
def test_mistakes_in_the_sample_name_line_and_field(old: str, new: str, needle: str, expected: str) -> None:
    assert old in SAMPLE
    text = SAMPLE.replace(old, new, 1)
    problems = _problems(text)
    assert f"pricing.yaml:{_line_of(text, needle)}: {expected}" in "\n".join(problems), problems


def test_standard_discounts_beyond_rep_authority_are_refused() -> None:
    text = SAMPLE.replace("max_discount: 12%", "max_discount: 10%", 1)
    problems = "\n".join(_problems(text))
    assert "products[0]: standard discounts reach 11.64%" in problems
    assert "more than rep's limit 10%" in problems


def test_money_rounds_half_up_and_formats_per_language() -> None:
    assert round_money(Decimal("2210.885"), "CNY") == Decimal("2210.89")
    assert round_money(Decimal("2210.884999"), "CNY") == Decimal("2210.88")
    assert round_money(Decimal("0.005"), "USD") == Decimal("0.01")
    assert format_money(Decimal("12345"), "CNY", "zh") == "¥12,345.00"
    assert format_money(Decimal("12345"), "CNY", "en") == "CNY 12,345.00"
    assert format_money(Decimal("1200.5"), "USD", "zh") == "US$1,200.50"
    assert format_money(Decimal("1200.5"), "USD", "en") == "USD 1,200.50"
    assert format_money(Decimal("-3.5"), "CNY", "zh") == "-¥3.50"


def test_percentages_parse_and_format() -> None:
    assert parse_percent("8%") == Decimal("0.08")
    assert parse_percent("2.5 %") == Decimal("0.025")
    assert parse_percent(0) == 0
    with pytest.raises(ValueError, match="% sign"):
        parse_percent(8)
    with pytest.raises(ValueError):
        parse_percent("eight%")
    assert format_percent(Decimal("0.15")) == "15%"
    assert format_percent(Decimal("0.0773")) == "7.73%"
    assert format_percent(Decimal("0.123456")) == "12.35%"
    assert format_percent(Decimal(0)) == "0%"
