"""Settings: names from the environment, one-line errors naming the setting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "KAM_TIMEZONE", "KAM_DATA_DIR", "KAM_ALLOWED_USERS"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.timezone == "Asia/Shanghai"
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert settings.telegram_bot_token is None
    assert settings.data_dir.name == "runtime" and settings.data_dir.parent.name == "data"


def test_values_come_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KAM_ALLOWED_USERS", " 11, 22 ,33")
    monkeypatch.setenv("KAM_ADMINS", "44")
    monkeypatch.setenv("KAM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KAM_TIMEZONE", "America/New_York")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "  ")
    settings = load_settings()
    assert settings.allowed_users == {11, 22, 33} and settings.admins == {44}
    assert settings.database_path == tmp_path / "kam.db"
    assert settings.telegram_bot_token is None  # blank means unset


def test_env_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KAM_INVITE_CODE", raising=False)
    (tmp_path / ".env").write_text("KAM_INVITE_CODE=team-2026\n", encoding="utf-8")
    assert load_settings().invite_code == "team-2026"


@pytest.mark.parametrize(
    ("name", "value"),
    [("KAM_ALLOWED_USERS", "12,abc"), ("KAM_TIMEZONE", "Mars/Olympus"), ("KAM_LOG_LEVEL", "LOUD"),
     ("KAM_DEFAULT_REMINDER_TIME", "25:00")],
)
def test_bad_setting_names_itself(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"Invalid setting {name}:") and "\n" not in message


def test_cli_reports_bad_setting_in_one_line(tmp_path: Path) -> None:
    env = {"PATH": "", "KAM_TIMEZONE": "Nowhere/Land", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "doctor"], capture_output=True, text=True,
                            env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "KAM_TIMEZONE" in result.stdout + result.stderr
