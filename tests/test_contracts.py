"""Contracts: the repository (scoped by owner), the file import, and renewal reminders as follow-up rows."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
from click.testing import CliRunner

from bot.cli.contracts import contracts
from bot.cli.users import users as users_command
from bot.settings import SettingsError, load_settings
from crm.contracts import ContractNotFound, ContractRepository, InvalidContract, parse_offsets
from crm.customer_import import CustomerInput
from crm.customers import CustomerRepository
from crm.followups.reminders import ReminderService
from crm.followups.repository import FollowupRepository
from crm.store import Store
from crm.users import UserRepository

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
REP, OTHER, ADMIN = 2, 3, 1


@pytest.fixture
def store() -> Store:
    store = Store.open(":memory:")
    users = UserRepository(store)
    for user_id, role in ((REP, "rep"), (OTHER, "rep"), (ADMIN, "admin")):
        users.upsert(user_id, name=f"u{user_id}", role=role, timezone_name="Asia/Shanghai", registered_via="allowlist")  # type: ignore[arg-type]
    users.update(OTHER, timezone="Europe/Berlin")
    customers = CustomerRepository(store)
    customers.upsert(CustomerInput(name="华信科技", aliases=["华信"], owner_id=REP))
    customers.upsert(CustomerInput(name="远大物流"))
    return store


@pytest.fixture
def repository(store: Store) -> ContractRepository:
    return ContractRepository(store, FollowupRepository(store), UserRepository(store), default_time=time(9, 0))


def _customer_id(store: Store, name: str) -> int:
    return CustomerRepository(store).find_by_name(name).id  # type: ignore[union-attr]


def _reminders(store: Store, contract_id: int, status: str = "open") -> list[tuple[str, int, str]]:
    rows = store.db.query(
        "select kind, offset_days, due_utc from followups where contract_id = ? and status = ? order by due_utc",
        [contract_id, status],
    )
    return [(row["kind"], row["offset_days"], row["due_utc"]) for row in rows]


def test_offsets_setting() -> None:
    assert parse_offsets("90,60,30,7") == (90, 60, 30, 7)
    assert parse_offsets("7, 30 ,30") == (30, 7)
    with pytest.raises(ValueError, match="'x'"):
        parse_offsets("30,x")
    with pytest.raises(SettingsError, match=r"^Invalid setting KAM_RENEWAL_OFFSETS: 'x' is not a whole number of days$"):
        load_settings(_env_file=None, renewal_offsets="30,x")
    with pytest.raises(SettingsError, match=r"^Invalid setting KAM_CASE_TARGETS: no target for low$"):
        load_settings(_env_file=None, case_targets="urgent=4h,high=1d,normal=3d")


def test_reminders_at_each_offset_not_past_in_the_owner_zone(store: Store, repository: ContractRepository) -> None:
    contract = repository.create(REP, customer_id=_customer_id(store, "华信科技"), number="HT-1",
                                 end=date(2026, 12, 30), notice_days=10, now=NOW)  # fmt: skip
    # end 12-30: 90 and 60 days before are past; notice date 12-20: 30 days before is past too
    assert _reminders(store, contract.id) == [
        ("renewal_end", 30, "2026-11-30T02:00:00+00:00"),  # today, 09:00 has passed: now
        ("renewal_notice", 7, "2026-12-13T01:00:00+00:00"),
        ("renewal_end", 7, "2026-12-23T01:00:00+00:00"),
    ]
    first = repository.pending_reminders(contract.id)[0]
    assert first.text == "续约提醒：华信科技合同HT-1将于2026-12-30到期（还有30天）"
    # created again (a re-import, a second process): nothing new
    assert repository.schedule_reminders(contract, now=NOW) == []
    assert len(_reminders(store, contract.id)) == 3


def test_berlin_owner_gets_nine_o_clock_berlin(store: Store, repository: ContractRepository) -> None:
    contract = repository.create(OTHER, customer_id=None, number="B-1", end=date(2027, 1, 10), now=NOW)
    assert _reminders(store, contract.id) == [
        ("renewal_end", 30, "2026-12-11T08:00:00+00:00"),
        ("renewal_end", 7, "2027-01-03T08:00:00+00:00"),
    ]


def test_renewed_cancels_pending_and_schedules_the_new_end(store: Store, repository: ContractRepository) -> None:
    contract = repository.create(REP, customer_id=None, number="HT-2", end=date(2027, 1, 31), now=NOW)
    assert [r[1] for r in _reminders(store, contract.id)] == [60, 30, 7]
    renewed = repository.renew(contract.id, user_id=REP, end=date(2028, 1, 31), now=NOW)
    assert renewed.status == "renewed" and renewed.end == date(2028, 1, 31)
    assert len(_reminders(store, contract.id, "cancelled")) == 3
    assert [(r[1], r[2][:10]) for r in _reminders(store, contract.id)] == [
        (90, "2027-11-02"), (60, "2027-12-02"), (30, "2028-01-01"), (7, "2028-01-24")]  # fmt: skip
    closed = repository.close(contract.id, user_id=REP, now=NOW)
    assert closed.status == "closed" and _reminders(store, contract.id) == []


def test_scope_and_checks(store: Store, repository: ContractRepository) -> None:
    contract = repository.create(REP, customer_id=None, number="HT-3", start=date(2026, 1, 1), end=date(2026, 12, 31),
                                 amount=Decimal("120000"), currency="CNY", now=NOW)  # fmt: skip
    with pytest.raises(ContractNotFound):
        repository.get(contract.id, user_id=OTHER)
    with pytest.raises(ContractNotFound):
        repository.renew(contract.id, user_id=OTHER, end=date(2027, 12, 31), now=NOW)
    assert [c.number for c in repository.list(user_id=None)] == ["HT-3"]
    assert repository.list(user_id=OTHER) == []
    with pytest.raises(InvalidContract, match="before start"):
        repository.create(REP, customer_id=None, start=date(2027, 1, 2), end=date(2027, 1, 1))


def test_reminder_rows_are_sent_by_the_reminder_service(store: Store, repository: ContractRepository) -> None:
    contract = repository.create(REP, customer_id=None, number="HT-4", end=date(2026, 12, 30), now=NOW)
    service = ReminderService(store, UserRepository(store))
    due = service.due_ids()
    pending = {f.id for f in repository.pending_reminders(contract.id)}
    assert set(due) <= pending and due  # the 30-day one was due on Nov 30 2026, already past in real time


CSV = (
    "number,customer,title,start,end,amount,currency,auto_renew,notice_days,owner\n"
    "HT-001,华信科技,运维服务,2026-01-01,2027-03-31,\"120,000\",CNY,yes,30,\n"
    "HT-002,华信,许可,2026-05-01,2026-04-01,10,CNY,no,,\n"
    "HT-003,不存在公司,许可,2026-01-01,2027-01-01,10,CNY,no,,\n"
    "HT-004,远大物流,许可,2026-01-01,2027-01-01,abc,CNY,no,,\n"
    "HT-005,远大物流,许可,2026-01-01,2027-01-01,10,CNY,no,,\n"
    "HT-006,远大物流,许可,2026/1/1,2027/6/30,10,USD,no,,3\n"
)


def test_import_reports_bad_rows_by_line_and_reimport_updates(store: Store, repository: ContractRepository,
                                                             tmp_path: Path) -> None:  # fmt: skip
    path = tmp_path / "contracts.csv"
    path.write_text(CSV, encoding="utf-8")
    report = repository.import_file(path, CustomerRepository(store), now=NOW)
    assert (report.created, report.updated) == (2, 0)
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "end 2026-04-01 is before start 2026-05-01"),
        (4, "unknown customer '不存在公司'"),
        (5, "amount 'abc' is not a number"),
        (6, "needs an owner: no owner column and 远大物流 has no owner"),
    ]
    first = repository.find_by_number("HT-001")
    assert first is not None and (first.user_id, first.amount, first.auto_renew, first.notice_days) == (
        REP, Decimal("120000"), True, 30)  # fmt: skip
    assert repository.find_by_number("HT-006").user_id == OTHER  # type: ignore[union-attr]
    before = _reminders(store, first.id)
    again = repository.import_file(path, CustomerRepository(store), now=NOW)
    assert (again.created, again.updated) == (0, 2)
    assert _reminders(store, first.id) == before


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> click.Group:
    monkeypatch.setenv("KAM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KAM_CUSTOMERS_FILE", "")
    monkeypatch.setenv("KAM_EMBEDDER", "hashing")

    @click.group()
    def kam() -> None:
        """Test group holding the commands under test."""

    kam.add_command(contracts)
    kam.add_command(users_command)
    return kam


def test_cli_import_then_list_with_reminders(cli: click.Group, tmp_path: Path) -> None:
    from bot.assistant import build_assistant
    from bot.settings import load_settings

    assistant = build_assistant(load_settings())
    assistant.users.upsert(REP, name="rep", role="rep", timezone_name="Asia/Shanghai", registered_via="operator")
    assistant.customers.upsert(CustomerInput(name="华信科技", owner_id=REP))
    assistant.store.close()
    end = (datetime.now(UTC).astimezone(SHANGHAI).date()).toordinal() + 30
    path = tmp_path / "k.csv"
    path.write_text(f"number,customer,end\nHT-9,华信科技,{date.fromordinal(end)}\nHT-8,华信科技,2020-13-01\n",
                    encoding="utf-8")  # fmt: skip
    runner = CliRunner()
    result = runner.invoke(cli, ["contracts", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "line 3: end '2020-13-01' is not a date (use 2027-03-31)" in result.output
    assert "1 created, 0 updated, 1 bad row(s)" in result.output
    listing = runner.invoke(cli, ["contracts", "list", "--user", str(REP), "--json"])
    data = json.loads(listing.output)
    [item] = data["contracts"]
    assert item["number"] == "HT-9" and item["end"] == date.fromordinal(end).isoformat()
    assert [r["kind"] for r in item["reminders"]] == ["renewal_end", "renewal_end"]
    assert [r["due"][:10] for r in item["reminders"]] == [
        date.fromordinal(end - 30).isoformat(), date.fromordinal(end - 7).isoformat()]  # fmt: skip
    bad = runner.invoke(cli, ["contracts", "list", "--user", "777"])
    assert bad.exit_code != 0 and "no user 777" in bad.output
    headless = tmp_path / "bad.csv"
    headless.write_text("foo,bar\n1,2\n", encoding="utf-8")
    refused = runner.invoke(cli, ["contracts", "import", str(headless)])
    assert refused.exit_code == 1 and "Error: the first row must be a header with customer and number columns" in refused.output
    assert "Traceback" not in refused.output


def test_xlsx_import_reads_date_cells(store: Store, repository: ContractRepository, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["合同编号", "客户", "开始日期", "到期日", "金额", "负责人"])
    sheet.append(["X-1", "华信科技", datetime(2026, 1, 1), datetime(2027, 3, 31), 120000.0, None])
    sheet.append(["X-2", "华信科技", datetime(2026, 1, 1), datetime(2025, 3, 31), 1.0, None])
    path = tmp_path / "contracts.xlsx"
    workbook.save(path)
    report = repository.import_file(path, CustomerRepository(store), now=NOW)
    assert report.created == 1 and [(e.line, e.message) for e in report.errors] == [
        (3, "end 2025-03-31 is before start 2026-01-01")]  # fmt: skip
    contract = repository.find_by_number("X-1")
    assert contract is not None and (contract.end, contract.amount, contract.user_id) == (date(2027, 3, 31), Decimal("120000"), REP)
