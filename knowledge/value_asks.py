"""A learned second opinion on "does this question ask for a value the playbook would not hold?".

`knowledge.facts.asked_fact` recognises a request for a specific value by its grammar (多少, 几, how much,
which clause…). Reps find ways of asking that no rule foresaw ("集团彩铃怎么收费", "hw long does the team get",
"accounts-per-manager ratio we aim for, 1:50?"). This model reads the question's embedding instead: a logistic
regression fitted on the dev sets' questions, labelled 1 for the questions a playbook cannot answer
(`not_stated`) and 0 for situations, objections and the facts it does state. It never decides alone: when the
rules find no request and the model is sure (`threshold`), the answer checks, as for any asked value, whether
a passage states a value of the kind the question's words point to (`knowledge.facts.guessed_fact`).

A second model of the same form asks the opposite question: "does this question ask for a fact at all (a
value, a name, a list), or how to handle a situation or an objection?" – fitted on the same questions, labelled
1 for fact and `not_stated` questions and 0 for situations and objections. A rep's story often holds words the
grammar reads as a request ("片区里有几家老客户今年业务掉了一半…我该怎么调整", "we lost three clients last
quarter … how do I win them back"); when this model is sure the question is about what to do (its probability
below `FACT_ASK_THRESHOLD`), the grammar's request is not checked against the passages.

The weights live in `knowledge/value_ask_model.json` and `knowledge/fact_ask_model.json`, written by
`benchmarks/fit_value_asks.py` and `benchmarks/fit_fact_asks.py` from the dev sets (never a held-out set), with
the embedder they were fitted on: another embedder's vectors mean nothing to them, so an index built with
another embedder has neither model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

VALUE_ASK_MODEL_FILE = Path(__file__).with_name("value_ask_model.json")
FACT_ASK_MODEL_FILE = Path(__file__).with_name("fact_ask_model.json")
L2 = 1e-4  # the penalty on the squared weights (the training weights sum to 1)
THRESHOLD = 0.75  # chosen on the dev sets, leave one set out: `benchmarks/fit_value_asks.py --thresholds 0.7,0.75,0.8`
# below this probability a question is about what to do: chosen on the dev sets, leave one set out
# (`benchmarks/fit_fact_asks.py --thresholds 0.1,0.15,0.2`)
FACT_ASK_THRESHOLD = 0.15


@dataclass(frozen=True)
class ValueAskModel:
    weights: np.ndarray  # (dimension,)
    bias: float
    threshold: float
    embedder: str  # the embedder and model whose query vectors it reads
    model: str

    def probability(self, query: np.ndarray) -> float:
        """The probability that the (normalised) query vector asks for a value no passage holds."""
        logit = float(np.asarray(query, dtype=np.float64).reshape(-1) @ self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-max(min(logit, 50.0), -50.0)))

    def asks_value(self, query: np.ndarray) -> bool:
        return bool(self.probability(query) >= self.threshold)

    def reads(self, embedder: str, model: str) -> bool:
        """True when the model was fitted on this embedder's vectors."""
        return (embedder, model) == (self.embedder, self.model)


def fit_value_asks(vectors: np.ndarray, labels: np.ndarray, *, l2: float = L2) -> tuple[np.ndarray, float]:
    """Weights and bias of an L2-penalised logistic regression, classes balanced, by Newton's method.

    Deterministic: the same vectors and labels give the same weights.
    """
    x = np.hstack([np.asarray(vectors, dtype=np.float64), np.ones((len(vectors), 1))])
    y = np.asarray(labels, dtype=np.float64)
    positives = y.sum()
    if positives == 0 or positives == len(y):
        raise ValueError("both classes are needed to fit the value-ask model")
    sample = np.where(y > 0, 0.5 / positives, 0.5 / (len(y) - positives))  # balanced, summing to 1
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


def save_value_ask_model(model: ValueAskModel, path: Path, *, note: str) -> None:
    payload = {
        "note": note,
        "embedder": model.embedder,
        "model": model.model,
        "threshold": model.threshold,
        "bias": model.bias,
        "weights": [round(float(weight), 6) for weight in model.weights],
    }
    Path(path).write_text(json.dumps(payload, ensure_ascii=False) + "\n", encoding="utf-8")


def load_value_ask_model(path: Path = VALUE_ASK_MODEL_FILE) -> ValueAskModel:
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    return ValueAskModel(
        np.asarray(payload["weights"], dtype=np.float64),
        float(payload["bias"]),
        float(payload["threshold"]),
        str(payload["embedder"]),
        str(payload["model"]),
    )


@lru_cache(maxsize=1)
def shipped_value_ask_model() -> ValueAskModel:
    """The fitted model in `knowledge/value_ask_model.json`."""
    return load_value_ask_model()


@lru_cache(maxsize=1)
def shipped_fact_ask_model() -> ValueAskModel:
    """The fitted "does it ask for a fact at all" model in `knowledge/fact_ask_model.json`."""
    return load_value_ask_model(FACT_ASK_MODEL_FILE)
