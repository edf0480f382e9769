"""An opportunity end to end: a note with a budget over Telegram -> card -> Save -> /opps; scoped per rep."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assistant import Assistant
from crm.customers import CustomerRepository
from tests.conftest import OTHER_REP_ID, REP_ID
from tests.fake_telegram import FakeTelegram
from tests.test_notes_e2e import buttons, message_id_of, send, to

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent / "fixtures"
NOTE = "今天去了花信科技 见了信息部的王经理 他们预算大概200万 下季度要扩容 主要是服务器这块"


async def test_budget_note_saved_then_pipeline(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    CustomerRepository(bot.store).import_file(FIXTURES / "customers.csv")

    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, NOTE)
    [card] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    text = fake_telegram.messages_text(card)
    assert "华信科技" in text and "商机：扩容 · 200万 CNY · 预计" in text
    labels = {button["text"]: button["callback_data"] for button in buttons(card)}
    assert set(labels) == {"保存", "修改", "丢弃", "不是商机"}

    mark = fake_telegram.mark()
    fake_telegram.press_button(REP_ID, labels["保存"], message_id=message_id_of(fake_telegram, REP_ID, "拜访记录"))
    [edited] = await fake_telegram.wait_for("editMessageText", after=mark)
    assert "已创建 1 个商机" in fake_telegram.messages_text(edited)
    [row] = list(bot.store.db.query("select * from opportunities"))
    [visit] = list(bot.store.db.query("select id from visits"))
    assert (row["user_id"], row["source_visit_id"], row["amount"], row["stage"]) == (REP_ID, visit["id"], "2000000", "lead")

    pipeline = await send(fake_telegram, REP_ID, "/opps")
    assert "我的销售漏斗（1 个进行中）" in pipeline
    assert "华信科技 · 扩容 · 200万 CNY · 线索 10%" in pipeline
    assert "加权合计：20万 CNY" in pipeline

    card = await send(fake_telegram, REP_ID, "/customer 华信科技")
    assert "扩容 · 200万 CNY" in card and "线索 10%" in card and "lead" not in card  # the stage in the rep's language

    theirs = await send(fake_telegram, OTHER_REP_ID, "/opps")
    assert "还没有进行中的商机" in theirs and "华信" not in theirs and "200万" not in theirs


async def test_team_view_shows_all_three_to_an_admin_and_nothing_to_a_rep(
    bot: Assistant, fake_telegram: FakeTelegram
) -> None:
    from datetime import date, timedelta

    from tests.conftest import ADMIN_ID

    CustomerRepository(bot.store).import_file(FIXTURES / "customers.csv")
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, NOTE)
    [card] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    labels = {button["text"]: button["callback_data"] for button in buttons(card)}
    fake_telegram.press_button(REP_ID, labels["保存"], message_id=message_id_of(fake_telegram, REP_ID, "拜访记录"))
    await fake_telegram.wait_for("editMessageText", after=mark)
    customer = bot.customers.find_by_name("华信科技")
    assert customer is not None
    bot.contracts.create(REP_ID, customer_id=customer.id, number="HT-9", end=date.today() + timedelta(days=20))
    opened = await send(fake_telegram, REP_ID, "/case 华信 系统宕机 紧急")
    assert "已新建工单" in opened
    bot.store.db.execute("update cases set due_utc = '2000-01-01T00:00:00+00:00'")  # past its target
    team = await send(fake_telegram, ADMIN_ID, "/team")
    assert "Rep: 线索 1 → 20万 CNY" in team  # the pipeline by rep (the fake Telegram's first name)
    assert "90天内到期的合同（1）" in team and "HT-9" in team
    assert "超过响应时限的工单（1）" in team and "故障·紧急 @Rep" in team
    denied = await send(fake_telegram, OTHER_REP_ID, "/team")
    assert "只对管理员开放" in denied and "HT-9" not in denied and "华信" not in denied
