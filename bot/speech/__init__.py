"""Speech to text on this machine: one small interface, backends chosen by `KAM_STT`.

`none` (the default) transcribes nothing and tells the user to use the phone keyboard's dictation;
`whisper` runs faster-whisper on the CPU (the optional `[voice]` extra). No audio leaves the machine.
The interface takes a file path and returns plain data, so the Telegram adapter can call it in a
worker thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import importlib.util

from bot.settings import Settings
from bot.speech.base import (
    AudioError,
    ModelError,
    NoSpeechToText,
    SpeechError,
    SpeechToText,
    SpeechUnavailable,
    Transcript,
    TranscriptionCancelled,
)


def whisper_installed() -> bool:
    """Whether the `[voice]` extra (faster-whisper) is importable."""
    return importlib.util.find_spec("faster_whisper") is not None


def build_speech_to_text(settings: Settings, *, force: bool = False) -> SpeechToText:
    """The recogniser `KAM_STT` asks for; `force` picks Whisper even when KAM_STT=none (for the CLI).

    Builds cheaply: the model loads on `load()` or the first transcription.
    """
    if settings.stt == "none" and not force:
        return NoSpeechToText()
    if not whisper_installed():
        raise SpeechUnavailable("KAM_STT=whisper needs the [voice] extra: pip install -e '.[voice]'")
    from bot.speech.whisper import WhisperSpeechToText

    return WhisperSpeechToText.from_settings(settings)


__all__ = [
    "AudioError",
    "ModelError",
    "NoSpeechToText",
    "SpeechError",
    "SpeechToText",
    "SpeechUnavailable",
    "Transcript",
    "TranscriptionCancelled",
    "build_speech_to_text",
    "whisper_installed",
]
