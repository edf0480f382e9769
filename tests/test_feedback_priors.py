"""👍/👎 priors: shrinkage, the bound, reordering only supported passages, votes counted once per user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.assistant import Assistant
from bot.cli import main
from crm.answers import AnswerLog
from crm.store import Store
from crm.users import UserRepository
from knowledge.documents import Hit
from knowledge.feedback import MAX_BONUS, PassagePriors, shrunk_prior
from tests.conftest import OTHER_REP_ID, REP_ID
from tests.knowledge_fixtures import FIXTURE_DOCS

THRESHOLD = 0.5


def hit(chunk_id: str, score: float, support: float) -> Hit:
    return Hit(chunk_id=chunk_id, score=score, support=support, title="T", section=chunk_id, heading_path=["T", chunk_id],
               source="t.md", text=chunk_id)  # fmt: skip


def test_one_vote_moves_the_prior_little_and_many_stay_bounded() -> None:
    assert shrunk_prior(0, 0) == 0.0
    assert shrunk_prior(1, 0) == pytest.approx(1 / 6)
    assert shrunk_prior(0, 1) == pytest.approx(-1 / 6)
    assert shrunk_prior(10_000, 0) < 1.0 and shrunk_prior(0, 10_000) > -1.0
    priors = PassagePriors({"a": (10_000, 0), "b": (0, 10_000), "c": (1, 0)})
    assert 1.0 < priors.factor("a") <= 1.0 + MAX_BONUS
    assert 1.0 - MAX_BONUS <= priors.factor("b") < 1.0
    assert priors.factor("c") - 1.0 == pytest.approx(MAX_BONUS / 6)
    assert priors.factor("never voted") == 1.0


def test_a_single_vote_does_not_swap_passages_a_few_percent_apart() -> None:
    hits = [hit("first", 0.0440, 0.9), hit("second", 0.0425, 0.9)]  # 3.5 % apart: like second place in every leg
    assert [h.chunk_id for h in PassagePriors({"second": (1, 0)}).rerank(hits, THRESHOLD)] == ["first", "second"]
    many = PassagePriors({"second": (20, 0), "first": (0, 20)})
    assert [h.chunk_id for h in many.rerank(hits, THRESHOLD)] == ["second", "first"]


def test_priors_never_surface_an_unsupported_passage_nor_change_support() -> None:
    hits = [hit("supported-1", 0.044, 0.9), hit("unsupported", 0.0439, 0.2), hit("supported-2", 0.043, 0.8)]
    priors = PassagePriors({"unsupported": (1000, 0), "supported-1": (0, 1000), "supported-2": (1000, 0)})
    reranked = priors.rerank(hits, THRESHOLD)
    assert [h.chunk_id for h in reranked] == ["supported-2", "unsupported", "supported-1"]  # the slot stays
    assert [h.support for h in reranked] == [0.8, 0.2, 0.9] and [h.score for h in reranked] == [0.043, 0.0439, 0.044]
    only_unsupported = [hit("u1", 0.044, 0.1), hit("u2", 0.040, 0.1)]
    assert priors.rerank(only_unsupported, THRESHOLD) == only_unsupported  # a refusal stays a refusal


def _setup(store: Store) -> AnswerLog:
    users = UserRepository(store)
    users.upsert(REP_ID, name="小王", timezone_name="Asia/Shanghai", registered_via="allowlist")
    users.upsert(OTHER_REP_ID, name="小李", timezone_name="Asia/Shanghai", registered_via="allowlist")
    return AnswerLog(store)


def test_passage_votes_count_each_user_once_per_passage(store: Store) -> None:
    log = _setup(store)
    for _ in range(3):  # one rep asks the same question three times and votes 👍 each time
        answer = log.get(log.record(REP_ID, "客户嫌贵怎么办", answered=True, chunk_ids=["a", "b"]), user_id=REP_ID)
        log.vote(answer, user_id=REP_ID, vote=1)
    other = log.get(log.record(OTHER_REP_ID, "客户嫌贵怎么办", answered=True, chunk_ids=["a"]), user_id=OTHER_REP_ID)
    log.vote(other, user_id=OTHER_REP_ID, vote=1)
    log.vote(other, user_id=OTHER_REP_ID, vote=-1)  # changed their mind: replaces the 👍
    assert log.passage_votes() == {"a": (1, 1), "b": (1, 0)}


def test_a_vote_through_the_bot_refreshes_the_knowledge_base_priors(assistant: Assistant) -> None:
    rep = assistant.users.upsert(REP_ID, name="小王", timezone_name="Asia/Shanghai", registered_via="allowlist")
    assert assistant.knowledge.priors is not None and len(assistant.knowledge.priors) == 0
    answer_id = assistant.answers.record(REP_ID, "客户嫌贵怎么办", answered=True, chunk_ids=["chunk-x"])
    reply = assistant.handle(assistant.request(rep, callback_data=f"ask:v:{answer_id}:-1"))
    assert reply.toast
    assert assistant.knowledge.priors.prior("chunk-x") == pytest.approx(-1 / 6)


def test_eval_kb_with_feedback_ranks_with_the_recorded_votes(tmp_path: Path) -> None:
    env = {"KAM_DATA_DIR": str(tmp_path / "data"), "KAM_EMBEDDER": "hashing", "KAM_KNOWLEDGE_DIR": str(FIXTURE_DOCS)}
    runner = CliRunner()
    assert runner.invoke(main, ["ingest"], env=env).exit_code == 0
    store = Store.open(tmp_path / "data" / "kam.db")
    log = _setup(store)
    log.vote(log.get(log.record(REP_ID, "q", answered=True, chunk_ids=["x", "y"]), user_id=REP_ID), user_id=REP_ID, vote=1)
    store.close()
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "1", "q": "今天天气怎么样", "unanswerable": True}) + "\n", encoding="utf-8")
    plain = runner.invoke(main, ["eval", "kb", str(questions)], env=env)
    assert plain.exit_code == 0 and "voted passage" not in plain.stderr
    ranked = runner.invoke(main, ["eval", "kb", str(questions), "--feedback"], env=env)
    assert ranked.exit_code == 0, ranked.output
    assert "priors of 2 voted passage(s)" in ranked.stderr and "refused or flagged 1/1" in ranked.stdout
