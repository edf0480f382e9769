"""Shared cues about what a message is doing: asking, asking how to handle something, reporting."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crm.customers import CustomerRepository
    from crm.parsing.matching import CustomerMatch

_QUESTION_END = re.compile(r"(?:[?？]|吗|呢|么|怎么样|怎么办|如何|咋样|咋办|多少|哪些|哪家|哪个|是谁|几[种类个项倍])[\s。.!！~]*$")
_QUESTION_START = re.compile(
    r"^\s*(?:怎么|怎样|如何|为什么|为啥|哪些|哪个|哪家|谁|什么|是否|有没有|能不能|可不可以|请问|"
    r"(?:how|what|which|who|when|where|why|is|are|do|does|did|can|could|should|any)\b)",
    re.IGNORECASE,
)
_HOW_TO_HANDLE = re.compile(
    r"怎么办|咋办|怎么(?:应对|回应|处理|回答|说|做|跟进|谈)|如何(?:应对|回应|处理|回答|说服|做)|怎样(?:应对|处理|回应|提高|做)|"
    r"应该怎么|该怎么|有什么(?:办法|技巧|方法)|"
    r"\bhow (?:do|should|can|could) (?:i|we) (?:handle|respond|deal|answer|reply|counter|convince|raise|keep|win)|"
    r"\bhow to\b|\bwhat should (?:i|we) (?:say|do)\b|\bwhy (?:not|shouldn't)\b",
    re.IGNORECASE,
)

# "客户拜访记录表模板发我一份", "send me the visit report template": a request for a form, which the playbook answers
_ASKS_FOR_A_FORM = re.compile(
    r"(?:模板|模版|范本|样表|表格)[^。？?，,]{0,6}(?:发我|发给我|给我|传我|有吗|有没有|在哪)|"
    r"(?:发我|发给我|给我发|传我|要一份|来一份)[^。？?]{0,16}(?:模板|模版|范本|样表|表格|表)|"
    r"\b(?:send|share|give|email|forward)\s+me\b[^.?!]{0,40}\b(?:template|form|spreadsheet|checklist)\b",
    re.IGNORECASE,
)


# "提醒我…", "别忘了…", "remind me…", the time maybe first ("今天上午9点提醒我…", "tomorrow at 3pm remind me to…");
# not "王总提醒我们…" (what someone reminded us of, in a visit report).
_TIME_FIRST_ZH = r"[\s今明后大天早上中下晚午夜凌晨点點钟鐘半刻分号號日月周週星期礼禮拜一二三四五六七八九十零两兩这這本个個\d:：]{0,14}?"
_TIME_FIRST_EN = (
    r"(?:(?:today|tomorrow|tonight|this|next|on|at|in|the|morning|afternoon|evening|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?|noon)[\s,]+){0,5}"
)
_REMINDER_REQUEST = re.compile(
    rf"^\s*{_TIME_FIRST_ZH}(?:请|麻烦)?(?:帮我)?(?:提醒我(?!们)|提醒一下|别忘了|不要忘了|记得提醒)"
    rf"|^\s*{_TIME_FIRST_EN}(?:please\s+)?(?:remind me|don'?t forget|do not forget|set a reminder)\b",
    re.IGNORECASE,
)


def asks_for_a_reminder(text: str) -> bool:
    """True for a request to be reminded of something (the followups skill's)."""
    return _REMINDER_REQUEST.search(text) is not None


def asks_for_a_form(text: str) -> bool:
    """Asks for a template or a form ("拜访记录表模板发我一份"): the playbook says what it holds, or that it has none."""
    return bool(_ASKS_FOR_A_FORM.search(text))


def is_question(text: str) -> bool:
    """Asks rather than reports: a question mark or particle at the end, or a question word first."""
    return bool(_QUESTION_END.search(text) or _QUESTION_START.search(text) or "?" in text or "？" in text)


def asks_how_to_handle(text: str) -> bool:
    """Asks for advice ("客户嫌贵怎么办", "how do I handle…"), which the playbook answers."""
    return bool(_HOW_TO_HANDLE.search(text))


# "华信科技的合同", "远大物流的合同什么时候到期", "open cases for Acme?": one customer's records asked for; not a
# note that mentions them ("远大物流陈总说合同明年3月到期") nor a request to be reminded
_ASKING_WORDS = re.compile(
    r"什么时候|啥时候|哪天|何时|几号|多久|有没有|有哪些|哪些|是不是|多少|查一下|看看|看一下|列一下|"
    r"\b(?:when|which|what|any|show|list|how many)\b",
    re.IGNORECASE,
)
_REPORTING_WORDS = re.compile(
    r"说|讲|聊|谈|见了|拜访|去了|反映|反馈|提到|答应|要求|提醒|\b(?:said|says|told|met|visited|mentioned|asked|wants?|remind)\b",
    re.IGNORECASE,
)
# What may stand beside the customer's name and the record word in a request that is only a name: 华信科技的工单,
# "Acme's open cases", 远大物流合同列表
_RECORD_FILLER = re.compile(
    r"的|'s|’s|[?？\s.。,，]|列表|清单|情况|问题|未结|未处理|没处理|全部|所有|目前|现在|\b(?:open|all|my|current|the|for|of|list|please)\b",
    re.IGNORECASE,
)
# …and what a question about those records may add: 什么时候到期, 还有没有, "when does … expire", "any open"
_ABOUT_THE_RECORDS = re.compile(
    r"到期|结束|截止|续约|续签|快|了|是|还|处理|解决|完|几个|多少个|个|条|份|呢|吗|么|状态|进度|没有|有|"
    r"\b(?:dates?|ends?|ending|expir\w*|renew\w*|due|status|are|is|does|do|there|any|left|still|open|up for renewal)\b",
    re.IGNORECASE,
)
RECORD_ASK_LEFT = 3  # characters left over that still ask for the records (a stray word or sign)


def asks_for_records(text: str, said: str, record_words: re.Pattern[str]) -> bool:
    """True when `text` asks for one customer's records of the kind `record_words` names; `said` is how
    the customer was named in it."""
    rest = text.replace(said, " ", 1) if said else text
    if not record_words.search(rest) or _REPORTING_WORDS.search(rest) or asks_for_a_reminder(text) or asks_how_to_handle(text):
        return False
    rest = record_words.sub(" ", rest)
    if not _RECORD_FILLER.sub("", rest):
        return True
    if not (is_question(text) or _ASKING_WORDS.search(rest)):
        return False
    return len(_RECORD_FILLER.sub("", _ABOUT_THE_RECORDS.sub(" ", _ASKING_WORDS.sub(" ", rest)))) <= RECORD_ASK_LEFT


RECORD_ASK_CHARS = 60  # longer messages are notes or questions of their own, not a look-up


def customer_asked_about(text: str, customers: CustomerRepository, record_words: re.Pattern[str]) -> CustomerMatch | None:
    """The customer (named surely) whose records of the kind `record_words` names `text` asks for, or None."""
    text = text.strip()
    if not record_words.search(text) or len(text) > RECORD_ASK_CHARS:
        return None
    found = customers.match(text)
    if found is None or found.status != "auto" or found.customer is None or found.customer.id is None:
        return None
    return found if asks_for_records(text, found.said, record_words) else None
