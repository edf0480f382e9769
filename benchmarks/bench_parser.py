"""Parse latency of `parse_note` with 500 synthetic customers loaded (goal: p95 < 50 ms).

    python benchmarks/bench_parser.py [--customers 500] [--notes 300] [--seed 7]

The customer index (pinyin of every name) is built once, as the bot does; the Recognizers-Text
models are built by a warm-up parse. Notes are generated from templates mixing Chinese and
English, homophones, fillers and the date phrases the parser supports.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from crm.parsing.contacts import warm_up as warm_contacts
from crm.parsing.matching import CustomerIndex, CustomerRef
from crm.parsing.recognizers import warm_up
from crm.visits.parse import parse_note

_HEADS = list("华新远蓝中恒星青天金北东南西海山江河宏安泰盛鑫隆兴昌达通瑞丰永嘉和")
_TAILS = list("信大海联通河禾际石辰方城光明源润康宇航创诚邦博")
_SUFFIXES = ["科技", "建材", "物流", "医药", "重工", "电子", "传媒", "农业", "航空", "证券", "软件", "集团", "银行", "能源"]
_ENGLISH = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Hooli", "Vandelay", "Soylent"]
_EN_SUFFIXES = ["Corp", "Inc", "Ltd", "Group", "Systems"]
_CONTACTS = ["王经理", "李总", "刘工", "张主任", "周处长", "钱总监", "陈先生", "赵老师", "孙部长"]
_DATES = [
    "明天上午10点", "后天", "大后天", "这周五", "下周三下午三点", "下下周一", "三天后", "两周后", "一个月后",
    "月底前", "下个月5号", "12月10号", "明早九点", "这周内", "下周", "下午4点半", "两点半", "周五下午",
    "本周五前", "十点前",
]  # fmt: skip
_EN_DATES = ["next Tuesday 3pm", "in 2 weeks", "by Friday", "end of month", "Dec 3", "tomorrow morning"]
_ZH_TEMPLATES = [
    "今天上午拜访了{customer}，见了采购部{contact}，他们嫌报价太高，说竞争对手便宜两成。{date}再约技术交流。",
    "嗯 {customer} 那个 {contact} 说系统故障还没解决 很不满意 {date}必须给答复",
    "跟{customer}的{contact}吃了个饭 关系不错 {date}把方案发给他",
    "{customer}这边 {contact}说技术方案没问题 但是老板觉得交付周期太长 {date}再电话沟通",
    "{customer} {contact} 续约意向明确 合同12月10号到期 记得提前一周提醒续签 另外{date}再去一趟",
    "{customer}的采购说我们比友商贵了百分之十五 要我们打八五折 {date}再谈",
]
_EN_TEMPLATES = [
    "met {customer}'s CFO Sarah today, she wants 10% off the annual license, follow up {date}",
    "called {customer}, spoke with Mr. Sun in IT, no objections, send the quote {date}",
    "uh visited {customer} um their procurement manager Mike worried about security, schedule a demo {date}",
]


def synthetic_customers(count: int, rng: random.Random) -> list[CustomerRef]:
    """`count` distinct customers: mostly Chinese names, some English ones."""
    names: set[str] = set()
    while len(names) < count:
        if rng.random() < 0.15:
            names.add(f"{rng.choice(_ENGLISH)}{rng.choice(['', ' Global', ' Tech', ' Pacific'])} {rng.choice(_EN_SUFFIXES)}")
        else:
            names.add(rng.choice(_HEADS) + rng.choice(_TAILS) + rng.choice(_SUFFIXES))
    return [CustomerRef(id=number, name=name) for number, name in enumerate(sorted(names), start=1)]


def synthetic_notes(customers: list[CustomerRef], count: int, rng: random.Random) -> list[str]:
    """Notes mentioning random customers, contacts and date phrases."""
    notes = []
    for _ in range(count):
        customer = rng.choice(customers).name
        if customer.isascii():
            notes.append(rng.choice(_EN_TEMPLATES).format(customer=customer, date=rng.choice(_EN_DATES)))
        else:
            if rng.random() < 0.2:  # a homophone slip on the first character
                customer = rng.choice(_HEADS) + customer[1:]
            notes.append(
                rng.choice(_ZH_TEMPLATES).format(customer=customer, contact=rng.choice(_CONTACTS), date=rng.choice(_DATES))
            )
    return notes


def main() -> None:
    """Build the index, warm up, time every parse, print p50/p95/max."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    customers = synthetic_customers(args.customers, rng)
    started = time.perf_counter()
    index = CustomerIndex.build(customers)
    build_ms = (time.perf_counter() - started) * 1000
    now = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    notes = synthetic_notes(customers, args.notes, rng)
    started = time.perf_counter()
    warm_up()  # builds the Recognizers-Text models, as the bot does at start
    warm_contacts()  # and loads jieba's word tags
    parse_note("明天上午10点 next Tuesday 3pm", now=now, customers=index)
    warm_ms = (time.perf_counter() - started) * 1000
    timings = []
    for note in notes:
        started = time.perf_counter()
        parse_note(note, now=now, customers=index)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"customers={args.customers} notes={len(notes)} index_build={build_ms:.0f}ms warm_up={warm_ms:.0f}ms")
    print(f"parse latency: p50={p50:.1f}ms p95={p95:.1f}ms max={timings[-1]:.1f}ms")


if __name__ == "__main__":
    main()
