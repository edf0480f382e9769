"""benchmarks/load.py's harness: the message mix it pushes and how it matches replies (no timing asserted)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.load import REPS, LoadServer, schedule, wait_answered
from bot.assistant import build_assistant
from bot.settings import Settings
from crm.customers import CustomerRepository
from tests.conftest import REP_ID, running_bot

FIXTURES = Path(__file__).parent / "fixtures"


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


@pytest.mark.e2e
async def test_a_visit_note_card_gets_its_save_tap_and_the_visit_is_written(
    make_settings: Callable[..., Settings],
) -> None:
    server = LoadServer(save_after=0.0)
    await server.start()
    settings = make_settings(telegram_base_url=server.base_url, telegram_base_file_url=server.base_file_url)
    assistant = build_assistant(settings)
    CustomerRepository(assistant.store).import_file(FIXTURES / "customers.csv")
    try:
        async with running_bot(assistant):
            note = server.push(REP_ID, "今天拜访了华信科技王经理，他们嫌报价太高，下周三下午三点再约", "note")
            question = server.push(REP_ID, "/help", "help")
            await wait_answered(server, [note, question], timeout=20)
    finally:
        visits = list(assistant.store.db.query("select customer_id from visits"))
        assistant.store.close()
        await server.stop()
    [tap] = server.taps
    assert note.answered is not None and question.answered is not None and tap.answered is not None
    assert tap.kind == "save" and tap.user_id == REP_ID and tap.pushed >= note.answered
    assert len(visits) == 1  # the tap really saved the visit
