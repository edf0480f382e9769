"""A reply still being worked on after KAM_SLOW_REPLY_SECONDS shows "正在处理…" first, then becomes the reply."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from tests.conftest import OTHER_REP_ID, REP_ID, running_bot
from tests.fake_telegram import FakeTelegram


@pytest.fixture
def slow_bot_settings(make_settings: Callable[..., Settings], fake_telegram: FakeTelegram) -> Settings:
    return make_settings(telegram_base_url=fake_telegram.base_url, telegram_base_file_url=fake_telegram.base_file_url,
                         slow_reply_seconds=0.2)  # fmt: skip


def _held_for(assistant: Assistant, rep: int, release: threading.Event) -> Callable:
    original = assistant.handle

    def handle(request):  # this rep's message takes until the test releases it
        if request.user.id == rep:
            assert release.wait(timeout=30)
        return original(request)

    return handle


async def test_a_slow_reply_shows_working_on_it_then_becomes_the_reply(
    slow_bot_settings: Settings, fake_telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    assistant = build_assistant(slow_bot_settings)
    release = threading.Event()
    monkeypatch.setattr(assistant, "handle", _held_for(assistant, REP_ID, release))
    async with running_bot(assistant):
        mark = fake_telegram.mark()
        fake_telegram.send_text(REP_ID, "/help")
        [shown] = await fake_telegram.wait_for("sendMessage", after=mark)
        assert int(shown.params["chat_id"]) == REP_ID and fake_telegram.messages_text(shown) == "正在处理…"
        fake_telegram.send_text(OTHER_REP_ID, "/help")  # another rep is answered at once, with no placeholder
        replies = await fake_telegram.wait_for("sendMessage", after=mark, count=2)
        assert int(replies[1].params["chat_id"]) == OTHER_REP_ID
        assert "我能帮你做这些" in fake_telegram.messages_text(replies[1])
        release.set()
        [edit] = await fake_telegram.wait_for("editMessageText", after=mark)
        assert int(edit.params["chat_id"]) == REP_ID and "我能帮你做这些" in edit.params["text"]
        # the reply went into the placeholder: no second message to the slow rep
        assert [int(call.params["chat_id"]) for call in fake_telegram.sent("sendMessage", after=mark)] == [REP_ID, OTHER_REP_ID]
    assistant.store.close()


async def test_a_quick_reply_has_no_placeholder(slow_bot_settings: Settings, fake_telegram: FakeTelegram) -> None:
    assistant = build_assistant(slow_bot_settings.model_copy(update={"slow_reply_seconds": 30.0}))
    async with running_bot(assistant):
        mark = fake_telegram.mark()
        fake_telegram.send_text(REP_ID, "/help")
        [reply] = await fake_telegram.wait_for("sendMessage", after=mark)
        assert "我能帮你做这些" in fake_telegram.messages_text(reply)
        assert fake_telegram.sent("editMessageText", after=mark) == []
    assistant.store.close()
