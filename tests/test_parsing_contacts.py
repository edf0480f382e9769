"""Contacts: surname + title in Chinese, names and roles in English."""

import pytest

from crm.parsing.contacts import find_contacts


def names(text, **kwargs):
    return [(c.name, c.title, c.department) for c in find_contacts(text, **kwargs)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("见了采购部王经理", [("王经理", "经理", "采购部")]),
        ("李总 刘工 张主任 周处长 钱总监", [("李总", "总", None), ("刘工", "工", None), ("张主任", "主任", None),
                                            ("周处长", "处长", None), ("钱总监", "总监", None)]),
        ("周女士和陈先生", [("周女士", "女士", None), ("陈先生", "先生", None)]),
        ("赵老师 孙部长", [("赵老师", "老师", None), ("孙部长", "部长", None)]),
        ("IT部门的张主任", [("张主任", "主任", "IT部门")]),
        ("财务的李总说", [("李总", "总", "财务")]),
        ("天际航空信息中心周处长", [("周处长", "处长", "信息中心")]),
        ("欧阳经理", [("欧阳经理", "经理", None)]),
        ("小王说下周给答复", [("小王", None, None)]),
    ],
)  # fmt: skip
def test_chinese(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(
    "text", ["总经理办公室的人说经理不在", "李总结了一下", "刘工作很忙", "老板觉得太贵", "施工队下周进场", "一个小时后"]
)
def test_chinese_non_contacts(text):
    assert names(text) == []


def test_customer_name_is_not_a_department():
    assert names("跟远大物流的李总吃饭", skip_span=(1, 5)) == [("李总", "总", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("met Acme Corp's CFO Sarah today", [("Sarah", "CFO", None)]),
        ("John from IT wants a demo", [("John", None, "IT")]),
        ("their procurement manager Mike said no", [("Mike", "procurement manager", "procurement")]),
        ("the CFO is worried about price", [("CFO", "CFO", None)]),
        ("spoke with Mr. Sun in IT", [("Mr. Sun", None, "IT")]),
        ("met with Sarah Lee, the CFO, and David from procurement",
         [("Sarah Lee", "CFO", None), ("David", None, "procurement")]),
    ],
)  # fmt: skip
def test_english(text, expected):
    assert names(text, exclude=["Acme Corp"]) == expected


def test_english_surname_is_kept():
    [contact] = find_contacts("spoke with Mr. Sun in IT")
    assert contact.surname == "Sun"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Acme CFO said the budget is frozen", [("CFO", "CFO", None)]),
        ("call their CIO tomorrow", [("CIO", "CIO", None)]),
        ("对方财务总监说再等等", [("财务总监", "总监", "财务")]),
        ("客户的采购经理下周来", [("采购经理", "经理", "采购")]),
        ("见了对方王总", [("王总", "总", None)]),
    ],
)  # fmt: skip
def test_contacts_named_only_by_role(text, expected):
    assert names(text) == expected
