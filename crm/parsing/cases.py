"""After-sales cases in a visit note: a complaint, an incident or a service question to handle.

"客户投诉上周的发货延迟了三天，很生气" -> complaint, high; "MES系统宕机了 紧急" -> incident, urgent;
"小周问发票怎么开" -> question, low. How a note is read (pure, deterministic):
1. The note is cut into topics as the opportunity reader cuts it; each topic is classified.
2. Type: an incident when something of ours is broken (宕机, 报错, 登不上, 对不上, "down", "error",
   "jamming"), even when the customer complains about it; else a complaint (投诉, 不满, 开错, 延迟,
   "complained", "late", "angry"); else a question (问…怎么/能不能/吗, "asked how/whether").
3. Priority, the highest trigger: urgent for an outage or stop (宕机, 紧急, 没法入住, "production is
   down", "urgent" not negated); high for anger or escalation (很生气, 升级到, "escalated",
   "very angry"); normal otherwise; a question is low.
4. Not a case: a price objection (嫌贵, 太贵, "too expensive") and a problem reported as closed
   (算结了, 已经解决, "no hard feelings", "fixed").
5. At most one case per type in a note (a complaint plus a question gives two).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from crm.parsing.objections import without_connective
from crm.parsing.opportunities import _topics

CaseType = Literal["complaint", "incident", "question"]
Priority = Literal["urgent", "high", "normal", "low"]
SUMMARY_CHARS = 40


class ProposedCase(BaseModel):
    """A case read from a note, for the rep to confirm: Save opens it."""

    type: CaseType
    priority: Priority
    summary: str = ""  # the words it was read from, shortened


_INCIDENT = re.compile(
    r"宕机|当机|瘫痪|崩溃|崩了|故障|报错|出错|登不上|登录不了|连不上|打不开|用不了|跑不下去|死机|卡死|卡纸|对不上|数据不对|停机|停线|停产|挂了|"
    r"\b(?:down|outage|crash\w*|errors?|can'?t connect|cannot connect|can'?t log ?in|not working|stopped working|"
    r"jamm\w*|broken|fail(?:s|ing|ed)?|bug|glitch\w*|wrong data|doesn'?t match)\b",
    re.IGNORECASE,
)
_COMPLAINT = re.compile(
    r"投诉|不满|抱怨|很生气|生气|发火|开错|重开|延迟|迟到|晚到|晚了|损坏|破损|坏了|漏发|错发|态度|换人|"
    r"\b(?:complain\w*|angry|furious|upset|unhappy|dissatisfied|late|delayed|damaged|never picks up|rude|wrong invoice)\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"问.{0,20}(?:怎么|如何|能不能|能否|可不可以|是否|是不是|有没有|吗|多久)|(?:怎么开|怎么用|怎么弄|能不能|能否|可不可以).{0,12}(?:吗|\?|？)?|"
    r"\basked (?:how|whether|if|about how|what|when)\b|\b(?:how (?:do|to|can) (?:they|we|i)|whether (?:our|the|it))\b",
    re.IGNORECASE,
)
_QUESTION_ASKER = re.compile(r"问|\basked\b|\bwant(?:s|ed)? to know\b", re.IGNORECASE)
_URGENT = re.compile(
    r"紧急|宕机|瘫痪|没法入住|无法入住|停产|停线|跑不下去|马上派人|全部停|"
    r"\b(?:urgent(?!ly)|production (?:is )?down|outage|down since|lost a whole shift|emergency|critical)\b",
    re.IGNORECASE,
)
_NOT_URGENT = re.compile(r"不急|不紧急|影响不大|\bnot urgent\b|\bno rush\b", re.IGNORECASE)
_HIGH = re.compile(
    r"很生气|非常生气|生气|发火|愤怒|很不满|非常不满|升级到|捅到|要换供应商|"
    r"\b(?:very angry|really angry|furious|escalat\w*|livid|threaten\w*)\b",
    re.IGNORECASE,
)
_PRICE_ONLY = re.compile(
    r"嫌贵|太贵|贵了|价格|报价|折扣|涨价|涨了|费用|\b(?:too expensive|pricey|prices?|pricing|discount|fees?|went up|increase)\b",
    re.IGNORECASE,
)
_CLOSED = re.compile(r"算结了|已经解决|已解决|解决了|没事了|修好了|\b(?:no hard feelings|resolved|fixed now|all good now|sorted out)\b", re.IGNORECASE)
_NOT_OURS = re.compile(r"友商|竞品|\b(?:their (?:current|old) vendor|competitor)\b", re.IGNORECASE)
_TYPE_WORDS = {"投诉": "complaint", "complaint": "complaint", "故障": "incident", "incident": "incident",
               "咨询": "question", "问题咨询": "question", "question": "question"}  # fmt: skip
_PRIORITY_WORDS = {"紧急": "urgent", "urgent": "urgent", "高": "high", "high": "high", "普通": "normal",
                   "normal": "normal", "低": "low", "low": "low"}  # fmt: skip


def find_cases(text: str, *, objections: list[str] | None = None, customer: str = "") -> list[ProposedCase]:
    """The cases a note asks us to handle, at most one per type; `customer` (as the note names it) does not
    open a summary ("Globex: their system went down…" is "their system went down…")."""
    if not text:
        return []
    found: dict[str, ProposedCase] = {}
    whole_urgent = bool(_URGENT.search(text)) and not _NOT_URGENT.search(text)
    topics = _topics(text)
    for number, (start, end) in enumerate(topics):
        topic = text[start:end]
        kind = classify(topic)
        if kind is None or kind in found:
            continue
        topic = _up_to_the_problem(topic, kind)
        for next_start, next_end in topics[number + 1 : number + 3]:  # "… picks up. Mr. Zhou was very angry"
            following = text[next_start:next_end]
            also = classify(following)
            if also not in (None, kind) or also is None and not _tells_severity(following):
                break  # another case, or the next step ("下周二再去一趟"), not this problem
            topic = f"{topic} {_up_to_the_problem(following, kind)}"  # the anger said next goes with it
        priority = _priority(topic, kind, whole_urgent=whole_urgent)
        summary = _summary(_without_opening_name(topic, customer))
        found[kind] = ProposedCase(type=kind, priority=priority, summary=summary)  # type: ignore[arg-type]
    return list(found.values())


def classify(text: str) -> str | None:
    """'incident', 'complaint', 'question', or None when the words ask for no handling."""
    if _CLOSED.search(text) or _NOT_OURS.search(text):
        return None
    if _INCIDENT.search(text):
        return "incident"
    complaint = _COMPLAINT.search(text)
    if complaint:
        if _PRICE_ONLY.search(text) and not re.search(r"投诉|开错|重开|延迟|损坏|\b(?:complain\w*|late|damaged)\b", text, re.IGNORECASE):
            return None  # 对价格很不满: a price objection, not a case
        return "complaint"
    if _QUESTION.search(text) and _QUESTION_ASKER.search(text):
        return "question"
    return None


def _tells_severity(text: str) -> bool:
    return bool(_HIGH.search(text) or _URGENT.search(text) and not _NOT_URGENT.search(text))


# What comes before the problem in a dictated note: the visit and who said it, and fillers.
_PREAMBLE = re.compile(
    r"^\s*(?:嗯+|呃+|那个|就是|然后|他说|她说|他们说|对方说|说)\s*[，,]?\s*$|去了|拜访|见了|见到|聊了|谈了|\b(?:visited|met|saw)\b",
    re.IGNORECASE,
)
_OTHER_MATTER = re.compile(r"合同|协议|到期|续约|续签|\b(?:contract|renewal|renew)\b", re.IGNORECASE)
# Clauses: split at commas and semicolons, and at the pauses of dictated Chinese ("见了张主任 他说 上次那个系统故障")
_CLAUSE_BREAK = re.compile(r"(?<=[，,;；])|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def _up_to_the_problem(topic: str, kind: str) -> str:
    """The topic from its first to its last clause that describes the problem or says how serious it is:
    "今天去了蓝海医药 见了张主任 上次那个系统故障 还没修好 很生气 明天给答复" → "上次那个系统故障 还没修好 很生气";
    "系统宕机他们很不满意，下周二下午三点再去一趟" → "系统宕机他们很不满意"."""
    clauses = [clause for clause in _CLAUSE_BREAK.split(topic) if clause]
    telling = [number for number, clause in enumerate(clauses) if classify(clause) == kind or _tells_severity(clause)]
    if not telling:
        return topic
    first = telling[0]
    while first > 0 and not _PREAMBLE.search(clauses[first - 1]) and not _OTHER_MATTER.search(clauses[first - 1]):
        first -= 1  # "产线的MES系统 宕机了": the subject stays; "合同明年3月到期" before it is another matter
    return "".join(clause if clause.endswith(("，", ",", ";", "；")) else f"{clause} " for clause in clauses[first : telling[-1] + 1]).strip()


def _priority(topic: str, kind: str, *, whole_urgent: bool) -> str:
    if kind == "question":
        return "low"
    if _URGENT.search(topic) and not _NOT_URGENT.search(topic):
        return "urgent"
    if kind == "incident" and whole_urgent:
        return "urgent"
    if _HIGH.search(topic):
        return "high"
    return "normal"


def explicit_case(words: str) -> tuple[str, str, str]:
    """`/case` words without the customer -> (type, priority, description); cues decide what is not said.

    "系统宕机 紧急" -> ("incident", "urgent", "系统宕机").
    """
    tokens = words.split()
    kind = priority = None
    kept = []
    for token in tokens:
        lower = token.lower()
        if lower in _TYPE_WORDS and kind is None:
            kind = _TYPE_WORDS[lower]
        elif lower in _PRIORITY_WORDS and priority is None:
            priority = _PRIORITY_WORDS[lower]
        else:
            kept.append(token)
    description = " ".join(kept).strip()
    kind = kind or classify(description) or "complaint"
    if priority is None:
        priority = _priority(description, kind, whole_urgent=False)
    return kind, priority, description


def _without_opening_name(topic: str, name: str) -> str:
    """The topic without the customer's name (and a colon or comma after it) at its start."""
    stripped = topic.lstrip(" ，,。")
    if name and stripped.casefold().startswith(name.casefold()):
        rest = re.sub(r"^(?:\s*[:：,，\-–—]\s*|\s+|那边|这边|的)?(?:反映|反馈|说)?", "", stripped[len(name) :])
        if len(rest.strip()) >= 4:
            return rest
    return topic


def _summary(topic: str) -> str:
    text = without_connective(re.sub(r"\s+", " ", topic).strip(" ，,。"))
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
