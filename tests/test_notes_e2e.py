"""A dictated visit note end to end: Telegram message -> card -> Save button -> SQLite -> questions answered."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.assistant import Assistant
from crm.customers import CustomerRepository
from tests.conftest import OTHER_REP_ID, REP_ID
from tests.fake_telegram import Call, FakeTelegram

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent / "fixtures"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOTE = "今天下午去了花信科技 见了采购部王经理 他们嫌报价太高 说竞争对手便宜两成 下周三下午三点再约技术交流"


def to(user_id: int):
    return lambda call: int(call.params["chat_id"]) == user_id


def buttons(call: Call) -> list[dict]:
    markup = call.params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def message_id_of(fake_telegram: FakeTelegram, user_id: int, text: str) -> int:
    """The id the fake server gave the bot's latest message to `user_id` containing `text`."""
    return max(mid for mid, message in fake_telegram.messages.items()
               if message["chat"]["id"] == user_id and text in message.get("text", ""))  # fmt: skip


def next_wednesday(today: date) -> date:
    """下周三: Wednesday of next ISO week."""
    return today - timedelta(days=today.weekday()) + timedelta(days=7 + 2)


@pytest.fixture
def customers_loaded(bot: Assistant) -> Assistant:
    report = CustomerRepository(bot.store).import_file(FIXTURES / "customers.csv")
    assert report.errors == [] and report.created == 12
    return bot


async def send(fake_telegram: FakeTelegram, user_id: int, text: str) -> str:
    mark = fake_telegram.mark()
    fake_telegram.send_text(user_id, text)
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(user_id))
    return fake_telegram.messages_text(reply)


async def test_dictated_note_to_saved_visit_and_scoped_answers(
    customers_loaded: Assistant, fake_telegram: FakeTelegram
) -> None:
    bot = customers_loaded
    today = datetime.now(SHANGHAI).date()
    wednesday = next_wednesday(today)

    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, NOTE)
    [card] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    text = fake_telegram.messages_text(card)
    assert "华信科技" in text and "IV类" in text
    assert "王经理（采购部）" in text
    assert "价格" in text and "竞争对手" in text and "20%" in text
    assert f"{wednesday.month}月{wednesday.day}日（周三）15:00" in text
    [raw] = list(bot.store.db.query("select * from raw_notes"))
    assert raw["text"] == NOTE and raw["status"] == "draft"
    labels = {button["text"]: button["callback_data"] for button in buttons(card)}
    assert labels == {"保存": f"notes:save:{raw['id']}", "修改": f"notes:edit:{raw['id']}",
                      "丢弃": f"notes:discard:{raw['id']}"}  # fmt: skip

    mark = fake_telegram.mark()
    card_id = message_id_of(fake_telegram, REP_ID, "拜访记录")
    fake_telegram.press_button(REP_ID, labels["保存"], message_id=card_id)
    [edited] = await fake_telegram.wait_for("editMessageText", after=mark)
    [answer] = await fake_telegram.wait_for("answerCallbackQuery", after=mark)
    assert "已保存" in fake_telegram.messages_text(edited) and answer.params.get("text") == "已保存"
    assert int(edited.params["message_id"]) == card_id and not buttons(edited)

    [visit] = list(bot.store.db.query(
        "select v.*, c.name as customer from visits v join customers c on c.id = v.customer_id"))  # fmt: skip
    assert visit["customer"] == "华信科技" and visit["user_id"] == REP_ID and visit["visit_date"] == today.isoformat()
    objections = {row["category"]: row["amount"] for row in bot.store.db.query("select * from visit_objections")}
    assert "price" in objections and "-20%" in objections.values()
    [followup] = list(bot.store.db.query("select * from followups"))
    due = datetime.combine(wednesday, datetime.min.time().replace(hour=15), tzinfo=SHANGHAI)
    assert datetime.fromisoformat(followup["due_utc"]) == due
    assert (followup["user_id"], followup["visit_id"], followup["status"]) == (REP_ID, visit["id"], "open")
    assert bot.users.get(REP_ID).role == "rep"

    mine = await send(fake_telegram, REP_ID, "华信科技最近怎么样?")
    assert today.isoformat() in mine and "待办跟进" in mine and "王经理（采购部）" in mine and "价格" in mine

    company = await send(fake_telegram, REP_ID, "王经理是哪家公司的?")
    assert "华信科技" in company

    price = await send(fake_telegram, REP_ID, "哪些客户嫌价格贵?")
    assert "华信科技" in price and today.isoformat() in price

    theirs = await send(fake_telegram, OTHER_REP_ID, "华信科技最近怎么样?")
    assert "华信科技" in theirs and "还没有你的拜访记录" in theirs
    assert today.isoformat() not in theirs and "待办跟进" not in theirs and "报价太高" not in theirs
    assert "华信科技" not in await send(fake_telegram, OTHER_REP_ID, "哪些客户嫌价格贵?")

    mark = fake_telegram.mark()
    fake_telegram.press_button(OTHER_REP_ID, labels["保存"], message_id=card_id)  # not their note
    await fake_telegram.wait_for("answerCallbackQuery", after=mark)
    assert bot.store.db.execute("select count(*) from visits").fetchone()[0] == 1


async def test_edit_by_text_then_discard(customers_loaded: Assistant, fake_telegram: FakeTelegram) -> None:
    bot = customers_loaded
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/note 见了华信科技王经理 他们嫌报价太高 下周三下午三点再约")
    [card] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    labels = {button["text"]: button["callback_data"] for button in buttons(card)}

    mark = fake_telegram.mark()
    fake_telegram.press_button(REP_ID, labels["修改"], message_id=message_id_of(fake_telegram, REP_ID, "拜访记录"))
    [prompt] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    assert "客户是" in fake_telegram.messages_text(prompt)

    corrected = await send(fake_telegram, REP_ID, "客户是华新建材")
    assert "华新建材（III类）" in corrected

    mark = fake_telegram.mark()
    fake_telegram.press_button(REP_ID, labels["丢弃"], message_id=message_id_of(fake_telegram, REP_ID, "华新建材"))
    [edited] = await fake_telegram.wait_for("editMessageText", after=mark)
    assert "已丢弃" in fake_telegram.messages_text(edited)
    assert [row["status"] for row in bot.store.db.query("select status from raw_notes")] == ["discarded"]
    assert bot.store.db.execute("select count(*) from visits").fetchone()[0] == 0


@pytest.mark.parametrize("blank", ["   ", "\u3000\u3000", "\u200b"])
async def test_a_blank_message_after_note_is_not_saved_as_a_note(
    bot: Assistant, fake_telegram: FakeTelegram, blank: str
) -> None:
    assert "拜访" in await send(fake_telegram, REP_ID, "/note")
    reply = await send(fake_telegram, REP_ID, blank)
    assert "空白" in reply and "没有记录" in reply
    assert bot.visits.drafts(REP_ID) == []
    # still waiting: the next real message is the note
    assert "花信科技" in await send(fake_telegram, REP_ID, NOTE)
