"""benchmarks/answer_replay.py: a replayed answer step scores as the bot's answers do, and its variants take effect."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from benchmarks.answer_replay import record, replay, topic_shares, totals
from knowledge import KnowledgeBase, evaluate, load_items, make_embedder
from knowledge.search import load_support_models
from tests.knowledge_fixtures import make_corpus

ALWAYS = dataclasses.replace(load_support_models()["without_sparse"], threshold=0.0)  # hashing is not calibrated
ITEMS = [
    {"id": "r-1", "q": "客户关怀的手段主要有几种", "expect": [["三种"]]},  # stated: 三种
    {"id": "r-2", "q": "客户生病了我该怎么关怀", "expect": [["关怀"]]},
    {"id": "r-3", "q": "客户关怀短信每条多少钱", "unanswerable": True},  # no amount in the passages
    {"id": "r-4", "q": "老客户为什么比新客户划算", "expect": [["成本"]]},
    {"id": "r-5", "q": "量子计算机的散热方案", "unanswerable": True},
    {"id": "r-6", "q": "投诉处理完以后多少天内要回访客户", "expect": [["3 天"]]},  # stated beside the question's words
]


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase(tmp_path / "index", make_embedder("hashing", None), support_model=ALWAYS)
    docs = make_corpus(tmp_path / "docs")
    (docs / "follow-up.md").write_text(
        "# 投诉回访\n\n## 回访时限\n\n投诉处理完毕后，客户经理应在 3 天内回访客户，确认问题已经解决。\n",
        encoding="utf-8",
    )
    kb.ingest([docs])
    return kb


@pytest.fixture
def question_set(tmp_path: Path) -> Path:
    path = tmp_path / "replay_dev.jsonl"
    path.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in ITEMS), encoding="utf-8")
    return path


def test_a_replayed_answer_passes_exactly_where_the_bots_answer_does(kb: KnowledgeBase, question_set: Path):
    report = evaluate(kb.answer, load_items(question_set))
    scores = replay(kb, record(kb, [question_set]))
    assert {item_id: passed for item_id, (_, _, passed) in scores.items()} == {
        result.id: result.passed for result in report.results
    }
    assert totals(scores, lambda name: name == question_set.name) == (
        report.answerable_passed,
        report.answerable,
        report.unanswerable_refused,
        report.unanswerable,
    )
    assert (
        scores["r-1"][2] and scores["r-3"][2] and scores["r-6"][2]
    )  # stated facts answered, the unstated amount declined


def test_a_variant_of_the_rules_changes_the_replayed_answers_and_is_undone_after(kb: KnowledgeBase, question_set: Path):
    recording = record(kb, [question_set])
    with topic_shares(1.5, 1.5):  # no sentence can hold more than all of the question's topic
        assert not replay(kb, recording)["r-6"][2]  # so the days are "not stated"
    assert replay(kb, recording)["r-6"][2]
