"""Which passage a question is about: a softmax over the index's passages, fitted on their own vectors.

Each passage's vectors are the examples of its class: its text (and views) embedded as passages, and the
questions written beside it embedded as queries. A linear softmax over them weighs everything a passage's
questions have in common, where the dense leg sees only the nearest one; the ranker takes the query's
log-probability for each candidate as one more piece of evidence (`knowledge.ranking`).

Fitted at every ingest, so an uploaded document's passages are classes too. Classes are balanced: a passage
with one vector weighs as much as one with forty questions. Full-batch Adam from zero with a light L2
penalty, a fixed number of steps: the same vectors give the same weights. The settings were chosen on the
dev sets by `benchmarks/classifier_settings.py` (leave-one-set-out first passages; docs/benchmarks-knowledge.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

WEIGHTS_FILE, BIAS_FILE = "classifier_weights.npy", "classifier_bias.npy"
L2 = 1e-6
STEPS = 500
LEARNING_RATE = 0.1
MAX_WORK = 3e9  # vectors x passages x dimension; above it (~40 s of fitting) the index has no classifier


@dataclass(frozen=True)
class PassageClassifier:
    weights: np.ndarray  # (dimension, passages)
    bias: np.ndarray  # (passages,)

    def log_probabilities(self, query: np.ndarray) -> np.ndarray:
        """For each passage row, the log-probability that the (normalised) query vector is about it."""
        logits = np.asarray(query, dtype=np.float32).reshape(-1) @ self.weights + self.bias
        logits -= logits.max()
        return logits - np.log(np.exp(logits).sum())

    def save(self, directory: Path) -> None:
        np.save(directory / WEIGHTS_FILE, self.weights, allow_pickle=False)
        np.save(directory / BIAS_FILE, self.bias, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> PassageClassifier:
        return cls(np.load(directory / WEIGHTS_FILE, allow_pickle=False), np.load(directory / BIAS_FILE, allow_pickle=False))


def fit_passage_classifier(
    vectors: np.ndarray, vector_passages: np.ndarray, passages: int, *, l2: float = L2, steps: int = STEPS
) -> PassageClassifier | None:
    """A classifier from each vector row to its passage row; None when there is nothing to tell apart or
    the fit would take too long for the index's size."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    labels = np.asarray(vector_passages, dtype=np.int64)
    if passages < 2 or not len(vectors):
        return None
    work = float(len(vectors)) * passages * vectors.shape[1]
    if work > MAX_WORK:
        logger.info("passage classifier skipped: %d vectors x %d passages is too large to fit here", len(vectors), passages)
        return None
    counts = np.bincount(labels, minlength=passages).astype(np.float32)
    sample_weight = ((1.0 / counts[labels]) / np.count_nonzero(counts)).astype(np.float32)  # balanced, summing to 1
    targets = np.zeros((len(labels), passages), dtype=np.float32)
    targets[np.arange(len(labels)), labels] = 1.0
    weights = np.zeros((vectors.shape[1], passages), dtype=np.float32)
    bias = np.zeros(passages, dtype=np.float32)
    moments = [[np.zeros_like(weights), np.zeros_like(weights)], [np.zeros_like(bias), np.zeros_like(bias)]]
    for step in range(1, steps + 1):
        logits = vectors @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        chosen = np.exp(logits)
        chosen /= chosen.sum(axis=1, keepdims=True)
        error = (chosen - targets) * sample_weight[:, None]
        gradients = (vectors.T @ error + l2 * weights, error.sum(axis=0))
        for parameter, gradient, (mean, square) in zip((weights, bias), gradients, moments, strict=True):
            mean *= 0.9
            mean += 0.1 * gradient
            square *= 0.999
            square += 0.001 * gradient * gradient
            parameter -= LEARNING_RATE * (mean / (1 - 0.9**step)) / (np.sqrt(square / (1 - 0.999**step)) + 1e-8)
    return PassageClassifier(weights, bias)
