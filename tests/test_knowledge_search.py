"""Search and answers over the fixture corpus with the hashing embedder (plumbing, not quality)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from knowledge import Answer, ChunkNotFound, KnowledgeBase, make_embedder
from knowledge.answer import MAX_ANSWER_CHARS, extract, find_objection_card
from knowledge.search import load_support_models
from tests.knowledge_fixtures import make_corpus

ALWAYS = dataclasses.replace(load_support_models()["without_sparse"], threshold=0.0)  # hashing is not calibrated: test plumbing


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A fresh folder of small documents of every supported type, plus one corrupt file."""
    return make_corpus(tmp_path / "docs")


@pytest.fixture
def kb(tmp_path: Path, corpus: Path) -> KnowledgeBase:
    kb = KnowledgeBase(tmp_path / "index", make_embedder("hashing", None), support_model=ALWAYS)
    kb.ingest([corpus])
    return kb


def test_hits_carry_both_legs_and_the_citation(kb: KnowledgeBase):
    hits = kb.search("客户关怀的手段有哪些", k=3)
    best = hits[0]
    assert best.section == "客户关怀的手段"
    assert best.heading_path == ["客户关怀 (Customer care)", "客户关怀的手段"]
    assert best.source == "customer-care.md"
    assert best.dense_rank is not None and best.lexical_rank is not None
    assert best.dense_score is not None and best.lexical_score > 0
    assert best.sparse_rank is None  # the hashing embedder has no sparse vectors
    assert 0 < best.coverage <= 1 and 0 <= best.support <= 1
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_legs_choose_the_order_but_all_give_evidence(kb: KnowledgeBase):
    from knowledge.search import hybrid_search

    index = kb.index
    vector = kb.embed_query("呼叫中心 电话")
    lexical = hybrid_search(index, kb.tokenizer, "呼叫中心 电话", vector, legs=("lexical",), k=10)
    assert [hit.lexical_rank for hit in lexical] == sorted(hit.lexical_rank for hit in lexical)
    assert lexical[0].section == "客户关怀的手段" and lexical[0].dense_score is not None
    dense = hybrid_search(index, kb.tokenizer, "呼叫中心 电话", vector, legs=("dense",), k=10)
    assert [hit.dense_rank for hit in dense] == list(range(1, len(dense) + 1))


@pytest.mark.parametrize("text", ["你好", "谢谢", "hello", "how are you", "Thanks!"])
def test_chit_chat_retrieves_nothing(kb: KnowledgeBase, text: str):
    assert kb.search(text, include_unsupported=True) == []
    assert kb.answer(text) == Answer(answered=False)


def test_objection_answer_is_the_cards_recommended_response(kb: KnowledgeBase):
    answer = kb.answer("客户说你们太贵了，报价太高怎么办？")
    assert answer.answered and answer.kind == "objection"
    assert answer.text.startswith("- 把话题从价格拉回价值")
    assert "您说的贵" in answer.text  # short diagnosis questions come along
    advice, pitfalls = answer.text.split("别这样做：")  # the "don't" list comes last, under its own label
    assert "不要一听" in pitfalls and "不要一听" not in advice
    (source,) = answer.sources
    assert source.citation == "价格异议卡片 (Price objection cards) › 价格异议：你们太贵了"
    assert "### 推荐应对" in source.text


def test_objection_card_is_found_from_any_of_its_chunks(kb: KnowledgeBase):
    chunk = next(c for c in kb.index.chunks if c.section == "交付太慢")
    card = find_objection_card(kb.index, chunk)
    assert card is not None and card.response.startswith("- 拆分交付")
    plain = next(c for c in kb.index.chunks if c.section == "客户关怀的手段")
    assert find_objection_card(kb.index, plain) is None


def test_extractive_answer_cites_its_passage(kb: KnowledgeBase):
    answer = kb.answer("客户关怀的手段有哪些？")
    assert answer.answered and answer.kind == "extract"
    assert "呼叫中心" in answer.text
    assert answer.sources[0].section == "客户关怀的手段"
    assert answer.sources[0].citation == "客户关怀 (Customer care) › 客户关怀的手段"
    assert len(answer.text) <= MAX_ANSWER_CHARS


def test_extract_keeps_relevant_sentences_in_source_order_and_lists_whole():
    text = (
        "第一句讲背景。" * 30
        + "\n\n客户关怀的手段主要有三种：\n\n1. 电话；\n2. 网站；\n3. 呼叫中心。\n\n"
        + "最后一句讲总结。" * 30
    )
    answer, cut = extract(text, ["关怀", "手段"], {"关怀": 1.0, "手段": 1.0}, budget=200)
    assert cut
    assert "客户关怀的手段主要有三种：\n1. 电话；\n2. 网站；\n3. 呼叫中心。" in answer
    assert len(answer) <= 200


def test_answer_text_is_bounded(kb: KnowledgeBase):
    for question in ("What are switching costs?", "客户流失分为哪些类型？", "拜访后怎么跟进？"):
        answer = kb.answer(question)
        assert len(answer.text) <= MAX_ANSWER_CHARS
        assert all(source.chunk_id for source in answer.sources)


def test_passage_and_next_passage(kb: KnowledgeBase):
    first = next(c for c in kb.index.chunks if c.source == "customer-care.md")
    assert kb.passage(first.id) == first
    following = kb.next_passage(first.id)
    assert following is not None and following.position == first.position + 1
    last = kb.index.document_chunks("customer-care.md")[-1]
    assert kb.next_passage(last.id) is None
    with pytest.raises(ChunkNotFound):
        kb.passage("nope")


def test_unknown_customer_names_do_not_count_as_query_words(kb: KnowledgeBase):
    from knowledge.search import query_terms

    kb.add_user_words(["星河数科", "呼叫中心"])
    assert "星河数科" in kb.tokenizer.tokenize("星河数科说太贵")
    assert "星河数科" not in query_terms(kb.index, kb.tokenizer, "星河数科的呼叫中心")
    # the corpus has 呼叫中心 (indexed before the word was taught, so as its parts)
    assert {"呼叫", "中心"} <= set(query_terms(kb.index, kb.tokenizer, "星河数科的呼叫中心"))


def test_docx_and_pdf_content_is_searchable(kb: KnowledgeBase):
    assert kb.search("会议纪要 时限", k=1)[0].source == "visit-guide.docx"
    assert kb.search("send the minutes after a visit", k=1)[0].source == "checklist.pdf"


def test_sparse_leg_plumbing(tmp_path: Path, corpus: Path):
    from knowledge.embedders import HashingEmbedder

    class Counting(type(HashingEmbedder().with_sparse())):
        calls = 0

        def embed_passages_with_sparse(self, texts, views=None):
            Counting.calls += len(texts)
            return super().embed_passages_with_sparse(texts, views)

    kb = KnowledgeBase(tmp_path / "index", Counting(), support_model=ALWAYS)
    report = kb.ingest([corpus])
    assert Counting.calls == report.chunks_total
    assert (tmp_path / "index" / "sparse_indices.npy").exists()
    best = kb.search("客户关怀的手段有哪些", k=3)[0]
    assert best.section == "客户关怀的手段"
    assert best.sparse_rank == 1 and 0 < best.sparse_score <= 1
    with open(corpus / "retention.md", "a", encoding="utf-8") as handle:
        handle.write("\n\n## Win-back\n\nCall lost customers within a month.\n")
    Counting.calls = 0
    again = KnowledgeBase(tmp_path / "index", Counting()).ingest([corpus])
    assert Counting.calls == again.chunks_new < again.chunks_total


def test_the_label_of_a_keyword_line_is_not_a_word_of_the_passage():
    from knowledge.documents import Chunk
    from knowledge.search import term_coverage

    chunk = Chunk(id="c", source="a.md", title="价格", section="报价", heading_path=["价格", "报价"],
                  text="先讲价值，再谈价格。\n\nEnglish keywords: price objection, value selling", content_hash="h", position=0)
    assert term_coverage(["english"], {"english": 1.0}, chunk) == 0.0  # "what about in English?" asks no passage
    assert term_coverage(["price"], {"price": 1.0}, chunk) == 1.0  # the keywords themselves count


PLAYBOOK_WITH_QUESTIONS = """# 客户保持

## 提高转移成本

<!-- questions:
- 客户说换一家也没啥损失，怎么让他离不开我们
- The client says leaving us costs them nothing
-->

把服务做成整体解决方案，让客户的转网成本变高。

## 拜访准备

拜访前先查客户档案，准备好议程和样板客户。
"""


def playbook_with_questions(directory: Path) -> Path:
    """A folder holding PLAYBOOK_WITH_QUESTIONS."""
    directory.mkdir()
    (directory / "retention.md").write_text(PLAYBOOK_WITH_QUESTIONS, encoding="utf-8")
    return directory


def test_a_chunk_is_found_by_the_questions_it_answers(tmp_path: Path):
    from knowledge.embedders import HashingEmbedder

    class Counting(type(HashingEmbedder().with_sparse())):
        questions = 0

        def embed_queries_with_sparse(self, texts):
            Counting.questions += len(texts)
            return super().embed_queries_with_sparse(texts)

    corpus = playbook_with_questions(tmp_path / "docs")
    kb = KnowledgeBase(tmp_path / "index", Counting(), support_model=ALWAYS)
    kb.ingest([corpus])
    assert Counting.questions == 2  # each question once, as a query (dense and sparse from one call)
    index = kb.index
    assert index.has_questions.tolist() == [True, False]
    assert index.question_lexical is not None and len(index.question_sparse) == 2

    # none of these words is in the passage's text: only its questions know them
    best = kb.search("客户说换一家也没啥损失", k=2, include_unsupported=True)[0]
    assert best.section == "提高转移成本"
    assert best.question_sparse > (best.sparse_score or 0.0)
    answer = kb.answer("客户说换一家也没啥损失")
    assert answer.answered and "整体解决方案" in answer.text and "没啥损失" not in answer.text

    # a chunk without questions (an uploaded file) is judged by its text in the questions' features
    visit = next(hit for hit in kb.search("拜访前准备什么", k=2, include_unsupported=True) if hit.section == "拜访准备")
    assert visit.question_sparse == visit.sparse_score and visit.question_z == visit.dense_z

    # nothing changed: nothing embedded; a new question: only it is embedded
    Counting.questions = 0
    assert KnowledgeBase(tmp_path / "index", Counting()).ingest([corpus]).unchanged and Counting.questions == 0
    (corpus / "retention.md").write_text(
        PLAYBOOK_WITH_QUESTIONS.replace("-->", "- 客户觉得随时可以走\n-->", 1), encoding="utf-8"
    )
    KnowledgeBase(tmp_path / "index", Counting()).ingest([corpus])
    assert Counting.questions == 1


def test_an_index_built_before_questions_still_loads(tmp_path: Path, corpus: Path):
    kb = KnowledgeBase(tmp_path / "index", make_embedder("hashing", None), support_model=ALWAYS)
    kb.ingest([corpus])
    for name in ("vector_questions.npy", "question_baseline.npy"):
        (tmp_path / "index" / name).unlink(missing_ok=True)
    reloaded = KnowledgeBase(tmp_path / "index", make_embedder("hashing", None), support_model=ALWAYS)
    assert not reloaded.index.has_questions.any()
    assert reloaded.search("客户关怀的手段有哪些", k=1)[0].section == "客户关怀的手段"


def test_questions_work_without_a_sparse_embedder_too(tmp_path: Path):
    from knowledge.embedders import HashingEmbedder

    class Counting(HashingEmbedder):
        queries = 0

        def embed_queries(self, texts):
            Counting.queries += len(texts)
            return super().embed_queries(texts)

    kb = KnowledgeBase(tmp_path / "index", Counting(), support_model=ALWAYS)
    kb.ingest([playbook_with_questions(tmp_path / "docs")])
    assert Counting.queries == 2  # the questions, embedded as queries like a rep's
    assert kb.index.question_sparse is None and kb.index.question_lexical is not None
    best = kb.search("客户说换一家也没啥损失", k=1)[0]
    assert best.section == "提高转移成本" and best.question_z > best.dense_z


def test_an_english_request_for_a_list_the_passages_do_not_spell_out_is_flagged(kb: KnowledgeBase):
    answer = kb.answer("Customer care: please list all twelve methods")
    assert answer.not_stated and not answer.answered
    assert "does not state" in answer.text
