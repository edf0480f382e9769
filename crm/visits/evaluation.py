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

from crm.parsing.contacts import names_one_person
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
    return names_one_person(expected, *found)


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


# contracts and cases (`kam eval kams`) -------------------------------------------------------


def found_contracts(record: VisitRecord) -> list[dict[str, Any]]:
    """The record's contract items in the labels' shape."""
    return [{"end": c.end.isoformat() if c.end else None, "event": c.event, "number": c.number} for c in record.contracts]


def found_cases(record: VisitRecord) -> list[dict[str, Any]]:
    """The record's proposed cases in the labels' shape."""
    return [{"type": c.type, "priority": c.priority} for c in record.cases]


def _pair(expected: list[dict[str, Any]], found: list[dict[str, Any]], fields: Sequence[str]) -> tuple[list, list]:
    """Each expected item takes the found one agreeing on the most fields; returns pairs and leftovers."""
    remaining = list(found)
    pairs = []
    for want in expected:
        if not remaining:
            pairs.append((want, None))
            continue
        best = max(remaining, key=lambda got: [want.get(field) == got.get(field) for field in fields])
        remaining.remove(best)
        pairs.append((want, best))
    return pairs, remaining


def score_account_items(item: Mapping[str, Any], record: VisitRecord) -> dict[str, Any]:
    """Per note: contract items (event, end, number when labelled) and cases (type, priority) paired up.

    As for opportunities, a missed item counts against every field, and `false_*` marks a note
    labelled with none that got one. A contract's number is scored only where the label has one.
    """
    expect = item.get("expect", {})
    contracts_expected = [dict(want) for want in expect.get("contracts") or []]
    contracts_found = found_contracts(record)
    contract_pairs, contract_extra = _pair(contracts_expected, contracts_found, ("event", "end"))
    cases_expected = [dict(want) for want in expect.get("cases") or []]
    cases_found = found_cases(record)
    case_pairs, case_extra = _pair(cases_expected, cases_found, ("type", "priority"))
    return {
        "id": item.get("id"),
        "contracts_expected": len(contracts_expected),
        "contracts_detected": sum(1 for _, got in contract_pairs if got is not None),
        "contract_event": sum(1 for want, got in contract_pairs if got and got["event"] == want.get("event")),
        "contract_end": sum(1 for want, got in contract_pairs if got and got["end"] == want.get("end")),
        "numbers_expected": sum(1 for want in contracts_expected if want.get("number")),
        "contract_number": sum(1 for want, got in contract_pairs
                               if want.get("number") and got and got["number"] == want["number"]),  # fmt: skip
        "contracts_extra": len(contract_extra),
        "false_contract": not contracts_expected and bool(contracts_found),
        "cases_expected": len(cases_expected),
        "cases_detected": sum(1 for _, got in case_pairs if got is not None),
        "case_type": sum(1 for want, got in case_pairs if got and got["type"] == want.get("type")),
        "case_priority": sum(1 for want, got in case_pairs if got and got["priority"] == want.get("priority")),
        "cases_extra": len(case_extra),
        "false_case": not cases_expected and bool(cases_found),
        "expected": {"contracts": contracts_expected, "cases": cases_expected},
        "found": {"contracts": contracts_found, "cases": cases_found},
    }


class AccountItemsReport(BaseModel):
    """Contract and case accuracy over a set of notes (rates over expected items)."""

    notes: int
    contracts_expected: int
    contract_detection: float
    contract_event: float
    contract_end: float
    numbers_expected: int
    contract_number: float
    notes_without_contract: int
    false_contracts: int
    contracts_extra: int
    cases_expected: int
    case_detection: float
    case_type: float
    case_priority: float
    notes_without_case: int
    false_cases: int
    cases_extra: int


def account_items_report(scores: Sequence[Mapping[str, Any]]) -> AccountItemsReport:
    """Totals of `score_account_items` results."""

    def total(key: str) -> int:
        return sum(score[key] for score in scores)

    def rate(key: str, over: str) -> float:
        return total(key) / total(over) if total(over) else 0.0

    return AccountItemsReport(
        notes=len(scores), contracts_expected=total("contracts_expected"),
        contract_detection=rate("contracts_detected", "contracts_expected"),
        contract_event=rate("contract_event", "contracts_expected"),
        contract_end=rate("contract_end", "contracts_expected"),
        numbers_expected=total("numbers_expected"), contract_number=rate("contract_number", "numbers_expected"),
        notes_without_contract=sum(1 for s in scores if not s["contracts_expected"]),
        false_contracts=sum(1 for s in scores if s["false_contract"]), contracts_extra=total("contracts_extra"),
        cases_expected=total("cases_expected"), case_detection=rate("cases_detected", "cases_expected"),
        case_type=rate("case_type", "cases_expected"), case_priority=rate("case_priority", "cases_expected"),
        notes_without_case=sum(1 for s in scores if not s["cases_expected"]),
        false_cases=sum(1 for s in scores if s["false_case"]), cases_extra=total("cases_extra"),
    )  # fmt: skip
