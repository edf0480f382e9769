"""The dense leg: unit vectors in FAISS, exact inner product by default, HNSW for big corpora."""

from __future__ import annotations

from pathlib import Path

import numpy as np

APPROXIMATE_ABOVE = 50_000  # vectors; above this the index is HNSW (8-bit) instead of exact
HNSW_NEIGHBOURS = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96
BASELINE_SAMPLE = 2048  # vectors kept to judge how a query scores against the corpus at large

INDEX_FILE = "dense.faiss"
VECTORS_FILE = "vectors.npy"
BASELINE_FILE = "baseline.npy"
QUESTION_BASELINE_FILE = "question_baseline.npy"


class VectorIndex:
    """Unit vectors searchable by inner product (= cosine); saved with faiss.write_index."""

    def __init__(self, index, baseline: np.ndarray, question_baseline: np.ndarray | None = None):
        self._index = index
        self.baseline = baseline  # a sample of the passages' vectors
        # a sample of the vectors of the questions beside them (none: empty)
        self.question_baseline = baseline[:0] if question_baseline is None else question_baseline

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        *,
        approximate_above: int = APPROXIMATE_ABOVE,
        question_rows: np.ndarray | None = None,
    ) -> VectorIndex:
        """Index L2-normalised float32 vectors. `question_rows` (a mask) marks the rows that are questions
        beside a passage: a query's background is sampled apart for passages and for questions."""
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = vectors.shape[1]
        if len(vectors) > approximate_above:
            # 8-bit scalar-quantized vectors in an HNSW graph: a quarter of the memory, cosines to ~1e-3
            index = faiss.IndexHNSWSQ(
                dimension, faiss.ScalarQuantizer.QT_8bit, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT
            )
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
            index.train(vectors)
        else:
            index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            index.add(vectors)
        if question_rows is None or not np.any(question_rows):
            return cls(index, _baseline_sample(vectors))
        question_rows = np.asarray(question_rows, dtype=bool)
        return cls(index, _baseline_sample(vectors[~question_rows]), _baseline_sample(vectors[question_rows]))

    @property
    def kind(self) -> str:
        """ "flat" (exact) or "hnsw" (approximate)."""
        return "hnsw" if type(self._index).__name__.startswith("IndexHNSW") else "flat"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosines and row numbers of the k nearest rows, best first (rows -1 are padding)."""
        k = max(1, min(k, len(self)))
        if len(self) == 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores, rows = self._index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
        keep = rows[0] >= 0
        return scores[0][keep], rows[0][keep]

    def score_rows(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The cosines between the query and some stored rows."""
        if not len(rows):
            return np.zeros(0, dtype=np.float32)
        stored = self._index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return np.einsum("ij,j->i", stored, query.reshape(-1).astype(stored.dtype, copy=False))

    def background(self, query: np.ndarray, *, questions: bool = False) -> tuple[float, float]:
        """Mean and spread of the query's cosine to the corpus at large, or with `questions` to the
        questions beside it (from a fixed sample)."""
        baseline = self.question_baseline if questions else self.baseline
        if len(baseline) == 0:
            return 0.0, 1.0
        # einsum, not BLAS: a multi-threaded BLAS call leaves threads spinning that slow the model's next
        # pass down (twice as slow at the median; issue 13 §3, sixth pass)
        scores = np.einsum("ij,j->i", baseline, query.reshape(-1).astype(baseline.dtype, copy=False))
        return float(scores.mean()), float(max(scores.std(), 1e-3))

    def save(self, directory: Path) -> None:
        """Write the FAISS index and the baseline sample into `directory`."""
        import faiss

        faiss.write_index(self._index, str(directory / INDEX_FILE))
        np.save(directory / BASELINE_FILE, self.baseline, allow_pickle=False)
        if len(self.question_baseline):
            np.save(directory / QUESTION_BASELINE_FILE, self.question_baseline, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> VectorIndex:
        """Read what `save` wrote."""
        import faiss

        index = faiss.read_index(str(directory / INDEX_FILE))
        if hasattr(index, "hnsw"):
            index.hnsw.efSearch = HNSW_EF_SEARCH
        questions = directory / QUESTION_BASELINE_FILE
        return cls(
            index,
            np.load(directory / BASELINE_FILE, allow_pickle=False),
            np.load(questions, allow_pickle=False) if questions.exists() else None,
        )


def save_vectors(directory: Path, vectors: np.ndarray) -> None:
    """Keep the raw vectors beside the index, so unchanged chunks are not embedded again."""
    np.save(directory / VECTORS_FILE, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)


def load_vectors(directory: Path) -> np.ndarray:
    """The raw vectors, memory-mapped (rows follow the chunk list)."""
    return np.load(directory / VECTORS_FILE, mmap_mode="r", allow_pickle=False)


def _baseline_sample(vectors: np.ndarray) -> np.ndarray:
    if len(vectors) <= BASELINE_SAMPLE:
        return vectors.copy()
    rows = np.random.default_rng(0).choice(len(vectors), BASELINE_SAMPLE, replace=False)
    return vectors[np.sort(rows)].copy()
