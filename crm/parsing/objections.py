"""Customer objections in a note, one per clause and category, with the amount said with them.

Clauses are matched against keyword patterns per category; a keyword preceded by a negation
(没有异议, "no objections", 没问题) does not count, and positive remarks (关系不错, 续约意向明确) have no
keywords. A discount asked for (打八五折, "10% off") is a price objection even without a keyword.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from crm.parsing.amounts import Amount, AmountSpan
from crm.parsing.dates import simplified

ObjectionCategory = Literal[
    "price", "competitor", "delivery", "quality", "security", "payment", "complexity", "industry_fit",
    "budget", "other",
]  # fmt: skip

# Order matters only for ties in `primary_category`; every matching category is reported.
CATEGORY_PATTERNS: dict[str, re.Pattern[str]] = {
    "budget": re.compile(
        r"没(?:有)?预算|预算(?:不够|不足|紧张?|有限|很少|被砍|砍了|冻结|没了|用完|已经用完|超了|不多)|没钱|资金紧张|经费不足|"
        r"(?:预算|budget|钱).{0,8}?(?:花完|用完|用光|花光|砍|削减|压缩|冻结|没了|超支)|预算(?:还)?没(?:批|下来|到位|定)|"
        r"\bbudget (?:isn't|is not|hasn't been|has not been|won't be|not) (?:\w+ )?(?:signed off|approved|released|confirmed|available)\b|"
        r"\bno budget\b|budget (?:is |was |has been |got |gets )?(?:\w+ )?(?:cut|frozen|freeze|constraints?|tight|limited|exhausted|gone|"
        r"slashed|halved|spent|used up|reduced|squeezed)|"
        r"(?:can't|cannot|can not) afford|out of budget|over (?:\w+ )?budget|that kind of money|"
        r"预算.{0,6}?(?:批不下来?|批不了|下不来|难批|不好批|不一定(?:能)?批|未必(?:能)?批)|"
        r"\bbudget (?:may|might|could) not (?:be |get )?(?:approved|signed off|released)\b|"
        r"拿不出(?:钱|预算)|冇钱|(?:钱|预算).{0,16}?排不上|预算.{0,3}?(?:卡得?(?:很|挺|比较|太)?紧|吃紧)|"
        r"\bbudget\b[^.;]{0,25}?\b(?:exhausted|used up|run out|ran out|all spent)\b|"
        r"\b(?:froze|freezes|freezing|frozen)\s+(?:the\s+|all\s+)?(?:capex|budgets?|spend(?:ing)?)\b",
        re.IGNORECASE,
    ),
    "price": re.compile(
        r"贵(?![公司方单位行院校宾姓])|价格(?:太|偏|过|比较|有点)?高|报价(?:太|偏|过|比较|有点)?高|价(?:格|钱)(?:上)?(?:没|不)?(?:有)?优势|"
        r"嫌.{0,4}(?:价|贵)|压价|砍价|降价|打折|折扣|优惠|便宜|性价比|成本(?:太|偏)高|比我们(?:低|少)|(?:不能|不许|不让)涨|"
        r"(?:报价|价格)比.{0,10}?(?:高|贵)|价格下不来|"
        r"\bexpensive\b|\bpricey\b|\bpric(?:e|ing) (?:is |was )?(?:too )?(?:high|steep)|too much money|"
        r"\bdiscount|\bcheaper\b|\boverpriced\b|\bcost(?:s)? (?:is |are )?too\b|price (?:objection|concern|pushback)|"
        r"\btoo steep\b|\b(?:price|pricing|fees?|costs?|quote|rates?)\b[^.;]{0,20}?\btoo (?:high|much|expensive)\b",
        re.IGNORECASE,
    ),
    "competitor": re.compile(
        r"竞争对手|竞品|友商|对手|别家|其他(?:厂商|供应商|家)|另一家|同行|在用.{0,6}(?:的|家)(?:产品|系统)|"
        r"(?:没有|没|不|冇得|冇)(?:什么)?(?:换|更换)的?(?:打算|想法|计划)|不(?:想|打算|准备)换|比我们(?:低|便宜|少)|"
        r"\balready (?:pay|pays|paying|use|uses|using) (?-i:[A-Z])|\balready (?:does|do|covers?|handles?) (?:everything|all|what)|"
        r"\bcompetitors?\b|\brivals?\b|\bother vendors?\b|\banother (?:[\w-]+ ){0,2}vendor\b|\balternatives?\b|"
        r"\b(?:current|existing|incumbent) (?:[\w-]+ ){0,3}(?:vendor|provider|supplier)\b|\btied in with\b|\blocked in(?:to)? (?:with|a)\b|"
        r"\b(?:salesforce|sap|oracle|microsoft|huawei|alibaba|tencent)\b|"
        r"\b(?:happy|content|satisfied) with (?:the |their )?(?:incumbent|current (?:vendor|supplier|provider|system))\b",
        re.IGNORECASE,
    ),
    "delivery": re.compile(
        r"交付|交货|交期|到货|发货|工期|周期(?:太|过|比较)?长|上线(?:时间|太慢|慢)|实施(?:周期|太慢|时间|期)|延期|延迟|拖延|赶不上|来不及|"
        r"\bdelivery\b|\blead time\b|\btimeline\b|\bdelay(?:ed|s)?\b|\blate\b|\bimplementation time\b|too slow to (?:deploy|roll out)",
        re.IGNORECASE,
    ),
    "quality": re.compile(
        r"故障|bug|宕机|崩溃|卡顿|不稳定|出错|报错|问题(?:还)?没(?:有)?解决|质量(?!部|处|科|中心|总监|经理|主管|负责人)|缺陷|"
        r"出(?:了)?(?:问题|岔子)|"
        r"老是出问题|经常出问题|性能差|太慢|掉线|数据丢失|不良率|(?:唔|不)够稳定|hang\s*机|死机|当机|良率.{0,12}?(?:只有|太低|偏低|不够|不过关)|不过关|不合格|"
        r"\bbugs?\b|\bcrash(?:es|ed)?\b|\boutages?\b|\bdowntime\b|\bdefects?\b|\bunstable\b|"
        r"\bquality\b(?!\s+(?:manager|director|team|department|dept|lead|head|engineer|assurance|control|officer))|"
        r"\bbroken\b|\bfail(?:ed|ing|ures?)\b|\bslow\b|\berrors?\b|\bglitch(?:es)?\b",
        re.IGNORECASE,
    ),
    "security": re.compile(
        r"安全(?!部|处|科|中心|总监|经理|主管|负责人)|合规(?!部|总监|经理|主管|负责人)|等保|资安|资质|隐私|数据出境|信创|国产化|审计|保密|认证|渗透测试|"
        r"\bsecurity\b(?!\s+(?:architect|team|officer|lead|head|manager|director|engineer))|\bin-country\b|\bdata sovereignty\b|\bonshore\b|数据本地化|\bcompliance\b|\bcompliant\b|\bgdpr\b|\bdata residency\b|\bpen(?:etration)? test|\bsoc ?2\b|\biso ?27001\b|\bprivacy\b|\baudit\b|\bcertifications?\b",
        re.IGNORECASE,
    ),
    "payment": re.compile(
        r"账期|付款|回款|预付|首付|结算|分期|垫资|尾款|开票|发票|月结|"
        r"\bpayment terms?\b|\b\d+ days? payment\b|\bnet ?\d{2,3}\b|\bupfront\b|\bprepay(?:ment)?\b|\binvoic(?:e|ing)\b|\bpay later\b",
        re.IGNORECASE,
    ),
    "complexity": re.compile(
        r"太复杂|复杂|不会用|难用|不好用|学习成本|上手(?:难|慢)|操作(?:麻烦|繁琐)|繁琐|培训成本|用不来|太麻烦|麻烦|太乱|"
        r"兼容|对接不上|接不进|接不上|集成(?:难|不了)|(?:能不能|能否)(?:打通|对接)|导不过来|导不进|打不通|"
        r"\bcomplicated\b|\bcomplex(?:ity)?\b|\bcumbersome\b|\bhassle\b|\bcompatib(?:le|ility)\b|"
        r"\bwon'?t (?:work|talk|integrate) with\b|\bintegration (?:issues?|concerns?|risk)\b|\bhard to use\b|\bdifficult to use\b|\blearning curve\b|\busability\b|\bconfusing\b|"
        r"\bnot user[- ]friendly\b",
        re.IGNORECASE,
    ),
    "industry_fit": re.compile(
        r"不适合我们(?:的)?(?:行业|业务|场景)|(?:行业|业务|场景)不(?:太)?(?:匹配|适合|符合)|不适用|不太适合|不适合|没有(?:行业)?案例|没有.{0,6}?业的?案例|缺(?:少)?.{0,6}?案例|"
        r"\bnot (?:a )?(?:good )?fit\b|\bnot suitable\b|\bdoesn't fit\b|\bdoes not fit\b|\bnot relevant\b|"
        r"\bno (?:industry )?references?\b|\bnot for our industry\b",
        re.IGNORECASE,
    ),
    "other": re.compile(
        r"犹豫|顾虑|担心|疑虑|不确定|再考虑|考虑考虑|反对|不同意|拒绝|不认可|不太认可|不接受|不感兴趣|没兴趣|暂缓|搁置|"
        r"\bconcerns?\b|\bconcerned\b|\bworried\b|\bhesitant\b|\bobjections?\b|\bpush(?:ed|es|ing)? back\b|\bpushback\b|"
        r"\bnot convinced\b|\bskeptical\b|\bnot interested\b|\bon hold\b|\breject(?:ed)?\b|"
        r"\bcomplain(?:ed|ts?|ing)?\b|\bunhappy\b|\bdissatisfied\b|\bfrustrated\b|不满意|不满|很失望|投诉|"
        r"不高兴|生气|不开心|不爽|发火|恼火|窝火|嬲|惊(?!喜|讶|艳|人|动|险)|没必要|有意见|意见很大|\bworr(?:y|ies)\b|不能接受|接受不了|\b(?:cannot|can't|can not) accept\b|\bupset\b|\bangry\b|\bfurious\b|\bannoyed\b|"
        r"\b(?:doesn't|don't|didn't|does not|do not|can't|cannot) see (?:a |any |the )?(?:reason|why|need|point|value)\b|"
        r"\bsee no (?:reason|need|point|value)\b",
        re.IGNORECASE,
    ),
}

_NEGATION_BEFORE = re.compile(
    r"(?:没有|没|冇|无|不存在|不是|并非|不|no|not|without|zero|any)\s*人?\s*(?:提|提出|提过|说|讲|表示|表达|反馈|发现|遇到|看到|raised?)?\s*"
    r"(?:(?:什么|啥子|啥|么子|嘛|咩|任何|太大的?|大的?|明显的?|别的|其他的?|any|a|an|real|major|big|particular|serious|significant|other|further|actual)\s*){0,2}$"
    r"|\bnothing\s+(?:\S+\s+){0,2}$"  # "nothing she's worried about"
    r"|\b(?:accepted|accepts|agreed to|(?:ok|okay|fine|happy) with)\s+(?:our|the|their)?\s*$",  # "accepted our payment terms"
    re.IGNORECASE,
)
# 去年那次宕机 不过早就处理好了 … 这事翻篇了, "the outage last month, fixed since": a problem told as settled
_SETTLED = re.compile(
    r"^[^。.;；]{0,40}?(?:翻篇了|这事(?:就)?过去了|处理好了|修好了|解决了|搞定了|搞好了|弄好了|改好了|恢复了|恢复的|修复了|修好咗|搞掂|没再出|"
    r"不再出现|\b(?:fixed|resolved|sorted)\b|put to bed|no longer an issue)",
    re.IGNORECASE,
)
_NEGATION_AFTER = re.compile(
    r"^\s*(?:没(?:有)?问题|不是问题|没意见|ok|fine|没事|都解决了|已经解决|已解决|resolved|fixed)"
    r"|^[^。.;；]{0,30}?\b(?:just a question|not a concern|not an objection)\b"
    # 价格啊付款啊这些 他们都没提意见: topics listed, then waved through
    r"|^[\s啊呀呢吧这些那些等方面的都也]*(?:他们|她们|客户|对方|they)?\s*(?:都|也)?(?:没|没有)(?:提|提出|说|什么)*(?:意见|顾虑|异议|问题)"
    # 我们给的工期他们能接受, 价格工期都说行, 一点顾虑都没有, 交期也中
    r"|^[\s啊呀呢吧这些那些等方面的都也]*(?:他们|她们|客户|对方)?\s*(?:都|也)?"
    r"(?:能接受|可以接受|说行|行|认了|认(?!识|为|真)|没问题|满意|认可|都没有|没有|ok|可以|中(?=\s|$))"
    r"|" + _SETTLED.pattern,
    re.IGNORECASE,
)
# "no objections on price or on the 12 week lead time": every topic listed after it is waved through
_NONE_ON_THE_LIST = re.compile(
    r"\bno (?:objections?|concerns?|issues?|complaints?|worries|pushback) (?:on|about|with|over|regarding|re)\b[^.;]{0,40}$",
    re.IGNORECASE,
)
# Keywords that only mean an objection with a complaint around them.
_NEEDS_COMPLAINT = {"优惠", "便宜", "折扣", "打折", "降价", "交付", "发货", "到货", "认证", "开票", "发票", "分期", "审计",
                    "保密", "资质", "结算",
                    "timeline", "delivery", "alternatives", "alternative", "quality", "audit", "invoice", "invoicing"}  # fmt: skip
_COMPLAINT = re.compile(
    r"太|过|偏|嫌|慢|长|晚|问题|担心|疑虑|要求|希望|想要|能不能|可不可以|必须|不够|不满|没|不|比|低|高|"
    r"缺|少了|严|能否|是否|\b(?:too|want|wants|asked|ask|need|needs|concern|worried|worry|problem|issue|slow|late|long|unless|only if|cheaper|lower|than)\b",
    re.IGNORECASE,
)
_APPROVED = re.compile(r"^[^。.;；]{0,16}?(?:认可|没(?:提)?(?:什么|啥子|啥|么子)?意见|没问题|通过了|\b(?:approved|passed|signed off|fine with)\b)", re.IGNORECASE)
_POSITIVE_CLAUSE = re.compile(r"^(?:关系不错|关系很好|意向明确|续约意向|挺满意|很满意|非常满意|比较满意|认可|很认可)")


class Objection(BaseModel):
    """An objection the customer raised: category, the clause as said, and the amount stated with it."""

    category: ObjectionCategory
    text: str
    amount: Amount | None = None


_CONNECTIVE = re.compile(r"^(?:另外|还有|此外|再就是|(?:also|plus|and)\b)[\s，,]*", re.IGNORECASE)


def without_connective(clause: str) -> str:
    """The clause without the word that joined it to the one before ("另外上周系统宕机…" → "上周系统宕机…")."""
    return _CONNECTIVE.sub("", clause, count=1)


def find_objections(clauses: list[tuple[int, int, str]], amounts: list[AmountSpan]) -> list[Objection]:
    """Objections in `clauses` (start, end, text): one per category, first mention's words, first amount said.

    A negation may sit in the clause before or after (voice-to-text splits 没什么 | complaint)."""
    by_category: dict[str, Objection] = {}
    about_incumbent = _about_the_incumbent([clause for _, _, clause in clauses])
    for number, (start, end, clause) in enumerate(clauses):
        if number in about_incumbent:
            continue
        clause_amounts = [span.amount for span in amounts if start <= span.start < end]
        before = clauses[number - 1][2] if number else ""
        after = " ".join(clause for _, _, clause in clauses[number + 1 : number + 6])
        for category in clause_categories(clause, clause_amounts, before=before, after=after):
            amount = _amount_for(category, clause_amounts)
            existing = by_category.get(category)
            if existing is None:
                by_category[category] = Objection(category=category, text=without_connective(clause.strip()), amount=amount)  # type: ignore[arg-type]
            elif existing.amount is None and amount is not None:
                existing.amount = amount  # 嫌报价太高 … 要我们打八五折: one price objection, with its amount
    if len(by_category) > 1:
        by_category.pop("other", None)  # 故障还没解决 很不满意: the complaint is about quality
    return list(by_category.values())


_INCUMBENT = re.compile(
    r"现在用的|目前用的|现用的|在用的|原来的(?:供应商|系统|厂家)|现有(?:的)?(?:供应商|系统|厂家)|(?:现在|目前|原来)(?:那|这)[家套]|"
    r"\b(?:their|the) (?:current|existing|incumbent|old) (?:[\w-]+ ){0,3}(?:vendor|provider|supplier|system|platform|tool)\b|"
    r"\bwhat they (?:use|have) now\b|\b(?:the|their) (?:[\w-]+ ){0,2}vendor (?:running|that runs|who runs)\b",
    re.IGNORECASE,
)
_SWITCH_AWAY = re.compile(
    r"想.{0,3}换|要换掉|要换了|打算换|准备换|考虑换|换掉|换一家|换成我们|\bwants? to (?:switch|replace|move away|get rid|change)|"
    r"\bwant(?:s|ed)? out\b|\bwant (?:to )?change\b|"
    r"\blooking to (?:switch|replace)|\bready to (?:switch|replace|move)",
    re.IGNORECASE,
)


def _about_the_incumbent(clauses: list[str]) -> set[int]:
    """Clauses that complain about the vendor the customer wants to leave (他们现在用的那家 服务太慢 所以想换掉):
    rule 24 of the labelling rules, a reason to buy from us, not an objection."""
    skipped: set[int] = set()
    for first, clause in enumerate(clauses):
        if not _INCUMBENT.search(clause):
            continue
        for last in range(first, min(first + 5, len(clauses))):
            if _SWITCH_AWAY.search(clauses[last]):
                skipped.update(range(first, last + 1))
                break
    return skipped


def clause_categories(clause: str, amounts: list[Amount] | None = None, *, before: str = "", after: str = "") -> list[str]:
    """The objection categories one clause expresses (empty when it is not an objection); `before` and
    `after` are the neighbouring clauses, read only for a negation."""
    text, before, after = simplified(clause.strip()), simplified(before), simplified(after)  # 擔心 is 担心
    if not text or _POSITIVE_CLAUSE.match(text):
        return []
    categories = []
    for category, pattern in CATEGORY_PATTERNS.items():
        for match in pattern.finditer(text):
            if _negated(text, match, before, after):
                continue
            if match.group().lower() in _NEEDS_COMPLAINT and (
                not _COMPLAINT.search(text[: match.start()] + " " + text[match.end() :])
                or _APPROVED.search(text[match.end() :] + " " + after)
            ):
                continue  # 防爆认证这块高部长看过了 认可 没提意见: looked at and approved
            categories.append(category)
            break
    if amounts and any(amount.kind == "discount" for amount in amounts) and not categories:
        categories.append("price")  # 要我们打八五折 / "wants 10% off": a price objection without a keyword
    if "other" in categories and len(categories) > 1:
        categories.remove("other")  # 对安全资质有疑虑: the doubt is about security
    if "budget" in categories and "price" in categories and not re.search(r"贵|price|expensive|pricey", text, re.IGNORECASE):
        categories.remove("price")
    return categories


def _negated(text: str, match: re.Match[str], clause_before: str = "", clause_after: str = "") -> bool:
    before = (clause_before + " " + text[: match.start()])[-16:]
    after = (text[match.end() :] + " " + clause_after)[:48]
    if match.group().startswith(("不", "没")):  # 暂时不想换 俺说没事: only a problem settled later undoes these
        return bool(re.search(r"(?:没有|没|不是)\s*$", before) or _SETTLED.match(after))
    if _NEGATION_BEFORE.search(before) or _NONE_ON_THE_LIST.search((clause_before + " " + text[: match.start()])[-60:]):
        return True
    return bool(_NEGATION_AFTER.match(after))


def _amount_for(category: str, amounts: list[Amount]) -> Amount | None:
    if not amounts:
        return None
    if category in ("price", "competitor"):
        for kind in ("discount", "percent", "money"):
            for amount in amounts:
                if amount.kind == kind:
                    return amount
    if category in ("budget", "payment"):
        return next((amount for amount in amounts if amount.kind == "money"), None)
    return None
