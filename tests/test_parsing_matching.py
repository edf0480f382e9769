"""Customer matching: homophones, short names, English names, ambiguity and unknown companies."""

import pytest

from crm.parsing.matching import (
    CustomerIndex,
    CustomerRef,
    core_of,
    find_company_name,
    match_customer,
)

CUSTOMERS = [
    CustomerRef(id=1, name="华信科技"),
    CustomerRef(id=2, name="华新建材"),
    CustomerRef(id=3, name="远大物流"),
    CustomerRef(id=4, name="Acme Corp", aliases=["艾克美"]),
    CustomerRef(id=5, name="北辰软件"),
    CustomerRef(id=6, name="中联重工"),
]


@pytest.fixture(scope="module")
def index():
    return CustomerIndex.build(CUSTOMERS)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("今天拜访了华信科技", "华信科技"),
        ("花信科技的王经理", "华信科技"),  # voice-to-text homophone
        ("华兴科技的人来了", "华信科技"),  # near-homophone (xing/xin)
        ("华信的王经理又打电话", "华信科技"),
        ("华新那边的陈经理", "华新建材"),  # 华新 and 华信 sound the same; the characters decide
        ("met Acme Corp's CFO Sarah", "Acme Corp"),
        ("ACME CORP wants a discount", "Acme Corp"),
        ("艾克美的采购", "Acme Corp"),  # alias
        ("called Beichen Software (北辰软件)", "北辰软件"),
        ("spoke to Beichen about the renewal", "北辰软件"),  # pinyin of the name's core
        ("中连重工 老板说", "中联重工"),
    ],
)
def test_auto_matches(index, text, name):
    match = index.match(text)
    assert match is not None and match.status == "auto", match
    assert match.customer.name == name
    assert match.said in text


def test_said_is_the_span_matched(index):
    match = index.match("嗯 花信科技 王经理")
    assert match.said == "花信科技" and match.candidates[0].customer.name == "华信科技"


def test_equally_close_names_are_ambiguous(index):
    match = index.match("华兴的刘工说")  # xing is as far from xin (华信) as from xin (华新)
    assert match.status == "ambiguous" and match.customer is None
    assert {c.customer.name for c in match.candidates} == {"华信科技", "华新建材"}


@pytest.mark.parametrize(("text", "said"), [("新客户宏达电器的刘总", "宏达电器"), ("visited Globex Inc today", "Globex Inc")])
def test_unknown_company(index, text, said):
    match = index.match(text)
    assert match.status == "unknown" and match.customer is None and match.said == said


def test_nothing_company_like(index):
    assert index.match("今天天气不错") is None


def test_match_customer_reuses_an_index_for_the_same_list():
    first = match_customer("华信科技", CUSTOMERS)
    assert first.customer.id == 1
    assert match_customer("华信科技", CUSTOMERS).customer.id == 1


def test_core_and_company_name():
    assert core_of("华信科技") == "华信" and core_of("Acme Corp") == "Acme"
    assert find_company_name("我们跟竞争对手宏达电器比") == ("宏达电器", 7, 11)


def test_five_hundred_customers_index_once():
    customers = [CustomerRef(id=n, name=f"客户{n:03d}科技") for n in range(500)] + CUSTOMERS
    index = CustomerIndex.build(customers)
    assert index.match("花信科技的王经理").customer.name == "华信科技"


def test_names_said_by_ear_match_and_words_that_only_sound_alike_do_not():
    customers = [
        CustomerRef(id=1, name="青禾农业", aliases=["Qinghe Agriculture"]),
        CustomerRef(id=2, name="星河传媒", aliases=["Xinghe Media"]),
        CustomerRef(id=3, name="长风汽车", aliases=["Changfeng Auto"]),
        CustomerRef(id=4, name="天际航空", aliases=["Tianji Airlines"]),
        CustomerRef(id=5, name="国泰制药"),
        CustomerRef(id=6, name="华新建材", aliases=["Huaxin Building Materials"]),
        CustomerRef(id=7, name="华信科技", aliases=["Huaxin"]),
    ]
    index = CustomerIndex.build(customers)
    for said, expected in [
        ("昨天去了一趟清和农业", 1),  # every syllable right, the characters guessed
        ("uh Shinghe Media, their content team", 2),  # x heard as sh
        ("今天在常风汽车两江基地", 3),  # 长 read chang, not zhang
        ("quick one on Tianjee Airlines", 4),
        ("Account: Huaxin Building Materials (Wuhan)", 6),  # holds another customer's alias
    ]:
        match = index.match(said)
        assert match is not None and match.status == "auto" and match.customer.id == expected, said
    assert index.match("Huaxin said the price is high").status == "ambiguous"
    # "get" sounds like guotai to the sound key, but is spelt nothing like it
    assert index.match("yesterday I dropped by Harbourview Dental Group to get a feel").status == "unknown"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("拜访远大制造，赵工说设备老是报警", "远大制造"),  # 远大物流 is on file, 远大制造 may be another company
        ("华信软件的王总约了下周", "华信软件"),
        ("Met Acme Logistics about their warehouse", "Acme Logistics"),
    ],
)
def test_a_name_said_with_another_line_of_business_is_confirmed_not_assumed(index, text, said):
    match = index.match(text)
    assert match.status == "ambiguous" and match.customer is None
    assert match.said == said  # so "新建客户：远大制造" is offered beside the customer on file


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("远大物流的设备老是报警", "远大物流"),  # its own line of business
        ("华信技术部的王工", "华信科技"),  # a department, not a company
        ("华信的电子合同到期了", "华信科技"),
        ("Acme tech team wants a demo", "Acme Corp"),
    ],
)
def test_a_department_or_the_customers_own_line_of_business_still_matches(index, text, name):
    match = index.match(text)
    assert match.status == "auto" and match.customer.name == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Met Huaxin Technology's CIO", "华信科技"),  # the alias "Huaxin Tech" spelt out
        ("called Hengtong Electronics today", "恒通电子"),  # the Chinese name's line of business in English
        ("spoke with Beichen Software's IT manager", "北辰软件"),
        ("visited Lanhai Pharma, Dr. Chen complained", "蓝海医药"),
    ],
)
def test_a_line_of_business_spelt_out_or_translated_is_still_the_customers_own(text, name):
    index = CustomerIndex.build([CustomerRef(id=1, name="华信科技", aliases=["Huaxin Tech"]), CustomerRef(id=2, name="恒通电子"),
                                 CustomerRef(id=3, name="北辰软件"), CustomerRef(id=4, name="蓝海医药")])  # fmt: skip
    match = index.match(text)
    assert match.status == "auto" and match.customer.name == name
