"""VisitRepository (raw notes, atomic save, scoped queries), drafts and corrections, past periods."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crm.customers import CustomerRepository
from crm.followups.repository import FollowupRepository
from crm.parsing.amounts import Amount, format_amount
from crm.parsing.contacts import Contact
from crm.parsing.periods import period_in
from crm.profiles import ProfileService
from crm.store import Store
from crm.users import UserRepository
from crm.visits.corrections import CorrectionNotUnderstood, apply_correction, parse_contacts
from crm.visits.record import Objection, PlannedFollowup, VisitRecord
from crm.visits.recording import NoteTaker
from crm.visits.repository import NoteAlreadyClosed, RawNoteNotFound, VisitRepository

FIXTURES = Path(__file__).parent / "fixtures"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)  # a Wednesday
NINE = time(9, 0)


@pytest.fixture
def customers(store: Store) -> CustomerRepository:
    repository = CustomerRepository(store)
    repository.import_file(FIXTURES / "customers.csv")
    for user_id in (1, 2):
        UserRepository(store).upsert(user_id, timezone_name="Asia/Shanghai", registered_via="allowlist")
    return repository


@pytest.fixture
def visits(store: Store, customers: CustomerRepository) -> VisitRepository:
    return VisitRepository(store, customers, FollowupRepository(store))


def parse_draft(text: str, *, now: datetime, zone: ZoneInfo, customers: CustomerRepository, default_time: time) -> VisitRecord:
    visits = VisitRepository(customers.store, customers, FollowupRepository(customers.store))
    return NoteTaker(visits, customers, default_time=default_time).read(text, now=now, zone=zone)


def draft_for(customers: CustomerRepository, name: str, day: date, *, category: str = "price") -> VisitRecord:
    customer = customers.find_by_name(name)
    assert customer is not None
    return VisitRecord(
        visit_date=day,
        contacts=[Contact(name="王经理", title="经理", department="采购部")],
        objections=[Objection(category=category, text="嫌贵", amount="-20%")],
        followups=[PlannedFollowup(due=datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI), text="再约技术交流", has_time=True)],
    ).with_customer(customer)


def save(visits: VisitRepository, draft: VisitRecord, *, user_id: int) -> int:
    note_id = visits.add_raw_note(user_id, "note text", received_at=NOW)
    visits.set_record(note_id, draft)
    return visits.save(note_id, user_id=user_id).visit_id


def test_raw_note_survives_a_failed_outer_transaction(store: Store, visits: VisitRepository) -> None:
    note_id = visits.add_raw_note(1, "今天见了王经理", received_at=NOW)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.db["raw_notes"].update(note_id, {"parsed": "{}"})
            raise RuntimeError("parser crashed")
    note = visits.get_raw_note(note_id, user_id=1)
    assert note.text == "今天见了王经理" and note.status == "draft" and note.record is None
    assert note.received_at == datetime(2026, 11, 18, 2, 0, tzinfo=ZoneInfo("UTC"))
    with pytest.raises(RawNoteNotFound):
        visits.get_raw_note(note_id, user_id=2)


def test_save_writes_everything_and_only_once(store: Store, customers: CustomerRepository, visits: VisitRepository) -> None:
    draft = draft_for(customers, "华信科技", date(2026, 11, 18))
    note_id = visits.add_raw_note(1, "note", received_at=NOW)
    visits.set_record(note_id, draft)
    saved = visits.save(note_id, user_id=1)
    visit = visits.get(saved.visit_id)
    assert visit.customer_name == "华信科技" and visit.objections[0].amount == "-20%"
    assert "王经理" in visit.summary and "11-25 15:00" in visit.summary
    assert [c.name for c in customers.contacts(draft.customer_id or 0, user_id=1)] == ["王经理"]
    [followup] = visits.followups.open_for_customer(draft.customer_id or 0, user_id=1)
    assert followup.id == saved.followup_ids[0] and followup.due == datetime(2026, 11, 25, 7, 0, tzinfo=ZoneInfo("UTC"))
    with pytest.raises(NoteAlreadyClosed):
        visits.save(note_id, user_id=1)
    with pytest.raises(NoteAlreadyClosed):
        visits.discard(note_id, user_id=1)


def test_queries_are_scoped_to_the_rep(customers: CustomerRepository, visits: VisitRepository) -> None:
    save(visits, draft_for(customers, "华信科技", date(2026, 11, 10)), user_id=1)
    save(visits, draft_for(customers, "Acme Corp", date(2026, 11, 12), category="quality"), user_id=1)
    save(visits, draft_for(customers, "华信科技", date(2026, 11, 17)), user_id=2)
    huaxin = customers.find_by_name("华信科技")
    assert huaxin is not None
    assert [v.visit_date.day for v in visits.for_customer(huaxin.id, user_id=1)] == [10]
    assert [v.visit_date.day for v in visits.for_customer(huaxin.id, user_id=None)] == [17, 10]
    assert [v.customer_name for v in visits.between(date(2026, 11, 9), date(2026, 11, 15), user_id=1)] == [
        "Acme Corp", "华信科技"]  # fmt: skip
    assert [v.customer_name for v in visits.with_objection(("price",), user_id=1)] == ["华信科技"]
    assert len(visits.with_objection(("price",), user_id=None)) == 2
    assert visits.with_objection(("price",), user_id=1, since=date(2026, 11, 11)) == []
    profile = ProfileService(customers, visits, visits.followups, visits.opportunities, visits.contracts,
                             visits.cases).profile(huaxin, user_id=2)
    assert [v.user_id for v in profile.visits] == [2] and len(profile.followups) == 1
    assert profile.objections[0].visit_date == date(2026, 11, 17)


def test_parse_draft_resolves_homophones_and_drops_the_visit_itself(customers: CustomerRepository) -> None:
    text = "今天下午去了花信科技 见了采购部王经理 他们嫌报价太高 说竞争对手便宜两成 下周三下午三点再约技术交流"
    draft = parse_draft(text, now=NOW, zone=SHANGHAI, customers=customers, default_time=NINE)
    assert (draft.customer_name, draft.customer_status, draft.value_class) == ("华信科技", "auto", "IV")
    assert [(f.due, f.text) for f in draft.followups] == [(datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI), "再约技术交流")]
    unknown = parse_draft("去了明达机械 见了刘总", now=NOW, zone=SHANGHAI, customers=customers, default_time=NINE)
    assert unknown.customer_status == "unknown" and unknown.customer_said == "明达机械" and unknown.candidates == []


def test_parse_draft_in_another_time_zone(customers: CustomerRepository) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 11, 18, 2, 30, tzinfo=ZoneInfo("UTC"))  # 03:30 on Wednesday in Berlin
    draft = parse_draft("met Acme Corp's CFO Sarah, follow up tomorrow 3pm", now=now, zone=berlin,
                        customers=customers, default_time=NINE)  # fmt: skip
    assert draft.followups[0].due == datetime(2026, 11, 19, 15, 0, tzinfo=berlin)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Amount(value="0.2", text="便宜两成", kind="discount"), "-20%"),
        (Amount(value="0.15", text="百分之十五", kind="percent"), "15%"),
        (Amount(value="300000", currency="CNY", text="三十万", kind="money"), "300000 CNY"),
        (Amount(value="1.5", currency="USD", text="$1.5", kind="money"), "1.5 USD"),
    ],
)
def test_amounts_are_shown_compactly(amount: Amount, shown: str) -> None:
    assert format_amount(amount) == shown


def correct(draft: VisitRecord, text: str, customers: CustomerRepository) -> tuple[VisitRecord, str]:
    return apply_correction(draft, text, customers=customers, now=NOW, zone=SHANGHAI, default_time=NINE)


def test_corrections(customers: CustomerRepository) -> None:
    draft = draft_for(customers, "华信科技", date(2026, 11, 18))
    fixed, field = correct(draft, "客户是华新建材", customers)
    assert field == "customer" and fixed.customer_name == "华新建材" and fixed.value_class == "III"
    fixed, field = correct(draft, "customer is Acme", customers)
    assert fixed.customer_name == "Acme Corp"
    fixed, _ = correct(draft, "客户是华心", customers)
    assert fixed.customer_id is None and fixed.customer_status == "ambiguous" and len(fixed.candidates) == 2
    fixed, _ = correct(draft, "客户应该是明达机械", customers)
    assert fixed.customer_status == "unknown" and fixed.customer_said == "明达机械"
    fixed, field = correct(draft, "跟进改到周五下午", customers)
    assert field == "followups" and fixed.followups[0].due == datetime(2026, 11, 20, 14, 0, tzinfo=SHANGHAI)
    assert fixed.followups[0].text == "再约技术交流"
    fixed, _ = correct(draft, "改到下午四点", customers)  # keeps the day, changes the time
    assert fixed.followups[0].due == datetime(2026, 11, 25, 16, 0, tzinfo=SHANGHAI)
    fixed, _ = correct(draft, "follow up next Monday 10am", customers)
    assert fixed.followups[0].due == datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    fixed, field = correct(draft, "不用跟进", customers)
    assert field == "followups" and fixed.followups == []
    fixed, field = correct(draft, "拜访日期是昨天", customers)
    assert field == "visit_date" and fixed.visit_date == date(2026, 11, 17)
    fixed, field = correct(draft, "联系人是李总", customers)
    assert field == "contacts" and [(c.name, c.title) for c in fixed.contacts] == [("李总", "总")]
    with pytest.raises(CorrectionNotUnderstood):
        correct(draft, "好的谢谢", customers)


def test_new_followup_from_a_correction(customers: CustomerRepository) -> None:
    draft = draft_for(customers, "华信科技", date(2026, 11, 18)).model_copy(update={"followups": []})
    fixed, _ = correct(draft, "明天上午十点跟进报价", customers)
    [followup] = fixed.followups
    assert followup.due == datetime(2026, 11, 19, 10, 0, tzinfo=SHANGHAI) and "报价" in followup.text


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("采购部李总、张工", [("李总", "采购部"), ("张工", None)]),
        ("Sarah (CFO)", [("Sarah", None)]),
        ("Mr. Sun in IT", [("Mr. Sun", "IT")]),
    ],
)
def test_contacts_from_a_correction(said: str, expected: list[tuple[str, str | None]]) -> None:
    assert [(c.name, c.department) for c in parse_contacts(said)] == expected


def test_contact_title_in_parentheses() -> None:
    [sarah] = parse_contacts("Sarah (CFO)")
    assert sarah.title == "CFO"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("我上周拜访了哪些客户", date(2026, 11, 9), date(2026, 11, 15)),
        ("who did I visit last week?", date(2026, 11, 9), date(2026, 11, 15)),
        ("这周见了谁", date(2026, 11, 16), date(2026, 11, 18)),
        ("上个月拜访了哪些客户", date(2026, 10, 1), date(2026, 10, 31)),
        ("最近10天拜访了哪些", date(2026, 11, 9), date(2026, 11, 18)),
        ("昨天去了哪些客户", date(2026, 11, 17), date(2026, 11, 17)),
    ],
)
def test_periods(text: str, start: date, end: date) -> None:
    period = period_in(text, date(2026, 11, 18))
    assert period is not None and (period.start, period.end) == (start, end)
    assert period_in("哪些客户嫌贵", date(2026, 11, 18)) is None
