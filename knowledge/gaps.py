"""Group questions by wording: the text side of the knowledge-gap report ("what to write next").

Pure text, no database: `crm.knowledge_gaps` collects the refused and 👎 questions and hands their
texts here. Two questions are alike when they share most of their content tokens (the playbook's own
Chinese-aware tokenizer: jieba words plus CJK character pairs, stemmed English words, stopwords
dropped), measured with the Dice coefficient; a question joins the group of its most similar earlier
question when that similarity reaches `GROUP_THRESHOLD`. Chinese and English questions group within
their own language (no translation). Traditional characters are not mapped to simplified ones (the
tokenizer does not do it either).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.tokenize import Tokenizer, normalize

GROUP_THRESHOLD = 0.4
_WORD_CHARACTERS = re.compile(r"[\w]+")


def question_tokens(text: str, tokenizer: Tokenizer) -> frozenset[str]:
    """The content tokens of a question; its character pairs when it has none (only stopwords)."""
    tokens = frozenset(tokenizer.tokenize(text))
    if tokens:
        return tokens
    letters = "".join(_WORD_CHARACTERS.findall(normalize(text)))
    return frozenset(letters[i : i + 2] for i in range(max(len(letters) - 1, 1)) if letters)


def similarity(first: frozenset[str], second: frozenset[str]) -> float:
    """Dice coefficient of two token sets, 0..1 (0 when either is empty)."""
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


def group_similar(
    texts: Sequence[str], *, tokenizer: Tokenizer | None = None, threshold: float = GROUP_THRESHOLD
) -> list[list[int]]:
    """Indices of `texts` grouped by similar wording, the largest group first (ties: first seen first).

    Each text joins the group of the most similar text seen before it when that similarity reaches
    `threshold`, else starts a group. Each group starts with its representative (the member most like
    the others: repeated wording wins), then the others in input order.
    """
    tokenizer = tokenizer or Tokenizer()
    tokens = [question_tokens(text, tokenizer) for text in texts]
    group_of: list[int] = []
    groups: list[list[int]] = []
    for position, own in enumerate(tokens):
        best, best_score = -1, 0.0
        for earlier in range(position):
            score = 1.0 if normalize(texts[earlier]).strip() == normalize(texts[position]).strip() else similarity(
                own, tokens[earlier])  # fmt: skip
            if score > best_score:
                best, best_score = earlier, score
        if best >= 0 and best_score >= threshold:
            group = group_of[best]
            groups[group].append(position)
        else:
            group = len(groups)
            groups.append([position])
        group_of.append(group)
    order = sorted(range(len(groups)), key=lambda index: (-len(groups[index]), groups[index][0]))
    grouped = []
    for index in order:
        members = groups[index]
        chosen = _central(texts, members, tokens)
        grouped.append([chosen, *(member for member in members if member != chosen)])
    return grouped


def _central(texts: Sequence[str], members: Sequence[int], tokens: Sequence[frozenset[str]]) -> int:
    """The member most like the others (highest total similarity; ties: the shorter, then the first)."""

    def rank(member: int) -> tuple[float, int, int]:
        total = sum(similarity(tokens[member], tokens[other]) for other in members if other != member)
        return (-round(total, 9), len(texts[member]), members.index(member))

    return min(members, key=rank)


def _central(texts: Sequence[str], members: Sequence[int], tokens: Sequence[frozenset[str]]) -> int:
    """The member most like the others (highest total similarity; ties: the shorter, then the first)."""

    def rank(member: int) -> tuple[float, int, int]:
        total = sum(similarity(tokens[member], tokens[other]) for other in members if other != member)
        return (-round(total, 9), len(texts[member]), members.index(member))

    return min(members, key=rank)


def representative(texts: Sequence[str], members: Sequence[int], *, tokenizer: Tokenizer | None = None) -> int:
    """The member most like the others (highest total similarity; ties: the shorter, then the first)."""
    tokenizer = tokenizer or Tokenizer()
    tokens = {member: question_tokens(texts[member], tokenizer) for member in members}

    def centrality(member: int) -> tuple[float, int, int]:
        total = sum(similarity(tokens[member], tokens[other]) for other in members if other != member)
        return (-total, len(texts[member]), members.index(member))

    return min(members, key=centrality)
