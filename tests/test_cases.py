"""Cases and contract items read from notes; the case repository's targets; /case, /cases, resolving; kam cases."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
from click.testing import CliRunner

from bot.assistant import Assistant
from bot.cli.cases import cases as cases_command
from bot.cli.notes import note
from crm.cases import CaseClosed, CaseRepository, parse_targets, target_due
from crm.customer_import import CustomerInput
from crm.followups.repository import FollowupRepository
from crm.parsing.cases import explicit_case, find_cases
from crm.parsing.contracts import find_contracts
from crm.parsing.matching import CustomerRef
from crm.store import Store
from crm.users import UserRepository
from crm.visits.parse import normalize, parse_note
from tests.conftest import OTHER_REP_ID, REP_ID

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = datetime(2026, 12, 4, 11, 20, tzinfo=SHANGHAI)


def _contracts(text: str, now: datetime) -> list[tuple]:
    return [(c.number, c.end.isoformat() if c.end else None, c.event) for c in find_contracts(normalize(text), now=now)]


def _cases(text: str) -> list[tuple[str, str]]:
    return [(c.type, c.priority) for c in find_cases(normalize(text))]


# reading notes -------------------------------------------------------------------------------


def test_contract_items_from_the_brief() -> None:
    dec = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)
    assert _contracts("合同明年3月到期", dec) == [(None, "2027-03-31", "expiring")]
    assert _contracts("their contract ends June 30", dec) == [(None, "2027-06-30", "expiring")]
    assert _contracts("续签了三年 到2029年底", dec) == [(None, "2029-12-31", "renewed")]
    assert _contracts("上周签了合同 合同号HT-2026-1187", dec) == [("HT-2026-1187", None, "signed")]
    feb = datetime(2027, 2, 10, 10, 0, tzinfo=SHANGHAI)
    assert _contracts("原来的合同今年6月到期 续了两年", feb) == [(None, "2029-06-30", "renewed")]


def test_more_contract_wordings() -> None:
    jan = datetime(2027, 1, 10, 10, 0, tzinfo=SHANGHAI)
    assert _contracts("the agreement expires next March", jan) == [(None, "2027-03-31", "expiring")]
    assert _contracts("we signed the renewal yesterday, runs until end of 2029", jan) == [(None, "2029-12-31", "renewed")]
    assert _contracts("服务合同今年到期", jan) == [(None, "2027-12-31", "expiring")]
    assert _contracts("合同号 ABC-123 明年2月到期", jan) == [("ABC-123", "2028-02-29", "expiring")]
    assert _contracts("今天去了华信 合同明年3月到期", jan) == [(None, "2028-03-31", "expiring")]  # not 今天
    # "unhappy with the slow support" names no other vendor: the contract is ours
    assert _contracts("they are unhappy with the slow support response, contract ends 31 March", jan) == [
        (None, "2027-03-31", "expiring")
    ]


def test_not_contract_items() -> None:
    dec = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)
    assert _contracts("现在用友商的系统 合同明年6月到期 到时候想换", dec) == []
    assert _contracts("their MES contract with Siemens ends in March", dec) == []
    assert _contracts("拿下了 下周签合同", dec) == []
    assert _contracts("Sarah said they will sign the contract end of January, 150k USD", dec) == []  # a planned signing
    assert _contracts("contract signing end of January", dec) == []
    assert _contracts("their contract ends end of March", dec) == [(None, "2027-03-31", "expiring")]
    assert _contracts("他们想续约 合同3月到期", dec) == [(None, "2027-03-31", "expiring")]  # wanting is not renewed


def test_cases_from_notes() -> None:
    assert _cases("客户投诉上周的发货延迟了三天，很生气") == [("complaint", "high")]
    assert _cases("产线的MES系统 宕机了 紧急") == [("incident", "urgent")]
    assert _cases("小周问 发票怎么开") == [("question", "low")]
    assert _cases("the label printers keep jamming not urgent but annoying") == [("incident", "normal")]
    assert _cases("complained the hotline never picks up. Mr. Zhou was very angry") == [("complaint", "high")]
    assert sorted(_cases("投诉我们的工程师 要求换人。另外问 能不能导出Excel")) == [("complaint", "normal"), ("question", "low")]


def test_a_case_summary_stops_at_the_problem_not_the_next_step() -> None:
    [case] = find_cases(normalize("合同明年3月31号到期，另外上周系统宕机他们很不满意，下周二下午三点再去一趟"))
    assert case.type == "incident" and case.summary == "上周系统宕机他们很不满意"  # without its "另外"
    [case] = find_cases(normalize("发票又开错了。下周三再去一趟。财务很生气"))
    assert case.summary == "发票又开错了" and case.priority == "normal"  # the anger after the next step is not joined
    [case] = find_cases(normalize("嗯 那个 今天去了蓝海医药 见了张主任 他说 就是 上次那个系统故障 还没修好 很生气 明天上午十点前给个答复"))
    assert case.summary == "上次那个系统故障 还没修好 很生气"  # dictated: the visit before it and the next step after it left out
    [case] = find_cases(normalize("产线的MES系统 宕机了 紧急"))
    assert case.summary.startswith("产线的") and case.priority == "urgent"  # the subject of the problem stays
    [case] = find_cases(normalize("华信科技 合同明年3月到期 王经理说系统上周宕机了两次 很生气"))
    assert case.summary == "王经理说系统上周宕机了两次 很生气"  # the contract said before it is another matter
    [case] = find_cases(normalize("complained the hotline never picks up. Mr. Zhou was very angry"))
    assert case.priority == "high" and case.summary.startswith("complained the hotline never picks up")


def test_a_case_summary_does_not_open_with_the_customers_name() -> None:
    customers = [CustomerRef(id=1, name="Globex Corporation", aliases=["Globex"]), CustomerRef(id=2, name="远大物流")]
    record = parse_note("Globex: their system went down twice last week, Mike furious, wants a fix by Friday.", now=FRIDAY,
                        customers=customers)  # fmt: skip
    assert record.cases[0].summary.startswith("their system went down twice")
    record = parse_note("遠大物流陳總說系統上週當機兩次，很不滿意", now=FRIDAY, customers=customers)
    assert record.cases[0].summary == "陳總說系統上週當機兩次,很不滿意"  # as typed (the comma normalised)
    record = parse_note("远大物流反映系统上周宕机两次，客户很不满意", now=FRIDAY, customers=customers)
    assert record.cases[0].summary == "系统上周宕机两次,客户很不满意"


def test_price_objections_and_closed_problems_are_not_cases() -> None:
    assert _cases("他们嫌报价太贵 很不满") == []
    assert _cases("the maintenance fee went up and they're unhappy") == []
    assert _cases("违约金已经扣了 这事算结了") == []


def test_explicit_case_words() -> None:
    assert explicit_case("系统宕机 紧急") == ("incident", "urgent", "系统宕机")
    assert explicit_case("发票开错了") == ("complaint", "normal", "发票开错了")
    assert explicit_case("咨询 能不能开专票") == ("question", "low", "能不能开专票")


# targets and the repository ------------------------------------------------------------------


def test_targets_setting_and_working_days() -> None:
    targets = parse_targets("urgent=4h,high=1d,normal=3d,low=5d")
    assert targets["urgent"] == (4, "h") and targets["low"] == (5, "d")
    with pytest.raises(ValueError, match="no target for low"):
        parse_targets("urgent=4h,high=1d,normal=3d")
    with pytest.raises(ValueError, match="'high=soon'"):
        parse_targets("urgent=4h,high=soon,normal=3d,low=5d")
    assert target_due(FRIDAY, (1, "d"), SHANGHAI) == datetime(2026, 12, 7, 11, 20, tzinfo=SHANGHAI)  # Mon
    assert target_due(FRIDAY, (3, "d"), SHANGHAI) == datetime(2026, 12, 9, 11, 20, tzinfo=SHANGHAI)  # Wed
    saturday = datetime(2026, 12, 5, 15, 0, tzinfo=SHANGHAI)
    assert target_due(saturday, (1, "d"), SHANGHAI) == datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI)
    assert target_due(FRIDAY, (4, "h"), SHANGHAI) == datetime(2026, 12, 4, 15, 20, tzinfo=SHANGHAI)


@pytest.fixture
def case_store() -> Store:
    store = Store.open(":memory:")
    for user_id in (REP_ID, OTHER_REP_ID):
        UserRepository(store).upsert(user_id, name="r", role="rep", timezone_name="Asia/Shanghai", registered_via="allowlist")
    return store


def test_case_reminder_before_the_target_and_resolving_cancels_it(case_store: Store) -> None:
    followups = FollowupRepository(case_store)
    repository = CaseRepository(case_store, followups)
    case = repository.create(REP_ID, customer_id=None, type="incident", priority="urgent", description="系统宕机",
                             now=FRIDAY, zone=SHANGHAI)  # fmt: skip
    assert case.due == datetime(2026, 12, 4, 15, 20, tzinfo=SHANGHAI)
    [reminder] = followups.open_reminders(case_id=case.id)
    assert reminder.kind == "case_target" and reminder.due == datetime(2026, 12, 4, 14, 20, tzinfo=SHANGHAI)
    assert repository.list_open(user_id=OTHER_REP_ID) == []
    closed = repository.resolve(case.id, user_id=REP_ID, resolution="已重启服务", now=FRIDAY)
    assert (closed.status, closed.resolution) == ("closed", "已重启服务")
    assert followups.open_reminders(case_id=case.id) == []
    with pytest.raises(CaseClosed):
        repository.resolve(case.id, user_id=REP_ID, resolution="again", now=FRIDAY)


# the skill -----------------------------------------------------------------------------------


def _say(assistant: Assistant, text: str, *, user_id: int = REP_ID, callback: str | None = None):
    user = assistant.users.upsert(user_id, name="rep", role="rep", timezone_name="Asia/Shanghai", registered_via="allowlist")
    return assistant.handle(assistant.request(user, text, callback_data=callback, now=FRIDAY))


def _text(reply) -> str:
    return "\n".join(block.text for block in reply.blocks)


def test_case_command_lists_and_resolves(assistant: Assistant) -> None:
    assistant.customers.upsert(CustomerInput(name="华信科技", aliases=["华信"]))
    opened = _say(assistant, "/case 华信 系统宕机 紧急")
    assert "已新建工单 #1" in _text(opened) and "华信科技 · 故障 · 紧急 · 时限 今天 15:20 · 系统宕机" in _text(opened)
    assert "投诉处理" not in _text(opened)  # guidance only for complaints
    assert "#1 · 华信科技" in _text(_say(assistant, "/cases"))
    assert "没有未结的售后工单" in _text(_say(assistant, "/cases", user_id=OTHER_REP_ID))
    [[button]] = opened.buttons
    asked = _say(assistant, "", callback=button.data)
    assert "处理结论" in _text(asked)
    done = _say(assistant, "已重启服务，客户确认恢复")
    assert _text(done) == "工单 #1 已结案：已重启服务，客户确认恢复"
    assert "没有未结的售后工单" in _text(_say(assistant, "/cases"))
    _say(assistant, "/case 华信 发票开错了")
    assert "请发送工单 #2 的处理结论" in _text(_say(assistant, "/case 结案 2"))
    assert _text(_say(assistant, "已重开发票")) == "工单 #2 已结案：已重开发票"
    assert "找不到工单 #2" in _text(_say(assistant, "/case done 2 已处理", user_id=OTHER_REP_ID))
    assert "没找到客户" in _text(_say(assistant, "/case 不存在公司 宕机"))
    assert "请写明客户和问题" in _text(_say(assistant, "/case"))


def test_case_status_moves_and_rejection(assistant: Assistant) -> None:
    assistant.customers.upsert(CustomerInput(name="华信科技", aliases=["华信"]))
    _say(assistant, "/case 华信 报表导出慢")
    assert _text(_say(assistant, "/case 分派 1")) == "工单 #1 状态：已分派"
    assert "#1 · 华信科技 · 投诉 · 普通 · 已分派" in _text(_say(assistant, "/cases"))
    assert _text(_say(assistant, "/case pending 1")) == "Case #1 is now pending"  # the words say English
    assert "找不到工单 #1" in _text(_say(assistant, "/case 分派 1", user_id=OTHER_REP_ID))
    assert "请写明驳回工单 #1 的理由" in _text(_say(assistant, "/case 驳回 1"))
    assert _text(_say(assistant, "/case 驳回 1 不属于售后范围")) == "工单 #1 已驳回：不属于售后范围"
    assert "没有未结的售后工单" in _text(_say(assistant, "/cases"))
    assert _text(_say(assistant, "/case 分派 1")) == "工单 #1 已经结案了。"


def test_saving_a_note_opens_the_case_and_records_the_contract(assistant: Assistant) -> None:
    assistant.customers.upsert(CustomerInput(name="蓝海医药"))
    card = _say(assistant, "今天去了蓝海医药 见了王经理 客户投诉上周的发货延迟了三天，很生气 合同明年3月到期")
    text = _text(card)
    assert "合同：2027-03-31 到期" in text and "工单：投诉 · 高" in text
    save = next(b for row in card.buttons for b in row if b.label == "保存")
    saved = _text(_say(assistant, "", callback=save.data))
    assert "已新建工单" in saved and "蓝海医药 · 投诉 · 高 · 时限 12月7日（周一）11:20" in saved
    [contract] = assistant.contracts.list(user_id=REP_ID)
    assert contract.end == date(2027, 3, 31) and contract.number is None
    assert [r.kind for r in assistant.contracts.pending_reminders(contract.id)] == ["renewal_end"] * 4
    # a later note about the renewal renews that contract and replaces its reminders
    card = _say(assistant, "蓝海医药 王经理说 续签了三年 到2029年底")
    save = next(b for row in card.buttons for b in row if b.label == "保存")
    _say(assistant, "", callback=save.data)
    [renewed] = assistant.contracts.list(user_id=REP_ID)
    assert (renewed.id, renewed.status, renewed.end) == (contract.id, "renewed", date(2029, 12, 31))
    assert {r.due.date().year for r in assistant.contracts.pending_reminders(contract.id)} == {2029}


def test_contract_command_renews_and_closes(assistant: Assistant) -> None:
    customer, _ = assistant.customers.upsert(CustomerInput(name="蓝海医药"))
    _say(assistant, "/help")  # registers the rep
    contract = assistant.contracts.create(REP_ID, customer_id=customer.id, number="HT-7", end=date(2027, 3, 31))
    assert f"#{contract.id} 蓝海医药 · HT-7 · 到期 2027-03-31 · 执行中" in _text(_say(assistant, "/contracts"))
    renewed = _text(_say(assistant, f"/contract 续签 #{contract.id} 2028年3月"))
    assert renewed.startswith(f"合同 #{contract.id}（蓝海医药）已续签至 2028-03-31。")
    assert "下一次续约提醒" in renewed
    assert {r.due.date().year for r in assistant.contracts.pending_reminders(contract.id)} <= {2027, 2028}
    assert "已续签" in _text(_say(assistant, "/contracts"))
    assert "不是一个有效的日期" in _text(_say(assistant, "/contract 续签 HT-7 2029年2月30日"))
    assert "已经过去了" in _text(_say(assistant, "/contract 续签 HT-7 2025年3月"))
    assert "请写新的到期日" in _text(_say(assistant, "/contract 续签 HT-7"))
    assert "找不到合同" in _text(_say(assistant, f"/contract 关闭 #{contract.id}", user_id=OTHER_REP_ID))
    assert "已关闭，续约提醒已取消" in _text(_say(assistant, "/contract 关闭 HT-7"))
    assert assistant.contracts.pending_reminders(contract.id) == []
    assert "请说明续签还是关闭" in _text(_say(assistant, "/contract 合同 HT-7"))
    assert _text(_say(assistant, "/contract HT-7")).startswith("Say renew or close")  # Latin words alone: English


def test_one_customers_contracts_cases_and_follow_ups_asked_by_name(assistant: Assistant) -> None:
    assistant.customers.upsert(CustomerInput(name="蓝海医药", aliases=["Lanhai Pharma"]))
    assistant.customers.upsert(CustomerInput(name="华信科技"))
    card = _say(assistant, "今天去了蓝海医药 见了王经理 客户投诉上周的发货延迟了三天，很生气 合同明年3月到期")
    _say(assistant, "", callback=next(b for row in card.buttons for b in row if b.label == "保存").data)
    user = assistant.users.get(REP_ID)
    for question, skill in (("蓝海医药的合同什么时候到期", "contracts"), ("when does the Lanhai Pharma contract expire", "contracts"),
                            ("蓝海医药有没有投诉", "cases"), ("open cases for Lanhai Pharma?", "cases"), ("蓝海医药的工单", "cases"),
                            ("蓝海医药的跟进", "customers"), ("Lanhai Pharma follow-ups", "customers"),
                            # reports and other questions that name the records are not lists of them
                            ("蓝海医药投诉系统宕机", "notes"), ("蓝海医药王经理说合同明年3月到期", "notes"),
                            ("蓝海医药的合同条款怎么谈", "ask")):  # fmt: skip
        assert assistant.router.choose(assistant.request(user, question, now=FRIDAY))[0] == skill, question
    contracts = _text(_say(assistant, "蓝海医药的合同什么时候到期"))
    assert contracts.startswith("蓝海医药的合同（1）") and "到期 2027-03-31" in contracts
    assert "蓝海医药的未结工单（1）" in _text(_say(assistant, "蓝海医药有没有投诉"))
    assert _text(_say(assistant, "华信科技的合同")) == "华信科技还没有合同记录。"
    assert _text(_say(assistant, "华信科技有没有投诉")) == "华信科技没有未结的售后工单。"
    # another rep asking by name sees none of them
    assert _text(_say(assistant, "蓝海医药的合同", user_id=OTHER_REP_ID)) == "蓝海医药还没有合同记录。"
    assert _text(_say(assistant, "蓝海医药的工单", user_id=OTHER_REP_ID)) == "蓝海医药没有未结的售后工单。"


# the CLI -------------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> click.Group:
    monkeypatch.setenv("KAM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KAM_EMBEDDER", "hashing")

    @click.group()
    def kam() -> None:
        """Test group holding the commands under test."""

    kam.add_command(note)
    kam.add_command(cases_command)
    return kam


def test_note_json_has_contracts_and_cases_and_kam_cases_lists_them(cli: click.Group) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["note", "--json", "--now", "2026-12-04T11:20",
                                 "蓝海医药 投诉上周的发货延迟了三天 很生气 合同号HT-77 明年3月到期"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert data["contracts"] == [{"number": "HT-77", "end": "2027-03-31", "event": "expiring"}]
    [case] = data["cases"]
    assert (case["type"], case["priority"], case["due"]) == ("complaint", "high", "2026-12-07T11:20:00+08:00")
    plain = runner.invoke(cli, ["note", "--json", "--dry-run", "今天拜访了华信科技"])
    data = json.loads(plain.output.strip().splitlines()[-1])
    assert data["contracts"] == [] and data["cases"] == []
    listed = json.loads(runner.invoke(cli, ["cases", "--json"]).output)
    [item] = listed["cases"]
    assert (item["customer"], item["type"], item["due"]) == ("蓝海医药", "complaint", "2026-12-07T11:20:00+08:00")
    assert datetime.fromisoformat(item["due"]).astimezone(UTC).hour == 3


def test_corrections_change_or_drop_cases_and_contracts() -> None:
    from crm.visits.corrections import apply_correction
    from crm.visits.parse import parse_note

    record = parse_note("蓝海医药 投诉上周的发货延迟了三天 很生气 合同明年3月到期", now=FRIDAY)
    assert [(c.type, c.priority) for c in record.cases] == [("complaint", "high")]
    kwargs = {"customers": None, "now": FRIDAY, "zone": SHANGHAI, "default_time": FRIDAY.time()}
    changed, field = apply_correction(record, "工单是故障 紧急", **kwargs)  # type: ignore[arg-type]
    assert field == "cases" and [(c.type, c.priority) for c in changed.cases] == [("incident", "urgent")]
    dropped, _ = apply_correction(record, "不是工单", **kwargs)  # type: ignore[arg-type]
    assert dropped.cases == [] and dropped.contracts == record.contracts
    no_contract, _ = apply_correction(record, "no contract", **kwargs)  # type: ignore[arg-type]
    assert no_contract.contracts == [] and no_contract.cases == record.cases


def test_record_questions_card_and_team_view(assistant: Assistant) -> None:
    from tests.conftest import ADMIN_ID

    assistant.customers.upsert(CustomerInput(name="蓝海医药"))
    card = _say(assistant, "今天去了蓝海医药 见了王经理 客户投诉上周的发货延迟了三天，很生气 合同明年3月到期")
    _say(assistant, "", callback=next(b for row in card.buttons for b in row if b.label == "保存").data)
    for question, skill in (("哪些合同快到期了?", "contracts"), ("有哪些没处理的投诉?", "cases"),
                            ("我的销售漏斗怎么样?", "opps")):  # fmt: skip
        user = assistant.users.get(REP_ID)
        assert assistant.router.choose(assistant.request(user, question))[0] == skill
    customer_card = _text(_say(assistant, "/customer 蓝海医药"))
    assert "半年内到期的合同" in customer_card and "未结的售后工单" in customer_card
    other = _text(_say(assistant, "/customer 蓝海医药", user_id=OTHER_REP_ID))
    assert "半年内到期的合同" not in other and "未结的售后工单" not in other
    admin = assistant.users.upsert(ADMIN_ID, name="boss", role="admin", timezone_name="Asia/Shanghai",
                                   registered_via="admin")  # fmt: skip
    later = datetime(2027, 1, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # the case is late, the contract near
    team = _text(assistant.handle(assistant.request(admin, "/team", now=later)))
    assert "90天内到期的合同（1）" in team and "超过响应时限的工单（1）" in team and "@rep" in team
    assert "只对管理员开放" in _text(_say(assistant, "/team"))
