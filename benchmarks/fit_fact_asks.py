"""Fit the fact-ask model (`knowledge.value_asks`: "does the question ask for a fact at all, or what to do?") on the
dev sets and write `knowledge/fact_ask_model.json`.

    KAM_DATA_DIR=/tmp/kb python benchmarks/fit_fact_asks.py                           # report and write
    KAM_DATA_DIR=/tmp/kb python benchmarks/fit_fact_asks.py --dry-run --thresholds 0.1,0.2   # report only

Every question of the kind-labelled dev sets is embedded as the bot embeds it; the label is 1 for a fact question
(`fact`, and `not_stated`: the facts the playbook lacks) and 0 for a situation or an objection. The report scores
the model the honest way first: leave one set out, fit on all the others, and answer the left-out set with that
fold's model, as `kam eval kb` scores it. The model only ever turns one flag per question on or off (below the
threshold, a request the grammar of `knowledge.facts` reads is not checked), so each fold is answered twice – with
the flag never set and always set – and the end-to-end figures for any threshold follow from the fold's
probabilities without another run. Then the model is fitted on every set and written (with the shipped
FACT_ASK_THRESHOLD). The held-out sets (kb_heldout and the near-domain sets v58 onwards) are never read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fit_value_asks import DEV_SETS, report_end_to_end  # noqa: E402  (the same dev sets)
from bot.cli.knowledge import open_knowledge_base  # noqa: E402
from bot.settings import Settings  # noqa: E402
from knowledge import evaluate, load_items  # noqa: E402
from knowledge.tokenize import to_simplified  # noqa: E402
from knowledge.value_asks import (  # noqa: E402
    FACT_ASK_MODEL_FILE,
    FACT_ASK_THRESHOLD,
    ValueAskModel,
    fit_value_asks,
    save_value_ask_model,
)

KINDS = ("not_stated", "fact", "situation", "objection")
CHECKED, UNCHECKED = -1.0, 2.0  # thresholds below and above any probability: the grammar's request always / never checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="report only, do not write the model")
    parser.add_argument(
        "--thresholds",
        default="",
        help="comma-separated thresholds to report leave one set out, end to end (the shipped one is always reported)",
    )
    args = parser.parse_args()
    thresholds = sorted({FACT_ASK_THRESHOLD, *(float(value) for value in args.thresholds.split(",") if value.strip())})
    kb = open_knowledge_base(Settings())
    index = kb.index
    embedder, model_name = index.manifest.embedder, index.manifest.model

    def model_of(weights: np.ndarray, bias: float, threshold: float = FACT_ASK_THRESHOLD) -> ValueAskModel:
        return ValueAskModel(weights, bias, threshold, embedder, model_name)

    sets: dict[str, list] = {}
    for path in DEV_SETS:
        for item in load_items(path):
            if item.kind not in KINDS:
                continue
            embedded = kb.embed_question(index, to_simplified(item.q))
            if embedded is not None:
                sets.setdefault(path.name, []).append((item, embedded[0], item.kind in ("fact", "not_stated")))
    vectors = {name: np.array([row[1] for row in rows]) for name, rows in sets.items()}
    labels = {name: np.array([row[2] for row in rows], dtype=float) for name, rows in sets.items()}
    print(f"questions: {sum(len(rows) for rows in sets.values())} in {len(sets)} dev sets; threshold {FACT_ASK_THRESHOLD}")

    # per question: answerable?, the fold's probability, passed without the request checked (below the threshold), with it
    outcomes: list[tuple[bool, float, bool, bool]] = []
    below = dict.fromkeys(KINDS, 0)
    counted = dict.fromkeys(KINDS, 0)
    for name, rows in sets.items():
        others = [other for other in sets if other != name]
        weights, bias = fit_value_asks(
            np.vstack([vectors[o] for o in others]), np.concatenate([labels[o] for o in others])
        )
        fold = model_of(weights, bias)
        items = [row[0] for row in rows]
        passed = {}
        for label, threshold in (("checked", CHECKED), ("unchecked", UNCHECKED)):
            kb.fact_asks = model_of(weights, bias, threshold=threshold)
            passed[label] = [result.passed for result in evaluate(kb.answer, items).results]
        for (item, vector, _), checked, unchecked in zip(rows, passed["checked"], passed["unchecked"], strict=True):
            probability = fold.probability(vector)
            counted[item.kind] += 1
            below[item.kind] += probability < FACT_ASK_THRESHOLD
            outcomes.append((not item.unanswerable, probability, unchecked, checked))
    kb.fact_asks = None
    print(f"leave one set out: questions the fold's model reads as asking what to do (below {FACT_ASK_THRESHOLD})")
    for kind in KINDS:
        print(f"  {kind:11s} {below[kind]:4d} of {counted[kind]:4d}")

    totals = report_end_to_end(outcomes, thresholds, shipped=FACT_ASK_THRESHOLD, without=CHECKED)

    weights, bias = fit_value_asks(np.vstack(list(vectors.values())), np.concatenate(list(labels.values())))
    if args.dry_run:
        return
    note = (
        f"benchmarks/fit_fact_asks.py on {len(sets)} dev sets ({sum(len(r) for r in sets.values())} questions: "
        f"{', '.join(sets)}); leave one set out: {json.dumps(totals)}"
    )
    save_value_ask_model(model_of(weights, bias), FACT_ASK_MODEL_FILE, note=note)
    print(f"wrote {FACT_ASK_MODEL_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
