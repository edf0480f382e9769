"""One language detector for the whole product (replies, note cards, reminders, the CLI)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from crm.language import detect_language, language_of
from crm.parsing.matching import CustomerIndex, CustomerRef
from crm.visits.parse import parse_note

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("华信科技的CFO", "zh"),
        ("今天见了Acme的CFO Sarah，他们嫌贵", "zh"),
        ("客户说 price 太高", "zh"),
        ("met Acme Corp's CFO Sarah today", "en"),
        ("Acme Corp 王经理 wants 10% off, follow up next Tuesday 3pm", "en"),
        ("remind me to call 王总 tomorrow", "en"),
        ("12345 !!!", None),
        ("", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_the_note_parser_uses_the_same_detector() -> None:
    now = datetime.fromisoformat("2026-11-18T10:00:00+08:00")
    for text in ("Acme Corp 王经理 wants 10% off", "华信科技的CFO说太贵", "🙂 42"):
        assert parse_note(text, now=now).language == language_of(text)


def _notes() -> list[dict]:
    lines = (FIXTURES / "notes_heldout.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize("item", _notes(), ids=lambda item: item["id"])
def test_summary_agrees_with_the_record(item: dict) -> None:
    index = CustomerIndex.build([CustomerRef(id=1, name="华信科技"), CustomerRef(id=2, name="Acme Corp")])
    record = parse_note(item["text"], now=datetime.fromisoformat(item["now"]), customers=index)
    marker = "跟进：" if record.language == "zh" else "follow-up: "
    if not record.followups:
        assert marker not in record.summary
        return
    assert record.followups[0].text in record.summary
    more = len(record.followups) - 1
    if more:
        assert (f"等{len(record.followups)}项" if record.language == "zh" else f"(+{more})") in record.summary
