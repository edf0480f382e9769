"""A question's dense and sparse query passes run side by side, and give the same hits as in turn."""

from __future__ import annotations

import threading
from pathlib import Path

from knowledge import KnowledgeBase
from knowledge.embedders import HashingSparseEmbedder
from knowledge.search import hybrid_search
from tests.knowledge_fixtures import make_corpus

WAIT = 30  # seconds: a bound for a deadlock, never a timing assertion


class MeetingEmbedder(HashingSparseEmbedder):
    """Each query pass waits at a barrier for the other: passes run one after the other never meet."""

    def __init__(self) -> None:
        super().__init__()
        self.barrier: threading.Barrier | None = None

    def embed_queries(self, texts):
        if self.barrier is not None:
            self.barrier.wait()
        return super().embed_queries(texts)

    def embed_sparse(self, texts):
        if self.barrier is not None and len(texts) == 1:
            self.barrier.wait()
        return super().embed_sparse(texts)


def test_the_dense_and_sparse_query_passes_meet_and_rank_as_in_turn(tmp_path: Path):
    embedder = MeetingEmbedder()
    kb = KnowledgeBase(tmp_path / "index", embedder)
    kb.ingest([make_corpus(tmp_path / "docs")])
    question = "拜访后多久发会议纪要"
    embedder.barrier = threading.Barrier(2, timeout=WAIT)  # BrokenBarrierError if they ran in turn
    hits = kb.search(question, include_unsupported=True)
    embedder.barrier = None
    index = kb.index
    in_turn = hybrid_search(index, kb.tokenizer, question, embedder.embed_queries([question])[0],
                            embedder.embed_sparse([question])[0], k=5)
    assert hits and [hit.chunk_id for hit in hits] == [hit.chunk_id for hit in in_turn]
    assert [hit.support for hit in hits] == [hit.support for hit in in_turn]
    assert kb.search("你好", include_unsupported=True) == []  # no content words: no pass at all
