"""Score the knowledge base on question sets (JSONL: id, lang, q, expect, unanswerable)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from knowledge.documents import Answer


class EvalItem(BaseModel):
    """One question; each group in `expect` needs one alternative in the answer or its sources."""

    id: str
    q: str
    lang: str = "zh"
    expect: list[list[str]] = Field(default_factory=list)
    unanswerable: bool = False


class ItemResult(BaseModel):
    """How one question went."""

    id: str
    q: str
    unanswerable: bool
    answered: bool
    passed: bool
    missing: list[list[str]] = Field(default_factory=list)  # expect groups not found
    citations: list[str] = Field(default_factory=list)


class EvalReport(BaseModel):
    """Pass rates over a question set."""

    answerable: int = 0
    answerable_passed: int = 0
    unanswerable: int = 0
    unanswerable_refused: int = 0
    results: list[ItemResult] = Field(default_factory=list)

    @property
    def answer_rate(self) -> float:
        """Share of answerable questions that passed."""
        return self.answerable_passed / self.answerable if self.answerable else 1.0

    @property
    def refusal_rate(self) -> float:
        """Share of unanswerable questions that were refused."""
        return self.unanswerable_refused / self.unanswerable if self.unanswerable else 1.0


def load_items(path: Path) -> list[EvalItem]:
    """Read a JSONL question set."""
    with open(path, encoding="utf-8") as handle:
        return [EvalItem.model_validate(json.loads(line)) for line in handle if line.strip()]


def missing_groups(item: EvalItem, answer: Answer) -> list[list[str]]:
    """The expect groups none of whose alternatives appears in the answer text or cited sources."""
    haystack = "\n".join([answer.text, *(source.text for source in answer.sources)]).lower()
    return [group for group in item.expect if not any(alternative.lower() in haystack for alternative in group)]


def score_item(item: EvalItem | dict, answer: Answer) -> bool:
    """True when the answer passes: refused if unanswerable, else every expect group is matched."""
    item = item if isinstance(item, EvalItem) else EvalItem.model_validate(item)
    if item.unanswerable:
        return not answer.answered
    return answer.answered and not missing_groups(item, answer)


def evaluate(answer_question: Callable[[str], Answer], items: Iterable[EvalItem]) -> EvalReport:
    """Run every question through `answer_question` (e.g. `kb.answer`) and score it."""
    report = EvalReport()
    for item in items:
        answer = answer_question(item.q)
        passed = score_item(item, answer)
        if item.unanswerable:
            report.unanswerable += 1
            report.unanswerable_refused += passed
        else:
            report.answerable += 1
            report.answerable_passed += passed
        report.results.append(
            ItemResult(
                id=item.id,
                q=item.q,
                unanswerable=item.unanswerable,
                answered=answer.answered,
                passed=passed,
                missing=[] if item.unanswerable else missing_groups(item, answer),
                citations=[source.citation for source in answer.sources],
            )
        )
    return report
