"""`parse_note` end to end, and its promise never to raise."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.parsing.matching import CustomerIndex, CustomerRef
from crm.visits.parse import parse_note
from crm.visits.record import VisitRecord

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZONE)
CUSTOMERS = [
    CustomerRef(id=1, name="华信科技", value_class="IV"),
    CustomerRef(id=2, name="华新建材"),
    CustomerRef(id=3, name="Acme Corp"),
    CustomerRef(id=4, name="蓝海医药"),
]
INDEX = CustomerIndex.build(CUSTOMERS)


def test_the_issue_example():
    record = parse_note(
        "今天上午拜访了华信科技，见了采购部王经理，他们嫌报价太高，说竞争对手便宜两成。下周三下午三点再约技术交流。",
        now=NOW,
        customers=CUSTOMERS,
    )
    assert record.customer_status == "auto" and record.customer_id == 1
    assert [(c.name, c.title, c.department, c.surname) for c in record.contacts] == [("王经理", "经理", "采购部", "王")]
    assert record.visit_date == date(2026, 11, 18)
    assert {o.category for o in record.objections} == {"price", "competitor"}
    competitor = next(o for o in record.objections if o.category == "competitor")
    assert competitor.amount == "-20%" and "便宜两成" in competitor.text
    [followup] = record.followups
    assert followup.due == datetime(2026, 11, 25, 15, 0, tzinfo=ZONE) and followup.has_time and not followup.vague
    assert followup.text == "再约技术交流" and record.next_steps == ["再约技术交流"]
    assert record.language == "zh" and record.warnings == []
    assert record.summary == "王经理 | 异议：价格、竞争对手 | 跟进：11-25 15:00 再约技术交流"


def test_an_objection_is_quoted_without_the_word_that_joined_it():
    record = parse_note("拜访了华信科技，聊了扩容，另外上周系统宕机他们很不满意。Also they think the UI is too complicated",
                        now=NOW, customers=CUSTOMERS)
    texts = [objection.text for objection in record.objections]
    assert "上周系统宕机他们很不满意" in texts and not any(text.lower().startswith(("另外", "also")) for text in texts)


def test_a_contract_date_said_in_english_is_no_follow_up():
    record = parse_note("met Acme Corp CFO Sarah, contract renews end of June, follow up next Tuesday 10am", now=NOW, customers=CUSTOMERS)
    assert [followup.text for followup in record.followups] == ["follow up"]
    assert [(contract.end, contract.event) for contract in record.contracts] == [(date(2027, 6, 30), "expiring")]
    renewal = parse_note("Acme: the contract expires end of March, send the renewal quote by end of February", now=NOW, customers=CUSTOMERS)
    assert [followup.text for followup in renewal.followups] == ["send the renewal quote"]


@pytest.mark.parametrize(
    ("note", "words"),
    [("明天25点再去拜访华信科技", "25点"), ("拜访华信科技 2月30日再约", "2月30日"), ("华信科技 2月29日再去一趟", "2月29日"),
     ("met Acme Corp, send the quote June 31st", "June 31st")],
)
def test_an_impossible_date_in_a_note_is_named_and_sets_no_follow_up(note: str, words: str):
    record = parse_note(note, now=NOW, customers=CUSTOMERS)
    assert record.followups == []  # never 09:00 the next day for 明天25点
    assert any(words in warning for warning in record.warnings), record.warnings


def test_english_note():
    record = parse_note(
        "met Acme Corp's CFO Sarah today, she wants 10% off the annual license, follow up next Tuesday 3pm",
        now=NOW,
        customers=INDEX,
    )
    assert record.language == "en" and record.customer_name == "Acme Corp"
    assert [(c.name, c.title) for c in record.contacts] == [("Sarah", "CFO")]
    [objection] = record.objections
    assert objection.category == "price" and objection.amount == "-10%"
    assert record.followups[0].due == datetime(2026, 11, 24, 15, 0, tzinfo=ZONE)


def test_voice_note_without_punctuation_and_with_fillers():
    record = parse_note("嗯 那个 花信科技 呃 王经理 就是说 系统故障还没解决 很不满意 明天上午十点前 必须给答复", now=NOW, customers=INDEX)
    assert record.customer_name == "华信科技" and record.customer_said == "花信科技"
    assert [o.category for o in record.objections] == ["quality"]
    assert [(f"{f.due:%m-%d %H:%M}", f.text) for f in record.followups] == [("11-19 10:00", "必须给答复")]


FRIDAY_LATE_MORNING = datetime(2026, 12, 4, 10, 44, tzinfo=ZONE)  # after the 09:00 default reminder time


@pytest.mark.parametrize(
    ("note", "task"),
    [
        ("华信科技 王经理 这周五发报价单", "发报价单"),
        ("Acme Corp wants the quote, send it this Friday", "send it"),
        ("蓝海医药 张主任很生气 要我们今天给个说法", "给个说法"),
        ("Acme Corp: need to call Sarah today", "call Sarah"),
    ],
)
def test_a_day_said_for_today_after_the_default_time_is_due_soon_and_the_card_says_so(note: str, task: str):
    record = parse_note(note, now=FRIDAY_LATE_MORNING, customers=INDEX)
    [followup] = record.followups
    assert followup.due == datetime(2026, 12, 4, 11, 0, tzinfo=ZONE) and not followup.has_time
    assert task in followup.text
    assert any("11:00" in warning and task in warning for warning in record.warnings)


@pytest.mark.parametrize("note", ["今天去了华信科技 见了王经理", "华信科技 今天没见到人", "met Sarah at Acme Corp today"])
def test_today_in_a_report_of_the_visit_is_no_follow_up(note: str):
    assert parse_note(note, now=FRIDAY_LATE_MORNING, customers=INDEX).followups == []


def test_no_customer_no_followup():
    record = parse_note("今天天气不错", now=NOW, customers=INDEX)
    assert not record.has_customer and not record.customer_said and record.followups == [] and record.objections == []
    assert record.warnings  # "no customer recognised"


def test_ambiguous_customer_is_a_warning():
    record = parse_note("华兴的刘工说 下周一再去", now=NOW, customers=INDEX)
    assert record.customer_status == "ambiguous" and len(record.candidates) == 2
    assert record.warnings


def test_due_times_follow_the_users_zone():
    new_york = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    record = parse_note("call Acme tomorrow 3pm", now=new_york, customers=INDEX)
    assert record.followups[0].due == datetime(2026, 11, 19, 15, 0, tzinfo=ZoneInfo("America/New_York"))


def test_record_round_trips_as_json():
    record = parse_note("华信科技王经理 要打八五折 月底前报价", now=NOW, customers=INDEX)
    assert VisitRecord.model_validate_json(record.model_dump_json()) == record


@pytest.mark.parametrize("text", ["", " ", "\n\n", "。。。", "🙂🙂", "\x00\x01", "下下下下周", "99999999999999999999万", "12月32号", "2月30号"])
def test_odd_inputs(text):
    record = parse_note(text, now=NOW, customers=INDEX)
    assert not record.read_failed, record.warnings  # handled, not swallowed by the safety net
    assert record.followups == [] and record.visit_date == NOW.date()


_WORDS = [
    "华信科技", "花信", "华新", "Acme Corp's", "蓝海", "王经理", "李总", "Sarah", "the CFO", "嗯", "呃", "那个", "就是说",
    "um", "uh", "今天", "明天", "后天", "大后天", "昨天", "这周五", "下周三", "下下周一", "上周五", "三天后", "两周后",
    "一个月后", "半个月后", "月底", "月底前", "下个月5号", "12月10号", "2月29号", "13月40号", "明早九点", "这周内", "下周",
    "下午4点半", "两点半", "十点前", "周五下午", "本周五前", "提前一周", "提前", "到期", "next Tuesday 3pm", "in 2 weeks",
    "by Friday", "end of month", "Dec 3", "Feb 30", "tomorrow morning", "at 3", "24/7", "12/31", "13/45", "八五折",
    "10% off", "便宜两成", "三十万", "$50k", "2万块", "百分之十五点五", "5个点", "太贵", "故障", "没预算", "no objections",
    "，", "。", " ", "  ", "\n", "0", "十", "万", "点", "号", "周", "月", "前", "后", "内", ":", "/", "%", "$",
]  # fmt: skip
_ZONES = ["Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "America/St_Johns"]

_texts = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=80),
    st.text(alphabet="0123456789一二两三四五六七八九十百千万亿点号日月周年天前后内上下这本午早晚:/%$.,， ", max_size=60),
    st.lists(st.sampled_from(_WORDS), max_size=25).map("".join),
    st.lists(st.sampled_from(_WORDS), max_size=25).map(" ".join),
)
_nows = st.builds(
    lambda moment, zone: moment.replace(tzinfo=ZoneInfo(zone)),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    st.sampled_from(_ZONES),
) | st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(timezone(timedelta(hours=-12))))


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_texts, now=_nows, reminder=st.times())
def test_parse_note_never_raises(text, now, reminder):
    record = parse_note(text, now=now, customers=INDEX, default_reminder_time=reminder)
    assert isinstance(record, VisitRecord)
    assert not any(warning.startswith("parse error") for warning in record.warnings), (text, record.warnings)
    for followup in record.followups:
        assert followup.due.tzinfo is not None
    assert "\n" not in record.summary


def test_a_parser_bug_is_logged_and_the_note_keeps_a_record(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("contact reader bug")

    monkeypatch.setattr("crm.visits.parse.find_people", broken)
    record = parse_note("华信科技王经理 明天再约", now=NOW, customers=INDEX)
    assert record.read_failed and record.excerpt.startswith("华信科技")
    [logged] = [r for r in caplog.records if r.name == "crm.visits.parse"]
    assert logged.exc_info is not None and "华信" not in logged.getMessage()  # the bug, not the note's text


@pytest.mark.parametrize(
    ("note", "now", "expected"),
    [
        # a day said as over is no follow-up, nor next year's
        ("背景：保密协议已于12月15日签署。下一步：12月29日14:00提交实施计划", datetime(2026, 12, 22, 15, 0, tzinfo=ZONE),
         [datetime(2026, 12, 29, 14, 0, tzinfo=ZONE)]),
        ("the batch delivered on 3 December failed. Send the root-cause report by 20 January",
         datetime(2027, 1, 12, 16, 40, tzinfo=ZONE), [datetime(2027, 1, 20, 9, 0, tzinfo=ZONE)]),
        # the part of today under way is the visit's own, not tomorrow's
        ("下午去华信科技 见了王经理 约了下周二下午两点再去", datetime(2026, 12, 11, 16, 50, tzinfo=ZONE),
         [datetime(2026, 12, 15, 14, 0, tzinfo=ZONE)]),
        # the exact day not set yet, a worry about a date, a wish: no follow-up
        ("Acme, ping him in the new year, no date set", datetime(2026, 12, 18, 17, 35, tzinfo=ZONE), []),
        ("华信科技 一月中旬再定 具体哪天没说", datetime(2026, 12, 28, 18, 55, tzinfo=ZONE), []),
        ("华信科技 觉得实施周期太长了 怕赶不上春节前上线 下周三上午十点再过去讲排期", datetime(2026, 12, 1, 18, 20, tzinfo=ZONE),
         [datetime(2026, 12, 9, 10, 0, tzinfo=ZONE)]),
        ("华信科技 王经理说 要是能晚上装就好了 这个我回去问问", datetime(2027, 2, 22, 8, 10, tzinfo=ZONE), []),
        ("远大物流李总 说万一下个月预算批不下来 就只能明年了", datetime(2026, 12, 7, 17, 40, tzinfo=ZONE), []),
        # "60 days before they can sign" counts from no day: "by Friday" is still a follow-up
        ("Acme: they need 60 days before they can sign. Next steps: send revised terms by Friday.",
         datetime(2026, 12, 15, 13, 0, tzinfo=ZONE), [datetime(2026, 12, 18, 9, 0, tzinfo=ZONE)]),
        # "kickoff date tbd" is about the kickoff, not the SOW
        ("Acme - no objections, they just want the SOW. send SOW by wed, kickoff date tbd once its signed",
         datetime(2027, 1, 4, 12, 20, tzinfo=ZONE), [datetime(2027, 1, 6, 9, 0, tzinfo=ZONE)]),
        # a year-less day a few weeks back is a report, not next year's to-do
        ("华信科技 2月18号那批标签打错了 已经改好了 下下周一之前给到他", datetime(2027, 2, 26, 16, 15, tzinfo=ZONE),
         [datetime(2027, 3, 8, 9, 0, tzinfo=ZONE)]),
        # a past verb earlier in the clause; the note's greeting; the time the note opens with
        ("ok quick one um went to Acme's Penang plant on Friday with Mr. Wong, get back to him tomorrow",
         datetime(2026, 12, 7, 9, 15, tzinfo=ZONE), [datetime(2026, 12, 8, 9, 0, tzinfo=ZONE)]),
        ("ok morning, notes from yesterday's Acme session, questionnaire back by February 19",
         datetime(2027, 2, 3, 8, 5, tzinfo=ZONE), [datetime(2027, 2, 19, 9, 0, tzinfo=ZONE)]),
        ("中午跟华信科技的采购总监吃饭 聊了挺久的 下周一上午十点过去谈价格", datetime(2027, 3, 1, 12, 30, tzinfo=ZONE),
         [datetime(2027, 3, 8, 10, 0, tzinfo=ZONE)]),
        # when someone is back is not a to-do; one reminder for one day said twice
        ("华信科技 她说黄主任下周四回来 那我下周四下午过去一趟", datetime(2026, 12, 11, 17, 40, tzinfo=ZONE),
         [datetime(2026, 12, 17, 14, 0, tzinfo=ZONE)]),
        ("Acme: Mr. Deng is travelling and back around the 22nd. Send the proposal by March 12",
         datetime(2027, 3, 9, 11, 0, tzinfo=ZONE), [datetime(2027, 3, 12, 9, 0, tzinfo=ZONE)]),
        ("Acme: Dr. Chen complained, call her back on Friday", datetime(2026, 11, 18, 10, 0, tzinfo=ZONE),
         [datetime(2026, 11, 20, 9, 0, tzinfo=ZONE)]),
        ("Acme: get the trial units shipped by the 30th so noting that by the 30th",
         datetime(2026, 12, 23, 6, 55, tzinfo=ZONE), [datetime(2026, 12, 30, 9, 0, tzinfo=ZONE)]),
        # a trial's end is a date to count from
        ("Acme: the trial ends April 15 so I need to send the pen test summary by Wednesday",
         datetime(2027, 3, 26, 18, 30, tzinfo=ZONE), [datetime(2027, 3, 31, 9, 0, tzinfo=ZONE)]),
        # a bare weekday the visit happened on; what today is; a festival already over
        ("华信科技 周日跟王经理喝的茶 他说下周三给答复", datetime(2027, 1, 11, 9, 0, tzinfo=ZONE),
         [datetime(2027, 1, 20, 9, 0, tzinfo=ZONE)]),
        ("星期五去了华信科技 王经理在 我礼拜三前把方案发给他", datetime(2027, 1, 11, 9, 0, tzinfo=ZONE),
         [datetime(2027, 1, 13, 9, 0, tzinfo=ZONE)]),
        ("今天是周四 华信科技王经理说下周一开会", datetime(2027, 1, 14, 18, 0, tzinfo=ZONE),
         [datetime(2027, 1, 18, 9, 0, tzinfo=ZONE)]),
        ("元旦刚过完 去了趟华信科技 再让一点价格他们就签 周五前回复", datetime(2027, 1, 5, 9, 30, tzinfo=ZONE),
         [datetime(2027, 1, 8, 9, 0, tzinfo=ZONE)]),
        # a day called off, a day nobody fixed, a payment term, a near day beside a past verb
        ("Acme: the review on 12th Feb got cancelled, new slot is 16th Feb at 2pm", datetime(2027, 2, 3, 10, 0, tzinfo=ZONE),
         [datetime(2027, 2, 16, 14, 0, tzinfo=ZONE)]),
        ("Acme: let's grab coffee sometime next week, send the deck by the 9th", datetime(2027, 2, 3, 10, 0, tzinfo=ZONE),
         [datetime(2027, 2, 9, 9, 0, tzinfo=ZONE)]),
        ("Acme: credit terms too short for them, they want 75 days", datetime(2027, 2, 3, 10, 0, tzinfo=ZONE), []),
        ("Acme: Tom said the trial went fine, workshop with their COO on March 2", datetime(2027, 2, 20, 10, 0, tzinfo=ZONE),
         [datetime(2027, 3, 2, 9, 0, tzinfo=ZONE)]),
        # a date with the weekday that agrees with it and a time; 今儿 told as the visit; a festival that is today or just gone
        ("华信科技\n1. 见王经理\n2. 2月5日 周五 14:30 上门演示", datetime(2027, 1, 27, 10, 0, tzinfo=ZONE),
         [datetime(2027, 2, 5, 14, 30, tzinfo=ZONE)]),
        ("今儿去华信科技 跟王经理聊了很久 下周一发报价", datetime(2027, 1, 27, 17, 45, tzinfo=ZONE),
         [datetime(2027, 2, 1, 9, 0, tzinfo=ZONE)]),
        ("元宵节还在跑客户 华信科技王经理说礼拜三再聊", datetime(2027, 2, 21, 20, 0, tzinfo=ZONE),
         [datetime(2027, 2, 24, 9, 0, tzinfo=ZONE)]),
        ("年初五咯 给华信科技王经理打电话拜年 下礼拜二上门", datetime(2027, 2, 11, 10, 0, tzinfo=ZONE),
         [datetime(2027, 2, 16, 9, 0, tzinfo=ZONE)]),
        # whether a date can be met is a worry; "nothing fixed"
        ("华信科技 王经理关心 交付能否赶上5月验收", datetime(2027, 2, 19, 17, 0, tzinfo=ZONE), []),
        ("华信科技 王经理问能不能下周三之前给个报价", datetime(2027, 2, 19, 17, 0, tzinfo=ZONE),
         [datetime(2027, 2, 24, 9, 0, tzinfo=ZONE)]),
        ("Acme: we talk again next month, nothing fixed", datetime(2027, 3, 10, 13, 0, tzinfo=ZONE), []),
        # "on a Saturday" is any Saturday; a visit on the weekday just gone; the customer's own festival deadline
        ("Acme: they work on a Saturday too, call Tom on Monday at 10am", datetime(2026, 12, 5, 11, 0, tzinfo=ZONE),
         [datetime(2026, 12, 7, 10, 0, tzinfo=ZONE)]),
        ("Sunday golf with Tom from Acme, see him Wednesday at 10:00", datetime(2027, 3, 7, 15, 0, tzinfo=ZONE),
         [datetime(2027, 3, 10, 10, 0, tzinfo=ZONE)]),
        ("華信科技 禮拜五同王經理食咗餐飯 冇約實時間", datetime(2026, 12, 20, 20, 0, tzinfo=ZONE), []),
        ("华信科技 王经理说春节前必须上线 我下周二上午十点再去", datetime(2027, 1, 16, 9, 0, tzinfo=ZONE),
         [datetime(2027, 1, 19, 10, 0, tzinfo=ZONE)]),
    ],
)  # fmt: skip
def test_which_dates_in_a_note_are_follow_ups(note: str, now: datetime, expected: list[datetime]):
    record = parse_note(note, now=now, customers=CUSTOMERS)
    assert sorted(followup.due for followup in record.followups) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("华信科技 IT负责人葛工说 老师们的 feedback 都挺好 没什么 complaint", set()),
        ("华信科技 对我们的方案挺感兴趣 也没提什么顾虑", set()),
        ("Acme: pretty happy with it, no real concerns", set()),
        ("华信科技 钟总说资质那个事 他们内部可以先走个试点 价格啊付款啊这些 他们都没提意见", set()),
        ("华信科技 老赵说他们现在用的那家 服务响应太慢了 所以想换掉 对我们这边倒是 没什么顾虑", set()),
        ("华信科技 就是说他们今年的预算已经花完了 明年再说吧", {"budget"}),
        ("Acme: this year's budget got cut in half, so the project may slip", {"budget"}),
        ("华信科技 Kevin 觉得我们的API文档太乱 集成的 complexity 太高", {"complexity"}),
        ("华信科技 他们觉得我们的车载终端装起来太麻烦", {"complexity"}),
        ("Acme: they're tied in with another WMS vendor for another year and pretty happy with them", {"competitor"}),
        ("华信科技 邹总监说他们现在用的那套平台 挺稳定的 暂时没有换的打算", {"competitor"}),
        ("Acme: the risk officer pressed on data residency before anything goes live", {"security"}),
        ("华信科技 邱校长说我们给的工期他们能接受 价格也在预算里 没啥顾虑", set()),
        ("华信科技 他们对方案一点顾虑都没有", set()),
        ("华信科技 老方提了一句去年十一月那次宕机 不过早就处理好了", set()),
        ("Acme: Dr. Patel is comfortable with our setup, nothing she's worried about", set()),
        ("Acme: their quality manager wants traceability down to batch level", set()),
        ("华信科技 联调又出问题了 苗主任很不高兴", {"quality"}),
        ("华信科技 苗主任很不高兴", {"other"}),
        ("Acme: they already pay Guidewire for something pretty similar", {"competitor"}),
        ("Acme: this year's budget isn't signed off until April", {"budget"}),
        ("华信科技 第一是台湾那家 价格比我们低", {"price", "competitor"}),
        ("华信科技 防爆认证这块高部长看过了 认可 没提意见", set()),
        ("华信科技 2月9号那次MES宕机 我们连夜恢复的 后面补丁也打了", set()),
        ("华信科技 他们对现在那家供应商意见很大 想尽快换 对我们倒没提啥顾虑", set()),
        ("华信科技 温厂长对交期有意见", {"delivery"}),
        ("华信科技 续可以 但是价格一分都不能涨", {"price"}),
        ("Acme: guest data has to stay in-country", {"security"}),
        ("华信科技 覃经理讲了 今年的钱已经花光了", {"budget"}),
        ("Acme: Mr. Lim say they cannot accept 30 days payment", {"payment"}),
        ("华信科技 会上没有人提出反对意见", set()),
        ("华信科技 Lily说价格她们那边能接受也没什么别的顾虑", set()),
        ("华信科技 郭总好满意 冇提过任何顾虑", set()),
        ("华信科技 上次penetration test发现的那三个漏洞 我们已经全部修复了", set()),
        ("华信科技 陆总说我们的报价比他们现在问的那家高了一截", {"price"}),
        ("华信科技 他们现在用的是另一家的系统天天出错 Tony说他们内部已经决定要换了", set()),
        # Traditional characters and dialect words read as their plain forms
        ("華信科技 他們擔心上線以後系統整合太複雜", {"complexity"}),
        ("华信科技 邹总对方案没提啥子顾虑", set()),
        ("华信科技 乔主任讲对我们冇么子意见", set()),
        ("华信科技 他们这个季度实在拿不出钱来", {"budget"}),
        ("华信科技 资安部门要求先做渗透测试", {"security"}),
        ("華信科技 上批貨不良率偏高 鄧廠長有點不爽", {"quality"}),
        ("华信科技 上个月那次掉线的事 我们换了设备 也出了报告 乔总说这事翻篇了", set()),
        ("华信科技 价格工期都认 也没提什么", set()),
        ("华信科技 咱这价格比他们现在那家还便宜点 没啥意见", set()),
        # English: listed topics waved through, accepted terms, a fee too steep, a budget run out, capex frozen
        ("Acme: no concerns about price or about the eight week lead time", set()),
        ("Acme: their CFO accepted our payment terms, all good", set()),
        ("Acme: the yearly fee's too steep for them", {"price"}),
        ("Acme: budget for this quarter has run out", {"budget"}),
        ("Acme: the group froze capex until July", {"budget"}),
        ("Acme: the biggest problem for them is delivery, eight weeks is long", {"delivery"}),
        ("Acme: content with the incumbent, see no reason to move", {"competitor"}),
        ("华信科技 王经理讲价格OK 交期也OK 没什么问题", set()),
        ("华信科技 易总讲现在用的软件蛮好 冇得换的打算", {"competitor"}),
        ("华信科技 今年预算卡得紧 领导还没批", {"budget"}),
        ("华信科技 他们关心交付能否赶上年中验收", {"delivery"}),
        ("华信科技 他们的资质审核很严 我们少了一个许可证", {"security"}),
        ("华信科技 郭总说现在的系统用着也中 暂时不想换 俺说没事", {"competitor"}),
        ("華信科技 佢驚我哋個 system 不夠穩定", {"quality"}),
        ("華信科技 佢哋冇咩 concern 喇", set()),
        ("Acme: Li asked about the invoice format, just a question not a concern", set()),
        ("Acme: way over his budget, he's no got that kind of money", {"budget"}),
        ("华信科技 杜科长说价格中 交期也中", set()),
        ("华信科技 马总现在还窝火", {"other"}),
        ("华信科技 王总说这次演示很惊喜", set()),
    ],
)  # fmt: skip
def test_objections_as_reps_report_them(note: str, expected: set[str]):
    record = parse_note(note, now=NOW, customers=CUSTOMERS)
    assert {objection.category for objection in record.objections} == expected


def test_a_note_that_opens_by_addressing_the_reps_manager_does_not_list_the_manager():
    record = parse_note("王总 华信科技这边今天见了罗总和他们IT的Tony", now=NOW, customers=CUSTOMERS)
    assert [contact.name for contact in record.contacts] == ["罗总", "Tony"]


@pytest.mark.parametrize(
    ("note", "said_at", "due"),
    [
        # a part of today still under way, or today's deadline, said after its reminder time: soon, and the rep is told
        ("今天晚上要给华信王经理回电话", datetime(2026, 12, 7, 20, 0, tzinfo=ZONE), datetime(2026, 12, 7, 21, 0, tzinfo=ZONE)),
        ("call Sarah back tonight", datetime(2026, 12, 7, 20, 0, tzinfo=ZONE), datetime(2026, 12, 7, 21, 0, tzinfo=ZONE)),
        ("拜访华信科技 今天之内把报价发给王经理", datetime(2026, 12, 7, 20, 0, tzinfo=ZONE), datetime(2026, 12, 7, 21, 0, tzinfo=ZONE)),
        ("拜访华信科技 今天之内把报价发给王经理", datetime(2026, 12, 7, 10, 0, tzinfo=ZONE), datetime(2026, 12, 7, 17, 0, tzinfo=ZONE)),
    ],
)
def test_a_to_do_for_later_today_is_kept_when_its_time_has_passed(note, said_at, due):
    record = parse_note(note, now=said_at, customers=INDEX)
    assert [followup.due for followup in record.followups] == [due]
    assert any(f"{due:%H:%M}" in warning for warning in record.warnings) == (due.hour == 21)


@pytest.mark.parametrize(
    ("note", "said_at"),
    [
        ("今天下午要把合同发给王经理", datetime(2026, 12, 7, 20, 0, tzinfo=ZONE)),  # the afternoon is over
        ("had dinner with Sarah tonight", datetime(2026, 12, 7, 20, 0, tzinfo=ZONE)),
    ],
)
def test_a_part_of_today_that_is_over_or_done_sets_nothing(note, said_at):
    assert parse_note(note, now=said_at, customers=INDEX).followups == []


@pytest.mark.parametrize(
    "note",
    [
        "华信科技 王总这周出差 合约的部分要等他 我们下周一再约",  # someone away this week
        "visited Acme Corp today  I will do the demo for them on Monday at 10  tomorrow is holiday so nothing before that",
        "Acme Corp  we send the SOW draft by Monday  their current contract with us ends March 31",
        "Acme Corp: Wang is on leave until the 15th. Send the SOW draft by Monday",
    ],
)
def test_an_absence_a_holiday_and_a_contract_end_are_no_follow_ups(note):
    now = datetime(2026, 12, 9, 10, 0, tzinfo=ZONE)  # a Wednesday
    record = parse_note(note, now=now, customers=INDEX)
    assert [followup.due.date() for followup in record.followups] == [date(2026, 12, 14)]


@pytest.mark.parametrize(
    "note",
    [
        "今天去了华信科技 见了王经理 他说我们比别家贵两成 下周三前把新报价发给他 另外他们明年有个一百多万的项目 三月份招标",
        "今天上午去华信科技见了王经理 下周三前把新报价发给他",
        "今天早上跟华信科技王经理通了电话 下周三前把新报价发给他",
    ],
)
def test_the_visit_reported_before_nine_is_no_follow_up_and_no_warning(note):
    record = parse_note(note, now=datetime(2026, 12, 8, 6, 30, tzinfo=ZONE), customers=INDEX)
    assert [followup.due for followup in record.followups] == [datetime(2026, 12, 16, 9, 0, tzinfo=ZONE)]
    assert record.warnings == [] and record.date_problems == []


def test_traditional_characters_give_the_same_account_items_quoted_as_said():
    now = datetime(2026, 12, 8, 10, 30, tzinfo=ZONE)
    record = parse_note("遠大物流李總說 預算三百萬 明年第一季度採購 禮拜五前寄方案", now=now, customers=INDEX)
    [opportunity] = record.opportunities
    assert (opportunity.title, opportunity.amount, opportunity.expected_close) == ("採購", 3000000, date(2027, 3, 31))
    record = parse_note("國泰製藥 陳主任 系統又當機了 很生氣 合同明年六月到期", now=now, customers=INDEX)
    [case] = record.cases
    assert (case.type, case.priority) == ("incident", "high") and "系統又當機了 很生氣" in case.summary
    [contract] = record.contracts
    assert contract.end == date(2027, 6, 30) and "合同明年六月到期" in contract.text


def test_the_time_something_takes_then_the_reps_step():
    now = datetime(2026, 12, 7, 17, 40, tzinfo=ZONE)
    [followup] = parse_note("海岳电力 钱处长 说要等领导拍板 大概要两周 到时候我再打电话问问", now=now, customers=INDEX).followups
    assert followup.due == datetime(2026, 12, 21, 9, 0, tzinfo=ZONE) and followup.text.endswith("我再打电话问问")
    assert parse_note("海岳电力 钱处长 说要两周左右 到时候再说", now=now, customers=INDEX).followups == []  # "we'll see"


def test_a_day_and_its_clock_time_a_few_words_apart_make_one_follow_up():
    record = parse_note("华信科技 明天跟王经理下午三点见面", now=NOW, customers=INDEX)
    assert [followup.due for followup in record.followups] == [datetime(2026, 11, 19, 15, 0, tzinfo=ZONE)]


def test_an_offset_with_nothing_to_count_from_is_shown_on_the_card():
    record = parse_note("华信科技王经理说合同的事 提前两天提醒我", now=NOW, customers=INDEX)
    assert record.followups == [] and record.date_problems == ["“提前两天”缺少参照日期，没有设跟进"]


@pytest.mark.parametrize(
    "note",
    [
        "华信科技 今天见了周行长 小陈 你明天把私有化部署的方案整理一下",  # the rep speaks to a colleague
        "华信科技 今天见了周行长 下周四去总行汇报 小陈和老杨都要去",  # colleagues who go along
    ],
)
def test_colleagues_the_rep_speaks_to_or_takes_along_are_not_contacts(note):
    assert [contact.name for contact in parse_note(note, now=NOW, customers=INDEX).contacts] == ["周行长"]


def test_the_customers_people_who_will_go_somewhere_are_still_contacts():
    note = "华信科技 他们王总和李工都要去我们工厂参观"
    assert [contact.name for contact in parse_note(note, now=NOW, customers=INDEX).contacts] == ["王总", "李工"]


@pytest.mark.parametrize(
    ("note", "text"),
    [
        ("Met Jane at Acme. Asked for references, I'll send by next Wed.", "Asked for references, I'll send"),
        ("Acme wants the pricing sheet, I will send it tomorrow", "Acme wants the pricing sheet, I will send it"),
        ("Met Tom at Acme, will call back on Friday", "will call back"),  # meeting him is no step to take along
    ],
)
def test_a_bare_english_step_takes_what_it_is_about_from_the_clause_before(note, text):
    [followup] = parse_note(note, now=NOW, customers=CUSTOMERS).followups
    assert followup.text == text
