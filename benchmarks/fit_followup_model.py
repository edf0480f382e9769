"""Fit the follow-up model (crm/parsing/followup_model.crfsuite) on the labelled visit notes.

    python benchmarks/fit_followup_model.py            # fit on the training sets, write the model
    python benchmarks/fit_followup_model.py --folds    # leave one set out: follow-ups by parse_note, per set
    python benchmarks/fit_followup_model.py --out F    # write the model elsewhere (the tests refit to a temp file)

The training sets are the labelled notes that were read (TRAINING in `note_sets.py`: those read while
the rules were written, and v18 to v21, written to train on). The sets never read are not in it: they
judge the model and the rules together through `kam eval notes`. One example per date that `parse_note`, deciding by the rules
alone, asks the model about (`followup_model.judges`), labelled 1 when an expected follow-up falls on
its day; the features are exactly the ones it asks with.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pycrfsuite
from note_sets import sample_customers, training_notes  # puts the project on the path

from crm.parsing import followup_model
from crm.parsing.date_rules import DateMention
from crm.parsing.matching import CustomerIndex
from crm.visits.evaluation import score_note
from crm.visits.parse import parse_note

# L1 and L2 penalties, chosen by leaving one training set out (c1 0 to 0.3, c2 0.01 to 1)
PARAMS = {"c1": 0.02, "c2": 0.1, "max_iterations": 200}

Example = tuple[list[list[str]], list[str]]


@contextlib.contextmanager
def questions_to_the_model() -> Iterator[list[tuple[list[str], DateMention]]]:
    """Record what `parse_note` asks the model (features and date) while it decides as the rules alone."""
    asked: list[tuple[list[str], DateMention]] = []
    ask = followup_model.followup_probability

    def record(text: str, mention: DateMention) -> float:
        asked.append((followup_model.features(text, mention), mention))
        return 1.0  # keep every date: the rules alone

    followup_model.followup_probability = record
    try:
        yield asked
    finally:
        followup_model.followup_probability = ask


def examples(item: dict, index: CustomerIndex) -> list[Example]:
    """One example per date `parse_note` asks the model about, labelled 1 when an expected follow-up falls on its day."""
    wanted = {followup["date"] for followup in item["expect"].get("followups") or []}
    with questions_to_the_model() as asked:
        parse_note(item["text"], now=datetime.fromisoformat(item["now"]), customers=index)
    return [([features], ["1" if f"{mention.day:%Y-%m-%d}" in wanted else "0"]) for features, mention in asked]


def fit(rows: list[Example], out: Path) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels in rows:
        trainer.append(features, labels)
    trainer.set_params(PARAMS)
    trainer.train(str(out))


def folds(sets: dict[str, list[dict]], index: CustomerIndex, scratch: Path) -> None:
    """Leave each training set out: its notes' follow-ups by `parse_note` with the model fitted without it."""
    shipped, shipped_keep_at = followup_model.MODEL_PATH, followup_model.KEEP_AT
    rows = {name: [row for item in notes for row in examples(item, index)] for name, notes in sets.items()}
    totals = {"rules": 0, "model": 0}
    try:
        for held in sets:
            fit([row for name in sets if name != held for row in rows[name]], scratch / "fold.crfsuite")
            followup_model.MODEL_PATH = scratch / "fold.crfsuite"
            followup_model._model.cache_clear()
            right = {"rules": 0, "model": 0}
            for item in sets[held]:
                for key, keep_at in (("rules", 0.0), ("model", shipped_keep_at)):
                    followup_model.KEEP_AT = keep_at
                    record = parse_note(item["text"], now=datetime.fromisoformat(item["now"]), customers=index)
                    right[key] += score_note(item, record)["followups"]
            print(f"{held:28} rules alone {right['rules']}/{len(sets[held])}, with the model {right['model']}")
            totals = {key: totals[key] + right[key] for key in totals}
    finally:
        followup_model.MODEL_PATH, followup_model.KEEP_AT = shipped, shipped_keep_at
        followup_model._model.cache_clear()
    count = sum(len(notes) for notes in sets.values())
    print(f"{'all':28} rules alone {totals['rules']}/{count}, with the model {totals['model']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", action="store_true", help="leave one set out instead of writing the model")
    parser.add_argument("--out", type=Path, default=followup_model.MODEL_PATH)
    args = parser.parse_args()
    index = sample_customers()
    sets = training_notes()
    if args.folds:
        with tempfile.TemporaryDirectory() as scratch:
            folds(sets, index, Path(scratch))
        return
    fit([row for notes in sets.values() for item in notes for row in examples(item, index)], args.out)
    print(f"wrote {args.out} from {sum(len(notes) for notes in sets.values())} notes")


if __name__ == "__main__":
    main()
