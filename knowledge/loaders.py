"""Read .md, .txt, .docx and .pdf files into `Document`s whose text marks headings with `#`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from knowledge.documents import Document

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".docx", ".pdf")

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
# Outline markers common in Chinese documents: 第一章 / 第二节, 一、, （一）
_TXT_HEADINGS = (
    (re.compile(r"^第[一二三四五六七八九十百\d]+[章篇部]\s*\S"), 1),
    (re.compile(r"^第[一二三四五六七八九十百\d]+节\s*\S"), 2),
    (re.compile(r"^[一二三四五六七八九十]+、\S"), 2),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]\s*\S"), 3),
)
_SENTENCE_END = "。！？；!?;：:"


class LoadError(Exception):
    """A file could not be read; the message says why in a few words."""


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Every file to ingest under `paths`, with the name it gets in citations (relative to its root)."""
    for root in paths:
        root = Path(root)
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(root)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield path, relative.as_posix()
        else:
            yield root, root.name


def load_document(path: Path, source: str | None = None) -> Document:
    """Load one file by its suffix; raises LoadError when it is unsupported, empty or unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        raise LoadError(f"unsupported file type {suffix or '(none)'}")
    if not path.is_file():
        raise LoadError("file not found")
    try:
        title, text = loader(path)
    except LoadError:
        raise
    except Exception as error:  # a corrupt file can raise anything from the parser
        raise LoadError(f"unreadable {suffix[1:]} file ({type(error).__name__}: {error})"[:300]) from error
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").strip()
    if not text:
        raise LoadError("no text in file")
    return Document(path=path, source=source or path.name, title=title or path.stem, text=text)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise LoadError("binary data in a text file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError("not UTF-8 or GB18030 text")


def _load_markdown(path: Path) -> tuple[str, str]:
    text = _read_text(path)
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)  # front matter
    title = ""
    for line in text.splitlines():
        match = _MD_HEADING.match(line)
        if match and len(match.group(1)) == 1:
            title = match.group(2).strip()
            break
    return title, text


def _load_text(path: Path) -> tuple[str, str]:
    lines = []
    for raw in _read_text(path).splitlines():
        line = raw.strip()
        level = _outline_level(line)
        lines.append(f"{'#' * (level + 1)} {line}" if level else raw.rstrip())
    return "", "\n".join(lines)


def _outline_level(line: str) -> int:
    if not line or len(line) > 40 or line[-1] in _SENTENCE_END:
        return 0
    for pattern, level in _TXT_HEADINGS:
        if pattern.match(line):
            return level
    return 0


def _load_docx(path: Path) -> tuple[str, str]:
    import docx  # python-docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    title = (document.core_properties.title or "").strip()
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, document)
            text = paragraph.text.strip()
            if not text:
                lines.append("")
                continue
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            level = _docx_heading_level(style)
            if style == "Title" and not title:
                title = text
            if level:
                lines += ["", f"{'#' * level} {text}", ""]
            elif style.startswith("List"):
                marker = "1." if "Number" in style else "-"
                lines.append(f"{marker} {text}")
            else:
                lines += [text, ""]
        elif tag == "tbl":
            table = Table(block, document)
            for row in table.rows:
                cells = [cell.text.strip().replace("\n", " ") for cell in row.cells]
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
    return title, "\n".join(lines)


def _docx_heading_level(style: str) -> int:
    if style == "Title":
        return 1
    match = re.match(r"Heading\s*(\d)", style)
    return min(int(match.group(1)) + 1, 6) if match else 0


def _load_pdf(path: Path) -> tuple[str, str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted and not reader.decrypt(""):
        raise LoadError("encrypted PDF")
    title = ""
    if reader.metadata is not None and reader.metadata.title:
        title = str(reader.metadata.title).strip()
    pages = [_unwrap_pdf_lines(page.extract_text() or "") for page in reader.pages]
    text = "\n\n".join(page for page in pages if page.strip())
    if not text.strip():
        raise LoadError("no extractable text in PDF (scanned image?)")
    return title, text


def _unwrap_pdf_lines(text: str) -> str:
    """Join hard-wrapped PDF lines back into paragraphs; keep list items and outline headings."""
    paragraphs: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        level = _outline_level(line)
        starts_item = bool(re.match(r"^([-•·*]|\d+[.、)]|[（(]\d+[）)])\s*", line))
        if not line or level or starts_item or (current and current[-1] in "。！？!?"):
            if current:
                paragraphs.append(current)
            current = ""
            if level:
                paragraphs.append(f"{'#' * (level + 1)} {line}")
                continue
        if not line:
            continue
        if current and _is_cjk(current[-1]) and _is_cjk(line[0]):
            current += line
        else:
            current = f"{current} {line}".strip()
    if current:
        paragraphs.append(current)
    return "\n\n".join(paragraphs)


def _is_cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


_LOADERS: dict[str, Callable[[Path], tuple[str, str]]] = {
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".txt": _load_text,
    ".docx": _load_docx,
    ".pdf": _load_pdf,
}
