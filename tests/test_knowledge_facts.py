"""Specific facts: recognising a question that asks for one, and saying plainly when the playbook lacks it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crm.answers import AnswerLog
from crm.users import User, UserRepository
from knowledge import Answer, Source
from knowledge.answer import is_objection, missing_fact
from knowledge.documents import Hit
from knowledge.facts import (
    DURATION,
    announced_list_size,
    asked_fact,
    choice_asked,
    classified_noun,
    further_asked_fact,
    listed_count,
    listed_noun,
    names_count,
    names_size_without_listing,
    names_without_listing,
    says_a_size,
    sized_noun,
    spells_out,
    states_fact,
    value_request,
)
from skills.ask import AskSkill
from skills.models import Request


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("集团V网包月费现在多少钱一个月？", "amount"),
        ("what's the monthly fee for group SMS?", "amount"),
        ("签一单大客户提成几个点？", "rate"),
        ("What's the commission rate on renewals?", "rate"),
        ("今年的客户答谢晚宴定在哪天？", "date"),
        ("Which month does the survey go out?", "date"),
        ("绿色通道承诺多少小时内回复？", "duration"),
        ("每周最少要拜访几家客户？", "quota"),
        ("违约金按民法典写多少比例合适？", "law"),
        ("what's the ROI for a loyalty programme in retail", "rate"),  # metrics, bare requests and policy checks
        ("regional sales directors — bonus range?", "amount"),
        ("About how much does a group SMS package cost?", "amount"),  # "about" as roughly, not a topic
        ("The client asked \"how long is the contract?\"", "duration"),  # a question quoted is one to answer
        ("竞争对手这个返点政策是全国统一的吗", "policy"),
        ("集团客户的话费余额年底会清零吗", "policy"),
        ("Do unused service credits expire after twelve months?", "policy"),
        ("合同金额录系统时是按含税价还是不含税价", "policy"),
        ("按照劳动法，客户经理周末陪客户算不算加班？", "law"),  # the legal word is in the sentence that asks
        ("那个，区域大客户嘛，市场份额要占到百分之几，公司才认它是区域大客户啊", "rate"),  # a threshold
        ("集团客户一年通信费得过多少万，公司才肯批专门给它做定制？", "amount"),  # a threshold, too
        ("对Ⅱ类客户交叉销售的转化率，公司有没有个基准值", "rate"),
        ("what year did TARP run that complaint survey", "date"),
        ("who's the head of key accounts for the eastern region these days", "name"),
        ("what margin do distributors get on our products", "rate"),
        ("For chemical companies, what return on sales did that CRM study find?", "rate"),
        ("材料里有没有举个真做成了的例子，公司叫什么", "name"),  # the company's name, asked last
        ("Does the company have a dress code for client visits?", "policy"),
        ("Is a suit and tie mandatory when we visit the bank?", "policy"),
        ("What's the name of the company in that case study?", "name"),
        ("What was that bank called in the example?", "name"),
        ("Which competitor offered the 30% discount in that story?", "name"),
        ("Who in head office signs off on discounts above 15%?", "name"),
        ("Do reps get a commission on renewals, and if so what?", "policy"),
        ("Does the company reimburse taxi fares for client visits?", "policy"),
        ("Is our renewal discount capped?", "policy"),
        ("Are there official templates for the account plan? where do I get one", "document"),
        ("What does a typical key account contribute to revenue, percentage-wise?", "rate"),
        ("满意度调查是季度做还是半年做一次", "frequency"),  # a choice of periods, with a verb between
        ("这个17种办法是谁总结的", "name"),
        ("客户经理的底薪加提成大概什么水平", "rate"),
        ("客户价值评估表打分的权重是怎么分配的", "rate"),
        ("客户问专线故障几个小时能修好，我也不清楚，手册里有没有写", "duration"),  # asked of the playbook, last
        ("要去见他们的新CIO，他叫什么名字我还不知道", "name"),
        ("挽留流程里说48小时内回访，是工作日还是自然日", "policy"),
        ("服务等级协议里的赔偿标准是怎么定的", "policy"),
        ("合同到期前多久要开始谈续约，公司有要求吗", "duration"),  # whether a rule exists hands the question back
        ("Ⅰ类客户要重点保障，保障到什么程度，有没有具体的响应时间", "quota"),
        ("If a complaint isn't resolved in 3 days, who gets it next?", "name"),
        ("What revenue did China Telecom book from key accounts in 2002?", "amount"),
        ("Can I promise a client a dedicated engineer on site, is that allowed?", "policy"),
        ("What's the refund policy if a client cancels in the first month?", "policy"),
        ("Is the 17-method list ranked by effectiveness anywhere?", "rank"),
        ("How are KAM bonuses split between new and existing revenue?", "amount"),
        ("Is there a target number of contacts we should have inside each key account?", "quota"),
    ],
)
def test_a_question_for_a_specific_fact_is_recognised(question: str, kind: str):
    fact = asked_fact(question)
    assert fact is not None and fact.kind.name == kind


@pytest.mark.parametrize(
    "question",
    [
        "客户投诉有什么价值？",
        "客户嫌价格太高怎么办？",
        "How do I raise switching costs?",
        "客户流失分哪几类？",
        "Which CRM capability helps us tailor products to each segment?",  # a capability of the playbook's, no name
        "Which channel flow is that, and what cost does the playbook tie to it?",  # which cost, not how much
        # told, not asked: "written down anywhere" only asks for a rule in a question
        "Clients grumble on every visit, but none of it ever gets written down anywhere. How do I get it captured?",
    ],
)
def test_a_how_or_what_question_asks_for_no_specific_fact(question: str):
    assert asked_fact(question) is None


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # Chinese value words, whatever the topic: the wording lists nothing per topic
        ("客户联谊会一年的经费预算有多少？", "amount"),
        ("合作伙伴代办集团业务，代办费按多少给？", "amount"),
        ("月度绩效考核里拜访量占多大权重？", "rate"),
        ("按公司规定，一个首席集团客户代表要管几个集团？", "quota"),
        ("跟大客户签保密协议，按法律保密期限最少写几年？", "law"),
        ("客户恳谈会多久开一次？", "frequency"),
        ("新产品什么时候开始卖？", "date"),
        ("售后工程师几分钟内要到现场？", "duration"),
        ("VIP客户的年消费门槛是什么？", "quota"),  # a threshold: some number
        # Traditional characters
        ("集團短信通包月費是多少錢？", "amount"),
        ("大客戶經理每個月要拜訪幾家客戶？", "quota"),
        ("折扣最多能給幾折？", "rate"),
        ("合約什麼時候到期？", "date"),
        # English
        ("How much can I spend on a gift for the client's decision maker?", "amount"),
        ("What discount does China Telecom give key accounts?", "rate"),
        ("What percentage of our revenue comes from group customers?", "rate"),
        ("How long do we have to answer a complaint?", "duration"),
        ("When does our current price list expire?", "date"),
        ("By what date is the annual plan due?", "date"),
        ("Which article of the contract law covers this?", "law"),
        ("how many accounts am I supposed to manage?", "quota"),
        ("whats the monthly fee for group SMS?", "amount"),
        # a company policy or legal rule, asked for without a value word
        ("公司对客户经理送礼有什么规定？", "policy"),
        ("What is our travel reimbursement policy?", "policy"),
        ("Under PRC contract law, is a verbal deal binding?", "law"),
        # contact details, names, choices between values, allowances
        ("售后客服热线是多少？", "contact"),
        ("What's the hotline number a customer dials when something breaks?", "contact"),
        ("省公司集团部的邮箱地址是什么", "contact"),
        ("去年那个项目最后是哪家公司中标的", "name"),
        ("Which vendor supplies our billing system?", "name"),
        ("Which regional director approves a 90-day credit term?", "name"),  # a person in office
        ("报价打七折的话要走到哪一级审批？", "policy"),  # an approval level
        ("Who pays the installation fee when a branch moves offices?", "policy"),  # whose cost it is
        ("他说的响应及时，是指4小时以内吗", "duration"),  # a value said, to be confirmed
        ("市场份额较高，较高是指超过30%吗", "rate"),
        ("大客户回访多久一次，是每季度吗", "frequency"),  # a guess to confirm hands the question back
        ("Which distributor in our area sold the most routers this year?", "name"),
        ("Which city hosts the data centre our group clients are on?", "name"),  # a place
        ("客户回访这块，咱们是外包给谁做的？", "name"),
        ("The 4R model - is there an author or a source book for it?", "name"),
        ("这个项目现在是哪位副总分管的？", "name"),  # a person
        ("咱们区的大客户总监现在是谁？", "name"),
        ("Who is our current head of key accounts?", "name"),
        ("公司的CRM用的是哪个版本", "name"),
        ("What version of the billing system do we run?", "name"),
        ("What uptime does the leased-line contract promise?", "rate"),
        ("设备的免费保修是几年？", "duration"),
        ("听说要集中培训，到底几号开始啊，我好安排时间", "date"),  # 啊 / 到底 mark the clause that asks
        ("客户积分多久清一次，按季度还是按年", "frequency"),  # a choice after the clause that asks
        ("Is the self-check scored out of 5 or out of 10?", "quota"),  # a choice between values asks for one
        ("联合营销的推广费用双方按什么比例出？", "rate"),
        ("带新人的话公司每个月发多少补贴？", "amount"),
        ("What is our company's bonus for a renewal?", "amount"),  # a possessive between the words
        # requests without a question clause, and more wordings of a request
        ("我就想知道，公司最多能给几个月的免费期，客户在等回复", "duration"),  # after 想知道, any clause asks
        ("多少钱啊那个企业彩铃，客户在问", "amount"),  # a particle right after the value word
        ("投诉工单多长时间必须处理完，客户一直催", "duration"),  # a rule right after it
        ("折扣超过几个点要找领导批", "rate"),  # 超过几个 asks; it is not "a few"
        ("SPIN 销售法是谁提出来的", "name"),
        ("哪个渠道的占比最高", "rate"),
        ("是不是超过两天没回访就算违规？", "duration"),  # a yes/no question about a value asks for it
        ("Is the late-payment penalty more than 5%?", "rate"),
        ("帮我查一下企业宽带100M的报价", "amount"),  # a value named after a request
        ("客服系统的网址发我一下", "contact"),
        ("deadline for submitting the quarterly account plan", "date"),  # a bare request
        ("escalation mailbox address", "contact"),
        ("Who came up with the 4R model?", "name"),
        ("how many relationship managers per region?", "quota"),
        ("When exactly do we move the old accounts to the new system?", "date"),
        ("Above what deal size does finance have to sign off?", "amount"),
        ("What score did our service get in the customer survey?", "quota"),
        ("What payment terms does the other carrier offer?", "duration"),
        ("这份表现在归哪个部门管？", "name"),
        ("拜访记录在系统哪个菜单里填？", "system"),
        ("When was the final version of the plan approved?", "date"),  # a date, though it names a version
        ("Does the playbook give a standard per-visit fee for the agents?", "amount"),  # a figure the company would set
        ("Is there a typical margin the resellers keep?", "rate"),
        ("公司规定这两个产品哪个必须优先推？", "policy"),  # the company's own choice
        ("这几类打法里，省公司今年力推的是哪一个？", "policy"),  # the company's own push this year
        ("咱们现在被划为成熟期的是哪几个业务？", "policy"),  # the company's own verdict on its products
        ("公司那个客户档案系统叫啥？我想进去查查", "internal"),
        ("月报模板里计划那一栏要填哪几个字段", "system"),  # a form's own fields
        ("拜访记录里满意度怎么打分，公司有具体细则吗", "policy"),
        ("对异地开发有奖励吗？比如每谈成一家给多少钱，我在考虑要不要去", "amount"),  # the example spells out the question
        ("Our client asked how many months the call logs are kept before deletion. Does the playbook say?", "duration"),
        ("客户联络计划表各自要填哪些栏？", "document"),  # a form's own columns
        ("客户档案表一共有多少栏目？", "document"),
        ("公司要求给集团客户默认用的是哪一个？", "policy"),
        ("公司规定三档方案之间是不是每档差两成？", "policy"),
        # a cadence, a figure insisted on, an author named, a figure whose presence is asked after a reported question
        ("What cadence does the playbook set for re-surveying our key accounts?", "frequency"),
        ("What's the usual frequency of business reviews with a class-I account?", "frequency"),
        ("The payout shrinks over time, I was told. Is there an actual rate or schedule for that?", "rate"),
        ("Which expert does the playbook name as its author?", "name"),
        ("老板问我展会这条渠道一般占多大比重，我记得资料里有组渠道数据，里面有这个数吗", "rate"),
        # "who originally came up with", 全称, "案例里有写吗", "what's it worth", "at what … level"
        ("Who first came up with the four-level maturity model?", "name"),
        ("那个咨询公司的英文全称到底是啥？", "name"),
        ("客户问服务器放在哪家的机房，案例里有写吗", "name"),
        ("If we send a gift to thank a client for a referral, what's it worth?", "amount"),
        ("At what revenue level does an account move up to class I?", "amount"),
    ],
)
def test_any_request_for_a_value_is_a_fact_question(question: str, kind: str):
    fact = asked_fact(question)
    assert fact is not None and fact.kind.name == kind, fact


@pytest.mark.parametrize(
    "question",
    [
        "潜力很大但我们现在还没赚到多少钱的客户，在价值矩阵里算哪一类？",  # a description, negated
        "最近天天瞎忙，客户也跑了几个，业绩就是上不去，感觉很迷茫",  # "几个" = a few, in a statement
        "集团下面好几个地市都有分公司，到底归谁管？",  # 好几个 = several
        "我刚接了一个新片区，头几周该干嘛？",  # 头几周 = the first few weeks
        "这个方案几乎没人用，怎么推？",  # 几乎 = almost
        "客户投诉有什么价值？",
        "竞争战术要兼顾哪几个因素？",
        "这个能起多大作用？",  # 多大作用 asks how, not how much
        "How much effort should I still put into this account?",
        "What are the signs of a really committed account manager?",
        "What matters most to a client in an account manager?",
        "How should I respond when a customer says a competitor is 20% cheaper?",
        "When a customer complains, what should I do first?",
        "按公司规定做好客户档案，要从哪几方面入手？",  # follows a rule, does not ask for one
        "我们现在留客户基本就是靠合同里的违约金卡着，客户想走也走不了，可人家心里憋着气，总觉得不是个事儿",  # a legal word told
        "客户关怀一般靠什么手段做？我们这边除了打电话啥都没有",  # an indefinite: "nothing at all"
        "对接的采购说她就是收材料的，后面是谁拍板她也说不清",  # what someone else does not know
        "报价给他们了，他们说折扣多少都行，只要交付快",
        "总担心哪天来个更好的就把我们换掉，怎样才能做到谁也离不开谁",  # 才 in a how-to is no threshold
        "公司要求所有客户一律按标准流程走，可有几个大客户就是要特殊安排，这个矛盾该怎么处理",  # a rule told
        "客户价值表里当前价值和增值潜力两栏到底怎么定义的，这俩差在哪",  # two columns named, their meaning asked
        "客户说他们集团一律先验收后结款，我们合同里的预付条款他们签不了",  # a clause the customer refuses: an objection
        "一谈到这套服务到底值多少，双方看法总对不上，这样合作能长久吗",  # 到底 told, the question comes after
        "领导刚塞给我一份三十家的客户名单，从判断哪家值得跟，到后面怎么维护，要按什么步骤来",  # judged, and a list handed over
        "How do I tell which of my accounts are worth the extra effort?",
        "团队里问题一大堆，我该怎么先把它们归归类、各找谁去解决",  # a how-to: who to turn to is part of the method
        "How do I answer the typical price objection from a hospital buyer?",  # a kind of objection, no figure
        "客户说忠诚度要单独评估，这跟他每年采购多少有什么区别",  # two ideas compared, no figure
        "Our boss wants a profile of the hospitals in town. What should it cover apart from how many there are?",  # set aside
        "给学校那一块写需求分析，除了多少家以外，还该写哪些方面",
        "I need to explain what counts as a key account. Is it just about how much they spend?",  # a topic
        "Does the level of service depend on how many lines a client has?",
        "采购私下透给我，说对手报了个低得离谱的价，还把报价单晃了一下，这种信息该怎么掂量",  # let slip, not sent
        "Hotel buyer, after our quote: 'This is way over what we'd planned for. You'll have to do better.'",  # said
    ],
)
def test_value_words_in_descriptions_or_advice_questions_ask_for_no_fact(question: str):
    assert asked_fact(question) is None


def test_the_question_clause_carries_the_request():
    assert value_request("咱们提成几个点，有人知道吗")[0] == "几"  # a tag hands the question back
    assert value_request("能不能给几个点？")[0] == "几"  # 能不能 is a question, not a negation
    assert value_request("没几个客户这么做，你觉得呢？") == ("", "")
    # asking whether a rule or figure exists hands the question back to the value asked just before it
    assert value_request("这些关联企业来办业务能打几折，公司有没有统一的标准")[0] == "几"
    assert value_request("在客户决策里各占多大权重，有没有个比例")[0] == "多大"
    assert value_request("这批客户去年谈下来几家，有没有统一的打法") == ("", "")  # a way of working, no figure
    assert value_request("这个方案报价多少，有参考价吗")[0] == "多少"
    assert value_request("几个部门有意见都是打电话给我，我该怎么把维系搞得像样点") == ("", "")  # a call, no request
    assert value_request("那个热线电话发我一下")[0] == "电话"
    assert value_request("这个客户分级模型具体分几档，每档叫什么")[0] == "几"  # the members, named
    assert value_request("除了年费，还要交多少钱")[0] == "多少"  # what comes after 还 is asked
    assert value_request("Besides the fee, how much is the deposit?")[0] == "how much"
    # a last clause with a question word of its own ("是哪几条来着") is no tag or guess handing the question back
    assert value_request("材料里用几个画面来形容投入的客户经理，是哪几条来着") == ("", "")
    assert value_request("检查考核多久一次，是每月吗")[0] == "多久"
    # "in percent" asks for a share wherever it stands; "what's the commission based on" asks for a basis, no figure
    fact = asked_fact("How fast does its growth have to be, in percent, before it counts as a key account?")
    assert fact is not None and fact.kind.name == "rate"
    assert value_request("Once a firm goes customer-strategy, what's the commission based on?") == ("", "")


def test_the_unit_asked_for_must_be_the_unit_stated():
    fact = asked_fact("发展新客户的成本是维护老客户的几倍？")
    terms = ["发展", "新客户", "成本", "维护", "老客户"]
    assert fact is not None and fact.unit == "倍"
    assert states_fact(fact, "发展一位新客户的成本是保持一位老客户的 5～10 倍。", terms, weights(terms))
    assert not states_fact(fact, "发展新客户的成本占维护老客户成本的 15%。", terms, weights(terms))


def test_an_english_question_reads_a_keyword_phrase_as_the_gloss_of_one_figure():
    passage_text = (
        "据 TARP 的调查：\n- 只有 **1%~5%** 的投诉能反映到企业高层管理者那里；\n- **50%** 的客户遇到问题后从不投诉。\n\n"
        "English keywords: silent customers, TARP survey, 50% never complain, 1-5% reach top management"
    )
    fact = asked_fact("How much of the grumbling really reaches the top floor, ballpark 10%?")
    terms = ["grumbl", "reach", "top", "floor", "10"]
    assert fact is not None and fact.kind.name == "rate" and fact.demanded
    # the phrase "1-5% reach top management" states the figure; the line as a whole is only index words
    assert states_fact(fact, passage_text, terms, weights(terms))
    assert not states_fact(fact, passage_text.replace("1-5% reach top management", "top management"), terms, weights(terms))


def test_a_price_gap_asked_is_stated_as_a_share_too():
    fact = asked_fact("客户那句拿友商压我们的台词里，说人家头一轮报价比我们低多少？")
    terms = ["台词", "一轮", "报价", "比", "低"]
    assert fact is not None and fact.kind.name == "figure"
    assert states_fact(fact, "客户：“人家 XX 第一轮报价就比你们低两成！”", terms, weights(terms))
    fact = asked_fact("How much cheaper is the rival's price?")
    assert fact is not None and fact.kind.name == "figure"
    # money named in the request is still an amount, which a share does not give
    fact = asked_fact("人家头一轮报价比我们低多少钱？")
    assert fact is not None and fact.kind.name == "amount"
    assert not states_fact(fact, "客户：“人家 XX 第一轮报价就比你们低两成！”", terms, weights(terms))


def test_a_count_of_grades_needs_that_many_grades_stated():
    fact = asked_fact("客户素质评估是按几档来评的？")
    terms = ["客户", "素质", "评估"]
    assert fact is not None and fact.unit == "档" and fact.categories
    assert not states_fact(fact, "用客户状态分析表做两项评估：客户意愿评估和客户素质评估。", terms, weights(terms))
    assert states_fact(fact, "客户素质评估分三档：\n- 优\n- 中\n- 差", terms, weights(terms))


def test_a_full_score_asked_is_stated_only_in_points():
    fact = asked_fact("客户意愿评估按哪几个维度打分，每项满分多少")
    terms = ["客户", "意愿", "评估"]
    assert fact is not None and fact.unit == "分"
    assert not states_fact(fact, "用客户状态分析表做两项评估：客户意愿评估和客户素质评估。", terms, weights(terms))
    assert states_fact(fact, "客户意愿评估每项满分 10 分。", terms, weights(terms))


def test_a_count_of_kinds_is_answered_by_a_list():
    fact = asked_fact("客户关怀的内容分几个阶段？")
    terms = ["客户关怀", "内容", "阶段"]
    assert fact is not None and fact.categories
    assert states_fact(fact, "客户关怀的内容按阶段：\n- 售前服务\n- 售中服务\n- 售后服务", terms, weights(terms))
    assert not states_fact(asked_fact("一个客户经理要管几个集团？"), "客户经理管理集团：\n- 片警\n- 刑警",
                           ["客户经理", "集团"], weights(["客户经理", "集团"]))
    # English names kinds in many words: motives, questions, pillars… are counted by a heading that numbers them
    fact = asked_fact("How many motives for a churned client does the playbook give?")
    assert fact is not None and fact.categories
    assert states_fact(fact, "客户流失的动机说明……", ["客户流失"], weights(["客户流失"]), heading="客户流失的六种动机")
    # the length of a list, or the rungs of a ladder, is a count of its items
    for question in (
        "The guide lists ways to make leaving expensive. How long is that list?",
        "There is a list of sources for unspoken needs - how many are on it?",
        "How many rungs are there on the maturity ladder?",
    ):
        fact = asked_fact(question)
        assert fact is not None and fact.kind.name == "quota" and fact.categories, question
    assert not asked_fact("How many capabilities managers sit on an account team?").categories  # people, not kinds
    # Chinese: the parts of a whole named in more words, and a common adjective before them
    for question in ("这种系统标配是几个模块？", "厂商培训一般讲几个话题？", "资料里总结了它通常有几个典型特征？"):
        fact = asked_fact(question)
        assert fact is not None and fact.categories, question


def weights(terms: list[str]) -> dict[str, float]:
    return dict.fromkeys(terms, 1.0)


def passage(text: str, heading: str, coverage: float = 0.8, support: float = 0.9) -> Hit:
    """A supported hit for `missing_fact`: its text, its section heading, its share of the question's words and
    its support."""
    return Hit(
        chunk_id=heading, score=1.0, coverage=coverage, support=support, title="t", section=heading,
        heading_path=[heading], source="s.md", text=text,
    )


def test_a_passage_states_the_fact_only_with_a_value_on_the_topic():
    fact = asked_fact("集团V网包月费多少钱？")
    terms = ["集团", "v网", "包月费"]
    assert not states_fact(fact, "统一 V 网资费：以包月费为主，要求集团统一付费；", terms, weights(terms))
    assert states_fact(fact, "集团 V 网包月费为每月 20 元。", terms, weights(terms))
    assert not states_fact(fact, "会议费每人 20 元。", terms, weights(terms))  # a value, but on another topic


def test_a_service_short_code_answers_a_number_to_call_not_a_mailbox():
    text = "**1860**：设立集团客户支持中心，通过话音方式提供支撑；客户 1000 家以上的单位另设专席。"
    terms = ["集团客户", "支持中心"]
    assert states_fact(asked_fact("集团客户支持中心的电话是多少？"), text, terms, weights(terms))
    assert not states_fact(asked_fact("集团客户支持中心的邮箱是什么？"), text, terms, weights(terms))
    assert not states_fact(asked_fact("集团客户支持中心的电话是多少？"), "支持中心于 2005 年设立，服务 1000 家客户。", terms, weights(terms))
    # a rough count ("1500 多家", "1200余人") is no number to call either
    assert not states_fact(asked_fact("集团客户支持中心的电话是多少？"), "支持中心服务集团客户 1500 多家、1200余人。", terms, weights(terms))


def test_a_latin_word_is_found_right_after_a_chinese_character():
    fact = asked_fact("How long does an ERP rollout take?")
    terms = ["erp", "rollout"]
    assert states_fact(fact, "上ERP一般需要 6 个月。", terms, weights(terms))  # "上ERP": no space before it
    assert not states_fact(fact, "上CRM一般需要 6 个月。", terms, weights(terms))


def test_a_figure_answers_a_rate_only_where_the_rate_asked_for_is_named():
    fact = asked_fact("老客户的年续约率做到百分之多少才算达标？")
    terms = ["老客户", "续约率", "达标"]
    assert not states_fact(fact, "老客户续约时，考核达标的客户经理奖金上浮 20%。", terms, weights(terms))
    assert states_fact(fact, "老客户年续约率达到 85% 即为达标。", terms, weights(terms))
    # the acronym the question writes beside the rate names it too
    fact = asked_fact("CRM做得好的企业，销售回报率ROS能到多少？")
    terms = ["crm", "企业", "回报率", "ros"]
    assert states_fact(fact, "CRM 领先企业的 ROS 达到 33%，平均水平为 21%。", terms, weights(terms))


def test_an_english_subject_is_named_in_the_words_a_chinese_passage_uses_for_it():
    fact = asked_fact("What gross margin does a distributor usually keep on that route?")
    terms = ["distributor", "margin", "渠道"]
    shares = "生产商 → 分销商 → 消费者的渠道占 49%（distributor route）。"
    assert not states_fact(fact, shares, terms, weights(terms))  # a share of the volume is no margin
    assert states_fact(fact, "分销商在这条渠道上的毛利一般为 12%（distributor）。", terms, weights(terms))
    fact = asked_fact("What commission rate does a rep earn on a renewal?")
    terms = ["commiss", "rep", "renew"]
    assert not states_fact(fact, "续约（renew）客户的折扣为 5%，rep 负责跟进。", terms, weights(terms))
    assert states_fact(fact, "续约（renew）的提成为合同额的 3%，rep 当月结算。", terms, weights(terms))


def test_a_subject_asked_in_other_words_or_misspelt_is_named_as_a_passage_names_it():
    fact = asked_fact("走分销商那条渠道的话，给分销商返几个点合适")
    assert fact is not None and fact.subject == "返点"
    terms = ["分销商", "渠道"]
    assert not states_fact(fact, "生产商 → 分销商 → 消费者的渠道占 49%。", terms, weights(terms))  # a share of volume
    assert states_fact(fact, "给分销商的返点一般为 3 个点。", terms, weights(terms))
    fact = asked_fact("whats the comision for a distributor that brings in a group client")
    assert fact is not None and fact.subject == "commission"
    terms = ["distributor", "group", "client"]
    assert not states_fact(fact, "分销商（distributor）渠道占 49%，集团（group client）客户占 13%。", terms, weights(terms))
    assert states_fact(fact, "分销商（distributor）介绍集团客户（group client）的佣金为 2%。", terms, weights(terms))


def test_a_figure_for_another_industry_does_not_answer_one_asked_for_an_industry():
    passage = "以电子/高科技行业为例：\n- CRM 领先企业的 ROS 为 33%，平均企业为 13%。"
    for question, terms in (
        ("化工企业用CRM的ROS能到多少？", ["化工", "企业", "crm", "ros"]),
        ("What's the ROS of CRM leaders in the telecom sector?", ["crm", "ros"]),
    ):
        fact = asked_fact(question)
        assert fact is not None and fact.segment
        assert not states_fact(fact, passage, terms, weights(terms))
    fact = asked_fact("电子行业CRM领先企业的ROS是多少？")
    terms = ["电子", "行业", "crm", "领先", "企业", "ros"]
    assert states_fact(fact, passage, terms, weights(terms))
    assert not asked_fact("我是做医院的，开发新客户的成本是老客户的几倍？").segment  # the rep's trade, not the figure's


def test_the_words_naming_the_value_asked_are_not_topic_a_passage_must_repeat():
    fact = asked_fact("新人问：初次摸底拜访，单个客户要控制在多长时间以内？")
    terms = ["新人", "初次", "摸底", "拜访", "单个", "客户", "控制", "长时", "时间"]
    assert states_fact(fact, "走访调研阶段：每个客户约 20 分钟，快速摸底。", terms, weights(terms))
    assert not states_fact(fact, "走访调研阶段：先把客户的时间安排问清楚。", terms, weights(terms))


@pytest.mark.parametrize(
    "question",
    [
        "我们片区配几个大客户经理，编制是多少",
        "咱们公司CRM那54项能力现在做到了几项",
        "How many concurrent users is our CRM licensed for?",
        "Our competitor claims 99.99% uptime. What's ours?",
    ],
)
def test_the_companys_own_unit_or_current_state_is_never_stated(question: str):
    fact = asked_fact(question)
    assert fact is not None and fact.own_figures
    terms = ["片区", "客户经理", "编制", "crm", "能力"]
    assert not states_fact(fact, "一个片区通常配 3 个大客户经理；CRM 共有 54 项能力。", terms, weights(terms))


def test_the_reps_own_practice_asked_against_the_playbook_is_no_company_figure():
    assert not asked_fact("我们跟客户首次拜访一般控制在多长时间").own_figures
    assert asked_fact("我们客服中心现在按每个坐席一天接了多少通电话来考核，服务的考核该看什么") is None


def test_figures_for_the_companys_own_period_are_never_stated():
    fact = asked_fact("上个季度咱们的流失率是多少？")
    assert fact is not None and fact.period == "上个季度"
    assert not states_fact(fact, "客户流失率每降低 5%，利润可增加 25%。", ["流失率"], weights(["流失率"]))
    newer = asked_fact("The survey puts follow-through at 78%. In the latest round, did it still come out first?")
    assert newer is not None and newer.own_figures  # a newer round, asked without a value word
    assert asked_fact("那个流失率的调研，最新一轮结果还是这样吗") is not None


def test_a_named_list_must_be_spelled_out():
    assert listed_count("营销组合十二方法具体是哪十二个，列一下") == 12
    assert listed_count("客户流失分哪几类？") == 2  # at least two classes: "主动流失和被动流失" answers it
    assert listed_count("该有哪些功能，培训材料里列了五项，帮我列一下") == 5  # the size said after the request
    assert listed_count("该有哪些功能，帮我列一下") == 3  # unsized: at least a few
    # a framework named before the question: its layers, which a passage naming it as one item never lists
    assert listed_noun("学习要点里提到的那个忠诚架构，具体分哪几层，每层管什么") == "忠诚架构"
    assert names_without_listing("应掌握以下要点：\n- 渠道客户忠诚架构；\n- 客户价值评估。", "忠诚架构")
    assert spells_out("\n".join(f"{number}. 方法" for number in range(1, 13)), 12)
    assert not spells_out('结合"营销组合十二方法"和"六大定价策略"，得出方案。', 12)
    assert listed_count("The course mentions 五项修炼. Spell out all five for me.") == 5
    assert listed_count("What are the 42 ways to build authority?") == 42
    assert listed_count("Can you list the twelve methods?") == 12
    assert listed_count("How do the five forces work?") is None  # about them, not a list of them
    assert listed_count("新任主管上任九步曲，第一步是什么？") == 9  # one item of a named list needs the list
    assert listed_count("第一步该从哪儿动手") is None
    table = "| 类型 | 特点 |\n|---|---|\n| 夹子式 | 松散 |\n| 拉链式 | 熟悉 |\n| 尼龙搭扣式 | 紧密 |"
    assert spells_out(f"客户关系分为三种类型：\n\n{table}", 3)  # a table's rows are its items
    assert not spells_out(f"客户关系分为三种类型：\n\n{table}", 4)
    led = f"客户关系分为三种类型，对应三种关系战略：\n\n{table}"  # the line that names the size leads the table
    assert not names_size_without_listing(led, 3, "类型")
    assert names_size_without_listing("像三种类型那样，做好服务。", 3, "类型")
    assert spells_out("实施五步：客户分类 → 需求分析 → 定制服务 → 高效沟通 → 维护关系。", 5)  # arrows part items


def test_a_list_asked_by_its_size_is_spelled_out_by_the_best_passage_listing_that_many_in_other_words():
    question = "平常跟客户联络主要靠哪三种管道？"
    terms = ["客户", "联络", "管道"]
    three = passage("客户关怀手段主要有三种：\n1. 主动电话\n2. 网站服务\n3. 呼叫中心", "客户关怀的手段", coverage=0.2)
    assert missing_fact(question, [three], terms, weights(terms)) is None  # "三种" and three items, not "管道"
    other = passage("客户经理要做好三件事。", "客户经理", coverage=0.2)
    assert missing_fact(question, [other, three], terms, weights(terms)) is not None  # only the best passage


def test_a_list_is_spelled_out_only_by_a_passage_the_answer_quotes():
    question = "销售五步骤是哪五步"
    terms = ["销售", "步骤"]
    in_passing = passage("课程要点：\n- 拜访九步骤；销售五步骤。", "课程要点", coverage=1.0, support=1.0)
    steps = "实施五步：客户分类 → 需求分析 → 定制服务 → 高效沟通 → 维护关系。"
    weak = passage(steps, "实施步骤", support=0.5)  # too weak beside the best to be quoted
    assert missing_fact(question, [in_passing, weak], terms, weights(terms)) is not None
    assert missing_fact(question, [in_passing, passage(steps, "实施步骤", support=0.9)], terms, weights(terms)) is None


@pytest.mark.parametrize(
    ("question", "objection"),
    [
        ("客户说你们的价格太高了，我该怎么回应？", True),
        ("客户已经拿过一次折扣了还要再降，我该怎么处理？", True),
        ("They said \"we'll think about it\". what do i do", True),
        ("客户价值矩阵分哪几类？", False),
        ("How do I raise switching costs?", False),
        ("客户那边又说再等等，预算下个季度才批", True),  # the speaker a few words before the verb
        ("客户财务处听完报价半天没吭声，最后说今年预算早就花光了", True),  # what they did, then what they said
        ("客户关系这块我跟了很多年了，说实话还是没摸到门道", False),  # 说实话 is the rep talking
        ("对方老板张口就问能不能打折，我当场让了五个点，主管骂我犯了大忌，我到底错在哪", False),  # what went wrong
        ("The buyer asked for a discount on the first visit and I gave 5%. Where did I go wrong?", False),
        ("Our junior rep thinks we are too expensive for every deal and wants discounts approved up front. How do I coach him?", False),
        ("Our team says the client thinks we are too expensive", True),  # the client's view, passed on
        ("客戶說你們太貴了", True),  # Traditional
        ("The guy I deal with keeps saying he can't decide", True),
        ("client wants way longer payment terms than we normally do", True),
        ("老客户知道新客户拿的价比他低，气得不行", False),  # a situation, not the customer's objection
        ("客户要求降价通常有哪些真实原因？", False),  # a question about objections in general
        ("这是个全新客户，以前一点没合作过，第一次对接要注意点啥", False),
        ("Their IT director says any hosted service has to pass an internal audit", True),  # a role on their side
        ("客户的法务总监觉得合同条款风险太大", True),
        ("How do I get the finance director on my side?", False),  # a rep's question, no pushback
        ("他们信息部的刘主任担心数据放在外面不安全", True),  # a title on their side
        ("我们老板说这单必须拿下，怎么推进", False),  # our own boss: not the customer's objection
        ("采购上周才拿了折扣，今天又来电话说不再降就不签", True),  # the speaker opens the sentence
        ("对接的王经理说这事得上办公会", True),
        ("客户经理说要多拜访客户，这样对吗", False),  # the rep's own role
        ("医院信息科说数据放到外面平台上过不了检查", True),  # a client's department
        ("我们科说要多拜访客户", False),
        ("The clinic's office manager says her staff can't learn so many features", True),  # their manager
        ("My manager says I should visit more often", False),  # the rep's own manager
        ("Our manager says we must not cut the price", False),
        # the customer's words in other shapes, and words that only look like them
        ("社区医院的院长看完报价，说预算早就用完了，明年再议", True),  # the role, then 说 after a comma
        ("物业公司老总听完介绍就一句：现在这家用着挺好", True),  # a line of their own
        ("开完会对方最后来一句回去再研究研究，就没消息了", True),
        ("跟档案科王主任谈了两回，她每次都说'领导没表态'", True),  # straight quotes, 每次都说
        ("财政局信息中心的人说外面的云平台一律不许用", True),  # a department's people
        ("客户那边的财务总监昨天在电话里发火，说账单又错了", True),
        ("The hotel's purchasing head: 'We already have a supplier for this.'", True),  # a colon and a quote
        ("Their ops manager opened with 'we have no budget left this year'", True),
        ("The school's IT committee says the contract must go to tender", True),
        ("The buyer laughed and said they have used the same firm for ten years, so why would they change?", True),
        ("The client offered to prepay two years if we add a free training day", True),  # a request of theirs
        ("Procurement asked for 150-day payment terms", True),
        ("My boss asked for a summary of the account", False),
        ("能不能就一句话讲清楚我们比别家强在哪", False),
        ("我们主管看完我的周报，说拜访记录写得太简单", False),
        ("The board meeting is next week: what should my proposal include?", False),
        ("Their warehouse supervisor sat through the demo and said his pickers will never cope", True),  # a few words on
        ("My supervisor sat in on the call and said I should push harder", False),
        ("客户财务总监拿到报价单第一句话就是：你们这价是按镀金算的吧？怎么接", True),  # their first words
        ("我第一句话就是：您好，我是新来的客户经理", False),
        ("Procurement forwarded a rival bid that's a fifth below ours. What do I say back?", True),  # their pushback
        ("She forwarded all three quotes to me with just '???'. Which CRM capability is failing here?", False),
    ],
)
def test_objections_are_told_from_other_questions(question: str, objection: bool):
    assert is_objection(question) is objection


@pytest.mark.parametrize(
    ("question", "objection"),
    [
        ("客户签完合同说“跟你们合作心里踏实”，别家明明更便宜，他到底买的是啥", False),
        ("客户嘴上嫌贵，最后还是续了约，这背后是什么道理", False),
        ("客户跟我说，换家太麻烦了。这种麻烦我们管它叫什么", False),
        ("客戶嫌貴卻一直沒換，為什麼", False),  # Traditional
        ("The buyer says switching would be a pain. Why is that worth knowing?", False),
        ("The client keeps saying our support is great. What does that tell me?", False),
        # the customer's own "why", in quotes or after 说，, is their objection
        ("客户说“凭什么你们比别家贵，为什么要多付钱”，我怎么回", True),
        ("对方采购跟我说，现在这家都合作十年了，换你们图啥？", True),
        ("Their CFO said: 'why would we pay more for the same thing?' How do I answer?", True),
    ],
)
def test_asking_why_a_customer_said_or_did_something_is_no_objection_to_answer(question: str, objection: bool):
    """A card tells the rep how to answer an objection; why the customer acts so is explained by a section."""
    assert is_objection(question) is objection


class NotStatedPlaybook:
    """A stand-in knowledge base that always answers "the playbook does not state this"."""

    def answer(self, query: str) -> Answer:
        source = Source(title="集团客户管理", section="业务服务产品化", source="14.md", score=0.9, text="以包月费为主",
                        chunk_id="c14")
        return Answer(answered=False, not_stated=True, kind="not_stated", sources=[source],
                      text="手册里讲了「业务服务产品化」，但没有写包月费的具体金额。\n相关内容（供参考，不是答案）：")


def test_the_ask_skill_says_not_stated_and_offers_the_related_passage(store):
    UserRepository(store).upsert(7, name="小王", timezone_name="Asia/Shanghai", registered_via="allowlist")
    skill = AskSkill(NotStatedPlaybook(), AnswerLog(store))
    request = Request(user=User(id=7, name="小王"), text="集团V网包月费多少钱？", now=datetime(2026, 3, 3, tzinfo=UTC))
    reply = skill.handle(request)
    assert "没有写包月费" in reply.text and "集团客户管理 › 业务服务产品化" in reply.text
    assert "没有找到" not in reply.text  # not the plain refusal
    [[related]] = reply.buttons
    assert related.label == "相关原文" and related.data.endswith(":0")


def test_asking_what_a_figure_is_called_asks_for_a_name():
    assert asked_fact("What is that number called?") is None
    # the sentence that asks carries the request, not a description before it
    assert asked_fact("I need how much more a client could earn us if managed well. What is that figure called?") is None
    assert asked_fact("What is the number of steps in the visit?").kind.name == "quota"


@pytest.mark.parametrize(
    "question", ["客户那边挺稳的，是不是可以少去几趟", "要不要多跑几次", "过几天再联系他行吗", "花这么多人伺候几个大客户到底划不划算"]
)
def test_ji_meaning_a_few_asks_for_no_number(question: str):
    assert asked_fact(question) is None


def test_ji_asking_how_many_still_asks_for_a_number():
    assert asked_fact("合同还有几天到期？") is not None and asked_fact("一周要拜访几次客户？") is not None
    assert asked_fact("几天之内回访算不算及时") is not None  # a span to judge by asks for its length


def test_a_cost_named_as_a_concept_asks_for_its_meaning_not_an_amount():
    assert asked_fact("In plain words, what is a switching cost from the customer's side?") is None
    assert asked_fact("What's the opportunity cost of chasing small accounts?") is None
    assert asked_fact("What is the cost of a dedicated line?").kind.name == "amount"


@pytest.mark.parametrize("question", ["跟对手的经理有几十年交情，这关系怎么破？", "我们该先拜访哪家客户？", "先做产品还是先做关系？",
     "行业集团客户的日常维护通常由谁来负责？", "Who should own the relationship with their CIO?", "What is an SLA and why does it matter?"])
def test_descriptions_and_choices_without_values_ask_for_no_fact(question: str):
    assert asked_fact(question) is None


def test_a_contact_is_stated_only_by_a_number_or_address():
    fact = asked_fact("投诉热线的电话号码是多少？")
    terms = ["投诉", "热线"]
    assert states_fact(fact, "客户投诉可拨打热线 10086 转人工。", terms, weights(terms))
    assert not states_fact(fact, "企业应开通投诉热线，鼓励客户投诉，并在四点内回复。", terms, weights(terms))


def test_a_name_is_stated_only_where_a_sentence_says_what_was_asked():
    fact = asked_fact("那个CRM项目最后是哪家软件供应商中标的？")
    terms = ["crm", "项目", "软件", "供应商", "中标"]
    assert not states_fact(fact, "上海通用实施 CRM 项目之前，已经有多个客户信息系统。", terms, weights(terms))
    assert states_fact(fact, "CRM 项目公开招标，软件供应商甲公司中标。", terms, weights(terms))


def test_a_count_is_not_stated_by_a_name_a_year_a_duration_or_an_article():
    fact = asked_fact("How many clients does one relationship manager handle?")
    terms = ["client", "relationship", "manag"]
    for sentence in ("B2B relationship managers handle clients one to one.", "In 2000 年 the managers met clients.",
                     "Each manager meets clients for 20 分钟."):
        assert not states_fact(fact, sentence, terms, weights(terms)), sentence
    assert states_fact(fact, "One relationship manager handles 12 clients.", terms, weights(terms))
    fact = asked_fact("调研里有几家是外资企业？")
    terms = ["调研", "外资", "企业"]
    assert not states_fact(fact, "调研发现一家外资企业的收益约为 10%。", terms, weights(terms))
    assert states_fact(fact, "调研覆盖的企业中有 12 家外资企业。", terms, weights(terms))


def test_a_quantity_per_unit_is_not_a_count_of_kinds():
    assert asked_fact("How many key points does a good visit plan have?").categories
    assert not asked_fact("How many reward points does a client get per 100 yuan?").categories


@pytest.mark.parametrize(
    "question",
    [
        "客户是不是只看价格？",
        "帮我看看这个客户该怎么跟进",
        "price objection handling tips",
        "Customer wants a discount, what do I do?",
        "客户什么时候最需要关怀？",  # when = in which situations
    ],
)
def test_advice_questions_with_request_words_ask_for_no_value(question: str):
    assert asked_fact(question) is None


def test_a_count_of_situations_is_a_count_not_an_address():
    fact = asked_fact("How many situations does the playbook list where customers most need care?")
    assert fact is not None and fact.kind.name == "quota" and fact.categories


def test_a_month_of_the_calendar_is_no_duration_and_a_part_is_no_sum():
    fact = asked_fact("合同账期一般是几个月？")
    terms = ["合同", "账期"]
    assert not states_fact(fact, "合同账期的讨论稿于 2002 年 12 月 25 日发布。", terms, weights(terms))
    assert states_fact(fact, "合同账期通常为 3 个月。", terms, weights(terms))
    fact = asked_fact("维系预算的上限是多少钱？")
    terms = ["维系", "预算", "上限"]
    assert not states_fact(fact, "维系预算的差距大概在哪一块？", terms, weights(terms))
    assert states_fact(fact, "维系预算的上限是每年 5 万元。", terms, weights(terms))


def test_how_much_to_invest_is_advice():
    assert asked_fact("They are opening new depots next year. How much should I invest in them?") is None


def test_a_count_of_levels_needs_the_number_of_levels():
    fact = asked_fact("客户经理分几级？")
    terms = ["客户经理", "级"]
    assert not states_fact(fact, "客户经理分级管理：\n- 分层培训\n- 分层考核", terms, weights(terms))
    assert states_fact(fact, "客户经理分为三级：\n- 初级\n- 中级\n- 高级", terms, weights(terms))


def test_a_count_asked_with_its_members_is_answered_by_the_list():
    terms = ["客户关系管理", "步", "客户档案"]
    fact = asked_fact("做客户关系管理，第一步是建客户档案，后面几步依次是啥")
    assert fact is not None and fact.kind.name == "quota"
    chain = "客户关系管理的工作步骤：客户档案 → 客户细分 → 客户关怀 → 动态数据库。"
    assert states_fact(fact, chain, terms, weights(terms))
    alone = asked_fact("做客户关系管理，一共分几步？")  # the number alone: the passage must say it
    assert alone is not None and not states_fact(alone, chain, terms, weights(terms))
    people = asked_fact("决策小组一般由几个人组成，都是哪些职位的人")  # a number of people is no list of roles
    roles = ["决策小组", "人", "职位"]
    assert people is not None and not states_fact(people, "决策小组包括：\n- 采购\n- 技术\n- 财务", roles, weights(roles))
    rest = asked_fact("客户关系管理那几步，我就记得第一步是客户档案，其余几个叫啥")  # the members' names, not a proper name
    assert rest is not None and rest.kind.name == "quota"
    assert states_fact(rest, chain, terms, weights(terms))


def test_a_limit_asked_is_stated_only_with_a_limit_word():
    fact = asked_fact("那17种办法，每家重点客户至少要落实几种？")
    terms = ["办法", "重点客户", "落实"]
    assert fact is not None and fact.limited
    methods = "提高转移成本的 17 种办法：\n1. 长期稳定的质量\n2. 优质客户服务\n3. 重点客户落实有计划拜访"
    assert not states_fact(fact, methods, terms, weights(terms))  # how many there are, not how many at least
    assert states_fact(fact, "每家重点客户至少落实 5 种办法。", terms, weights(terms))
    assert not asked_fact("那17种办法，每家重点客户要落实几种？").limited


def test_a_breakdown_of_a_quoted_figure_is_stated_only_beside_that_figure():
    fact = asked_fact("调查说45%的投诉卡在一线，那这45%里面代理机构和分支机构各占多少？")
    terms = ["调查", "投诉", "代理机构", "分支机构"]
    survey = "投诉调查：\n- 只有 1%～5% 的投诉能反映到高层；\n- 45% 的投诉停留在代理机构、分支机构和一线。"
    assert fact is not None and not states_fact(fact, survey, terms, weights(terms))
    split = "投诉调查：45% 的投诉停留在一线，其中代理机构占 20%、分支机构占 25%。"
    assert states_fact(fact, split, terms, weights(terms))


def test_a_part_of_a_share_said_in_words_is_stated_only_beside_a_figure_of_its_own():
    fact = asked_fact("调查说一半客户碰到问题从不投诉，那这些不吭声的客户里，最后有几成会换掉供应商？")
    terms = ["调查", "客户", "投诉", "换掉", "供应商"]
    survey = "投诉调查：\n- 50% 的客户遇到问题后从不投诉，也不会告诉供应商。\n\nEnglish keywords: 50% never complain, 45% frontline"
    assert fact is not None and fact.quoted and not states_fact(fact, survey, terms, weights(terms))
    split = "投诉调查：50% 的客户遇到问题后从不投诉，其中 60% 最后会换掉供应商。"
    assert states_fact(fact, split, terms, weights(terms))


def test_an_english_breakdown_of_a_quoted_figure_is_stated_only_beside_that_figure():
    fact = asked_fact("Complaints to the front line are 45% of the total. How does the 45% split between agents and branches?")
    terms = ["投诉", "代理机构", "分支机构"]
    assert fact is not None and fact.quoted
    assert not states_fact(fact, "投诉调查：有 30% 的投诉由代理机构和分支机构处理。", terms, weights(terms))
    assert states_fact(fact, "投诉调查：45% 的投诉停留在一线，其中代理机构占 20%、分支机构占 25%。", terms, weights(terms))


def test_a_value_for_each_named_part_is_stated_only_beside_the_parts():
    fact = asked_fact("那份调研一共发了300份问卷，华东、华南、华北这三块各占几份？")
    terms = ["调研", "问卷", "华东", "华南", "华北"]
    total_only = "渠道调研：共发出 300 份问卷（华东、华南、华北），收回 260 份有效问卷。"
    assert fact is not None and not states_fact(fact, total_only, terms, weights(terms))
    split = "渠道调研：共发出 300 份问卷，其中华东 120 份、华南 100 份、华北 80 份。"
    assert states_fact(fact, split, terms, weights(terms))


def test_a_count_of_people_or_firms_is_never_a_share_of_them():
    terms = ["调研", "客户", "跟进"]
    survey = "客户经理行为素质调研：78% 的客户认为完全、彻底跟进最重要。"
    fact = asked_fact("那个78%的调研，一共调查了多少个客户")
    assert fact is not None and fact.kind.name == "quota"
    assert not states_fact(fact, survey, terms, weights(terms))
    assert states_fact(fact, "客户经理行为素质调研共访问了 300 个客户，78% 认为彻底跟进最重要。", terms, weights(terms))
    sample = asked_fact("What was the sample size of the survey behind the 78% follow-through figure?")
    assert sample is not None and sample.kind.name == "quota"


def test_a_count_of_layers_needs_the_number_of_layers():
    fact = asked_fact("关系营销一共分几层？")
    terms = ["关系营销", "层"]
    assert fact is not None and fact.unit == "层"
    assert not states_fact(fact, "关系营销分层理解：最外层是品牌关系，最内层是面对面关系。", terms, weights(terms))
    assert states_fact(fact, "关系营销分为三层：\n- 品牌关系\n- 组织关系\n- 面对面关系", terms, weights(terms))


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # a ready-made file: the playbook quotes text, it has none to send
        ("拜访记录表的模板发我一份", "document"),
        ("麻烦发我一份项目计划书的模版", "document"),
        ("Send me the template for the account plan, the Excel one", "document"),
        ("做客户档案有现成模板吗", "document"),
        # how often
        ("满意度回访按月做还是按季做", "frequency"),
        ("How often do we run the customer survey?", "frequency"),
        # who signs off, where to find, whether there is a limit
        ("who approves payment terms longer than 60 days", "name"),
        ("特价申请一般由谁来审批", "name"),
        ("离我们最近的营业厅地址在哪", "contact"),
        ("Is there a cap on what we can spend on gifts per contact?", "amount"),
        ("Do we have a fixed number of visits per week for each rep?", "quota"),
        ("送礼有没有上限", "quota"),
        # yes/no checks of a value in heads or money, a choice between weekdays
        ("is a firm with more than 300 staff a key account by default?", "quota"),
        ("is it a class IV customer when it spends above 2 million RMB a year?", "amount"),
        ("Is the report due Friday or Monday?", "date"),
        ("周报是周五交还是周一交", "date"),
        # two asks in a row: the first one counts too
        ("这个调研是哪一年的数据，哪个国家统计的", "date"),
        # a recent year, a count per year, the exact text, a cut-off, a ratio, a rule
        ("What percentage of our own sales went through manufacturer's reps in 2024?", "rate"),
        ("领导一年要亲自去拜访每家大客户几趟？", "frequency"),
        ("公司那封标准致歉信原文是怎么写的，我照抄一下", "document"),
        ("价格敏感度分高中低三档，是按什么分数线切的", "quota"),
        ("我们公司的标准付款比例是不是3:6:1", "rate"),
        ("高层拜访有硬性规定没", "policy"),
        ("'越区'是按地市边界认定，还是按区县边界认定", "policy"),
        # which one, how accurate, who gets it
        ("五类客户那张表写着'以软件公司为例'，这家软件公司具体是哪一家", "name"),
        ("反抢政策里能送的是哪款机型", "name"),
        ("Which model do we run for behaviour prediction, and how accurate is it?", "rate"),
        ("Who gets copied on the monthly league table of group-account results?", "name"),
        # the company's own rule for a split, its own list, a figure for a coming period
        ("两个客户经理同时跟一家单位，公司规定最后的业绩怎么算", "policy"),
        ("我们市公司今年哪些行业被划入了重点行业名单", "policy"),
        ("Which services are officially on our premium list?", "policy"),
        ("What growth figure should I assume for our region next year?", "quota"),  # a figure, for a period of ours
        # the company's own state and records, a share said in words
        ("渠道管理那几种模式，我们分公司实际已经用了其中哪几种", "internal"),
        ("去年那次丢单的分析报告放哪能看到", "internal"),
        ("算不算战略客户，是不是我们在它那的采购份额过半才算", "rate"),
    ],
)
def test_more_ways_of_asking_for_a_value(question: str, kind: str):
    fact = asked_fact(question)
    assert fact is not None and fact.kind.name == kind, fact


@pytest.mark.parametrize(
    "question",
    [
        "how do I handle a client who keeps asking for more",  # a relative "who" asks no name
        "Buyer says 'you gave us 8% off last time, knock off another 5%' - how do I answer?",  # an objection quoting figures
        "行业集团客户的日常维护通常由谁来负责？",  # a role the playbook describes
    ],
)
def test_relative_who_and_quoted_figures_ask_for_no_value(question: str):
    assert asked_fact(question) is None


def test_a_count_in_the_unit_asked_needs_less_of_the_topic():
    fact = asked_fact("客户被我们气到了，回头会跟几个人讲")
    assert fact is not None and fact.unit == "人"
    terms = ["客户", "气到", "回头", "讲", "服务"]
    sentence = "一个对服务不满的客户，会把不满的经历告诉另外 8~10 个人。"
    assert states_fact(fact, sentence, terms, weights(terms))  # "服务" alone: a fifth of the topic, in the unit asked
    assert not states_fact(fact, "服务网点覆盖 12 个区县。", terms, weights(terms))  # a count, but not of people


def test_a_count_of_kinds_takes_its_synonym_from_the_heading():
    fact = asked_fact("客户砍价的动机，书上归纳了几类")
    terms = ["客户", "砍价", "动机", "归纳"]
    heading = "价格异议 › 客户要求降价的八种真实原因"
    assert states_fact(fact, "- 试探底价\n- 向上级交差\n- 比较竞品", terms, weights(terms), heading)


def test_a_template_or_a_frequency_needs_its_own_kind_of_value():
    terms = ["拜访", "记录表", "模板"]
    template = asked_fact("拜访记录表的模板发我一份")
    assert not states_fact(template, "常用表单：客户拜访记录表、重要客户对策表。", terms, weights(terms))
    often = asked_fact("客户恳谈会多久开一次？")
    terms = ["客户", "恳谈会"]
    assert states_fact(often, "客户恳谈会每季度开一次。", terms, weights(terms))
    assert not states_fact(often, "客户恳谈会开 2 天。", terms, weights(terms))  # a length, not how often


@pytest.mark.parametrize(
    "question",
    [
        "Which marketing agency designed the loyalty scheme?",
        "which outside consultancy ran the CRM selection",
        "报销单现在在哪个平台上提交？",
        "年会是哪家酒店承办的",
        "系统账号被锁了找谁解锁？",
    ],
)
def test_which_organisation_system_or_person_asks_for_a_name(question: str):
    fact = asked_fact(question)
    assert fact is not None and fact.kind.name == "name"


@pytest.mark.parametrize(
    "question",
    [
        "我们该先拜访哪家客户？",
        "客户那边我该找谁突破",
        "Which customers should I visit first?",
        "For the small accounts, which marketing tools does the playbook still recommend?",  # tools are methods
    ],
)
def test_which_customer_or_whom_to_win_over_is_advice_not_a_name(question: str):
    fact = asked_fact(question)
    assert fact is None or fact.kind.name != "name"


def test_a_value_word_right_after_shi_asks_in_any_clause():
    assert asked_fact("集团客户的毛利底线是百分之几，低于它要走什么流程") is not None
    assert asked_fact("客户问我们的报价是多少，我该怎么回") is None  # someone else asked; the rep asks how to reply


def test_an_average_asked_with_what_asks_for_a_number():
    assert asked_fact("What renewal rate do we expect on average from a Class II client?") is not None


def test_an_open_list_request_asks_for_a_few_items():
    assert listed_count("培训里说的客户关怀手段，具体有哪些，列一下") == 3
    assert listed_count("客户关怀手段有哪些？") is None  # a question about them, not a request to list them


def test_a_list_asked_by_its_size_is_answered_by_a_passage_that_names_that_size_and_lists_it():
    question = "判断是不是大客户，培训里说的四个特征有哪些，给我列一下"
    assert listed_count(question) == 4
    four = "大客户通常具有四个特点：\n1. 购买力强；\n2. 需求量大；\n3. 合作周期长；\n4. 有战略意义。"
    three = "大客户通常具有三个特点：\n1. 购买力强；\n2. 需求量大；\n3. 合作周期长。"

    terms = ["判断", "大客户", "培训", "特征"]
    heading = "大客户的定义与特点"  # few of the question's words in the passage: it is judged by the size it names
    assert missing_fact(question, [passage(four, heading, coverage=0.2)], terms, weights(terms)) is None
    assert missing_fact(question, [passage(three, heading, coverage=0.2)], terms, weights(terms)) is not None


@pytest.mark.parametrize("question", ["这个政策合理吗？客户不认可怎么办", "客户说我们的价格政策太死板了，我该怎么回"])
def test_advice_about_a_policy_asks_for_no_fact(question: str):
    assert asked_fact(question) is None


def test_a_list_asked_in_english_is_the_one_that_names_its_size():
    assert names_count("大客户经理的五项修炼", 5) and names_count("营销组合十二方法", 12) and names_count("42 种方法", 42)
    assert not names_count("142 家企业", 42) and not names_count("三个因素", 4)


def test_ji_after_a_limit_asks_how_many():
    assert asked_fact("一个客户代表最多能带几家集团客户").kind.name == "quota"
    assert asked_fact("少去几趟行不行") is None  # "a few", not "how many"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how long should a first visit take when i take over new accounts", "duration"),  # "when" is no date here
        ("新接手的片区，走访一个客户大概花多少时间", "duration"),  # 花多少 is no sum of money here
    ],
)
def test_the_value_word_itself_says_the_kind_first(question: str, kind: str):
    assert asked_fact(question).kind.name == kind


def test_a_count_of_kinds_stays_a_count_whatever_else_the_question_names():
    fact = asked_fact("how many kinds of channel flow are there, and which one carries the payment-terms cost")
    assert fact.kind.name == "quota" and fact.categories
    assert asked_fact("the playbook sorts lost clients into how many buckets?").categories


def test_a_name_is_stated_only_by_a_name_beyond_the_questions_own_words():
    fact = asked_fact("上海通用的呼叫中心用的是哪家厂商的系统？")
    terms = ["上海通用", "呼叫", "中心", "厂商", "系统"]
    # the sentence says what the question says, but the only names in it are the question's own and an acronym
    assert not states_fact(fact, "上海通用公司实施 CRM 之前，已经有一个呼叫中心和多个系统，厂商各不相同。", terms, weights(terms))
    assert states_fact(fact, "上海通用呼叫中心的系统由厂商 Genesys 提供。", terms, weights(terms))
    assert states_fact(fact, "上海通用呼叫中心的系统厂商是华信科技公司。", terms, weights(terms))
    source = asked_fact("PRAM 这个工具出自哪本书？")
    tool = ["pram", "工具"]
    assert not states_fact(source, "关系营销工具 PRAM 分四步：计划(Plan)、关系(Relationship)…", tool, weights(tool))
    assert states_fact(source, "关系营销工具 PRAM 出自《关系营销》一书。", tool, weights(tool))


def test_a_heading_that_counts_kinds_answers_how_many_items():
    fact = asked_fact("砍价背后的真实动机，材料里总结了几条")
    terms = ["背后", "真实", "动机", "材料", "总结", "条"]
    heading = "价格异议诊断与竞争战术 客户要求降价的八种真实原因"
    assert states_fact(fact, "客户要求降价，背后往往另有原因：预算、比价、试探……", terms, weights(terms), heading)
    assert not states_fact(fact, "客户要求降价，背后往往另有原因。", terms, weights(terms), "价格异议诊断 真实原因")


def test_a_count_of_things_is_answered_by_a_passage_that_counts_and_lists_them():
    terms = ["系统", "一共", "分", "块"]
    fact = asked_fact("那个用电管理的案例，系统一共分几块")
    listed = "这套系统有三个模块：\n1. 数据采集\n2. 数据分析\n3. 前端展示"
    assert states_fact(fact, listed, terms, weights(terms))  # "几块": "三个模块" and the three of them
    assert not states_fact(fact, "这套系统有三个模块。", terms, weights(terms))  # counted, but not listed
    assert not states_fact(fact, "系统要做：\n1. 数据采集\n2. 数据分析", terms, weights(terms))  # listed, but not counted
    layers = asked_fact("营销到底该分几层来理解")
    assert states_fact(layers, "营销有三个层面：\n1. 观念\n2. 策略\n3. 技巧", ["营销"], weights(["营销"]))


def test_a_score_is_no_count_of_parts():
    terms = ["忠诚度", "打分", "预警"]
    fact = asked_fact("客户忠诚度打分掉到多少分就要拉响预警")
    parts = "管理体系包括六部分：\n1. 客户识别\n2. 建立关系\n3. 忠诚度管理"
    assert not states_fact(fact, parts, terms, weights(terms), "管理体系六部分")  # "六部分" is no score
    assert states_fact(fact, "忠诚度打分低于 60 分就要预警。", terms, weights(terms))


def test_a_named_recent_year_asks_for_the_companys_own_figures():
    fact = asked_fact("2024年全国企业用户的投诉一共多少件？")
    assert fact.own_period and "2024" in fact.period
    assert not states_fact(fact, "企业用户投诉 2024 年共 35 件。", ["投诉", "企业"], weights(["投诉", "企业"]))
    assert not asked_fact("2000 年那份 CRM 调研的回报率是多少？").own_period  # the playbook's own study


def test_a_ratio_is_stated_only_as_a_ratio():
    fact = asked_fact("分期付款的比例是不是3:6:1")
    terms = ["分期", "付款", "比例"]
    assert not states_fact(fact, "分期付款的比例可以谈，首付比例一般 30%。", terms, weights(terms))
    assert states_fact(fact, "分期付款的比例通常为 3:6:1。", terms, weights(terms))


def test_more_ways_of_asking_for_a_list():
    assert listed_count("网站上的集团客户专区能办哪几项业务？有没有一张完整清单") == 3
    assert listed_count("那些商业规则具体是哪几条？有没有成文的") == 3
    assert listed_count("It mentions a loyalty framework. What are its layers, exactly? list them please") == 3
    assert listed_count("What are its layers?") is None  # a question about them, not a request to list them


def test_a_list_that_only_names_the_thing_asked_for_does_not_spell_it_out():
    from knowledge.facts import listed_noun, names_without_listing

    assert listed_noun("具体是哪几个工具，叫什么名字") == "工具"
    topics = "学习 CRM 时应掌握以下要点：\n- 客户关系管理的定义\n- 客户关系管理的分析工具\n- 关系定位"
    assert names_without_listing(topics, "工具")  # one item names the tools, no list of them
    tools = "客户关系管理常用的分析工具有：\n- 客户价值矩阵\n- RFM 分析\n- 流失预警"
    assert not names_without_listing(tools, "工具")
    assert not names_without_listing(topics, "")  # a request that names no noun


# Kinds no playbook states, whatever the passage: a system's settings and the company's own arrangements.
_NEVER_STATED = {
    "system": ("系统的客户信息包括：价值分类、来源、状态。", ["系统", "客户"]),
    "internal": ("投诉处理要设立专门的投诉热线，明确负责人，客户资料要集中存放。", ["投诉", "热线"]),
}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("大客户管理系统有手机端吗？App叫什么名字，在应用商店里搜啥能下到", "system"),
        ("In our key account software, what are the options in the drop-down for where an opportunity came from?", "system"),
        ("What's the service code or number prefix a client gets for bulk messages?", "system"),
        ("客户价值分类在系统里是哪个字段？", "system"),
        ("CRM系统里一条商机最多能挂几个附件？", "system"),
        ("Is there a maximum number of contacts per account in the CRM?", "system"),
        ("投诉处理那块，我们公司有没有专门的热线小组？叫什么，怎么联系", "internal"),
        ("咱们有没有一个竞品报价的共享库？放哪能看到", "internal"),
        ("Does our marketing team keep a list of reference customers, and who maintains it?", "internal"),
        ("Is there an internal wiki for proposal templates? What's it called?", "internal"),
        ("Which of our accounts already run the dedicated-line bundle?", "internal"),
    ],
)
def test_a_systems_settings_and_the_companys_own_arrangements_are_never_in_the_playbook(question: str, kind: str):
    fact = asked_fact(question)
    assert fact.kind.name == kind
    passage, terms = _NEVER_STATED[kind]
    assert not states_fact(fact, passage, terms, weights(terms))


@pytest.mark.parametrize(
    "question",
    ["What does a key account system do for the field team?", "What is the code of conduct for visiting clients?",
     "大客户管理系统有哪些功能", "客户说我们的App太难用了怎么办"],
)
def test_a_question_about_what_a_system_does_is_no_settings_question(question: str):
    fact = asked_fact(question)
    assert fact is None or fact.kind.name != "system"


def test_whether_a_named_list_holds_an_item_needs_the_list():
    assert listed_count("建立自信的5个方法里，是不是有一条是'提前演练开场白'？") == 5
    assert listed_count("六大定价策略里有没有撇脂定价？是不是其中一条") == 6
    assert listed_count("客户关怀里有没有生日祝福？") is None  # no list named by its size


def test_a_checklist_asked_for_is_a_list_request():
    assert listed_count("公司有没有一张细节检查清单？一共几项，都有哪些") == 3
    assert listed_count("What are the specific ways of doing it? Is there a numbered list?") == 3


def test_a_persons_name_asked_with_jiao_shenme_is_a_name():
    assert asked_fact("那堂课的培训老师叫什么名字？").kind.name == "name"


def test_the_unit_named_at_the_end_of_an_english_question_asks_for_a_figure_in_it():
    assert asked_fact("Is there a weekly time allocation for it, in hours?").kind.name == "duration"


def test_a_rebate_is_a_rate():
    assert asked_fact("What rebate does each distributor tier get?").kind.name == "rate"


def test_a_minimum_count_is_no_count_of_kinds():
    fact = asked_fact("公司有没有规定每个客户的偏好档案至少要填几项？")
    assert (fact.kind.name, fact.unit, fact.categories) == ("quota", "项", False)
    assert asked_fact("客户关怀分几项？").categories


def test_a_calendar_date_states_no_duration():
    fact = asked_fact("投诉记录按规定要保存几年？")
    assert fact.kind.name == "duration"
    assert not fact.kind.states.search("2002 年 12 月 25 日的需求书") and fact.kind.states.search("记录保存 3 年")


def test_a_rules_figure_said_to_be_confirmed_asks_for_it():
    assert asked_fact("For the brush-off, is the rule three follow-up calls and then I drop the lead?").kind.name == "quota"


def test_the_companys_own_list_is_its_policy():
    assert asked_fact("公司应该有份VIP权益清单吧？一共几项，分别是什么？").kind.name == "policy"


@pytest.mark.parametrize("question", ["我觉得不妥，想找几条站得住的理由去劝他", "给我几个建议", "想先攒几条说法再去谈"])
def test_a_few_things_to_say_asked_for_are_not_counted(question: str):
    assert asked_fact(question) is None
    assert asked_fact("手册里列了几条理由？").kind.name == "quota"


def test_how_many_people_picked_a_survey_answer_asks_for_its_share():
    assert asked_fact("那个调研里'经常保持联系'这一项到底多少人选了？").kind.name == "rate"
    assert asked_fact("In that survey, how many clients picked frequent contact first?").kind.name == "rate"


def test_what_our_own_contract_says_is_the_companys_policy():
    assert asked_fact("What exactly are the basic-service commitments in our standard group contract?").kind.name == "policy"
    assert asked_fact("How do I explain contract renewals to the client?") is None


def test_the_classes_of_a_named_thing_and_the_first_items_of_a_list_are_list_requests():
    assert (listed_count("手册里问题员工到底分哪几类，每类怎么应对"), listed_noun("手册里问题员工到底分哪几类")) == (2, "问题员工")
    assert listed_count("管理者树立威信的那42个方法，能先给我列前五个吗") == 5
    assert names_without_listing("- 问题员工的分类与应对要点；\n- 激励之道", "问题员工")


def test_classes_asked_of_a_thing_the_passage_only_names_as_an_item_are_not_stated():
    question = "问题员工到底分哪几类，每类怎么应对"
    terms = ["问题员工", "应对"]
    named_only = "需要关注：\n- 内部沟通与协调；\n- 问题员工的分类与应对要点；\n- 激励之道。"
    listed = "问题员工分两类：\n- 能力不足型：先带教；\n- 态度问题型：先谈心。"
    assert missing_fact(question, [passage(named_only, "管理要点", coverage=0.6)], terms, weights(terms)) is not None
    assert missing_fact(question, [passage(listed, "管理要点", coverage=0.6)], terms, weights(terms)) is None


def test_classes_asked_of_a_thing_are_not_answered_by_a_list_of_another_things_classes():
    question = "问题员工到底分哪几类"
    terms = ["问题员工", "分", "几类"]
    named_only = "需要关注：\n- 内部沟通与协调；\n- 问题员工的分类与应对要点；\n- 激励之道。"
    other_classes = "工作中遇到的问题可分为三类：\n1. 观念问题；\n2. 技巧问题；\n3. 机制问题。"
    other = passage(other_classes, "常见问题的类型", coverage=0.6)
    assert missing_fact(question, [passage(named_only, "管理要点", coverage=1.0), other], terms, weights(terms))
    assert classified_noun("我们的客户分哪几类") == ["们的客户", "的客户", "客户"]
    assert missing_fact("工作中的问题分哪几类", [other], ["问题", "几类"], weights(["问题", "几类"])) is None


@pytest.mark.parametrize(
    "question",
    [
        "公司是不是有规定，差价在15%以内一律不许降价？",
        "咱们公司到底是按成本加成定价，还是对标竞品定价？公司明确规定的是哪一种",
        "咱们公司统一用的是A/B/C三级，还是钻石、金、银、铜四级？",
        "Which channel does the company require us to log key-account care contacts through?",
        "Is there an official list of strategic industries for our region?",
        "省里定的先攻哪几个行业、按什么顺序来",
        "给客户延长账期要谁点头？部门经理批就行吗",
        "公司有没有个门槛，合同额多大才配专属客户经理？",
        "Is there a required number of check-in calls after a renewal?",
    ],
)
def test_what_the_company_itself_decided_is_its_policy(question: str):
    assert asked_fact(question).kind.name == "policy"


def test_which_branch_and_a_drop_downs_options_ask_for_specifics():
    assert asked_fact("这是真实发生过的案子吗？是哪个分公司的事").kind.name == "name"
    assert asked_fact("流失原因那一栏的下拉选项是不是就是这六类？").kind.name == "system"


def test_the_meaning_of_a_term_near_a_legal_word_is_no_legal_question():
    assert asked_fact("“转网成本”到底指啥，是不是就是客户提前解约要赔的那笔违约金？") is None
    assert asked_fact("违约金按合同法最多能收多少？").kind.name == "law"


def test_a_choice_about_our_own_company_is_its_policy():
    assert asked_fact("咱们公司去年改组以后，大客户部是直接向总经理汇报，还是挂在市场部下面？").kind.name == "policy"
    assert asked_fact("咱们公司比对手贵，我该先降价还是先送服务？") is None


def test_a_date_in_the_heading_dates_the_section():
    fact = asked_fact("That CRM capability survey - what year was it?")
    assert fact.kind.name == "date"
    terms = ["crm", "survey"]
    text = "调研发现，CRM 能力对销售回报率的贡献显著。"
    assert states_fact(fact, text, terms, weights(terms), "CRM 能力价值调研（2000 年） crm survey")
    assert not states_fact(fact, text, terms, weights(terms), "CRM 能力价值调研 crm survey")


def test_permissions_and_fields_are_the_systems_own_settings():
    assert asked_fact("公司给我们开的到底是什么权限").kind.name == "system"
    assert asked_fact("允许共享到哪一级字段").kind.name == "system"


def test_a_time_window_asked_for_is_a_duration():
    assert asked_fact("Is there a time window behind 'fast'? Like fixed within 24 hours?").kind.name == "duration"


def test_a_count_asked_beside_a_request_for_the_members_still_asks():
    assert asked_fact("大客户的决策小组一般由几个人组成，都是哪些职位的人").kind.name == "quota"


def test_a_figure_newer_than_the_playbooks_is_never_stated():
    assert asked_fact("这是老数据了吧？更新后的数字是多少？").own_figures
    assert asked_fact("How many clients said so in the latest round of the survey?").own_figures


def test_a_count_asked_in_tiao_is_answered_by_ge():
    fact = asked_fact("不换条件直接降价，培训材料一共数了多少条坏处")
    terms = ["降价", "坏处"]
    assert states_fact(fact, "单纯降价（不换取任何条件的让价）有十三个坏处：", terms, weights(terms))


@pytest.mark.parametrize(
    "question",
    [
        # thresholds asked in English
        "When a client insists on a cut, is there a floor I can never go below - say 15% gross margin on the deal?",
        "For the picket fence, is there a cutoff that decides who goes behind it?",
        "Can I offer them new-customer pricing, or is there some cooling-off period first?",
        "Does the company set a minimum share of a rep's accounts at the top tier?",
        # data asked for as evidence
        "扫楼跟老客户转介绍比，哪种获客成本低？有没有对比的数字",
        "从招标来的商机和从日常沟通来的商机，哪个成单率高？有没有统计过",
        "Between the two strategies, which one pays back better? Any numbers comparing the two?",
        "After they replaced the old systems, what improved? I need before-and-after figures.",
        # more English values
        "What was the sample size of the customer survey?",
        "strategic importance score - whats the cut-off to count as a key value customer",
        "What's the efficiency formula: revenue per working hour, or deals per week?",
        "is my own sign-off limit on price cuts 15%, or do i need the director for anything over 10",
        "Which GB/T standard number should I quote to the client?",
        "They want the date of the latest audit report.",
        # newer figures, rules, names and contacts
        "埃森哲那份调研是2000年的，有没有更新的年份，比如2020年以后的结果？",
        "不满意的客户会跟8～10个人讲，这是老数据了吧？更新后的数字是多少？",
        "Is there such a threshold for churn?",
        "Is there a rule on which clients get handed off to partner stores?",
        "Which specific regulation should I raise with my healthcare clients?",
        "What's our standard 交付周期 for a deployment that size?",
        "被对手挖走的客户，是哪家客户、被谁挖走的？",
        "Give me two or three people in our company who are already at that level.",
        "Who owns the green channel? Is there a direct phone number I can give my client?",
    ],
)
def test_values_the_playbook_may_lack_are_asked_for(question: str):
    assert asked_fact(question) is not None


@pytest.mark.parametrize(
    "question",
    [
        "How do I explain our price floor to the client without sounding rigid?",
        "How should I explain the pricing formula to a confused buyer?",
    ],
)
def test_a_threshold_or_formula_only_talked_about_is_no_value(question: str):
    assert asked_fact(question) is None


@pytest.mark.parametrize(
    "question",
    ["客户抱怨不知道找谁，我们有没有什么办法让他们少跑腿", "客户经理素质最高那一级叫啥", "我们有没有什么办法让客户离不开？这种做法叫什么",
     "How do we handle a client who doesn't know whom to call?"],
)
def test_a_practice_or_a_concepts_name_is_no_internal_arrangement(question: str):
    fact = asked_fact(question)
    assert fact is None or fact.kind.name != "internal"


def test_a_passage_that_only_repeats_the_figures_the_question_quotes_does_not_state_another():
    passage = "调研显示，向新客户推销的成功率约 15%，向老客户推销的成功率约 50%。"
    terms = ["推销", "成功率", "客户"]
    asked_other = asked_fact("新客户15%、老客户50%，那合同到期后重新签回来的客户，推销成功率是多少？")
    assert not states_fact(asked_other, passage, terms, weights(terms))
    asked_one = asked_fact("老客户50%我知道，新客户的推销成功率是多少？")
    assert states_fact(asked_one, passage, terms, weights(terms))  # 15% is a figure the question does not give
    confirm = asked_fact("新客户的推销成功率是不是15%？")
    assert states_fact(confirm, passage, terms, weights(terms))  # the figure to confirm is the one stated


@pytest.mark.parametrize(
    "question", ["几种渠道冲突里哪种最常见？有没有测算过比例", "Which objection comes up most? Is there a percentage I could quote?"]
)
def test_asking_whether_something_was_measured_asks_for_a_figure(question: str):
    assert asked_fact(question) is not None


def test_who_approves_asks_for_a_name_or_the_rule():
    assert asked_fact("Who signs off a second discount for the same client?").kind.name in ("name", "policy")
    assert asked_fact("再给客户让一次价要谁点头？").kind.name in ("name", "policy")


@pytest.mark.parametrize(
    "question",
    ["那12条客户关怀做法里，哪三条最管用？", "十种常见错误有没有个排名", "Of the nine visit steps, which one matters most? Is there a ranking?"],
)
def test_a_ranking_of_a_lists_items_is_stated_only_where_a_sentence_ranks_them(question: str):
    fact = asked_fact(question)
    assert fact.kind.name == "rank"
    terms = ["客户关怀", "做法"]
    listed = "客户关怀的做法：\n- 节日问候；\n- 生日贺卡；\n- 上门回访。"
    ranked = "客户关怀的做法里，上门回访最有效，其次是节日问候。"
    assert not states_fact(fact, listed, terms, weights(terms))
    assert states_fact(fact, ranked, terms, weights(terms))


@pytest.mark.parametrize(
    "question",
    ["Deciding which accounts to prioritise next year. What criteria should I use?", "这几家客户里哪家最重要，我该先拜访谁"],
)
def test_choosing_which_accounts_come_first_is_no_ranking_request(question: str):
    fact = asked_fact(question)
    assert fact is None or fact.kind.name != "rank"


@pytest.mark.parametrize(
    ("question", "count"),
    [("The course teaches 7 habits of good account managers. What exactly are they?", 7),
     ("There are four stages of the service model, what are the stages?", 4)],
)
def test_a_size_named_then_the_list_asked_for_in_english_is_a_list_request(question: str, count: int):
    assert listed_count(question) == count
    assert listed_count("The course has seven modules. How long does it take?") is None


def test_a_list_counted_with_its_noun_is_spelled_out_only_by_a_passage_that_introduces_that_list():
    question = "培训里讲的客户经理七个习惯，具体是哪七个？"
    terms = ["培训", "客户经理", "习惯"]
    in_passing = passage("课程要点：\n- 角色认知；客户经理的七个习惯；拜访九步骤。", "课程要点")
    other_list = passage("CRM 的七项能力：\n" + "\n".join(f"{n}. 能力{n}" for n in range(1, 8)), "CRM 能力", coverage=0.1)
    the_list = passage("客户经理的七个习惯：\n" + "\n".join(f"{n}. 习惯{n}" for n in range(1, 8)), "七个习惯", coverage=0.1)
    assert missing_fact(question, [in_passing, other_list], terms, weights(terms)) is not None
    assert missing_fact(question, [in_passing, the_list], terms, weights(terms)) is None
    synonym = passage("客户经理的七个习性：\n" + "\n".join(f"{n}. 习性{n}" for n in range(1, 8)), "七个习性", coverage=0.1)
    assert missing_fact(question, [synonym], terms, weights(terms)) is None  # "习性" shares a character with "习惯"


def test_a_count_that_names_what_it_counts_is_stated_only_where_that_thing_is_counted():
    fact = asked_fact("这套评价体系一共几项指标？")
    assert fact is not None and fact.kind.name == "quota"
    terms = ["评价体系", "指标"]
    heading = "客户流失 › 防范客户流失的五项策略"
    assert not states_fact(fact, "5. 建立客户关系的评价体系。", terms, weights(terms), heading)
    assert states_fact(fact, "客户关系评价体系包括六项指标。", terms, weights(terms), heading)


@pytest.mark.parametrize(
    "question",
    ["我们组有个老同事，只爱往几个聊得来的客户那儿跑，别的客户都不去", "我想用几句话讲清营销、销售、服务各自图的是什么"],
)
def test_only_a_few_and_a_few_sentences_ask_no_count(question: str):
    assert asked_fact(question) is None


def test_a_limit_earlier_in_the_clause_makes_a_count_a_minimum():
    fact = asked_fact("走客户扩充战略的话，一家老客户至少要用上我们几项业务，才算扩充到位")
    assert fact is not None and fact.limited and not fact.categories


def test_asking_whether_there_is_a_hard_line_hands_the_question_back_to_the_value():
    fact = asked_fact("主动放弃的客户，一年毛利低于多少就可以放掉，有没有条硬线")
    assert fact is not None


@pytest.mark.parametrize(
    "question",
    ["Who actually approves giving a rep that access?", "Who's the executive sponsor for our CRM strategy?",
     "Which VP owns the CRM rollout?"],
)
def test_who_approves_or_sponsors_asks_a_name(question: str):
    fact = asked_fact(question)
    assert fact is not None and fact.kind.name == "name"


@pytest.mark.parametrize(
    ("question", "heading"),
    [("营销到底该分几层来理解", "营销 › 营销的三个层面：观念、策略、技巧"),
     ("提高转移成本的办法一共是多少种来着", "转移成本 › 提高客户转移成本的 17 种方法")],
)
def test_words_after_a_count_that_name_nothing_counted_are_not_required(question: str, heading: str):
    fact = asked_fact(question)
    assert fact is not None and fact.categories
    terms = ["营销", "转移成本", "办法", "层面"]
    assert states_fact(fact, "营销与转移成本的办法，要从观念入手。", terms, weights(terms), heading)


def test_levels_in_a_heading_are_no_count_of_visits():
    fact = asked_fact("每个阶段我们标准里免费上门几次")
    terms = ["增值服务", "阶段", "免费", "上门"]
    heading = "服务的四个层次与优质服务 › 基础、增值、关联"
    assert not states_fact(fact, "增值服务：针对采购、建设、使用和改进各阶段提供的服务。", terms, weights(terms), heading)
    assert states_fact(fact, "增值服务每个阶段免费上门 2 次。", terms, weights(terms), heading)


def test_a_percentage_is_no_score_in_points():
    fact = asked_fact("客户满意度调查多少分算及格？")
    terms = ["客户", "满意度", "调查", "及格"]
    assert not states_fact(fact, "客户满意度调查里（百分比为选该项的客户比例），78% 认为跟进最重要。", terms, weights(terms))
    assert states_fact(fact, "客户满意度调查 60 分算及格。", terms, weights(terms))


@pytest.mark.parametrize(
    ("question", "sentence", "terms"),
    [("who approves better payment terms", '"We need better payment terms."', ["payment", "terms"]),
     ("who approves payment terms", "English keywords: payment terms, credit terms", ["payment", "terms"]),
     ("长期合作的跨国公司是哪家公司", "案例：某跨国公司与多家大客户建立了长期合作。", ["跨国", "长期", "合作"])],
)
def test_a_capitalised_first_word_or_an_unnamed_firm_is_no_name(question: str, sentence: str, terms: list[str]):
    fact = asked_fact(question)
    assert fact is not None and fact.kind.name == "name"
    assert not states_fact(fact, sentence, terms, weights(terms))
    named = sentence.replace("某", "Acme ").replace('"We', 'Approved by Acme: "we').replace("English keywords:", "Set by Acme:")
    assert states_fact(fact, named, terms, weights(terms))


def test_points_listed_are_no_time_of_day():
    fact = asked_fact("By what date do we have to hand in the annual key account plan?")
    assert fact is not None and fact.kind.name == "date"
    terms = ["大客户", "计划"]
    assert not states_fact(fact, "大客户管理计划的重要性有四点：", terms, weights(terms))
    assert states_fact(fact, "大客户年度计划 12 月 15 日前提交。", terms, weights(terms))


def test_a_top_n_ranking_is_no_count():
    fact = asked_fact("how many CRM vendors do we have to shortlist in a platform selection?")
    terms = ["CRM", "平台", "选型"]
    assert not states_fact(fact, "以某世界 50 强企业的 CRM 平台选型项目为例：", terms, weights(terms))


def test_by_how_many_points_asks_a_margin_not_kinds():
    fact = asked_fact("Which of the 17 methods does our scorecard weight most heavily, and by how many points?")
    assert fact is not None and not fact.categories


def test_the_parts_of_a_whole_count_a_question_in_blocks():
    fact = asked_fact("大客户管理体系一共包括几块？")
    terms = ["大客户", "管理体系"]
    assert states_fact(fact, "一个完整的大客户管理体系包括六部分：", terms, weights(terms))
    assert not states_fact(fact, "大客户管理体系要覆盖客户识别与合同管理。", terms, weights(terms))


@pytest.mark.parametrize(
    "question",
    ["What percentage of our revenue comes from the top 20 group customers?", "我们公司的收入有几成来自前二十家集团客户"],
)
def test_a_share_of_our_own_revenue_is_never_in_the_playbook(question: str):
    fact = asked_fact(question)
    assert fact is not None and fact.own_figures


@pytest.mark.parametrize(
    ("question", "kind"),
    [("有没有哪家客户是这么做的标杆？叫啥名字，我想找负责的同事取取经", "name"),
     ("公司对这一轮摸底有没有期限，比如一个月内必须全部见完？", "duration")],
)
def test_an_ask_followed_by_an_example_or_a_purpose_is_still_the_question(question: str, kind: str):
    fact = asked_fact(question)
    assert fact is not None and fact.kind.name == kind


def test_a_purpose_clause_that_asks_how_keeps_the_value_out():
    assert asked_fact("这个标杆叫啥名字，我想知道他们怎么做的") is None


def test_a_figure_for_one_industry_stands_where_that_industry_is_named():
    fact = asked_fact("For chemical companies specifically, what return on sales did that CRM study find?")
    assert fact is not None and fact.segment
    terms = ["crm", "ros", "return", "sales"]
    survey = "- 行业包括通讯、化工、医药、零售。\n\n结论：CRM 能力带来的 ROS 收益约为 10%。"
    assert not states_fact(fact, survey, terms, weights(terms))
    example = "以化工行业为例，CRM 对 ROS 的影响尤为明显：\n- 领先企业的 ROS 为 33%；\n- 平均企业为 13%。"
    assert states_fact(fact, example, terms, weights(terms))


def test_tongxun_is_the_telecom_industry():
    fact = asked_fact("埃森哲那个调研里，光看通讯行业，CRM能力带来的收益是百分之几")
    assert fact is not None and "通讯" in fact.segment


@pytest.mark.parametrize(
    "question",
    ["手册上说老客户流失率每降5%利润就涨不少，这个5%是按客户数算的，还是按收入算的？",
     "流失率降5%利润能涨25%，这个25%是只算直接利润，还是连推荐带来的都算进去？",
     "That 25% figure for referrals: how was it measured, and what does that 25% include?"],
)
def test_how_a_quoted_figure_was_counted_is_stated_only_beside_that_figure(question: str):
    fact = asked_fact(question)
    assert fact is not None and fact.kind.name == "basis"
    terms = ["客户", "流失率", "利润", "推荐"]
    assert not states_fact(fact, "老客户流失率降低 5%，利润可以提高 25% 到 85%。", terms, weights(terms))
    assert not states_fact(fact, "客户价值按年收入计算。流失率降低 5%，利润提高。", terms, weights(terms))  # another sentence's basis
    assert states_fact(fact, "流失率每降低 5%（按客户数计算），利润提高 25%，推荐客户也更多。", terms, weights(terms))


def test_how_to_score_without_a_quoted_figure_asks_no_basis():
    fact = asked_fact("这套自测题做完以后分数是怎么算的")
    assert fact is None or fact.kind.name != "basis"


def test_a_pass_mark_asks_a_score_in_points():
    fact = asked_fact("能力自测我拿了61分，不知道好不好，有没有个及格线")
    assert fact is not None and fact.unit == "分"
    terms = ["自测", "能力"]
    assert not states_fact(fact, "16 道自测题按四个维度分组计分，四组再加总。", terms, weights(terms))
    assert states_fact(fact, "能力自测总分 60 分以上为合格。", terms, weights(terms))


def test_ranking_among_the_top_few_asks_a_count():
    fact = asked_fact("说要做区域内的龙头客户，到底得排进全省前几名？")
    assert fact is not None and fact.kind.name == "quota" and fact.unit == "名"
    terms = ["区域", "龙头", "客户"]
    assert not states_fact(fact, "大客户可以按行业、区域、潜力分成三种。", terms, weights(terms))
    assert states_fact(fact, "区域龙头客户指在全省排名前三名的客户。", terms, weights(terms))


def test_an_english_question_naming_a_lists_size_is_answered_by_a_list_of_that_many_items():
    question = "The material grows each client's worth with a farming picture. What are its three parts?"
    terms = ["material", "farming", "parts"]
    three = "培训材料用种地打比方：\n- 提高单位亩产；\n- 扩大种植面积；\n- 延长客户在网时间。"
    two = "培训材料用种地打比方：\n- 提高单位亩产；\n- 扩大种植面积。"
    heading = "用种地打比方提升客户价值"
    assert missing_fact(question, [passage(three, heading, coverage=0.1)], terms, weights(terms)) is None
    assert missing_fact(question, [passage(two, heading, coverage=0.1)], terms, weights(terms)) is not None


def test_every_value_a_question_asks_must_be_stated():
    question = "客户关系评价体系一共几项指标，每项权重怎么分"
    terms = ["客户关系", "评价体系", "指标", "权重"]
    assert asked_fact(question).kind.name == "quota" and further_asked_fact(question).kind.name == "rate"
    counted = "客户关系评价体系共有 5 项指标：满意度、忠诚度、贡献度、信任度和合作年限。"
    weighted = counted + "各项指标的权重分别为 30%、25%、20%、15% 和 10%。"
    assert missing_fact(question, [passage(counted, "客户关系评价体系")], terms, weights(terms)) is not None  # the count alone
    assert missing_fact(question, [passage(weighted, "客户关系评价体系")], terms, weights(terms)) is None
    assert further_asked_fact("客户关系评价体系一共几项指标？") is None


def test_the_members_of_a_class_the_passage_names_but_never_lists_are_not_stated():
    question = "V网那套标准化产品后面还要按行业再改，今年先改的是哪几个行业的版本"
    terms = ["标准化", "产品", "行业", "版本"]
    in_passing = "业务服务产品化：形成适合不同行业、不同应用特征的标准化产品。主要方法是五个统一：\n- 统一名称；\n- 统一资费。"
    listed = "调研覆盖的行业包括通讯、化工、医药、零售和制造。"
    assert missing_fact(question, [passage(in_passing, "业务服务产品化")], terms, weights(terms)).kind.name == "list"
    assert missing_fact(question, [passage(listed, "样本")], terms, weights(terms)) is None
    # a passage that never says 行业 may list them in other words: nothing is concluded from it
    assert missing_fact(question, [passage("标准化产品便于推广。", "业务服务产品化")], terms, weights(terms)) is None
    # only the best passage's silence counts: a side passage that names 行业 in passing concludes nothing
    other_words = passage("按通讯、化工、医药等领域各出一版标准化产品。", "产品化")
    side = passage(in_passing, "业务服务产品化")
    assert missing_fact(question, [other_words, side], terms, weights(terms)) is None
    assert missing_fact(question, [side, other_words], terms, weights(terms)).kind.name == "list"
    # words that name no class ("哪些东西", "哪几件事") ask for what the passage says in any form
    assert missing_fact("管这些客户之前得先想清楚哪几件事", [passage("先想清楚这件事：客户在哪。", "要点")], ["客户"], weights(["客户"])) is None


def test_a_class_said_before_its_members_are_asked_for_is_found_in_the_words_a_passage_uses():
    question = "说方案里要分清可变量和不变量，那公司明文定下的不变量到底是哪几条？"
    terms = ["方案", "可变量", "不变量"]
    in_passing = "在给客户的方案里，哪些是可变量、哪些是不变量，一开始就要心中有数。"
    listed = "方案的不变量包括：\n- 核心服务等级；\n- 网络安全要求；\n- 付款周期。"
    assert missing_fact(question, [passage(in_passing, "价格对应价值组合")], terms, weights(terms)).kind.name == "list"
    assert missing_fact(question, [passage(listed, "价格对应价值组合")], terms, weights(terms)) is None


def test_a_value_asked_before_a_list_of_requirements_is_asked():
    assert asked_fact("公司年底评这个称号，名额有几个，要达到哪些硬指标") is not None
    assert asked_fact("让我把这摊事拆成几个能分别盯的管理过程，一般拆成哪几块") is None


def test_a_company_to_learn_from_is_named_by_a_case_section():
    question = "客户系统前几年搭的，业务量翻了几番，系统卡得要命，有没有哪家企业碰到过类似情况可以参考"
    fact = asked_fact(question)
    assert fact is not None and fact.kind.name == "name"
    terms = ["客户", "系统", "业务量", "企业", "情况", "参考"]
    text = "该公司的客户系统已建成多年，业务量增长后数据容量和响应速度成了瓶颈。"
    assert states_fact(fact, text, terms, weights(terms), "案例：上海通用的 CRM 项目背景")
    assert not states_fact(fact, text, terms, weights(terms), "CRM 系统的范围")  # no case: no company named


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("English keywords: taking over accounts, 20-minute visits", True),
        ("each first visit takes about 20 minutes", True),
        ("每个客户约 20 分钟", True),
        ("a 20-strong team of visitors", False),
    ],
)
def test_a_hyphenated_english_duration_is_a_duration(text, states):
    assert bool(DURATION.states.search(text)) is states


@pytest.mark.parametrize(
    ("query", "count", "noun"),
    [("五项修炼具体是哪五项", 5, "修炼"), ("三大品牌分别是什么", 3, "品牌"), ("推大客户管理说要分五步走，是哪五步", 5, ""),
     ("这四个特征有哪些", 4, "特征")],
)
def test_the_noun_a_size_counts_is_never_a_measure_word(query: str, count: int, noun: str) -> None:
    assert sized_noun(query, count) == noun  # "五步走": 步 measures, 走 is a verb; no noun the list must be named by


def test_a_list_announced_with_its_size_and_a_question_that_names_one():
    care = "正确看待客户投诉，它能给企业带来三种收益：\n\n1. 发现失误\n2. 再次赢得客户\n3. 巩固形象"
    assert announced_list_size(care) == 3
    assert announced_list_size("三种收益都很重要，要逐一落实。") is None  # said in passing, no list led into
    assert not says_a_size("我想跟她讲讲投诉其实对我们有好处，具体有哪些")
    assert not says_a_size("能列出哪几点意义")  # 哪几点 asks for the items
    assert says_a_size("六种流失里最后那类，具体是哪些原因")  # a list of its own size
    assert says_a_size("有没有一张细节检查清单？一共几项")  # a count asked


@pytest.mark.parametrize(
    "question",
    ["都说新客户对出错的容忍度低得多，到底低多少？有没有个具体的数", "Diversification is the riskiest cell. How risky, in numbers?",
     "Is there an actual number on how many slip-ups a new client tolerates?", "跟进要提前多久？有没有个标准提前量"],
)
def test_a_figure_asked_for_in_so_many_words_is_a_fact_question(question: str):
    fact = asked_fact(question)
    assert fact is not None and fact.demanded


def test_a_figure_asked_for_in_so_many_words_is_stated_only_by_a_figure_the_question_does_not_give():
    question = "the stat about 70% of unhappy clients staying if we handle it fast... how fast is fast? is there an hour limit"
    fact = asked_fact(question)
    assert fact is not None and fact.demanded
    terms = ["unhappy", "client", "fast", "快速", "处理"]
    restated = "如果企业对服务过失快速关注、及时处理，70% 对服务不满的客户仍会继续与企业做生意。"
    assert not states_fact(fact, restated, terms, weights(terms))  # the question's own 70% again
    assert not states_fact(fact, "English keywords: unhappy client, 70% stay if handled fast", terms, weights(terms))
    assert states_fact(fact, "对服务过失要快速处理：24 小时内回复不满的客户（fast）。", terms, weights(terms))
    # without the words that ask for a figure, the question asks for none
    assert asked_fact("the stat about 70% of unhappy clients staying if we handle it fast - what does fast mean here?") is None


def test_a_choice_between_named_options_is_stated_only_by_a_passage_naming_one():
    fact = choice_asked("区分情感和个性，公司用的测评是DISC还是MBTI？")
    assert fact is not None and fact.options == ("DISC", "MBTI")
    passage = "要区分客户的情感、情绪和个性，谈折扣（discount）前先看清对方。"
    assert not states_fact(fact, passage, [], {})  # "disc" inside "discount" names no option
    assert states_fact(fact, "常用 DISC 模型区分个性类型。", [], {})
    assert choice_asked("Which personality test, DISC or MBTI?").options == ("DISC", "MBTI")
    # a sentence's first word, and words in lower case, name no option
    assert choice_asked("Vertical or horizontal conflict: which is more common?") is None
    assert choice_asked("should we patch it up or start fresh?") is None


def test_the_answer_says_the_playbook_does_not_choose_between_options_it_never_names():
    question = "电力负荷那个案例，数据传到云端，用的是Azure还是AWS？"
    terms = ["电力", "负荷", "云端"]
    unnamed = passage("负荷数据实时传到云端，调度中心按小时分析。", "电力负荷案例")
    missing = missing_fact(question, [unnamed], terms, weights(terms))
    assert missing is not None and missing.kind.name == "choice"
    assert missing_fact(question, [passage("负荷数据实时传到 AWS 云端。", "电力负荷案例")], terms, weights(terms)) is None


def test_a_count_of_working_days_or_class_hours_is_answered_only_in_that_unit():
    fact = asked_fact("When a client ports its numbers to us, how many working days does the porting take?")
    assert fact is not None and fact.kind is DURATION
    terms = ["porting", "转网"]
    assert not states_fact(fact, "转网（porting）成本包括 3 类：号码、终端和习惯。", terms, weights(terms))
    assert states_fact(fact, "转网（porting）一般 5 个工作日内办完。", terms, weights(terms))
    fact = asked_fact("商务礼仪培训要上满多少课时才能单独见客户？")
    assert fact is not None and fact.unit == "课时"
    terms = ["商务礼仪", "培训"]
    assert not states_fact(fact, "商务礼仪培训占行为素质的 15%。", terms, weights(terms))
    assert states_fact(fact, "商务礼仪培训不少于 16 课时。", terms, weights(terms))


def test_a_figure_asked_after_a_restated_one_is_stated_only_with_what_the_question_adds():
    question = "满意的客户会跟两三个人说我们好，那这种口碑转介绍真正能签下来的，一般占几成？"
    fact = asked_fact(question)
    assert fact is not None and fact.contrasted
    terms = ["满意", "客户", "口碑", "转介绍", "签"]
    sibling = "如果企业对服务过失快速关注、及时处理，70% 对服务不满的客户仍会继续与企业做生意。"
    assert not states_fact(fact, sibling, terms, weights(terms), "服务过失与口碑")  # the heading's 口碑 is not the sentence's
    assert states_fact(fact, "口碑转介绍来的客户，约 30% 最终签约。", terms, weights(terms), "服务过失与口碑")
    # a figure the question adds answers it too: "垫底的33项" is answered where the 33 items are
    fact = asked_fact("54项CRM能力里前10项贡献56%，那垫底的33项加起来能贡献多少？")
    terms = ["crm", "能力", "贡献"]
    assert states_fact(fact, "前 10 项贡献 56%，中间 11 项贡献 29%，最后 33 项只贡献 15%。", terms, weights(terms))
    assert not asked_fact("新客户推销成功率是多少？").contrasted
