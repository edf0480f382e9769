"""Chinese numerals, money, percentages and discounts."""

from decimal import Decimal

import pytest

from crm.parsing.amounts import find_amounts, parse_discount
from crm.parsing.numbers import parse_chinese_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三十万", 300000), ("两", 2), ("一百二十", 120), ("1.5万", 15000), ("两万五", 25000),
        ("2万5", 25000), ("三点五万", 35000), ("十五", 15), ("一千零一", 1001), ("一百五", 150),
        ("二零二六", 2026), ("1,200", 1200), ("十万八千", 108000), ("一千二百万", 12000000),
        ("零点五", Decimal("0.5")), ("1亿2000万", 120000000),
    ],
)  # fmt: skip
def test_parse_chinese_number(text, value):
    assert parse_chinese_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "万", "三四百", "两两", "点"])
def test_parse_chinese_number_rejects_non_numerals(text):
    assert parse_chinese_number(text) is None


@pytest.mark.parametrize(
    ("text", "off"),
    [
        ("打八折", "0.2"), ("八折", "0.2"), ("八五折", "0.15"), ("九折", "0.1"), ("8.5折", "0.15"),
        ("5个点", "0.05"), ("15个点", "0.15"), ("10% off", "0.1"), ("降价15%", "0.15"),
        ("便宜两成", "0.2"), ("she wants 10% off the annual license", "0.1"),
        ("金石证券的采购说我们比友商贵了百分之十五 要我们打八五折", "0.15"),
        ("a 15 percent discount", "0.15"),
    ],
)  # fmt: skip
def test_parse_discount(text, off):
    discount = parse_discount(text)
    assert discount is not None
    assert discount.off == Decimal(off)
    assert discount.text in text


@pytest.mark.parametrize("text", ["比友商贵了百分之十五", "涨了3个点", "一成不变", "下午三点", "", "报价三十万"])
def test_no_discount(text):
    assert parse_discount(text) is None


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("三十万", 300000, "CNY"), ("$50k", 50000, "USD"), ("2万块", 20000, "CNY"),
        ("1200元。", 1200, "CNY"), ("USD 20,000", 20000, "USD"), ("$1.2M", 1200000, "USD"),
        ("预算1.5 million dollars", 1500000, "USD"), ("两万五千块钱", 25000, "CNY"),
    ],
)  # fmt: skip
def test_money(text, value, currency):
    [amount] = find_amounts(text)
    assert (amount.kind, amount.value, amount.currency) == ("money", Decimal(value), currency)


def test_amounts_in_order_and_spaces_do_not_merge():
    amounts = find_amounts("报价30万 对方要降价10% 两成 三成")
    assert [(a.kind, a.value) for a in amounts] == [
        ("money", Decimal(300000)),
        ("discount", Decimal("0.1")),
        ("percent", Decimal("0.2")),
        ("percent", Decimal("0.3")),
    ]


def test_percent_is_a_fraction():
    [amount] = find_amounts("比友商贵了百分之十五")
    assert amount.kind == "percent" and amount.value == Decimal("0.15")


@pytest.mark.parametrize(
    ("text", "value"),
    [("一百多万的项目", 1000000), ("十多万", 100000), ("大概五十来万", 500000), ("三万来块", 30000), ("十余万元", 100000)],
)
def test_approximate_money_keeps_the_stated_figure(text, value):
    [amount] = find_amounts(text)
    assert (amount.kind, amount.value, amount.currency) == ("money", Decimal(value), "CNY")
    assert amount.text in text and amount.text[-1] in "万元块"


@pytest.mark.parametrize(
    "text",
    [
        "十万火急 今晚必须恢复", "离上线还差十万八千里", "一万个不愿意",  # idioms made of numerals
        "几十万的单子", "数百万的预算",  # no figure said
        "两万套终端", "一万个账号", "5万台服务器", "一百多人", "they need 50k seats",  # counts of things
    ],
)  # fmt: skip
def test_numbers_that_are_not_money(text):
    assert [a for a in find_amounts(text) if a.kind == "money"] == []


@pytest.mark.parametrize(
    "text",
    ["三百万行不行", "预算五十万只是首期", "五十万本来就不多", "五十万包括实施", "预算五十万批下来了", "五十万根本不够",
     "三百万来买设备", "预算五十万张总说可以"],
)  # fmt: skip
def test_words_after_money_that_only_look_like_a_count(text):
    assert [(a.kind, a.currency) for a in find_amounts(text)] == [("money", "CNY")]


def test_a_count_beside_money_leaves_the_money():
    assert [(a.value, a.currency) for a in find_amounts("明年要上一万个账号 预算三百万")] == [(Decimal(3000000), "CNY")]
