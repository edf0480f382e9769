"""The knowledge engine: ingest documents, search them (dense + BM25 + learned sparse), answer with citations.

kb = KnowledgeBase(settings.index_dir, make_embedder(settings.embedder, settings.embedding_model))
report = kb.ingest([settings.knowledge_dir], progress=callback)   # IngestReport
answer = kb.answer("客户要求再降价，我该怎么应对？")               # Answer (answered, text, sources)
"""

from knowledge.base import MAX_QUERY_CHARS, ChunkNotFound, IndexBuilding, KnowledgeBase, QueryTooLong
from knowledge.documents import (
    Answer,
    Chunk,
    Document,
    Hit,
    IngestReport,
    SkippedFile,
    Source,
)
from knowledge.embedders import Embedder, EmbedderError, SparseEmbedder, make_embedder
from knowledge.evaluation import EvalItem, EvalReport, evaluate, load_items, score_item
from knowledge.index import IndexNotFound, Manifest
from knowledge.ingest import IngestProgress, Progress
from knowledge.loaders import SUPPORTED_SUFFIXES, LoadError, load_document
from knowledge.tokenize import Tokenizer

__all__ = [
    "Answer",
    "Chunk",
    "ChunkNotFound",
    "Document",
    "Embedder",
    "EmbedderError",
    "EvalItem",
    "EvalReport",
    "Hit",
    "IndexBuilding",
    "IndexNotFound",
    "MAX_QUERY_CHARS",
    "QueryTooLong",
    "IngestProgress",
    "IngestReport",
    "KnowledgeBase",
    "LoadError",
    "Manifest",
    "Progress",
    "SUPPORTED_SUFFIXES",
    "SkippedFile",
    "SparseEmbedder",
    "Source",
    "Tokenizer",
    "evaluate",
    "load_document",
    "load_items",
    "make_embedder",
    "score_item",
]
