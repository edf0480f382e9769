"""An embedding cache outside the index: vectors keyed by (embedder identity, text hash).

A rebuilt index, a second data directory pointed at the same cache and the test suite reuse vectors
instead of embedding the same text again. Layout, one folder per embedder identity:

    <root>/<identity hash>/identity.json             what the folder holds (name, model, dimension, kind)
    <root>/<identity hash>/<shard>.json              keys, array files and their SHA-256 (written last)
    <root>/<identity hash>/<shard>.<array>.npy       plain .npy arrays (no pickle)

Every file is written to a temporary name and moved into place with os.replace, the shard's JSON
last, so a crash mid-write leaves a shard that is either whole or ignored. A shard whose arrays are
missing, truncated, altered or of the wrong shape is skipped with a warning (its texts are embedded
again), never a crash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge.sparse import SparseVector

logger = logging.getLogger(__name__)

CACHE_FORMAT = 1
COMPACT_ABOVE = 16  # shards per identity folder before they are merged into one


def embedder_identity(embedder: object, kind: str) -> dict:
    """What makes a vector reusable: the embedder, its model (and the model file's size and date), its dimension."""
    identity = {
        "format": CACHE_FORMAT,
        "kind": kind,
        "embedder": getattr(embedder, "name", type(embedder).__name__),
        "model": getattr(embedder, "model", ""),
        "dimension": int(getattr(embedder, "dimension", 0)),
    }
    fingerprint = getattr(embedder, "cache_fingerprint", None)
    if callable(fingerprint):  # what else shapes the vectors: library version, settings of the model
        identity["fingerprint"] = fingerprint()
    model_file = Path(str(identity["model"]))
    if identity["model"] and model_file.is_file():  # a local model file: a new file is a new model
        stat = model_file.stat()
        identity["model_file"] = {"size": stat.st_size, "modified_ns": stat.st_mtime_ns}
    return identity


def folder_name(identity: dict) -> str:
    """The cache folder for an identity: its kind and a hash of the identity."""
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode("utf-8")).hexdigest()[:20]
    return f"{identity['kind']}-{digest}"


class EmbeddingCache:
    """Dense and sparse passage vectors by text hash, per embedder identity, in plain files."""

    def __init__(self, root: Path):
        self.root = Path(root)

    # dense -------------------------------------------------------------------------------------

    def dense(self, embedder: object, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among `hashes` (a missing or unreadable entry is simply absent)."""
        wanted = set(hashes)
        found: dict[str, np.ndarray] = {}
        if not wanted:
            return found
        dimension = int(getattr(embedder, "dimension", 0))
        for keys, arrays in self._shards(self._folder(embedder, "dense")):
            vectors = arrays.get("vectors")
            if vectors is None or vectors.dtype != np.float32 or vectors.shape != (len(keys), dimension):
                continue
            for row, key in enumerate(keys):
                if key in wanted:
                    found[key] = vectors[row]
        return found

    def put_dense(self, embedder: object, hashes: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors (rows in the order of `hashes`); errors writing the cache are logged, not raised."""
        if len(hashes) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._write(embedder, "dense", list(hashes), {"vectors": vectors}, {})

    # sparse ------------------------------------------------------------------------------------

    def sparse(self, embedder: object, hashes: Sequence[str]) -> dict[str, SparseVector]:
        """The cached sparse vectors among `hashes`."""
        wanted = set(hashes)
        found: dict[str, SparseVector] = {}
        if not wanted:
            return found
        for keys, arrays, lengths in self._sparse_shards(self._folder(embedder, "sparse")):
            ends = np.cumsum(lengths)
            for row, key in enumerate(keys):
                if key in wanted:
                    start = int(ends[row] - lengths[row])
                    found[key] = (arrays["ids"][start : ends[row]], arrays["weights"][start : ends[row]])
        return found

    def put_sparse(self, embedder: object, hashes: Sequence[str], vectors: Sequence[SparseVector]) -> None:
        """Store sparse vectors (term ids, weights), in the order of `hashes`."""
        if len(hashes) == 0:
            return
        lengths = [len(ids) for ids, _ in vectors]
        ids = np.concatenate([np.asarray(ids, dtype=np.int32) for ids, _ in vectors] or [np.zeros(0, np.int32)])
        weights = np.concatenate(
            [np.asarray(weights, dtype=np.float32) for _, weights in vectors] or [np.zeros(0, np.float32)]
        )
        self._write(embedder, "sparse", list(hashes), {"ids": ids, "weights": weights},
                    {"lengths": lengths})

    def _sparse_shards(self, folder: Path):
        for keys, arrays, extra in self._shards(folder, with_extra=True):
            ids, weights, lengths = arrays.get("ids"), arrays.get("weights"), extra.get("lengths")
            if ids is None or weights is None or not isinstance(lengths, list) or len(lengths) != len(keys):
                continue
            lengths = np.asarray(lengths, dtype=np.int64)
            if ids.dtype != np.int32 or weights.dtype != np.float32 or ids.shape != weights.shape \
                    or ids.ndim != 1 or (lengths < 0).any() or int(lengths.sum()) != len(ids):
                continue
            yield keys, arrays, lengths

    # files -------------------------------------------------------------------------------------

    def _folder(self, embedder: object, kind: str) -> Path:
        return self.root / folder_name(embedder_identity(embedder, kind))

    def _shards(self, folder: Path, *, with_extra: bool = False):
        """(keys, arrays[, extra]) per readable shard; a damaged shard is skipped with a warning."""
        if not folder.is_dir():
            return
        for meta_path in sorted(folder.glob("*.json")):
            if meta_path.name == "identity.json":
                continue
            shard = _read_shard(meta_path)
            if shard is None:
                continue
            keys, arrays, extra = shard
            yield (keys, arrays, extra) if with_extra else (keys, arrays)

    def _write(self, embedder: object, kind: str, keys: list[str], arrays: dict[str, np.ndarray], extra: dict) -> None:
        folder = self._folder(embedder, kind)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            identity_file = folder / "identity.json"
            if not identity_file.exists():  # for people: which embedder the folder belongs to
                identity = embedder_identity(embedder, kind)
                _atomic_write_bytes(identity_file, json.dumps(identity, indent=1).encode("utf-8"))
            self._write_shard(folder, keys, arrays, extra)
            self._compact(folder)
        except (OSError, ValueError, KeyError, IndexError) as error:
            logger.warning("could not write the embedding cache in %s: %s", folder, error)

    @staticmethod
    def _write_shard(folder: Path, keys: list[str], arrays: dict[str, np.ndarray], extra: dict) -> None:
        shard = uuid.uuid4().hex[:16]
        files = {}
        for name, array in arrays.items():
            file_name = f"{shard}.{name}.npy"
            data = _npy_bytes(array)
            _atomic_write_bytes(folder / file_name, data)
            files[name] = {"file": file_name, "sha256": hashlib.sha256(data).hexdigest()}
        meta = {"format": CACHE_FORMAT, "keys": keys, "arrays": files, **extra}
        _atomic_write_bytes(folder / f"{shard}.json", json.dumps(meta).encode("utf-8"))  # the commit point

    def _compact(self, folder: Path) -> None:
        """Merge the shards into one when there are many (new shard first, then the old files go)."""
        metas = [path for path in folder.glob("*.json") if path.name != "identity.json"]
        if len(metas) <= COMPACT_ABOVE:
            return
        merged_keys: list[str] = []
        parts: dict[str, list[np.ndarray]] = {}
        lengths: list[int] = []
        seen: set[str] = set()
        sparse = folder.name.startswith("sparse-")
        for meta_path in metas:
            shard = _read_shard(meta_path)
            if shard is None:
                continue
            keys, arrays, extra = shard
            if sparse:
                shard_lengths = extra.get("lengths")
                if not isinstance(shard_lengths, list) or len(shard_lengths) != len(keys):
                    continue
                ends = np.cumsum(shard_lengths)
                for row, key in enumerate(keys):
                    if key not in seen:
                        seen.add(key)
                        merged_keys.append(key)
                        lengths.append(int(shard_lengths[row]))
                        for name in ("ids", "weights"):
                            parts.setdefault(name, []).append(arrays[name][int(ends[row]) - shard_lengths[row] : ends[row]])
            else:
                for row, key in enumerate(keys):
                    if key not in seen:
                        seen.add(key)
                        merged_keys.append(key)
                        parts.setdefault("vectors", []).append(arrays["vectors"][row : row + 1])
        if merged_keys:
            arrays = {name: np.concatenate(chunks) for name, chunks in parts.items()}
            self._write_shard(folder, merged_keys, arrays, {"lengths": lengths} if sparse else {})
        for meta_path in metas:
            _remove_shard(meta_path)


def _read_shard(meta_path: Path) -> tuple[list[str], dict[str, np.ndarray], dict] | None:
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        keys = meta["keys"]
        if meta.get("format") != CACHE_FORMAT or not isinstance(keys, list):
            raise ValueError("unknown format")
        arrays = {}
        for name, entry in meta["arrays"].items():
            data = (meta_path.parent / entry["file"]).read_bytes()
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise ValueError(f"{entry['file']} does not match its checksum")
            arrays[name] = _npy_from_bytes(data)
        return keys, arrays, meta
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        logger.warning("ignored a damaged embedding cache entry %s: %s", meta_path, error)
        return None


def _remove_shard(meta_path: Path) -> None:
    shard = meta_path.name.removesuffix(".json")
    for path in meta_path.parent.glob(f"{shard}.*"):
        try:
            path.unlink()
        except OSError:
            pass


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _npy_from_bytes(data: bytes) -> np.ndarray:
    import io

    return np.load(io.BytesIO(data), allow_pickle=False)


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
