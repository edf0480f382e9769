"""Fit the objection model (`knowledge.value_asks`: "does the question report an objection to answer, or tell a
situation?") on the dev sets and write `knowledge/objection_model.json`.

    KAM_DATA_DIR=/tmp/kb python benchmarks/fit_objections.py                 # report and write
    KAM_DATA_DIR=/tmp/kb python benchmarks/fit_objections.py --dry-run --grid   # report a grid of thresholds only

The model is fitted on the objection (label 1) and situation (label 0) questions of the kind-labelled dev sets,
embedded as the bot embeds them, and judges every question the bot answers (`knowledge.value_asks.judged_objection`:
the rule of `knowledge.answer.is_objection`, overruled below OBJECTION_DOUBT and from the threshold up). The report
scores it the honest way first: leave one set out, each set's questions judged by the model fitted on all the other
sets, as `kam eval kb` scores them. The judgement only turns one flag per question on or off, so every question is
answered twice – as an objection and as not one – and the end-to-end figures for any pair of thresholds follow
from the fold's probabilities without another run. Then the model is fitted on every set and written with the
shipped OBJECTION_THRESHOLD. The held-out sets (kb_heldout and the near-domain sets v58 onwards) are never read.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fit_fact_asks import DEV_SETS  # noqa: E402  (the same dev sets)
from benchmarks.fit_value_asks import end_to_end  # noqa: E402
from bot.cli.knowledge import open_knowledge_base  # noqa: E402
from bot.settings import Settings  # noqa: E402
from knowledge import evaluate, load_items  # noqa: E402
from knowledge.answer import is_objection  # noqa: E402
from knowledge.tokenize import to_simplified  # noqa: E402
from knowledge.value_asks import (  # noqa: E402
    OBJECTION_DOUBT,
    OBJECTION_MODEL_FILE,
    OBJECTION_THRESHOLD,
    ValueAskModel,
    fit_value_asks,
    save_value_ask_model,
)

KINDS = ("not_stated", "fact", "situation", "objection")  # every kind is judged; objections and situations train
GRID = ((0.1, 0.2, 0.25, 0.3), (0.7, 0.75, 0.8, 0.85, 0.9))  # doubts × thresholds for --grid


def by_threshold(outcomes: list[tuple[bool, float, bool, bool, bool]], doubt: float) -> list[tuple[bool, float, bool, bool]]:
    """The outcomes in the form `benchmarks.fit_value_asks.end_to_end` scores by threshold, for this `doubt`. Each
    outcome is (answerable?, the fold's probability, the rule's verdict, passed as not an objection, passed as one);
    an objection the rule reads and the model does not doubt is one at any threshold (`judged_objection`)."""
    return [
        (answerable, math.inf if rule and probability >= doubt else probability, as_situation, as_objection)
        for answerable, probability, rule, as_situation, as_objection in outcomes
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="report only, do not write the model")
    parser.add_argument("--grid", action="store_true", help="also report a grid of doubts and thresholds")
    args = parser.parse_args()
    kb = open_knowledge_base(Settings())
    index = kb.index
    embedder, model_name = index.manifest.embedder, index.manifest.model

    def model_of(weights: np.ndarray, bias: float, threshold: float = OBJECTION_THRESHOLD) -> ValueAskModel:
        return ValueAskModel(weights, bias, threshold, embedder, model_name)

    sets: dict[str, list] = {}
    for path in DEV_SETS:
        for item in load_items(path):
            if item.kind not in KINDS:
                continue
            query = to_simplified(item.q)
            embedded = kb.embed_question(index, query)
            if embedded is not None:
                sets.setdefault(path.name, []).append((item, embedded[0], is_objection(query)))
    rows = [row for set_rows in sets.values() for row in set_rows]
    print(f"questions: {len(rows)} in {len(sets)} dev sets; doubt {OBJECTION_DOUBT}, threshold {OBJECTION_THRESHOLD}")

    # every question answered as an objection and as not one: a model that is always sure (p = 1 or 0) forces the flag
    passed = {}
    for label, bias in (("situation", -50.0), ("objection", 50.0)):
        kb.objections = model_of(np.zeros(len(rows[0][1])), bias)
        passed[label] = [result.passed for result in evaluate(kb.answer, [row[0] for row in rows]).results]
    kb.objections = None
    outcome_of = {id(row[0]): (situation, objection) for row, situation, objection in zip(rows, passed["situation"], passed["objection"], strict=True)}

    def training(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        chosen = [row for name in names for row in sets[name] if row[0].kind in ("objection", "situation")]
        return np.array([row[1] for row in chosen]), np.array([row[0].kind == "objection" for row in chosen], dtype=float)

    outcomes: list[tuple[bool, float, bool, bool, bool]] = []
    for name, set_rows in sets.items():
        fold = model_of(*fit_value_asks(*training([other for other in sets if other != name])))
        for item, vector, rule in set_rows:
            outcomes.append((not item.unanswerable, fold.probability(vector), rule, *outcome_of[id(item)]))

    print("leave one set out, end to end (answerable passed, unanswerable refused or flagged):")
    without = end_to_end(by_threshold(outcomes, -1.0), 2.0)  # the rule alone
    shipped = end_to_end(by_threshold(outcomes, OBJECTION_DOUBT), OBJECTION_THRESHOLD)
    print(f"  the rule alone: {without[0]}/{without[1]}, {without[2]}/{without[3]}")
    print(f"  doubt {OBJECTION_DOUBT}, threshold {OBJECTION_THRESHOLD}: {shipped[0]}/{shipped[1]}, {shipped[2]}/{shipped[3]}  (shipped)")
    if args.grid:
        for doubt in GRID[0]:
            cells = []
            for threshold in GRID[1]:
                totals = end_to_end(by_threshold(outcomes, doubt), threshold)
                cells.append(f"{threshold}: {totals[0] - without[0]:+d}/{totals[2] - without[2]:+d}")
            print(f"  doubt {doubt}, against the rule alone – " + "  ".join(cells))

    if args.dry_run:
        return
    weights, bias = fit_value_asks(*training(list(sets)))
    note = (
        f"benchmarks/fit_objections.py on the objection and situation questions of {len(sets)} dev sets "
        f"({', '.join(sets)}); leave one set out, end to end: {json.dumps({'rule': without, 'with': shipped})}"
    )
    save_value_ask_model(model_of(weights, bias), OBJECTION_MODEL_FILE, note=note)
    print(f"wrote {OBJECTION_MODEL_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
