"""The knowledge folder as a library of documents: list them, add an uploaded file, remove one.

The folder (KAM_KNOWLEDGE_DIR, `data/knowledge`) is the truth and the index follows it:
- `add` checks the upload (type, size, name, readable, has text), places it in the folder (replacing a
  file of the same name) and indexes it incrementally (`KnowledgeBase.ingest([path], add=True)`: the
  other documents and their vectors are kept);
- `remove` deletes the file and indexes the folder again without `add`, so the index holds exactly the
  folder (stored vectors are reused: nothing is embedded again).
A failed ingest puts the folder back as it was. Work in progress sits in the folder's hidden
`.uploads/` directory, which ingest never reads.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.index import IndexNotFound
from knowledge.ingest import Progress
from knowledge.loaders import SUPPORTED_SUFFIXES, LoadError, load_document

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_NAME_CHARS = 120
WORK_DIR = ".uploads"  # hidden: `iter_files` skips dotted parts, so an ingest of the folder never reads it
_UNSAFE_CHARACTER = re.compile(r"[\x00-\x1f\x7f/\\]")


class LibraryError(Exception):
    """A document could not be added or removed; subclasses say why, `name` is the file concerned."""

    def __init__(self, name: str, detail: str = ""):
        super().__init__(f"{name}: {detail}" if detail else name)
        self.name = name
        self.detail = detail


class UnsupportedType(LibraryError):
    """Not a .pdf, .docx, .md or .txt file."""


class TooLarge(LibraryError):
    """Over MAX_UPLOAD_BYTES."""

    def __init__(self, name: str, size: int, limit: int):
        super().__init__(name, f"{size} bytes, the limit is {limit}")
        self.size = size
        self.limit = limit


class UnsafeName(LibraryError):
    """A name that is empty, hidden, too long or holds a path or control characters."""


class Unreadable(LibraryError):
    """The loader could not read any text from the file (`detail` says why)."""


class DocumentNotFound(LibraryError):
    """No indexed document by that name."""


class LastDocument(LibraryError):
    """Removing it would leave the knowledge base empty."""


class OutsideFolder(LibraryError):
    """The index holds documents that are not in the knowledge folder (`others`); re-indexing would drop them."""

    def __init__(self, name: str, others: list[str]):
        super().__init__(name, ", ".join(others))
        self.others = others


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document: its name in the folder and citations, title, passages, when it was added."""

    name: str
    title: str
    passages: int
    added_at: datetime | None  # the file's time in the folder; None when it is not there


@dataclass(frozen=True)
class Added:
    """What adding a document did."""

    name: str
    title: str
    passages: int
    replaced: bool  # a document of the same name was there before
    documents_total: int
    passages_total: int


@dataclass(frozen=True)
class Removed:
    """What removing a document did."""

    name: str
    title: str
    passages: int
    documents_total: int
    passages_total: int


def checked_name(raw: str) -> str:
    """The file name to store an upload under; UnsafeName or UnsupportedType when it cannot be one."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name:
        raise UnsafeName(raw or "", "no file name")
    if _UNSAFE_CHARACTER.search(name) or name.startswith(".") or len(name) > MAX_NAME_CHARS:
        raise UnsafeName(name, "a path, a hidden name, control characters or too long")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES or not Path(name).stem.strip():
        raise UnsupportedType(name, suffix or "(none)")
    return name


def check_size(name: str, size: int | None) -> None:
    """TooLarge when `size` (bytes; None: unknown yet) is over MAX_UPLOAD_BYTES."""
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise TooLarge(name, size, MAX_UPLOAD_BYTES)


class DocumentLibrary:
    """The knowledge folder and the index over it. Safe to use from worker threads (one change at a time)."""

    def __init__(self, folder: Path, knowledge: KnowledgeBase):
        self.folder = Path(folder)
        self.knowledge = knowledge
        self._lock = threading.Lock()

    def documents(self) -> list[DocumentInfo]:
        """Every indexed document, in index order (none before the first ingest)."""
        try:
            index = self.knowledge.index
        except IndexNotFound:
            return []
        documents = []
        for source in index.manifest.sources:
            chunks = index.document_chunks(source)
            if not chunks:
                continue
            documents.append(DocumentInfo(name=source, title=chunks[0].title, passages=len(chunks),
                                          added_at=self._file_time(source)))  # fmt: skip
        return documents

    def find(self, name: str) -> DocumentInfo:
        """The document called `name` (its file name, with or without the suffix, or its title, any case)."""
        wanted = unicodedata.normalize("NFC", name).strip().strip("「」\"'“”‘’《》").strip().casefold()
        documents = self.documents()
        for matches in (
            [document for document in documents if document.name == name.strip()],
            [document for document in documents if document.name.casefold() == wanted],
            [document for document in documents if Path(document.name).stem.casefold() == wanted],
            [document for document in documents if document.title.casefold() == wanted],
        ):
            if len(matches) == 1:
                return matches[0]
        raise DocumentNotFound(name.strip())

    def exists(self, name: str) -> bool:
        """True when a document of this file name is in the folder or the index (adding it replaces it)."""
        return (self.folder / name).is_file() or any(document.name == name for document in self.documents())

    def add(self, upload: Path, name: str, *, progress: Progress | None = None) -> Added:
        """Check `upload`, store it in the folder as `name` (replacing one of that name) and index it."""
        name = checked_name(name)
        check_size(name, upload.stat().st_size)
        with self._lock:
            work = self._work_dir()
            staged = work / name
            shutil.copyfile(upload, staged)
            backup: Path | None = None
            try:
                try:
                    document = load_document(staged, name)
                except LoadError as error:
                    raise Unreadable(name, str(error)) from None
                replaced = self.exists(name)
                target = self.folder / name
                if target.exists():
                    backup = work / f"{name}.previous"
                    os.replace(target, backup)
                os.replace(staged, target)
                try:
                    report = self.knowledge.ingest([target], add=True, progress=progress)
                    if report.skipped:
                        raise Unreadable(name, report.skipped[0].reason)
                except BaseException:
                    target.unlink(missing_ok=True)
                    if backup is not None:
                        os.replace(backup, target)
                        backup = None
                    raise
            finally:
                staged.unlink(missing_ok=True)
                if backup is not None:
                    backup.unlink(missing_ok=True)
        logger.info("added a document: %d passages (%d new), the index holds %d documents",
                    report.chunks_read, report.chunks_new, report.files_total)  # fmt: skip
        logger.debug("added document %s", name)
        return Added(name=name, title=document.title, passages=report.chunks_read, replaced=replaced,
                     documents_total=report.files_total, passages_total=report.chunks_total)  # fmt: skip

    def remove(self, name: str) -> Removed:
        """Delete the document's file and re-index the folder without it (other vectors are reused)."""
        with self._lock:
            document = self.find(name)
            others = [other.name for other in self.documents() if other.name != document.name]
            if not others:
                raise LastDocument(document.name)
            outside = [other for other in others if not self._in_folder(other).is_file()]
            if outside:
                raise OutsideFolder(document.name, outside)
            target = self._in_folder(document.name)
            backup = self._work_dir() / f"{uuid.uuid4().hex[:8]}.removed"
            if target.is_file():
                os.replace(target, backup)
            try:
                report = self.knowledge.ingest([self.folder])
                if document.name in self.knowledge.index.manifest.sources:  # nothing else readable: index kept
                    raise Unreadable(document.name, "the other documents could not be read; nothing was removed")
            except BaseException:
                if backup.exists():
                    os.replace(backup, target)
                raise
            backup.unlink(missing_ok=True)
        logger.info("removed a document of %d passages; the index holds %d documents",
                    document.passages, report.files_total)  # fmt: skip
        logger.debug("removed document %s", document.name)
        return Removed(name=document.name, title=document.title, passages=document.passages,
                       documents_total=report.files_total, passages_total=report.chunks_total)  # fmt: skip

    def _in_folder(self, source: str) -> Path:
        """The file of an indexed source inside the folder (never outside it, whatever the name says)."""
        path = (self.folder / source).resolve()
        root = self.folder.resolve()
        if root not in path.parents:
            raise UnsafeName(source, "outside the knowledge folder")
        return path

    def _file_time(self, source: str) -> datetime | None:
        try:
            return datetime.fromtimestamp(self._in_folder(source).stat().st_mtime, UTC)
        except (OSError, UnsafeName):
            return None

    def _work_dir(self) -> Path:
        work = self.folder / WORK_DIR
        work.mkdir(parents=True, exist_ok=True)
        return work
