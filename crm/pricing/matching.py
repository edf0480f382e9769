"""Finding the products a message talks about: exact names first, then typo-tolerant matches.

Exact: a SKU, a name or an alias appears in the text (English ones as whole words, any case).
Tolerant, only when nothing matched exactly: a Chinese name whose pinyin appears in the text
(同音错字 such as 专业板 for 专业版, or pinyin typed out as "zhuanyeban"), or an English word within
a small edit distance of a one-word English name ("Enterprize", "Standrad").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from crm.pricing.book import PriceBook, Product

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*")
FUZZY_WORD_SCORE = 85  # rapidfuzz ratio for a misspelt English word
MIN_FUZZY_WORD = 5  # shorter words are too easy to confuse ("pro" vs "pre")


@dataclass(frozen=True)
class ProductMention:
    """A product found in a text, where, and how (for explaining a match)."""

    product: Product
    start: int
    end: int
    how: str  # "exact" | "pinyin" | "spelling"


def find_products(book: PriceBook, text: str) -> list[ProductMention]:
    """Products mentioned in `text`, in order of appearance, each once; exact matches win."""
    exact = _exact_mentions(book, text)
    mentions = exact or _pinyin_mentions(book, text) + _spelling_mentions(book, text)
    seen: set[str] = set()
    ordered = []
    for mention in sorted(mentions, key=lambda item: (item.start, -(item.end - item.start))):
        if mention.product.sku not in seen:
            seen.add(mention.product.sku)
            ordered.append(mention)
    return ordered


def resolve_product(book: PriceBook, text: str) -> list[Product]:
    """For a name given on purpose (a CLI option, a button): the SKU itself, else the products it names."""
    for product in book.products:
        if product.sku == text.strip().upper():
            return [product]
    return [mention.product for mention in find_products(book, text)]


def _exact_mentions(book: PriceBook, text: str) -> list[ProductMention]:
    found = []
    for product in book.products:
        for term in product.terms:
            for match in _term_pattern(term).finditer(text):
                found.append(ProductMention(product, match.start(), match.end(), "exact"))
    return _drop_nested(found)


def _drop_nested(mentions: list[ProductMention]) -> list[ProductMention]:
    """'CRM专业版' contains '专业版': keep the longest span at each place only."""
    kept = []
    for mention in sorted(mentions, key=lambda item: (item.start, -(item.end - item.start))):
        if any(other.start <= mention.start and mention.end <= other.end and other.product.sku != mention.product.sku
               for other in kept):
            continue
        kept.append(mention)
    return kept


@lru_cache(maxsize=512)
def _term_pattern(term: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in re.split(r"[\s\-_]+", term.strip()) if part]
    body = r"[\s\-_]*".join(parts)
    if _CJK.search(term):
        return re.compile(body, re.IGNORECASE)
    # whole words only; a hyphen joins words ("pro-rata" is not Pro)
    return re.compile(r"(?<![A-Za-z0-9])(?<![A-Za-z0-9]-)" + body + r"(?!-?[A-Za-z0-9])", re.IGNORECASE)


def _pinyin_mentions(book: PriceBook, text: str) -> list[ProductMention]:
    syllables, positions = _syllables(text)
    joined_words = {match.group().lower(): match for match in _WORD.finditer(text)}
    found = []
    for product in book.products:
        for term in product.terms:
            if not _CJK.search(term) or len(term) < 2:
                continue
            wanted = _pinyin(term)
            width = len(wanted)
            for index in range(len(syllables) - width + 1):
                last = index + width - 1
                contiguous = positions[last] - positions[index] == width - 1
                if contiguous and tuple(syllables[index:index + width]) == wanted:
                    found.append(ProductMention(product, positions[index], positions[last] + 1, "pinyin"))
            typed = joined_words.get("".join(wanted))  # pinyin typed out in Latin letters
            if typed:
                found.append(ProductMention(product, typed.start(), typed.end(), "pinyin"))
    return found


def _spelling_mentions(book: PriceBook, text: str) -> list[ProductMention]:
    found = []
    words = [match for match in _WORD.finditer(text) if len(match.group()) >= MIN_FUZZY_WORD]
    for product in book.products:
        for term in product.terms:
            if _CJK.search(term) or " " in term.strip() or len(term) < MIN_FUZZY_WORD:
                continue
            for word in words:
                if fuzz.ratio(word.group().lower(), term.lower()) >= FUZZY_WORD_SCORE:
                    found.append(ProductMention(product, word.start(), word.end(), "spelling"))
    return found


def _syllables(text: str) -> tuple[list[str], list[int]]:
    """Pinyin of each Chinese character in `text` with its position; other characters are skipped."""
    syllables, positions = [], []
    for position, char in enumerate(text):
        if _CJK.match(char):
            syllables.append(_pinyin(char)[0])
            positions.append(position)
    return syllables, positions


@lru_cache(maxsize=4096)
def _pinyin(text: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))
