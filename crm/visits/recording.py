"""Taking a note: stored raw first, then read into a `VisitRecord`; the chat and `kam note` share it.

The raw text is committed in its own transaction before anything parses it, so a parser bug or a
crash never loses what the rep said; a note the parser fails on keeps a record with a warning.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from crm.cases import DEFAULT_CASE_TARGETS, case_due
from crm.customers import CustomerRepository
from crm.visits.assist import NoteAssistant
from crm.visits.parse import failed_record, parse_note
from crm.visits.record import VisitRecord
from crm.visits.repository import RawNote, VisitRepository

log = logging.getLogger(__name__)


class RecordedNote(BaseModel):
    """A note handled outside the chat: its record, and the rows written unless it was a dry run."""

    raw_note_id: int | None = None
    visit_id: int | None = None
    followup_ids: list[int] = Field(default_factory=list)
    record: VisitRecord


class NoteTaker:
    """Stores, reads and (for the CLI) saves visit notes."""

    def __init__(self, visits: VisitRepository, customers: CustomerRepository, *, default_time: time,
                 assistant: NoteAssistant | None = None):
        self.visits = visits
        self.customers = customers
        self.default_time = default_time
        self.assistant = assistant  # KAM_LLM=openai: a model's differing reading shown on the card

    def read(self, text: str, *, now: datetime, zone: ZoneInfo) -> VisitRecord:
        """Read `text`, said at `now` by a user in `zone`, against the customers on file."""
        return parse_note(text, now=now.astimezone(zone), customers=self.customers.index(),
                          default_reminder_time=self.default_time)  # fmt: skip

    def take(self, user_id: int, text: str, *, now: datetime, zone: ZoneInfo, source: str = "text") -> RawNote:
        """Store the note raw, then read it and keep the record on the note (a draft until saved).

        With a model configured, it reads the note too (after the note is stored): where it
        disagrees with the rules, the record carries suggestions; the rules' reading stays the record.
        """
        note_id = self.visits.add_raw_note(user_id, text, source=source, received_at=now)
        try:
            record = self.read(text, now=now, zone=zone)
        except Exception as error:  # the raw note is already safe; the rep edits what could not be read
            log.exception("could not read note %s", note_id)
            record = failed_record(text, now=now.astimezone(zone), error=error)
        if self.assistant is not None:
            suggestions = self.assistant.suggestions(text, record, now=now.astimezone(zone),
                                                     customers=self.customers.index(), default_time=self.default_time)
            record = record.model_copy(update={"suggestions": suggestions})
        self.visits.set_record(note_id, record)
        return self.visits.get_raw_note(note_id)

    def record(self, user_id: int, text: str, *, now: datetime, zone: ZoneInfo, dry_run: bool = False) -> RecordedNote:
        """Take a note and save it as a visit when its customer is certain (`kam note`)."""
        if dry_run:
            return RecordedNote(record=self.read(text, now=now, zone=zone))
        note = self.take(user_id, text, now=now, zone=zone, source="cli")
        assert note.record is not None
        if not note.record.has_customer:
            return RecordedNote(raw_note_id=note.id, record=note.record)
        saved = self.visits.save(note.id, user_id=user_id, now=now)
        return RecordedNote(raw_note_id=note.id, visit_id=saved.visit_id, followup_ids=saved.followup_ids,
                            record=note.record)  # fmt: skip


def record_json(
    record: VisitRecord, zone: ZoneInfo, *, now: datetime | None = None, targets: str = DEFAULT_CASE_TARGETS
) -> dict[str, Any]:
    """A record in the CLI's JSON shape; follow-up times in `zone` with their offset.

    A case's `due` is its response target counted from `now` (the note's time; default: now).
    """
    now = now or datetime.now(UTC)
    customer = (
        {"id": record.customer_id, "name": record.customer_name, "value_class": record.value_class,
         "status": record.customer_status, "said": record.customer_said}
        if record.has_customer else None
    )  # fmt: skip
    return {
        "customer": customer,
        "customer_match": {
            "status": record.customer_status,
            "said": record.customer_said,
            "candidates": [option.name for option in record.candidates],
        },
        "contacts": [contact.model_dump(include={"name", "title", "department"}) for contact in record.contacts],
        "visit_date": record.visit_date.isoformat(),
        "objections": [objection.model_dump() for objection in record.objections],
        "next_steps": list(record.next_steps),
        "followups": [
            {"due": followup.due.astimezone(zone).isoformat(), "text": followup.text,
             "has_time": followup.has_time, "vague": followup.vague}
            for followup in record.followups
        ],  # fmt: skip
        "amounts": list(record.amounts),
        "opportunities": [
            {"title": o.title, "amount": f"{o.amount:f}" if o.amount is not None else None, "currency": o.currency,
             "stage": o.stage, "expected_close": o.expected_close.isoformat() if o.expected_close else None}
            for o in record.opportunities
        ],  # fmt: skip
        "contracts": [
            {"number": c.number, "end": c.end.isoformat() if c.end else None, "event": c.event}
            for c in record.contracts
        ],
        "cases": [
            {"type": c.type, "priority": c.priority, "summary": c.summary,
             "due": case_due(c.priority, now=now, zone=zone, targets=targets).isoformat()}
            for c in record.cases
        ],  # fmt: skip
        "summary": record.summary,
        "language": record.language,
        "warnings": list(record.warnings),
        "suggestions": [  # KAM_LLM=openai: where the model read the note differently (never applied)
            {"kind": s.kind, "found_by": s.found_by, "text": s.text, "customer_id": s.customer_id,
             "due": s.due.astimezone(zone).isoformat() if s.due else None}
            for s in record.suggestions
        ],  # fmt: skip
    }
