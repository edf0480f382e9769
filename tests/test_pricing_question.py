"""Reading price questions: products (with typos), quantities, discounts in every phrasing, payloads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.settings import DEFAULT_PRICING_FILE
from crm.pricing.book import PriceBook, load_price_book
from crm.pricing.matching import find_products, resolve_product
from crm.pricing.question import PriceQuestion, named_value_class, read_quantity, read_question
from crm.pricing.quote import RequestedDiscount
from skills.models import CALLBACK_DATA_LIMIT


class Customers:
    """華信科技 is class IV, Acme Corp class II; matches the name or a short form in the text."""

    RECORDS = [("华信科技", ("华信科技", "华信"), "IV"), ("Acme Corp", ("acme corp", "acme"), "II")]

    def find_value_class(self, name_or_text: str) -> tuple[str, str] | None:
        lowered = name_or_text.lower()
        for name, forms, value_class in self.RECORDS:
            if any(form in lowered for form in forms):
                return name, value_class
        return None


@pytest.fixture(scope="module")
def book() -> PriceBook:
    return load_price_book(DEFAULT_PRICING_FILE)


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("标准版50套多少钱?", "CRM-STD"),
        ("What's the most I can give Acme on the Pro plan?", "CRM-PRO"),
        ("CRM-ENT 报价", "CRM-ENT"),
        ("crm-ent price", "CRM-ENT"),
        ("专业板多少钱", "CRM-PRO"),  # homophone typo: 板 for 版
        ("zhuanyeban 100 tao", "CRM-PRO"),  # pinyin typed out
        ("Enterprize 20 seats", "CRM-ENT"),  # English misspelling
        ("Standrad plan price", "CRM-STD"),
        ("实施20人天多少钱", "SVC-IMPL"),
        ("平板电脑10台", "HW-PAD"),
        ("US data residency for 50 users", "ADD-DRUS"),
    ],
)
def test_products_are_found_by_name_alias_or_typo(book: PriceBook, text: str, sku: str) -> None:
    assert [mention.product.sku for mention in find_products(book, text)] == [sku]


@pytest.mark.parametrize("text", ["华信科技要打八五折", "product procurement review", "企业 2025 版本", "pro-rata"])
def test_no_product_is_invented(book: PriceBook, text: str) -> None:
    assert find_products(book, text) == []


def test_several_products_are_all_reported(book: PriceBook) -> None:
    assert [mention.product.sku for mention in find_products(book, "专业版加实施多少钱")] == ["CRM-PRO", "SVC-IMPL"]
    assert [product.sku for product in resolve_product(book, "crm-pro")] == ["CRM-PRO"]
    assert resolve_product(book, "nothing like it") == []


@pytest.mark.parametrize(
    ("text", "off", "mode"),
    [
        ("华信科技要打八五折，我能答应吗?", "0.15", "total"),
        ("专业版给15%可以吗", "0.15", "total"),
        ("专业版便宜两成行不行", "0.2", "total"),
        ("专业版两成", "0.2", "total"),
        ("专业版让5个点", "0.05", "total"),
        ("Can I give them 10% off on Pro?", "0.1", "total"),
        ("Pro with a 12% discount", "0.12", "total"),
        ("专业版打个九折", "0.1", "total"),
        ("企业版100套再让5个点", "0.05", "extra"),
        ("Pro, an extra 3% on top", "0.03", "extra"),
    ],
)
def test_every_discount_phrasing(book: PriceBook, text: str, off: str, mode: str) -> None:
    question = read_question(book, text)
    assert question.requested is not None
    assert (question.requested.off, question.requested.mode) == (Decimal(off), mode)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("专业版给150%可以吗", "150%"),
        ("专业版 -5%", "-5%"),
        ("专业版打十一折", "十一折"),
        ("Pro at −20%", "−20%"),
    ],
)
def test_a_discount_no_price_can_have_is_named_back_not_read_as_another(book: PriceBook, text: str, said: str) -> None:
    question = read_question(book, text)
    assert question.requested is None
    assert question.impossible_discount == said


def test_an_increase_is_not_a_discount(book: PriceBook) -> None:
    assert read_question(book, "专业版明年涨价5%，现在多少钱").requested is None


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("50套", 50),
        ("50 seats", 50),
        ("1,000 users", 1000),
        ("五十个用户", 50),
        ("两百套", 200),
        ("x 30", 30),
        ("数量：80", 80),
        ("20人天", 20),
        ("给一个优惠", None),  # 一个 is an article, not a quantity
        ("2024年报价", None),
    ],
)
def test_quantities(text: str, quantity: int | None) -> None:
    assert read_quantity(text)[0] == quantity


def test_unusable_quantities_say_why() -> None:
    assert read_quantity("0套") == (None, "zero", "0套")
    assert read_quantity("1.5套") == (None, "fraction", "1.5套")
    assert read_quantity("50套或者100套") == (None, "several", "50套 / 100套")
    assert read_quantity("专业版 50") == (None, None, "")
    assert read_quantity("专业版 50", bare_numbers=True) == (50, None, "50")


@pytest.mark.parametrize(
    ("text", "problem", "said"),
    [
        ("标准版 -5套", "negative", "-5套"),
        ("标准版 负5套", "negative", "负5套"),
        ("标准版 1e309套", "unreadable", "1e309套"),
        ("标准版 10^30套", "unreadable", "10^30套"),
        ("标准版 " + "1" + "0" * 30 + "套", "too_large", "1" + "0" * 30 + "套"),
    ],
)
def test_quantities_that_cannot_be_right_are_named_not_guessed(text: str, problem: str, said: str) -> None:
    assert read_quantity(text) == (None, problem, said)


def test_bare_numbers_glued_to_letters_are_not_read_as_a_quantity() -> None:
    assert read_quantity("标准版 1e309", bare_numbers=True) == (None, "unreadable", "1e309")
    assert read_quantity("标准版 -5", bare_numbers=True) == (None, "negative", "-5")


def test_discount_digits_are_not_read_as_quantity(book: PriceBook) -> None:
    question = read_question(book, "专业版5个点，100套", Customers())
    assert question.quantity == 100
    assert question.requested is not None and question.requested.off == Decimal("0.05")


def test_the_three_example_questions(book: PriceBook) -> None:
    customers = Customers()
    first = read_question(book, "标准版50套多少钱?", customers)
    assert (first.sku, first.quantity, first.customer, first.requested, first.wants_max) == ("CRM-STD", 50, None, None, False)
    second = read_question(book, "华信科技要打八五折，我能答应吗?", customers)
    assert (second.sku, second.customer, second.value_class) == (None, "华信科技", "IV")
    assert second.requested == RequestedDiscount(off=Decimal("0.15"), mode="total", text="打八五折")
    third = read_question(book, "What's the most I can give Acme on the Pro plan?", customers)
    assert (third.sku, third.customer, third.value_class, third.wants_max) == ("CRM-PRO", "Acme Corp", "II", True)


def test_pushing_on_price_is_noticed(book: PriceBook) -> None:
    assert read_question(book, "客户嫌专业版太贵，说竞品便宜两成").pushing
    assert read_question(book, "The customer says Pro is too expensive").pushing
    assert not read_question(book, "标准版50套多少钱?").pushing


def test_payload_round_trip_fits_telegram() -> None:
    question = PriceQuestion(skus=("CRM-PRO",), quantity=500, customer="华信科技", value_class="IV",
                             requested=RequestedDiscount(off=Decimal("0.15")), wants_max=False, pushing=True)
    payload = question.to_payload(CALLBACK_DATA_LIMIT - len("pricing:"))
    assert payload == "p:CRM-PRO;q500;kIV;d0.15;u;n华信科技"
    assert PriceQuestion.from_payload(payload) == question.__class__(**{**question.__dict__, "requested": RequestedDiscount(off=Decimal("0.15"))})
    extra = PriceQuestion(skus=("CRM-ENT",), requested=RequestedDiscount(off=Decimal("0.05"), mode="extra"), wants_max=True)
    assert PriceQuestion.from_payload(extra.to_payload(56)) == extra


def test_long_customer_names_are_dropped_from_the_payload_but_the_class_stays() -> None:
    name = "中国石油天然气股份有限公司华南销售分公司"
    question = PriceQuestion(skus=("CRM-PRO",), quantity=100, customer=name, value_class="III",
                             requested=RequestedDiscount(off=Decimal("0.125")))
    payload = question.to_payload(56)
    assert len(payload.encode("utf-8")) <= 56
    restored = PriceQuestion.from_payload(payload)
    assert (restored.customer, restored.value_class, restored.quantity) == (None, "III", 100)


@pytest.mark.parametrize("payload", ["x:CRM-PRO", "p:CRM-PRO;qlots", "p:CRM-PRO;dhalf"])
def test_bad_payloads_are_refused(payload: str) -> None:
    with pytest.raises(ValueError):
        PriceQuestion.from_payload(payload)


@pytest.mark.parametrize(
    ("text", "value_class"),
    [("三类客户专业版最多能打几折", "III"), ("What discount can a class III customer get?", "III"), ("Ⅳ类客户 50 套", "IV"),
     ("tier 2 pricing for the Pro plan", "II"), ("what discount can a class-III customer get", "III"),
     ("max discount for a tier-4 account", "IV"), ("category II pricing", "II"), ("our III-class clients want more off", "III"),
     ("三類客戶專業版最多能打幾折", "III"),  # Traditional characters
     ("这三类客户怎么报价", None), ("客户分三类", None), ("哪三类客户能打折", None), ("first-class service", None),
     ("a world class team in 2 tiers", None), ("can I class customers by value", None)],
)
def test_a_value_class_named_without_a_customer_is_read(book: PriceBook, text: str, value_class: str | None) -> None:
    assert named_value_class(text) == value_class
    assert read_question(book, text).value_class == value_class
