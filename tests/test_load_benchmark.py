"""benchmarks/load.py's harness: the message mix it pushes and how it matches replies (no timing asserted)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from benchmarks.load import REPS, LoadServer, schedule, wait_answered
from bot.assistant import build_assistant
from bot.settings import Settings
from tests.conftest import REP_ID, running_bot


def test_schedule_pushes_the_mix_from_forty_reps_and_repeats_for_a_seed() -> None:
    plan = schedule(rate=10, seconds=20, first_user=5000, seed=3)
    assert len(plan) == 200
    assert Counter(kind for _, kind, _ in plan) == {"question": 80, "note": 60, "help": 30, "followups": 30}
    assert {user for user, _, _ in plan} <= set(range(5000, 5000 + REPS))
    assert len({user for user, _, _ in plan}) > REPS // 2
    assert all(text == "/help" for _, kind, text in plan if kind == "help")
    assert plan == schedule(rate=10, seconds=20, first_user=5000, seed=3)
    assert plan != schedule(rate=10, seconds=20, first_user=5000, seed=4)


@pytest.mark.e2e
async def test_each_message_is_matched_to_its_own_reply_in_the_reps_order(
    make_settings: Callable[..., Settings],
) -> None:
    server = LoadServer()
    await server.start()
    settings = make_settings(telegram_base_url=server.base_url, telegram_base_file_url=server.base_file_url)
    assistant = build_assistant(settings)
    try:
        async with running_bot(assistant):
            sent = [server.push(REP_ID, text, "help") for text in ("/lang en", "/help", "/lang zh", "/help")]
            await wait_answered(server, sent, timeout=20)
    finally:
        assistant.store.close()
        await server.stop()
    assert all(s.answered is not None and s.latency_ms >= 0 for s in sent)
    answered = [s.answered for s in sent]
    assert answered == sorted(answered)  # one rep's turns stay in order across chats
    replies = {int(call.params["chat_id"]): server.messages_text(call) for call in server.sent()}
    texts = [replies[chat_id] for chat_id in sorted(replies)]
    assert "English" in texts[0] and "Here is what I can do" in texts[1]
    assert "中文" in texts[2] and "我能帮你做这些" in texts[3]
