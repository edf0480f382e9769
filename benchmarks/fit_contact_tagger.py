"""Fit the contact tagger (crm/parsing/contact_tagger.crfsuite) on the labelled visit notes.

    python benchmarks/fit_contact_tagger.py            # fit on the training sets, write the model
    python benchmarks/fit_contact_tagger.py --folds    # leave one set out: the tagger alone, per set
    python benchmarks/fit_contact_tagger.py --out F    # write the model elsewhere (the tests refit to a temp file)

The training sets are the labelled notes that were read (TRAINING in `note_sets.py`: those read while
the rules were written, and v18 to v21, written to train on). The sets never read (v12 to v17, v22,
v23) are not in it: they judge the tagger and the rules together through `kam eval notes`. A note's
tokens are labelled B/I where an expected contact is said (every mention, as written, else ignoring
case) and O elsewhere; the features are those `read_again` computes at run time, on the note as
`parse_note` normalises it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pycrfsuite
from note_sets import sample_customers, training_notes  # puts the project on the path

from crm.parsing.contact_tagger import MODEL_PATH, Token, customer_spans, note_features, spans_of
from crm.parsing.matching import CustomerIndex
from crm.visits.parse import named_customer, normalize

# L1 and L2 penalties, chosen by leaving one training set out (c1 0.02 to 0.3, c2 0.005 to 0.3)
PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True}


def labelled(text: str, tokens: list[Token], names: list[str]) -> list[str]:
    """B/I/O per token: every mention of an expected contact that starts and ends on token edges."""
    labels = ["O"] * len(tokens)
    for name in names:
        for haystack, needle in ((text, name), (text.lower(), name.lower())):
            hit = False
            position = haystack.find(needle)
            while needle and position >= 0:
                end = position + len(needle)
                inside = [i for i, token in enumerate(tokens) if token.start >= position and token.end <= end]
                if inside and tokens[inside[0]].start == position and tokens[inside[-1]].end == end:
                    labels[inside[0]] = "B"
                    for i in inside[1:]:
                        labels[i] = "I"
                    hit = True
                position = haystack.find(needle, position + 1)
            if hit:
                break
    return labels


def example(item: dict, index: CustomerIndex) -> tuple[list[list[str]], list[str], dict]:
    text = normalize(item["text"])
    _, span, names = named_customer(text, index)
    tokens, features = note_features(text, customer_spans(text, span, names))
    return features, labelled(text, tokens, list(item["expect"].get("contacts") or [])), item


def examples(items: list[dict], index: CustomerIndex) -> list[tuple[list[list[str]], list[str], dict]]:
    return [example(item, index) for item in items]


def fit(rows: list, out: Path) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels, _ in rows:
        trainer.append(features, labels)
    trainer.set_params(PARAMS)
    trainer.train(str(out))


def folds(sets: dict[str, list], scratch: Path) -> None:
    """Leave each training set out: how many of its notes the tagger alone gets exactly right."""
    from crm.parsing.contact_tagger import tokens_of
    from crm.visits.evaluation import _pair_up, _same_contact

    right = total = 0
    for held in sets:
        fit([row for name, rows in sets.items() if name != held for row in rows], scratch)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(scratch))
        correct = 0
        for features, _, item in sets[held]:
            text = normalize(item["text"])
            tokens = tokens_of(text)
            names: list[tuple[str, None]] = []
            for start, end in spans_of(tagger.tag(features), tokens):
                if not any(_same_contact(text[start:end], found) for found in names):
                    names.append((text[start:end], None))
            correct += _pair_up(list(item["expect"].get("contacts") or []), names, _same_contact)
        print(f"{held:28} {correct}/{len(sets[held])}")
        right, total = right + correct, total + len(sets[held])
    print(f"{'all':28} {right}/{total} ({right / total:.1%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", action="store_true", help="leave one set out instead of writing the model")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    index = sample_customers()
    sets = {name: examples(items, index) for name, items in training_notes().items()}
    if args.folds:
        with tempfile.TemporaryDirectory() as scratch:
            folds(sets, Path(scratch) / "fold.crfsuite")
        return
    fit([row for rows in sets.values() for row in rows], args.out)
    print(f"wrote {args.out} from {sum(len(rows) for rows in sets.values())} notes")


if __name__ == "__main__":
    main()
