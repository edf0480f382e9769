"""Which language a message is in: Chinese when it has Chinese characters, English when only Latin."""

from __future__ import annotations

import re

from bot.models import Language

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str) -> Language | None:
    """'zh' if the text has Chinese characters, 'en' if it has English words, None if neither."""
    cjk = len(_CJK.findall(text))
    if cjk:
        latin_words = len(_LATIN_WORD.findall(text))
        # "met Acme Corp's CFO Sarah today" is English; "华信科技的CFO" is Chinese.
        return "zh" if cjk >= 2 or latin_words <= 1 else "en"
    if _LATIN_WORD.search(text):
        return "en"
    return None


def has_cjk(text: str) -> bool:
    """True when the text contains Chinese characters."""
    return bool(_CJK.search(text))
