"""Contracts with a customer, and the renewal reminders each one gets.

A contract has an owner (the rep who renews it), a customer, a number (unique when known; a note
may record one without), a title, start and end dates, an amount in a currency, whether it renews
automatically, a notice period in days and a status (active, renewed, closed). Scope follows the
opportunities: every query takes `user_id`; `None` means all reps (admins).

Renewal reminders are ordinary follow-up rows (`followups.kind` = `renewal_end` or
`renewal_notice`, `followups.contract_id` set) that the existing ReminderService sends: one at each
offset (setting KAM_RENEWAL_OFFSETS, days) before the end and before the notice date (end minus
notice days), at the default reminder time in the owner's time zone. A unique index makes them
exist once per contract, kind, offset and date, so recording a contract again adds nothing.
Offsets whose day has passed are not created; one due today after its time is due at once. Renewing (a new end) or closing cancels what is pending;
renewing then creates the new end's reminders.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from crm.customer_import import CustomerFileError, RowError, _csv_records, _xlsx_records
from crm.customers import CustomerRepository
from crm.followups.repository import FollowUp, FollowupRepository
from crm.store import Store, utc_now_iso
from crm.users import UserNotFound, UserRepository

__all__ = ["Contract", "ContractNotFound", "ContractRepository", "ContractInput", "ContractImportReport",
           "InvalidContract", "parse_offsets", "read_contract_file", "DEFAULT_RENEWAL_OFFSETS"]

Status = Literal["active", "renewed", "closed"]
DEFAULT_RENEWAL_OFFSETS = (90, 60, 30, 7)
_UNSET: Any = object()


class ContractNotFound(LookupError):
    """No contract with that id (or number) for that user."""


class InvalidContract(ValueError):
    """A value a contract cannot take (an end before its start, a negative amount, …)."""


class Contract(BaseModel):
    """One contract as stored, with its customer's name for display."""

    id: int
    user_id: int
    customer_id: int | None = None
    customer_name: str | None = None
    number: str | None = None
    title: str | None = None
    start: date | None = None
    end: date | None = None
    amount: Decimal | None = None
    currency: str | None = None
    auto_renew: bool = False
    notice_days: int | None = None
    status: Status = "active"
    source_visit_id: int | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def notice_date(self) -> date | None:
        """The last day to give notice (end minus notice days), when both are known."""
        if self.end is None or not self.notice_days:
            return None
        return self.end - timedelta(days=self.notice_days)


class ContractInput(BaseModel):
    """One contract as a file row gives it (customer by name, owner by user id)."""

    number: str
    customer: str
    title: str | None = None
    start: date | None = None
    end: date | None = None
    amount: Decimal | None = None
    currency: str | None = None
    auto_renew: bool = False
    notice_days: int | None = None
    owner_id: int | None = None


class ContractImportReport(BaseModel):
    """What an import did: contracts created and updated, reminders added, and the rows refused."""

    created: int = 0
    updated: int = 0
    reminders: int = 0
    errors: list[RowError] = Field(default_factory=list)

    @property
    def imported(self) -> int:
        """Rows written: created plus updated."""
        return self.created + self.updated


def parse_offsets(text: str) -> tuple[int, ...]:
    """'90,60,30,7' -> (90, 60, 30, 7); ValueError names a bad part."""
    offsets = []
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(f"{part!r} is not a whole number of days")
        offsets.append(int(part))
    if not offsets:
        raise ValueError("give at least one number of days, like 90,60,30,7")
    return tuple(sorted(set(offsets), reverse=True))


class ContractRepository:
    """Contracts in SQLite and their renewal reminders. Writes join the caller's transaction."""

    def __init__(
        self,
        store: Store,
        followups: FollowupRepository,
        users: UserRepository,
        *,
        offsets: Sequence[int] = DEFAULT_RENEWAL_OFFSETS,
        default_time: time = time(9, 0),
    ):
        self.store = store
        self.followups = followups
        self.users = users
        self.offsets = tuple(offsets)
        self.default_time = default_time

    # writing -----------------------------------------------------------------------------------

    def create(
        self,
        user_id: int,
        *,
        customer_id: int | None,
        number: str | None = None,
        title: str | None = None,
        start: date | None = None,
        end: date | None = None,
        amount: Decimal | None = None,
        currency: str | None = None,
        auto_renew: bool = False,
        notice_days: int | None = None,
        status: Status = "active",
        source_visit_id: int | None = None,
        now: datetime | None = None,
    ) -> Contract:
        """A new contract and its renewal reminders, in one transaction."""
        _check(start, end, amount, notice_days)
        stamp = utc_now_iso()
        with self.store.transaction() as db:
            table = db["contracts"].insert(
                {"user_id": user_id, "customer_id": customer_id, "number": (number or "").strip() or None,
                 "title": title, "start": _day(start), "end": _day(end), "amount": _decimal_text(amount),
                 "currency": currency, "auto_renew": int(auto_renew), "notice_days": notice_days,
                 "status": status, "source_visit_id": source_visit_id, "created_at": stamp, "updated_at": stamp}
            )  # fmt: skip
            contract = self.get(int(table.last_pk))
            self.schedule_reminders(contract, now=now)
        return contract

    def update(self, contract_id: int, *, user_id: int | None, now: datetime | None = None, **fields: Any) -> Contract:
        """Change the given fields; a changed end or notice period replaces the pending reminders."""
        current = self.get(contract_id, user_id=user_id)
        allowed = {"customer_id", "number", "title", "start", "end", "amount", "currency", "auto_renew",
                   "notice_days", "status", "owner_id"}  # fmt: skip
        unknown = set(fields) - allowed
        if unknown:
            raise TypeError(f"unknown contract fields: {', '.join(sorted(unknown))}")
        if "owner_id" in fields:
            fields["user_id"] = fields.pop("owner_id")
        merged = current.model_copy(update=fields)
        _check(merged.start, merged.end, merged.amount, merged.notice_days)
        changes = {key: _stored(value) for key, value in fields.items()}
        if not changes:
            return current
        changes["updated_at"] = utc_now_iso()
        moment = now or datetime.now(UTC)
        with self.store.transaction() as db:
            db["contracts"].update(contract_id, changes)
            updated = self.get(contract_id)
            timing = (current.end, current.notice_days, current.user_id, current.status)
            if timing != (updated.end, updated.notice_days, updated.user_id, updated.status):
                self.followups.cancel_reminders(contract_id=contract_id, now=moment)
                self.schedule_reminders(updated, now=moment)
        return updated

    def renew(self, contract_id: int, *, user_id: int | None, end: date, now: datetime | None = None) -> Contract:
        """Renewed until `end`: pending reminders are cancelled and the new end's are created."""
        return self.update(contract_id, user_id=user_id, end=end, status="renewed", now=now)

    def close(self, contract_id: int, *, user_id: int | None, now: datetime | None = None) -> Contract:
        """Closed (not renewed): pending reminders are cancelled."""
        return self.update(contract_id, user_id=user_id, status="closed", now=now)

    def schedule_reminders(self, contract: Contract, *, now: datetime | None = None) -> list[int]:
        """Create the contract's renewal reminders not yet created and not yet past; their ids."""
        if contract.status == "closed" or contract.end is None:
            return []
        moment = now or datetime.now(UTC)
        try:
            owner = self.users.get(contract.user_id)
            zone, language = owner.zone, owner.language or "zh"
        except UserNotFound:
            return []
        created = []
        anchors = [("renewal_end", contract.end)]
        if contract.notice_date is not None:
            anchors.append(("renewal_notice", contract.notice_date))
        for kind, anchor in anchors:
            for offset in self.offsets:
                day = anchor - timedelta(days=offset)
                if day < moment.astimezone(zone).date():
                    continue
                due = max(datetime.combine(day, self.default_time, tzinfo=zone), moment)  # today, time past: now
                text = _reminder_text(contract, kind, anchor, offset, language)
                found = self.followups.create_reminder(
                    contract.user_id, text, due, kind=kind, customer_id=contract.customer_id,
                    contract_id=contract.id, offset_days=offset, anchor=anchor.isoformat(),
                )  # fmt: skip
                if found is not None:
                    created.append(found)
        return created

    def record_from_note(
        self, user_id: int, *, customer_id: int, number: str | None, end: date | None, event: str,
        source_visit_id: int | None = None, now: datetime | None = None,
    ) -> Contract:
        """What a saved note said about a contract: an end date, a renewal or a signing.

        The contract is the one with the number said, else (expiring, renewed) the customer's latest
        open contract of this rep, else a new one without a number. A renewal with a new end
        replaces the pending reminders; an end date said creates its reminders.
        """
        existing = self.find_by_number(number, user_id=user_id) if number else None
        if existing is None and not number and event != "signed":
            existing = self.latest_for_customer(customer_id, user_id=user_id)
        if existing is None:
            taken = bool(number) and self.find_by_number(number or "") is not None  # another rep's number: not reused
            return self.create(user_id, customer_id=customer_id, number=None if taken else number, end=end,
                               status="renewed" if event == "renewed" else "active",
                               source_visit_id=source_visit_id, now=now)  # fmt: skip
        if event == "renewed":
            if end is None:
                return self.update(existing.id, user_id=user_id, status="renewed", now=now)
            return self.renew(existing.id, user_id=user_id, end=end, now=now)
        if end is not None and end != existing.end:
            start = existing.start if existing.start is None or existing.start <= end else None
            return self.update(existing.id, user_id=user_id, end=end, start=start, now=now)
        return existing

    def import_file(self, path: Path, customers: CustomerRepository, *, now: datetime | None = None) -> ContractImportReport:
        """Import a CSV/XLSX file: good rows in one transaction (re-import updates by number), bad rows reported."""
        rows, errors = read_contract_file(path)
        report = ContractImportReport(errors=errors)
        known_users = {row["id"] for row in self.store.db.query("select id from users")}
        with self.store.transaction():
            for line, data in rows:
                customer = customers.find_by_name(data.customer) or customers.lookup(data.customer)
                if customer is None:
                    report.errors.append(RowError(line=line, message=f"unknown customer {data.customer!r}"))
                    continue
                owner = data.owner_id if data.owner_id is not None else customer.owner_id
                if owner is None:
                    report.errors.append(RowError(
                        line=line, message=f"needs an owner: no owner column and {customer.name} has no owner"))  # fmt: skip
                    continue
                if owner not in known_users:
                    report.errors.append(RowError(line=line, message=f"owner {owner} is not a registered user"))
                    continue
                fields = {"customer_id": customer.id, "title": data.title, "start": data.start, "end": data.end,
                          "amount": data.amount, "currency": data.currency, "auto_renew": data.auto_renew,
                          "notice_days": data.notice_days}  # fmt: skip
                existing = self.find_by_number(data.number)
                if existing is None:
                    contract = self.create(owner, number=data.number, now=now, **fields)
                    report.created += 1
                else:
                    contract = self.update(existing.id, user_id=None, now=now, owner_id=owner, **fields)
                    report.updated += 1
                report.reminders += len(self.followups.open_reminders(contract_id=contract.id))
        report.errors.sort(key=lambda error: error.line)
        return report

    # reading -----------------------------------------------------------------------------------

    def get(self, contract_id: int, *, user_id: int | None = None) -> Contract:
        """One contract (scoped to `user_id` when given), or ContractNotFound."""
        found = self._select("k.id = ?", [contract_id], user_id=user_id)
        if not found:
            raise ContractNotFound(contract_id)
        return found[0]

    def find_by_number(self, number: str, *, user_id: int | None = None) -> Contract | None:
        """The contract with that number, or None."""
        found = self._select("k.number = ?", [number.strip()], user_id=user_id)
        return found[0] if found else None

    def list(self, *, user_id: int | None, customer_id: int | None = None, include_closed: bool = False) -> list[Contract]:
        """Contracts (of one customer, when given), soonest end first; closed ones only when asked."""
        where, params = "1 = 1", []
        if not include_closed:
            where += " and k.status <> 'closed'"
        if customer_id is not None:
            where += " and k.customer_id = ?"
            params.append(customer_id)
        found = self._select(where, params, user_id=user_id)
        return sorted(found, key=lambda c: (c.end or date.max, c.id))

    def latest_for_customer(self, customer_id: int, *, user_id: int | None) -> Contract | None:
        """The customer's open contract that ends last (the one a note means), or None."""
        found = self.list(user_id=user_id, customer_id=customer_id)
        return found[-1] if found else None

    def pending_reminders(self, contract_id: int) -> list[FollowUp]:
        """The contract's open renewal reminders, earliest first."""
        return self.followups.open_reminders(contract_id=contract_id)

    def _select(self, where: str, params: list[Any], *, user_id: int | None) -> list[Contract]:
        sql = f"select k.*, c.name as customer_name from contracts k left join customers c on c.id = k.customer_id where {where}"
        if user_id is not None:
            sql += " and k.user_id = ?"
            params = [*params, user_id]
        sql += " order by k.id desc"
        return [_from_row(row) for row in self.store.db.query(sql, params)]


# reading contract files -------------------------------------------------------------------------

_HEADERS = {
    "number": "number", "no": "number", "contract": "number", "contract number": "number", "合同号": "number",
    "合同编号": "number", "编号": "number",
    "customer": "customer", "客户": "customer", "客户名称": "customer", "name": "customer",
    "title": "title", "名称": "title", "合同名称": "title", "标题": "title",
    "start": "start", "start date": "start", "开始": "start", "开始日期": "start", "生效日期": "start",
    "end": "end", "end date": "end", "结束": "end", "结束日期": "end", "到期日": "end", "到期日期": "end",
    "amount": "amount", "金额": "amount", "合同金额": "amount",
    "currency": "currency", "币种": "currency", "货币": "currency",
    "auto_renew": "auto_renew", "auto renew": "auto_renew", "自动续约": "auto_renew", "自动续期": "auto_renew",
    "notice_days": "notice_days", "notice days": "notice_days", "notice": "notice_days", "通知期": "notice_days",
    "提前通知天数": "notice_days",
    "owner": "owner", "owner_id": "owner", "负责人": "owner",
}  # fmt: skip
_YES = {"yes", "y", "true", "1", "是", "自动", "auto"}
_NO = {"no", "n", "false", "0", "否", "", "不"}


def read_contract_file(path: Path) -> tuple[list[tuple[int, ContractInput]], list[RowError]]:
    """Read a .csv or .xlsx contract file into validated rows and per-line errors."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        records = _xlsx_records(path)
    elif suffix in (".csv", ".txt"):
        records = _csv_records(path)
    else:
        raise CustomerFileError(f"{path.name}: use a .csv or .xlsx file")
    rows: list[tuple[int, ContractInput]] = []
    errors: list[RowError] = []
    header: dict[int, str] | None = None
    for line, cells in records:
        if header is None:
            header = {i: _HEADERS.get(cell.strip().lstrip("\ufeff").lower(), "") for i, cell in enumerate(cells)}
            missing = {"number", "customer"} - set(header.values())
            if missing:
                raise CustomerFileError(f"the first row must be a header with {' and '.join(sorted(missing))} columns")
            continue
        if not any(cell.strip() for cell in cells):
            continue
        row = {header[i]: cells[i].strip() for i in header if header[i] and i < len(cells)}
        try:
            rows.append((line, contract_from_row(row)))
        except ValueError as error:
            errors.append(RowError(line=line, message=str(error)))
    if header is None:
        raise CustomerFileError(f"{path.name} is empty")
    return rows, errors


def contract_from_row(row: dict[str, str]) -> ContractInput:
    """A ContractInput from one row keyed by canonical column names; ValueError names the problem."""
    number, customer = row.get("number", ""), row.get("customer", "")
    if not number:
        raise ValueError("missing contract number")
    if not customer:
        raise ValueError("missing customer")
    start, end = _date_cell(row.get("start"), "start"), _date_cell(row.get("end"), "end")
    if start and end and end < start:
        raise ValueError(f"end {end} is before start {start}")
    amount = None
    if row.get("amount"):
        text = row["amount"].replace(",", "").replace("，", "").strip().lstrip("¥$€")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"amount {row['amount']!r} is not a number") from None
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"amount {row['amount']!r} is not a number")
    flag = (row.get("auto_renew") or "").strip().lower()
    if flag not in _YES | _NO:
        raise ValueError(f"auto_renew {row['auto_renew']!r} is not yes or no")
    notice = (row.get("notice_days") or "").strip().removesuffix(".0").removesuffix("天").removesuffix("days").strip()
    if notice and not notice.isdigit():
        raise ValueError(f"notice_days {row['notice_days']!r} is not a whole number of days")
    owner = (row.get("owner") or "").strip().removesuffix(".0")
    if owner and not owner.isdigit():
        raise ValueError(f"owner {row['owner']!r} is not a numeric user id")
    return ContractInput(
        number=number, customer=customer, title=row.get("title") or None, start=start, end=end, amount=amount,
        currency=(row.get("currency") or "").upper() or None, auto_renew=flag in _YES,
        notice_days=int(notice) if notice else None, owner_id=int(owner) if owner else None,
    )  # fmt: skip


def _date_cell(value: str | None, name: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    text = text.split(" ")[0].split("T")[0].replace("/", "-").replace(".", "-")
    for suffix in ("日",):
        text = text.removesuffix(suffix)
    text = text.replace("年", "-").replace("月", "-")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a date (use 2027-03-31)") from None


# helpers ----------------------------------------------------------------------------------------


def _reminder_text(contract: Contract, kind: str, anchor: date, offset: int, language: str) -> str:
    who = contract.customer_name or ""
    label = contract.number or contract.title or ""
    if language == "en":
        name = f"{who} contract {label}".replace("  ", " ").strip()
        if kind == "renewal_notice":
            return f"Renewal: notice for {name} is due by {anchor.isoformat()} (in {offset} days)"
        return f"Renewal: {name} ends on {anchor.isoformat()} (in {offset} days)"
    name = f"{who}合同{label}"
    if kind == "renewal_notice":
        return f"续约提醒：{name}的提前通知截止日是{anchor.isoformat()}（还有{offset}天）"
    return f"续约提醒：{name}将于{anchor.isoformat()}到期（还有{offset}天）"


def _check(start: date | None, end: date | None, amount: Decimal | None, notice_days: int | None) -> None:
    if start and end and end < start:
        raise InvalidContract(f"end {end} is before start {start}")
    if amount is not None and (not amount.is_finite() or amount < 0):
        raise InvalidContract(f"amount must be a non-negative number, not {amount!r}")
    if notice_days is not None and notice_days < 0:
        raise InvalidContract(f"notice days must not be negative, not {notice_days}")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _decimal_text(amount: Decimal | None) -> str | None:
    if amount is None:
        return None
    value = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
    return f"{value:f}"


def _stored(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _from_row(row: dict[str, Any]) -> Contract:
    return Contract(
        id=row["id"], user_id=row["user_id"], customer_id=row["customer_id"], customer_name=row.get("customer_name"),
        number=row["number"], title=row["title"],
        start=date.fromisoformat(row["start"]) if row["start"] else None,
        end=date.fromisoformat(row["end"]) if row["end"] else None,
        amount=Decimal(row["amount"]) if row["amount"] is not None else None, currency=row["currency"],
        auto_renew=bool(row["auto_renew"]), notice_days=row["notice_days"], status=row["status"],
        source_visit_id=row["source_visit_id"],
        created_at=datetime.fromisoformat(row["created_at"]), updated_at=datetime.fromisoformat(row["updated_at"]),
    )  # fmt: skip
