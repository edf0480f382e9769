"""The real Whisper base model on the committed OGG/Opus fixtures (needs the optional [voice] extra)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

pytest.importorskip("faster_whisper", reason="the optional [voice] extra (faster-whisper) is not installed")

from click.testing import CliRunner  # noqa: E402

from bot.cli.transcribe import transcribe  # noqa: E402
from bot.speech import AudioError, TranscriptionCancelled  # noqa: E402
from tests.voice_fixtures import (  # noqa: E402
    VOICE_FIXTURES,
    character_error_rate,
    shared_whisper,
    voice_manifest,
    word_error_rate,
)


def test_english_note_is_transcribed() -> None:
    transcript = shared_whisper().transcribe(VOICE_FIXTURES / "en_visit_note.ogg", language="en")
    assert "price is too high" in transcript.text.lower()
    assert "wednesday" in transcript.text.lower()
    assert transcript.language == "en" and 9 < transcript.duration_seconds < 10
    assert transcript.model == "whisper-base" and transcript.seconds_taken > 0


def test_chinese_note_comes_out_in_simplified_characters() -> None:
    import zhconv

    transcript = shared_whisper().transcribe(VOICE_FIXTURES / "zh_visit_note.ogg", language="zh")
    assert transcript.text and zhconv.convert(transcript.text, "zh-cn") == transcript.text
    # Synthetic Mandarin (espeak-ng) is hard for the base model; these words survive it.
    assert "见了" in transcript.text and "太高" in transcript.text
    assert character_error_rate("今天见了华信科技的王经理，他说价格太高，下周三再谈。", transcript.text) < 0.7


def test_corrupt_and_empty_audio_raise_audio_error(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.ogg"
    corrupt.write_bytes(b"OggS" + bytes(range(256)) * 8)
    with pytest.raises(AudioError):
        shared_whisper().transcribe(corrupt, language="zh")
    truncated = tmp_path / "truncated.ogg"
    truncated.write_bytes((VOICE_FIXTURES / "zh_visit_note.ogg").read_bytes()[:200])
    with pytest.raises(AudioError):
        shared_whisper().transcribe(truncated, language="zh")


def test_a_cancelled_transcription_stops() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(TranscriptionCancelled):
        shared_whisper().transcribe(VOICE_FIXTURES / "en_call_plan.ogg", language="en", cancel=cancel)


def test_cli_prints_text_and_json(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model_dir = shared_whisper().model_dir
    monkeypatch.setenv("KAM_DATA_DIR", str(data_dir))
    monkeypatch.setenv("KAM_STT_MODEL_DIR", str(model_dir))
    runner = CliRunner()
    result = runner.invoke(transcribe, [str(VOICE_FIXTURES / "en_call_plan.ogg"), "--lang", "en", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output.strip().splitlines()[-1])
    assert payload["language"] == "en" and "order" in payload["text"].lower()
    assert set(payload) == {"text", "language", "duration_seconds", "seconds_taken", "model"}
    broken = data_dir / "broken.ogg"
    broken.write_bytes(b"not audio at all")
    result = runner.invoke(transcribe, [str(broken)])
    assert result.exit_code == 1 and "not readable audio" in result.output and "Traceback" not in result.output


@pytest.mark.quality
def test_accuracy_on_the_synthetic_fixtures() -> None:
    """Loose floors on synthetic speech (espeak-ng); real voices do better. Figures: docs/benchmarks-voice.md."""
    for item in voice_manifest():
        transcript = shared_whisper().transcribe(VOICE_FIXTURES / item["file"], language=item["language"])
        if item["language"] == "en":
            assert word_error_rate(item["text"], transcript.text) < 0.35, (item, transcript.text)
        else:
            assert character_error_rate(item["text"], transcript.text) < 0.8, (item, transcript.text)
