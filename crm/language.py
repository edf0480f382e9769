"""Which language a text is in: the one detector every part of the product uses.

Chinese characters and English words are weighed against each other: "华信科技的CFO" and
"今天见了Acme的CFO Sarah，他们嫌贵" are Chinese; "met Acme Corp's CFO Sarah today" and
"Acme Corp 王经理 wants 10% off" (an English sentence with a Chinese name) are English.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["zh", "en"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CJK_PER_WORD = 2  # a Chinese clause needs about two characters for what English says in one word


def detect_language(text: str) -> Language | None:
    """'zh' or 'en' by which script carries more of the text; None when it has neither."""
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if not cjk and not words:
        return None
    return "zh" if cjk >= CJK_PER_WORD * words and cjk else "en"


def language_of(text: str, default: Language = "zh") -> Language:
    """`detect_language`, with a default for text in neither script (numbers, emoji)."""
    return detect_language(text) or default


def has_cjk(text: str) -> bool:
    """True when the text contains Chinese characters."""
    return bool(_CJK.search(text))


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def replace_lone_surrogates(text: str) -> str:
    """`text` with each lone UTF-16 surrogate (which SQLite and UTF-8 reject) replaced by U+FFFD.

    A high and a low surrogate that arrive as a pair are joined into the character they encode.
    """
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
