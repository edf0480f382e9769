"""The lexical leg: BM25 (bm25s) over the Chinese-aware tokens, saved as plain .npy/.json files."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

LEXICAL_DIR = "lexical"


def _bm25s():
    """The bm25s module, quieted: it sets its own logger to DEBUG when imported (a line per index it builds)."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


class LexicalIndex:
    """BM25 over pre-tokenized chunks; rows are chunk numbers."""

    def __init__(self, retriever, size: int):
        self._retriever = retriever
        self._size = size

    @classmethod
    def build(cls, token_lists: Sequence[list[str]]) -> LexicalIndex:
        """Index one token list per chunk."""
        retriever = _bm25s().BM25()
        if token_lists:
            # bm25s needs at least one token per document; an empty chunk gets a placeholder
            retriever.index([tokens or ["\u2205"] for tokens in token_lists], show_progress=False)
        return cls(retriever, len(token_lists))

    def __len__(self) -> int:
        return self._size

    def search(self, tokens: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """BM25 scores and row numbers of the best k rows with a positive score, best first."""
        if not self._size or not tokens:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        ids = self._retriever.get_tokens_ids(tokens)
        if not ids:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores = np.asarray(self._retriever.get_scores_from_ids(ids), dtype=np.float32)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return scores[top], top.astype(np.int64)

    def document_frequency(self, token: str) -> int:
        """In how many chunks the token occurs (0 when unknown)."""
        if not self._size:
            return 0
        token_id = self._retriever.vocab_dict.get(token)
        if token_id is None:
            return 0
        indptr = self._retriever.scores["indptr"]
        return int(indptr[token_id + 1] - indptr[token_id])

    def save(self, directory: Path, name: str = LEXICAL_DIR) -> None:
        """Write the BM25 matrices and vocabulary (no corpus, no pickle) into the folder `name`."""
        if self._size:
            self._retriever.save(str(directory / name), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int, name: str = LEXICAL_DIR) -> LexicalIndex:
        """Read what `save` wrote."""
        bm25s = _bm25s()
        if not size:
            return cls(bm25s.BM25(), 0)
        retriever = bm25s.BM25.load(str(directory / name), mmap=True, show_progress=False)
        return cls(retriever, size)
