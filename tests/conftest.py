"""Shared fixtures: settings over a temporary data dir, a migrated store, the fake Bot API, a running bot."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from crm.store import Store
from tests.fake_telegram import TOKEN, FakeTelegram

pytest_plugins = ["tests.skip_guard"]

ADMIN_ID = 1001
REP_ID = 2002
OTHER_REP_ID = 3003
STRANGER_ID = 9009


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the developer's .env or proxy variables."""
    monkeypatch.chdir(tmp_path)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def make_settings(data_dir: Path) -> Callable[..., Settings]:
    """Settings for a test, with overrides by field name."""

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "data_dir": data_dir,
            "admins": frozenset({ADMIN_ID}),
            "allowed_users": frozenset({REP_ID, OTHER_REP_ID}),
            "telegram_bot_token": TOKEN,
            "embedder": "hashing",
            "customers_file": None,
            # No "正在处理…" message unless a test asks for one: on a loaded machine any reply can take a
            # second, and tests wait for the reply's own sendMessage (tests/test_slow_reply_e2e.py covers it).
            "slow_reply_seconds": 0,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def store() -> Store:
    """An in-memory, fully migrated database."""
    return Store.open(":memory:")


@pytest.fixture
def assistant(settings: Settings) -> Assistant:
    return build_assistant(settings)


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@contextlib.asynccontextmanager
async def running_bot(assistant: Assistant) -> AsyncIterator[object]:
    """Start the real python-telegram-bot Application with long polling; always stop it."""
    from bot.telegram.application import build_application

    application = build_application(assistant)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=1, drop_pending_updates=False)
    try:
        yield application
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(application.updater.stop(), timeout=10)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(application.stop(), timeout=10)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(application.shutdown(), timeout=10)


@pytest.fixture
def bot_settings(make_settings: Callable[..., Settings], fake_telegram: FakeTelegram) -> Settings:
    return make_settings(
        telegram_base_url=fake_telegram.base_url,
        telegram_base_file_url=fake_telegram.base_file_url,
        invite_code="join-kam",
    )


@pytest.fixture
async def bot(bot_settings: Settings) -> AsyncIterator[Assistant]:
    """A running bot against the fake server; yields its Assistant."""
    assistant = build_assistant(bot_settings)
    async with running_bot(assistant):
        yield assistant
    assistant.store.close()
