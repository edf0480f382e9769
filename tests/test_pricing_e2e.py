"""Pricing through Telegram: a question becomes a computed breakdown with the approval notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.assistant import Assistant
from tests.conftest import REP_ID
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e

CUSTOMERS = Path(__file__).parent / "fixtures" / "customers.csv"


async def ask(fake_telegram: FakeTelegram, text: str) -> tuple[str, list[dict]]:
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, text)
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=30)
    markup = reply.params.get("reply_markup") or {}
    return fake_telegram.messages_text(reply), [b for row in markup.get("inline_keyboard", []) for b in row]


async def press(fake_telegram: FakeTelegram, data: str) -> str:
    mark = fake_telegram.mark()
    fake_telegram.press_button(REP_ID, data, message_id=max(fake_telegram.messages))
    calls = await fake_telegram.wait_for("sendMessage", after=mark, timeout=30)
    return fake_telegram.messages_text(calls[-1])


async def test_list_price_for_a_quantity(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    text, _ = await ask(fake_telegram, "标准版50套多少钱?")
    assert "¥1,200.00" in text and "¥58,800.00" in text  # 50 × 1,200 less the 2% volume break


async def test_discount_beyond_authority_names_the_approver(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    bot.customers.import_file(CUSTOMERS)
    text, buttons = await ask(fake_telegram, "华信科技要打八五折，我能答应吗?")
    assert "华信科技" in text and "IV" in text
    product = next(button for button in buttons if "专业版" in button["text"])
    text = await press(fake_telegram, product["callback_data"])
    assert "需要" in text and "审批" in text  # 15% off is beyond a rep's 12%
    assert "15%" in text


async def test_most_i_can_give_in_english(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    bot.customers.import_file(CUSTOMERS)
    text, _ = await ask(fake_telegram, "What's the most I can give Acme on the Pro plan?")
    assert "Acme" in text and "CNY 2,112.00" in text and "Floor" in text


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("/quote 标准版 -5套", "数量“-5套”不是正数"),
        ("/quote 标准版 1e309套", "看不懂数量“1e309套”"),
        ("/quote 标准版 10^30套", "看不懂数量“10^30套”"),
        ("/quote 标准版 1" + "0" * 30 + "套", "数量“1" + "0" * 30 + "套”太大"),
        ("/quote 标准版 50套 150%", "折扣“150%”不可能"),
        ("标准版50套打150%折扣可以吗?", "折扣“打150%”不可能"),
        ("华信科技要打150%折扣，我能答应吗?", "折扣“打150%”不可能"),  # no product named: still ours
    ],
)
async def test_impossible_quantities_and_discounts_are_named_not_guessed(
    bot: Assistant, fake_telegram: FakeTelegram, text: str, named: str
) -> None:
    reply, _ = await ask(fake_telegram, text)
    assert named in reply
    assert "合计" not in reply and "按 1 套计算" not in reply  # no quote from a guessed number
