"""Opportunities: the pipeline file, the repository, the note reader, and Save creating them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.settings import DEFAULT_PIPELINE_FILE
from crm.customer_import import CustomerInput
from crm.customers import CustomerRepository
from crm.followups.repository import FollowupRepository
from crm.opportunities import InvalidOpportunity, OpportunityNotFound, OpportunityRepository
from crm.parsing.matching import CustomerRef
from crm.parsing.opportunities import find_opportunities
from crm.pipeline import DEFAULT_PIPELINE, PipelineError, load_pipeline, parse_pipeline
from crm.store import Store
from crm.users import UserRepository
from crm.visits.corrections import apply_correction
from crm.visits.parse import normalize, parse_note
from crm.visits.record import VisitRecord
from crm.visits.repository import VisitRepository

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV_30 = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
REP, OTHER, ADMIN = 2, 3, 1


# the pipeline file ---------------------------------------------------------------------------


def test_shipped_pipeline_is_the_default() -> None:
    pipeline = load_pipeline(DEFAULT_PIPELINE_FILE)
    assert pipeline == DEFAULT_PIPELINE
    assert pipeline.names == ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
    assert [stage.probability for stage in pipeline.stages] == [10, 25, 50, 75, 100, 0]
    assert pipeline.get("negotiation").label("zh") == "谈判" and pipeline.get("lost").label("en") == "Lost"


def test_bad_pipeline_names_the_line() -> None:
    text = DEFAULT_PIPELINE_FILE.read_text(encoding="utf-8")
    bad = text.replace("probability: 50", "probability: 150").replace("name: negotiation", "name: Negotiation")
    with pytest.raises(PipelineError) as raised:
        parse_pipeline(bad)
    message = str(raised.value)
    line_of = {line.strip(): number for number, line in enumerate(bad.splitlines(), start=1)}
    assert f"pipeline.yaml:{line_of['probability: 150']}: stages[2].probability" in message
    assert f"pipeline.yaml:{line_of['- name: Negotiation']}: stages[3].name" in message and "'Negotiation'" in message


def test_pipeline_needs_won_and_lost_and_unique_names(tmp_path: Path) -> None:
    text = DEFAULT_PIPELINE_FILE.read_text(encoding="utf-8")
    with pytest.raises(PipelineError, match=r"stages\[5\]\.name: the stage 'lead' appears twice"):
        parse_pipeline(text.replace("name: lost", "name: lead"))
    with pytest.raises(PipelineError, match=r"stages: lost must be stages"):
        parse_pipeline(text.replace("name: lost", "name: dropped"))
    with pytest.raises(PipelineError, match="whole percent"):
        parse_pipeline(text.replace("probability: 25", "probability: 25.5"))
    missing = tmp_path / "nope.yaml"
    with pytest.raises(PipelineError, match="nope.yaml: cannot read"):
        load_pipeline(missing)


def test_a_company_can_edit_probabilities(tmp_path: Path) -> None:
    edited = tmp_path / "pipeline.yaml"
    edited.write_text(DEFAULT_PIPELINE_FILE.read_text(encoding="utf-8").replace("probability: 10", "probability: 5"))
    assert load_pipeline(edited).get("lead").probability == 5


# the repository ------------------------------------------------------------------------------


@pytest.fixture
def store() -> Store:
    store = Store.open(":memory:")
    users = UserRepository(store)
    for user_id, role in ((ADMIN, "admin"), (REP, "rep"), (OTHER, "rep")):
        users.upsert(user_id, name=f"u{user_id}", role=role, timezone_name="Asia/Shanghai", registered_via="allowlist")  # type: ignore[arg-type]
    return store


@pytest.fixture
def customer_id(store: Store) -> int:
    customer, _ = CustomerRepository(store).upsert(CustomerInput(name="华信科技", aliases=["华信"]))
    return customer.id


def test_create_defaults_probability_by_stage_and_scopes_by_owner(store: Store, customer_id: int) -> None:
    repository = OpportunityRepository(store)
    first = repository.create(REP, customer_id=customer_id, title="扩容", amount=Decimal("2000000"), currency="CNY",
                              expected_close=date(2027, 3, 31))  # fmt: skip
    assert (first.stage, first.probability, first.customer_name) == ("lead", 10, "华信科技")
    assert first.weighted == Decimal("200000")
    second = repository.create(REP, customer_id=customer_id, title="二期", amount=Decimal("5000000"), currency="CNY",
                               stage="negotiation", probability=60)  # fmt: skip
    assert (second.stage, second.probability) == ("negotiation", 60)
    assert repository.get(first.id, user_id=REP).title == "扩容"
    assert repository.get(first.id, user_id=None).id == first.id  # admins see all
    with pytest.raises(OpportunityNotFound):
        repository.get(first.id, user_id=OTHER)
    assert repository.list_open(user_id=OTHER) == []
    with pytest.raises(InvalidOpportunity, match="unknown stage 'closing'"):
        repository.create(REP, customer_id=customer_id, title="x", stage="closing")
    with pytest.raises(InvalidOpportunity, match="0 to 100"):
        repository.create(REP, customer_id=customer_id, title="x", probability=120)


def test_update_stage_probability_amount_close_and_lost_reason(store: Store, customer_id: int) -> None:
    repository = OpportunityRepository(store)
    opportunity = repository.create(REP, customer_id=customer_id, title="扩容", amount=Decimal("2000000"), currency="CNY")
    moved = repository.update(opportunity.id, user_id=REP, stage="negotiation")
    assert (moved.stage, moved.probability) == ("negotiation", 75)  # the stage's default
    tuned = repository.update(opportunity.id, user_id=REP, probability=60, amount=Decimal("2500000"),
                              expected_close=date(2027, 6, 30))  # fmt: skip
    assert (tuned.probability, tuned.amount, tuned.expected_close) == (60, Decimal("2500000"), date(2027, 6, 30))
    with pytest.raises(OpportunityNotFound):
        repository.update(opportunity.id, user_id=OTHER, stage="won")
    lost = repository.update(opportunity.id, user_id=REP, stage="lost", lost_reason="输给了友商")
    assert (lost.stage, lost.probability, lost.lost_reason) == ("lost", 0, "输给了友商")
    assert repository.list_open(user_id=REP) == []  # lost is closed


def test_open_by_stage_and_weighted_total(store: Store, customer_id: int) -> None:
    repository = OpportunityRepository(store)
    repository.create(REP, customer_id=customer_id, title="a", amount=Decimal("2000000"), currency="CNY")  # lead 10%
    repository.create(REP, customer_id=customer_id, title="b", amount=Decimal("1200000"), currency="CNY", stage="negotiation")
    repository.create(REP, customer_id=customer_id, title="c", amount=Decimal("120000"), currency="USD", stage="proposal")
    repository.create(REP, customer_id=customer_id, title="d", stage="lead")  # no amount
    repository.create(REP, customer_id=customer_id, title="e", amount=Decimal("9"), currency="CNY", stage="won")
    repository.create(OTHER, customer_id=customer_id, title="f", amount=Decimal("7000000"), currency="CNY")
    grouped = repository.by_stage(user_id=REP)
    assert list(grouped) == ["lead", "proposal", "negotiation"]
    assert [o.title for o in grouped["lead"]] == ["a", "d"]
    summary = repository.summary(user_id=REP)
    assert summary.count == 4
    assert summary.weighted == {"CNY": Decimal("200000") + Decimal("900000"), "USD": Decimal("60000")}
    assert summary.amounts == {"CNY": Decimal("3200000"), "USD": Decimal("120000")}
    assert [(t.stage, t.count) for t in summary.stages] == [("lead", 2), ("proposal", 1), ("negotiation", 1)]
    assert repository.summary(user_id=None).count == 5


# reading notes -------------------------------------------------------------------------------


def read(text: str, now: datetime = NOV_30) -> list[tuple]:
    return [(f"{o.amount:f}" if o.amount is not None else None, o.currency, o.close_month, o.stage)
            for o in find_opportunities(normalize(text), now=now)]  # fmt: skip


def test_budget_and_expansion_next_quarter() -> None:
    assert read("预算大概200万，下季度要扩容") == [("2000000", "CNY", "2027-03", None)]


def test_seats_in_q2_for_dollars() -> None:
    assert read("they plan to buy 500 seats in Q2, about $120k") == [("120000", "USD", "2027-06", None)]


@pytest.mark.parametrize(
    "text",
    [
        "客户说我们太贵了，友商只要150万",  # a competitor's price
        "他们要打八五折 不然就换供应商",  # a discount asked
        "Oracle quoted them 80 thousand dollars less and they want 10% off",
        "上个月那笔120万的款已经付了 发票也开了",  # an amount paid
        "Initech confirmed they paid the $45,000 invoice last Friday",
        "按合同扣了我们违约金5万 这事算结了",  # a penalty
        "their annual maintenance fee went up by 200k and they're unhappy",  # a price complaint
        "去年IT投入大概两千万 还没有具体的计划",  # past spend
        "今天见了王总 聊得不错 下周三再约",  # nothing about money
        "Met Acme's procurement lead, Tom. He asked for a 10% discount.",  # a person's role, not a sales lead
        "北辰软件 刘工说系统昨晚宕机了 十万火急 今晚十点前必须恢复",  # an idiom, not 100,000 yuan
    ],
)
def test_money_that_is_not_an_opportunity(text: str) -> None:
    assert read(text) == []


def test_a_new_lead_and_a_count_beside_the_budget() -> None:
    assert read("Acme: new lead from their Shanghai office") == [(None, None, None, "lead")]
    assert read("明年要上一万个账号 预算三百万", datetime(2026, 12, 2, tzinfo=SHANGHAI)) == [
        ("3000000", "CNY", "2027-12", None)]  # fmt: skip


def test_a_title_is_not_the_person_who_said_it() -> None:
    [opportunity] = find_opportunities(normalize("远大物流李总 说预算批不下来"), now=NOV_30)
    assert opportunity.title == "预算批不下来"
    [opportunity] = find_opportunities(normalize("李总 说万一下个月预算批不下来 就只能明年了"), now=NOV_30)
    assert opportunity.title == "预算批不下来"
    [opportunity] = find_opportunities(normalize("华信科技王经理说他们12月18号开标，我们12月15号前把标书准备好"), now=NOV_30)
    assert opportunity.title == "开标"


@pytest.mark.parametrize(
    "note", ["他们对移动销售终端很感兴趣，要30台，让我周四前报个价", "老板讲设备都很好用，还想再订两台", "电话里聊了 要50台终端"]
)
def test_a_count_wanted_is_an_opportunity(note: str) -> None:
    assert len(find_opportunities(normalize(note), now=NOV_30)) == 1


@pytest.mark.parametrize(
    "note", ["他们三月份就要用 我们说最快要两个半月", "她担心上了以后前台要两套系统来回切", "恒通电子的采购王磊说我们的交货太慢了",
             "他们想要一个验证方案"]
)
def test_a_duration_a_worry_or_a_buyer_is_no_opportunity(note: str) -> None:
    record = parse_note(note, now=NOV_30, customers=[CustomerRef(id=1, name="恒通电子")])
    assert record.opportunities == []


def test_a_deal_gone_to_a_rival_in_plain_words_is_lost() -> None:
    [opportunity] = parse_note("华信科技那边的项目黄了，被华为抢了，主要是价格", now=NOV_30,
                               customers=[CustomerRef(id=1, name="华信科技")]).opportunities  # fmt: skip
    assert (opportunity.title, opportunity.stage, opportunity.lost_reason) == ("项目", "lost", "被华为抢了 主要是价格")


def test_english_counts_wanted_and_deals_gone_to_a_rival() -> None:
    [wanted] = find_opportunities("Acme wants 30 more tablets, asked for a quote by Thursday.", now=NOV_30)
    assert wanted.title == "30 more tablets"
    assert find_opportunities("Acme wants 30 minutes with our CTO", now=NOV_30) == []
    [lost] = find_opportunities("Initech deal fell through, they went with Oracle because of price.", now=NOV_30)
    assert (lost.stage, lost.lost_reason) == ("lost", "to Oracle because of price")
    [traditional] = parse_note("遠大物流的項目黃了，被華為搶走了", now=NOV_30, customers=[CustomerRef(id=1, name="远大物流")]).opportunities
    assert (traditional.stage, traditional.lost_reason) == ("lost", "被華為搶走")  # quoted as typed


def test_a_department_that_speaks_still_buys() -> None:
    [opportunity] = parse_note("他们采购说明年要采购一批扫码枪，预算五十万", now=NOV_30, customers=[]).opportunities
    assert (opportunity.title, opportunity.amount) == ("采购一批扫码枪", Decimal(500000))


def test_a_title_is_not_the_contact_named_in_the_note() -> None:
    record = parse_note("今天见了远大物流采购部李娜，她说预算还没批，下个月中旬再联系", now=NOV_30,
                        customers=[CustomerRef(id=1, name="远大物流")])  # fmt: skip
    assert [c.name for c in record.contacts] == ["李娜"]
    assert [o.title for o in record.opportunities] == ["预算还没批"]


def test_the_tenders_month_closes_a_deal_said_for_next_year() -> None:
    [opportunity] = find_opportunities(normalize("他们明年有个一百多万的项目 三月份招标"), now=NOV_30)
    assert (opportunity.title, opportunity.amount, opportunity.expected_close) == ("项目", Decimal(1000000), date(2027, 3, 31))


def test_a_planned_signing_with_its_value_closes_that_month() -> None:
    assert read("Sarah said they will sign the contract end of January, 150k USD") == [("150000", "USD", "2027-01", None)]


def test_periods_map_to_their_last_month() -> None:
    assert read("新仓库明年上半年要上WMS 预算三百五十万左右", datetime(2026, 12, 2, tzinfo=SHANGHAI)) == [
        ("3500000", "CNY", "2027-06", None)]  # fmt: skip
    assert read("博远 新校区要上一套智慧教室 预算一百五十万 他们说年内要定", datetime(2027, 2, 24, tzinfo=SHANGHAI)) == [
        ("1500000", "CNY", "2027-12", None)]  # fmt: skip
    assert read("Q4 budget of 2 million RMB for the new line")[0][2] == "2026-12"  # the current quarter counts
    assert read("他们十二月开标 门禁改造 大概三百万")[0][2] == "2026-12"


def test_contract_end_is_not_the_close_unless_tied_to_it() -> None:
    when = datetime(2027, 3, 2, tzinfo=SHANGHAI)
    assert read("合同3月15号到期 他们要续 还想加两条产线的授权 大概四十万", when) == [("400000", "CNY", None, None)]
    assert read("他们现在用的是友商的系统 合同明年6月到期 到时候想换 预算大概两百万", datetime(2026, 12, 31, tzinfo=SHANGHAI)) == [
        ("2000000", "CNY", "2027-06", None)]  # fmt: skip
    assert read("他们跟我们的合同明年3月到期 想提前聊续约的事") == []  # a plain renewal


def test_stages_when_said() -> None:
    assert read("瑞丰银行那个核心系统的项目 丢了 输给了友商 嗯 大概八百万的单子") == [("8000000", "CNY", None, "lost")]
    assert read("海岳电力 中标了 配网监测项目 六百八十万 合同昨天签的", datetime(2027, 3, 25, tzinfo=SHANGHAI)) == [
        ("6800000", "CNY", "2027-03", "won")]  # fmt: skip
    assert read("new prospect Northwind just a lead for now they might need 200 seats next year", datetime(2026, 11, 12, tzinfo=SHANGHAI)) == [
        (None, None, "2027-12", "lead")]  # fmt: skip
    [found] = find_opportunities("lost Ruifeng Bank to Oracle on price, the 5 million core banking deal", now=NOV_30)
    assert (found.stage, found.amount, found.currency, found.lost_reason) == ("lost", Decimal("5000000"), None, "to Oracle on price")
    [found] = find_opportunities("Acme - lost the Shenzhen plant deal to Siemens on price, around 80k USD", now=NOV_30)
    assert (found.stage, found.amount, found.lost_reason) == ("lost", Decimal(80000), "to Siemens on price")


def test_two_opportunities_in_one_note() -> None:
    text = "东方明珠物业 园区集中采购 有两块 一个是门禁系统 大概九十万 下个月招标 另一个是停车场 预算还没批 明年下半年"
    assert read(text, datetime(2027, 2, 8, tzinfo=SHANGHAI)) == [("900000", "CNY", "2027-03", None), (None, None, "2028-12", None)]


# the visit record, corrections and Save ------------------------------------------------------


def test_old_stored_records_load_without_opportunities() -> None:
    record = parse_note("今天拜访了华信科技王经理", now=NOV_30)
    stored = record.model_dump(mode="json")
    del stored["opportunities"]
    assert VisitRecord.model_validate(stored).opportunities == []


def test_not_an_opportunity_correction(store: Store, customer_id: int) -> None:
    customers = CustomerRepository(store)
    record = parse_note("华信科技 预算大概200万 下季度要扩容", now=NOV_30, customers=customers.index())
    assert len(record.opportunities) == 1
    for words in ("不是商机", "no opportunity"):
        corrected, field = apply_correction(record, words, customers=customers, now=NOV_30, zone=SHANGHAI,
                                            default_time=datetime.min.time())  # fmt: skip
        assert (corrected.opportunities, field) == ([], "opportunities")


def test_save_creates_the_opportunity_in_the_same_transaction(store: Store, customer_id: int) -> None:
    customers = CustomerRepository(store)
    visits = VisitRepository(store, customers, FollowupRepository(store))
    note_id = visits.add_raw_note(REP, "华信科技 预算大概200万 下季度要扩容")
    record = parse_note("华信科技 预算大概200万 下季度要扩容", now=NOV_30, customers=customers.index())
    visits.set_record(note_id, record)
    saved = visits.save(note_id, user_id=REP)
    [opportunity] = visits.opportunities.for_visit(saved.visit_id)
    assert saved.opportunity_ids == [opportunity.id]
    assert (opportunity.user_id, opportunity.customer_id, opportunity.source_visit_id) == (REP, customer_id, saved.visit_id)
    assert (opportunity.amount, opportunity.currency, opportunity.expected_close) == (Decimal("2000000"), "CNY", date(2027, 3, 31))
    assert (opportunity.stage, opportunity.probability, opportunity.title) == ("lead", 10, "扩容")

    broken = record.model_copy(update={"opportunities": [record.opportunities[0].model_copy(update={"amount": Decimal("-1")})]})
    second = visits.add_raw_note(REP, "again")
    with pytest.raises(InvalidOpportunity):
        visits.save(second, user_id=REP, record=broken)
    assert store.db.execute("select count(*) from visits").fetchone()[0] == 1  # rolled back with the visit
    assert visits.get_raw_note(second).status == "draft"


@pytest.mark.parametrize(
    ("words", "month"),
    [("年中要定", "2027-06"), ("明年年初采购", "2027-03"), ("半年内上线", "2027-06"), ("下下个月招标", "2027-02"),
     ("下半年招标", "2026-12"), ("明年3月份招标", "2027-03"), ("early next year", "2027-03"), ("by the end of next quarter", "2027-03")],
)
def test_more_close_periods(words: str, month: str) -> None:
    said = datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI)
    assert read(f"预算100万 {words}" if not words.isascii() else f"budget 100k USD, {words}", said)[0][2] == month


@pytest.mark.parametrize(
    ("note", "title"),
    [
        ("met Acme's CFO today, they want to add 50 seats of the Pro plan, budget around 200k", "50 seats of the Pro plan"),
        ("we could sell them 30 licenses of the analytics module by March worth 90k", "30 licenses of the analytics module"),
        ("spoke w/ their IT director Mike Chen, they're evaluating us vs Salesforce, decision end of Q1, ~200 seats", "200 seats"),
    ],
)
def test_an_english_seat_count_names_what_it_is_for(note: str, title: str) -> None:
    [opportunity] = find_opportunities(note, now=datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI))
    assert opportunity.title == title
