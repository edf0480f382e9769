"""Opportunities: new or expanded business a customer may buy, worked by one rep through the pipeline.

An opportunity has an owner (the rep), a customer, a title, an amount in a currency (both may be
unknown), a stage of the pipeline (`crm.pipeline`) with a win probability that defaults to the
stage's and can be set by hand, an expected close date, the visit whose note proposed it, the next
step and, once lost, why. Scope follows the visits: every query takes `user_id`; `None` means all
reps (admins), an id means that rep's rows only. Contracts and cases will sit beside this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from crm.formatting import format_money
from crm.pipeline import DEFAULT_PIPELINE, LOST, Pipeline, StageNotFound
from crm.store import Store, scoped, utc_now_iso

__all__ = ["Opportunity", "OpportunityNotFound", "OpportunityRepository", "PipelineSummary", "StageTotal",
           "InvalidOpportunity", "format_money", "summarize"]

_UNSET: Any = object()


class OpportunityNotFound(LookupError):
    """No opportunity with that id for that user."""


class InvalidOpportunity(ValueError):
    """A value an opportunity cannot take (an unknown stage, a probability outside 0-100, …)."""


class Opportunity(BaseModel):
    """One opportunity as stored, with its customer's name for display."""

    id: int
    user_id: int
    customer_id: int | None = None
    customer_name: str | None = None
    title: str
    amount: Decimal | None = None
    currency: str | None = None
    stage: str
    probability: int
    expected_close: date | None = None
    source_visit_id: int | None = None
    next_step: str | None = None
    lost_reason: str | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def weighted(self) -> Decimal | None:
        """amount × probability, or None when the amount is unknown."""
        if self.amount is None:
            return None
        return self.amount * self.probability / 100


class StageTotal(BaseModel):
    """One stage of a pipeline summary: how many, the amounts and the weighted amounts per currency."""

    stage: str
    count: int = 0
    amounts: dict[str, Decimal] = Field(default_factory=dict)
    weighted: dict[str, Decimal] = Field(default_factory=dict)


class PipelineSummary(BaseModel):
    """Open opportunities by stage with totals; currency "" holds amounts said without one."""

    stages: list[StageTotal]
    opportunities: list[Opportunity]
    weighted: dict[str, Decimal] = Field(default_factory=dict)
    amounts: dict[str, Decimal] = Field(default_factory=dict)

    @property
    def count(self) -> int:
        """Open opportunities in the summary."""
        return len(self.opportunities)


class OpportunityRepository:
    """Opportunities in SQLite. Writes join the caller's transaction (Save of a note is one)."""

    def __init__(self, store: Store, pipeline: Pipeline = DEFAULT_PIPELINE):
        self.store = store
        self.pipeline = pipeline

    def create(
        self,
        user_id: int,
        *,
        customer_id: int | None,
        title: str,
        amount: Decimal | None = None,
        currency: str | None = None,
        stage: str | None = None,
        probability: int | None = None,
        expected_close: date | None = None,
        source_visit_id: int | None = None,
        next_step: str | None = None,
        lost_reason: str | None = None,
    ) -> Opportunity:
        """A new opportunity; the stage defaults to the pipeline's first, the probability to the stage's."""
        stage_name = stage or self.pipeline.first.name
        self._check_stage(stage_name)
        if probability is None:
            probability = self.pipeline.get(stage_name).probability
        _check_probability(probability)
        _check_amount(amount)
        now = utc_now_iso()
        with self.store.transaction() as db:
            table = db["opportunities"].insert(
                {"user_id": user_id, "customer_id": customer_id, "title": title.strip() or "?",
                 "amount": _decimal_text(amount), "currency": currency, "stage": stage_name,
                 "probability": probability, "expected_close": expected_close.isoformat() if expected_close else None,
                 "source_visit_id": source_visit_id, "next_step": next_step, "lost_reason": lost_reason,
                 "created_at": now, "updated_at": now}
            )  # fmt: skip
            opportunity_id = int(table.last_pk)
        return self.get(opportunity_id)

    def get(self, opportunity_id: int, *, user_id: int | None = None) -> Opportunity:
        """One opportunity (scoped to `user_id` when given), or OpportunityNotFound."""
        found = self._select("o.id = ?", [opportunity_id], user_id=user_id)
        if not found:
            raise OpportunityNotFound(opportunity_id)
        return found[0]

    def update(
        self,
        opportunity_id: int,
        *,
        user_id: int | None,
        stage: str | None = None,
        probability: int | None = None,
        amount: Decimal | None = _UNSET,
        currency: str | None = _UNSET,
        expected_close: date | None = _UNSET,
        lost_reason: str | None = _UNSET,
        next_step: str | None = _UNSET,
        title: str | None = None,
    ) -> Opportunity:
        """Change what is given. A new stage resets the probability to the stage's unless one is given."""
        current = self.get(opportunity_id, user_id=user_id)
        changes: dict[str, Any] = {}
        if stage is not None and stage != current.stage:
            self._check_stage(stage)
            changes["stage"] = stage
            changes["probability"] = self.pipeline.get(stage).probability
        if probability is not None:
            _check_probability(probability)
            changes["probability"] = probability
        if amount is not _UNSET:
            _check_amount(amount)
            changes["amount"] = _decimal_text(amount)
        if currency is not _UNSET:
            changes["currency"] = currency
        if expected_close is not _UNSET:
            changes["expected_close"] = expected_close.isoformat() if expected_close else None
        if lost_reason is not _UNSET:
            changes["lost_reason"] = lost_reason
        if next_step is not _UNSET:
            changes["next_step"] = next_step
        if title is not None and title.strip():
            changes["title"] = title.strip()
        if not changes:
            return current
        changes["updated_at"] = utc_now_iso()
        with self.store.transaction() as db:
            db["opportunities"].update(opportunity_id, changes)
        return self.get(opportunity_id)

    def list_open(self, *, user_id: int | None, customer_id: int | None = None) -> list[Opportunity]:
        """Open (not won or lost) opportunities, in pipeline order, then by expected close."""
        closed = [stage.name for stage in self.pipeline.stages if not stage.is_open]
        where = f"o.stage not in ({','.join('?' for _ in closed)})"
        params: list[Any] = list(closed)
        if customer_id is not None:
            where += " and o.customer_id = ?"
            params.append(customer_id)
        return self._sorted(self._select(where, params, user_id=user_id))

    def for_customer(self, customer_id: int, *, user_id: int | None) -> list[Opportunity]:
        """Every opportunity with a customer, open and closed, newest first."""
        return self._select("o.customer_id = ?", [customer_id], user_id=user_id)

    def for_visit(self, visit_id: int) -> list[Opportunity]:
        """The opportunities a saved visit's note created."""
        return self._select("o.source_visit_id = ?", [visit_id], user_id=None)

    def by_stage(self, *, user_id: int | None) -> dict[str, list[Opportunity]]:
        """Open opportunities grouped by stage, in pipeline order (empty stages left out)."""
        grouped: dict[str, list[Opportunity]] = {}
        for opportunity in self.list_open(user_id=user_id):
            grouped.setdefault(opportunity.stage, []).append(opportunity)
        return grouped

    def summary(self, *, user_id: int | None, customer_id: int | None = None) -> PipelineSummary:
        """Open opportunities (of one customer, when given) by stage with counts, amounts and weighted amounts."""
        opportunities = self.list_open(user_id=user_id, customer_id=customer_id)
        return summarize(opportunities, self.pipeline)

    # internals ---------------------------------------------------------------------------------

    def _check_stage(self, stage: str) -> None:
        try:
            self.pipeline.get(stage)
        except StageNotFound:
            raise InvalidOpportunity(f"unknown stage {stage!r} (stages: {', '.join(self.pipeline.names)})") from None

    def _sorted(self, opportunities: list[Opportunity]) -> list[Opportunity]:
        return sorted(
            opportunities,
            key=lambda o: (self.pipeline.rank(o.stage), o.expected_close or date.max, o.id),
        )

    def _select(self, where: str, params: list[Any], *, user_id: int | None) -> list[Opportunity]:
        sql = (
            "select o.*, c.name as customer_name from opportunities o "
            f"left join customers c on c.id = o.customer_id where {where}"
        )
        sql, params = scoped(sql, params, user_id, column="o.user_id")
        sql += " order by o.id desc"
        return [_from_row(row) for row in self.store.db.query(sql, params)]


def summarize(opportunities: Iterable[Opportunity], pipeline: Pipeline) -> PipelineSummary:
    """Totals by stage (pipeline order) and overall, per currency; lost ones are left out."""
    chosen = [o for o in opportunities if o.stage != LOST]
    totals = {stage.name: StageTotal(stage=stage.name) for stage in pipeline.stages}
    amounts: dict[str, Decimal] = {}
    weighted: dict[str, Decimal] = {}
    for opportunity in chosen:
        total = totals.setdefault(opportunity.stage, StageTotal(stage=opportunity.stage))
        total.count += 1
        if opportunity.amount is None:
            continue
        currency = opportunity.currency or ""
        value = opportunity.weighted or Decimal(0)
        total.amounts[currency] = total.amounts.get(currency, Decimal(0)) + opportunity.amount
        total.weighted[currency] = total.weighted.get(currency, Decimal(0)) + value
        amounts[currency] = amounts.get(currency, Decimal(0)) + opportunity.amount
        weighted[currency] = weighted.get(currency, Decimal(0)) + value
    stages = [total for total in totals.values() if total.count]
    return PipelineSummary(stages=stages, opportunities=chosen, weighted=weighted, amounts=amounts)


def _check_probability(probability: int) -> None:
    if not isinstance(probability, int) or isinstance(probability, bool) or not 0 <= probability <= 100:
        raise InvalidOpportunity(f"probability must be a whole percent from 0 to 100, not {probability!r}")


def _check_amount(amount: Decimal | None) -> None:
    if amount is not None and (not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0):
        raise InvalidOpportunity(f"amount must be a non-negative number, not {amount!r}")


def _decimal_text(amount: Decimal | None) -> str | None:
    if amount is None:
        return None
    value = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
    return f"{value:f}"


def _from_row(row: dict[str, Any]) -> Opportunity:
    return Opportunity(
        id=row["id"], user_id=row["user_id"], customer_id=row["customer_id"], customer_name=row.get("customer_name"),
        title=row["title"], amount=Decimal(row["amount"]) if row["amount"] is not None else None,
        currency=row["currency"], stage=row["stage"], probability=row["probability"],
        expected_close=date.fromisoformat(row["expected_close"]) if row["expected_close"] else None,
        source_visit_id=row["source_visit_id"], next_step=row["next_step"], lost_reason=row["lost_reason"],
        created_at=datetime.fromisoformat(row["created_at"]), updated_at=datetime.fromisoformat(row["updated_at"]),
    )  # fmt: skip
