"""Choose the rank-fusion weights of `knowledge.search` (LEG_WEIGHTS) on the dev sets.

    KAM_DATA_DIR=/tmp/kb python benchmarks/fusion_weights.py            # the index of that data dir
    python benchmarks/fusion_weights.py --top 10

For every answerable question of the dev sets each leg ranks its candidates once (`rank_legs`); then every
combination of weights in the grid fuses them (`fuse`), and a question counts when the first chunk holds
every expect group. The report gives the count for the near-domain dev sets (colloquial situation questions)
and for the textbook sets (kb_dev, calibration) apart, best total first. The held-out sets (kb_heldout and
the newest near-domain sets, v58 onwards) are never read here.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cli.knowledge import open_knowledge_base  # noqa: E402
from bot.settings import Settings  # noqa: E402
from knowledge import EvalItem, load_items  # noqa: E402
from knowledge.calibration import holds_every_group  # noqa: E402
from knowledge.search import LEG_WEIGHTS, fuse, rank_legs  # noqa: E402
from knowledge.tokenize import to_simplified  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
NEAR_DOMAIN_DEV = [
    FIXTURES / "kb" / name
    for name in (
        "near_domain_dev.jsonl",
        "near_domain_dev2.jsonl",
        "near_domain_heldout.jsonl",  # dev since 2026-11-30 (tests/fixtures/kb/README.md)
        "near_domain_heldout_v2.jsonl",
        "near_domain_heldout_v3.jsonl",
        "near_domain_heldout_v4.jsonl",
        "near_domain_heldout_v5.jsonl",  # dev since the end of the fifth pass
        "near_domain_heldout_v6.jsonl",  # dev since the end of the sixth pass
        "near_domain_heldout_v7.jsonl",  # dev since the eighth pass
        "near_domain_heldout_v8.jsonl",  # dev since the eighth pass (misses read after its end-of-pass score)
        "near_domain_heldout_v9.jsonl",  # dev since the end of the eighth pass
        "near_domain_heldout_v10.jsonl",
        "near_domain_heldout_v11.jsonl",  # dev since the ninth pass
        "near_domain_heldout_v12.jsonl",  # dev since the twelfth pass (held-out of the ninth to the eleventh)
        "near_domain_heldout_v13.jsonl",  # dev since the twelfth pass (held-out of the ninth to the eleventh)
        "near_domain_dev3.jsonl",  # written for the eleventh pass, scored unseen once, then tuned on
        "near_domain_dev4.jsonl",
        "near_domain_dev5.jsonl",
        "near_domain_heldout_v14.jsonl",  # dev since the fifteenth pass (held-out of the tenth to the fourteenth)
        "near_domain_heldout_v15.jsonl",
        "near_domain_heldout_v16.jsonl",
        "near_domain_heldout_v17.jsonl",
        "near_domain_heldout_v18.jsonl",
        "near_domain_heldout_v19.jsonl",  # dev since the seventeenth pass (held-out of the thirteenth to the sixteenth)
        "near_domain_heldout_v20.jsonl",  # dev since the eighteenth pass (held-out of the fifteenth to the seventeenth)
        "near_domain_heldout_v21.jsonl",
        "situation_dev.jsonl",  # written for the fifteenth pass, scored unseen once, then tuned on
        "situation_dev2.jsonl",
        "situation_dev3.jsonl",  # written for the sixteenth pass, scored unseen once, then tuned on
        "answerable_dev.jsonl",  # written for the seventeenth pass, scored unseen once, then tuned on
        "near_domain_dev6.jsonl",  # written for the eighteenth pass, scored unseen once, then tuned on
        "near_domain_dev7.jsonl",
        "near_domain_dev8.jsonl",
        "near_domain_heldout_v22.jsonl",  # dev since the nineteenth pass (held-out of the fifteenth to the eighteenth)
        "near_domain_heldout_v23.jsonl",
        "near_domain_dev9.jsonl",  # written for the nineteenth pass, scored unseen once, then tuned on
        "near_domain_heldout_v24.jsonl",  # dev since the twentieth pass (held-out until the nineteenth)
        "near_domain_heldout_v25.jsonl",
        "near_domain_dev10.jsonl",  # written for the twentieth pass, scored unseen once, then tuned on
        "near_domain_heldout_v26.jsonl",  # dev since the twenty-first pass (held-out of the sixteenth to the twentieth)
        "near_domain_heldout_v27.jsonl",
        "near_domain_heldout_v28.jsonl",  # dev since the twenty-second pass (held-out of the eighteenth to the twenty-first)
        "near_domain_heldout_v29.jsonl",
        "near_domain_heldout_v30.jsonl",  # dev since the twenty-third pass (held-out of the eighteenth to the twenty-second)
        "near_domain_heldout_v31.jsonl",
        "near_domain_heldout_v32.jsonl",  # dev since the twenty-fourth pass (held-out of the nineteenth to the twenty-third)
        "near_domain_heldout_v33.jsonl",
        "near_domain_heldout_v34.jsonl",  # dev since the twenty-fifth pass (held-out of the twentieth to the twenty-fourth)
        "near_domain_heldout_v35.jsonl",
        "near_domain_heldout_v36.jsonl",  # dev since the twenty-sixth pass (held-out of the twentieth to the twenty-fifth)
        "near_domain_heldout_v37.jsonl",
        "near_domain_heldout_v38.jsonl",  # dev since the twenty-seventh pass (held-out of the twenty-first to the twenty-sixth)
        "near_domain_heldout_v39.jsonl",
        "near_domain_heldout_v40.jsonl",  # dev since the twenty-eighth pass (held-out of the twenty-second to the twenty-seventh)
        "near_domain_heldout_v41.jsonl",
        "near_domain_heldout_v42.jsonl",  # dev since the twenty-ninth pass
        "near_domain_heldout_v43.jsonl",
        "near_domain_heldout_v44.jsonl",  # dev since the thirtieth pass
        "near_domain_heldout_v45.jsonl",
        "near_domain_heldout_v46.jsonl",  # dev since the thirty-first pass
        "near_domain_heldout_v47.jsonl",
        "near_domain_heldout_v48.jsonl",  # dev since the thirty-second pass
        "near_domain_heldout_v49.jsonl",
        "near_domain_heldout_v50.jsonl",  # dev since the thirty-third pass
        "near_domain_heldout_v51.jsonl",
        "near_domain_heldout_v52.jsonl",  # dev since the thirty-fourth pass
        "near_domain_heldout_v53.jsonl",
        "near_domain_heldout_v54.jsonl",  # dev since the thirty-fifth pass
        "near_domain_heldout_v55.jsonl",
        "near_domain_heldout_v56.jsonl",  # dev since the thirty-ninth pass
        "near_domain_heldout_v57.jsonl",
    )
]
TEXTBOOK_DEV = [FIXTURES / "kb_dev.jsonl", FIXTURES / "knowledge" / "calibration.jsonl"]
GRID = {
    "dense": (1.0,),
    "lexical": (0.5, 0.7, 1.0),
    "sparse": (0.3, 0.5, 0.7, 1.0),
    "question_lexical": (0.0, 0.3, 0.5, 0.7),
    "question_sparse": (0.0, 0.5, 0.7, 1.0),
}


def answerable_queries(kb, path: Path) -> Iterator[tuple[EvalItem, str, tuple]]:
    """Each answerable question of the set with its query (Simplified) and the query's embedding (dense,
    sparse), as the bot searches; a question without content words is left out (it never retrieves)."""
    for item in load_items(path):
        if item.unanswerable:
            continue
        query = to_simplified(item.q)
        embedded = kb.embed_question(kb.index, query)
        if embedded is not None:
            yield item, query, embedded


def legs_and_answers(kb, paths: list[Path]) -> list[tuple[dict, set[int]]]:
    """Per answerable question: its legs' rankings and the chunk rows that answer it."""
    index = kb.index
    answers_of = {}
    found = []
    for path in paths:
        for item, query, embedded in answerable_queries(kb, path):
            legs = rank_legs(index, kb.tokenizer.tokenize(query), *embedded)
            rows = {row for leg in legs.values() for row in leg}
            key = tuple(map(tuple, item.expect))
            if key not in answers_of:
                answers_of[key] = {row for row in range(len(index)) if holds_every_group(item, index.chunks[row].text)}
            found.append((legs, answers_of[key] & rows))
    return found


def first_right(questions: list[tuple[dict, set[int]]], weights: dict[str, float]) -> int:
    """How many questions get a chunk that answers them first."""
    right = 0
    for legs, answers in questions:
        score = fuse(legs, weights)
        if score and min(score, key=lambda row: (-score[row], row)) in answers:
            right += 1
    return right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top", type=int, default=15, help="how many weight combinations to print")
    args = parser.parse_args()
    kb = open_knowledge_base(Settings())  # segments words as the bot does
    near, textbook = legs_and_answers(kb, NEAR_DOMAIN_DEV), legs_and_answers(kb, TEXTBOOK_DEV)
    rows = []
    for values in itertools.product(*GRID.values()):
        weights = dict(zip(GRID, values, strict=True))
        rows.append((first_right(near, weights), first_right(textbook, weights), weights))
    current = (first_right(near, LEG_WEIGHTS), first_right(textbook, LEG_WEIGHTS))
    print(f"questions: near-domain dev {len(near)}, textbook dev {len(textbook)}")
    print(f"shipped weights {LEG_WEIGHTS}: first chunk right {current[0]} + {current[1]} = {sum(current)}")
    print("| near-domain | textbook | total | weights |")
    print("|---|---|---|---|")
    for near_right, textbook_right, weights in sorted(rows, key=lambda row: (-(row[0] + row[1]), -row[1]))[: args.top]:
        print(f"| {near_right} | {textbook_right} | {near_right + textbook_right} | {weights} |")


if __name__ == "__main__":
    main()
