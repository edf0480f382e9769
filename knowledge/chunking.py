"""Split a Document into Chunks that respect headings, paragraphs, lists and sentence ends."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from knowledge.documents import Chunk, Document, plain_text

CHUNKER_VERSION = "sections-5+views-2"  # bump whenever chunks or views change
TARGET_CHARS = 450  # a chunk grows to about this size
MAX_CHARS = 750  # and never beyond this, unless one sentence is longer
MIN_CHARS = 60  # smaller pieces are merged into a neighbour when the headings allow
VIEW_CHARS = 110  # a view (a few sentences, list items or table rows) grows to about this size

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_QUESTIONS_OPEN = re.compile(r"^\s*<!--\s*questions\s*:\s*$", re.IGNORECASE)
_QUESTIONS_CLOSE = re.compile(r"^\s*-->\s*$")
_QUESTION_ITEM = re.compile(r"^\s*-\s+(.+?)\s*$")
_LIST_ITEM = re.compile(r"^\s*([-*+•]|\d+[.)、]|[（(]\d+[）)]|[①-⑳])\s*")
_SENTENCE = re.compile(r".+?(?:[。！？；!?;]+[”’」』）)]*|\.(?=\s)|$)", re.DOTALL)


@dataclass
class Section:
    """A heading and what sits under it, before the next heading of the same or higher level."""

    level: int
    title: str
    blocks: list[str] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # from its `<!-- questions: ... -->` block

    def all_questions(self) -> list[str]:
        """Its own questions and its subsections' (for a chunk that holds the whole section)."""
        return [*self.questions, *(question for child in self.children for question in child.all_questions())]

    def render(self, with_heading: bool) -> str:
        """The section as Markdown: its heading (optionally), its blocks, its subsections."""
        parts = [f"{'#' * min(max(self.level, 1), 6)} {self.title}"] if with_heading else []
        parts += self.blocks
        parts += [child.render(True) for child in self.children]
        return "\n\n".join(part for part in parts if part)


def chunk_document(document: Document) -> list[Chunk]:
    """All chunks of a document, in reading order."""
    root = parse_sections(document.text, document.title)
    pieces: list[_Piece] = []
    _chunk_section(root, [document.title], pieces, top=True)
    chunks = []
    for position, piece in enumerate(pieces):
        embed_text = f"{' › '.join(piece.path)}\n{plain_text(piece.text)}"
        content_hash = text_hash(embed_text)
        chunk_id = hashlib.sha1(f"{document.source}|{position}|{content_hash}".encode()).hexdigest()[:12]
        chunks.append(
            Chunk(
                id=chunk_id,
                source=document.source,
                title=document.title,
                section=piece.path[-1] if len(piece.path) > 1 else "",
                heading_path=piece.path,
                text=piece.text,
                content_hash=content_hash,
                position=position,
                questions=list(dict.fromkeys(piece.questions)),
            )
        )
    return chunks


@dataclass
class _Piece:
    """A chunk in the making: its heading path, its Markdown and the questions it answers."""

    path: list[str]
    text: str
    questions: list[str] = field(default_factory=list)


def text_hash(text: str) -> str:
    """The content hash that keys a stored vector."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


_FIGURE = re.compile(r"\d|[％%‰]|[一二两三四五六七八九十百千万]+\s*[个倍成类级种步点项条层次年月天周]")


@dataclass(frozen=True)
class View:
    """A short window of a chunk: its text, labelled with the chunk's section, and the characters
    [start, end) of `chunk.embed_text` it covers (where an engine that reads the whole chunk finds it)."""

    text: str
    start: int
    end: int

    @property
    def states_figure(self) -> bool:
        """Does the window state a number, a share or a count (30%, 2～3 个人, 四个台阶, 两成)?"""
        return bool(_FIGURE.search(self.text.split("：", 1)[-1]))


def chunk_views(chunk: Chunk) -> list[View]:
    """Short windows of a chunk (sentences, list items, table rows) embedded beside the whole chunk.

    A fact in one row of a long chunk is diluted in the chunk's vector; its own window is not.
    A chunk that is one window has no views.
    """
    plain = plain_text(chunk.text)
    offset = len(chunk.embed_text) - len(plain)
    units: list[str] = []
    for block in split_blocks(plain):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if len(lines) > 1:
            units += lines
        else:
            units += split_sentences(block)
    windows: list[tuple[str, int, int]] = []
    cursor = 0
    for unit in units:
        start = plain.find(unit, cursor)
        if start < 0:  # not a verbatim piece (never expected): its window keeps the span found so far
            start = end = cursor
        else:
            end = cursor = start + len(unit)
        if windows and len(windows[-1][0]) + len(unit) <= VIEW_CHARS:
            text, first, _ = windows[-1]
            windows[-1] = (text + ("" if text[-1] in "。！？；" else " ") + unit, first, end)
        else:
            windows.append((unit, start, end))
    if len(windows) <= 1:
        return []
    label = chunk.section or chunk.title
    return [View(f"{label}：{text}", offset + start, offset + end) for text, start, end in windows]


def parse_sections(text: str, title: str) -> Section:
    """The heading tree of Markdown text; a first `#` heading equal to the title is the root.

    A `<!-- questions: ... -->` block (one `- question` per line) is taken out of the text and kept as
    the questions of the section it sits in: questions a reader might ask that the section answers,
    embedded beside its chunk and never shown.
    """
    root = Section(level=0, title=title)
    stack = [root]
    lines: list[str] = []
    in_code = False
    questions: list[str] | None = None  # inside a questions block
    for line in text.splitlines():
        if questions is not None:
            if _QUESTIONS_CLOSE.match(line):
                stack[-1].questions += questions
                questions = None
            elif item := _QUESTION_ITEM.match(line):
                questions.append(item.group(1))
            continue
        if line.strip().startswith("```"):
            in_code = not in_code
        if not in_code and _QUESTIONS_OPEN.match(line):
            questions = []
            continue
        match = None if in_code else _HEADING.match(line)
        if not match:
            lines.append(line)
            continue
        stack[-1].blocks += split_blocks("\n".join(lines))
        lines = []
        level, heading = len(match.group(1)), match.group(2).strip()
        if level == 1 and heading == title and not root.blocks and not root.children and len(stack) == 1:
            continue
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop()
        section = Section(level=level, title=heading)
        stack[-1].children.append(section)
        stack.append(section)
    if questions is not None:  # never closed: keep them (a missing "-->" loses no text)
        stack[-1].questions += questions
    stack[-1].blocks += split_blocks("\n".join(lines))
    return root


def split_blocks(text: str) -> list[str]:
    """Paragraphs, whole lists and whole tables of a stretch of Markdown without headings."""
    blocks: list[str] = []
    kinds: list[str] = []
    for raw in re.split(r"\n\s*\n", text):
        block = raw.strip("\n")
        if not block.strip():
            continue
        lines = block.splitlines()
        kind = "list" if _LIST_ITEM.match(lines[0]) else "table" if lines[0].lstrip().startswith("|") else "text"
        if blocks and kind in ("list", "table") and kinds[-1] == kind:
            blocks[-1] += "\n" + block  # a loose list is still one list
            continue
        if blocks and kind == "list" and kinds[-1] == "text" and blocks[-1].rstrip()[-1:] in "：:":
            blocks[-1] += "\n" + block  # the lead-in sentence stays with its list
            kinds[-1] = "list"
            continue
        blocks.append(block.strip())
        kinds.append(kind)
    return blocks


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, split after 。！？； and their Western counterparts."""
    return [piece for piece in (match.group(0).strip() for match in _SENTENCE.finditer(text)) if piece]


def _chunk_section(section: Section, path: list[str], out: list[_Piece], top: bool = False) -> None:
    whole = section.render(False)
    if len(whole) <= MAX_CHARS and not (top and section.children):
        if whole.strip():
            out.append(_Piece(path, whole, section.all_questions()))
        return
    first = len(out)
    if top:  # a document's top-level sections are always chunk boundaries
        for piece in _pack([(piece, None) for block in section.blocks for piece in _fit(block)]):
            out.append(_Piece(path, piece))
        for child in section.children:
            _chunk_section(child, path + [child.title], out)
        _attach(section.questions, out, first)
        return
    # Too big: pack the section's own blocks and whole small subsections, recurse into big ones.
    units: list[tuple[str, Section | None]] = [(piece, None) for block in section.blocks for piece in _fit(block)]
    units += [(child.render(True), child) for child in section.children]
    pending: list[tuple[str, Section | None]] = []

    def flush() -> None:
        """Emit the pending units as one chunk."""
        if not pending:
            return
        if len(pending) == 1 and pending[0][1] is not None:
            child = pending[0][1]
            out.append(_Piece(path + [child.title], child.render(False), child.all_questions()))
        else:
            questions = [question for _, child in pending if child is not None for question in child.all_questions()]
            out.append(_Piece(path, "\n\n".join(text for text, _ in pending), questions))
        pending.clear()

    for text, child in units:
        if child is not None and len(text) > MAX_CHARS:
            flush()
            _chunk_section(child, path + [child.title], out)
            continue
        size = sum(len(existing) + 2 for existing, _ in pending)
        starts_section = child is not None and any(owner is None for _, owner in pending)
        if pending and size >= MIN_CHARS and (starts_section or size + len(text) > TARGET_CHARS):
            flush()
        elif pending and size + len(text) > MAX_CHARS:
            flush()
        pending.append((text, child))
    flush()
    _attach(section.questions, out, first)


def _attach(questions: list[str], out: list[_Piece], first: int) -> None:
    """A section's own questions go with its first chunk (the one that opens it)."""
    if questions and first < len(out):
        out[first].questions[:0] = questions


def _pack(units: list[tuple[str, None]]) -> list[str]:
    """Consecutive blocks joined into pieces of about TARGET_CHARS."""
    pieces: list[str] = []
    for text, _ in units:
        if pieces and len(pieces[-1]) + len(text) + 2 <= TARGET_CHARS:
            pieces[-1] += "\n\n" + text
        else:
            pieces.append(text)
    return pieces


def _fit(block: str) -> list[str]:
    """A block cut into pieces of at most MAX_CHARS: lists between items, prose between sentences."""
    if len(block) <= MAX_CHARS:
        return [block]
    lines = block.splitlines()
    if len(lines) > 1:
        units = lines
        joiner = "\n"
    else:
        units = [match.group(0) for match in _SENTENCE.finditer(block) if match.group(0).strip()]
        joiner = ""
    pieces: list[str] = []
    current = ""
    for unit in units:
        if current and len(current) + len(unit) + 1 > TARGET_CHARS:
            pieces.append(current)
            current = ""
        current = f"{current}{joiner}{unit}" if current else unit
        while len(current) > MAX_CHARS * 2:  # a single run-on sentence: cut it by length
            pieces.append(current[:MAX_CHARS])
            current = current[MAX_CHARS:]
    if current:
        pieces.append(current)
    return [piece.strip() for piece in pieces if piece.strip()]
