"""The passage ranker: features, re-ordering, fitting and the shipped model (knowledge.ranking)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from knowledge import KnowledgeBase, make_embedder
from knowledge.documents import Hit
from knowledge.ranking import (
    FEATURES,
    RANKING_MODEL_FILE,
    Ranker,
    fit_ranker,
    load_ranker,
    ranking_features,
    save_ranker,
)
from knowledge.search import load_support_models
from tests.knowledge_fixtures import make_corpus

ALWAYS = dataclasses.replace(load_support_models()["without_sparse"], threshold=0.0)


def hit(chunk_id: str, *, score: float = 0.01, coverage: float = 0.0, text: str = "正文", **evidence) -> Hit:
    return Hit(chunk_id=chunk_id, score=score, coverage=coverage, title="T", section=chunk_id,
               heading_path=["T", chunk_id], source="t.md", text=text, **evidence)


def test_features_follow_the_names_and_a_missing_leg_counts_zero():
    features = ranking_features(
        hit("a", score=2 / 61, dense_rank=1, lexical_rank=None, coverage=0.5, heading_coverage=0.25, text="x" * 99),
        objection=False,
        card=True,
    )
    named = dict(zip(FEATURES, features, strict=True))
    assert named["fused"] == pytest.approx(2.0)
    assert named["dense"] == pytest.approx(1.0) and named["lexical"] == 0.0
    assert named["coverage"] == 0.5 and named["heading_coverage"] == 0.25
    assert named["card_otherwise"] == 1.0 and named["card_for_objection"] == 0.0
    assert named["log_length"] == pytest.approx(np.log(100))


def test_rerank_orders_the_candidates_by_score_and_keeps_the_rest_behind():
    hits = [hit("a", coverage=0.1), hit("b", coverage=0.9), hit("c", coverage=0.5), hit("d", coverage=1.0)]
    ranker = Ranker({"coverage": 1.0}, candidates=3)
    reordered = ranker.rerank(hits, objection=False, is_card=lambda _: False)
    assert [h.chunk_id for h in reordered] == ["b", "c", "a", "d"]  # "d" was not a candidate


def test_ties_keep_the_fused_order():
    hits = [hit("a"), hit("b"), hit("c")]
    reordered = Ranker({"coverage": 1.0}).rerank(hits, objection=False, is_card=lambda _: False)
    assert [h.chunk_id for h in reordered] == ["a", "b", "c"]


def test_a_card_falls_behind_a_section_unless_the_question_is_an_objection():
    card, section = hit("card", score=0.03), hit("section", score=0.02)
    ranker = Ranker({"fused": 1.0, "card_otherwise": -2.0, "card_for_objection": 0.5})
    is_card = lambda h: h.chunk_id == "card"  # noqa: E731
    assert ranker.rerank([card, section], objection=False, is_card=is_card)[0].chunk_id == "section"
    assert ranker.rerank([card, section], objection=True, is_card=is_card)[0].chunk_id == "card"


def synthetic_questions(seed: int, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Candidates whose answer has the highest coverage, while the fused score is noise."""
    generator = np.random.default_rng(seed)
    questions = []
    for _ in range(count):
        features = generator.normal(size=(6, len(FEATURES)))
        labels = np.zeros(6, dtype=bool)
        answer = int(generator.integers(6))
        features[answer, FEATURES.index("coverage")] += 3.0
        labels[answer] = True
        questions.append((features, labels))
    return questions


def test_the_fit_learns_which_evidence_finds_the_answer():
    ranker = fit_ranker(synthetic_questions(1, 80), candidates=6)
    assert ranker.candidates == 6
    assert max(ranker.weights, key=lambda name: abs(ranker.weights[name])) == "coverage"
    assert ranker.weights["coverage"] > 0
    unseen = synthetic_questions(2, 50)
    right = sum(bool(labels[int(np.argmax([ranker.score(row) for row in features]))]) for features, labels in unseen)
    assert right >= 40  # of 50; chance is 1 in 6 (about 8), the coverage rule alone gets 44


def test_the_fit_needs_a_question_with_an_answer():
    with pytest.raises(ValueError, match="no question"):
        fit_ranker([(np.zeros((3, len(FEATURES))), np.zeros(3, dtype=bool))])


def test_a_saved_ranker_loads_back_and_unknown_features_are_refused(tmp_path: Path):
    path = tmp_path / "ranking.json"
    save_ranker(Ranker({"coverage": 2.5, "fused": 1.0}, candidates=7), path, note="test")
    assert load_ranker(path) == Ranker({"coverage": 2.5, "fused": 1.0}, candidates=7)
    path.write_text('{"candidates": 5, "weights": {"colour": 1.0}}', encoding="utf-8")
    with pytest.raises(ValueError, match="colour"):
        load_ranker(path)


def test_the_shipped_ranker_weighs_every_feature_and_says_how_it_was_fitted():
    ranker = load_ranker(RANKING_MODEL_FILE)
    assert set(ranker.weights) == set(FEATURES) and ranker.candidates >= 5
    assert "benchmarks/fit_ranker.py" in RANKING_MODEL_FILE.read_text(encoding="utf-8")


def test_the_knowledge_base_orders_its_hits_with_the_ranker(tmp_path: Path):
    kb = KnowledgeBase(tmp_path / "index", make_embedder("hashing", None), support_model=ALWAYS)
    kb.ingest([make_corpus(tmp_path / "docs")])
    fused = kb.search("客户关怀的手段有哪些", k=5)  # hashing has no sparse leg: the fused order
    shortest_first = Ranker({"log_length": -1.0}, candidates=5)
    kb.ranker = shortest_first
    ranked = kb.search("客户关怀的手段有哪些", k=5)
    assert {h.chunk_id for h in ranked} == {h.chunk_id for h in fused}
    assert [len(h.text) for h in ranked] == sorted(len(h.text) for h in fused)
