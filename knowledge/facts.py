"""Specific facts: what a question asks for (an amount, a rate, a date…) and whether a passage states it.

The playbook is about methods. A rep who asks for the monthly fee of a product, a commission rate, a
date or a visit quota often lands on a passage about the right topic that simply does not give the
number. `asked_fact` recognises such questions from their wording (no question string is special-cased);
`states_fact` looks for a sentence in the passage that both holds a value of that kind and talks about
the question's topic. When none does, the answer says plainly that the playbook does not state it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.chunking import split_sentences
from knowledge.tokenize import is_cjk, normalize

_CN_DIGITS = "零一二两三四五六七八九十百千万"
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|[{_CN_DIGITS}]+)"


@dataclass(frozen=True)
class FactKind:
    """One kind of specific fact: how a question asks for it and how a passage states it."""

    name: str
    label_zh: str
    label_en: str
    asks: re.Pattern[str]
    states: re.Pattern[str]


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Order matters: the first kind whose question pattern matches is the one asked for.
KINDS = (
    FactKind(
        "law",
        "法律条款",
        "the legal rule",
        _re(r"民法典|合同法|法律规定|法律上|违约金|法律效力|\b(?:contract|civil)\s+law\b|\blegally\b|\bbinding\b|\bclause\b"),
        _re(r"民法典|合同法|法律|违约金|\blaw\b|\blegal"),
    ),
    FactKind(
        "amount",
        "具体金额",
        "the amount",
        _re(
            r"多少钱|几块钱|什么价(?:格|钱)|啥价|价格是多少|报价多少|一年报价|收费多少|(?:包月|月|年)费(?:是|现在)?(?:多少|几)|"
            r"\bhow\s+much\s+(?:does|is|do|will)\b.*\b(?:cost|charge|fee|price)|\b(?:monthly|annual|yearly)\s+fee\b|"
            r"\bprice\s+of\b|\bhow\s+much\s+(?:money|budget)\b"
        ),
        _re(rf"{_NUMBER}\s*(?:元|块|万元|万|千元)|[¥￥$]\s*\d|\d+\s*(?:yuan|rmb|usd|dollars?)\b"),
    ),
    FactKind(
        "rate",
        "具体比例或折扣",
        "the rate or discount",
        _re(
            r"几个点|几成|几折|打.{0,4}折|百分之几|比例是多少|比例多少|多大(?:的)?折扣|折扣(?:是)?多少|提成|佣金|返点|"
            r"让.{0,2}几|率是多少|率多少|\bcommission\b|\bhow\s+big\s+a\s+discount\b|\bdiscount\s+rate\b|"
            r"\bwhat(?:'s|\s+is)\s+the\s+\w*\s*rate\b|\bwhat\s+percent(?:age)?\s+discount\b"
        ),
        _re(rf"{_NUMBER}\s*(?:%|％|个点|折|成)|百分之"),
    ),
    FactKind(
        "date",
        "具体日期或时间",
        "the date or time",
        _re(
            r"哪天|哪一天|几号|几月|哪个月|什么时候(?:开|举办|发|截止)|几点(?:到|开|下班|上班)|几点到几点|"
            r"\bwhich\s+(?:month|day|date)\b|\bwhat\s+(?:date|day|time)\s+(?:does|is|do)\b|\bwhen\s+(?:does|is)\s+the\b"
        ),
        _re(rf"{_NUMBER}\s*(?:月|日|号|点|时)|\b(?:january|february|march|april|may|june|july|august|september|"
            r"october|november|december)\b|\d{{1,2}}:\d{{2}}"),
    ),
    FactKind(
        "duration",
        "具体时限",
        "the time limit",
        _re(
            r"多少小时|几个小时|几小时|多少天|几天|多长时间(?:内)?(?:回复|响应|答复)|多久(?:回复|响应)|"
            r"\bhow\s+many\s+(?:hours|days|minutes)\b|\bresponse\s+time\b|\bin\s+days\b|\bhow\s+long\b.*\b(?:respond|reply)"
        ),
        _re(rf"{_NUMBER}\s*(?:小时|天|日|分钟|个工作日|周|个月)|\d+\s*(?:hours?|days?|minutes?)\b"),
    ),
    FactKind(
        "quota",
        "具体数量或指标",
        "the number",
        _re(
            r"(?:每周|每月|每天|每年|每季度)(?:最少|至少|要|得)?.{0,6}(?:几|多少)|最少要.{0,6}(?:几|多少)|"
            r"多少分|几家|目标是多少|指标是多少|\bper\s+(?:week|month|day|quarter)\b|"
            r"\bhow\s+many\b.*\b(?:did\s+we|do\s+we|am\s+i|should\s+i|must\s+i|we)\b"
        ),
        _re(rf"{_NUMBER}\s*(?:家|次|个|分|人|户|项)|\d+"),
    ),
)

LIST_KIND = FactKind("list", "完整的清单", "the full list", _re(r"(?!)"), _re(r"(?!)"))

# "Last quarter", "this year": figures about the company's own period, never in a generic playbook.
_OWN_PERIOD = _re(
    r"上个?季度|这个?季度|本季度|下个?季度|上个?月|这个月|本月|去年|今年|明年|\blast\s+(?:year|quarter|month)\b|"
    r"\bthis\s+(?:year|quarter|month)\b|\bnext\s+(?:year|quarter|month)\b"
)
# "Which are the twelve methods, list them": a named list the playbook may name without spelling out.
_LIST_REQUEST = _re(
    rf"(?:具体|分别)?(?:是)?哪({_NUMBER})(?:个|种|条|步|项|大)|列(?:一下|出来|出)"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.、)）]|[（(]\d+[)）]|[①-⑳])\s*", re.MULTILINE)
_CN_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


# Nouns that name the fact asked for, to say which fact is missing ("没有写包月费的具体金额").
_SUBJECT = _re(
    r"包月费|月费|年费|资费|报价|价格|违约金|提成|佣金|返点|折扣|流失率|[\u4e00-\u9fff]{2}率|积分|绿色通道|"
    r"\b(?:monthly|annual|yearly)\s+fee\b|\bcommission(?:\s+rate)?\b|\bdiscount\b|\bpayment\s+term\b|"
    r"\bresponse\s+time\b|\bcontract\s+law\b"
)


@dataclass(frozen=True)
class AskedFact:
    """What a question asks for: its kind, the noun that names it ("包月费", "commission") and its period."""

    kind: FactKind
    subject: str = ""
    period: str = ""  # "上个季度", "last year": the company's own figures for a period

    @property
    def own_period(self) -> bool:
        """True for figures about a particular period, which a generic playbook never gives."""
        return bool(self.period)


def asked_fact(query: str) -> AskedFact | None:
    """The specific fact the question asks for, or None for a question about how, why or what in general."""
    for kind in KINDS:
        if kind.asks.search(query):
            subject = _SUBJECT.search(query)
            period = _OWN_PERIOD.search(query)
            return AskedFact(kind, subject.group(0) if subject else "", period.group(0) if period else "")
    return None


def states_fact(fact: AskedFact, text: str, terms: list[str], weights: dict[str, float]) -> bool:
    """True when a sentence of the passage holds a value of the asked kind and shares the question's topic.

    Figures about the company's own period ("last quarter") are never stated by a generic playbook.
    """
    if fact.own_period:
        return False
    topic = [term for term in terms if not fact.kind.asks.fullmatch(term)]
    total = sum(weights.get(term, 0.0) for term in topic) or 1.0
    for sentence in _sentences(text):
        if not fact.kind.states.search(sentence):
            continue
        lowered = normalize(sentence)
        overlap = sum(weights.get(term, 0.0) for term in topic if _contains(lowered, term)) / total
        if overlap >= 0.25:
            return True
    return False


def listed_count(query: str) -> int | None:
    """How many items a "which are the twelve …, list them" question asks to see, if it names a number."""
    match = _LIST_REQUEST.search(query)
    if not match or not match.group(1):
        return None
    return _to_int(match.group(1))


def spells_out(text: str, count: int) -> bool:
    """True when the passage lists at least `count` items (list lines, or items separated by 、)."""
    items = len(_LIST_ITEM.findall(text))
    commas = max((sentence.count("、") + 1 for sentence in _sentences(text)), default=0)
    return max(items, commas) >= count


def _to_int(number: str) -> int | None:
    if number.isdigit():
        return int(number)
    if number == "十":
        return 10
    if len(number) == 2 and number[0] == "十":
        return 10 + _CN_NUMBERS.get(number[1], 0)
    if len(number) == 2 and number[1] == "十":
        return 10 * _CN_NUMBERS.get(number[0], 1)
    if len(number) == 3 and number[1] == "十":
        return 10 * _CN_NUMBERS.get(number[0], 1) + _CN_NUMBERS.get(number[2], 0)
    return _CN_NUMBERS.get(number)


def _sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for line in text.splitlines():
        sentences += split_sentences(line) if line.strip() else []
    return sentences


def _contains(text: str, term: str) -> bool:
    if is_cjk(term):
        return term in text
    return re.search(rf"\b{re.escape(term)}", text) is not None
