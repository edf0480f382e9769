"""Specific facts: what a question asks for (an amount, a rate, a date…) and whether a passage states it.

The playbook is about methods. A rep who asks for the monthly fee of a product, a commission rate, a
date or a visit quota often lands on a passage about the right topic that simply does not give the
number. `asked_fact` recognises such questions from the *grammar* of a request for a value, not from a
list of topics: an interrogative value word (多少, 几, 多大, 多久, 哪天, 什么时候, how much/many/long,
what rate/percentage, when does…, which clause…) in the clause that carries the question, or a request
for a company policy or legal rule. The value word also says which kind of value is wanted (money,
rate, date, duration, count). Value words in a description ("还没赚到多少钱的客户，算哪一类？"), negated
or indefinite ones (没多少, 好几个, 几乎) and "how much effort" do not make a fact question.

Reps also ask without a question clause: after "我就想知道…", "帮我查一下…的报价", with the value word pressed
by a particle or a rule ("多少钱啊…", "多长时间必须闭环"), as a yes/no check of a value ("是不是超过三天就算超时",
"is it more than 20%?"), as a choice ("按季度还是半年") or as a bare English request ("deadline for …",
"complaints mailbox address"). Contact details and names (which company, who holds a post, who proposed a
model) are facts too: a contact is stated only by a number, an address or a link, a name only where one
sentence says what the question says. What the company itself has (a tool, a team, a record: "我们有没有专门的投诉
小程序？叫什么") no playbook states; a ranking of a list's items ("哪三种最管用") only a sentence that ranks them.

`states_fact` then looks for a sentence in a supporting passage that both holds a value of that kind
(with the unit the question names, "几倍" → "6 倍") and talks about the question's topic. When none does,
the answer says plainly that the playbook does not state it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from knowledge.chunking import split_sentences
from knowledge.tokenize import is_cjk, normalize, to_simplified

_CN_DIGITS = "零一二两三四五六七八九十百千万"
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|[{_CN_DIGITS}]+)"
_COUNTED = r"(?:\d+(?:[.,]\d+)?|[二两三四五六七八九十][零一二两三四五六七八九十百千]*)"  # "一个" is an article


@dataclass(frozen=True)
class FactKind:
    """One kind of specific fact: what the question asks for and how a passage states a value of it."""

    name: str
    label_zh: str
    label_en: str
    states: re.Pattern[str]


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"

LAW = FactKind("law", "法律条款", "the legal rule", _re(r"民法典|合同法|法律|法规|条例|第.{1,3}条|\blaws?\b|\blegal"))
POLICY = FactKind("policy", "公司的具体规定", "the company's specific policy", _re(r"规定|政策|制度|审批|\bpolic(?:y|ies)\b"))
AMOUNT = FactKind(
    "amount",
    "具体金额",
    "the amount",
    _re(rf"{_NUMBER}\s*(?:元|块钱|万元|万|千元|亿)|\d+(?:[.,]\d+)?\s*块|[¥￥$]\s*\d|\d+\s*(?:yuan|rmb|usd|dollars?)\b"),
)
RATE = FactKind(
    "rate", "具体比例或折扣", "the rate or discount", _re(rf"{_NUMBER}\s*(?:%|％|个点|个百分点|折|成|倍)|百分之|\d+\s*percent")
)
DATE = FactKind(
    "date",
    "具体日期或时间",
    "the date or time",
    _re(rf"{_NUMBER}\s*(?:月|日|号|点(?!\s*[:：]|建议|要求|原因|好处|做法|内容)|时)|\b(?:{_MONTHS})\b|\d{{1,2}}:\d{{2}}|\d{{4}}\s*年"),
)
DURATION = FactKind(
    "duration",
    "具体时限",
    "the time limit",
    # not a calendar date ("2002 年 12 月 25 日" says when, not how long)
    _re(rf"(?<![\d.])(?<!月)(?<!月\s)(?!(?:19|20)\d\d\s*年)(?!\d{{1,2}}\s*月\s*\d){_NUMBER}\s*(?:小时|天|日|分钟|个工作日|周|星期|个月|月|年)|\d+(?:\s*|-)(?:hours?|days?|minutes?|weeks?|months?|years?)\b"),  # "20 minutes", "20-minute visits"
)
FREQUENCY = FactKind(
    "frequency",
    "具体频率",
    "how often",
    _re(rf"每\s*(?:{_NUMBER})?\s*个?(?:月|季度?|年|周|天|半年|小时)|(?:一|半)年一次|{_NUMBER}\s*(?:次|回)\s*/\s*(?:年|月|季度?)|\b(?:monthly|quarterly|weekly|yearly|annually)\b"),
)
COUNT = FactKind(
    "quota",
    "具体数量或指标",
    "the number",
    _re(rf"\d|{_COUNTED}\s*(?:个|种|类|项|步|条|家|次|位|人|户|级|大|道|份|题|分|名|倍|块|部分|方面)"),
)
CONTACT = FactKind(
    "contact",
    "联系方式",
    "the contact details",
    _re(r"(?<!\d)(?:\d{3,4}[-\s]?\d{7,8}|1\d{10}|\d{5,})(?!\d)|@|\bwww\.|https?://|路\s*\d+\s*号"),
)
# A name ("哪家供应商中标", "哪位领导兼着"): stated only where a sentence holds all the words of the request.
NAME = FactKind("name", "具体名称", "the name", _re(r"[\s\S]"))
# A ready-made template or file: a playbook quotes text, it has no file to send.
DOCUMENT = FactKind("document", "现成的模板或文件", "a ready-made template or file", _re(r"(?!)"))
RATIO = FactKind("rate", RATE.label_zh, RATE.label_en, _re(r"\d+\s*:\s*\d+"))  # "3:6:1"
# A system's own screens, fields, codes and apps: a playbook describes what a system does, never its settings.
SYSTEM = FactKind("system", "系统里的具体设置（菜单、字段、代码）", "the system's own settings (menus, fields, codes)", _re(r"(?!)"))
# The company's own people, tools and records ("我们有没有专门的投诉小程序？叫什么", "does our intel team keep a
# file … who maintains it"): a playbook teaches how to work, it never knows who or what a company has.
INTERNAL = FactKind(
    "internal", "公司内部的具体安排（有没有、叫什么、找谁、放在哪）", "the company's internal arrangements (who, what, where)", _re(r"(?!)")
)
# Which item of a list comes first ("17种办法哪三种最管用", "which one works best, is there a ranking"): stated only
# where a sentence ranks them ("最", "首要", a share per item).
RANK = FactKind("rank", "哪一项排在前面（排名或效果对比）", "a ranking of the items", _re(r"最|首要|首先|排名|排在|\d+\s*%|\bmost\b|\btop\b|\bfirst\b"))
# How a figure the question quotes was counted ("这个6倍是只算人力，还是连广告都算进去", "how was that 50% measured"):
# stated only where the sentence that gives the figure also says what it counts ("按…计算", "包括…", "不含…").
BASIS = FactKind(
    "basis",
    "这个数字的统计口径",
    "how that figure was counted",
    _re(r"按[^，,。；;]{1,12}(?:计算|计|算|统计|核算)|以[^，,。；;]{1,10}为准|包括|包含|(?<!所)含(?!义)|只算|计入|口径|定义为|是指|指的是|统计的是"),
)
# "DISC or MBTI", "Excel还是CSV": which of two named options; a passage states it only by naming one.
CHOICE = FactKind("choice", "该选哪一个", "which of them to pick", _re(r"(?!)"))
KINDS = (LAW, POLICY, AMOUNT, RATE, DATE, DURATION, FREQUENCY, COUNT, CONTACT, NAME, DOCUMENT, SYSTEM, INTERNAL, RANK, BASIS)
LIST_KIND = FactKind("list", "完整的清单", "the full list", _re(r"(?!)"))

# --- how a question asks for a value -------------------------------------------------------------

# Chinese interrogative value words. 几 counts unless it means "almost" (几乎), "which few" (哪几),
# "several" (好几, 十几) or is part of a word (茶几, 几何); 多大/多长 only before a measurable noun, since
# "多大程度", "多大用" ask how, not how much.
_ZH_VALUE = re.compile(
    r"多少|(?<![哪好十茶头前这那近])几(?![乎何率十百千万])(?=[\u4e00-\u9fff]|\s*[？?，,。]|\s*$)|第几|"
    r"多大(?:的)?(?=折扣|权重|比例|比重|额度|金额|预算|规模|幅度|力度|优惠|让利|面积|数量|量|样本)|(?<=样本)(?:量)?(?:有)?多大|"
    r"多长(?:的)?(?=时间|期限|周期|账期|时限|有效期)|多久|多高|多低|多频繁|"
    r"哪天|哪一天|哪日|哪年|哪一年|哪个月|哪一个月|哪月|哪周|哪个季度|什么时候(?!最)|啥时候(?!最)|何时|几时|"
    r"什么价(?:格|钱|位)|什么价(?=[？?]|$)|啥价|(?:什么|啥)(?=比例|费率|折扣|价位|金额|额度)|"
    r"(?:老师|讲师|专家|教授|作者|经理|总监|负责人|联系人|主任|领导|顾问|公司|企业|厂家|厂商|供应商|品牌|机构|银行|他|她)叫(?:什么|啥)(?:名字)?|(?:^|(?<=[，,。？?！!；;\s]))叫(?:什么|啥)名字|被谁(?=[^，,。？?]{0,4}(?:挖|抢|撬|签|拿))|哪位(?!客户|客戶)|(?<!由)是谁(?=\s*[？?啊呀呢吗]|\s*$|在)|谁(?=提出|发明|首创|写的|定的|总结|归纳|整理的|设计的|制定|编的|编写|审批|批准|签字|签批|拍板|说了算|来批|来审)|(?<![该要得先])(?:找|问|联系)谁(?![^，,。？?]{0,6}(?:比较|更|最)?(?:好|合适|突破|下手|切入))|由谁(?=来?(?:审批|批准|签字|签批|拍板))|(?:外包|委托|承包)给谁|"
    r"在(?:系统|CRM|crm|平台|后台)?(?:里|的)?哪(?:里|儿|个地方)(?=填|录|找|提交|下载|申请|报|看|查)|"
    r"(?:什么|啥|哪个|多少)(?=分数线|分界线|及格线|分档线|标准线|临界值|阈值)|"
    r"(?:有没有|有无)(?:个|什么)?(?:上限|下限|门槛|封顶|限额|基准值|参考值|标准值)|(?:有没有|有无)(?:个|一个|什么)?(?:参考|标准|及格|合格)?(?:分数线|分界线|及格线|合格线|标准线|分档线)|"
    r"(?:排进|排到|挤进|进入|进|排在|排)[^，,。？?]{0,4}?前几(?=名|位|强)|"
    r"(?:有没有|有无)(?:个|一个)?(?:具体|明确|固定|统一)的?(?:响应|回复|答复|处理|办结|完成)?(?:时间|时限|期限|天数|比例|金额)|(?:有没有|有无)(?:个|一个)?(?:期限|时限|截止日期|截止时间)|(?:上限|下限|门槛|封顶|限额)(?=吗|么|没有|呢)|哪本书|出自哪|全称(?:到底|究竟)?(?:是|叫)?(?:啥|什么)|"
    r"哪个(?=版本|型号|部门|菜单|页面|模块|入口|国家|城市|地区|省|行业|机构|单位|系统|平台|软件|工具|团队|小组|岗位|分公司|子公司|支公司|营业部)|什么(?=版本|型号)|哪版|哪(?:个|项|一项|家|类)(?=[^，,。？?]{0,8}(?:排第一|排名第一|排在第一|排名最))|哪(?:个|项|一项|类)(?=[^，,。？?]{0,4}(?:权重|比重|占比|比例|份额)最)|"
    r"排(?:名)?第一的?是哪|哪家(?!客户|客戶|大客户)|哪一家(?!客户|客戶|大客户)|哪款|哪个(?=公司|供应商|厂商|厂家|品牌|运营商)|"
    r"(?:电话|热线|号码|手机号|邮箱|网址|地址|微信号?|联系方式)(?:是|号码是|大概是)?(?:多少|啥|什么|在哪)|(?:比例|费率|额度|配额|期限|时限|上限|下限|门槛|价格|报价|月费|年费|资费|预算|提成|佣金|奖金|底薪|工资)"
    r"(?:是|为|定在|定为|大概|一般)?(?:啥|什么)(?=[？?]|$)|"
    # "底薪加提成大概什么水平", "权重是怎么分配的": the figures asked in other words
    r"(?:底薪|提成|工资|薪资|薪酬|收入|奖金|待遇)[^，,。？?]{0,8}?(?:什么|啥)水平|(?:权重|比重|占比)(?:是)?(?:怎么|如何)(?:分配|分|定|算)"
)
# "按季度还是半年", "5 分还是 10 分", "out of 5 or out of 10": a choice between values asks for one.
_PERIOD_WORD = r"季度|半年|一年|每月|每周|每年|月度|年度|季|周|月|年"
_WEEKDAY = r"(?:周|星期|礼拜)[一二三四五六日天]"
_HOW_OFTEN = _re(r"(?:多久|多长时间)[^，,。？?]{0,3}一次|(?:一年|每年|一个月|每月|一季度?|每季度?)[^，,。？?]{0,12}?(?:几|多少)(?:次|趟|回)|\bhow\s+often\b|\bhow\s+many\s+times\s+(?:a|per|each)\b|\bwhat(?:['’]s|\s+is)?\s+(?:[\w'’-]+\s+){0,3}?(?:cadence|frequency)\b")
_PERIOD_CHOICE = re.compile(rf"(?:(?:{_PERIOD_WORD})(?![一二三四五六日天])|monthly|quarterly|weekly|yearly|annually|daily)[^，,。？?\d]{{0,8}}(?:还是|\bor\b)", re.I)
_ZH_CHOICE = re.compile(
    rf"(?:{_NUMBER}\s*[\u4e00-\u9fff%％]?|{_PERIOD_WORD})\s*还是\s*(?:按|每|一)?\s*(?:{_NUMBER}|{_PERIOD_WORD})|"
    rf"(?:{_PERIOD_WORD})(?:做|搞|来|开|评|查|办)\s*还是\s*(?:按|每|一)?\s*(?:{_PERIOD_WORD})|"  # "季度做还是半年做一次"
    rf"{_NUMBER}\s*个?(?:月|天|周|年|小时|分钟)[^，,。？?]{{0,6}}还是[^，,。？?]{{0,3}}{_NUMBER}|"
    rf"按\s*(?:{_PERIOD_WORD})[^，,。？?]{{0,6}}?还是\s*(?:按|每)?\s*(?:{_PERIOD_WORD})|{_WEEKDAY}[^，,。？?]{{0,6}}?还是[^，,。？?]{{0,3}}?{_WEEKDAY}"
)
# "是不是超过三天就算超时", "is it more than 20%?": a yes/no question about a value asks for that value.
_CHECK_UNIT = r"(个小时|小时|分钟|个工作日|个月|天|周|年|%|％|个点|折|成|元|块钱|万|人|家|次)"
_ZH_CHECK = re.compile(
    rf"(?:是不是|是否|有没有)[^，,。？?]{{0,10}}?(?:{_NUMBER})\s*{_CHECK_UNIT}|"
    # "较高是指超过30%吗", "标准是3天吗": a value said, then asked to be confirmed
    rf"(?:是指|指的是|是)(?:超过|高于|低于|大于|小于|不低于|不少于|达到|在)?\s*(?:{_NUMBER})\s*{_CHECK_UNIT}\s*(?:以上|以下|以内|之内|左右)?\s*(?:吗|么|嘛)"
)
_HALF_CHECK = re.compile(r"(?:是不是|是否)[^，,。？?]{0,12}?(?:过半|超过一半|一半以上|半数以上|超过半数|过三分之[一二])")
_RATIO_CHECK = re.compile(r"(?:是不是|是否|是)[^，,。？?]{0,12}?\d+\s*:\s*\d+|\b(?:is|are)\b[^?]{0,40}?\b\d+\s*:\s*\d+")
_EN_CHECK = _re(
    r"\b(?:is|are|does|do|will|must|should|can)\b[^?]{0,50}?\b(?:more|less|fewer|over|under|above|below|at\s+least|at\s+most|within|"
    r"up\s+to|exactly)\s+(?:than\s+)?(?:rmb|usd|cny|¥|\$)?\s*\d+(?:[.,]\d+)?\s*(?:k|m|million|thousand|万)?\s*"
    r"(%|percent|days?|hours?|minutes?|weeks?|months?|years?|yuan|rmb|usd|dollars?|people|staff|employees?|users?|lines?|accounts?|clients?|customers?|visits?)|"
    # "is my own sign-off limit on price cuts 15%?": a limit's figure said, to be confirmed
    r"\b(?:is|are)\s+(?:the|our|my|your)\s+(?:own\s+)?(?:[\w-]+\s+){0,2}?(?:limit|cap|ceiling|floor|threshold|target|quota)\s+"
    r"(?:(?:on|for)\s+(?:[\w-]+\s+){1,3}?)?(?:really\s+|still\s+)?\d+(?:\.\d+)?\s*(%|percent)|"
    # "is the rule three follow-up calls and then I drop it?": a rule's figure said, to be confirmed
    r"\b(?:is|are)\s+(?:the|our|your)\s+(?:rule|standard|norm|guideline|policy)\s+(?:really\s+|still\s+)?(?:\d+|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twelve)\s+(?:[\w-]+\s+)?(calls?|visits?|days?|hours?|weeks?|months?|attempts?|tries|meetings?|emails?)\b"
)
_CHECK_UNITS = {"percent": "%", "％": "%", "个小时": "小时", "hour": "小时", "day": "天", "minute": "分钟", "week": "周",
                "month": "个月", "year": "年", "yuan": "元", "rmb": "元", "块钱": "元"}
# The kind of value a checked unit measures; any other unit (天, 小时, 个月…) is a duration.
_CHECK_KINDS = {"%": RATE, "个点": RATE, "折": RATE, "成": RATE, "元": AMOUNT, "万": AMOUNT, "usd": AMOUNT, "dollar": AMOUNT,
                "人": COUNT, "家": COUNT, "次": COUNT, "people": COUNT, "client": COUNT, "customer": COUNT, "staff": COUNT,
                "employee": COUNT, "user": COUNT, "line": COUNT, "account": COUNT, "visit": COUNT, "call": COUNT,
                "attempt": COUNT, "trie": COUNT, "meeting": COUNT, "email": COUNT}
# "帮我查一下…的报价", "网址发我一下": a value named after a request, with no question word.
_REQUEST_NOUN = re.compile(r"报价|价格|价钱|费用|资费|网址|电话|地址|邮箱|联系方式|账号|名单|日期|截止时间")
_SEND_ME = re.compile(r"发我|发给我|给我发|(?<!电话)告诉我|(?<!电话)(?<![塞扔丢甩派分交递透漏])给我")  # not "打电话给我", "塞给我", "透给我": a call made, a thing handed over or let slip, not a request
_EN_DAYS = rf"monday|tuesday|wednesday|thursday|friday|saturday|sunday|{_MONTHS}"
_EN_CHOICE = _re(
    rf"\b(?:\d+(?:\.\d+)?%?|monthly|quarterly|weekly|yearly|annually|daily|{_EN_DAYS})\s+or\s+(?:[a-z]+\s+){{0,2}}?"
    rf"(?:\d+(?:\.\d+)?%?|monthly|quarterly|weekly|yearly|annually|daily|{_EN_DAYS})(?![\w-])"
)
# "没赚到多少钱", "不到几天": a negated value word describes, it does not ask ("能不能", "有没有" do ask).
_NEGATION = "没沒不无無未"
# A clause that only tags the question ("有人知道吗", "来着") hands the question to the clause before it.
_TAG = re.compile(r"^(?:有人|谁|你|大家)?(?:知道|清楚|晓得)?(?:吗|嘛|呢|吧|啊|呀|来着|不)?$|知道吗|清楚吗|来着")
_CLAUSE = re.compile(r"[^，,；;。！!？?\n]+[，,；;。！!？?\n]*")

# What "which …" asks the name of: an organisation, a person in office, a place, a system or a source, never a
# customer or a method.
_NAMED = (
    r"(?:compan(?:y|ies)|vendors?|suppliers?|firms?|consultanc(?:y|ies)|consultants?|agenc(?:y|ies)|banks?|brands?|"
    r"operators?|carriers?|versions?|releases?|departments?|teams?|systems?|platforms?|software|apps?|"
    r"institutions?|institutes?|providers?|partners?|universit(?:y|ies)|books?|authors?|directors?|vps?|vice\s+presidents?|executives?|distributors?|dealers?|"
    r"resellers?|cit(?:y|ies)|provinces?|regulations?|laws?|statutes?|competitors?|rivals?)"
)
# "the 14-point gap … split", "this 45% … broken down": a figure the question quotes, asked in parts (its number grouped)
_QUOTED_SPLIT = (
    r"\b(?:the|that|this)\s+(\d+(?:\.\d+)?)[\s-]*(?:%|percent|points?|percentage[\s-]points?)\s+(?:[\w'’-]+\s+){0,6}?"
    r"(?:split|break\s+down|broken\s+down|divided|divide)\b"
)
_OURS = r"\bwhat(?:['’]s|\s+is|\s+are)\s+ours\b"  # the company's own figure, asked beside someone else's
_EN_VALUE = _re(
    r"\bhow\s+(?:much|many|long|soon|often|big|large|high|low)\b(?!\s+(?:effort|attention|energy|focus|"
    r"priority|emphasis|thought|care|work|trust|detail|sense|difference|of\s+a\s+difference|"
    r"(?:should|do|can|must)\s+(?:i|we)\s+(?:invest|focus|care|worry|push|prioriti[sz]e|bother|trust|rely))\b)|"
    r"\bwhat(?:['’]s|s|\s+is|\s+are|\s+was|\s+were)?\s+(?:the\s+|our\s+|my\s+|their\s+|its\s+|his\s+|her\s+|a\s+|an\s+)?"
    r"(?:[\w'’-]+\s+){0,3}?(?:rates?|percentages?|percent|fees?|prices?|pricing|(?<!switching\s)(?<!opportunity\s)(?<!sunk\s)(?<!transfer\s)(?<!exit\s)costs?|charges?|budget|quotas?|targets?|"
    r"limits?|caps?|thresholds?|deadlines?|discounts?|rebates?|penalt(?:y|ies)|bonus(?:es)?|commissions?|salar(?:y|ies)|amount|"
    r"number|figures?|length|duration|cadence|frequency|notice|date|time|minimum|maximum|margins?|returns?\s+on\s+(?:sales|investment)|ceiling|share|proportion|fines?|arpu|ros|roi|roe|ltv|clv|nps|cagr|kpis?|longest|shortest|average|allowance|subsid(?:y|ies)|stipend|hotline|phone|e-?mail|website|address|uptime|availability|warranty|scores?|ratings?|payment\s+terms|sample\s+size|cut-?offs?|formula|pass(?:ing)?\s+(?:mark|score))\b"
    r"(?!\s+(?:called|named|known\s+as|termed)\b)"  # "what is that number called?" asks for a name
    r"(?!\s+(?:based\s+on|calculated\s+(?:on|from)|measured\s+(?:on|by)|tied\s+to)\b)"  # "what's the commission based on": a basis
    # "what cost does the playbook tie to it": which cost the playbook names, not how much
    r"(?!\s+(?:does|do)\s+(?:the\s+)?(?:playbook|book|course|material|training|framework|table)\s+(?:tie|link|attach|associate|pair|match|map|assign)\b)|"
    r"\bwhat\s+(?!(?:do|does|did|should|can|could|would|will|is|are|was|were)\b)[\w-]+[^?.!]{0,60}?\bon\s+average\b|"  # "what lifetime value do we assign on average"
    r"\bin\s+(?:hours|days|minutes|weeks|months|years|percent|yuan|rmb)\s*\?|\bin\s+percent(?:age)?(?:\s+points|\s+terms)?\b|"  # "…, in hours?"; "in percent" anywhere
    r"\bwhat(?:['’]s|\s+is|\s+are)\s+(?:the\s+|our\s+|their\s+)?(?:[\w'’-]+\s+){0,2}?[\u4e00-\u9fff]*(?:周期|时间|期限|时限|价格|报价|费用|资费|折扣|比例|费率|金额|预算|门槛)|"
    r"\bwhat\s*%|\bwhen\s+(?:exactly\s+|precisely\s+)?(?:does|do|is|are|will|would|was|were|did|must|can|should)\b|"
    r"\b(?:above|below|over|under|beyond)\s+what\b|\bby\s+when\b|"
    r"\bby\s+what\s+(?:date|day|time)\b|\bthe\s+date\s+of\s+the\b|\bwhich\s+(?:[\w/-]+\s+){0,2}?(?:standard|form|certificate)\s+number\b|\b(?:which|what)\s+(?:date|month|year|week|quarter)\b|\bwhich\s+day\b|"
    rf"\bwhich\s+(?:[\w-]+\s+){{0,2}}?{_NAMED}\b|\bwho\s+(?:won|supplied|built)\b|"
    r"\bwhat\s+version\b|\bwho(?:['’]s|\s+is|\s+are)\s+(?:our|the\s+current|currently|their)\b|"
    r"\bwhat(?:['’]s|\s+is|\s+was)\s+the\s+name\s+of\b|\bwhat\s+(?:is|was)\s+(?:the|that)\s+(?:company|bank|firm|vendor|supplier|brand|hospital|client)\s+called\b|"
    r"\bwho(?:['’]s|\s+is|\s+was)\s+the\s+(?:(?:executive|named|main|key)\s+)?(?:head|manager|director|owner|contact|person|lead|boss|chief|sponsor|champion|approver|decision[\s-]?maker)\b|"
    r"\bwho\s+(?:(?:originally|first|actually|really)\s+)?(?:heads|runs|leads|owns|came\s+up\s+with|invented|proposed|coined|wrote|created|developed|founded)\b|"
    r"\bwhere\s+does\s+(?:the|that|this)\s+(?:figure|number|statistic|stat|data|finding)\b|\bwhich\s+[\w-]+(?:\s+[\w-]+)?\s+ranked\b|"
    r"\bwhere\s+(?:is|are)\s+(?:the|our)\b|\bhw\s+(?:much|many)\b|\bthe\s*%|"
    r"\b(?:give|name|tell)\s+me\s+(?:two|three|four|five|a\s+few|some|\d+)\s+(?:or\s+\w+\s+)?(?:people|names|colleagues|reps|managers)\b|"
    r"\bwho\s+(?:(?:actually|really|exactly|normally|usually|typically|ultimately)\s+)?(?:approves|signs\s+off|signs|authori[sz]es|gets\s+(?:copied|cc'?d|it)|receives|handles\s+it|takes\s+(?:it\s+)?over)\b|\bhow\s+accurate\b|"
    # "what's it worth", "at what loss level does policy say we stop": a value asked in other words
    r"\bwhat(?:['’]s|\s+is|\s+are)\s+(?:it|that|this|they|those)\s+worth\b|\bat\s+what\s+(?:[\w'’-]+\s+){0,2}?(?:level|threshold|point|amount|percentage|rate|age|size)\b|"
    rf"{_OURS}|"  # "our competitor claims 99.99% uptime. What's ours?": the company's own figure
    r"\bwho\s+(?:in|at|from)\s+(?:[\w'’-]+\s+){1,3}?(?:approves|signs\s+off|signs|authori[sz]es|decides)\b|"
    r"\bpercentage-wise\b|\bin\s+percentage\s+terms\b|\bas\s+a\s+percentage\b|"
    r"\bis\s+there\s+an?\s+(?:author|originator|source\s+book)\b|\bwho\s+(?:is|was)\s+the\s+(?:author|originator)\b|"
    r"\b(?:name|names|credit|credits|cite|cites)\s+as\s+(?:the\s+|its\s+|their\s+)?(?:author|originator|creator|inventor)\b|"
    r"\b(?:is\s+there|do\s+we\s+have)\s+(?:a|an|any)\s+(?:direct\s+|dedicated\s+)?(?:phone\s+number|hotline|e-?mail\s+address|named\s+contact|contact\s+person)\b|"
    r"\bis\s+there\s+(?:a|an|any|some|such\s+an?)\s+(?:[\w'’-]+\s+){0,2}?(?:cap|limit|ceiling|maximum|minimum|max|min|threshold|quota|deadline|floor|"
    r"cut-?off|time\s+window|waiting\s+period|cooling-off\s+period|grace\s+period|(?:target|set|fixed|recommended|standard)\s+number)\b|"
    # "how does the 14-point gap split between CRM and the rest": the parts of a figure the question quotes
    rf"\bhow\s+(?:does|do|is|are|did|was|were)\s+{_QUOTED_SPLIT}|"
    # "does the table give a standard per-record price", "the typical margin": a figure the company would set
    r"\b(?:a|an|any|the)\s+(?:standard|typical|usual|benchmark|going|default)\s+(?:[\w'’-]+\s+){0,2}?(?:prices?|fees?|rates?|"
    r"percentages?|discounts?|margins?|amounts?|budgets?|quotas?|caps?|limits?)\b(?!\s+(?:objections?|negotiations?|wars?|talks?|"
    r"pressure|sensitivity|cards?|comparisons?|questions?|push-?back|strateg(?:y|ies)|tactics?)\b)|"
    r"\bwhat\s+(?:revenue|turnover|profit|headcount)\s+(?:did|does|do|is|was|were)\b|"  # "what revenue did China Telecom book"
    r"\bhow\s+(?:are|is)\s+(?:[\w-]+\s+){0,2}?(?:bonus(?:es)?|commissions?|incentives?)\s+(?:split|calculated|paid|worked\s+out)\b|"
    r"\b(?:set|fix|have)\s+(?:a|an|any)\s+(?:minimum|maximum|floor|cap|threshold|cut-?off|limit|quota)\b|"
    # "is there a floor I can never go below - say 15% gross margin?": a figure guessed, to be confirmed
    r"\b(?:say|like|e\.g\.|for\s+example)\s*,?\s+(?:the\s+)?(?:top\s+|bottom\s+|within\s+|under\s+|over\s+)?\d+(?:\.\d+)?\s*(?:%|percent|hours?|days?|weeks?|months?|years?|yuan|rmb)(?=[\s,.?!]|$)|"
    r"\b(?:is\s+there|do\s+(?:we|i|they|you)\s+have)\s+(?:a|an|any)\s+(?:fixed|set|official|minimum|maximum|max|min|actual|specific|exact|concrete)\s+(?:[\w'’-]+\s+){0,2}?"
    r"(?:number|amount|price|fee|rate|percentage|quota|limit|budget|discount|deadline|date|time|cap|target)\b|"
    # a bare request: "complaints mailbox address", "deadline for the report", "I need the deadline for …"
    r"(?:^|[—–]\s*|\s-{1,2}\s+|\b(?:i\s+need|need\s+to\s+know|tell\s+me|give\s+me|send\s+me|looking\s+for|check)\s+)(?:the\s+|our\s+|a\s+)?"
    r"(?:(?!(?:wants?|says?|said|is|are|was|were|do|does|did|should|can|could|will|would|how|what|why|when|gets?|asks?|needs?|keeps?)\b)"
    r"[\w'’-]+\s+){0,3}?(?:(?:minimum|maximum|avg|average)\b|(?:deadline|address|mailbox|phone(?:\s+number)?|e-?mail|website|url|"
    r"ratio|margin|price|cost|fee|budget|quota|target|limit|cap|headcount|percentage|share|pay|salary|bonus|comm?iss?ion|discount|"
    r"rate|weighting|uptime|warranty|(?:pay\s+)?range)\b(?=\s+(?:for|of|on|per|to|in|at|from|with|under|behind|vs)\b|\s*[.!?]?\s*$))"
)
_LAW_ASK = _re(
    r"民法典|合同法|劳动法|反不正当竞争|法律规定|法律上|按法律|依法|违约金|法律效力|法条|第几条|哪一?条(?:法|规定)|"
    r"(?:哪|什么|啥|几)[^，,。？?]{0,6}条款|条款(?![^，,。？?]{0,8}(?:签不了|不肯签|拒签|不签|不接受|接受不了|不同意|不认可?))|"  # a clause the customer refuses is an objection
    r"\b(?:contract|civil|labou?r|competition)\s+law\b|\blegally\b|\bbinding\b|\bclauses?\b|\barticles?\s+of\b|"
    r"\bwhich\s+(?:article|clause|section|provision|regulation)\b|\bunder\s+(?:the\s+)?(?:\w+\s+){0,3}law\b"
)
_POLICY_ASK = _re(
    r"(?:想知道|想问|问一下|了解一下|确认一下|查一下)[^。？?]{0,12}(?:规定|政策|制度)|"
    r"(?:规定|政策|制度)(?:是|都是)?(?:什么|啥|怎样的)|"
    r"(?:公司|我们)(?:应该|是不是|有没有|有无)?有(?:份|一份|个|套|一套)[^，,。？?]{0,12}(?:清单|名单|目录|细则|明细)|"  # "公司应该有份VIP权益清单吧"
    # "公司是不是有规定…", "公司明确规定的是哪一种", "咱们公司统一用的是…还是…": what the company itself decided
    r"(?:公司|咱们|我们)[^，,。？?]{0,4}(?:是不是|有没有|是否|有无)(?:有)?(?:明确|硬性|统一|专门)?(?:的)?规定|"
    r"(?:公司|咱们|我们|总部)[^，,。？?]{0,4}有(?:没有)?[^，,。？?]{0,4}细则|"  # "怎么算分，公司有细则吗": the company's own rules
    r"(?:公司|咱们|我们)[^，,。？?]{0,4}(?:明确|统一)?规定的?是(?:哪|什么|啥)|"
    r"(?:公司|咱们|我们)(?:的)?规定[^，,。？?]{0,12}?(?:怎么|如何|咋)(?:分|拆|算|定|划)|"  # "公司规定这种撞单的业绩怎么分"
    r"被(?:列进|列入|纳入|划进|划入)了?[^，,。？?]{0,10}(?:名单|清单|目录)|"  # "哪几个产品被列进了…名单": the company's own list
    r"被(?:列成|列为|划成|划为|归为|定为|评为)[^，,。？?]{0,12}?(?:的)?(?:是|有)?哪(?:几|些)|"  # "被列成衰落期的是哪几个产品": the company's own verdict
    r"(?:公司|总部|省公司|市公司|咱们|我们)[^，,。？?]{0,6}?(?:主推|力推|重点推)的?(?:是)?(?:哪|什么|啥)|"  # "省公司今年明确主推的是哪一种"
    r"\bofficially\s+(?:on|in|part\s+of)\b|"
    r"(?:咱们|我们)公司(?![^？?]{0,30}(?:我|该|要不要|怎么|如何))[^？?]{0,30}还是|"  # "咱们公司改组以后，大客户部是向总经理汇报，还是…"
    r"(?:省里|省公司|市公司|总部|公司|上面)(?:定|规定|要求|下达)的[^，,。？?]{0,10}(?:哪|什么|啥|几)|"  # "省里定的先攻哪几个行业"
    r"(?:咱们|我们)公司(?:统一|现在|目前)(?:用|采用|执行|走)的是|"
    # "公司规定哪个必须优先推", "公司要求…默认用的是哪一个", "公司规定三档之间是不是每档差20%": the company's own choice
    r"(?:公司|总部|省公司)(?:规定|要求)(?![^，,。？?]{0,20}(?:怎么|如何|咋))[^，,。？?]{0,14}?(?:哪(?!些|几)|是不是|是否)|"
    r"有(?:什么|啥|哪些)(?:规定|政策|制度)|怎么规定|审批权限|(?:硬性|成文的?|明文)(?:规定|要求)|"
    r"(?:哪一?级|哪个级别|哪个层级|谁)[^，,。？?]{0,4}(?:审批|批准|签批)|(?:审批|批准|签批)[^，,。？?]{0,6}(?:哪一?级|哪个级别|哪个层级)|"  # "要走到哪一级审批"
    r"(?:要|得|需要|找|由)谁(?:来)?(?:点头|批|拍板)|\bwho\s+(?:approves|signs\s+off|(?:can|has\s+to|must|needs\s+to)\s+approve)\b|\bwhose\s+(?:approval|sign-?off)\b|"
    r"(?:公司|咱们|我们)(?:有没有|是否有|有无)(?:个|一个)?(?:下限|上限|门槛|底线|硬杠杠)|"  # "公司有没有个下限，至少省一成才报"
    r"\bis\s+there\s+an?\s+(?:required|mandatory|set|minimum)\s+(?:number|minimum|quota|count)\b|"
    r"\bwho\s+(?:pays|covers|bears|foots)\b|"  # "who pays the freight": whose cost the company's rules make it
    r"(?:规定|政策|制度)[^，,。？?]{0,8}(?:吗|么)\s*[？?]?\s*$|"  # "他们这个政策是全省统一的吗"
    r"(?:积分|额度|优惠|赠送|余额|话费)[^，,。？?]{0,6}(?:会不会|是否|能不能)?(?:过期|清零|作废|失效|顺延|结转)|"
    r"\b(?:expire|expires|lapse|lapses|roll\s+over|carry\s+over)\b[^.!]{0,40}\?|"
    r"([\u4e00-\u9fff]{2,4})还是不\1|(?:是|要)按[^，,。？?]{1,10}?[，,]?\s*还是按|工作日还是自然日|自然日还是工作日|(?:赔偿|补偿|赔付)标准|"  # "填含税价还是不含税价": which of two terms the rule says
    r"\b(?:in|under)\s+our\s+(?:standard\s+|own\s+|current\s+)?(?:[\w-]+\s+)?(?:contracts?|agreements?|slas?|price\s+lists?|rate\s+cards?)\b|"
    r"\b(?:does|do|did)\s+(?:the\s+company|our\s+company|head\s+office|hq|management)\s+(?:require|mandate|set|insist|prescribe|specify)\b|"
    r"\bthe\s+company\s+(?:requires?|mandates?)\b|\bis\s+there\s+(?:a|an|any)\s+(?:set\s+|official\s+|written\s+)?(?:rule|policy|guideline)\s+(?:on|for|about)\b|\bwritten\s+down\s+anywhere\b(?=[^.!。！]*\?)|\ban?\s+official\s+list\b|"
    r"\b(?:company|our|the\s+company's)\s+(?:\w+\s+){0,2}polic(?:y|ies)\b|\bpolicy\s+(?:on|for)\b|\ballowed\s+to\b|"
    r"\bwithout\s+(?:breaking|violating)\b|"
    # "does the company have a dress code", "is a suit and tie mandatory": a rule only the company sets
    r"\b(?:does|do)\s+(?:the\s+company|our\s+company|we)\s+have\s+(?:a|an|any)\s+(?:[\w-]+\s+){0,2}?(?:code|rule|policy|guideline)s?\b|"
    r"\bis\s+(?:it|a|an|the)\b[^?.!]{0,40}?\b(?:mandatory|compulsory|obligatory)\b|"
    r"\bis\s+(?:that|this|it)\s+(?:allowed|permitted)\b|\bwhat(?:['’]s|\s+is)\s+(?:the|our)\s+(?:[\w-]+\s+){0,2}?polic(?:y|ies)\b|"
    # "does the company reimburse taxi fares", "do reps get a commission on renewals", "is our renewal discount capped"
    r"\b(?:does|do|will)\s+(?:the\s+company|our\s+company|we|head\s+office)\s+(?:reimburse|refund|subsidi[sz]e)\b|"
    r"\b(?:do|does)\s+(?:reps|we|i|account\s+managers|kams)\s+(?:get|earn|receive)\s+(?:a\s+|any\s+)?(?:commission|bonus|rebate)\b|"
    r"\b(?:is|are)\s+(?:our|the)\s+(?:[\w-]+\s+){0,3}?(?:discounts?|rebates?|bonus(?:es)?|commissions?|fees?)\s+capped\b"
)
_FILE = r"模板|模版|范本|样表|excel|ppt|pdf|word\s*版"
_DOCUMENT_ASK = _re(
    r"(?:原文|全文|范文|原话)[^。？?，,]{0,6}(?:怎么写|是什么|是啥|发我|给我)|照抄|照着抄|"
    r"\b(?:exact|full|verbatim)\s+(?:wording|text)\b|"
    rf"(?:{_FILE})(?:文件)?[^。？?，,]{{0,6}}(?:发我|发给我|给我|传我|有吗|有没有|在哪)|"
    rf"(?:发我|发给我|给我发|传我|有没有|有现成的?|要一份|来一份)[^。？?]{{0,16}}(?:{_FILE})|"
    r"\b(?:send|share|give|email|forward)\s+me\s+(?:the\s+|a\s+|an\s+|your\s+)?(?:[\w'’-]+\s+){0,4}?(?:template|spreadsheet|excel|file|deck|pdf|ppt)\b|"
    r"\b(?:is\s+there|do\s+we\s+have|where\s+(?:can|do)\s+i\s+(?:get|find|download))\s+(?:a|an|the|any|our)\s+(?:[\w'’-]+\s+){0,3}?"
    r"(?:template|spreadsheet|excel\s+file|ready-made)\b|\bare\s+there\s+(?:any\s+)?(?:[\w'’-]+\s+){0,2}?templates\b|"
    # "各自要填哪些栏", "一共有多少栏", "表头有哪些栏目": a form's own columns, which a playbook that names the form never lays out
    r"(?:哪些|哪几个?|几|多少)\s*个?栏(?:目|位)?|栏(?:目|位)?(?:都|分别)?(?:有|是)(?:哪些|什么|啥)|表头"
)
_SYSTEM_ASK = _re(
    r"(?:菜单|字段|下拉(?:框|菜单|选项)?|选项值|编码|代码|代号|号段|前缀|app|应用商店|手机端)[^，,。；;]{0,12}?(?:叫|是|有|在|用|填|选)?"
    r"(?:什么|啥|哪|多少)|(?:哪个|哪几个|哪些|什么|啥)(?:菜单|字段|编码|代码|号段|前缀|app)|(?:什么|啥|哪些|哪一?[级类个])的?(?:权限|字段)|权限(?:是|有)?(?:什么|啥|哪些)|下拉(?:框|菜单|选项)[^，,。；;]{0,8}?(?:是不是|是否|有没有)|"
    r"系统里[^，,。？?]{0,16}(?:最多|最少|上限)|\b(?:system|crm)\b[^?]{0,30}\b(?:maximum|max|cap|upper\s+limit)\b|"  # a field's limit
    r"\b(?:maximum|max|upper\s+limit)\b[^?]{0,40}\b(?:in|on)\s+(?:the\s+|our\s+)?(?:system|crm)\b|"
    r"\bdrop-?downs?\b|\bapp\s+store\b|\blabell?ed\s+['\"‘“]|\b(?:service|stage|reason|status|product|error)\s+codes?\b|\bnumber\s+prefix\b|"
    r"\b(?:which|what)(?:['’]s|\s+is|\s+are)?\s+(?:[\w'’-]+\s+){0,3}?(?:menus?|fields?|codes?|prefix(?:es)?)\b"
    r"(?!\s+(?:of\s+conduct|team|teams|work|visits?|sales|staff|force|reps?|trip|day)\b)"
)
# Whether the company has a person, tool or record, and what it is called, who runs it or where it is: asked after
# the existence question, so "客户不知道找谁，我们有没有什么做法" (a practice) is not one.
_INTERNAL_ASK = _re(
    # "我们公司的CRM实际已经上了其中哪几类", "复盘报告放哪能看到": the company's own state and its own records
    r"(?:已经|实际)[^，,。？?]{0,8}?(?:上了|用了|做了|开通了|实施了|落地了|建了|买了)[^，,。？?]{0,4}?哪(?:几|些)|"
    r"(?:报告|纪要|记录|文件|材料)(?:放|存)(?:在)?(?:哪|哪里|哪儿)(?:能|可以)(?:看到|找到|查到|下载)|"
    r"(?:公司|我们|咱们)(?:那个|那套|的|用的|现在用的)[^，,。？?]{0,10}?(?:系统|平台|工具|库|小程序|软件|app)(?:到底)?叫(?:什么|啥)|"  # "公司那个知识库平台叫啥"
    r"(?:我们|咱们|我司|公司)[^。？?！!]{0,12}?(?:有没有|是否有|有无)[^。？?！!]{0,16}?"
    r"(?:小程序|系统|平台|工具|数据库|资料库|库|台账|档案|报告|团队|小组|部门|专人|的人|同事|讲师|专员|热线|群|账号|网站|app|公众号)"
    r"[^。？?！!]{0,6}?[。？?！!，,\s]*[^。！!]{0,12}?"
    r"(?:叫什么|叫啥|什么名字|找谁|谁负责|谁管|怎么联系|联系方式|放哪|放在哪|在哪(?:能|可以)?(?:看|找|查|下载)|哪能看到)|"
    r"\b(?:do|does)\s+(?:we|our\s+(?:[\w'’-]+\s+){0,2}?(?:team|department|office|group|company))\s+(?:have|keep|run|maintain|use)\b[^?]{0,100}?"
    r"\b(?:called|who|whom|where)\b|"
    r"\bis\s+there\s+an?\s+internal\b[^?]{0,80}\?[^?]{0,40}?\b(?:called|who|whom|where)\b|"
    r"\bwhich\s+of\s+our\s+(?:[\w'’-]+\s+){0,2}?(?:accounts|clients|customers)\b"
)
# A ranking of a list's items asked for ("哪三种最管用", "有没有排名", "which three work best", "weighted most").
_RANK_ASK = _re(
    r"排名|排个序|排序|哪[一二两三四五六七八九十几\d]?(?:个|种|项|条|招)[^，,。？?]{0,10}?最(?:有效|管用|好用|常见|容易|重要|关键|大|多)|影响最大|"
    r"\bwhich\b[^?]{0,60}?\b(?:works?\s+best|most\s+(?:effective|common|important|often)|weigh(?:s|ted)?\s+(?:most|heaviest)|matters?\s+most)\b|"
    r"\branking\b|\branked\b|\bwhich\s+(?:one|two|three|four|five|\d+)\b[^?]{0,40}?\bprioriti[sz]e\b"
)
# Data asked for as evidence ("哪种获客成本低？有没有对比的数字", "any numbers comparing the two?"): a figure.
_DATA_ASK = _re(
    r"有没有(?:对比的?|统计的?|具体的?|实际的?|更新的?)?(?:数字|数据|统计|年份|结果)|有没有统计过|有没有人统计|有(?:具体的?|实际的?)?(?:数据|统计)吗|"
    r"有没有(?:测|量化|算|测算)过|\bis\s+there\s+an?\s+(?:ratio|percentage|share|weighting|benchmark\s+figure)\b|"  # "有没有测过权重"
    r"\bwith\s+(?:figures|numbers|data)\b|"
    r"\bany\s+(?:actual\s+|hard\s+|real\s+)?(?:numbers|data|figures|statistics|stats)\b|\bany\s+measured\s+comparison\b|"
    r"\b(?:i\s+need|give\s+me|send\s+me)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:figures|numbers|data|stats|statistics)\b"
)
# How a quoted figure was counted: what it includes, or the rule that defines it.
_BASIS_ASK = _re(
    r"(?:是)?(?:怎么|如何|咋)(?:算|计算|统计|定义|测)(?:的|出来的)|按什么(?:算|计算|统计)的?|口径(?:到底|究竟)?是(?:什么|啥)|(?:讲清|说清)楚?口径|"
    r"只算[^，,。？?]{1,12}[，,]?还是|按[^，,。？?]{1,8}(?:算|计算|统计)的?[，,]?还是|算(?:进去|在内|在里面)(?:了)?(?:吗|么|没有|没)|"
    r"\bhow\s+(?:was|is|were|are|did\s+they|do\s+they)\s+(?:that|the|this|those|these|it)?\s*[\w\s%-]{0,20}?(?:measured|calculated|counted|defined|computed)\b|"
    r"\bwhat\s+(?:does|did)\s+(?:that|the|this)\s+[\w\s%-]{0,20}?(?:include|cover|count)\b"
)
# "到底指啥", "是什么意思": the meaning of a term, which the playbook explains, whatever legal word is near it
_MEANING = _re(r"(?:到底|究竟)?指(?:的是)?(?:啥|什么)|是(?:什么|啥)意思|\bwhat\s+(?:does|do)\s+[\w'’ -]{1,30}\s+mean\b")
# Company pay for the rep: never in a playbook, asked for with "how is it computed" as often as "how much".
_PAY_ASK = _re(r"(?:提成|佣金|返点|奖金|底薪)(?:怎么|如何|按什么|咋)(?:算|计算|给|发|拿)")

# Which kind of value the words around the request point to, checked in this order.
_KIND_WORDS = (
    (
        CONTACT,
        _re(r"电话(?:号码)?(?:是|大概是)?(?:多少|啥|什么)|热线|号码|手机号|邮箱|网址|地址|微信号|联系方式|\bphone\b|\bhotline\b|"
            r"\be-?mail\b|\bwebsite\b|\baddress\b|\bmailbox\b|\bwhere\s+(?:is|are|can\s+i\s+find)\b|\bcontact\s+(?:number|details)\b"),
    ),
    (
        DATE,
        _re(r"哪天|哪一天|哪日|哪年|哪一年|哪个?月|哪周|哪个季度|什么时候|啥时候|何时|几时|几号|几月|几点(?!意见|建议|意义|好处|理由|原因|要求|想法|体会|经验|不足|注意|共识|区别|原则|要点|措施)|截止|"
            r"\bwhen\b|\bdates?\b|\b(?:which|what)\s+(?:day|month|year|week|quarter)\b|\bwhat\s+time\b|\bdeadline\b|"
            r"(?:周|星期|礼拜)[一二三四五六日天]|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    ),
    (
        DURATION,
        _re(r"多久|多长|几天|几年|几个?月|几周|几个?星期|几个?小时|几分钟|多少(?:个)?(?:天|小时|分钟|年|月|周)|多少时间|多少工夫|"
            r"期限|时限|周期|有效期|账期|保修|质保|\bwarranty\b|\bhow\s+long\b|\bhow\s+soon\b|\bhow\s+many\s+(?:[\w-]+\s+)?(?:days|hours|minutes|weeks|months|years)\b|"
            r"\b(?:hour|day|time)\s+limits?\b|提前量|\bnotice\b|\blength\b|\bduration\b|\bterms?\b|\bin\s+(?:days|hours|minutes|weeks|months|years)\b|\btime\s+window\b|\bwaiting\s+period\b|\bcooling-off\b|\bgrace\s+period\b|\bresponse\s+time\b"),
    ),
    (
        NAME,
        _re(r"叫(?:什么|啥)(?:名字)?|全称|哪位|是谁|谁提出|谁发明|谁首创|哪本书|出自|作者|版本|型号|哪版|排第一|排名|哪个(?:部门|菜单|页面|模块|入口)|\bauthor\b|\boriginator\b|\bsource\s+book\b|"
            r"\bversion\b|(?<![a-z]\s)\bwho\b|\bwho(?=['’]s\b|\s+(?:is|are|was|were|approves?|signs?|authori[sz]es|heads|runs|leads)\b)|谁(?:来)?(?:审批|批准|签字|签批|拍板|说了算)|在[^，,。？?]{0,6}哪(?:里|儿)|哪个(?:国家|城市|地区|省|行业|机构|单位|系统|平台|软件|工具|团队|小组|岗位|分公司|子公司|支公司|营业部)|\bwhich\s+[\w-]+(?:\s+[\w-]+)?\s+ranked\b|\bwhere\s+does\b|哪家|哪一家|哪款|哪个(?:公司|供应商|厂商|厂家|品牌|运营商)|\bwhich\s+(?:[\w-]+\s+){0,2}?"
            rf"{_NAMED}\b|"
            r"\bwho\s+(?:won|supplied|built)\b|\bname\s+of\b|\bcalled\b"),
    ),
    (COUNT, _re(r"\bsample\s+size\b|\bhow\s+many\s+(?:people|respondents|customers|clients|companies|firms)\s+(?:were|did\s+they)\s+survey|样本量|调查了多少|调研了多少|问卷")),  # a survey's size, not its shares
    (
        RATE,
        _re(r"占.{0,4}(?:多少|几)|比例|百分|几个点|多少个?点|几成|几折|打.{0,4}折|折扣|费率|[\u4e00-\u9fff]率|权重|比重|占比|几倍|多少倍|提成|佣金|返点|让.{0,2}几|"
            r"percent|%|\baccura(?:te|cy)\b|\brates?\b|\bro[sie]\b|\breturns?\s+on\s+(?:sales|investment)\b|\bcagr\b|\bmargins?\b|\bratios?\b|\bweighting\b|\bcomm?iss?ions?\b|\buptime\b|\bavailability\b|\bsla\b|\bdiscounts?\b|\brebates?\b|\bshare\b|\bproportion\b|\bweight\b|\btimes\b"),
    ),
    (
        AMOUNT,
        _re(r"钱|元|块钱|(?<!消)费|价格|报价|价钱|单价|售价|什么价|啥价|预算|成本|金额|奖金|底薪|工资|薪|收入|营业额|花多少|开支|补贴|津贴|补助|报销|奖励|罚款|罚金|赔偿|押金|保证金|定金|"
            r"\bbudget\b|\bcosts?\b|\bfees?\b|\bprices?\b|\bcharges?\b|\bspend\b|\bpay\b|\bbonus\b|\bsalary\b|\brevenue\b|\bworth\b|"
            r"\byuan\b|\bmoney\b|\bpenalty\b|\bfines?\b|\ballowance\b|\bsubsid(?:y|ies)\b|\b(?:deal|contract|order)\s+(?:size|value)\b|\bstipend\b|\breimburse|\bdeposit\b|\bhow\s+much\s+(?:is|does|do|will|would)\b"),
    ),
    (COUNT, _re(r"分数线|分界线|及格线|分档线|阈值|临界值|\bcut-?offs?\b")),  # a score that splits ("按什么分数线切的")
)
_KIND_WORDS_OF = dict(_KIND_WORDS)
# "分几类", "有多少个阶段", "how many steps": a count of kinds, which a list answers as well as a number.
_CATEGORIES = _re(
    r"(?:多少|几)\s*个?\s*(?:典型|主要|核心|关键|基本|常见|共同)?的?(?:类|种|步|项|层|级|档|阶段|方面|条|大|部分|环节|维度|因素|原因|方法|办法|渠道|特点|要点|情况|标志|原则|能力|层次|台阶|要素|特征|"
    r"模块|话题|议题|前提|功能|工具|策略|步骤|技巧)|"
    r"\bhow\s+many\s+(?:[a-z-]+\s+){0,2}?(?:kinds|types|steps|stages|levels|ways|factors|reasons|methods|categories|parts|phases|tiers|"
    r"situations|cases|signs|items|points|elements|principles|dimensions|capabilities|competencies|rules|things|channels|sources|routes|"
    r"buckets|groups|classes|segments|downsides|drawbacks|disadvantages|advantages|benefits|features|characteristics|traits|criteria|"
    r"mistakes|pitfalls|tactics|techniques|strategies|tips|motives|motivations|causes|drivers|questions|modules|components|"
    r"pillars|aspects|areas|indicators|metrics|roles|functions|rungs|measures|topics|sections|tools)\b"
    # not a modifier: "how many capabilities managers" counts people, "how many points of the monthly score" a score
    r"(?!\s+(?:managers?|officers?|owners?|leads?|people|staff|teams?)\b|\s+of\s+(?:[\w'’-]+\s+){0,6}?(?:scores?|ratings?|marks?|grades?)\b)|"
    # "how long is that list", "how many are on it": the length of a list is the count of its items
    r"\bhow\s+long\s+is\s+(?:the|that|this|their|its)\s+(?:[\w'’-]+\s+){0,2}?list\b|\bhow\s+many\s+(?:are|items|entries|things)\s+(?:are\s+)?(?:on|in)\s+(?:it|that|this|the|their|its)\b"
)
_UNIT = re.compile(r"(?:多少|几)\s*(课时|学时|个点|个百分点|个人|个小时|小时|分钟|个工作日|个月|个星期|星期|[位家次天年月周号点分成折倍岁名项条步类种级档层人户元块万件趟])")

_SCORE_BEFORE = re.compile(r"(?:满分|总分|得分|分数|分值)(?:是|为|有|能有|大概|一般)?$")  # "每项满分多少": a score asked
_COUNT_UNITS = frozenset("个位家次名项条步类种级档层人户件趟")
_KIND_UNITS = frozenset("类种级档层步项条")  # "分几类", "几层", "分几档": a count of kinds, said with its number in the passage

# A newer round of a figure the playbook gives ("最新一轮的数据", "in the latest round"): asked with or without a value word.
_NEWER_DATA = _re(
    r"更新(?:的|后的)(?:年份|数字|数据|结果|版本)|最新(?:的)?(?:数字|数据|结果|调研|一轮)|"
    r"\b(?:newer|more\s+recent|latest|updated)\s+(?:figures?|numbers?|data|results?|survey|study|round|edition)\b"
)
# "Last quarter", "this year": figures about the company's own period, never in a generic playbook.
_OWN_PERIOD = _re(
    r"上个?季度|这个?季度|本季度|下个?季度|上个?月|这个月|本月|去年|今年|明年|前年|\blast\s+(?:year|quarter|month)\b|"
    r"\bthis\s+(?:year|quarter|month)\b|\bnext\s+(?:year|quarter|month)\b|"
    rf"{_NEWER_DATA.pattern}|"  # newer than the playbook's figures
    r"(?<!\d)20[1-9]\d(?!\d)(?:\s*年)?"  # a year of this century's last decades: a playbook's figures are older or timeless
)
# The company's own unit or its state today, in the sentence that asks ("我们片区配几个", "咱们公司现在做到了几项",
# "编制几个人", "our CRM … currently"): figures a generic playbook never holds, like a period's.
_OWN_NOW = _re(
    r"(?:咱们|我们|我司|本公司)(?:公司|单位|分公司|市公司|省公司|部门|这边)?[^，,。？?]{0,12}(?:现在|目前|眼下)|"
    r"(?:咱们|我们|我司)(?:片区|分公司|市公司|省公司|地市|省|市|区)|编制|"
    r"\bour\s+(?:own\s+)?(?:crm|company|team|region|province|branch|department|office)\b[^?.!]{0,30}\b(?:currently|now|today|licen[cs]ed)\b|"
    r"\b(?:percentage|percent|share|portion|proportion|part)\s+of\s+our\s+(?:total\s+)?(?:revenue|sales|income|turnover|profit|margin)\b|"
    r"(?:咱们|我们|我司)(?:公司)?的?(?:收入|营收|营业额|业绩|利润)[^，,。？?]{0,8}(?:几成|百分之几|多少|占比)|"
    rf"{_OURS}"
)
# "Which are the twelve methods, list them": a named list the playbook may name without spelling out.
_LIST_REQUEST = _re(
    rf"(?:具体|分别)?(?:是)?哪({_NUMBER})(?:个|种|条|步|项|大)|列(?:一下|出来|出)|"
    r"(?:完整|全部|全套|详细)的?(?:清单|列表|名单)|(?:一张|一份)[^，,。？?]{0,6}(?:清单|列表)|具体(?:是|有)?哪(?:几|些)"
)
# "问题员工到底分哪几类": the thing whose classes are asked for, said before 分.
_CLASSED_NOUN = re.compile(
    r"([\u4e00-\u9fff]{2,4}?)[，,]?(?:具体|到底|一共|总共|都|又|可以|能)?分(?:成|为)?哪(?:几|些)\s*(?:类|种|型|级|层)"
)
# "那42个方法，能先给我列前五个吗": the first few items of a named list.
_FIRST_ITEMS = _re(rf"列(?:一下|出)?(?:前|头)\s*({_NUMBER})\s*(?:个|条|种|项|步|招)")
# "上任九步曲，第一步是什么": one item of a list the question names with its size ("九步曲", "五项修炼").
_LIST_ITEM_REQUEST = _re(
    rf"({_COUNTED})\s*(步|项|条|招|式|大|个|种|点)[^，,。？?！!；;\s]{{0,6}}?[，,\s]*[^。？?！!]{{0,8}}?"
    r"第\s*[一二三四五六七八九十\d]+\s*\2\s*(?:是|叫|指)?(?:什么|啥|哪)"
)
# "建立自信的5个方法里，是不是有一条是…", "六大定价策略里有没有撇脂定价": whether a named list holds an item.
_MEMBER_REQUEST = _re(
    rf"({_COUNTED})\s*(?:个|大|种|条|项|步|类)[\u4e00-\u9fff]{{1,6}}?(?:里|中|之中|当中)[^。？?]{{0,12}}?(?:是不是|有没有|是否|包不包括|包括)|"
    r"(?:是不是|是否)(?:其中|里面)的?一(?:条|个|种|项|步)"
)
_OPEN_LIST_REQUEST = re.compile(r"哪几(?:招|个|种|条|步|项|类|点|方面|样)|哪些")
_SIZED_OPEN_LIST = re.compile(rf"({_COUNTED})\s*(?:个|种|条|步|项|大|类|点)[\u4e00-\u9fff]{{0,6}}?(?:分别|都|具体)?(?:是|有)?哪些")
_SIZE_SAID_AFTER = re.compile(
    rf"(?:列了|列出了?|写了|讲了|提了|说了|一共|总共|共)\s*({_COUNTED})\s*(?:个|种|条|步|项|大|类|点)(?=[，,。？?！!；;\s]|$)"
)
_EN_NUMBERS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
_EN_LIST_REQUEST = _re(
    r"\b(?:list|name|spell\s+out|enumerate|walk\s+me\s+through|what\s+are|which\s+are)\s+(?:all\s+|each\s+of\s+)?"
    rf"(?:the\s+|those\s+|these\s+|its\s+|their\s+)?(\d+|{'|'.join(_EN_NUMBERS)})\b"
)
# "What are its layers, exactly? list them": a list asked for without its size.
_EN_OPEN_LIST_REQUEST = _re(
    r"\blist\s+(?:them|these|those|all\s+of\s+them)\b|\b(?:full|complete|whole|numbered)\s+list\b|\bchecklist\b|"
    r"\b(?:what|which)\s+are\s+(?:they|its|their|the)\s+[\w-]+,?\s+exactly\b"
)
# A list named by its size ("17种办法", "of the nine steps"), whose items a ranking would order.
_SIZED_LIST = _re(
    rf"{_COUNTED}\s*(?:个|条|种|项|招|大|类|步|点)|\bof\s+(?:the|these|those|its)\s+(?:\d+|{'|'.join(_EN_NUMBERS)})\b|"
    rf"\b(?:the|these|those)\s+(?:\d+|{'|'.join(_EN_NUMBERS)})\s+[\w-]+|"
    r"\b\d+-(?:methods?|ways?|steps?|items?|points?|tactics?|techniques?|rules?|factors?)\b"  # "the 17-method list"
)
# "The course lists 5 methods for building confidence. What exactly are they?": a size named, then the list asked for.
_EN_SIZED_THEN_ASKED = _re(
    rf"\b(\d+|{'|'.join(_EN_NUMBERS)})\s+(?:[\w-]+\s+){{0,2}}?(?:methods|steps|ways|types|kinds|modules|disciplines|stages|"
    r"principles|tactics|factors|levels|parts|categories|tips|rules|habits|mistakes|errors)\b[^?]{0,60}?[.?,;:]\s*"
    r"(?:what\s+(?:exactly\s+)?are\s+they|which\s+(?:ones\s+)?are\s+they|what\s+are\s+(?:the|those)\s+[\w-]+)\b"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.、)）]|[（(]\d+[)）]|[①-⑳])\s*", re.MULTILINE)
_CN_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

# Nouns that name the fact asked for, to say which fact is missing ("没有写包月费的具体金额").
_SUBJECT = _re(
    r"包月费|月费|年费|资费|报价|价格|违约金|提成|佣金|返点|奖金|底薪|折扣|预算|经费|代办费|流失率|权重|[\u4e00-\u9fff]{2}率|"
    r"积分|绿色通道|有效期|保密期限|期限|门槛|返(?:几|多少)个?点|"
    r"\b(?:monthly|annual|yearly)\s+fee\b|\bcomm?iss?ion(?:\s+rate)?\b|\bdiscount\b|\bpayment\s+term\b|\bbudget\b|\bbonus\b|"
    r"\bresponse\s+time\b|\bcontract\s+law\b|\bpenalty(?:\s+rate)?\b|\bquota\b|\blicen[cs]e\b|\bnotice\b|\bdeadline\b|"
    r"\b(?:gross\s+|profit\s+)?margin\b"
)
# The words a Chinese passage names an English subject with (its first word as the key): "what gross margin …" is
# answered by a figure said beside 毛利 or 差价, not by any percentage of the section.
_SUBJECT_IN_CHINESE = {
    "monthly": "月费|包月|月租",
    "annual": "年费",
    "yearly": "年费",
    "commission": "提成|佣金|返点",
    "discount": "折扣|打折|[\\d一二三四五六七八九]\\s*折|优惠|让利|降价",
    "payment": "付款|账期|回款|结算|预付|趸交",
    "budget": "预算|经费",
    "bonus": "奖金|奖励|提成",
    "response": "响应|回复|答复|反馈",
    "contract": "合同法",
    "penalty": "违约金|罚",
    "quota": "指标|配额|定额|任务",
    "licence": "许可|授权|账号",
    "license": "许可|授权|账号",
    "notice": "通知|提前",
    "deadline": "期限|截止|之前|以内|之内",
    "gross": "毛利|利润|差价|加价",
    "profit": "毛利|利润|差价|加价",
    "margin": "毛利|利润|差价|加价",
}


@dataclass(frozen=True)
class AskedFact:
    """What a question asks for: its kind, the noun that names it ("包月费"), its unit ("倍") and its period."""

    kind: FactKind
    subject: str = ""
    period: str = ""  # "上个季度", "last year": the company's own figures for a period
    unit: str = ""  # the unit the question names after 多少/几 ("倍", "分钟"), which the passage must use
    categories: bool = False  # "分几类", "how many steps": a list of that many items answers it
    request: str = ""  # the words that ask, to the end of their clause ("哪家软件供应商中标的")
    alias: str = ""  # the acronym the question gives beside its subject, lower case ("销售回报率ROS" → "ros")
    segment: str = ""  # the industry the figure is asked for ("化工企业的ROS", "for the telecom sector"), as words a passage uses
    own_unit: bool = False  # about the company's own unit or its state today ("我们片区配几个", "our CRM … licensed for")
    limited: bool = False  # "至少落实几种", "最多能送几个月": a limit, which a passage states with a limit word
    # the question, when it gives figures itself ("新客户15%、老客户50%，回流客户呢？") and asks, in words the grammar reads,
    # for another; not for a guessed request: "what is the '1860'" asks what a number quoted as a name stands for
    quoted: str = ""
    # "有没有个具体的数", "is there an actual number on that": the rep asks for a figure in so many words, which only a
    # sentence with a figure of its own answers (not the question's figures again, not an index line of keywords)
    demanded: bool = False
    options: tuple[str, ...] = ()  # a CHOICE's options, as the question writes them ("DISC", "MBTI")
    # "不满意的客户会告诉8到10个人，那要是在网上发差评…多少人": a figure restated, then another asked "那…": the text before
    # "那" and the clause from it on, which a sentence answers only with a word or figure of its own ("网上", "差评")
    contrasted: tuple[str, str] | None = None

    @property
    def own_period(self) -> bool:
        """True for figures about a particular period, which a generic playbook never gives."""
        return bool(self.period)

    @property
    def own_figures(self) -> bool:
        """True for the company's own figures (a period's, its unit's, today's), which a generic playbook never gives."""
        return self.own_period or self.own_unit


def simplified(text: str) -> str:
    """The text with Traditional characters in Simplified (lengths kept), NFKC, lower case."""
    return normalize(to_simplified(text))


def value_request(query: str) -> tuple[str, str]:
    """The words that ask for a value ("多少钱", "how much") and the words after them, or ("", "") when none.

    Chinese value words count only in a clause that carries the question (one ending in ？, the last
    one, or the one before a tag like "有人知道吗"), and not when negated (没多少). The second string (the
    request to the end of its clause or sentence) says which kind of value is wanted.
    """
    text = simplified(query)
    asking = _asking_sentences(_EN_SPOKEN.sub(lambda said: " " * len(said.group(0)), text))  # not what someone said
    match = next((found for found in _EN_VALUE.finditer(asking) if not _SET_ASIDE_EN.search(asking[: found.start()])), None)
    if match:
        end = re.search(r"[?？.!。！;；\n]", asking[match.end() :])
        return match.group(0), asking[match.start() : match.end() + (end.start() if end else len(asking))]
    clauses = [clause for clause in _CLAUSE.findall(text) if clause.strip(" ，,；;。！!？?\n")]
    marker = next((number for number, clause in enumerate(clauses) if _ASK_MARKER.search(clause)), len(clauses))
    if _PLAYBOOK_SAYS.search(clauses[-1] if clauses else ""):  # "…几个小时能修好，我也不清楚，手册里有没有写": all of it asks
        marker = 0
    for number, clause in enumerate(clauses):
        for found in _ZH_VALUE.finditer(clause):
            if _negated(clause, found.start()) or _a_few(clause, found) or _NOT_ASKED_AFTER.match(clause, found.end()):
                continue
            if any(before.search(clause[: found.start()]) for before in _NOT_ASKED_BEFORE):  # judged, a method, set aside
                continue
            limit = _LIMIT_BEFORE.search(clause[: found.start()])
            stated_as = _IS_BEFORE.search(clause[: found.start()]) and not _HOW_TO.search("".join(clauses[number + 1 :]))
            condition = number + 1 < len(clauses) and _ONLY_THEN.match(clauses[number + 1])
            if number >= marker or _asks_in(clauses, number) or _PRESSED.match(clause, found.end()) or limit or stated_as or condition:
                window = clause[found.start() :]
                if _chained(clauses, number):  # "满分多少，几分以上算高": the next ask says the unit
                    window += clauses[number + 1]
                return found.group(0), window
    marked = _ASK_MARKER.search(text) or _SEND_ME.search(text)
    if marked:
        noun = _REQUEST_NOUN.search(text)
        if noun:
            return noun.group(0), text[noun.start() :]
    for choice in (_ZH_CHOICE, _EN_CHOICE):
        found = choice.search(text)
        if found and ("？" in text[found.end() :] or "?" in text[found.end() :] or found.end() >= len(text.rstrip()) - 4):
            return found.group(0), found.group(0)
    return "", ""


# "… after reading our quote: 'This is way over what we'd planned for.'": what someone said, in quotes (a question
# quoted, "the client asked 'how long is the contract?'", is one the rep wants answered).
_EN_SPOKEN = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=:))['\"‘“][A-Za-z][^\"“”?]*?[.!…]['\"’”](?=\s|$)")


# "我就想知道…", "帮我查一下…", "请问…": what follows asks, whatever clause it is in.
_ASK_MARKER = re.compile(r"想知道|想问|想确认|想了解|请问|问一下|问下|帮我查|查一下|确认一下|告诉我|麻烦问")
# "手册里有没有写", "材料里查得到吗": a last clause asking whether the playbook says what came before.
_PLAYBOOK_SAYS = re.compile(
    r"(?:手册|材料|书|培训|课件|资料|案例|卡片)(?:里|上|中)?(?:面)?(?:有没有|有无|是否|有)?(?:写|说|讲|提|查得到|能查到|查到|找得到)(?:过|了|到)?(?:吗|么|没有|没)?[？?。]?\s*$|"
    r"(?:里面|里头|上面|这里面)?有(?:没有)?(?:这个|这|那个)(?:数|数字|数据)(?:吗|么|没有)?[？?。]?\s*$"  # "里面有这个数吗"
)
# "Does the case say?", "Is that in the playbook?": a last question asking whether the playbook says what came before.
_EN_PLAYBOOK_SAYS = _re(
    r"(?:and\s+)?(?:does|do|did|can)\s+(?:the\s+|our\s+|that\s+|this\s+)?(?:playbook|case|material|materials|manual|training|deck|guide|book|section)"
    r"\s+(?:say|mention|cover|tell\s+us|give|state|list|specify)(?:\s+(?:it|that|anything|so))?\s*\?|"
    r"(?:is|was)\s+(?:that|it|this)\s+(?:in|covered\s+in|written\s+in)\s+(?:the\s+|our\s+)?(?:playbook|case|material|materials|manual|training)\s*\?"
)
# "比如一个月内必须见完", "例如每签一家奖多少钱": a clause that gives an example of the value asked.
_EXAMPLE_OPENS = re.compile(r"比如|例如|譬如")
# "最多能送几个月", "超过几个点": a limit just before the value word asks for it.
_LIMIT_BEFORE = re.compile(r"(?:最多|最少|至少|最长|最短|上限|下限|超过|超出)(?:\S{0,3}|[^，,。？?！!；;\s]{0,8})$")
# "红线是百分之几，超了会怎么样": a value word right after 是 asks, in any clause, unless a later clause asks
# how to act ("客户问价格是多少，我怎么回"): then the value is what someone else asked.
_IS_BEFORE = re.compile(r"(?:是|为|定在|定为|定的是)(?:百分之)?$")
_HOW_TO = re.compile(r"怎么办|怎么(?:回|说|讲|答|处理|应对|跟|和|做|弄|谈)|如何|咋(?:办|回|说)|该怎|应该")
# "啥都没有", "多少都行": an indefinite; "谁拍板她也说不清": what someone else does not know; "赚了多少有啥不一样":
# a comparison of two ideas. None asks.
_NOT_ASKED_AFTER = re.compile(
    r"(?:有|是)?(?:什么|啥)?(?:不一样|不同|区别|差别)|"  # "跟去年赚了多少有啥不一样": two ideas compared, no figure
    r"[^，,。？?！!；;]{0,2}?(?:都|也)(?:没|不|行|可以|无所谓)|[^，,。？?！!；;]{0,6}?(?:他们|他|她|对方)也?(?:说不清|不知道|不清楚|搞不清|讲不清)"
)
# "份额要占到百分之几，公司才认它", "得过多少万，公司才肯批": the next clause makes the value a threshold, which asks for it.
_ONLY_THEN = re.compile(r"(?![^，,。？?！!；;]*(?:怎样|怎么|如何|咋))[^，,。？?！!；;]{0,6}?才(?:算|能|认|会|可以|行|够|肯|给|批|让|有资格)")
# "判断哪家值得投入", "分辨哪个是真需求": a value word after a verb of judging is the object judged, not a request.
_JUDGED = re.compile(r"(?:判断|分辨|辨别|识别|判定|看出|分清)(?:出|一下|清楚)?$")
# "我该怎么先把这些问题分分类、各找谁解决": a value word after "该怎么" in its clause is part of the method asked for.
_HOW_BEFORE = re.compile(r"(?:该|应该|要)怎么")
# "What should it cover apart from how many there are?", "除了多少家以外，还该写什么": a value set aside is not the
# one asked (but "除了年费还要交多少" asks: what comes after 还 is).
_SET_ASIDE_EN = re.compile(
    r"\b(?:apart\s+from|aside\s+from|other\s+than|besides|except(?:\s+for)?|not\s+counting)\s+(?:just\s+)?$|"
    r"\b(?:just|only|all|mainly|purely|simply|merely)\s+(?:about|on)\s+$|\bdepends?\s+(?:only\s+|just\s+)?on\s+$",
    re.I,
)  # "Is it just about how much they spend?", "does it depend on how many lines": a topic, not a figure asked
_SET_ASIDE_ZH = re.compile(r"除了?(?:(?!还|也|另|再)[^，,。？?！!；;]){0,8}$")
# What before a Chinese value word in its clause makes it no request.
_NOT_ASKED_BEFORE = (_JUDGED, _HOW_BEFORE, _SET_ASIDE_ZH)
# "多少钱啊那个…", "多长时间必须闭环": a particle or a rule right after the value word makes it a question.
_PRESSED = re.compile(r"[^，,。！!；;？?]{0,2}?(?:啊|呀|呢|嘛|吗|必须|需要|才能|才算|就算|要求|得|应该)")


def _checked_value(text: str) -> tuple[FactKind, str] | None:
    """The kind and unit of a value a yes/no question checks ("是不是超过三天" → duration in 天), or None.

    The unit is kept when the passage can write it the same way (Chinese units, %), else dropped.
    """
    if _RATIO_CHECK.search(text):  # "标准比例是不是3:6:1": the passage must write a ratio
        return RATIO, ""
    if _HALF_CHECK.search(text):  # "是不是份额过半才算": a share, said in words
        return RATE, ""
    check = _ZH_CHECK.search(text) or _EN_CHECK.search(_asking_sentences(text))
    if check is None:
        return None
    said = next(group for group in check.groups() if group)
    unit = said.lower().rstrip("s") if said.isascii() else said
    unit = _CHECK_UNITS.get(unit, unit)
    return _CHECK_KINDS.get(unit, DURATION), unit if not unit.isascii() or unit == "%" else ""


def _asking_sentences(text: str) -> str:
    """The sentences that ask ("… how much extra profit … What is that number called?": the last one), or all."""
    sentences = re.findall(r"[^?？.!。！\n]+(?:[?？]|[.!。！\n]+|$)", text)
    asking = [sentence for sentence in sentences if sentence.rstrip().endswith(("?", "？"))]
    if len(asking) == 1 and _EN_PLAYBOOK_SAYS.fullmatch(asking[0].strip()):  # "… how many years they keep it. Does the case say?"
        return text
    return " ".join(asking) if asking else text


def _asked_part(text: str) -> str:
    """The sentences that end in a question mark; without one, the clauses that carry the question."""
    if re.search(r"[?？]", text):
        return _asking_sentences(text)
    clauses = [clause for clause in _CLAUSE.findall(text) if clause.strip(" ，,；;。！!？?\n")]
    return "".join(clause for number, clause in enumerate(clauses) if _asks_in(clauses, number))


def _asks_in(clauses: list[str], number: int) -> bool:
    """True when the clause carries the question: it ends in ？, is the last one, or a tag follows it."""
    clause = clauses[number]
    if clause.rstrip().endswith(("？", "?")) or number == len(clauses) - 1:
        return True
    if re.search(r"[吗嗎呢啊呀嘛][，,。！!；;\s]*$", clause):
        return True
    later_question = any(re.search(r"[吗嗎？?][，,。！!；;\s]*$", later) for later in clauses[number + 1 :])
    if "到底" in clause and not later_question:  # "到底几号开班啊，我得…"; not "一谈到服务到底值多少，…能走得长远吗"
        return True
    following = clauses[number + 1].strip(" ，,；;。！!？?\n")
    if _chained(clauses, number):
        return True
    if _ZH_CHOICE.search(following) and len(following) <= 12:  # "多久归一次类，按季度还是半年": a choice tags the question
        return True
    asks_its_own = re.search(r"哪|什么|啥|怎", following) is not None  # "…，是哪几条来着": a question of its own
    if re.fullmatch(r"(?:是|就是|应该是|是不是)[^，,。？?]{1,6}(?:吗|么|嘛|吧)?", following) and number + 2 == len(clauses) and not asks_its_own:
        return True  # "检查考核多久一次，是每月吗": a guess to confirm hands the question back
    rest = "".join(clauses[number + 1 :])
    if _EXAMPLE_OPENS.match(following) and number + 2 == len(clauses) and not _HOW_TO.search(rest):
        return True  # "有没有期限，比如一个月内必须全部见完？": an example of the value asked
    if _EXAMPLE_OPENS.match(clause) and number and clauses[number - 1].rstrip().endswith(("？", "?")) and not _HOW_TO.search(rest):
        return True  # "有没有专门的奖励？比如每签一家奖多少钱，我在盘算…": the example spells out the question before it
    if re.match(r"我(?:想|要|得|好)", following) and not re.search(r"[吗嗎？?]|怎|如何|什么|啥|哪|谁|多少|几", rest):
        return True  # "叫啥名字，我想找负责的同事取取经": what the rep will do with it
    return bool(_TAG.search(following)) and len(following) <= 8 and not asks_its_own  # "…，有人知道吗"


def _chained(clauses: list[str], number: int) -> bool:
    """True when the clause is followed by a last clause that asks for a value too ("是哪一年的数据，哪个国家统计的"), or
    for the members ("由几个人组成，都是哪些职位的人")."""
    last = clauses[number + 1] if number + 1 == len(clauses) - 1 else ""
    return bool(last) and (
        _ZH_VALUE.search(last) is not None
        or re.search(r"(?:都|分别)是哪(?:些|几)", last) is not None
        or re.search(r"(?:要|得|需要|必须)(?:达到|满足|符合|具备)哪(?:些|几)", last) is not None  # "名额有几个，要达到哪些硬指标"
        or _STANDARD_FOLLOWS.match(last.strip()) is not None
    )


# "能打几折，有没有统一的标准", "各占多大权重，有没有个比例": asking whether a rule or a figure exists hands the
# question back to the value asked just before.
_RULE_OR_FIGURE = r"(?:标准|比例|规定|要求|说法|口径|数字|数据|数|参考值|参考价|定数|硬线|红线|门槛|硬杠杠|杠杠|线)"
_STANDARD_FOLLOWS = re.compile(
    rf"(?:那|那么|就是)?(?:公司|咱们|我们|总部)?(?:(?:有没有|有无|是否有|是不是有)[^，,。？?]{{0,8}}?{_RULE_OR_FIGURE}(?:啊|呀|呢|吗|么)?|"
    rf"有[^，,。？?]{{0,6}}?{_RULE_OR_FIGURE}(?:吗|么|没有|没))[？?。]?$|"
    r"(?:每|各)[\u4e00-\u9fff]{1,2}(?:分别|都)?(?:叫|是)(?:什么|啥)|(?:分别|都)叫(?:什么|啥)"
)


_SURVEY_SHARE = _re(
    r"多少(?:个)?人(?:选|认为|觉得|提到|表示|投|勾)|"
    r"\bhow\s+many\s+(?:people|respondents|clients|customers)\s+(?:picked|chose|selected|said|put|ranked|named|ticked)\b"
)
_SOME_TO_SAY = re.compile(r"(?:条|个|点|招)[^，,。？?]{0,6}?(?:理由|依据|论据|例子|案例|建议|说法|话术|招|思路|点子|角度|办法)")


def _a_few(clause: str, found: re.Match[str]) -> bool:
    """True for 几 meaning "a few", not "how many": after 少/多/过/再 ("少去几趟", "多跑几次", "过几天再说"),
    before a question whether to act at all ("伺候几个大客户到底划不划算"), or in a request for things to say
    ("想找几条站得住的理由")."""
    before = clause[max(0, found.start() - 2) : found.start()]
    if _LIMIT_BEFORE.search(clause[: found.start()]):  # "超过几个点", "最多带几家" ask
        return False
    if found.group(0) != "几":
        return False
    after = clause[found.end() :]
    some = re.match(r"(?:个|家|位)(?!点|月|小时|星期|工作日|百分点)", after) is not None  # a few of something, not a span
    if any(char in "少多过再" for char in before) or (some and re.search(r"划不划算|值不值|有没有必要|该不该|要不要", after)):
        return True
    if some and re.search(r"只[^，,。？?！!；;]{0,3}$", clause[: found.start()]):  # "只爱往几个聊得来的客户那儿跑"
        return True
    if re.match(r"句", after):  # "用几句话讲清": a few sentences, never a count asked
        return True
    # "想找几条站得住的理由", "给我几个建议": a few of something to say, asked for, not counted
    return re.search(r"[找给举提出支来攒凑备想][我你咱他]?$", before) is not None and _SOME_TO_SAY.match(after) is not None


def _negated(clause: str, position: int) -> bool:
    """True when a negation stands within three characters before the value word (not in 能不能, 有没有)."""
    for offset in range(max(0, position - 3), position):
        char = clause[offset]
        if char in _NEGATION:
            before = clause[offset - 1] if offset else ""
            after = clause[offset + 1] if offset + 1 < len(clause) else ""
            if not (before and before == after):  # 能不能, 是不是, 有没有: a question, not a negation
                return True
    return False


def asked_fact(query: str) -> AskedFact | None:
    """The specific fact the question asks for, or None for a question about how, why or what in general."""
    text = simplified(query)
    subject, period = _subject_and_period(text)

    def fact(kind: FactKind, unit: str = "", *, categories: bool = False) -> AskedFact:
        return AskedFact(
            kind, subject, period, unit, categories, window, _alias(text, subject), _segment(text), own_unit, limited, quoted,
            demanded is not None, contrasted=_contrasted(text),
        )

    request, window = value_request(query)
    own_unit = limited = False  # until the sentence that asks is known
    quoted = _quoting(text)
    demanded = _FIGURE_DEMANDED.search(text)
    if _LAW_ASK.search(_asked_part(text)) and not _MEANING.search(text):  # "靠合同里的违约金卡着，…总觉得不是个事儿" tells, it does not ask
        return fact(LAW)
    if _DOCUMENT_ASK.search(text):
        return fact(DOCUMENT)
    if _SYSTEM_ASK.search(text):
        return fact(SYSTEM)
    if _INTERNAL_ASK.search(text):
        return fact(INTERNAL)
    if not request:
        if quoted and _BASIS_ASK.search(text):  # "这个6倍…口径到底是什么": how the quoted figure was counted
            return fact(BASIS)
        if _PAY_ASK.search(text):
            return fact(RATE)
        if _POLICY_ASK.search(text):
            return fact(POLICY)
        if _DATA_ASK.search(text) or _NEWER_DATA.search(text):  # "有没有对比的数字", "in the latest round": a figure
            return fact(_kind_named(text) or FIGURE)
        if _RANK_ASK.search(text) and _SIZED_LIST.search(text):  # "17种办法哪三种最管用", not "这几家哪家最重要"
            return fact(RANK)
        checked = _checked_value(text)  # "是不是15%": the figure to confirm (never quoted, see _quoting)
        if checked:
            return fact(*checked)
        if demanded is None:
            return None
        # "how fast is fast? is there an hour limit": the words from the request on name its kind, before the rest
        return fact(_kind_named(_asking_sentences(text), text[demanded.start() :], text) or FIGURE)
    sentence = next((part for part in re.split(r"[。？?！!；;\n]", text) if window.strip("。？?！!；; ") in part), window)
    own_unit = _OWN_NOW.search(sentence) is not None
    if _PERIOD_CHOICE.search(window) or _HOW_OFTEN.search(sentence):  # "按月还是按季", "一年去几趟": a frequency
        return fact(FREQUENCY)
    if re.match(r"who\b|谁|由谁|(?:找|问|联系)谁|(?:外包|委托|承包)给谁", request):  # "who approves payment terms over 90 days": a name, whatever follows
        return fact(NAME)
    if _SURVEY_SHARE.search(window):  # "这一项多少人选了": a survey's answer, given as a share
        return fact(RATE)
    unit = _UNIT.search(window)
    unit_name = unit.group(1).removeprefix("个") if unit and unit.group(1) not in ("个点", "个百分点", "个月") else ""
    unit_name = unit_name or (unit.group(1) if unit else "")
    asked_at = sentence.find(window.strip("。？?！!；; "))
    # "有没有个参考分数线", "每项满分多少": a score, said in 分
    if re.search(r"分数线|分界线|及格线|合格线|分档线", window) or (
        not unit_name and asked_at > 0 and _SCORE_BEFORE.search(sentence[:asked_at])
    ):
        unit_name = "分"
    # "how many points per 100 yuan", "每人几个": a quantity per unit; "至少要填几项": a minimum. Neither counts kinds.
    limited = asked_at > 0 and _LIMIT_BEFORE.search(sentence[:asked_at]) is not None
    categories = (  # not "by how many points": a margin
        bool(_CATEGORIES.search(window))
        and not re.search(r"\b(?:per|each|every)\b|每", window)
        and not limited
        and not re.search(r"\bby\s+how\s+many\b", sentence)
    )
    if _MEMBERS_NAMED.match(window):  # "其余几个叫啥": the members, named
        return fact(COUNT)
    counted = unit_name in _COUNT_UNITS or re.match(r"how\s+many\b", request) is not None
    # "几个集团", "how many ways": a count, unless of days; "how many kinds of flow carry the credit terms": of kinds
    if categories or (counted and not _KIND_WORDS_OF[DURATION].search(window)):
        return fact(COUNT, unit_name, categories=categories)
    # the value word ("how long", 多久), the words of its request, the question
    kind = _kind_named(request, window, text)
    if kind is AMOUNT and not _MONEY_NAMED.search(window) and _DIFFERENCE_ASKED.search(sentence):  # "报价比我们低多少": "低两成" tells it
        kind = FIGURE
    return fact(kind, unit_name) if kind else fact(COUNT, unit_name, categories=categories)


_MONEY_NAMED = _re(r"钱|元|块|万|yuan|rmb|dollars?")
# A price gap asked, which a passage may give as a share or a multiple as well as an amount ("比你们低两成").
_DIFFERENCE_ASKED = _re(
    r"比[^，,。？?！!]{0,12}?(?:低|高|便宜|贵|少|多)(?:了|出)?(?:多少|几)|"
    r"\bhow\s+much\s+(?:cheaper|lower|higher|dearer|more\s+expensive|less\s+expensive)\b|"
    r"\b(?:cheaper|lower|higher|undercut\w*)\s+(?:us\s+|than\s+us\s+)?by\s+how\s+much\b"
)


# A named option: an acronym or a capitalised name ("DISC", "M3", "Gartner", "Excel"), not a sentence's first word.
_OPTION = r"[A-Z][A-Za-z0-9+&-]*[A-Za-z0-9+]"
_NAMED_CHOICE = re.compile(
    rf"(?<![A-Za-z0-9])({_OPTION})\s*(?:\bor\b|\bvs\.?|\bversus\b|还是|或者|或是|或)\s*({_OPTION})(?![A-Za-z0-9])"
)


def choice_asked(query: str) -> AskedFact | None:
    """The choice between two named options the question asks about ("用DISC还是MBTI", "Gartner or IDC"), or None."""
    text = unicodedata.normalize("NFKC", to_simplified(query))
    for found in _NAMED_CHOICE.finditer(text):
        if not re.search(r"(?:^|[.?!]\s*)$", text[: found.start()]):  # "Vertical or horizontal…" opens a sentence
            options = (found.group(1), found.group(2))
            return AskedFact(CHOICE, " / ".join(options), options=options)
    return None


def _names_option(text: str, option: str) -> bool:
    """True when the text names the option as a word of its own ("DISC", not the "disc" of "discount")."""
    return re.search(rf"(?<![a-z0-9]){re.escape(option.lower())}(?![a-z0-9])", text.lower()) is not None


def further_asked_fact(query: str) -> AskedFact | None:
    """A second value the question asks for after the first ("一共几项指标，每项权重怎么分"), or None."""
    text = simplified(query)
    _, window = value_request(query)
    first = re.split(r"[，,。？?！!；;]", window, maxsplit=1)[0].strip()
    at = text.find(first) if first else -1
    if at < 0:
        return None
    rest = text[at + len(first) :].lstrip("，,。？?！!；; ")
    if len(rest) < 4 or not (_ZH_VALUE.search(rest) or _EN_VALUE.search(rest)):
        return None
    return asked_fact(rest)


def _kind_named(*scopes: str) -> FactKind | None:
    """The kind of value the words of the first scope that names one point to (`_KIND_WORDS`), or None."""
    for scope in scopes:
        for kind, words in _KIND_WORDS:
            if words.search(scope):
                return kind
    return None


def _subject_and_period(text: str) -> tuple[str, str]:
    """The noun that names the fact asked for ("包月费") and the company's own period ("上个季度"), or ""."""
    subject = _SUBJECT.search(text)
    period = _OWN_PERIOD.search(text)
    return _subject_word(subject.group(0)) if subject else "", period.group(0) if period else ""


def _subject_word(said: str) -> str:
    """The subject as a passage would name it: "返几个点" is 返点, "comision" and "commision" are commission."""
    return re.sub(r"^返(?:几|多少)个?点$", "返点", re.sub(r"^comm?iss?ion", "commission", said))


def _alias(text: str, subject: str) -> str:
    """The acronym written beside the subject in the (lower-cased) question: "销售回报率ROS" → "ros"."""
    found = re.search(rf"{re.escape(subject)}\s*[（(]?\s*([a-z]{{2,6}})(?![a-z])", text) if subject else None
    return found.group(1) if found else ""


# Industries a figure may be asked for, with the words a Chinese passage writes them in.
_INDUSTRIES = (
    (r"telecoms?|telecommunications?|电信|通信|通讯|运营商", "电信|通信|通讯|运营商"),
    (r"chemicals?|化工", "化工"),
    (r"bank(?:s|ing)?|financial|finance|银行|金融", "银行|金融"),
    (r"retail|零售", "零售"),
    (r"manufactur\w*|制造", "制造"),
    (r"electronics?|电子", "电子"),
    (r"insurance|保险", "保险"),
    (r"logistics|物流", "物流"),
    (r"energy|power|utilit(?:y|ies)|电力|能源", "电力|能源"),
    (r"healthcare|medical|hospitals?|医疗|医院", "医疗|医院"),
    (r"pharma\w*|医药|制药", "医药|制药"),
    (r"automotive|汽车", "汽车"),
    (r"education|教育", "教育"),
    (r"hospitality|hotels?|酒店", "酒店"),
)
_INDUSTRY = "|".join(pattern for pattern, _ in _INDUSTRIES)
# "化工企业的ROS", "电信行业", "for chemical companies", "in the telecom sector", "for banks specifically"
_SEGMENT = _re(
    rf"(?:{_INDUSTRY})\s*(?:行业|企业|类企业|公司|领域|sector|industry|industries|compan(?:y|ies)|firms?|businesses|players)|"
    rf"\b(?:{_INDUSTRY})\s+specifically\b"
)


def _segment(text: str) -> str:
    """The industry the asking sentence wants its figure for, as the words a passage would use ("化工"), or ""."""
    found = _SEGMENT.search(_asking_sentences(text))
    if not found:
        return ""
    return next(words for pattern, words in _INDUSTRIES if re.match(pattern, found.group(0), re.I))


# Any figure: what a question that asks for "a value" without saying which kind is answered by.
FIGURE = FactKind(
    "figure",
    "具体数字",
    "the figure",
    _re("|".join(f"(?:{kind.states.pattern})" for kind in (AMOUNT, RATE, DATE, DURATION, FREQUENCY, COUNT))),
)
# "怎么谈", "how should I", "what's my next move": a question about what to do asks for no value.
_ACTING = _re(
    rf"{_HOW_TO.pattern}|\bhow\s+(?:should|do|can|could|would|to)\b|\bwhat\s+(?:should|do|can)\s+(?:i|we)\b|"
    r"\bshould\s+(?:i|we)\b|\bnext\s+(?:move|step)\b|\bwhich\s+(?:[\w-]+\s+){0,2}?should\b"  # "which office should own it"
)


def guessed_fact(query: str) -> AskedFact | None:
    """The fact a question asks for when the grammar found no request but `knowledge.value_asks` says it asks
    for a value: the kind its words point to, else any figure; None for a question about what to do or for the
    class a thing falls in."""
    text = simplified(query)
    if _ACTING.search(text) or _CLASS_ASKED.search(text):
        return None
    subject, period = _subject_and_period(text)
    kind = _kind_named(text)
    if kind is None and _LIST_MEMBERS.search(text):  # "按哪些指标考核", "Which three?": the members of a list, no figure
        return None
    return AskedFact(kind or FIGURE, subject, period, alias=_alias(text, subject), segment=_segment(text))


_CLASS_ASKED = _re(  # "收款属于哪一种通路流的成本": the class a thing falls in is a name, whatever kind word the class has
    r"(?:属于|归于|归入|归到|算作|算是)哪一?[种类个项]|\bof\s+which\s+[\w-]+(?:\s+[\w-]+)?\s*\??\s*$|"
    r"\bwhich\s+(?:[\w-]+\s+){1,3}(?:goes|belongs|falls|fits)\s+(?:with|to|under|into|in)\b|"
    r"\b(?:belongs?|falls?|fits?)\s+(?:to|under|into|in)\s+which\b"
)

_LIST_MEMBERS = _re(
    r"哪些|哪几(?:个|项|点|条|种|类|方面|样|步)|\bwhich\s+(?:ones|two|three|four|five|six|seven|eight|nine|ten)\b|"
    r"\bwhat\s+are\s+(?:they|its|their|the)\s+(?:[\w-]+\s+)?[\w-]+s\b"
)


def _quoting(text: str) -> str:
    """The question, when it gives figures itself (in digits, or a share in words it then asks about: "一半客户…这些客户里")
    and asks to confirm none ("是不是15%", "is it three?"), else ""."""
    return "" if _checked_value(text) or not (re.search(r"\d", text) or _WORD_SUBSET.search(text)) else text


def states_fact(fact: AskedFact, text: str, terms: list[str], weights: dict[str, float], heading: str = "") -> bool:
    """True when a sentence of the passage holds a value of the asked kind and shares the question's topic.

    `terms` are the question's words that the corpus uses (a word no passage has cannot tell topics
    apart); a sentence is read with its section `heading`, which names what its figures are about.
    The company's own figures (for "last quarter", for "our region", as they stand today) are never stated by a
    generic playbook.
    """
    if fact.kind is CHOICE:  # "DISC or MBTI": a passage that names neither says nothing about the choice
        return any(_names_option(f"{heading} {text}", option) for option in fact.options)
    if fact.own_figures:
        return False
    if fact.quoted and not any(_gives_each_part(fact.quoted, sentence) for sentence in _sentences(text)):
        return False  # "429道题…这四块各占几道": each part named beside a value of its own
    headed = simplified(f"{heading} {text}")
    if fact.segment and fact.kind is not NAME and not re.search(fact.segment, headed):
        return False  # "化工企业的ROS": a figure for another industry, or for all, does not answer it
    topic = [term for term in terms if not _is_value_word(term)]
    total = sum(weights.get(term, 0.0) for term in topic) or 1.0
    unit = _unit_pattern(fact.unit)
    # English words rarely occur in a Chinese passage: a count of kinds is told by the list or heading alone
    english = bool(topic) and all(term.isascii() for term in topic)
    list_share = 0.0 if english else TOPIC_SHARE
    if fact.kind is COUNT and fact.unit not in _PEOPLE_UNITS and _MEMBERS_ASKED.search(fact.request) and _lists(text):
        if _overlap(normalize(headed), topic, weights, total) >= list_share:  # "后面几步依次是啥": the list tells it
            return True
    if fact.categories and fact.unit in _KIND_UNITS and not re.search(
        rf"{_COUNTED}\s*个?(?:{_UNIT_ALTERNATIVES.get(fact.unit, fact.unit)})", headed
    ):
        return False  # "分几级": a list of something else is no count of levels; the passage must say "三级"
    if fact.categories and spells_out(text, 2) and _overlap(normalize(text), topic, weights, total) >= list_share:
        return True
    if fact.categories and _CN_COUNT.search(simplified(heading)) and _names_counted(fact.request, headed):  # "客户要求降价的八种真实原因" counts the kinds in its heading
        needed = UNIT_TOPIC_SHARE if fact.unit in _KIND_UNITS else list_share  # … in the unit asked ("几类" → "八种")
        if _overlap(normalize(f"{heading} {text}"), topic, weights, total) >= needed:
            return True
    noun = _COUNTED_NOUN.search(simplified(fact.request)) if fact.kind is COUNT and not fact.limited else None
    if noun and noun.group(1) not in "次趟回遍天年月周分岁元" and spells_out(text, 2) and re.search(rf"{_COUNTED}\s*个?\s*[\u4e00-\u9fff]?{noun.group(1)}", headed):
        return True  # "分几层", "一共分几块": "三个层面：1. … 2. …", "三个模块：…" count and list them (not "几次": "四个层次"; not "多少分": a score)
    if fact.kind is DATE and heading and DATE.states.search(simplified(heading)):  # "CRM 能力价值调研（2000 年）"
        if _overlap(normalize(headed), topic, weights, total) >= TOPIC_SHARE:  # dates the whole section
            return True
    if fact.kind is NAME and _CASE_ASKED.search(fact.request) and _CASE_HEADING.search(simplified(heading)):
        if _overlap(normalize(headed), topic, weights, total) >= TOPIC_SHARE:  # "哪家企业碰到过类似情况可以参考":
            return True  # a case section names the company it tells of
    if fact.kind is NAME:  # one sentence must say what the question says, and name something it does not
        asked = [term for term in topic if _contains(simplified(fact.request), term)]
        return any(
            all(_contains(normalize(f"{heading} {sentence}"), term) for term in asked)
            and _overlap(normalize(f"{heading} {sentence}"), topic, weights, total) >= 0.8
            and _names_beyond(sentence, terms)
            for sentence in _sentences(text)
        )
    sentences = _sentences(text)
    if english:  # an English question reads each keyword phrase on its own
        sentences = [part for sentence in sentences for part in _with_phrases(sentence)]
    if fact.segment:  # "行业包括通讯、化工…" names the survey's industries, not the figure's
        sentences = _in_segment(sentences, heading, fact.segment)
    short_code = fact.kind is CONTACT and _PHONE_ASKED.search(fact.request) is not None
    for sentence in sentences:
        if not fact.kind.states.search(sentence) and not (short_code and _SHORT_CODE.search(sentence)):
            continue
        if unit is not None and not unit.search(sentence):
            continue
        if fact.kind is COUNT and unit is None and not _counts_topic(sentence, topic):  # "30 岁" for 多少岁
            continue
        if fact.kind is COUNT and _COUNTED_ENTITIES.search(fact.request) and not _FIGURE.search(_SHARES.sub(" ", sentence)):
            continue  # "调查了多少个客户", "how many customers were surveyed": a share of them is no count
        if fact.contrasted and not _says_what_is_new(fact.contrasted, simplified(sentence), topic):
            continue  # "那要是在网上发差评": the sibling figure "满意的客户告诉 2~3 个人" answers another question
        if fact.demanded and not _new_figure(sentence, fact.quoted):
            continue  # "有没有数": the 70% the question restates, or an index line of keywords, is no figure given
        if fact.limited and not _LIMIT_STATED.search(sentence):  # "17种办法" is no minimum to put in place
            continue
        if fact.kind is BASIS and not _gives_quoted(fact.quoted, sentence):  # the basis of another figure
            continue
        if fact.quoted and _only_quoted(fact, sentence):  # it repeats the figures the question quotes, no other
            continue
        if fact.quoted and not _splits_quoted(fact.quoted, sentence):  # "这45%里面…各占多少": told beside the 45%
            continue
        needed = UNIT_TOPIC_SHARE if unit is not None else TOPIC_SHARE  # "几个人" answered by "8~10 个人"
        said = simplified(f"{heading} {sentence}")
        if not _names_subject(fact, said):
            continue
        if fact.kind is COUNT and not _names_counted(fact.request, said):
            continue  # "几项指标": "五项策略" counts something else
        if _overlap(normalize(f"{heading} {sentence}"), topic, weights, total) >= needed:
            return True
    return False


# A number to call asked for, and a service short code that answers it ("**1860**：设立集团客户支持中心"): four digits
# that are no year, count or amount.
_PHONE_ASKED = _re(r"电话|热线|号码|手机|拨打|打哪个|\bphone\b|\bhotline\b|\bnumber\b|\bdial\b|\bcall\b")
_SHORT_CODE = re.compile(r"(?<![\d.])1[0-8]\d{2}(?![\d.%])(?!\s*(?:多|余|来)?\s*(?:年|家|人|个|元|块|万|亿|份|次|条|种|名|位|户|天|小时|分钟))")


# "有没有哪家企业做过可以借鉴": a company to learn from, which a case section names.
_CASE_ASKED = re.compile(r"参考|借鉴|学习|案例|例子|先例|取经")
_CASE_HEADING = re.compile(r"案例|实例|范例")


# "几步依次是啥", "几个工具，都是哪些": the members are asked with their number; a list of them answers both.
# "其余几个叫啥": the names of the members, which the list states.
_MEMBERS_NAMED = re.compile(r"几\s*[个项条步种类样]\s*(?:分别|都|各)?(?:叫|是)(?:啥|什么)")
_MEMBERS_ASKED = re.compile(rf"(?:依次|分别|都|各)是(?:啥|什么|哪些|哪几)|(?:都|分别)有哪些|^{_MEMBERS_NAMED.pattern}")


_LIMIT_STATED = re.compile(r"至少|最少|最多|至多|起码|不少于|不低于|不超过|不多于|不高于|以上|以下|以内|之内|上限|下限|封顶|最长|最短|最低|最高|超过|超出|高于|低于|[<>≤≥]")
_PEOPLE_UNITS = frozenset(("人", "位", "家", "户", "名"))  # "由几个人组成，都是哪些职位": the number of people is asked


def _in_segment(sentences: list[str], heading: str, segment: str) -> list[str]:
    """The sentences a figure for the industry `segment` may stand in: all when the heading names it, else one that
    names it and those after a sentence naming it that introduces them ("以电子/高科技行业为例，…：")."""
    if re.search(segment, simplified(heading)):
        return sentences
    found: list[str] = []
    introduced = False
    for sentence in sentences:
        names = re.search(segment, simplified(sentence)) is not None
        if names or introduced:
            found.append(sentence)
        introduced = (names and sentence.rstrip().endswith((":", "："))) or (introduced and not names and len(sentence) < 80)
    return found


def _lists(text: str) -> bool:
    """True when the passage lists items: list lines, 、-separated items or a chain of steps ("客户档案 → 客户细分 → …")."""
    return spells_out(text, 2) or any(sentence.count("→") >= 2 for sentence in _sentences(text))


# "这45%里面，代理机构和分支机构各占多少", "of that 45%, how much…": a breakdown of a figure the question quotes.
_BREAKDOWN = _re(
    r"(\d+(?:\.\d+)?\s*%)\s*(?:里面|里头|里|中间|之中|当中|中)|\bof\s+(?:that|those|the)\s+(\d+(?:\.\d+)?\s*%)|"
    + _QUOTED_SPLIT  # "how does the 14-point gap split between…"
)


# "将近一半的投诉卡在一线，那这部分投诉…有几成", "一半客户从不投诉，那这些客户里…": a share said in words, then a part of it.
_WORD_SUBSET = re.compile(
    r"(?:一半|半数|近半|大半|大多数|大部分|[一二两三四五六七八九]成)[^。？?]{0,30}?"
    r"(?:这部分|那部分|其中|这里面|(?:这|那)些[\u4e00-\u9fff]{0,8}?(?:里|中|当中))"
)
_FIGURE_VALUE = re.compile(r"\d+(?:\.\d+)?\s*%?(?:\s*[～~\-–至到]\s*\d+(?:\.\d+)?\s*%?)?")


def _splits_quoted(question: str, sentence: str) -> bool:
    """True unless the question asks how a figure it quotes breaks down and the sentence does not give that figure."""
    breakdown = _BREAKDOWN.search(question)
    in_words = breakdown is None and _WORD_SUBSET.search(question) is not None
    if not (breakdown or in_words):
        return True
    if _is_index_line(sentence):  # index words beside each other, no breakdown
        return False
    if in_words:  # a share said in words, then a part of it: the sentence must give two figures, the part's too
        return len(_FIGURE_VALUE.findall(sentence)) >= 2
    figure = re.sub(r"\s+", "", next(group for group in breakdown.groups() if group))
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", re.sub(r"\s+", "", sentence).replace("％", "%")) is not None


# "战略、流程、组织、技术这四块各占几道", "大企业和中小企业各是多少": a value asked for each of the parts named.
_PER_PART = re.compile(
    r"((?:[\u4e00-\u9fff]{1,8}(?:、|和|与|跟))+[\u4e00-\u9fff]{1,8}?)(?:这|那)?(?:[两三四五六七八九十几]\s*(?:块|个|项|类|部分|方面|种|组))?"
    r"(?:各自|各|分别)(?:占|有|是|拿|要|为)"
)


def _gives_each_part(question: str, sentence: str) -> bool:
    """True unless the question asks a value for each of the parts it names and the sentence does not name two of
    them with two values of its own (not the question's figures)."""
    per_part = _PER_PART.search(question)
    if per_part is None:
        return True
    parts = [re.sub(r"^.*?(?:里面|里头|当中|之中|其中|里|中|的)(?=[\u4e00-\u9fff]{2})", "", part) for part in re.split(r"、|和|与|跟", per_part.group(1))]
    parts = [part for part in parts if len(part) >= 2]
    needed = min(2, len(parts))
    return sum(part in sentence for part in parts) >= needed and len(_figures_beyond(sentence, question)) >= needed


def _gives_quoted(question: str, sentence: str) -> bool:
    """True when the sentence gives a number the question quotes ("6倍" in "…是老客户的6倍")."""
    return any(
        re.search(rf"(?<![\d.]){re.escape(number)}(?![\d.])", sentence) for number in _NUMBER_IN.findall(question)
    )


# The rep asks for a figure in so many words: "in numbers", "is there an actual number / a benchmark / an hour limit",
# "how fast is fast", "有没有个具体的数", "有没有划线", "有没有个标准提前量", "量化一下".
_FIGURE_DEMANDED = _re(
    r"\bin\s+(?:hard\s+|actual\s+|real\s+)?numbers\b|\b(?:actual|hard)\s+(?:number|figure)s?\b|"
    r"\bis\s+there\s+(?:an?\s+|any\s+)?(?:[\w-]+\s+){0,2}?(?:number|figure|hour\s+limit|cut-?off|benchmark)s?\b|"
    r"\bbenchmark\s+(?:figure|number)s?\b|\bhow\s+(\w+)\s+is\s+\1\b|\bput\s+a\s+number\s+on\b|"
    r"\b(?:exact|specific|concrete)\s+(?:figure|number|percentage)s?\b|\bballpark\b|"
    r"有没有(?:个|一个)?(?:具体的?|明确的?|硬性的?)?(?:数|数字|数据|标准|划线|量化|提前量|参考值|比例|百分比|时限|期限)|"
    r"具体几个点|具体的?数字|给个数|量化一下|用数字说"
)


# A Chinese question restates a figure ("8到10个人", "两三个人", "70%") and then, after "那" or "这些人里", asks another.
_RESTATED_FIGURE = (
    r"(?:\d+(?:\.\d+)?\s*(?:[~～到至-]\s*\d+(?:\.\d+)?)?\s*(?:%|％|个人|个|人|倍|成|家|次|天|年)|[两三四五六七八九十]{1,3}(?:个人|成|倍))"
)
_THEN_ASKED = re.compile(rf"{_RESTATED_FIGURE}[^？?。]*?[，,。；;]\s*(那(?:要是|如果|么)?|那这(?:些|种|部分)|这些人里|其中)")


def _contrasted(text: str) -> tuple[str, str] | None:
    """The restated part and the clause from "那" on, when a Chinese question restates a figure and then asks for
    another; else None."""
    found = _THEN_ASKED.search(text) if re.search(r"[\u4e00-\u9fff]", text) else None
    return (text[: found.start(1)], text[found.start(1) :]) if found else None


def _says_what_is_new(contrasted: tuple[str, str], sentence: str, topic: list[str]) -> bool:
    """True when the sentence has a word or figure of the asked clause that the restated part lacks ("网上", "33"), or
    when the asked clause has none."""
    restated, asked = contrasted
    words = [term for term in topic if is_cjk(term) and term in asked and term not in restated]
    figures = _figures_beyond(asked, restated)
    if not words and not figures:
        return True
    return any(word in sentence for word in words) or bool(figures & set(_NUMBER_IN.findall(sentence)))


def _new_figure(sentence: str, question: str) -> bool:
    """True when the sentence gives a figure in digits that the (simplified) question does not give, outside an index
    line."""
    return not _is_index_line(sentence) and bool(_figures_beyond(sentence, question))


_NUMBER_IN = re.compile(r"\d+(?:\.\d+)?")


def _figures_beyond(sentence: str, question: str) -> set[str]:
    """The figures in digits the sentence gives and the question does not."""
    return set(_NUMBER_IN.findall(sentence)) - set(_NUMBER_IN.findall(question))


def _with_phrases(sentence: str) -> list[str]:
    """The sentence; for a keywords line, the line and then each of its phrases, which may gloss one figure of the
    Chinese passage in English ("1-5% reach top management")."""
    if not _is_index_line(sentence):
        return [sentence]
    phrases = sentence.split(":", 1)[1].split(",")
    return [sentence] + [phrase.strip() for phrase in phrases if phrase.strip()]


def _is_index_line(sentence: str) -> bool:
    """True for a section's "English keywords: …" line: index words beside each other, no statement."""
    return sentence.lstrip().lower().startswith("english keywords")


def _only_quoted(fact: AskedFact, sentence: str) -> bool:
    """True when every value of the asked kind in the sentence is one the question already gives ("15%", "50%")."""

    def values(text: str) -> set[str]:
        found = (re.sub(r"\s+", "", value.group(0)).replace("％", "%") for value in fact.kind.states.finditer(text))
        return {value for value in found if re.search(r"\d", value)}  # figures, not words ("最")

    stated = values(sentence)
    return bool(stated) and stated <= values(fact.quoted)


# What a count question counts, named after its unit ("几项指标" → 指标, "多少份问卷" → 问卷); not a span of time.
_COUNTED_THING = re.compile(r"(?:多少|几)\s*(?:个|项|条|种|类|份|次|步|层|级|款|套)\s*(?!月|小时|星期|工作日|季度|年|天|周|点|百分|人)(?![来去啊呢吗呀吧的了是都还就才算比合左上以也可能要会该在和与或及等给让])([\u4e00-\u9fff]{2})")


def _names_counted(request: str, text: str) -> bool:
    """True unless the question names what it counts and the text does not say it."""
    thing = _COUNTED_THING.search(simplified(request))
    return thing is None or thing.group(1) in text


def _names_subject(fact: AskedFact, text: str) -> bool:
    """A figure answers a question that names what it measures ("续约率", "满意率") only where that noun is
    said, or the acronym the question gives beside it ("销售回报率ROS")."""
    if not fact.subject:
        return True
    if not is_cjk(fact.subject[0]):  # "commission": said in English (a gloss) or in the words a passage uses for it
        chinese = _SUBJECT_IN_CHINESE.get(fact.subject.split()[0], "")
        return not chinese or _contains(text, fact.subject) or re.search(chinese, text) is not None
    return _contains(text, fact.subject) or bool(fact.alias and fact.alias in text)


# What a name looks like: a capitalised Latin word (not an acronym like CRM, nor an English gloss in brackets),
# a book title, a foreign name, an organisation, a person with a title.
_ORGANISATIONS = "公司|集团|大学|学院|研究院|研究所|咨询|银行|协会|杂志"
_TITLES = "先生|女士|教授|博士"
_NAME_FORM = re.compile(
    r"(?<![A-Za-z(（])[A-Z][a-z][A-Za-z&.\-]*|《[^》]+》|[\u4e00-\u9fff]·[\u4e00-\u9fff]|"
    rf"[\u4e00-\u9fff]{{2,8}}?(?:{_ORGANISATIONS})|[\u4e00-\u9fff]{{1,4}}(?:{_TITLES})"
)
_NAME_SUFFIX = re.compile(rf"(?:{_ORGANISATIONS}|{_TITLES})$")
_UNNAMED = re.compile(r"某|一家|一个|这家|那家|该|本")


def _names_beyond(sentence: str, terms: list[str]) -> bool:
    """True when the sentence holds a name (`_NAME_FORM`) that is more than the question's own words."""
    sentence = unicodedata.normalize("NFKC", sentence)
    for match in _NAME_FORM.finditer(sentence):
        if _UNNAMED.match(match.group(0)) or not sentence[: match.start()].strip(" \t\"'“‘*-:："):
            continue  # "某跨国公司" names no firm; "We need…", "English keywords:" start a sentence
        rest = _NAME_SUFFIX.sub("", simplified(match.group(0)).strip("《》"))
        for term in sorted(terms, key=len, reverse=True):
            rest = rest.replace(term, "")
        rest = re.sub(r"[\s·.&\-]", "", rest)
        if len(rest) >= (1 if any(is_cjk(char) for char in rest) else 2):  # "甲公司" is a name, "A" is not
            return True
    return False


TOPIC_SHARE = 0.25  # the share of the question's topic (IDF-weighted) a sentence holding a value must mention
UNIT_TOPIC_SHARE = 0.15  # … when the value is in the unit the question names ("几成" → "70%", "几个人" → "8~10 个人")

# The thing a count question counts: the character after 几 / 多少 ("分几层" → 层, "几块" → 块).
_COUNTED_NOUN = re.compile(r"(?:多少|几)\s*个?\s*([\u4e00-\u9fff])")
_CN_COUNT = re.compile(rf"{_COUNTED}\s*(?:个|种|类|项|步|条|家|次|位|人|户|级|大|道|份|题|分|名|倍)(.{{0,6}})")


# A figure that counts: not part of a name ("B2B", "4P"), a year ("2000 年") or a time or sum ("20 分钟", "10 亿").
_FIGURE = re.compile(
    r"(?<![A-Za-z\d.])\d+(?:[.,]\d+)?(?![A-Za-z\d])(?!\s*(?:年|月|日|号|点|时|分钟|小时|天|周|岁|元|块|亿|美金|美元|秒|强))(?!-?\s*(?:minutes?|hours?|days?|weeks?|months?|years?|yuan)\b)"
)


_COUNTED_ENTITIES = _re(
    r"(?:多少|几)\s*个?\s*(?:客户|人|企业|公司|单位|家)|\bsample\s+size\b|\bhow\s+many\s+(?:[\w-]+\s+)?(?:people|customers|clients|"
    r"respondents|companies|firms|rounds|questionnaires)\b"
)
_SHARES = _re(r"\d+(?:[.,]\d+)?\s*(?:[~～-]\s*\d+(?:[.,]\d+)?\s*)?(?:%|％|percent\b)")


def _counts_topic(sentence: str, topic: list[str]) -> bool:
    """A figure, or a Chinese count of something the question names ("十三个坏处"; not "四个方向" for accounts)."""
    if _FIGURE.search(sentence):
        return True
    return any(
        _contains(match.group(1), term) for match in _CN_COUNT.finditer(sentence) for term in topic if is_cjk(term)
    )


def _overlap(text: str, topic: list[str], weights: dict[str, float], total: float) -> float:
    return sum(weights.get(term, 0.0) for term in topic if _contains(text, term)) / total


_VALUE_TERM = _re(
    r"多少|几|多大|多长|多久|哪天|什么时候|how|much|many|mani|long|when|what|which|rate|percent(?:age)?|"
    r"比例|占比|百分比|时间|长时|大概|大约|具体"  # the words that name or hedge the value, which a passage writes as the value itself
)
# Units the passage may write differently from the question: "几个点" is "%", "几天" may be "个工作日".
_UNIT_ALTERNATIVES = {
    "个点": r"个点|%|％|个百分点",
    "个百分点": r"个百分点|%|％",
    "成": r"成|%|％",
    "折": r"折|%|％",
    "天": r"天|日|个工作日",
    "月": r"个?月",
    "个月": r"个月",
    "元": r"元|万|¥|￥",
    "块": r"块|元|部分|模块",  # "几块" is a sum or the parts of a whole ("六部分")
    "万": r"万",
    "分": r"分(?!钟|比|之)",  # not "百分比", "百分之"
    "人": r"个?人|名|位",  # "8~10 个人", "50 位高级领导"
    "类": r"大?类|种",  # "分几类": "八种真实原因"
    "档": r"档|级|等",  # "分几档": "三档", "三级" or "三等"
    "种": r"种|大?类",
    "条": r"条|项|种|点|个",  # "总结了几条": "八种真实原因"; "多少条坏处": "十三个坏处"
    "项": r"项|条|种|点",
}


def _unit_pattern(unit: str) -> re.Pattern[str] | None:
    """A value with the question's unit ("6 倍" for "几倍"); None when the unit says nothing (个, 位…)."""
    if not unit or unit in "个位项条步级名":
        return None
    number = _COUNTED if unit in _COUNT_UNITS else _NUMBER  # "一家企业" is an article, not a count of one
    return re.compile(rf"{number}\s*(?:{_UNIT_ALTERNATIVES.get(unit, re.escape(unit))})")


def _is_value_word(term: str) -> bool:
    return _VALUE_TERM.fullmatch(term) is not None


def listed_count(query: str) -> int | None:
    """How many items a "which are the twelve …, list them" question asks to see, if it names a number."""
    text = simplified(query)
    english = _EN_LIST_REQUEST.search(text) or _EN_SIZED_THEN_ASKED.search(text)
    if english:
        number = english.group(1).lower()
        return int(number) if number.isdigit() else _EN_NUMBERS[number]
    item = _LIST_ITEM_REQUEST.search(text) or _FIRST_ITEMS.search(text)
    if item:
        return _to_int(item.group(1))
    match = _LIST_REQUEST.search(text)
    if match and match.group(1):
        return _to_int(match.group(1))
    if _CLASSED_NOUN.search(text):  # "问题员工分哪几类": at least two classes, named
        return 2
    if _OPEN_LIST_REQUEST.search(text) and _LIST_REQUEST.search(text):  # "具体是哪几招，列一下": at least a few
        sized = _SIZED_OPEN_LIST.search(text) or _SIZE_SAID_AFTER.search(text)  # "四个特征有哪些，列一下",
        return _to_int(sized.group(1)) if sized else 3  # "有哪些功能，材料里列了五项": as many as it names
    member = _MEMBER_REQUEST.search(text)
    if member:
        return _to_int(member.group(1)) if member.group(1) else 3
    if _EN_OPEN_LIST_REQUEST.search(text):
        return 3
    return None


# "带来三种收益：", "有三方面意义：" ending its line: a list announced with its size, its items below.
_ANNOUNCED_LIST = re.compile(rf"({_COUNTED})\s*(?:个|种|项|大|条|步|类|点|方面)[\u4e00-\u9fff]{{0,6}}[：:]\s*(?:\n|$)")


_SAID_SIZE = re.compile(rf"(?<!哪)几\s*[个种项类条步点大]|{_COUNTED}\s*[个种项类条步点大]")


def says_a_size(query: str) -> bool:
    """True when the question names a size of its own ("六种流失") or asks a count ("一共几项"); "哪几点" asks for the
    items themselves."""
    return _SAID_SIZE.search(simplified(query)) is not None


def announced_list_size(text: str) -> int | None:
    """The size a passage gives the list it leads into ("三种收益：" then the items), or None."""
    lead = _ANNOUNCED_LIST.search(simplified(text))
    return _to_int(lead.group(1)) if lead else None


def names_size(query: str, count: int) -> bool:
    """True when the question itself says how many items it wants ("the twelve methods", "哪五个")."""
    text = simplified(query)
    english = [word for word, value in _EN_NUMBERS.items() if value == count]
    return names_count(text, count) or any(re.search(rf"\b{word}\b", text) for word in english)


def names_count(text: str, count: int) -> bool:
    """True when the text writes the number `count`, in digits or in Chinese ("12", "十二", "五项")."""
    chinese = _chinese_numeral(count)
    return re.search(rf"(?<!\d){count}(?!\d)", text) is not None or bool(chinese and chinese in text)


def _chinese_numeral(count: int) -> str | None:
    """"五" for 5, "十二" for 12, up to "二十"; None beyond (a list that long names its size in digits)."""
    digits = "一二三四五六七八九"
    if 1 <= count <= 9:
        return digits[count - 1]
    if count == 10:
        return "十"
    if 11 <= count <= 19:
        return "十" + digits[count - 11]
    return "二十" if count == 20 else None


def list_lines(text: str) -> int:
    """How many list lines ("- …", "1. …", "①") the passage has."""
    return len(_LIST_ITEM.findall(text))


def spells_out(text: str, count: int) -> bool:
    """True when the passage lists at least `count` items (list lines, table rows, or items separated by 、 or by
    arrows: "客户分类 → 需求分析 → …")."""
    items = list_lines(text)
    commas = max((max(sentence.count("、"), sentence.count("→")) + 1 for sentence in _sentences(text)), default=0)
    return max(items, commas, _table_rows(text)) >= count


# "具体是哪几个工具", "能办哪些业务": the thing a list request asks to see listed.
_LISTED_NOUN = re.compile(r"哪(?:几|些)\s*(?:个|种|项|类|大|样)?\s*([\u4e00-\u9fff]{2,3}?)(?=[，,。？?！!；;\s]|$|是|有|叫|呢|啊|吧)")


def listed_noun(query: str) -> str:
    """The noun a list request names ("哪几个工具" → "工具", "问题员工分哪几类" → "问题员工"), or ""."""
    text = simplified(query)
    found = _LISTED_NOUN.search(text) or _CLASSED_NOUN.search(text)
    return found.group(1) if found else ""


def classified_noun(query: str) -> list[str]:
    """The thing whose classes a Chinese question asks for, as words a passage may use, longest first
    ("问题员工到底分哪几类" → ["问题员工", "题员工", "员工"], "我们的客户分哪几类" → ["们的客户", "的客户", "客户"]), or []."""
    found = _CLASSED_NOUN.search(simplified(query))
    return _endings(found.group(1)) if found else []


def names_without_listing(text: str, noun: str) -> bool:
    """True when the passage names `noun` only inside list items, never in the text that leads a list ("- 客户关系管理的
    分析工具" under "应掌握以下要点"): it names the thing as one item of a list about something else."""
    if not noun:
        return False
    lines = [line for line in simplified(text).splitlines() if noun in line]
    return bool(lines) and all(_LIST_ITEM.match(line) for line in lines)


def _size(count: int) -> str:
    """The list's size as a question or a passage writes it, with its measure word ("五项", "三大", "4 个")."""
    return rf"(?:{count}|{_chinese_numeral(count) or count})\s*(?:个|项|大|种|条|步(?!骤)|类)?"


def sized_noun(query: str, count: int) -> str:
    """The noun the question counts with the list's size ("三大品牌" → "品牌", "五项修炼" → "修炼"), or ""."""
    found = re.search(rf"(?<![\d一二三四五六七八九十]){_size(count)}([\u4e00-\u9fff]{{2}})", simplified(query))
    if not found or found.group(1)[0] in "哪几是的都分个项种条步类":  # "五步走": a measure word, then a verb
        return ""
    return found.group(1)


def _sized(count: int, noun: str) -> str:
    """The size with the noun, or a near-synonym sharing a character ("四个特征" ~ "四个特点")."""
    similar = rf"(?:{re.escape(noun[0])}[\u4e00-\u9fff]|[\u4e00-\u9fff]{re.escape(noun[-1])})"
    return rf"{_size(count)}\s*{similar}"


def names_sized_noun(text: str, count: int, noun: str) -> bool:
    """True when the passage counts the noun with the size ("五项修炼", "三大品牌")."""
    return re.search(_sized(count, noun), simplified(text)) is not None


def names_size_without_listing(text: str, count: int, noun: str) -> bool:
    """True when the passage says the sized noun ("五项修炼") but never introduces a list with it ("五项修炼：…"):
    it mentions the list, as one item of another or in passing ("像三大品牌一样"), without spelling it out."""
    if not noun:
        return False
    plain = simplified(text)
    said = list(re.finditer(_sized(count, noun), plain))
    introduced = (
        re.match(r"[^，,。；;]{0,4}?(?:[：:\n]|包括|分别|如下|是指|就是)|[^。；;\n]{0,16}[：:]\s*(?:\n|$)", plain[found.end() :])
        for found in said
    )  # "分为三种类型，对应三种战略：" leads the table below it too
    return bool(said) and not any(introduced)


def _table_rows(text: str) -> int:
    """The most data rows of one Markdown table in the text (its header and rule not counted)."""
    most = rows = 0
    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            rows += 1
            most = max(most, rows - 2)  # a table's first two lines are its header and its rule
        else:
            rows = 0
    return most


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
    for line in unicodedata.normalize("NFKC", text).splitlines():
        line = _LIST_ITEM.sub("", line)  # "1. **走访调研**：…" is one sentence, not "1." and the rest
        sentences += split_sentences(line) if line.strip() else []
    return sentences


def _contains(text: str, term: str) -> bool:
    if is_cjk(term):
        return term in text
    return re.search(rf"(?<![a-z0-9]){re.escape(term)}", text) is not None  # "在crm" holds "crm"


# "先改的是哪几个行业的版本", "样板客户到底是哪几家": the members of a named class are asked for; a passage answers only
# if it lists that class ("行业包括通讯、化工…", "五种类型：…", a table or section headed by it). Words that name no
# class ("哪些东西", "哪几件事", "哪些做法") ask for what the passage says in any form.
_MEMBERS_OF = re.compile(
    r"哪(?:几|些)\s*(?:个|种|项|类|样|条|家|位|步)?\s*([\u4e00-\u9fff]{2})"
    r"(?=[，,。？?！!；;\s]|$|是|有|呢|啊|吧|的|要|可|能|会|算|在|最|比|该|适合|需要|必须)"
)
_CLASS_THEN_MEMBERS = re.compile(  # the class said first: "不变量到底是哪几条", "样板客户具体有哪些"
    r"([\u4e00-\u9fff]{2,4}?)(?:到底|具体|究竟|都|分别|一共)(?:是|有)哪(?:几|些)\s*(?:个|种|项|类|样|条|家|位|步)?(?=[，,。？?！!；;\s]|$|呢|啊|吧)"
)
_NO_CLASS = frozenset("东西 方面 地方 事情 件事 情况 做法 办法 方法 方式 手段 路子 招数 问题 内容 工作 东东".split())


def members_asked(query: str) -> list[str]:
    """The class whose members a Chinese question asks for, as words a passage may use, longest first ("哪几个行业的
    版本" → ["行业"], "定下的不变量到底是哪几条" → ["的不变量", "不变量", "变量"]), or []."""
    text = simplified(query)
    found = _MEMBERS_OF.search(text)
    if found:
        return [] if found.group(1) in _NO_CLASS else [found.group(1)]
    found = _CLASS_THEN_MEMBERS.search(text)
    if not found:
        return []
    return [ending for ending in _endings(found.group(1)) if ending not in _NO_CLASS]


def _endings(said: str) -> list[str]:
    """The words a passage may use for a noun phrase a question says, longest first: its endings of two characters
    or more ("定下的不变量" → "定下的不变量", "下的不变量", …, "变量")."""
    return [said[start:] for start in range(len(said) - 1)]


def lists_members(text: str, heading: str, noun: str) -> bool:
    """True when the passage lists members of `noun`: under a heading naming it, in a table or a list it leads
    ("行业包括通讯、化工…", "客户类型 | …", "五种类型：…"), or counted with its size ("三大品牌")."""
    plain = simplified(text)
    if noun in simplified(heading) and spells_out(text, 2):
        return True
    for line in plain.splitlines():
        at = line.find(noun)
        if at < 0:
            continue
        leads = re.search(r"[：:]\s*$", line[at:]) is not None and len(line) - at <= 16  # "行业包括：" then the list
        if line.lstrip().startswith("|") or leads:  # a table's column, or the line that leads a list
            return True
        after = line[at + len(noun) :]
        led = re.match(r"[^，,。；;]{0,6}?(?:有|是|为)|[^。；;]{0,12}?(?:包括|包含|分为|分成|如|：|:)", after)
        if led and "、" in after[led.end() :]:  # "行业包括通讯、化工…", "工具做系统控制，如销售漏斗、CRM…"
            return True
    return re.search(rf"{_COUNTED}\s*[个种项类大条步]?\s*{noun}", plain) is not None
