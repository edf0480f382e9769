"""From a note's text to an editable `VisitDraft`: runs the pure parser and adapts its record."""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from bot.customers import CustomerRepository
from bot.parsing.amounts import Amount
from bot.parsing.matching import CANDIDATE_SCORE
from bot.parsing.note import VisitRecord, parse_note
from bot.visit_draft import (
    ContactDraft,
    CustomerOption,
    FollowupDraft,
    ObjectionDraft,
    VisitDraft,
)
from bot.visits import VisitRepository


def parse_draft(
    text: str, *, now: datetime, zone: ZoneInfo, customers: CustomerRepository, default_time: time
) -> VisitDraft:
    """Parse `text` as said at `now` by a user in `zone` into a draft of a visit."""
    local_now = now.astimezone(zone)
    record = parse_note(text, now=local_now, customers=customers.index(), default_reminder_time=default_time)
    return draft_from_record(record, customers=customers)


def draft_from_record(record: VisitRecord, *, customers: CustomerRepository) -> VisitDraft:
    """The parser's record as a draft: customer resolved against the database, amounts as text."""
    match = record.customer
    draft = VisitDraft(
        visit_date=record.visit_date,
        contacts=[ContactDraft(name=c.name, title=c.title, department=c.department) for c in record.contacts],
        objections=[
            ObjectionDraft(category=o.category, text=o.text, amount=format_amount(o.amount) if o.amount else None)
            for o in record.objections
        ],
        next_steps=[step for step in record.next_steps if not _reports_the_visit(step)],
        followups=[
            FollowupDraft(due=f.due, text=f.text, has_time=f.has_time, vague=f.vague)
            for f in record.followups
            if not _reports_the_visit(f.text)
        ],
        amounts=[format_amount(amount) for amount in record.amounts],
        summary=record.summary,
        language=record.language,
        warnings=list(record.warnings) + (["parse_failed"] if _failed(record) else []),
    )
    if match is None:
        return draft
    options = [
        CustomerOption(id=c.customer.id, name=c.customer.name, score=c.score)
        for c in match.candidates
        if c.customer.id is not None and c.score >= CANDIDATE_SCORE
    ]
    if match.status == "auto" and match.customer is not None and match.customer.id is not None:
        return draft.with_customer(customers.get(match.customer.id)).model_copy(
            update={"customer_status": "auto", "customer_said": match.said}
        )
    said = _VERB_BEFORE_NAME.sub("", match.said) if match.status == "unknown" else match.said
    return draft.model_copy(update={"customer_status": match.status, "customer_said": said, "candidates": options})


# Work-arounds for the parser (reported to its author): "今天下午去了X" read as a follow-up today,
# and an unknown company's name starting with the verb before it ("去了明达科技").
_PAST_VISIT = re.compile(r"^(?:今天|刚才|上午|下午)?(?:去了|见了|拜访了|聊了|谈了|见到了?)")
_VERB_BEFORE_NAME = re.compile(r"^(?:今天|刚才|上午|下午)?(?:去了|见了|拜访了?|聊了|谈了|到了|跟|和|与|在|去|到)")


def _reports_the_visit(text: str) -> bool:
    return bool(_PAST_VISIT.match(text)) and not re.search(r"再|要|将|会|记得|提醒", text)


def _failed(record: VisitRecord) -> bool:
    return any(warning.startswith("parse error") for warning in record.warnings)


def format_amount(amount: Amount) -> str:
    """20% for 涨两成, -15% for 八五折 or 便宜15%, 300000 CNY for 三十万."""
    if amount.kind in ("percent", "discount"):
        percent = (amount.value * 100).normalize()
        text = f"{percent:f}".rstrip("0").rstrip(".") if "." in f"{percent:f}" else f"{percent:f}"
        return f"-{text}%" if amount.kind == "discount" else f"{text}%"
    value = amount.value
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return f"{value:f} {amount.currency}" if amount.currency else f"{value:f}"


class RecordedNote(BaseModel):
    """A note handled outside the chat: its draft, and the rows written unless it was a dry run."""

    raw_note_id: int | None = None
    visit_id: int | None = None
    followup_ids: list[int] = Field(default_factory=list)
    draft: VisitDraft


def record_note(
    text: str, *, user_id: int, now: datetime, zone: ZoneInfo, customers: CustomerRepository,
    visits: VisitRepository, default_time: time, dry_run: bool = False,
) -> RecordedNote:
    """Store, parse and (when the customer is certain) save a note in one go, as the CLI does."""
    if dry_run:
        draft = parse_draft(text, now=now, zone=zone, customers=customers, default_time=default_time)
        return RecordedNote(draft=draft)
    note_id = visits.add_raw_note(user_id, text, source="cli", received_at=now)
    draft = parse_draft(text, now=now, zone=zone, customers=customers, default_time=default_time)
    visits.set_draft(note_id, draft)
    if not draft.has_customer:
        return RecordedNote(raw_note_id=note_id, draft=draft)
    saved = visits.save(note_id, user_id=user_id)
    return RecordedNote(raw_note_id=note_id, visit_id=saved.visit_id, followup_ids=saved.followup_ids, draft=draft)


def draft_json(draft: VisitDraft, zone: ZoneInfo) -> dict[str, Any]:
    """A draft in the CLI's JSON shape; follow-up times in `zone` with their offset."""
    customer = (
        {"id": draft.customer_id, "name": draft.customer_name, "value_class": draft.value_class,
         "status": draft.customer_status, "said": draft.customer_said}
        if draft.has_customer else None
    )  # fmt: skip
    return {
        "customer": customer,
        "customer_match": {
            "status": draft.customer_status,
            "said": draft.customer_said,
            "candidates": [option.name for option in draft.candidates],
        },
        "contacts": [contact.model_dump() for contact in draft.contacts],
        "visit_date": draft.visit_date.isoformat(),
        "objections": [objection.model_dump() for objection in draft.objections],
        "next_steps": list(draft.next_steps),
        "followups": [
            {"due": followup.due.astimezone(zone).isoformat(), "text": followup.text,
             "has_time": followup.has_time, "vague": followup.vague}
            for followup in draft.followups
        ],  # fmt: skip
        "amounts": list(draft.amounts),
        "summary": draft.summary,
        "language": draft.language,
        "warnings": list(draft.warnings),
    }
