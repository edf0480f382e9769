"""The one visit model: what a dictated note says, from the parse through the card to the saved visit.

`parse_note` builds a `VisitRecord`; the card shows it, corrections replace it, Save stores it (as
JSON on the visit), `kam note --json` prints it. The one-line `summary` is computed from the record
itself, so it can never name a follow-up, contact or objection the record no longer has.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from crm.customers import Customer
from crm.formatting import objection_label
from crm.language import Language
from crm.parsing.cases import ProposedCase
from crm.parsing.contacts import Contact
from crm.parsing.contracts import ProposedContract
from crm.parsing.opportunities import ProposedOpportunity

CustomerStatus = Literal["auto", "ambiguous", "unknown", "chosen"]
SUMMARY_FOLLOWUPS = 1  # follow-ups named in the summary; the rest are counted


class CustomerOption(BaseModel):
    """A customer the rep may have meant."""

    id: int
    name: str
    score: float = 0.0


class Objection(BaseModel):
    """A concern raised: category (price, competitor, …), the words, an amount when said ("-15%")."""

    category: str
    text: str = ""
    amount: str | None = None


class PlannedFollowup(BaseModel):
    """Something to do by a time; `due` is aware, in the rep's zone; `rule` says how the date was read."""

    due: datetime
    text: str
    has_time: bool = False  # a clock time was said
    vague: bool = False  # 下周 / "next week": a date the rep should confirm
    rule: str = ""


class Suggestion(BaseModel):
    """Where a language model's reading of the note disagrees with the rules'; shown on the card, never applied.

    `found_by="ai"`: only the model found it (a customer, contact, objection category, next step or
    hint); `found_by="rules"`: only the rules did. A next step's `due` is the model's "when" as the
    rule parser reads it, never the model's own date.
    """

    kind: Literal["customer", "contact", "objection", "next_step", "opportunity", "contract", "case"]
    found_by: Literal["ai", "rules"] = "ai"
    text: str
    customer_id: int | None = None
    due: datetime | None = None
    has_time: bool = False


class VisitRecord(BaseModel):
    """Everything a note says about a visit; what the card shows and what Save stores."""

    customer_id: int | None = None
    customer_name: str | None = None
    customer_status: CustomerStatus = "unknown"
    customer_said: str = ""
    value_class: str | None = None
    candidates: list[CustomerOption] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    visit_date: date
    objections: list[Objection] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    followups: list[PlannedFollowup] = Field(default_factory=list)
    amounts: list[str] = Field(default_factory=list)
    opportunities: list[ProposedOpportunity] = Field(default_factory=list)  # created on Save
    contracts: list[ProposedContract] = Field(default_factory=list)  # recorded on Save
    cases: list[ProposedCase] = Field(default_factory=list)  # opened on Save
    excerpt: str = ""  # the note's first words, the summary of a note nothing could be read from
    language: Language = "zh"
    warnings: list[str] = Field(default_factory=list)
    date_problems: list[str] = Field(default_factory=list)  # dates the note says that set nothing (2月30日, 明天25点, news): shown
    suggestions: list[Suggestion] = Field(default_factory=list)  # KAM_LLM=openai: the model's differing reading

    @property
    def has_customer(self) -> bool:
        """A customer on file is set, so the visit can be saved."""
        return self.customer_id is not None

    @property
    def read_failed(self) -> bool:
        """The parser gave up on the note; the rep fills in the record by hand."""
        return any(warning.startswith("parse error") for warning in self.warnings)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def summary(self) -> str:
        """One line for lists (the customer is shown beside it): contacts | objections | follow-ups."""
        zh = self.language == "zh"
        parts = []
        if self.contacts:
            parts.append(("、" if zh else ", ").join(contact.name for contact in self.contacts[:3]))
        if self.objections:
            labels = ("、" if zh else ", ").join(objection_label(o.category, self.language) for o in self.objections)
            parts.append(("异议：" if zh else "objections: ") + labels)
        if self.followups:
            first = self.followups[0]
            moment = f"{first.due:%m-%d %H:%M}" if first.has_time else f"{first.due:%m-%d}"
            line = ("跟进：" if zh else "follow-up: ") + f"{moment} {first.text}".strip()
            more = len(self.followups) - SUMMARY_FOLLOWUPS
            if more > 0:
                line += f" 等{len(self.followups)}项" if zh else f" (+{more})"
            parts.append(line)
        elif self.next_steps:
            parts.append(self.next_steps[0])
        return " | ".join(parts) or self.excerpt

    def with_customer(self, customer: Customer, *, status: CustomerStatus = "chosen") -> VisitRecord:
        """The record about `customer` (chosen by the rep, or matched automatically)."""
        return self.model_copy(
            update={"customer_id": customer.id, "customer_name": customer.name, "customer_status": status,
                    "value_class": customer.value_class, "candidates": []}
        )  # fmt: skip
