"""Refit the support model (answer or refuse) from a calibration question set.

    kam eval kb --fit tests/fixtures/knowledge/calibration.jsonl

For every question the engine's own search runs (all legs, top `k` hits) and each hit's evidence is
turned into the support model's features. Examples:

- an answerable question gives one positive: its best-ranked hit whose passage holds every expect group
  (questions whose answer is not in the top `k` give none);
- an unanswerable question gives its `k` hits as negatives, weighted 1/k each, since all of them must
  stay below the threshold; unless it asks for a specific fact (an amount, a rate, a date…) that its
  passages do not state: the answer then says so whatever the support (`knowledge.answer.unstated_fact`),
  so the question gives no examples to the weights, and counts as refused at every threshold.

Class-balanced, L2-regularised logistic regression (Newton's method, numpy only) gives the weights; the
threshold is the support that best separates the questions (answerable: the positive hit reaches it;
unanswerable: no hit does): the one whose worse rate of the two (answerable kept, unanswerable refused) is
highest, as both must hold (the middle of the best interval). The result is written as JSON
(`knowledge/support_model.json`) that `knowledge.search` loads, so a corpus or embedder change only
needs a refit, not a code change. Near-duplicates of held-out questions must not be in the calibration
set: `near_duplicates` finds them.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from knowledge.answer import unstated_fact
from knowledge.base import KnowledgeBase
from knowledge.documents import Hit
from knowledge.evaluation import EvalItem
from knowledge.search import (
    AGREEMENT_RANK,
    DENSE_WEIGHT,
    LEXICAL_WEIGHT,
    RRF_K,
    SupportModel,
    hybrid_search,
    query_terms,
    term_weights,
)

FEATURES = ("sparse", "dense_z", "coverage", "agree", "fused", "unknown", "question_z", "question_sparse")
WEIGHT_NAMES = (
    "sparse_weight",
    "dense_weight",
    "coverage_weight",
    "agreement_weight",
    "fused_weight",
    "unknown_weight",
    "question_weight",
    "question_sparse_weight",
)
NEAR_DUPLICATE_RATIO = 0.7
L2 = 0.01  # chosen by 5-fold cross-validation on the calibration set (0.001-1.0 tried)
TOP_K = 5


@dataclass(frozen=True)
class Example:
    """One hit's features and whether it should support an answer."""

    item_id: str
    features: tuple[float, ...]
    label: int
    weight: float
    declined: bool = False  # an unanswerable question the answer declines anyway ("not stated"): no weight


@dataclass(frozen=True)
class FitResult:
    """A fitted model and how it separates its calibration set."""

    model: SupportModel
    answerable_kept: int  # answerable questions whose answer passage reaches the threshold
    answerable: int  # answerable questions with an answer passage in the top k
    unanswerable_refused: int
    unanswerable: int


def hit_features(hit: Hit, *, with_sparse: bool = True) -> tuple[float, ...]:
    """The support model's inputs for one hit, as `hybrid_search` computes them."""
    fused = 0.0
    if hit.dense_rank is not None:
        fused += DENSE_WEIGHT / (RRF_K + hit.dense_rank)
    if hit.lexical_rank is not None:
        fused += LEXICAL_WEIGHT / (RRF_K + hit.lexical_rank)
    agree = (hit.dense_rank or 10**6) <= AGREEMENT_RANK and (hit.lexical_rank or 10**6) <= AGREEMENT_RANK
    sparse = (hit.sparse_score or 0.0) if with_sparse else 0.0
    question_sparse = hit.question_sparse if with_sparse else 0.0
    return (sparse, hit.dense_z, hit.coverage, float(agree), fused * (RRF_K + 1), hit.unknown, hit.question_z, question_sparse)


def holds_every_group(item: EvalItem, text: str) -> bool:
    """True when the passage text holds one alternative of every expect group."""
    lowered = text.lower()
    return all(any(alternative.lower() in lowered for alternative in group) for group in item.expect)


def examples_for(item: EvalItem, hits: list[Hit], *, with_sparse: bool = True, declined: bool = False) -> list[Example]:
    """Training examples from one question's hits (see the module docstring)."""
    if item.unanswerable:
        weight = 0.0 if declined else 1.0 / len(hits)
        return [Example(item.id, hit_features(hit, with_sparse=with_sparse), 0, weight, declined) for hit in hits]
    for hit in hits:
        if holds_every_group(item, hit.text):
            return [Example(item.id, hit_features(hit, with_sparse=with_sparse), 1, 1.0)]
    return []


def declined_anyway(item: EvalItem, hits: list[Hit], kb: KnowledgeBase) -> bool:
    """An unanswerable question whose answer would say "the playbook does not state this" (see above)."""
    if not item.unanswerable or not hits:
        return False
    terms = query_terms(kb.index, kb.tokenizer, item.q)
    return unstated_fact(item.q, hits, kb.index, terms, term_weights(kb.index, terms)) is not None


def collect_examples(kb: KnowledgeBase, items: Iterable[EvalItem], *, k: int = TOP_K) -> dict[str, list[Example]]:
    """Examples for both models: "with_sparse" (all legs) and "without_sparse" (dense + BM25, no sparse feature)."""
    index = kb.index
    collected: dict[str, list[Example]] = {"with_sparse": [], "without_sparse": []}
    for item in items:
        embedded = kb.embed_question(index, item.q)
        if embedded is None:
            continue  # no content words: never retrieves, nothing to learn
        vector, sparse = embedded
        if sparse is not None:
            hits = hybrid_search(index, kb.tokenizer, item.q, vector, sparse, k=k)
            collected["with_sparse"] += examples_for(item, hits, declined=declined_anyway(item, hits, kb))
        hits = hybrid_search(index, kb.tokenizer, item.q, vector, None, k=k, legs=("dense", "lexical"))
        declined = declined_anyway(item, hits, kb)
        collected["without_sparse"] += examples_for(item, hits, with_sparse=False, declined=declined)
    return collected


def fit_support(
    examples: list[Example], *, with_sparse: bool = True, l2: float = L2, decimals: int = 2
) -> FitResult:
    """Class-balanced L2 logistic regression over the examples, and the threshold that separates questions."""
    if not any(example.label for example in examples) or all(example.label or example.declined for example in examples):
        raise ValueError("the calibration set needs both answerable and unanswerable questions")
    declined = {example.item_id for example in examples if example.declined}
    examples = [example for example in examples if not example.declined]
    columns = [i for i, name in enumerate(FEATURES) if with_sparse or name not in ("sparse", "question_sparse")]
    x = np.array([[example.features[i] for i in columns] for example in examples], dtype=np.float64)
    x = np.hstack([np.ones((len(examples), 1)), x])
    y = np.array([example.label for example in examples], dtype=np.float64)
    w = np.array([example.weight for example in examples], dtype=np.float64)
    for label in (0, 1):  # each class weighs the same in total
        w[y == label] *= len(examples) / (2.0 * w[y == label].sum())
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0  # the bias is not shrunk
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -50, 50)))
        gradient = x.T @ (w * (p - y)) + penalty * beta
        hessian = (x * (w * p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    beta = np.round(beta, decimals)
    weights = dict.fromkeys(WEIGHT_NAMES, 0.0)
    for name, value in zip([WEIGHT_NAMES[i] for i in columns], beta[1:], strict=True):
        weights[name] = float(value)
    model = SupportModel(bias=float(beta[0]), threshold=0.5, **weights)
    return _with_threshold(model, examples, declined=len(declined), decimals=decimals)


def _with_threshold(model: SupportModel, examples: list[Example], *, declined: int, decimals: int) -> FitResult:
    """`declined` unanswerable questions are refused at any threshold (they have no examples)."""
    positives: list[float] = []
    worst_negative: dict[str, float] = {}
    for example in examples:
        support = model.score(**dict(zip(FEATURES, example.features, strict=True)))
        if example.label:
            positives.append(support)
        else:
            worst_negative[example.item_id] = max(worst_negative.get(example.item_id, 0.0), support)
    negatives = list(worst_negative.values())
    step = 10.0**-decimals
    candidates = np.round(np.arange(step, 1.0, step), decimals)

    def worse_rate(threshold: float) -> float:
        kept = sum(support >= threshold for support in positives) / len(positives)
        refused = (declined + sum(support < threshold for support in negatives)) / (declined + len(negatives))
        return min(kept, refused)

    scores = [worse_rate(threshold) for threshold in candidates]
    best = max(scores)
    top = [threshold for threshold, score in zip(candidates, scores, strict=True) if score >= best - 1e-12]
    threshold = float(top[len(top) // 2])  # the middle of the best interval
    model = SupportModel(**{**asdict(model), "threshold": threshold})
    return FitResult(
        model=model,
        answerable_kept=sum(support >= threshold for support in positives),
        answerable=len(positives),
        unanswerable_refused=declined + sum(support < threshold for support in negatives),
        unanswerable=declined + len(negatives),
    )


def save_support_models(path: Path, models: dict[str, SupportModel], *, note: str = "") -> None:
    """Write the models ("with_sparse", "without_sparse") as the JSON file `knowledge.search` loads."""
    payload: dict = {"note": note} if note else {}
    payload.update({name: asdict(model) for name, model in models.items()})
    Path(path).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def near_duplicates(
    items: Iterable[EvalItem], others: Iterable[EvalItem], *, ratio: float = NEAR_DUPLICATE_RATIO
) -> list[tuple[EvalItem, EvalItem, float]]:
    """Pairs (item, other, similarity) whose questions are this similar character by character (difflib)."""
    others = list(others)
    pairs = []
    matcher = difflib.SequenceMatcher()
    for item in items:
        matcher.set_seq2(item.q)
        for other in others:
            matcher.set_seq1(other.q)
            # the quick ratios are upper bounds of the ratio: most pairs are ruled out without the full match
            if matcher.real_quick_ratio() >= ratio and matcher.quick_ratio() >= ratio:
                similarity = matcher.ratio()
                if similarity >= ratio:
                    pairs.append((item, other, similarity))
    return pairs
