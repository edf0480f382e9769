"""Objection categories, negations and the amounts said with them."""

from decimal import Decimal

import pytest

from crm.parsing.amounts import locate_amounts
from crm.parsing.objections import find_objections
from crm.visits.parse import split_clauses


def objections(text):
    return find_objections(split_clauses(text), locate_amounts(text))


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("他们嫌报价太高", "price"), ("说竞争对手便宜两成", "competitor"), ("老板觉得交付周期太长", "delivery"),
        ("系统故障还没解决 很不满意", "quality"), ("对我们的安全资质有疑虑", "security"), ("要求补充等保三级证明", "security"),
        ("账期太短", "payment"), ("系统太复杂 员工不会用", "complexity"), ("不适合我们行业", "industry_fit"),
        ("今年没预算", "budget"), ("说万一下个月预算批不下来", "budget"), ("the budget might not be approved", "budget"), ("she wants 10% off the annual license", "price"),
        ("they want net 90 payment terms", "payment"), ("worried about GDPR compliance", "security"),
        ("the tool is too complicated", "complexity"), ("the last outage hurt them", "quality"),
        ("she is pushing back on the 3-year term", "other"),
    ],
)  # fmt: skip
def test_category(text, category):
    assert category in [o.category for o in objections(text)]


@pytest.mark.parametrize(
    "text",
    ["关系不错 续约意向明确", "刘工说技术方案没问题", "no objections, send the quote", "没有什么顾虑", "价格不贵 对方很满意",
     "他说明年预算会增加", "贵公司的方案很好", "Jane is not pushing back on anything"],
)  # fmt: skip
def test_not_objections(text):
    assert objections(text) == []


def test_amounts_go_with_their_objection():
    found = {o.category: o for o in objections("他们嫌报价太高，说竞争对手便宜两成。要我们打八五折")}
    assert found["competitor"].amount.value == Decimal("0.2")
    assert found["price"].amount.kind == "discount" and found["price"].amount.value == Decimal("0.15")


def test_discount_request_alone_is_a_price_objection():
    [objection] = objections("wants 10% off")
    assert objection.category == "price" and objection.amount.value == Decimal("0.1")
