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
