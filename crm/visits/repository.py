"""Visit notes in SQLite: raw notes stored first, then confirmed visits with objections and follow-ups.

Scope: every query takes `user_id`; `None` means all reps (admins), an id means that rep's rows only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from crm.cases import CaseRepository
from crm.contracts import ContractRepository
from crm.customers import CustomerRepository
from crm.followups.repository import FollowupRepository
from crm.opportunities import OpportunityRepository
from crm.store import Store, scoped, utc_now_iso
from crm.users import UserRepository
from crm.visits.record import Objection, VisitRecord

NoteStatus = Literal["draft", "saved", "discarded"]


class RawNoteNotFound(LookupError):
    """No raw note with that id for that user."""


class NoteAlreadyClosed(Exception):
    """The note was already saved or discarded."""

    def __init__(self, status: str, visit_id: int | None = None):
        super().__init__(status)
        self.status = status
        self.visit_id = visit_id


class RawNote(BaseModel):
    """A note exactly as the rep sent it, with its latest `record` (parse or edit); a draft until saved."""

    id: int
    user_id: int
    text: str
    source: str
    received_at: datetime
    status: NoteStatus
    record: VisitRecord | None = None
    visit_id: int | None = None


class Visit(BaseModel):
    """A confirmed visit: who, which customer, when, what was said."""

    id: int
    user_id: int
    customer_id: int | None
    customer_name: str | None = None
    raw_note_id: int | None = None
    visit_date: date
    summary: str = ""
    objections: list[Objection] = Field(default_factory=list)
    record: VisitRecord | None = None


class SavedVisit(BaseModel):
    """What saving a note produced."""

    visit_id: int
    followup_ids: list[int]
    opportunity_ids: list[int] = Field(default_factory=list)
    contract_ids: list[int] = Field(default_factory=list)
    case_ids: list[int] = Field(default_factory=list)


class VisitRepository:
    """Raw notes, visits, objections, their follow-ups and opportunities. Writes join the caller's transaction."""

    def __init__(
        self, store: Store, customers: CustomerRepository, followups: FollowupRepository,
        opportunities: OpportunityRepository | None = None, contracts: ContractRepository | None = None,
        cases: CaseRepository | None = None,
    ):  # fmt: skip
        self.store = store
        self.customers = customers
        self.followups = followups
        self.opportunities = opportunities or OpportunityRepository(store)
        self.contracts = contracts or ContractRepository(store, followups, UserRepository(store))
        self.cases = cases or CaseRepository(store, followups)

    # raw notes ---------------------------------------------------------------------------------

    def add_raw_note(self, user_id: int, text: str, *, source: str = "text", received_at: datetime | None = None) -> int:
        """Store a note as sent, in its own transaction, before anything parses it; returns its id."""
        moment = (received_at or datetime.now(UTC)).astimezone(UTC)
        with self.store.transaction() as db:
            table = db["raw_notes"].insert(
                {"user_id": user_id, "text": text, "source": source,
                 "received_at": moment.isoformat(timespec="seconds"), "status": "draft"}
            )  # fmt: skip
        return int(table.last_pk)

    def get_raw_note(self, note_id: int, *, user_id: int | None = None) -> RawNote:
        """One raw note (scoped to `user_id` when given), or RawNoteNotFound."""
        sql = "select * from raw_notes where id = ?"
        params: list[Any] = [note_id]
        sql, params = scoped(sql, params, user_id)
        rows = list(self.store.db.query(sql, params))
        if not rows:
            raise RawNoteNotFound(note_id)
        row = rows[0]
        return RawNote(
            id=row["id"], user_id=row["user_id"], text=row["text"], source=row["source"] or "text",
            received_at=datetime.fromisoformat(row["received_at"]), status=row["status"],
            record=VisitRecord.model_validate_json(row["parsed"]) if row["parsed"] else None,
            visit_id=row["visit_id"],
        )  # fmt: skip

    def set_record(self, note_id: int, record: VisitRecord) -> None:
        """Keep the latest parse or edit of a draft note."""
        with self.store.transaction() as db:
            db["raw_notes"].update(note_id, {"parsed": record.model_dump_json()})

    def discard(self, note_id: int, *, user_id: int) -> None:
        """Mark a draft note discarded (the text stays on record)."""
        note = self.get_raw_note(note_id, user_id=user_id)
        if note.status != "draft":
            raise NoteAlreadyClosed(note.status, note.visit_id)
        with self.store.transaction() as db:
            db["raw_notes"].update(note_id, {"status": "discarded"})

    def drafts(self, user_id: int, *, limit: int = 20) -> list[RawNote]:
        """A rep's notes still waiting for Save or Discard, newest first."""
        rows = self.store.db.query(
            "select id from raw_notes where user_id = ? and status = 'draft' order by id desc limit ?",
            [user_id, limit],
        )
        return [self.get_raw_note(row["id"]) for row in rows]

    # saving ------------------------------------------------------------------------------------

    def save(self, note_id: int, *, user_id: int, record: VisitRecord | None = None, now: datetime | None = None) -> SavedVisit:
        """Store the visit, its objections, contacts, follow-ups, opportunities, contracts and cases, and mark
        the note saved: one transaction. Cases count their response target from `now` (default: now)."""
        note = self.get_raw_note(note_id, user_id=user_id)
        if note.status != "draft":
            raise NoteAlreadyClosed(note.status, note.visit_id)
        record = record or note.record
        if record is None:
            raise ValueError(f"note {note_id} has not been parsed")
        with self.store.transaction() as db:
            table = db["visits"].insert(
                {"user_id": user_id, "customer_id": record.customer_id, "raw_note_id": note_id,
                 "visit_date": record.visit_date.isoformat(), "summary": record.summary,
                 "record": record.model_dump_json(), "created_at": utc_now_iso()}
            )  # fmt: skip
            visit_id = int(table.last_pk)
            for objection in record.objections:
                db["visit_objections"].insert(
                    {"visit_id": visit_id, "category": objection.category, "text": objection.text,
                     "amount": objection.amount}
                )  # fmt: skip
            if record.customer_id is not None:
                for contact in record.contacts:
                    self.customers.add_contact(record.customer_id, contact.name, user_id=user_id, title=contact.title,
                                               department=contact.department)  # fmt: skip
            followup_ids = [
                self.followups.create(user_id, followup.text, followup.due,
                                      customer_id=record.customer_id, visit_id=visit_id)
                for followup in record.followups
            ]  # fmt: skip
            pipeline = self.opportunities.pipeline
            opportunity_ids = [
                self.opportunities.create(
                    user_id, customer_id=record.customer_id,
                    title=opportunity.title or ("商机" if record.language == "zh" else "Opportunity"),
                    amount=opportunity.amount, currency=opportunity.currency,
                    stage=opportunity.stage if pipeline.has(opportunity.stage) else None,
                    expected_close=opportunity.expected_close, source_visit_id=visit_id,
                    lost_reason=opportunity.lost_reason,
                ).id
                for opportunity in record.opportunities
            ]  # fmt: skip
            contract_ids, case_ids = self._contracts_and_cases(record, user_id=user_id, visit_id=visit_id, now=now)
            db["raw_notes"].update(
                note_id, {"status": "saved", "visit_id": visit_id, "parsed": record.model_dump_json()}
            )
        return SavedVisit(visit_id=visit_id, followup_ids=followup_ids, opportunity_ids=opportunity_ids,
                          contract_ids=contract_ids, case_ids=case_ids)  # fmt: skip

    def _contracts_and_cases(
        self, record: VisitRecord, *, user_id: int, visit_id: int, now: datetime | None
    ) -> tuple[list[int], list[int]]:
        """Record the note's contract items (with their reminders) and open its cases; their ids."""
        moment = now or datetime.now(UTC)
        contract_ids, case_ids = [], []
        if record.customer_id is not None:
            for item in record.contracts:
                contract = self.contracts.record_from_note(
                    user_id, customer_id=record.customer_id, number=item.number, end=item.end, event=item.event,
                    source_visit_id=visit_id, now=moment,
                )  # fmt: skip
                contract_ids.append(contract.id)
        if record.cases:
            owner = UserRepository(self.store).find(user_id)
            zone = owner.zone if owner else ZoneInfo("Asia/Shanghai")
            language = (owner.language if owner else None) or record.language
            for proposed in record.cases:
                case = self.cases.create(
                    user_id, customer_id=record.customer_id, type=proposed.type, priority=proposed.priority,
                    description=proposed.summary, now=moment, zone=zone, language=language, source_visit_id=visit_id,
                )  # fmt: skip
                case_ids.append(case.id)
        return contract_ids, case_ids

    # queries -----------------------------------------------------------------------------------

    def get(self, visit_id: int, *, user_id: int | None = None) -> Visit:
        """One visit (scoped), or LookupError."""
        visits = self._visits("v.id = ?", [visit_id], user_id=user_id, limit=1)
        if not visits:
            raise LookupError(visit_id)
        return visits[0]

    def for_customer(self, customer_id: int, *, user_id: int | None, limit: int = 5) -> list[Visit]:
        """The latest visits to a customer, newest first."""
        return self._visits("v.customer_id = ?", [customer_id], user_id=user_id, limit=limit)

    def between(self, start: date, end: date, *, user_id: int | None, limit: int = 200) -> list[Visit]:
        """Visits dated from `start` to `end` inclusive, newest first."""
        return self._visits(
            "v.visit_date between ? and ?", [start.isoformat(), end.isoformat()], user_id=user_id, limit=limit
        )

    def with_objection(
        self, categories: tuple[str, ...], *, user_id: int | None, since: date | None = None, limit: int = 200
    ) -> list[Visit]:
        """Visits that raised an objection of one of `categories`, newest first."""
        marks = ",".join("?" for _ in categories)
        where = f"v.id in (select visit_id from visit_objections where category in ({marks}))"
        params: list[Any] = list(categories)
        if since is not None:
            where += " and v.visit_date >= ?"
            params.append(since.isoformat())
        return self._visits(where, params, user_id=user_id, limit=limit)

    def objection_categories(self) -> list[str]:
        """Every objection category any saved visit raised."""
        return [row["category"] for row in self.store.db.query("select distinct category from visit_objections")]

    def _visits(self, where: str, params: list[Any], *, user_id: int | None, limit: int) -> list[Visit]:
        sql = (
            "select v.*, c.name as customer_name from visits v left join customers c on c.id = v.customer_id "
            f"where {where}"
        )
        sql, params = scoped(sql, params, user_id, column="v.user_id")
        sql += " order by v.visit_date desc, v.id desc limit ?"
        rows = list(self.store.db.query(sql, [*params, limit]))
        objections = self._objections([row["id"] for row in rows])
        return [
            Visit(
                id=row["id"], user_id=row["user_id"], customer_id=row["customer_id"],
                customer_name=row["customer_name"], raw_note_id=row["raw_note_id"],
                visit_date=date.fromisoformat(row["visit_date"]), summary=row["summary"] or "",
                objections=objections.get(row["id"], []),
                record=VisitRecord.model_validate_json(row["record"]) if row["record"] else None,
            )  # fmt: skip
            for row in rows
        ]

    def _objections(self, visit_ids: list[int]) -> dict[int, list[Objection]]:
        if not visit_ids:
            return {}
        marks = ",".join("?" for _ in visit_ids)
        rows = self.store.db.query(
            f"select * from visit_objections where visit_id in ({marks}) order by id", visit_ids
        )
        found: dict[int, list[Objection]] = {}
        for row in rows:
            found.setdefault(row["visit_id"], []).append(
                Objection(category=row["category"], text=row["text"] or "", amount=row["amount"])
            )
        return found
