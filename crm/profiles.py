"""A customer as one user may see it: the record, contacts, latest visits, open follow-ups, objections."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field

from crm.cases import Case, CaseRepository
from crm.contracts import Contract, ContractRepository
from crm.customers import Contact, Customer, CustomerRepository
from crm.followups.repository import FollowUp, FollowupRepository
from crm.opportunities import Opportunity, OpportunityRepository
from crm.visits.record import Objection
from crm.visits.repository import Visit, VisitRepository

CONTRACT_HORIZON_DAYS = 180  # the card lists contracts ending within this many days


class DatedObjection(Objection):
    """An objection with the date of the visit that raised it."""

    visit_date: date


class CustomerProfile(BaseModel):
    """Everything about one customer that one user may see."""

    customer: Customer
    contacts: list[Contact] = Field(default_factory=list)
    visits: list[Visit] = Field(default_factory=list)
    followups: list[FollowUp] = Field(default_factory=list)
    objections: list[DatedObjection] = Field(default_factory=list)
    opportunities: list[Opportunity] = Field(default_factory=list)
    contracts_ending: list[Contract] = Field(default_factory=list)  # within CONTRACT_HORIZON_DAYS
    open_cases: list[Case] = Field(default_factory=list)


class ProfileService:
    """Builds customer profiles from the repositories, scoped to what a user may see."""

    def __init__(
        self, customers: CustomerRepository, visits: VisitRepository, followups: FollowupRepository,
        opportunities: OpportunityRepository, contracts: ContractRepository, cases: CaseRepository,
    ):
        self.customers = customers
        self.visits = visits
        self.followups = followups
        self.opportunities = opportunities
        self.contracts = contracts
        self.cases = cases

    def profile(
        self, customer: Customer, *, user_id: int | None, limit: int = 5, today: date | None = None
    ) -> CustomerProfile:
        """Everything about `customer` that `user_id` may see (None: everyone's records)."""
        recent = self.visits.for_customer(customer.id, user_id=user_id, limit=max(limit, 10))
        objections = [
            DatedObjection(**objection.model_dump(), visit_date=visit.visit_date)
            for visit in recent
            for objection in visit.objections
        ]
        return CustomerProfile(
            customer=customer,
            contacts=self.customers.contacts(customer.id, user_id=user_id),
            visits=recent[:limit],
            followups=self.followups.open_for_customer(customer.id, user_id=user_id),
            objections=objections[:limit],
            opportunities=self.opportunities.list_open(user_id=user_id, customer_id=customer.id),
            contracts_ending=[
                contract for contract in self.contracts.list(user_id=user_id, customer_id=customer.id)
                if contract.end is not None and contract.end <= (today or date.today()) + timedelta(days=CONTRACT_HORIZON_DAYS)
            ],  # fmt: skip
            open_cases=self.cases.list_open(user_id=user_id, customer_id=customer.id),
        )
