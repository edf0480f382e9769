"""Follow-ups as reps ask for them: read from text, linked to the customer they name, stored.

The chat (`skills.followups`) and `kam remind` both create follow-ups through `FollowupService`.
"""

from __future__ import annotations

import logging
from datetime import datetime, time

from crm.customers import CustomerRepository
from crm.followups.reading import ReminderDraft, draft_reminder
from crm.followups.repository import FollowUp, FollowupRepository
from crm.parsing.dates import simplified
from crm.users import User

log = logging.getLogger(__name__)


class FollowupService:
    """Creates follow-ups from what a rep typed, linked to the customer the text names."""

    def __init__(self, followups: FollowupRepository, customers: CustomerRepository, *, default_time: time):
        self.followups = followups
        self.customers = customers
        self.default_time = default_time

    def read(self, text: str, *, user: User, now: datetime) -> ReminderDraft:
        """The task and due time in `text`; NoDueTime when no time is named, DueInPast when it has passed."""
        return draft_reminder(text, now=now, zone=user.zone, default_time=self.default_time)

    def create(self, user: User, text: str, due: datetime) -> FollowUp:
        """Store a follow-up for `user`, linked to the customer `text` names when that is certain."""
        followup_id = self.followups.create(user.id, text, due, customer_id=self.customer_named(text))
        return self.followups.get(followup_id, user_id=user.id)

    def create_from_text(self, user: User, text: str, *, now: datetime) -> FollowUp:
        """Read "提醒我周五下午给华信发方案" and store it; NoDueTime or DueInPast when it cannot."""
        draft = self.read(text, user=user, now=now)
        return self.create(user, draft.text, draft.due)

    def customer_named(self, text: str) -> int | None:
        """The id of the customer `text` names unambiguously, else None."""
        if self.customers.count() == 0:
            return None
        found = self.customers.match(simplified(text))  # 給華信打電話 names 华信 too
        if found is None or found.status != "auto" or found.customer is None:
            return None
        return found.customer.id
