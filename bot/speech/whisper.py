"""faster-whisper on the CPU (int8): the `KAM_STT=whisper` backend. Needs the `[voice]` extra.

Audio is decoded in-process by faster-whisper's PyAV decoder (FFmpeg libraries inside the wheel), so
Telegram's OGG/Opus voice notes, MP3 and M4A need no ffmpeg binary at run time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings
from bot.speech.base import AudioError, ModelError, Transcript, TranscriptionCancelled
from bot.speech.model import model_dir_for
from bot.speech.text import tidy
from crm.language import Language

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
MIN_AUDIO_SECONDS = 0.3
# A Simplified-Chinese sentence as the initial prompt steers Whisper to Simplified characters with
# punctuation; it is dropped again if the model merely echoes it (silence).
PROMPTS: dict[str, str | None] = {"zh": "以下是普通话的句子。", "en": None}


@dataclass(frozen=True)
class DecodingOptions:
    """How Whisper decodes. Deterministic (temperature 0), no carry-over between 30 s windows."""

    beam_size: int = 5
    # Guards against the decoder looping ("我刻意，我刻意，…"), which a single temperature cannot
    # escape by falling back: no 3-token phrase twice, and a light penalty on repeats.
    no_repeat_ngram_size: int = 3
    repetition_penalty: float = 1.1


class WhisperSpeechToText:
    """Whisper via CTranslate2. Thread-safe; one transcription at a time (the machine has 2 cores)."""

    name = "whisper"

    def __init__(
        self,
        *,
        data_dir: Path,
        model_dir: Path | None = None,
        cpu_threads: int | None = None,
        options: DecodingOptions = DecodingOptions(),
    ):
        self.data_dir = data_dir
        self.configured_model_dir = model_dir
        self.cpu_threads = cpu_threads or min(4, os.cpu_count() or 1)
        self.options = options
        self._model = None
        self._model_dir: Path | None = None
        self._lock = threading.Lock()  # guards loading and serialises recognition

    @classmethod
    def from_settings(cls, settings: Settings, **options: object) -> WhisperSpeechToText:
        """From `KAM_DATA_DIR` (bundled model cache) and `KAM_STT_MODEL_DIR` (any model folder)."""
        return cls(data_dir=settings.data_dir, model_dir=settings.stt_model_dir, **options)  # type: ignore[arg-type]

    @property
    def available(self) -> bool:
        """Always: problems surface as ModelError on load."""
        return True

    @property
    def model_dir(self) -> Path | None:
        """The folder the model was loaded from (None until loaded)."""
        return self._model_dir

    @property
    def model_name(self) -> str:
        """The model folder's name, once known."""
        folder = self._model_dir or self.configured_model_dir
        return folder.name if folder else "whisper-base"

    def load(self) -> None:
        """Assemble (first run) and load the model; ModelError with a clear reason if it can't."""
        with self._lock:
            self._load_locked()

    def _load_locked(self):
        if self._model is not None:
            return self._model
        from faster_whisper import WhisperModel

        folder = model_dir_for(self.data_dir, self.configured_model_dir)
        started = time.perf_counter()
        try:
            self._model = WhisperModel(
                str(folder),
                device="cpu",
                compute_type="int8",
                cpu_threads=self.cpu_threads,
                local_files_only=True,
            )
        except Exception as error:  # CTranslate2 raises RuntimeError/ValueError for a bad folder
            raise ModelError(f"could not load the Whisper model from {folder}: {error}") from error
        self._model_dir = folder
        log.info(
            "loaded Whisper model %s in %.1f s (%d threads)", folder, time.perf_counter() - started, self.cpu_threads
        )
        return self._model

    def transcribe(self, path: Path, *, language: Language, cancel: threading.Event | None = None) -> Transcript:
        """The text spoken in `path` (any format FFmpeg reads); checks `cancel` between segments."""
        started = time.perf_counter()
        samples = decode(path)
        decoding = time.perf_counter() - started
        duration = len(samples) / SAMPLE_RATE
        if duration < MIN_AUDIO_SECONDS:
            raise AudioError(f"{path.name} holds no audio ({duration:.2f} s)")
        with self._lock:
            model = self._load_locked()  # not timed: a one-off, see `load`
            if cancel is not None and cancel.is_set():
                raise TranscriptionCancelled("cancelled before it started")
            started = time.perf_counter()
            prompt = PROMPTS.get(language)
            segments, _info = model.transcribe(
                samples,
                language=language,
                task="transcribe",
                temperature=0.0,
                condition_on_previous_text=False,
                initial_prompt=prompt,
                beam_size=self.options.beam_size,
                no_repeat_ngram_size=self.options.no_repeat_ngram_size,
                repetition_penalty=self.options.repetition_penalty,
                vad_filter=False,
            )
            pieces = []
            for segment in segments:  # a generator: recognition happens while iterating
                pieces.append(segment.text)
                if cancel is not None and cancel.is_set():
                    raise TranscriptionCancelled("cancelled after a timeout")
        separator = "" if language == "zh" else " "
        text = tidy(separator.join(piece.strip() for piece in pieces), language=language, prompt=prompt)
        return Transcript(
            text=text,
            language=language,
            duration_seconds=round(duration, 3),
            seconds_taken=round(decoding + time.perf_counter() - started, 3),
            model=self.model_name,
        )


def decode(path: Path):
    """Mono 16 kHz float32 samples; AudioError if the file is not readable audio."""
    import av
    from faster_whisper.audio import decode_audio

    try:
        samples = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except (av.error.FFmpegError, ValueError, IndexError, StopIteration) as error:
        raise AudioError(f"{path.name} is not readable audio: {error}") from error
    except OSError as error:
        raise AudioError(f"{path.name} could not be read: {error}") from error
    return samples
