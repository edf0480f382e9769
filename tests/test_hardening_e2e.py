"""Hardening through the real stack: groups, huge and slow messages, and other reps never held up."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from bot.assistant import MAX_MESSAGE_CHARS, Assistant
from crm.users import UserRepository
from tests.conftest import OTHER_REP_ID, REP_ID, STRANGER_ID
from tests.fake_telegram import FakeTelegram

GROUP_ID = -100123


async def test_groups_get_one_notice_and_no_data(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    UserRepository(bot.store).upsert(REP_ID, name="rep", timezone_name="Asia/Shanghai", registered_via="allowlist")
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/customer 华信科技", group_id=GROUP_ID)
    fake_telegram.send_text(REP_ID, "/followups", group_id=GROUP_ID)
    fake_telegram.send_text(STRANGER_ID, "hello", group_id=GROUP_ID)
    [notice] = await fake_telegram.wait_for("sendMessage", after=mark)
    fake_telegram.send_text(REP_ID, "/help")  # a private message after them: the group ones are done by then
    await fake_telegram.wait_for("sendMessage", after=mark, predicate=lambda call: int(call.params["chat_id"]) == REP_ID)
    to_group = [c for c in fake_telegram.sent("sendMessage", after=mark) if int(c.params["chat_id"]) == GROUP_ID]
    assert to_group == [notice] and "私聊" in notice.params["text"]
    assert "华信" not in notice.params["text"] and "没有使用权限" not in notice.params["text"]
    assert bot.store.db.execute("select count(*) from messages").fetchone()[0] == 1  # only the private /help


async def test_a_huge_message_gets_a_clear_reply(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "拜访华信科技。" * 8000)
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark)
    assert f"{MAX_MESSAGE_CHARS}" in reply.params["text"] and "分成几条" in reply.params["text"]
    assert bot.store.db.execute("select count(*) from raw_notes").fetchone()[0] == 0


async def test_a_slow_message_does_not_hold_up_another_rep(
    bot: Assistant, fake_telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    slow_skill = bot.router.skills["ask"]
    original = slow_skill.handle

    def slow(request):  # rep A's question takes until rep B has had an answer
        if request.user.id == REP_ID:
            assert release.wait(timeout=30)
        return original(request)

    monkeypatch.setattr(slow_skill, "handle", slow)
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "怎么提高客户的转移成本？")
    await asyncio.sleep(0.2)
    fake_telegram.send_text(OTHER_REP_ID, "/help")
    [help_reply] = await fake_telegram.wait_for("sendMessage", after=mark)
    assert int(help_reply.params["chat_id"]) == OTHER_REP_ID  # B answered while A's work was still running
    release.set()
    await fake_telegram.wait_for(
        "sendMessage", after=mark, predicate=lambda call: int(call.params["chat_id"]) == REP_ID
    )


async def test_one_reps_messages_are_answered_in_order(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    mark = fake_telegram.mark()
    for text in ("/lang en", "/help", "/lang zh", "/help"):
        fake_telegram.send_text(REP_ID, text)
    replies = await fake_telegram.wait_for(
        "sendMessage", after=mark, predicate=lambda call: int(call.params["chat_id"]) == REP_ID, count=4
    )
    texts = [fake_telegram.messages_text(call) for call in replies[:4]]
    assert "English" in texts[0] and "Here is what I can do" in texts[1]
    assert "中文" in texts[2] and "我能帮你做这些" in texts[3]


async def test_no_token_and_no_message_body_in_any_log_line_at_debug(
    bot_settings, fake_telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.assistant import build_assistant
    from tests.conftest import running_bot
    from tests.fake_telegram import TOKEN

    caplog.set_level(logging.DEBUG)
    assistant = build_assistant(bot_settings)
    body = "华信科技王经理说预算紧张 secret-body-7731"
    async with running_bot(assistant):
        mark = fake_telegram.mark()
        fake_telegram.send_text(REP_ID, f"/note {body}")
        [card] = await fake_telegram.wait_for("sendMessage", after=mark)
        fake_telegram.press_button(REP_ID, next(
            b["callback_data"] for row in card.params["reply_markup"]["inline_keyboard"] for b in row
            if b["callback_data"].startswith("notes:discard:")))  # fmt: skip
        fake_telegram.send_text(REP_ID, "客户嫌价格太高怎么办 secret-question-5519")
        await fake_telegram.wait_for("sendMessage", after=mark, count=3)
    assistant.store.close()
    lines = [record.getMessage() + "\n" + (record.exc_text or "") for record in caplog.records]
    assert len(lines) > 20  # DEBUG really was on
    assert not [line for line in lines if TOKEN in line]
    assert not [line for line in lines if "secret-body-7731" in line or "secret-question-5519" in line]
    assert not [line for line in lines if "王经理说预算" in line]
