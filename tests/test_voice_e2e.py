"""Voice messages end to end: fake Bot API → getFile → download → Whisper in a thread → transcript + card."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from bot.speech import Transcript, TranscriptionCancelled
from bot.telegram.voice import SPEECH_KEY
from crm.customers import CustomerRepository
from skills.models import Language
from tests.conftest import REP_ID, STRANGER_ID, running_bot
from tests.fake_telegram import Call, FakeTelegram
from tests.voice_fixtures import voice_bytes

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent / "fixtures"
MB = 1024 * 1024


def to(user_id: int):
    return lambda call: int(call.params["chat_id"]) == user_id


def buttons(call: Call) -> list[dict]:
    markup = call.params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [button for row in markup.get("inline_keyboard", []) for button in row]


class ScriptedSpeech:
    """A stand-in recogniser for the adapter's control flow (timeouts, concurrency); not for accuracy."""

    name = "scripted"
    available = True

    def __init__(self, text: str = "见了华信科技王经理 下周三下午三点再约", *, release: threading.Event | None = None):
        self.text = text
        self.release = release
        self.cancelled = threading.Event()
        self.paths: list[Path] = []

    def load(self) -> None:
        """Nothing to load."""

    def transcribe(self, path: Path, *, language: Language, cancel: threading.Event | None = None) -> Transcript:
        """Wait for `release` (if any) while honouring `cancel`, then return the scripted text."""
        self.paths.append(path)
        assert path.read_bytes(), "the adapter hands over the downloaded file"
        while self.release is not None and not self.release.wait(0.05):
            if cancel is not None and cancel.is_set():
                self.cancelled.set()
                raise TranscriptionCancelled("cancelled")
        return Transcript(text=self.text, language=language, duration_seconds=3.0, seconds_taken=0.1)


@pytest.fixture
async def start_bot(
    make_settings: Callable[..., Settings], fake_telegram: FakeTelegram
) -> AsyncIterator[Callable[..., Awaitable[Assistant]]]:
    """Start a bot with setting overrides and, optionally, a given recogniser; stopped at the end."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(*, speech: object | None = None, customers: bool = False, **overrides: object) -> Assistant:
            settings = make_settings(telegram_base_url=fake_telegram.base_url,
                                     telegram_base_file_url=fake_telegram.base_file_url, **overrides)  # fmt: skip
            assistant = build_assistant(settings)
            stack.callback(assistant.store.close)
            if customers:
                CustomerRepository(assistant.store).import_file(FIXTURES / "customers.csv")
            application = await stack.enter_async_context(running_bot(assistant))
            if speech is not None:
                application.bot_data[SPEECH_KEY] = speech
            return assistant

        yield start


def _whisper():
    pytest.importorskip("faster_whisper", reason="the optional [voice] extra (faster-whisper) is not installed")
    from tests.voice_fixtures import shared_whisper

    return shared_whisper()


async def test_voice_note_becomes_a_note_card(start_bot, fake_telegram: FakeTelegram) -> None:
    speech = _whisper()
    bot = await start_bot(stt="whisper", speech=speech, customers=True)
    mark = fake_telegram.mark()
    fake_telegram.send_voice(REP_ID, voice_bytes("zh_visit_note.ogg"), duration=10)
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID), timeout=120)
    assert fake_telegram.sent("getFile", after=mark) and fake_telegram.sent("sendChatAction", after=mark)
    text = fake_telegram.messages_text(reply)
    assert text.startswith("🎤 识别结果：")
    transcript = text.removeprefix("🎤 识别结果：").split("\n\n")[0]
    assert "见了" in transcript and "太高" in transcript  # synthetic Mandarin: the rest is approximate
    assert "<blockquote>" in reply.params["text"]
    # Stored raw, exactly as shown, then handled like typed text: the visit-note card.
    [logged] = list(bot.store.db.query("select text, skill from messages where user_id = ?", [REP_ID]))
    assert logged == {"text": transcript, "skill": "notes"}
    [raw] = list(bot.store.db.query("select * from raw_notes"))
    assert raw["text"] == transcript and raw["user_id"] == REP_ID and raw["status"] == "draft"
    assert raw["source"] == "voice"
    assert "拜访记录 · 请确认" in text
    labels = {button["text"] for button in buttons(reply)}
    assert {"修改", "丢弃", "✏️ 复制文字去修改"} <= labels
    [copy] = [button for button in buttons(reply) if "copy_text" in button]
    assert copy["copy_text"]["text"] == transcript
    assert list((bot.settings.data_dir / "audio").glob("*")) == []  # not kept without KAM_KEEP_AUDIO


async def test_english_voice_in_an_english_chat(start_bot, fake_telegram: FakeTelegram) -> None:
    speech = _whisper()
    bot = await start_bot(stt="whisper", speech=speech, keep_audio=True)
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/start")
    await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    bot.users.update(REP_ID, language="en")
    mark = fake_telegram.mark()
    fake_telegram.send_voice(REP_ID, voice_bytes("en_visit_note.ogg"), duration=9)
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID), timeout=120)
    text = fake_telegram.messages_text(reply)
    assert text.startswith("🎤 Transcript: ") and "price is too high" in text.lower()
    [kept] = list((bot.settings.data_dir / "audio").glob("*.ogg"))  # KAM_KEEP_AUDIO=true
    assert kept.read_bytes() == voice_bytes("en_visit_note.ogg")


async def test_corrupt_voice_gets_a_clear_message(start_bot, fake_telegram: FakeTelegram) -> None:
    speech = _whisper()
    bot = await start_bot(stt="whisper", speech=speech)
    mark = fake_telegram.mark()
    fake_telegram.send_voice(REP_ID, b"OggS" + bytes(range(256)) * 16, duration=3)
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID), timeout=60)
    text = fake_telegram.messages_text(reply)
    assert "无法解码" in text and "Traceback" not in text
    assert list(bot.store.db.query("select * from messages")) == []
    assert list((bot.settings.data_dir / "audio").glob("*")) == []


async def test_without_speech_to_text_a_voice_gets_the_dictation_hint(start_bot, fake_telegram: FakeTelegram) -> None:
    await start_bot()  # KAM_STT=none is the default
    mark = fake_telegram.mark()
    fake_telegram.send_voice(REP_ID, voice_bytes("zh_visit_note.ogg"), duration=10)
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    text = fake_telegram.messages_text(reply)
    assert "语音输入" in text and "麦克风" in text
    assert fake_telegram.sent("getFile", after=mark) == []  # nothing downloaded


async def test_oversized_voice_is_refused_before_download(start_bot, fake_telegram: FakeTelegram) -> None:
    speech = ScriptedSpeech()
    await start_bot(stt="whisper", speech=speech)
    mark = fake_telegram.mark()
    fake_telegram.send_voice(REP_ID, b"OggS" + b"\0" * 100, duration=60, file_size=21 * MB)
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    text = fake_telegram.messages_text(reply)
    assert "太大" in text and "21.0 MB" in text and "20 MB" in text
    assert fake_telegram.sent("getFile", after=mark) == [] and speech.paths == []


async def test_a_stranger_s_voice_is_not_downloaded(start_bot, fake_telegram: FakeTelegram) -> None:
    speech = ScriptedSpeech()
    await start_bot(stt="whisper", speech=speech)
    mark = fake_telegram.mark()
    fake_telegram.send_voice(STRANGER_ID, voice_bytes("zh_call_plan.ogg"))
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(STRANGER_ID))
    assert "权限" in fake_telegram.messages_text(reply)
    assert fake_telegram.sent("getFile", after=mark) == [] and speech.paths == []


async def test_a_slow_transcription_times_out_and_is_cancelled(
    start_bot, fake_telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.telegram.voice.transcription_timeout", lambda duration: 0.5)
    speech = ScriptedSpeech(release=threading.Event())  # never released
    bot = await start_bot(stt="whisper", speech=speech)
    mark = fake_telegram.mark()
    fake_telegram.send_voice(REP_ID, voice_bytes("zh_call_plan.ogg"), duration=9)
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    assert "超时" in fake_telegram.messages_text(reply)
    await asyncio.to_thread(speech.cancelled.wait, 5)
    assert speech.cancelled.is_set()  # the worker thread stopped too
    assert list((bot.settings.data_dir / "audio").glob("*")) == []


async def test_the_bot_answers_others_while_transcribing(start_bot, fake_telegram: FakeTelegram) -> None:
    release = threading.Event()
    speech = ScriptedSpeech(release=release)
    await start_bot(stt="whisper", speech=speech)
    mark = fake_telegram.mark()
    fake_telegram.send_voice(REP_ID, voice_bytes("zh_call_plan.ogg"), duration=9)
    await fake_telegram.wait_for("getFile", after=mark)
    fake_telegram.send_text(REP_ID, "/help")
    [help_reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    assert "/help" in help_reply.params["text"] and not speech.cancelled.is_set()
    release.set()
    [_, voice_reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID), count=2)
    assert fake_telegram.messages_text(voice_reply).startswith("🎤 识别结果：见了华信科技王经理")


async def test_whisper_configured_without_the_extra_falls_back_to_the_hint(
    start_bot, fake_telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.speech.whisper_installed", lambda: False)
    await start_bot(stt="whisper")
    mark = fake_telegram.mark()
    fake_telegram.send_voice(REP_ID, voice_bytes("zh_call_plan.ogg"))
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    assert "语音输入" in fake_telegram.messages_text(reply)
    assert fake_telegram.sent("getFile", after=mark) == []
