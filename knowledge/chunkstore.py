"""Chunks on disk: one JSON object per line in chunks.jsonl, read on demand by byte offset."""

from __future__ import annotations

import mmap
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from knowledge.documents import Chunk

CHUNKS_FILE = "chunks.jsonl"
OFFSETS_FILE = "chunk_offsets.npy"
CACHED_CHUNKS = 4096


def write_chunks(directory: Path, chunks: Sequence[Chunk]) -> None:
    """Write chunks.jsonl and the byte offset where each line starts."""
    offsets = np.zeros(len(chunks) + 1, dtype=np.int64)
    with open(directory / CHUNKS_FILE, "wb") as handle:
        for row, chunk in enumerate(chunks):
            handle.write(chunk.model_dump_json().encode("utf-8") + b"\n")
            offsets[row + 1] = handle.tell()
    np.save(directory / OFFSETS_FILE, offsets, allow_pickle=False)


class ChunkFile(Sequence[Chunk]):
    """The chunks of a saved index, parsed only when asked for (a big index stays small in memory)."""

    def __init__(self, directory: Path):
        self._offsets = np.load(directory / OFFSETS_FILE, allow_pickle=False)
        with open(directory / CHUNKS_FILE, "rb") as handle:
            size = handle.seek(0, 2)
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        if int(self._offsets[-1]) != size:
            raise ValueError("chunk offsets do not match chunks.jsonl")
        self._parse = lru_cache(maxsize=CACHED_CHUNKS)(self._read)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, row):  # type: ignore[override]
        if isinstance(row, slice):
            return [self[index] for index in range(*row.indices(len(self)))]
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        return self._parse(int(row))

    def __iter__(self) -> Iterator[Chunk]:
        return (self[row] for row in range(len(self)))

    def _read(self, row: int) -> Chunk:
        return Chunk.model_validate_json(self._map[int(self._offsets[row]) : int(self._offsets[row + 1])])
