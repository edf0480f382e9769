"""`kam run` as a server runs it: a Bot API that is down at start is waited for, not given up on (hardening #13)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.conftest import ADMIN_ID, REP_ID
from tests.fake_telegram import TOKEN, FakeTelegram

pytestmark = pytest.mark.e2e


def _environment(fake_telegram: FakeTelegram, tmp_path: Path, token: str = TOKEN) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if "proxy" not in name.lower() and not name.startswith("KAM_")}
    env.update({
        "TELEGRAM_BOT_TOKEN": token, "KAM_TELEGRAM_BASE_URL": fake_telegram.base_url,
        "KAM_TELEGRAM_BASE_FILE_URL": fake_telegram.base_file_url, "KAM_DATA_DIR": str(tmp_path / "data"),
        "KAM_EMBEDDER": "hashing", "KAM_CUSTOMERS_FILE": "", "KAM_ALLOWED_USERS": str(REP_ID),
        "KAM_ADMINS": str(ADMIN_ID), "KAM_LOG_LEVEL": "INFO",
    })  # fmt: skip
    return env


async def test_kam_run_waits_for_an_unreachable_bot_api_then_answers(fake_telegram: FakeTelegram, tmp_path: Path) -> None:
    fake_telegram.fail_next("getMe", 502, times=3)  # Telegram (or the network) down while the server boots
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=_environment(fake_telegram, tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        fake_telegram.send_text(REP_ID, "/help")
        [reply] = await fake_telegram.wait_for("sendMessage", timeout=25)
        assert int(reply.params["chat_id"]) == REP_ID
        assert [call.status for call in fake_telegram.calls if call.method == "getMe"][:4] == [502, 502, 502, 200]
        assert process.returncode is None  # still serving
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()
    output = (await process.stdout.read()).decode(errors="replace") if process.stdout else ""
    assert "Aborting" not in output, output
    assert "retrying" in output.lower(), output  # the wait is visible in the log


async def test_kam_run_with_a_refused_token_stops_with_one_clear_line(fake_telegram: FakeTelegram, tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=_environment(fake_telegram, tmp_path, "999:wrong"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=25)
    assert process.returncode == 1
    assert "Error: Telegram refused TELEGRAM_BOT_TOKEN" in stderr.decode()
    assert "Traceback" not in stderr.decode()


async def test_the_wait_doubles_up_to_its_cap_and_is_logged(
    fake_telegram: FakeTelegram, make_settings, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.telegram.application import wait_until_reachable

    fake_telegram.fail_next("getMe", 502, times=5)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    settings = make_settings(telegram_base_url=fake_telegram.base_url,
                             telegram_base_file_url=fake_telegram.base_file_url)
    with caplog.at_level("WARNING"):
        await wait_until_reachable(settings, first_delay=1, max_delay=4, sleep=record)
    assert waits == [1, 2, 4, 4, 4]
    assert len([record for record in caplog.records if "retrying in" in record.getMessage()]) == 5
