"""The follow-up model: a date a visit report names as news sets no reminder, and the card says which."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest

from crm.parsing import followup_model
from crm.parsing.dates import find_dates
from crm.parsing.matching import CustomerRef
from crm.visits.parse import parse_note

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.fromisoformat("2026-12-07T10:00:00+08:00")  # a Monday
CUSTOMERS = [CustomerRef(id=1, name="华信科技"), CustomerRef(id=2, name="Acme Corp")]
NEWS = [
    ("今天去了华信科技 见了王经理和采购的小李 王经理说他们的新工厂1月20号投产 到时候产能翻一番 我们的方案他们还在比较", "1月20号"),
    ("今天去了华信科技 见了王经理 聊得不错 他们的旧系统下个月15号停用 新系统还没定 王经理说我们的方案有竞争力", "下个月15号"),
]


def due(record):
    return [f"{followup.due:%Y-%m-%d %H:%M}" for followup in record.followups]


def test_the_shipped_model_is_what_the_fit_script_writes(tmp_path):
    out = tmp_path / "followups.crfsuite"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "fit_followup_model.py"), "--out", str(out)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    assert out.read_bytes() == followup_model.MODEL_PATH.read_bytes()


@pytest.mark.parametrize(("note", "said"), NEWS)
def test_a_date_told_as_news_sets_no_followup_and_the_card_says_which(note, said):
    record = parse_note(note, now=NOW, customers=CUSTOMERS)
    assert record.followups == []
    [warning] = [line for line in record.warnings if "看起来不是要做的事" in line]
    assert said in warning  # only the doubted date: not the visit's own 今天, which was never a to-do
    assert record.date_problems == [warning]  # what the card shows under the follow-ups


@pytest.mark.parametrize(("note", "said"), NEWS)
def test_with_the_model_switched_off_the_rules_alone_keep_the_date(monkeypatch, note, said):
    monkeypatch.setattr(followup_model, "KEEP_AT", 0.0)
    record = parse_note(note, now=NOW, customers=CUSTOMERS)
    assert len(record.followups) == 1
    assert not any("看起来不是要做的事" in line for line in record.warnings)


@pytest.mark.parametrize(("note", "expected"), [
    ("今天去了华信科技 见了王经理 聊了新项目的需求 下周三下午两点再去做个演示 王经理说到时候财务也会来", ["2026-12-16 14:00"]),
    ("今天去了华信科技 见了王经理 他们对价格有点意见 我答应12月15号之前把新报价发过去 王经理说到时候再约", ["2026-12-15 09:00"]),
    ("Visited Acme Corp today, met Sarah from procurement, good talk about the renewal; I will send her the revised "
     "quote by Thursday and call her next Friday at 3pm.", ["2026-12-10 09:00", "2026-12-18 15:00"]),
])  # fmt: skip
def test_a_to_do_in_a_long_report_keeps_its_followup(note, expected):
    assert due(parse_note(note, now=NOW, customers=CUSTOMERS)) == expected


def test_a_one_line_note_is_an_instruction_the_model_is_not_asked_about():
    [mention] = find_dates("下周三开年会", now=NOW)
    assert not followup_model.judges("华信科技 下周三开年会", mention)
    assert due(parse_note("华信科技 下周三开年会", now=NOW, customers=CUSTOMERS)) == ["2026-12-16 09:00"]


def test_the_model_reads_one_date_at_a_time_across_threads():
    notes = [note for note, _ in NEWS] + [
        "今天去了华信科技 见了王经理 聊了新项目的需求 下周三下午两点再去做个演示 王经理说到时候财务也会来",
        "Visited Acme Corp today, met Sarah from procurement; I will send her the revised quote by Thursday.",
    ]
    pairs = [(note, mention) for note in notes * 25 for mention in find_dates(note, now=NOW)]
    serial = [followup_model.followup_probability(note, mention) for note, mention in pairs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda pair: followup_model.followup_probability(*pair), pairs))
    assert threaded == serial
    assert all(0.0 <= probability <= 1.0 for probability in serial)
