"""A missing index is built in the background: chat works meanwhile, playbook questions say how far it is."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from knowledge import IndexBuilding, IndexNotFound, IngestProgress, KnowledgeBase
from knowledge.embedders import HashingSparseEmbedder
from tests.conftest import REP_ID, running_bot
from tests.fake_telegram import FakeTelegram
from tests.knowledge_fixtures import make_corpus

WAIT = 60  # seconds: a bound for a few hashed passages, never a timing assertion


class GatedEmbedder(HashingSparseEmbedder):
    """Hashing embedder whose passage embedding waits until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.gate = threading.Event()

    def embed_passages(self, texts):
        self.started.set()
        assert self.gate.wait(WAIT), "the test never opened the gate"
        return super().embed_passages(texts)


class BrokenEmbedder(HashingSparseEmbedder):
    def embed_passages(self, texts):
        raise RuntimeError("model file damaged")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "docs")


def test_questions_during_the_build_say_how_far_it_is_then_get_answers(tmp_path: Path, corpus: Path):
    embedder = GatedEmbedder()
    kb = KnowledgeBase(tmp_path / "index", embedder)
    seen: list[str] = []
    assert kb.build_in_background([corpus], progress=lambda stage, done, total: seen.append(stage))
    assert embedder.started.wait(WAIT)
    with pytest.raises(IndexBuilding) as building:
        kb.answer("拜访前准备什么")
    assert 0 <= building.value.percent < 100
    assert isinstance(building.value, IndexNotFound)  # callers that only know IndexNotFound still cope
    assert kb.building() is not None and not kb.build_in_background([corpus])  # one build at a time
    embedder.gate.set()
    assert kb.wait_for_build(WAIT)
    assert kb.building() is None and kb.is_ready()
    assert kb.answer("拜访前准备什么").sources
    assert {"read", "embed", "write"} <= set(seen)
    assert not kb.build_in_background([corpus])  # ready: nothing to build


def test_a_failed_build_is_logged_and_leaves_no_index(tmp_path: Path, corpus: Path, caplog: pytest.LogCaptureFixture):
    kb = KnowledgeBase(tmp_path / "index", BrokenEmbedder())
    with caplog.at_level(logging.ERROR, logger="knowledge.base"):
        assert kb.build_in_background([corpus])
        assert kb.wait_for_build(WAIT)
    assert "failed" in caplog.text and "model file damaged" in caplog.text
    with pytest.raises(IndexNotFound) as missing:
        kb.answer("拜访前准备什么")
    assert not isinstance(missing.value, IndexBuilding)


def test_a_stopped_build_ends_at_its_next_step_and_writes_nothing(tmp_path: Path, corpus: Path):
    embedder = GatedEmbedder()
    kb = KnowledgeBase(tmp_path / "index", embedder)
    assert kb.build_in_background([corpus])
    assert embedder.started.wait(WAIT)
    assert not kb.stop_build(timeout=0.01)  # still inside the gated batch
    embedder.gate.set()
    assert kb.wait_for_build(WAIT)
    assert kb.building() is None and not (tmp_path / "index").exists()
    with pytest.raises(IndexNotFound) as missing:
        kb.answer("拜访前准备什么")
    assert not isinstance(missing.value, IndexBuilding)
    assert kb.build_in_background([corpus]) and kb.wait_for_build(WAIT) and kb.is_ready()  # can start again


def test_progress_weights_the_stages_and_estimates_the_time_left():
    now = [100.0]
    progress = IngestProgress(sparse=True, clock=lambda: now[0])
    assert progress.percent == 0 and progress.seconds_left() is None
    progress("read", 10, 10)
    progress("sparse", 0, 40)
    now[0] += 4.0
    progress("sparse", 20, 40)  # read (2%) + half of the chunks' pass (25%) in 4 s
    assert progress.percent == 27
    assert progress.seconds_left() == pytest.approx(4.0 * 0.73 / 0.27)
    for stage in ("sparse", "questions", "embed", "index", "write"):
        progress(stage, 5, 5)
    assert progress.fraction == 1.0 and progress.percent == 99  # 100 only once the index is in place
    dense_only = IngestProgress(sparse=False)
    dense_only("read", 1, 1)
    dense_only("embed", 1, 1)
    assert dense_only.percent == 96  # (2% + 90%) of the 95% a dense-only ingest has


@pytest.fixture
async def building_bot(make_settings: Callable[..., Settings], fake_telegram: FakeTelegram,
                       corpus: Path) -> AsyncIterator[tuple[Assistant, GatedEmbedder]]:
    """A running bot on a fresh data dir (no index) whose index build waits at a gate."""
    settings = make_settings(telegram_base_url=fake_telegram.base_url, telegram_base_file_url=fake_telegram.base_file_url,
                             knowledge_dir=corpus)
    assistant = build_assistant(settings)
    embedder = GatedEmbedder()
    assistant.knowledge.embedder = embedder
    assert assistant.build_index_if_missing()
    try:
        async with running_bot(assistant):
            yield assistant, embedder
    finally:
        embedder.gate.set()
        assistant.knowledge.wait_for_build(WAIT)
        assistant.store.close()


@pytest.mark.e2e
async def test_the_bot_answers_while_its_index_builds(building_bot, fake_telegram: FakeTelegram) -> None:
    assistant, embedder = building_bot
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "拜访前要准备什么？")
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=WAIT)
    text = fake_telegram.messages_text(reply)
    assert "知识库正在建立（已完成" in text and "%）" in text and "请稍后再问" in text

    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/help")  # every other skill works meanwhile
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=WAIT)
    assert "/note" in fake_telegram.messages_text(reply)

    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/lang en")
    await fake_telegram.wait_for("sendMessage", after=mark, timeout=WAIT)
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "what should I prepare before a visit?")
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=WAIT)
    assert "The playbook index is being built (" in fake_telegram.messages_text(reply)

    embedder.gate.set()
    assert assistant.knowledge.wait_for_build(WAIT) and assistant.knowledge.is_ready()
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "what should I prepare before a visit?")
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=WAIT)
    assert "being built" not in fake_telegram.messages_text(reply)


def test_kam_prepare_can_leave_the_build_to_kam_chat(tmp_path: Path, corpus: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    env = {"KAM_DATA_DIR": str(tmp_path / "data"), "KAM_EMBEDDER": "hashing", "KAM_KNOWLEDGE_DIR": str(corpus),
           "KAM_CUSTOMERS_FILE": ""}
    prepared = CliRunner().invoke(main, ["prepare", "--background-index"], env=env)
    assert prepared.exit_code == 0, prepared.output
    assert "build it in the background" in prepared.output and not (tmp_path / "data" / "index").exists()
    chatted = CliRunner().invoke(main, ["chat"], input="/help\n", env=env)
    assert chatted.exit_code == 0, chatted.output
    assert "building it from" in chatted.output and "/note" in chatted.output


def test_kam_ingest_in_a_log_prints_progress_with_the_time_left(tmp_path: Path, corpus: Path) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    env = {"KAM_DATA_DIR": str(tmp_path / "data"), "KAM_EMBEDDER": "hashing", "KAM_KNOWLEDGE_DIR": str(corpus)}
    result = CliRunner().invoke(main, ["ingest"], env=env)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("indexing: ")]
    assert lines and all("% done" in line for line in lines)
    assert any("s left" in line for line in lines)
    percents = [int(line.split()[1].rstrip("%")) for line in lines]
    assert percents == sorted(percents) and percents[-1] <= 99
