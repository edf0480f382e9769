"""Turn a transport-neutral Reply into Telegram HTML messages: escaped, and split at 4096 UTF-16 units."""

from __future__ import annotations

import html

from crm.language import replace_lone_surrogates
from skills.models import Block, Reply

TELEGRAM_TEXT_LIMIT = 4096  # UTF-16 code units, counted after entity parsing
CAPTION_LIMIT = 1024

_TAGS = {
    "paragraph": ("", ""),
    "heading": ("<b>", "</b>"),
    "quote": ("<blockquote>", "</blockquote>"),
    "code": ("<pre>", "</pre>"),
    "note": ("<i>", "</i>"),
}


def utf16_length(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def render_messages(reply: Reply, *, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """The reply's blocks as HTML message texts, each within `limit` visible UTF-16 units."""
    pieces: list[tuple[str, str]] = []  # (visible text, html) per block piece
    for block in reply.blocks:
        for part in _split_text(replace_lone_surrogates(block.text), limit):  # a copied block skips validation
            pieces.append((part, _wrap(block, part)))
    messages: list[str] = []
    visible, markup = "", ""
    for piece_visible, piece_html in pieces:
        joined = f"{visible}\n\n{piece_visible}" if visible else piece_visible
        if visible and utf16_length(joined) > limit:
            messages.append(markup)
            visible, markup = piece_visible, piece_html
        else:
            visible = joined
            markup = f"{markup}\n\n{piece_html}" if markup else piece_html
    if markup:
        messages.append(markup)
    return messages


def _wrap(block: Block, text: str) -> str:
    opening, closing = _TAGS[block.kind]
    return f"{opening}{html.escape(text, quote=False)}{closing}"


def _split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, then line, then sentence boundaries; hard-cut only as a last resort."""
    if utf16_length(text) <= limit:
        return [text]
    for separator in ("\n\n", "\n", "。", ". ", " "):
        if separator in text:
            parts = text.split(separator)
            chunks: list[str] = []
            current = ""
            for index, part in enumerate(parts):
                piece = part + (separator if index < len(parts) - 1 and separator.strip() else "")
                candidate = f"{current}{separator if current and not separator.strip() else ''}{piece}"
                if current and utf16_length(candidate) > limit:
                    chunks.append(current)
                    current = piece
                else:
                    current = candidate
            if current:
                chunks.append(current)
            if all(utf16_length(chunk) <= limit for chunk in chunks):
                return [chunk.strip("\n") or chunk for chunk in chunks]
            return [small for chunk in chunks for small in _split_text(chunk, limit)]
    return _hard_cut(text, limit)


def _hard_cut(text: str, limit: int) -> list[str]:
    chunks, current = [], ""
    for char in text:
        if utf16_length(current + char) > limit:
            chunks.append(current)
            current = char
        else:
            current += char
    if current:
        chunks.append(current)
    return chunks
