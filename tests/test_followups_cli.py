"""`kam followups` and `kam remind` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.followups import followups_command, remind_command
from crm.store import Store
from crm.users import UserRepository
from tests.conftest import REP_ID


@pytest.fixture
def runner(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("KAM_DATA_DIR", str(data_dir))
    monkeypatch.setenv("KAM_CUSTOMERS_FILE", "")
    store = Store.open(data_dir / "kam.db")
    UserRepository(store).upsert(REP_ID, name="rep", timezone_name="America/New_York", registered_via="allowlist")
    store.close()
    return CliRunner()


def test_remind_then_list(runner: CliRunner) -> None:
    created = runner.invoke(
        remind_command,
        ["remind me to call Acme's CFO tomorrow 9am", "--user", str(REP_ID), "--now", "2026-10-31T12:00-04:00", "--json"],
    )
    assert created.exit_code == 0, created.output
    row = json.loads(created.output)
    assert row["text"] == "call Acme's CFO"
    assert row["due"].startswith("2026-11-01T14:00") and row["due_local"] == "2026-11-01T09:00-05:00"
    listed = runner.invoke(followups_command, ["--user", str(REP_ID), "--json"])
    assert [item["id"] for item in json.loads(listed.output)] == [row["id"]]
    plain = runner.invoke(followups_command, ["--user", str(REP_ID)])
    assert "2026-11-01 09:00" in plain.output and "call Acme's CFO" in plain.output


def test_friendly_errors(runner: CliRunner) -> None:
    no_time = runner.invoke(remind_command, ["提醒我给华信发方案", "--user", str(REP_ID)])
    assert no_time.exit_code == 1 and "时间" in no_time.output
    unknown = runner.invoke(followups_command, ["--user", "42"])
    assert unknown.exit_code == 1 and "/start" in unknown.output
    bad_now = runner.invoke(remind_command, ["提醒我明天开会", "--user", str(REP_ID), "--now", "yesterday"])
    assert bad_now.exit_code == 2
    impossible = runner.invoke(remind_command, ["提醒我明天25点给华信打电话", "--user", str(REP_ID)])
    assert impossible.exit_code == 1 and "“25点”不是有效的日期或时间" in impossible.output
    assert "Traceback" not in impossible.output


def test_now_without_an_offset_is_the_users_local_time(runner: CliRunner) -> None:
    naive = runner.invoke(
        remind_command, ["remind me to call Acme in 2 hours", "--user", str(REP_ID), "--now", "2026-11-30T10:00", "--json"]
    )
    assert naive.exit_code == 0, naive.output
    assert json.loads(naive.output)["due_local"] == "2026-11-30T12:00-05:00"  # New York, the rep's zone
    assert "user's time zone" in " ".join(runner.invoke(remind_command, ["--help"]).output.split())


def test_note_and_remind_read_now_the_same_way(runner: CliRunner) -> None:
    from bot.cli.notes import note

    noted = runner.invoke(note, ["met Acme Corp, call them tomorrow 3pm", "--user", str(REP_ID), "--now",
                                 "2026-11-30T10:00", "--dry-run", "--json"])  # fmt: skip
    assert noted.exit_code == 0, noted.output
    assert json.loads(noted.output)["followups"][0]["due"] == "2026-12-01T15:00:00-05:00"
    assert "user's time zone" in " ".join(runner.invoke(note, ["--help"]).output.split())
