"""A learned second opinion on "does this question ask for a value the playbook would not hold?".

`knowledge.facts.asked_fact` recognises a request for a specific value by its grammar (多少, 几, how much,
which clause…). Reps find ways of asking that no rule foresaw ("集团彩铃怎么收费", "hw long does the team get",
"accounts-per-manager ratio we aim for, 1:50?"). This model reads the question's embedding instead, and its
words as hashed character n-grams (`char_ngrams`: "佣金", "提成" or "per month" tell of a value in any sentence,
where a sentence embedding mostly hears the topic): a logistic regression fitted on the dev sets' questions,
labelled 1 for the questions a playbook cannot answer (`not_stated`) and 0 for situations, objections and the
facts it does state. It never decides alone: when the
rules find no request and the model is sure (`threshold`), the answer checks, as for any asked value, whether
a passage states a value of the kind the question's words point to (`knowledge.facts.guessed_fact`).

A second model of the same form (the embedding alone) asks the opposite question: "does this question ask for a fact at all (a
value, a name, a list), or how to handle a situation or an objection?" – fitted on the same questions, labelled
1 for fact and `not_stated` questions and 0 for situations and objections. A rep's story often holds words the
grammar reads as a request ("片区里有几家老客户今年业务掉了一半…我该怎么调整", "we lost three clients last
quarter … how do I win them back"); when this model is sure the question is about what to do (its probability
below `FACT_ASK_THRESHOLD`), the grammar's request is not checked against the passages.

A third model of the same form judges whether the question reports a customer's objection and asks how to answer
it (an objection card answers that) or tells a situation (the section that answers it), fitted on the dev sets'
objection and situation questions. The rule of `knowledge.answer.is_objection` reads objection words ("客户说太贵了",
"they said we'll think about it"), which a rep's situation also holds; the model overrules it only when it is sure
(`judged_objection`): below `OBJECTION_DOUBT` the rule's objection is a situation, from the model's `threshold` up a
question is an objection whatever the rule reads.

The weights live in `knowledge/value_ask_model.json`, `knowledge/fact_ask_model.json` and
`knowledge/objection_model.json`, written by `benchmarks/fit_value_asks.py`, `benchmarks/fit_fact_asks.py` and
`benchmarks/fit_objections.py` from the dev sets (never a held-out set), with the embedder they were fitted on:
another embedder's vectors mean nothing to them, so an index built with another embedder has none of the models.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

VALUE_ASK_MODEL_FILE = Path(__file__).with_name("value_ask_model.json")
FACT_ASK_MODEL_FILE = Path(__file__).with_name("fact_ask_model.json")
OBJECTION_MODEL_FILE = Path(__file__).with_name("objection_model.json")
L2 = 1e-4  # the penalty on the squared weights (the training weights sum to 1)
THRESHOLD = 0.75  # chosen on the dev sets, leave one set out: `benchmarks/fit_value_asks.py --thresholds 0.7,0.75,0.8`
# below this probability a question is about what to do: chosen on the dev sets, leave one set out
# (`benchmarks/fit_fact_asks.py --thresholds 0.1,0.15,0.2`)
FACT_ASK_THRESHOLD = 0.15
# below this probability the objection the rule reads is a situation; the objection model's own threshold (in its
# file) makes any question an objection. Both chosen on the dev sets, leave one set out
# (`benchmarks/fit_objections.py --grid`)
OBJECTION_DOUBT = 0.25
OBJECTION_THRESHOLD = 0.8
NGRAM_SIZES = (2, 3)  # the character n-grams of a question's words that the value-ask model reads beside its vector
NGRAM_BUCKETS = 2**16  # hashed into this many features
NGRAM_L2 = 5e-5  # the value-ask model's penalty: chosen on the dev sets, leave one set out (against 1e-4)
_NOT_A_WORD = re.compile(r"[^\w]+")  # punctuation and spaces: what separates the words `char_ngrams` reads


@dataclass(frozen=True)
class ValueAskModel:
    weights: np.ndarray  # (dimension,)
    bias: float
    threshold: float
    embedder: str  # the embedder and model whose query vectors it reads
    model: str
    ngram_weights: np.ndarray | None = None  # (NGRAM_BUCKETS,) over the question's hashed `char_ngrams`, if it reads them

    def probability(self, query: np.ndarray, text: str | None = None) -> float:
        """The probability that the (normalised) query vector – and, for a model that reads them, the character
        n-grams of the question's `text` – asks for what the model was fitted to recognise."""
        logit = float(np.asarray(query, dtype=np.float64).reshape(-1) @ self.weights) + self.bias
        if self.ngram_weights is not None:
            if text is None:
                raise TypeError("this model reads the question's text beside its vector")
            indices, values = char_ngrams(text, len(self.ngram_weights))
            logit += float(self.ngram_weights[indices] @ values)
        return 1.0 / (1.0 + np.exp(-max(min(logit, 50.0), -50.0)))

    def asks_value(self, query: np.ndarray, text: str | None = None) -> bool:
        return bool(self.probability(query, text) >= self.threshold)

    def reads(self, embedder: str, model: str) -> bool:
        """True when the model was fitted on this embedder's vectors."""
        return (embedder, model) == (self.embedder, self.model)


def char_ngrams(text: str, buckets: int = NGRAM_BUCKETS) -> tuple[np.ndarray, np.ndarray]:
    """The question's character n-grams (NGRAM_SIZES) within each word, the word padded by a space at both ends
    ("价格多少" is one word, "how much" two; punctuation only separates words), hashed into `buckets` by CRC-32 and
    counted: the indices and values of a sparse vector of unit length. Lower case; the caller gives Simplified
    characters (`to_simplified`). Punctuation is no n-gram and no single character is one: with them, a short
    follow-up ("那如果是III类客户呢？") read as a value ask by its question mark, 那 and 是 alone."""
    counts: dict[int, int] = {}
    for word in _NOT_A_WORD.sub(" ", text.lower()).split():
        padded = f" {word} "
        for size in NGRAM_SIZES:
            for start in range(max(len(padded) - size + 1, 1)):
                bucket = zlib.crc32(padded[start : start + size].encode("utf-8")) % buckets
                counts[bucket] = counts.get(bucket, 0) + 1
    indices = np.fromiter(counts, dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    norm = float(np.sqrt(values @ values))
    return indices, values / norm if norm else values


def _balanced(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The labels as floats and each question's weight, the two classes weighing the same and summing to 1."""
    y = np.asarray(labels, dtype=np.float64)
    positives = y.sum()
    if positives == 0 or positives == len(y):
        raise ValueError("both classes are needed to fit the value-ask model")
    return y, np.where(y > 0, 0.5 / positives, 0.5 / (len(y) - positives))


def fit_value_asks(vectors: np.ndarray, labels: np.ndarray, *, l2: float = L2) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-penalised logistic regression, classes balanced, by Newton's method.

    Deterministic: the same vectors and labels give the same weights.
    """
    x = np.hstack([np.asarray(vectors, dtype=np.float64), np.ones((len(vectors), 1))])
    y, sample = _balanced(labels)
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not penalised
    theta = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ theta, -50, 50)))
        gradient = x.T @ (sample * (p - y)) + penalty * theta
        hessian = (x * (sample * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian + 1e-12 * np.eye(len(theta)), gradient)
        theta -= step
        if np.abs(step).max() < 1e-10:
            break
    return theta[:-1], float(theta[-1])


def fit_with_ngrams(
    vectors: np.ndarray, texts: Sequence[str], labels: np.ndarray, *, l2: float = NGRAM_L2, buckets: int = NGRAM_BUCKETS
) -> tuple[np.ndarray, np.ndarray, float]:
    """Weights over the vectors, weights over the texts' hashed `char_ngrams` and the bias of the same penalised,
    balanced logistic regression as `fit_value_asks`, by L-BFGS (tens of thousands of features have no Hessian to
    invert). Deterministic: the same vectors, texts and labels give the same weights."""
    dense = np.asarray(vectors, dtype=np.float64)
    y, sample = _balanced(labels)
    grams = [char_ngrams(text, buckets) for text in texts]
    rows = np.concatenate([np.full(len(indices), row) for row, (indices, _) in enumerate(grams)]).astype(np.int64)
    columns = np.concatenate([indices for indices, _ in grams])
    values = np.concatenate([values for _, values in grams])
    width = dense.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        dense_weights, ngram_weights, bias = theta[:width], theta[width:-1], theta[-1]
        logits = dense @ dense_weights + np.bincount(rows, values * ngram_weights[columns], len(y)) + bias
        value = float(sample @ (np.logaddexp(0.0, logits) - y * logits)) + 0.5 * l2 * float(theta[:-1] @ theta[:-1])
        residual = sample * (1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50))) - y)
        gradient = np.concatenate(
            [dense.T @ residual, np.bincount(columns, values * residual[rows], buckets), [residual.sum()]]
        )
        gradient[:-1] += l2 * theta[:-1]  # the bias is not penalised
        return value, gradient

    theta = _minimised(loss, np.zeros(width + buckets + 1))
    return theta[:width], theta[width:-1], float(theta[-1])


def _minimised(
    loss: Callable[[np.ndarray], tuple[float, np.ndarray]],
    theta: np.ndarray,
    *,
    memory: int = 10,
    iterations: int = 2000,
    tolerance: float = 1e-9,
) -> np.ndarray:
    """The minimum of a smooth convex `loss` (value and gradient) by L-BFGS with a backtracking line search."""
    value, gradient = loss(theta)
    steps: list[tuple[np.ndarray, np.ndarray, float]] = []  # (s, y, 1 / y·s) of the last `memory` steps
    for _ in range(iterations):
        if np.abs(gradient).max() < tolerance:
            break
        direction = -gradient
        alphas = []
        for s, y, rho in reversed(steps):  # the two-loop recursion: direction = -H·gradient
            alpha = rho * float(s @ direction)
            direction = direction - alpha * y
            alphas.append(alpha)
        if steps:
            s, y, _ = steps[-1]
            direction = direction * float(s @ y) / float(y @ y)
        for (s, y, rho), alpha in zip(steps, reversed(alphas), strict=True):
            direction = direction + s * (alpha - rho * float(y @ direction))
        slope = float(gradient @ direction)
        if slope >= 0:  # not a descent direction: start the memory again
            steps.clear()
            direction, slope = -gradient, -float(gradient @ gradient)
        step = 1.0
        while True:
            candidate = theta + step * direction
            candidate_value, candidate_gradient = loss(candidate)
            if candidate_value <= value + 1e-4 * step * slope or step < 1e-12:
                break
            step *= 0.5
        s, y = candidate - theta, candidate_gradient - gradient
        theta, value, gradient = candidate, candidate_value, candidate_gradient
        if float(y @ s) > 1e-16:
            steps = [*steps[-(memory - 1) :], (s, y, 1.0 / float(y @ s))]
    return theta


def save_value_ask_model(model: ValueAskModel, path: Path, *, note: str) -> None:
    payload = {
        "note": note,
        "embedder": model.embedder,
        "model": model.model,
        "threshold": model.threshold,
        "bias": model.bias,
        "weights": [round(float(weight), 6) for weight in model.weights],
    }
    if model.ngram_weights is not None:  # sparse: a bucket no training question fills keeps a weight of 0
        payload["ngram_buckets"] = len(model.ngram_weights)
        payload["ngram_weights"] = {
            str(bucket): round(float(weight), 6)
            for bucket, weight in enumerate(model.ngram_weights)
            if round(float(weight), 6) != 0.0
        }
    Path(path).write_text(json.dumps(payload, ensure_ascii=False) + "\n", encoding="utf-8")


def load_value_ask_model(path: Path = VALUE_ASK_MODEL_FILE) -> ValueAskModel:
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    ngram_weights = None
    if "ngram_weights" in payload:
        ngram_weights = np.zeros(int(payload["ngram_buckets"]))
        for bucket, weight in payload["ngram_weights"].items():
            ngram_weights[int(bucket)] = float(weight)
    return ValueAskModel(
        np.asarray(payload["weights"], dtype=np.float64),
        float(payload["bias"]),
        float(payload["threshold"]),
        str(payload["embedder"]),
        str(payload["model"]),
        ngram_weights,
    )


@lru_cache(maxsize=1)
def shipped_value_ask_model() -> ValueAskModel:
    """The fitted model in `knowledge/value_ask_model.json`."""
    return load_value_ask_model()


def judged_objection(model: ValueAskModel | None, query: np.ndarray | None, rule: bool) -> bool:
    """The rule's verdict on "is this an objection to answer?" (`rule`), overruled where the objection model is sure:
    below OBJECTION_DOUBT it is not one, from the model's threshold up it is. Without a model or a vector, the rule."""
    if model is None or query is None:
        return rule
    probability = model.probability(query)
    return bool(probability >= model.threshold or (rule and probability >= OBJECTION_DOUBT))


@lru_cache(maxsize=1)
def shipped_objection_model() -> ValueAskModel:
    """The fitted "does it report an objection to answer" model in `knowledge/objection_model.json`."""
    return load_value_ask_model(OBJECTION_MODEL_FILE)


@lru_cache(maxsize=1)
def shipped_fact_ask_model() -> ValueAskModel:
    """The fitted "does it ask for a fact at all" model in `knowledge/fact_ask_model.json`."""
    return load_value_ask_model(FACT_ASK_MODEL_FILE)
