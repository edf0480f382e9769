"""The Chinese-aware tokenizer: jieba words, CJK bigrams, stemmed English, no stopwords."""

from __future__ import annotations

import logging

from knowledge.tokenize import Tokenizer


def test_chinese_words_and_bigrams_without_function_words():
    tokens = Tokenizer().tokenize("客户要求再降价，我该怎么应对？")
    assert {"客户", "降价", "应对"} <= set(tokens)
    assert "降价" in tokens and "价，" not in tokens
    assert not {"我", "怎么", "的", "，", "？"} & set(tokens)


def test_english_is_lower_cased_and_stemmed():
    assert Tokenizer().tokenize("Customers RESPONDING to Discounts") == ["custom", "respond", "discount"]


def test_full_width_text_is_normalised():
    assert Tokenizer().tokenize("ＣＲＭ") == ["crm"]


def test_greetings_and_chit_chat_have_no_content_terms():
    tokenizer = Tokenizer()
    for text in ("你好", "谢谢", "hello", "how are you", "Thanks!", "早上好"):
        assert tokenizer.content_terms(text) == [], text
    assert tokenizer.content_terms("今天天气怎么样") == ["天天", "天气"] or "天气" in tokenizer.content_terms(
        "今天天气怎么样"
    )


def test_content_terms_keep_the_longest_forms():
    assert Tokenizer().content_terms("大客户经理的四项核心能力是什么？") == ["大", "客户经理", "四项", "核心", "能力"]


def test_question_words_leave_their_unit():
    assert "倍" in Tokenizer().content_terms("成本是几倍？")


def test_user_words_stay_whole():
    tokenizer = Tokenizer()
    before = tokenizer.fingerprint
    tokenizer.add_user_words(["星河数科"])
    assert "星河数科" in tokenizer.tokenize("星河数科要求降价")
    assert tokenizer.content_terms("星河数科要求降价") == ["星河数科", "要求", "降价"]
    assert tokenizer.is_user_word("星河数科") and not tokenizer.is_user_word("降价")
    assert tokenizer.fingerprint != before


def test_jieba_initialises_quietly(caplog):
    with caplog.at_level(logging.DEBUG):
        Tokenizer().tokenize("初始化")
    assert not [record for record in caplog.records if record.name == "jieba" and record.levelno < logging.WARNING]


def test_traditional_characters_are_read_as_simplified_one_for_one():
    from knowledge.tokenize import to_simplified

    assert to_simplified("客戶說價格太貴，轉移成本怎麼提高？") == "客户说价格太贵，转移成本怎么提高？"
    assert to_simplified("Acme 的報價 20%") == "Acme 的报价 20%"


def test_colloquial_fillers_are_not_content_terms_of_a_query():
    tokenizer = Tokenizer()
    terms = tokenizer.content_terms("有个客户被对手挖走了，老板让我想办法，先从哪下手，咋整")
    assert {"客户", "对手", "挖走"} <= set(terms)
    assert not {"有个", "老板", "办法", "想办法", "先从", "下手", "咋整"} & set(terms)
    english = tokenizer.content_terms("The guy keeps saying he basically can't decide")
    assert "decid" in english and not {"guy", "keep", "basic"} & set(english)


def test_fillers_stay_in_the_index_tokens():
    assert "老板" in Tokenizer().tokenize("老板让我想办法")  # BM25 is unchanged: only the query's terms drop them
