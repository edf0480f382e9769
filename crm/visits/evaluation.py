"""Scoring the parser on labelled notes (`kam eval notes`): one item is a JSON line of notes_*.jsonl.

An item: {"id", "now": ISO datetime with offset, "text", "expect": {"customer": name | null,
"followups": [{"date": "YYYY-MM-DD", "time": "HH:MM" (optional)}], "contacts": [names],
"objection": bool}}. Reading files is the caller's job; this module stays pure.

Per note:
* customer - the expected name accepted automatically ("auto"); for null, no customer or "unknown".
* followups - the follow-ups found pair one-to-one with the expected ones (same date, and the same
  time when one is expected); extra or missing ones make the note wrong.
* contacts - likewise one-to-one; a name matches when equal, equal to the surname, or one contains
  the other ("Sun" and "Mr. Sun").
* objection - whether any objection was found.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from crm.parsing.matching import CustomerIndex, CustomerRef
from crm.visits.parse import parse_note
from crm.visits.record import VisitRecord

METRICS = ("customer", "followups", "contacts", "objection")


class EvaluationReport(BaseModel):
    """Accuracy per metric over a set of notes, and the notes that missed."""

    count: int
    accuracy: dict[str, float]
    failures: list[dict[str, Any]]


def score_note(item: Mapping[str, Any], record: VisitRecord, *, aliases: Mapping[str, Sequence[str]] = {}) -> dict[str, Any]:
    """Which of the four metrics `record` gets right for the labelled `item`, with what it found.

    `aliases` maps a customer's name to its other names (an expected alias counts as the customer).
    """
    expect = item.get("expect", {})
    found_customer = record.customer_name if record.customer_status == "auto" else None
    customer_ok = _customer_ok(expect.get("customer"), record, aliases)
    found_followups = [
        {"date": f"{followup.due:%Y-%m-%d}", "time": f"{followup.due:%H:%M}"} for followup in record.followups
    ]
    followups_ok = _pair_up(
        list(expect.get("followups") or []),
        found_followups,
        lambda want, got: want["date"] == got["date"] and (not want.get("time") or want["time"] == got["time"]),
    )
    found_contacts = [(contact.name, contact.surname) for contact in record.contacts]
    contacts_ok = _pair_up(list(expect.get("contacts") or []), found_contacts, _same_contact)
    objection_ok = bool(record.objections) == bool(expect.get("objection"))
    return {
        "id": item.get("id"),
        "customer": customer_ok,
        "followups": followups_ok,
        "contacts": contacts_ok,
        "objection": objection_ok,
        "found": {
            "customer": found_customer,
            "customer_status": record.customer_status,
            "followups": found_followups,
            "contacts": [name for name, _ in found_contacts],
            "objections": [objection.category for objection in record.objections],
        },
    }


def evaluate(items: Iterable[Mapping[str, Any]], customers: Sequence[CustomerRef] | CustomerIndex) -> EvaluationReport:
    """Parse every item (at its own `now`) and report accuracy per metric."""
    index = customers if isinstance(customers, CustomerIndex) else CustomerIndex.build(customers)
    scores = []
    for item in items:
        record = parse_note(str(item.get("text", "")), now=datetime.fromisoformat(item["now"]), customers=index)
        scores.append(score_note(item, record, aliases=aliases_of(index)))
    count = len(scores)
    accuracy = {metric: (sum(1 for s in scores if s[metric]) / count if count else 0.0) for metric in METRICS}
    failures = [score for score in scores if not all(score[metric] for metric in METRICS)]
    return EvaluationReport(count=count, accuracy=accuracy, failures=failures)


def customers_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[CustomerRef]:
    """CustomerRefs from CSV rows with a `name` and optional `aliases` ("a|b") and `tier`/`value_class`."""
    customers = []
    for number, row in enumerate(rows, start=1):
        name = str(row.get("name") or "").strip()
        if not name:
            continue
        aliases = [alias.strip() for alias in str(row.get("aliases") or "").split("|") if alias.strip()]
        value_class = row.get("value_class") or row.get("tier") or None
        customers.append(CustomerRef(id=number, name=name, aliases=aliases, value_class=value_class))
    return customers


def aliases_of(index: CustomerIndex) -> dict[str, list[str]]:
    """Each customer's name with its aliases, for `score_note`."""
    return {customer.name: list(customer.aliases) for customer in index.customers}


def _customer_ok(expected: str | None, record: VisitRecord, aliases: Mapping[str, Sequence[str]]) -> bool:
    if expected is None:
        return record.customer_status == "unknown"
    if record.customer_status != "auto" or record.customer_name is None:
        return False
    return expected == record.customer_name or expected in aliases.get(record.customer_name, ())


def _same_contact(expected: str, found: tuple[str, str | None]) -> bool:
    name, surname = found
    want, got = expected.strip().lower(), name.strip().lower()
    return want == got or (surname is not None and want == surname.lower()) or want in got or got in want


def _pair_up(expected: list, found: list, same) -> bool:  # type: ignore[no-untyped-def]
    if len(expected) != len(found):
        return False
    remaining = list(found)
    for want in expected:
        partner = next((got for got in remaining if same(want, got)), None)
        if partner is None:
            return False
        remaining.remove(partner)
    return True


# opportunities (`kam eval opps`) -------------------------------------------------------------

OPPORTUNITY_FIELDS = ("amount", "currency", "close_month", "stage")


def found_opportunities(record: VisitRecord) -> list[dict[str, Any]]:
    """The record's proposed opportunities in the labels' shape."""
    return [
        {"amount": f"{o.amount:f}" if o.amount is not None else None, "currency": o.currency,
         "close_month": o.close_month, "stage": o.stage}
        for o in record.opportunities
    ]  # fmt: skip


def score_opportunities(item: Mapping[str, Any], record: VisitRecord) -> dict[str, Any]:
    """Per note: expected and found opportunities paired up, and per pair which fields agree.

    Lists are multisets: each expected item takes the found one agreeing on the most fields
    (amount first). `detected` counts expected items that got a partner; a field is right for an
    expected item only when it has a partner with the same value (null equals null), so a missed
    opportunity counts against every field. `false_opportunity` marks a note labelled with none
    that got one; `extra` counts proposals beyond the expected ones.
    """
    expected = [dict(want) for want in item.get("expect", {}).get("opportunities") or []]
    found = found_opportunities(record)
    remaining = list(found)
    pairs = []
    for want in expected:
        if not remaining:
            pairs.append((want, None))
            continue
        best = max(remaining, key=lambda got: (want.get("amount") == got["amount"],
                                               sum(want.get(field) == got[field] for field in OPPORTUNITY_FIELDS)))  # fmt: skip
        remaining.remove(best)
        pairs.append((want, best))
    fields = {field: sum(1 for want, got in pairs if got is not None and want.get(field) == got[field])
              for field in OPPORTUNITY_FIELDS}  # fmt: skip
    return {
        "id": item.get("id"),
        "expected": len(expected),
        "detected": sum(1 for _, got in pairs if got is not None),
        **fields,
        "extra": len(remaining),
        "false_opportunity": not expected and bool(found),
        "expected_items": expected,
        "found": found,
    }


class OpportunityReport(BaseModel):
    """Opportunity accuracy over a set of notes (each rate over expected opportunities)."""

    notes: int
    expected: int
    detection: float
    amount: float
    currency: float
    close_month: float
    stage: float
    notes_without: int
    false_opportunities: int
    false_opportunity_rate: float
    extra: int


def opportunity_report(scores: Sequence[Mapping[str, Any]]) -> OpportunityReport:
    """Totals of `score_opportunities` results."""
    expected = sum(score["expected"] for score in scores)
    without = [score for score in scores if score["expected"] == 0]
    false = sum(1 for score in without if score["false_opportunity"])

    def rate(key: str) -> float:
        return sum(score[key] for score in scores) / expected if expected else 0.0

    return OpportunityReport(
        notes=len(scores), expected=expected, detection=rate("detected"), amount=rate("amount"),
        currency=rate("currency"), close_month=rate("close_month"), stage=rate("stage"),
        notes_without=len(without), false_opportunities=false,
        false_opportunity_rate=false / len(without) if without else 0.0,
        extra=sum(score["extra"] for score in scores),
    )  # fmt: skip
