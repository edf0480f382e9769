"""Score the knowledge base on question sets (JSONL: id, lang, q, expect, unanswerable).

Two figures per answerable question: *answer-text* pass (every expect group appears in the text the rep
reads) is the headline; *cited-source* pass (the group may appear anywhere in a cited passage) shows
whether retrieval found the right place even when the extract left the fact out. An unanswerable
question passes when the reply is a refusal or says plainly that the playbook does not state the fact.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from knowledge.documents import Answer


class EvalItem(BaseModel):
    """One question; each group in `expect` needs one alternative in the answer text."""

    id: str
    q: str
    lang: str = "zh"
    kind: str = ""  # optional label of the set ("situation", "objection", "fact", "not_stated")
    expect: list[list[str]] = Field(default_factory=list)
    unanswerable: bool = False


class ItemResult(BaseModel):
    """How one question went."""

    id: str
    q: str
    unanswerable: bool
    answered: bool
    not_stated: bool = False
    passed: bool  # judged on the answer text (or refused / flagged when unanswerable)
    source_passed: bool  # judged on the answer text and the cited passages
    missing: list[list[str]] = Field(default_factory=list)  # expect groups not in the answer text
    citations: list[str] = Field(default_factory=list)


class EvalReport(BaseModel):
    """Pass rates over a question set."""

    answerable: int = 0
    answerable_passed: int = 0  # every expect group in the answer text
    answerable_source_passed: int = 0  # every expect group in the answer text or a cited passage
    unanswerable: int = 0
    unanswerable_refused: int = 0  # refused or flagged "not stated"
    unanswerable_flagged: int = 0  # of which flagged "not stated"
    results: list[ItemResult] = Field(default_factory=list)

    @property
    def answer_rate(self) -> float:
        """Share of answerable questions whose answer text passed."""
        return self.answerable_passed / self.answerable if self.answerable else 1.0

    @property
    def source_rate(self) -> float:
        """Share of answerable questions whose answer text or cited passages passed."""
        return self.answerable_source_passed / self.answerable if self.answerable else 1.0

    @property
    def refusal_rate(self) -> float:
        """Share of unanswerable questions that were refused or flagged "not stated"."""
        return self.unanswerable_refused / self.unanswerable if self.unanswerable else 1.0


def load_items(path: Path) -> list[EvalItem]:
    """Read a JSONL question set."""
    with open(path, encoding="utf-8") as handle:
        return [EvalItem.model_validate(json.loads(line)) for line in handle if line.strip()]


def missing_groups(item: EvalItem, answer: Answer, *, in_sources: bool = False) -> list[list[str]]:
    """The expect groups none of whose alternatives appears in the answer text (or, if asked, its sources)."""
    texts = [answer.text, *(source.text for source in answer.sources)] if in_sources else [answer.text]
    haystack = "\n".join(texts).lower()
    return [group for group in item.expect if not any(alternative.lower() in haystack for alternative in group)]


def declined(answer: Answer) -> bool:
    """True when the reply gives no answer: a refusal or a "the playbook does not state this" flag."""
    return not answer.answered or answer.not_stated


def score_item(item: EvalItem | dict, answer: Answer, *, in_sources: bool = False) -> bool:
    """True when the answer passes: declined if unanswerable, else every expect group is in the answer text.

    `in_sources=True` also accepts a group found only in a cited passage (the older, looser rule).
    """
    item = item if isinstance(item, EvalItem) else EvalItem.model_validate(item)
    if item.unanswerable:
        return declined(answer)
    return not declined(answer) and not missing_groups(item, answer, in_sources=in_sources)


def evaluate(answer_question: Callable[[str], Answer], items: Iterable[EvalItem]) -> EvalReport:
    """Run every question through `answer_question` (e.g. `kb.answer`) and score it."""
    report = EvalReport()
    for item in items:
        answer = answer_question(item.q)
        passed = score_item(item, answer)
        source_passed = score_item(item, answer, in_sources=True)
        if item.unanswerable:
            report.unanswerable += 1
            report.unanswerable_refused += passed
            report.unanswerable_flagged += answer.not_stated
        else:
            report.answerable += 1
            report.answerable_passed += passed
            report.answerable_source_passed += source_passed
        report.results.append(
            ItemResult(
                id=item.id,
                q=item.q,
                unanswerable=item.unanswerable,
                answered=answer.answered,
                not_stated=answer.not_stated,
                passed=passed,
                source_passed=source_passed,
                missing=[] if item.unanswerable else missing_groups(item, answer),
                citations=[source.citation for source in answer.sources],
            )
        )
    return report
