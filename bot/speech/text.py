"""Tidying what the recogniser returns: Simplified Chinese, no decoder loops, no echoed prompt."""

from __future__ import annotations

import re

# A phrase of 1-20 characters said 4+ times in a row (optionally with separators): a decoder loop.
_LOOP = re.compile(r"(.{1,20}?)(?:[\s,，、。.]*\1){3,}")
_SPACES = re.compile(r"\s+")
_CJK = "\u3400-\u9fff"
# Whisper often puts ASCII punctuation between Chinese characters: "价格太高,下周三再谈"
_ASCII_PUNCTUATION = re.compile(rf"(?<=[{_CJK}])\s*([,?!:;])\s*")
_FULL_WIDTH = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}


def to_simplified(text: str) -> str:
    """Traditional Chinese characters to Simplified (Whisper often answers in Traditional)."""
    import zhconv  # part of the [voice] extra

    return zhconv.convert(text, "zh-cn")


def collapse_repeats(text: str) -> str:
    """Keep one copy of a phrase the decoder repeated four or more times in a row (not digits: 8888)."""
    return _LOOP.sub(lambda match: match.group(0) if match.group(1).isdigit() else match.group(1), text)


def tidy(text: str, *, language: str, prompt: str | None = None) -> str:
    """The transcript as shown to the user: trimmed, loops collapsed, Simplified for Chinese."""
    text = _SPACES.sub(" ", text).strip()
    if prompt and text.strip(" 。.") == prompt.strip(" 。."):
        return ""  # on silence Whisper sometimes just echoes its prompt
    if language == "zh":
        text = to_simplified(text)
        text = _ASCII_PUNCTUATION.sub(lambda match: _FULL_WIDTH[match.group(1)], text)
    return collapse_repeats(text).strip()
