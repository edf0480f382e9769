"""Questions about customers answered from saved visits, scoped to the asking rep; /customers and /customer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.assistant import Assistant
from crm.customers import CustomerRepository
from skills.models import Reply
from tests.conftest import ADMIN_ID, OTHER_REP_ID, REP_ID
from tests.test_notes_skill import NOW, button_data, kam, say  # noqa: F401 - fixtures

NOTES = [
    (REP_ID, NOW - timedelta(days=7), "今天拜访了华信科技 见了采购部王经理 他们嫌报价太高 说竞争对手便宜两成 下周三下午三点再约技术交流"),
    (REP_ID, NOW - timedelta(days=6), "met Acme Corp's CFO Sarah today, she wants 10% off the annual license, follow up next Tuesday 3pm"),
    (REP_ID, NOW, "蓝海医药张主任反馈上次的系统故障还没解决 很不满意 明天上午十点前必须给答复"),
    (OTHER_REP_ID, NOW - timedelta(days=1), "拜访了金石证券 采购说我们比友商贵了百分之十五 要我们打八五折 后天下午再谈"),
]


@pytest.fixture
def recorded(kam: Assistant, say: Callable[..., Reply]) -> Assistant:  # noqa: F811
    for user_id, moment, text in NOTES:
        card = say(user_id, text, now=moment)
        say(user_id, button=button_data(card, "notes:save:"), now=moment)
    return kam


def test_customer_card_shows_my_visits_followups_and_objections(recorded: Assistant, say) -> None:  # noqa: F811
    reply = say(REP_ID, "华信科技最近怎么样?")
    text = reply.text
    assert "华信科技 · IV类" in text
    assert "王经理（采购部）" in text
    assert "2026-11-11" in text  # the visit date
    assert "11月18日（周三）15:00" in text or "待办跟进" in text
    assert "价格" in text
    assert say(REP_ID, "/customer 华信").text == text


@pytest.mark.parametrize(
    "question", ["上次去华信科技拜访聊了什么？", "what happened at the last visit to 华信科技?", "华信上回谈了啥"]
)
def test_asking_what_happened_at_the_last_visit_opens_the_card(recorded: Assistant, say, question: str) -> None:  # noqa: F811
    text = say(REP_ID, question).text
    assert text.startswith("华信科技 · ") and "2026-11-11" in text


def test_a_short_visit_note_naming_what_was_discussed_stays_a_note(recorded: Assistant) -> None:
    chosen, _ = recorded.router.choose(recorded.request(recorded.users.get(REP_ID), "拜访华信科技，聊了报价，下周三再跟进", now=NOW))
    assert chosen == "notes"


@pytest.mark.parametrize("question", ["哪些客户对服务不满?", "which customers complained about support?"])
def test_which_customers_complained_about_service(recorded: Assistant, say, question: str) -> None:  # noqa: F811
    text = say(REP_ID, question).text
    assert "蓝海医药" in text and "华信科技" not in text  # a quality complaint, not the price objection


def test_another_rep_sees_the_customer_but_not_my_visits(recorded: Assistant, say) -> None:  # noqa: F811
    text = say(OTHER_REP_ID, "华信科技最近怎么样?").text
    assert "华信科技" in text and "还没有你的拜访记录" in text
    assert "2026-11-11" not in text and "待办跟进" not in text and "报价太高" not in text
    admin = say(ADMIN_ID, "华信科技最近怎么样?").text
    assert "2026-11-11" in admin


def test_which_customers_complained_about_price(recorded: Assistant, say) -> None:  # noqa: F811
    mine = say(REP_ID, "哪些客户嫌价格贵?").text
    assert "华信科技" in mine and "Acme Corp" in mine and "2026-11-11" in mine
    assert "金石证券" not in mine  # another rep's visit
    assert "蓝海医药" not in mine  # a quality complaint, not price
    everyone = say(ADMIN_ID, "哪些客户嫌价格贵?").text
    assert "金石证券" in everyone
    english = say(REP_ID, "which customers complained about price?").text
    assert "Acme Corp" in english and "Customers who raised price objections" in english
    quality = say(REP_ID, "哪些客户对质量不满?").text
    assert "蓝海医药" in quality and "华信科技" not in quality


def test_who_did_i_visit_last_week(recorded: Assistant, say) -> None:  # noqa: F811
    reply = say(REP_ID, "我上周拜访了哪些客户?")
    assert "华信科技" in reply.text and "Acme Corp" in reply.text and "蓝海医药" not in reply.text
    assert "金石证券" not in reply.text
    english = say(REP_ID, "who did I visit last week?").text
    assert "last week" in english.lower() and "Acme Corp" in english
    this_week = say(REP_ID, "这周我拜访了哪些客户").text
    assert "蓝海医药" in this_week and "华信科技" not in this_week


def test_which_company_is_a_contact_with(recorded: Assistant, say) -> None:  # noqa: F811
    reply = say(REP_ID, "王经理是哪家公司的?")
    assert "华信科技" in reply.text
    assert button_data(reply, "customers:card:")
    assert "Acme Corp" in say(REP_ID, "which company is Sarah with?").text
    assert "还没有联系人" in say(REP_ID, "赵六是哪家公司的?").text


def test_how_is_acme_doing_in_english(recorded: Assistant, say) -> None:  # noqa: F811
    text = say(REP_ID, "how is Acme doing?").text
    assert "Acme Corp · class II" in text and "Sarah (CFO)" in text and "Latest visits" in text


def test_customers_list_and_add(kam: Assistant, say) -> None:  # noqa: F811
    listing = say(REP_ID, "/customers").text
    assert "华信科技" in listing and "客户（12）" in listing
    added = say(REP_ID, "/customers add 明达机械 装备制造 II").text
    assert "明达机械 · II类 · 装备制造" in added
    customer = CustomerRepository(kam.store).find_by_name("明达机械")
    assert customer is not None and customer.owner_id == REP_ID
    assert "明达机械" in say(REP_ID, "/customers").text
    assert "明达机械" in say(OTHER_REP_ID, "/customers").text  # the customer list is shared (docs/security.md)
    assert "明达机械" in say(ADMIN_ID, "/customers").text
    assert "已存在" in say(REP_ID, "/customers add 华信科技").text
    english = say(REP_ID, "/customers add Globex Corporation, Retail, 3").text
    assert "Globex Corporation" in english and "III" in english


def test_unknown_and_ambiguous_customer(kam: Assistant, say) -> None:  # noqa: F811
    assert "没找到" in say(REP_ID, "/customer 完全不存在的公司").text
    reply = say(REP_ID, "/customer 华心")
    labels = {button.label for row in reply.buttons for button in row}
    assert {"华信科技", "华新建材"} <= labels
    card = say(REP_ID, button=next(b.data for row in reply.buttons for b in row if b.label == "华新建材"))
    assert "华新建材 · III类" in card.text
