"""Opportunities in a visit note: budgets, planned purchases, expansions, tenders, seats to buy.

"预算大概200万，下季度要扩容" said in Nov 2026 -> 2000000 CNY closing 2027-03; "they plan to buy
500 seats in Q2, about $120k" -> 120000 USD closing in June. Money that is not new business (a
competitor's price, a discount asked, a price complaint, an amount paid, an invoice, a penalty,
past spend) proposes nothing.

How a note is read (pure, deterministic, well under a millisecond):
1. The note is cut into topics at 另外 / 另一个 / 还有 / "also" / "plus" and sentence ends, so a
   contract renewal and a new warehouse in one note are read apart. A topic gives at most one
   opportunity.
2. A topic is an opportunity when it holds a strong cue (预算, 采购, 扩容, 招标, 线索, budget,
   seats, tender, "plan to buy"…), or a weak cue (项目, 单子, deal, 总价…) with money or a stage
   word; not when it says there is no plan or need, nor for a plain renewal (续约, renewal).
3. Amounts come from `crm.parsing.amounts.locate_amounts`; an amount whose own clause says it is a
   competitor's price, a complaint, a payment, an invoice, a penalty or past spend is skipped.
4. The close month: periods read here (下季度, 明年Q2, 明年上半年, 年内, 3月底, "in Q3", "by June",
   next year), then dates from `crm.parsing.dates` (下个月, 昨天, "end of February"). A period maps
   to its last month; a month without a year is the next one not over yet. A contract's end date
   is not a close date unless the note ties the purchase to it (到时候想换); a won deal closes in the
   month it was won or signed.
5. The stage only when said (线索, 在比方案, 谈判阶段, 中标, 拿下了, 丢了, "lost to Oracle", …).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from pydantic import BaseModel

from crm.parsing.amounts import AmountSpan, locate_amounts
from crm.parsing.dates import DateMention, find_dates
from crm.parsing.numbers import parse_chinese_number

MINIMUM_AMOUNT = 1000  # below this, money is not a deal's value (有两块 is "two parts", not 2 yuan)


class ProposedOpportunity(BaseModel):
    """An opportunity read from a note, for the rep to confirm: Save creates it."""

    title: str
    amount: Decimal | None = None
    currency: str | None = None
    stage: str | None = None  # said in the note; None: the pipeline's first stage
    expected_close: date | None = None  # the last day of the expected close month
    lost_reason: str | None = None
    text: str = ""  # the words it was read from

    @property
    def close_month(self) -> str | None:
        """'2027-03', or None."""
        return f"{self.expected_close:%Y-%m}" if self.expected_close else None


def find_opportunities(
    text: str,
    *,
    now: datetime,
    amounts: Sequence[AmountSpan] | None = None,
    mentions: Sequence[DateMention] | None = None,
    skip: Sequence[tuple[int, int]] = (),
) -> list[ProposedOpportunity]:
    """The opportunities a note proposes. `amounts`/`mentions` may be passed when already found;
    `skip` spans (the customer's name) are left out of titles."""
    if not text:
        return []
    spans = list(amounts) if amounts is not None else locate_amounts(text)
    if mentions is None:
        mentions = find_dates(text, now=now, ignore=[(span.start, span.end) for span in spans])
    found = []
    topics = _topics(text)
    for start, end in topics:
        proposed = _read_topic(text, start, end, now=now, amounts=spans, mentions=mentions, skip=skip)
        if proposed is not None:
            found.append(proposed)
    if len(found) == 1 and found[0].stage is None:
        stage = stage_in(text)  # one opportunity: a stage said anywhere in the note is its stage
        if stage is not None and stage != "won":
            found[0] = found[0].model_copy(update={"stage": stage, "lost_reason": lost_reason_in(text) if stage == "lost" else None})
    return found


# topics ------------------------------------------------------------------------------------

_TOPIC_BREAK = re.compile(
    r"[。！？!?；;\n]|(?<!\bmr)(?<!\bms)(?<!\bmrs)(?<!\bdr)\.(?=\s|$)|"  # not the dot of "Mr. Zhou"
    r"(?=另外(?![一二两三四五六七八九几\d]+\s*[家个位种]))|(?=另一个|另一块|还有|此外|再就是)|"
    r"\b(?:also|plus|another thing|separately|on top of that)\b",
    re.IGNORECASE,
)


def _topics(text: str) -> list[tuple[int, int]]:
    topics, start = [], 0
    for match in _TOPIC_BREAK.finditer(text):
        if match.start() > start:
            topics.append((start, match.start()))
        start = max(start, match.end())
    if start < len(text):
        topics.append((start, len(text)))
    return [(s, e) for s, e in topics if text[s:e].strip()]


# cues --------------------------------------------------------------------------------------

_STRONG = re.compile(
    r"预算|采购(?![部处科员]|经理|总|主管|主任|负责人|[\u4e00-\u9fff](?:经理|总|工|主任))|招标|开标|投标|扩容|扩产|扩建|扩展|扩大|"
    r"二期|三期|新项目|新建|要建|新上|上一套|线索|中标|拿下|(?<!就)(?:想换|打算换|准备换)|"
    r"要上(?!门|次|周|个月|午)|想上|准备上|计划上|要加|想加|加购|增购|追加|加[一两二三四五六七八九十\d]+[条个台套]|下单|订购|"
    r"(?:(?:(?<=[\s，,。；;说讲还再也就都想又])|(?<=他们|客户|对方|老板))要|想要|想买|要买|要订|想订|再订|订)"
    r"[一两二三四五六七八九十百千\d]+(?:多)?(?:[台套件批部]|(?<!要一)个(?![月小星礼工半季周]))|"
    r"\b(?:budget|tender|rfp|bid|purchase|buy|buying|expan(?:d|sion)|seats?|licen[cs]es?|(?:a|an|new|hot|warm|good|solid|real|sales|qualified|strong|promising)\s+lead(?!\s+(?:time|engineer|architect|developer|designer|buyer|contact))|lead\s+from|"
    r"roll[- ]?out|upgrade to|switch(?:ing)? (?:to us|vendors|over)|replace their|add (?:the |a |an |another )?[\w-]+ (?:module|line|site|plant)|second (?:factory|plant|site|phase)|"
    r"new (?:line|site|plant|factory|warehouse|project)|won|deal|"
    r"(?:wants?|needs?|ordering|order|buy|buying|add|adding) (?:another |an extra )?\d+ (?:more |extra |additional |new )?"
    r"(?!(?:minutes?|hours?|days?|weeks?|months?|years?|percent|%)\b)[a-z]+s)\b",
    re.IGNORECASE,
)
_WEAK = re.compile(r"项目|单子|订单|系统|总价|金额|合同额|报价|\b(?:project|worth|order|proposal|contract value|our quote|we quoted)\b|"
    r"\bsign(?:s|ing)? (?:the |a |our )?(?:contract|deal|order|agreement|PO)\b", re.IGNORECASE)
_PRICE_COMPLAINT = re.compile(r"嫌贵|太贵|贵了|价格太高|报价太高|\b(?:too expensive|too high|too pricey|overpriced)\b", re.IGNORECASE)
_NO_NEED = re.compile(
    r"没有?(?:什么)?(?:新)?(?:需求|计划|预算|打算)|暂时没有|还没有具体|不需要|不采购|"
    r"\b(?:no (?:new )?(?:plans?|need|budget|demand)|nothing (?:new|actionable)|not (?:buying|interested))\b",
    re.IGNORECASE,
)
_RENEWAL = re.compile(r"续约|续签|续费|要续|想续|\brenew(?:al|ed|ing)?\b", re.IGNORECASE)
_LEAD_TIME = re.compile(r"\blead[- ]times?\b", re.IGNORECASE)

# Money that is not new business, judged on the amount's own clause.
_NOT_BUSINESS_BEFORE = re.compile(
    r"友商|竞争对手|对手|别家|人家|贵了?|便宜|降价?|打折|折扣|少了|多开|开错|违约金|罚款|罚|扣了?|已经付|付了|已付|付款|回款|到账|发票|"
    r"去年|上一期|之前那|以前|投入|花了|花费|涨了?|(?<!\bwe )(?<!\bwe've )\bquoted?\b|\b(?:competitor|cheaper|less|off|discount|paid|payment|invoice|"
    r"penalty|fine|deduct\w*|refund|last year|spent|spend|went up|increase[sd]?|raised|fees?|charge[sd]?|"
    r"used to pay|pays?|paying)\b",
    re.IGNORECASE,
)
_NOT_BUSINESS_AFTER = re.compile(
    r"^\s*(?:的)?(?:款|货款|发票|违约金|罚款|已经付|已付|付了|回款)|"
    r"^\s*(?:dollars?|euros?|rmb|yuan|usd|eur)?\s*(?:less|off|cheaper|invoice|penalty|fine|refund|in fees|was paid|were paid|has been paid)\b",
    re.IGNORECASE,
)


def _clause_bounds(text: str, start: int, end: int, lower: int, upper: int) -> tuple[int, int]:
    """The clause around [start, end): Chinese clauses end at spaces and punctuation; English ones
    at punctuation, or 7 words away."""
    english = not re.search(r"[\u4e00-\u9fff]", text[max(lower, start - 6) : min(upper, end + 6)])
    if english:
        left = text[lower:start]
        words = list(re.finditer(r"\S+", left))
        cut = max(left.rfind(mark) for mark in ",;:") + 1
        begin = lower + max(cut, words[-7].start() if len(words) >= 7 else 0)
        right = text[end:upper]
        words = list(re.finditer(r"\S+", right))
        marks = [position for position in (right.find(mark) for mark in ",;:") if position >= 0]
        finish = end + min(marks + ([words[3].start()] if len(words) > 3 else [len(right)]))
        return begin, finish
    separators = [lower + m.end() for m in re.finditer(r"[\s，,、。；;]", text[lower:start])]
    begin = separators[-1] if separators else lower
    after = re.search(r"[\s，,、。；;]", text[end:upper])
    return begin, (end + after.start()) if after else upper


def is_business_amount(text: str, span: AmountSpan, lower: int = 0, upper: int | None = None) -> bool:
    """Whether a money amount may be the value of new business (not a price said against us, a
    payment, an invoice, a penalty or past spend)."""
    upper = len(text) if upper is None else upper
    begin, finish = _clause_bounds(text, span.start, span.end, lower, upper)
    before, after = text[begin : span.start], text[span.end : finish]
    if _NOT_BUSINESS_BEFORE.search(before) or _NOT_BUSINESS_AFTER.search(after):
        return False
    return not re.search(r"已经付|付了|\bpaid\b|\binvoice\b", after, re.IGNORECASE)


# stages ------------------------------------------------------------------------------------

_STAGES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("lost", re.compile(
        r"丢了|丢单|输给了?|没拿下|没中标|落标|落选|(?<=项目|单子|订单|生意)(?:也|就|算是?)?黄了|被[^\s，,。]{1,8}?(?:抢了|抢走|截胡|拿走)|"
        r"\blost\s+(?:it\b|to\b|the\s+(?:[\w-]+\s+){0,3}?(?:deal|bid|tender|project|order|opportunity)\b|(?-i:[A-Z]))|"
        r"\b(?:deal|bid|tender|project|opportunity)\s+(?:was\s+|is\s+)?lost\b|\bwent with (?:the |a |another )?(?:cheaper|other|competitor)|"
        r"\b(?:deal|bid|tender|project|opportunity|order)\s+(?:fell through|is off|is dead|died)\b|"
        r"\b(?:went|go|going) with (?-i:[A-Z])\w+ instead\b|\b(?:went|decided to go) with (?-i:[A-Z])\w+\b(?=[^.;]{0,40}\b(?:because|due to|on price|cheaper)\b)",
        re.IGNORECASE)),
    ("won", re.compile(r"中标|拿下了?|赢单|赢了|成交了|\b(?:won|closed the deal)\b", re.IGNORECASE)),
    ("negotiation", re.compile(r"谈判|在谈(?:合同)?条款|谈合同|\bnegotiat\w*", re.IGNORECASE)),
    ("proposal", re.compile(r"比方案|方案阶段|报价阶段|在比价|\b(?:sent (?:them |him |her )?(?:the |a |our )?proposal|proposal stage|evaluating proposals)\b", re.IGNORECASE)),
    ("qualified", re.compile(r"需求已?确认|已确认需求|\bqualified\b", re.IGNORECASE)),
    ("lead", re.compile(r"线索|\b(?:just a lead|a lead|new lead)\b", re.IGNORECASE)),
)  # fmt: skip
_SIGNED = re.compile(r"签了|签的|已签|签下|签约了|\bsigned\b", re.IGNORECASE)


def stage_in(text: str, *, has_amount: bool = False) -> str | None:
    """The pipeline stage the words say (lost before won before negotiation …), or None.

    A signing (签了, "signed") means won only with a deal's amount (`has_amount`).
    """
    cleaned = _LEAD_TIME.sub(" ", text)
    for stage, pattern in _STAGES:
        if pattern.search(cleaned):
            return stage
    if has_amount and _SIGNED.search(cleaned):
        return "won"
    return None


def lost_reason_in(text: str) -> str | None:
    """Why a deal was lost, in the note's words: "to Oracle on price", "输给了友商"."""
    if match := re.search(r"\blost\b(?:\s+(?:it|the\s+(?:[\w-]+\s+){0,3}?(?:deal|bid|tender|project|order|opportunity)|the\s+\w+(?:\s+deal)?|(?-i:[A-Z][\w&.-]*(?:\s+(?-i:[A-Z])[\w&.-]*)*)))?\s+(to\b[^,.;]{0,60})", text, re.I):
        return match.group(1).strip()
    if match := re.search(r"(?:输给了?|丢给了?)([^\s，,。；;]{1,20})|被([^\s，,。；;]{1,8}?)(?:抢了|抢走|截胡|拿走)", text):
        reason = match.group(0)
        after = re.search(r"(?:因为|主要是|价格|便宜|太贵)[^\s，,。；;]{0,20}", text[match.end() :])
        return reason + (" " + after.group(0) if after else "")
    if match := re.search(r"\b(?:went|decided to go) with ((?-i:[A-Z])\w+)(?:[^.;]{0,40}?\b((?:because(?: of)?|on|due to)\s+(?:the\s+)?(?:price|cost|features?|timing|budget)))?", text, re.I):
        return " ".join(part for part in ("to " + match.group(1), match.group(2)) if part)
    if match := re.search(r"\b(?:because(?: of)?|on|due to)\s+(?:the\s+)?(price|cost|features?|timing|budget)\b", text, re.I):
        return match.group(0).strip()
    return None


# close dates -------------------------------------------------------------------------------

_ZH_DIGIT = "一二两三四五六七八九十"
_MONTH_EN = {name: number for number, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}  # fmt: skip
_MONTH_EN.update({name[:3]: number for name, number in list(_MONTH_EN.items())})
_MONTH_EN["sept"] = 9


class _Period(NamedTuple):
    start: int
    end: int
    month: date  # the first day of the close month
    past: bool = False


_PERIOD = re.compile(
    r"(?P<zyear>明年|今年|后年)?\s*(?:"
    r"(?P<zq>(?:第)?[一二三四1-4])季度|Q(?P<zq2>[1-4])(?![0-9])|(?P<zrel>下个?|本|这个?)季度|"
    r"(?P<zhalf>[上下])半年|(?P<zmonth>(?:十[一二]?|[一二三四五六七八九]|1[0-2]|[1-9]))月(?:份|底|末|初|中旬?|下旬|前)?(?![0-9一二三四五六七八九十]+[号日])|"
    r"(?P<zyearend>年底|年末|(?<!半)年内|底前)|(?P<zmid>年中)|(?P<zearly>年初))"
    r"|(?P<zhalfwithin>半年内|半年之内)|(?P<zafternext>下下个?月)"
    r"|(?P<zyearalone>明年|后年)"
    r"|(?i:\b(?:(?P<eyear>next year'?s?|this year'?s?)\s+)?(?:"
    r"Q(?P<eq>[1-4])(?:\s+(?P<eqyear>20\d\d|next year|this year))?\b|"
    r"(?P<eqrel>next|this|the current|end of (?:the |this )?)\s+quarter\b|"
    r"(?P<eqword>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+of\s+(?P<eqwyear>next year|this year|20\d\d))?\b|"
    r"(?P<ehalf>first|second)\s+half(?:\s+of\s+(?P<ehyear>next year|this year|20\d\d))?\b|"
    r"H(?P<eh>[12])\b|"
    r"(?P<eyearend>(?:by |before |end of |until )?(?:the )?(?:year[- ]end|end of (?:the |this )?year))\b|"
    r"(?P<eearly>(?:early|beginning of|start of) (?:next|this) year)\b|"
    r"(?P<enextyear>next year|this year)\b))"
    r"|\b(?:in|by|before|until|around|early|late|mid|end of|during|for|from)[- ](?P<emonth>(?-i:(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*|May))\b(?:\s+(?P<emyear>20\d\d))?"
)


def _add_months(first: date, count: int) -> date:
    index = first.month - 1 + count
    return date(first.year + index // 12, index % 12 + 1, 1)


def _end_of_quarter(year: int, quarter: int) -> date:
    return date(year, quarter * 3, 1)


def _next_not_over(month: int, today: date) -> int:
    """The year of `month` that is not over yet (the current month counts)."""
    return today.year if month >= today.month else today.year + 1


def _year_of(word: str | None, today: date) -> int | None:
    if not word:
        return None
    word = word.lower()
    if word.startswith(("明年", "next year")):
        return today.year + 1
    if word.startswith("后年"):
        return today.year + 2
    if word.startswith(("今年", "this year")):
        return today.year
    if word.isdigit():
        return int(word)
    return None


def _periods(text: str, start: int, end: int, today: date) -> list[_Period]:
    """Quarters, halves, years and months in text[start:end], each as its close month."""
    found = []
    quarter_now = (today.month - 1) // 3 + 1
    for match in _PERIOD.finditer(text, start, end):
        groups = match.groupdict()
        year = _year_of(groups["zyear"] or groups["eyear"] or groups["eqyear"] or groups["eqwyear"]
                        or groups["ehyear"] or groups["emyear"], today)  # fmt: skip
        month: date | None = None
        quarter = None
        if groups["zq"] or groups["zq2"] or groups["eq"] or groups["eqword"]:
            raw = (groups["zq"] or groups["zq2"] or groups["eq"] or groups["eqword"]).lstrip("第")
            quarter = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}.get(
                raw.lower(), None) or int(parse_chinese_number(raw) or 0)  # fmt: skip
        elif groups["zrel"] or groups["eqrel"]:
            relative = (groups["zrel"] or groups["eqrel"]).lower()
            quarter_index = quarter_now + (1 if relative.startswith(("下", "next")) else 0)
            year = today.year + (quarter_index - 1) // 4
            quarter = (quarter_index - 1) % 4 + 1
        elif groups["eh"]:
            quarter = 2 if groups["eh"] == "1" else 4
        if quarter:
            if not 1 <= quarter <= 4:
                continue
            if year is None:
                year = today.year if quarter >= quarter_now else today.year + 1
            month = _end_of_quarter(year, quarter)
        elif groups["zhalf"] or groups["ehalf"]:
            first = (groups["zhalf"] or groups["ehalf"]) in ("上", "first")
            if year is None:
                year = today.year if (not first or today.month <= 6) else today.year + 1
            month = date(year, 6 if first else 12, 1)
        elif groups["zmonth"]:
            number = int(parse_chinese_number(groups["zmonth"]) or 0)
            if not 1 <= number <= 12:
                continue
            month = date(year or _next_not_over(number, today), number, 1)
        elif groups["emonth"]:
            number = _MONTH_EN.get(groups["emonth"].lower()[:4].rstrip("t") if groups["emonth"].lower().startswith("sept") else groups["emonth"].lower()[:3])
            if number is None:
                continue
            month = date(year or _next_not_over(number, today), number, 1)
        elif groups["zmid"]:
            month = date(year or (today.year if today.month <= 6 else today.year + 1), 6, 1)
        elif groups["zearly"] or groups["eearly"]:
            early_year = year or _year_of(groups["eearly"].split()[-2] + " year" if groups["eearly"] else None, today)
            month = date(early_year or (today.year if today.month <= 3 else today.year + 1), 3, 1)
        elif groups["zhalfwithin"]:
            month = _add_months(today.replace(day=1), 6)
        elif groups["zafternext"]:
            month = _add_months(today.replace(day=1), 2)
        elif groups["zyearend"] or groups["eyearend"]:
            month = date(year or today.year, 12, 1)
        elif groups["zyearalone"]:
            month = date(_year_of(groups["zyearalone"], today) or today.year + 1, 12, 1)
        elif groups["enextyear"]:
            month = date(_year_of(groups["enextyear"], today) or today.year + 1, 12, 1)
        if month is not None:
            found.append(_Period(match.start(), match.end(), month, past=month < today.replace(day=1)))
    return found


_CONTRACT_END = re.compile(
    r"到期|过期|合同.{0,6}(?:结束|截止)|\b(?:expir\w*|runs? out)\b|"
    r"\b(?:contract|agreement|licen[cs]e|subscription)\b[^.;]{0,30}\b(?:ends?|ending|through|until)\b",
    re.IGNORECASE,
)
_TIED_TO_END = re.compile(r"到时候|到期后|届时|\b(?:then|when it ends|once it ends|after it expires|switch\w*|replace)\b", re.IGNORECASE)
# "they will sign the contract end of January": a signing planned for a day, not a contract's end
PLANNED_SIGNING = re.compile(
    r"\b(?:will|to|gonna|going to|plans? to|expects? to|should|would|ready to)\s+sign\b|\bsigning\b", re.IGNORECASE
)
_FOLLOWUP_WORDS = re.compile(r"再约|约个|约了|拜访|回访|跟进|交流|演示|开会|见面|电话|\b(?:follow[- ]?up|call|meet|meeting|demo|visit|send)\b", re.IGNORECASE)
_CLOSE_WORDS = re.compile(r"签|定|招标|开标|下单|采购|上线|\b(?:close|decision|decide|sign|order|buy|purchase|award)\w*", re.IGNORECASE)


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _close_date(
    text: str, start: int, end: int, *, now: datetime, mentions: Sequence[DateMention], won: bool
) -> date | None:
    today = now.date()
    candidates: list[tuple[int, int, date, bool]] = [(p.start, p.end, p.month, p.past) for p in _periods(text, start, end, today)]
    for mention in mentions:
        if not start <= mention.start < end or mention.day is None or mention.granularity == "time":
            continue
        if any(s < mention.end and mention.start < e for s, e, _, _ in candidates):
            continue
        day = mention.day
        if mention.rule.endswith("week_window") and mention.past:
            day = today - timedelta(days=7)  # 上周签的 / "signed last week": that week
        candidates.append((mention.start, mention.end, day.replace(day=1), mention.past or day <= today))
    candidates.sort(key=lambda candidate: (candidate[3], candidate[0]))
    tied = bool(_TIED_TO_END.search(text[start:end]))
    usable = []
    for cand_start, cand_end, month, past in candidates:
        begin, finish = _clause_bounds(text, cand_start, cand_end, start, end)
        clause = text[begin:finish]
        if _CONTRACT_END.search(clause) and not tied and not PLANNED_SIGNING.search(clause):
            continue  # 合同3月15号到期: when the contract ends, not when this deal closes
        if _FOLLOWUP_WORDS.search(clause) and not _CLOSE_WORDS.search(clause):
            continue  # 下周三再约: the next meeting
        usable.append((month, past, bool(_CLOSE_WORDS.search(clause))))
    usable.sort(key=lambda candidate: not candidate[2])  # 明年有个项目 三月份招标: the tender's month, not 明年
    if won:
        for month, past, _ in usable:
            if past:
                return _month_end(month)
        return _month_end(usable[0][0]) if usable else None
    for month, past, _ in usable:
        if not past:
            return _month_end(month)
    return None


# titles ------------------------------------------------------------------------------------

_TITLE_NOISE_ZH = re.compile(
    r"^(?:他们|她们|我们|对方|客户|他|她|说|那边|这边|那个|这个|就是|主要是|目前|现在|后面|还有|另外|另一个是|一个是|已经|可能|大概|预计|计划|准备|打算|要|想|万一|怕|有个|有一个|的)+"
)
_TITLE_TAIL_ZH = re.compile(r"(?:的事|这块|那块|阶段了|了|的|到|已经)+$")
_TITLE_CUES_ZH = re.compile(r"项目|系统|平台|单子|二期|三期|扩容|扩产|扩建|升级|改造|建设|采购|招标|开标|投标|要上|想上|想换|要换|加|授权|门禁|停车|新")


# A clause that only names someone (李总, 王经理说, 采购部李总): never a deal's title while another clause is left
_A_PERSON_ZH = re.compile(r"(?:[\u4e00-\u9fff]{0,4}的)?[\u4e00-\u9fff]{0,3}?[\u4e00-\u9fff](?:总|经理|工|主任|处长|科长|部长|总监|老师|姐|哥)(?:说(?:他们|她们|对方)?)?")


_DANGLING_EN = {"for", "of", "on", "to", "is", "are", "was", "were", "at", "with", "and", "from", "this", "next"}


def _title_rank_zh(clause: str) -> tuple[bool, int, bool, int]:
    """Best first: not only a person; a cue without 预算, a cue with it, 预算 alone, anything else; longer."""
    cue, budget = bool(_TITLE_CUES_ZH.search(clause)), "预算" in clause
    tier = (1 if budget else 0) if cue else (2 if budget else 3)
    return bool(_A_PERSON_ZH.fullmatch(clause)), tier, len(clause) <= 2, -len(clause)


def _title(text: str, start: int, end: int, amounts: Sequence[AmountSpan], periods: list[tuple[int, int]],
           skip: Sequence[tuple[int, int]]) -> str:  # fmt: skip
    chars = list(text[start:end])
    for span_start, span_end in [*((a.start, a.end) for a in amounts), *periods, *skip]:
        for position in range(max(span_start, start), min(span_end, end)):
            chars[position - start] = " "
    topic = "".join(chars)
    if re.search(r"[\u4e00-\u9fff]", topic):
        clauses = [clause for clause in re.split(r"[\s，,、。；;]+", topic) if clause]
        ranked = sorted(clauses, key=_title_rank_zh)
        for clause in ranked:
            for _, pattern in _STAGES:
                clause = pattern.sub("", clause)
            clause = re.sub(r"(?:已经)?到.{0,2}$|大概|左右|金额|总价", "", clause)
            clause = _TITLE_TAIL_ZH.sub("", _TITLE_NOISE_ZH.sub("", clause)).strip()
            if len(clause) >= 2:
                return clause[:20]
        return ""
    cue = _STRONG.search(topic) or _WEAK.search(topic)
    if cue is None:
        return ""
    of = re.match(r"\s+((?:of|for|on)\s+(?:the\s+|our\s+)?(?:(?!budget|about|around|roughly|by|in|next|this|and)[\w-]+\s*){1,3})",
                  topic[cue.end() :], re.IGNORECASE)  # fmt: skip
    if counted := re.match(r"(?:wants?|needs?|ordering|order|buy|buying|add|adding) (?:another |an extra )?(\d+ .+)", cue.group(), re.I):
        title = " ".join(f"{counted.group(1)} {of.group(1) if of else ''}".split())  # "wants 30 more tablets": "30 more tablets"
        return title if len(title) <= 40 else title[:40].rsplit(" ", 1)[0]
    if cue.group().lower().startswith(("seat", "licen")):  # "add 50 seats of the Pro plan" → "50 seats of the Pro plan"
        count = re.search(r"\b\d[\d,.]*\s+(?:(?:more|extra|additional|new)\s+)?$", topic[: cue.start()])
        if count and of:
            title = " ".join(f"{count.group()} {cue.group()} {of.group(1)}".split())
            return title if len(title) <= 40 else title[:40].rsplit(" ", 1)[0]
        if count:
            return f"{count.group().strip()} {cue.group()}"  # "decision end of Q1, ~200 seats" → "200 seats"
        before = re.findall(r"[\w-]+", topic[max(0, cue.start() - 30) : cue.start()])
        before = [word for word in before if word.lower() not in ("the", "a", "an", "of", "buy", "add", "need", "want", "about")]
        return " ".join([*before[-3:], cue.group()])[:40]
    if match := re.search(r"\bfor (?:the |a |an |their )?(?!about\b|around\b|roughly\b)((?:[\w-]+ ){0,3}[\w-]+)", topic):
        words = match.group(1)
        words = re.split(r"\s+(?:want|wants|is|are|was|they|expect|decision|in|by|requirements|last|next|so)\b", words)[0]
        if len(words) > 2:
            return words.strip()[:40]
    window = re.split(r"\s*[,;]|\s{2,}|\s(?:in|by|about|around|roughly|decision|they|want|wants|expect)\b", topic[cue.start() : cue.start() + 60])[0]
    words = [w for w in re.split(r"\s+", window) if w and not re.fullmatch(r"(?:um+|uh+|of|the|a|an)", w, re.I)][:5]
    while len(words) > 1 and words[-1].lower() in _DANGLING_EN:
        words.pop()  # "Budget for next year": the period is left out, and so is its "for"
    return " ".join(words).strip(" ,.")[:40]


# one topic ---------------------------------------------------------------------------------


def _blanked(topic: str, start: int, spans: Sequence[tuple[int, int]]) -> str:
    """`topic` (at `start` in the note) with the `spans` (the customer, the people) blanked out."""
    chars = list(topic)
    for span_start, span_end in spans:
        for position in range(max(span_start, start), min(span_end, start + len(topic))):
            chars[position - start] = " "
    return "".join(chars)


def _read_topic(
    text: str, start: int, end: int, *, now: datetime, amounts: Sequence[AmountSpan],
    mentions: Sequence[DateMention], skip: Sequence[tuple[int, int]],
) -> ProposedOpportunity | None:  # fmt: skip
    topic = text[start:end]
    money = [span for span in amounts if start <= span.start < end and span.amount.kind == "money"]
    business = [span for span in money if span.amount.value >= MINIMUM_AMOUNT and is_business_amount(text, span, start, end)]
    cleaned = _LEAD_TIME.sub(" ", _blanked(topic, start, skip))  # 采购王磊说: a person of 采购, no purchase
    strong = _STRONG.search(cleaned)
    stage = stage_in(topic, has_amount=bool(business))
    if _NO_NEED.search(topic) and not business:
        return None
    if strong is None:
        closed_deal = stage in ("lost", "won") and _WEAK.search(topic)  # 项目输给了华为: a lost deal, amount or not
        if not (closed_deal or (business and (_WEAK.search(topic) or stage))) or _PRICE_COMPLAINT.search(topic):
            return None
    if _RENEWAL.search(topic) and not re.search(r"加|扩|增|新|\b(?:add|more|extra|expand|upgrade|new)\b", topic, re.I):
        return None  # a plain renewal is a contract item, not new business
    if money and not business and not (strong and strong.group().lower() not in ("deal", "won")):
        return None  # every amount said is a price against us, a payment or past spend
    amount = business[0].amount if business else None
    won = stage == "won"
    close = _close_date(text, start, end, now=now, mentions=mentions, won=won)
    periods = [(p.start, p.end) for p in _periods(text, start, end, now.date())]
    periods += [(m.start, m.end) for m in mentions if start <= m.start < end]
    title = _title(text, start, end, amounts, periods, skip)
    return ProposedOpportunity(
        title=title,
        amount=amount.value if amount else None,
        currency=amount.currency if amount else None,
        stage=stage,
        expected_close=close,
        lost_reason=lost_reason_in(topic) if stage == "lost" else None,
        text=topic.strip()[:200],
    )
