"""The speech-to-text interface: the errors, the `Transcript`, and the backend for `KAM_STT=none`."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from crm.language import Language


class SpeechError(Exception):
    """Transcription failed in an expected way; the message is safe to show the user."""


class SpeechUnavailable(SpeechError):
    """Speech-to-text is switched off or its packages are not installed."""


class AudioError(SpeechError):
    """The audio could not be decoded (corrupt, empty or not audio at all)."""


class ModelError(SpeechError):
    """The speech model is missing or failed its checksum."""


class TranscriptionCancelled(SpeechError):
    """The caller gave up waiting (a timeout) and asked the worker to stop."""


class Transcript(BaseModel):
    """What was said in one audio file."""

    text: str
    language: Language
    duration_seconds: float  # of the audio
    seconds_taken: float  # wall-clock time of decoding and recognition (not model loading)
    model: str = ""

    @property
    def real_time_factor(self) -> float:
        """Seconds of work per second of audio (below 1 is faster than real time)."""
        return self.seconds_taken / self.duration_seconds if self.duration_seconds else 0.0


class SpeechToText(Protocol):
    """A speech recogniser. `transcribe` blocks: call it from a worker thread."""

    name: str

    @property
    def available(self) -> bool:
        """False when voice messages should get the dictation hint instead."""
        ...

    def load(self) -> None:
        """Load the model now rather than on the first transcription (blocking, idempotent)."""
        ...

    def transcribe(self, path: Path, *, language: Language, cancel: threading.Event | None = None) -> Transcript:
        """The text spoken in the audio file; raises AudioError, ModelError or TranscriptionCancelled."""
        ...


class NoSpeechToText:
    """`KAM_STT=none`: no recogniser; voice messages get a hint to use keyboard dictation."""

    name = "none"

    @property
    def available(self) -> bool:
        """Never available."""
        return False

    def load(self) -> None:
        """Nothing to load."""

    def transcribe(self, path: Path, *, language: Language, cancel: threading.Event | None = None) -> Transcript:
        """Always refuses."""
        raise SpeechUnavailable("speech-to-text is switched off (KAM_STT=none)")
