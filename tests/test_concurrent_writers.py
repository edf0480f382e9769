"""Nothing lost under concurrent writers: two `kam note --batch` processes of 150 notes each and the
running bot creating reminders, all on one database; every row is counted."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from bot.assistant import build_assistant
from crm.users import UserRepository
from tests.conftest import OTHER_REP_ID, REP_ID, running_bot
from tests.fake_telegram import FakeTelegram

NOTES_PER_PROCESS = 150
MESSAGES = 45
WRITER_A, WRITER_B = 7001, 7002


def _batch(path: Path, user_id: int) -> Path:
    lines = [
        json.dumps({"id": f"{user_id}-{n}", "now": "2026-11-18T10:00:00+08:00",
                    "text": f"今天拜访了华信科技王经理 第{n}次 他们嫌报价太高 下周三下午三点再约"}, ensure_ascii=False)
        for n in range(NOTES_PER_PROCESS)
    ]  # fmt: skip
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


async def test_two_note_batches_and_the_bot_lose_nothing(bot_settings, fake_telegram: FakeTelegram, tmp_path: Path) -> None:
    assistant = build_assistant(bot_settings)
    users = UserRepository(assistant.store)
    for user_id in (WRITER_A, WRITER_B):
        users.restore(user_id, role="rep", timezone_name="Asia/Shanghai")
    env = {**os.environ, "KAM_DATA_DIR": str(bot_settings.data_dir), "KAM_EMBEDDER": "hashing",
           "KAM_CUSTOMERS_FILE": "", "TELEGRAM_BOT_TOKEN": ""}  # fmt: skip
    from crm.customer_import import CustomerInput

    assistant.customers.upsert(CustomerInput(name="华信科技", aliases=["华信"]))
    async with running_bot(assistant):
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "note", "--batch", str(_batch(tmp_path / f"{user}.jsonl", user)),
                "--json", "--user", str(user), env=env, cwd=str(tmp_path),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            for user in (WRITER_A, WRITER_B)
        ]
        for n in range(MESSAGES):
            fake_telegram.send_text(REP_ID if n % 2 else OTHER_REP_ID, f"提醒我明天上午10点给华信打电话 第{n}次")
            await asyncio.sleep(0.05)
        outputs = [await asyncio.wait_for(process.communicate(), timeout=300) for process in processes]
        replies = await fake_telegram.wait_for("sendMessage", count=MESSAGES, timeout=120)
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr.decode()[-2000:]
        assert len(stdout.decode().splitlines()) == NOTES_PER_PROCESS
        assert b"Traceback" not in stderr and b"locked" not in stderr
    assert not [call for call in replies if "出了点问题" in fake_telegram.messages_text(call)]
    db = assistant.store.db
    for user in (WRITER_A, WRITER_B):
        assert db.execute("select count(*) from raw_notes where user_id = ?", [user]).fetchone()[0] == NOTES_PER_PROCESS
        assert db.execute("select count(*) from visits where user_id = ?", [user]).fetchone()[0] == NOTES_PER_PROCESS
        assert db.execute("select count(*) from followups where user_id = ?", [user]).fetchone()[0] == NOTES_PER_PROCESS
    reminders = db.execute("select count(*) from followups where user_id in (?, ?)", [REP_ID, OTHER_REP_ID]).fetchone()[0]
    assert reminders == MESSAGES
    assistant.store.close()
