"""End to end through python-telegram-bot, httpx long polling and the fake Bot API server."""

from __future__ import annotations

import pytest

from bot.assistant import Assistant
from tests.conftest import ADMIN_ID, REP_ID, STRANGER_ID
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e


def to(user_id: int):
    return lambda call: int(call.params["chat_id"]) == user_id


async def test_start_and_help(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/start", first_name="小王")
    [welcome] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    assert "小王" in welcome.params["text"]
    assert welcome.params["parse_mode"] == "HTML"
    assert bot.users.get(REP_ID).name == "小王"

    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/help")
    [help_message] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    for skill in bot.skills:
        for spec in skill.commands:
            assert f"/{spec.name}" in help_message.params["text"]
    assert bot.users.get(REP_ID).role == "rep"
    logged = list(bot.store.db.query("select text, skill from messages where user_id = ?", [REP_ID]))
    assert [row["text"] for row in logged] == ["/start", "/help"]


async def test_unknown_user_gets_only_the_refusal(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    mark = fake_telegram.mark()
    fake_telegram.send_text(STRANGER_ID, "/help")
    [refusal] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(STRANGER_ID))
    assert "权限" in refusal.params["text"]
    assert "/help" not in refusal.params["text"] and "reply_markup" not in refusal.params
    fake_telegram.press_button(STRANGER_ID, "system:anything")
    await fake_telegram.wait_for("answerCallbackQuery", after=mark)
    assert bot.users.find(STRANGER_ID) is None
    assert list(bot.store.db.query("select count(*) n from messages"))[0]["n"] == 0
    attempts = list(bot.store.db.query("select telegram_id, text from access_attempts"))
    assert attempts[0] == {"telegram_id": STRANGER_ID, "text": "/help"}
    assert len(fake_telegram.sent("sendMessage", after=mark)) == 1


async def test_invite_code_registers_a_new_rep(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    newcomer = 4242
    mark = fake_telegram.mark()
    fake_telegram.send_text(newcomer, "/start wrong-code")
    await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(newcomer))
    assert bot.users.find(newcomer) is None
    mark = fake_telegram.mark()
    fake_telegram.send_text(newcomer, "/start join-kam", first_name="Lily")
    [welcome] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(newcomer))
    assert "Lily" in welcome.params["text"]
    assert bot.users.get(newcomer).role == "rep"
    mark = fake_telegram.mark()
    fake_telegram.send_text(newcomer, "/help")
    [help_message] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(newcomer))
    assert "/help" in help_message.params["text"]


async def test_user_text_is_escaped(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/nosuchcommand <script>alert(1)</script> & <b>")
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    # The fake server rejects bad HTML like Telegram, so arriving at all means it was escaped.
    assert reply.status == 200
    assert "/nosuchcommand" in reply.params["text"]


async def test_long_reply_is_split_under_the_limit(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    from bot.telegram.send import send_reply
    from skills.models import Reply

    text = "\n".join(f"第{i}行：客户价值 <重要> & 跟进" * 3 for i in range(400))
    application_bot = None
    # Use the running application's bot to send directly, like a scheduled job would.
    from telegram import Bot
    from telegram.request import HTTPXRequest

    application_bot = Bot(bot.settings.telegram_bot_token or "", base_url=bot.settings.telegram_base_url,
                          request=HTTPXRequest(httpx_kwargs={"trust_env": False}))
    async with application_bot:
        mark = fake_telegram.mark()
        await send_reply(application_bot, REP_ID, Reply.of(text))
    parts = fake_telegram.sent("sendMessage", after=mark)
    assert len(parts) > 1
    assert all(call.status == 200 for call in parts)
    rebuilt = "\n".join(fake_telegram.messages_text(call) for call in parts)
    assert rebuilt.replace("\n", "") == text.replace("\n", "")


async def test_injected_429_is_retried(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    fake_telegram.fail_next("sendMessage", 429, retry_after=1)
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/help")
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    attempts = [call for call in fake_telegram.calls[mark + 1:] if call.method == "sendMessage"]
    assert [call.status for call in attempts][:2] == [429, 200]
    assert "/help" in reply.params["text"]


async def test_injected_5xx_does_not_kill_the_bot(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    fake_telegram.fail_next("sendMessage", 500)
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/start")
    await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))  # the apology
    mark = fake_telegram.mark()
    fake_telegram.send_text(ADMIN_ID, "/help")
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(ADMIN_ID))
    assert "/help" in reply.params["text"]
    assert bot.users.get(ADMIN_ID).role == "admin"
