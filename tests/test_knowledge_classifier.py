"""The passage classifier: which chunk a query is about, fitted on the chunks' own vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import classifier as classifier_module
from knowledge.classifier import PassageClassifier, fit_passage_classifier


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def clusters() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three passages, each a direction with its vectors scattered around it; passage 2 has one vector."""
    generator = np.random.default_rng(7)
    centres = unit(generator.normal(size=(3, 32)))
    counts = (30, 30, 1)
    vectors = unit(np.vstack([centre + 0.3 * generator.normal(size=(count, 32)) for centre, count in zip(centres, counts)]))
    labels = np.repeat(np.arange(3), counts)
    return vectors, labels, centres


def test_a_query_near_a_passages_vectors_is_about_that_passage(clusters):
    vectors, labels, centres = clusters
    model = fit_passage_classifier(vectors, labels, 3)
    for passage, centre in enumerate(centres):
        scores = model.log_probabilities(centre)
        assert int(np.argmax(scores)) == passage
        assert np.isclose(np.exp(scores).sum(), 1.0, atol=1e-4)


def test_a_passage_with_one_vector_is_not_drowned_by_passages_with_many(clusters):
    vectors, labels, centres = clusters
    model = fit_passage_classifier(vectors, labels, 3)
    assert np.exp(model.log_probabilities(centres[2])[2]) > 0.5


def test_the_same_vectors_give_the_same_weights(clusters):
    vectors, labels, _ = clusters
    first, second = fit_passage_classifier(vectors, labels, 3), fit_passage_classifier(vectors, labels, 3)
    assert np.array_equal(first.weights, second.weights) and np.array_equal(first.bias, second.bias)


def test_saved_and_loaded_it_scores_the_same(clusters, tmp_path: Path):
    vectors, labels, centres = clusters
    model = fit_passage_classifier(vectors, labels, 3)
    model.save(tmp_path)
    loaded = PassageClassifier.load(tmp_path)
    assert np.allclose(loaded.log_probabilities(centres[1]), model.log_probabilities(centres[1]))


def test_nothing_to_tell_apart_or_too_large_gives_no_classifier(clusters, monkeypatch):
    vectors, labels, _ = clusters
    assert fit_passage_classifier(vectors[:30], labels[:30], 1) is None
    monkeypatch.setattr(classifier_module, "MAX_WORK", len(vectors) * 3 * vectors.shape[1] - 1)
    assert fit_passage_classifier(vectors, labels, 3) is None
