"""Hostile ids and characters through Telegram: a friendly reply, never a traceback (hardening #11)."""

from __future__ import annotations

import logging

import pytest

from bot.assistant import Assistant
from tests.conftest import REP_ID
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e

HUGE = "9" * 23


async def _reply_to_press(fake_telegram: FakeTelegram, data: str) -> str:
    mark = fake_telegram.mark()
    fake_telegram.press_button(REP_ID, data)
    await fake_telegram.wait_for("answerCallbackQuery", after=mark)
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark)
    return fake_telegram.messages_text(reply)


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "data",
    [
        f"notes:save:{HUGE}", f"followups:done:{HUGE}", f"customers:card:{HUGE}",
        f"ask:v:{HUGE}:1", f"ask:p:1:{HUGE}", "notes:save:²", "followups:done:²", "customers:card:²", "ask:v:²:1",
        "ask:p:1:²", "followups:snooze:²:1h",
    ],
)
async def test_a_button_with_a_bad_id_is_no_longer_valid(
    bot: Assistant, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    with caplog.at_level(logging.INFO):
        reply = await _reply_to_press(fake_telegram, data)
    assert "已失效" in reply or "no longer valid" in reply
    assert _tracebacks(caplog) == []


async def test_a_note_button_with_a_huge_customer_id(
    bot: Assistant, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "今天拜访了某某公司王经理 下周三再约")
    await fake_telegram.wait_for("sendMessage", after=mark)
    note_id = bot.visits.drafts(REP_ID)[0].id
    with caplog.at_level(logging.INFO):
        reply = await _reply_to_press(fake_telegram, f"notes:pick:{note_id}:{HUGE}")
    assert "已失效" in reply or "不存在" in reply
    assert _tracebacks(caplog) == []


async def test_lone_surrogates_in_a_message_are_replaced(
    bot: Assistant, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    mark = fake_telegram.mark()
    with caplog.at_level(logging.INFO):
        fake_telegram.send_text(REP_ID, "/note 今天拜访了华信科技\ud800王经理 下周三再约")
        [reply] = await fake_telegram.wait_for("sendMessage", after=mark)
    assert "抱歉" not in fake_telegram.messages_text(reply) and "Sorry" not in fake_telegram.messages_text(reply)
    [note] = bot.visits.drafts(REP_ID)
    assert "\ud800" not in note.text and "华信科技\ufffd王经理" in note.text
    assert _tracebacks(caplog) == []


async def test_a_duration_beyond_any_calendar_gets_a_friendly_reply(
    bot: Assistant, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    mark = fake_telegram.mark()
    with caplog.at_level(logging.INFO):
        fake_telegram.send_text(REP_ID, "提醒我99999999999999999999小时后给王经理打电话")
        [reply] = await fake_telegram.wait_for("sendMessage", after=mark)
    text = fake_telegram.messages_text(reply)
    assert "抱歉" not in text and "99999999999999999999小时" in text
    assert _tracebacks(caplog) == []


async def test_lone_surrogates_in_the_sender_name_are_replaced(
    bot: Assistant, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    mark = fake_telegram.mark()
    with caplog.at_level(logging.INFO):
        fake_telegram.send_text(REP_ID, "/help", first_name="王\udc80")
        [reply] = await fake_telegram.wait_for("sendMessage", after=mark)
    assert "抱歉" not in fake_telegram.messages_text(reply)
    assert bot.users.get(REP_ID).name == "王\ufffd"
    assert _tracebacks(caplog) == []
