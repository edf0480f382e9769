"""Conversation state: which skill waits for a user's next message, and what it remembered."""

from __future__ import annotations

import json
from typing import Any

from crm.store import Store, utc_now_iso


class ConversationRepository:
    """One pending conversation per user, kept in SQLite so it survives a restart."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, user_id: int) -> tuple[str, dict[str, Any]] | None:
        """The skill waiting for this user's next message and its state, if any."""
        rows = list(self.store.db.query("select skill, state from conversation_state where user_id = ?", [user_id]))
        if not rows:
            return None
        return rows[0]["skill"], json.loads(rows[0]["state"] or "{}")

    def set(self, user_id: int, skill: str, state: dict[str, Any]) -> None:
        """Make `skill` receive this user's next free-text message."""
        with self.store.transaction() as db:
            db["conversation_state"].upsert(
                {"user_id": user_id, "skill": skill, "state": json.dumps(state, ensure_ascii=False),
                 "updated_at": utc_now_iso()},
                pk="user_id",
            )  # fmt: skip

    def clear(self, user_id: int) -> None:
        """Forget any pending conversation for this user."""
        with self.store.transaction() as db:
            db.execute("delete from conversation_state where user_id = ?", [user_id])
