"""Knowledge answers given (the question and the passages cited) and the 👍/👎 votes on them."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel

from crm.store import Store, parse_utc, utc_now_iso


class AnswerNotFound(LookupError):
    """No answer with that id for that user."""


class RecordedAnswer(BaseModel):
    """One answer as recorded: who asked what, whether it was answered, which passages it cited."""

    id: int
    user_id: int
    question: str
    answered: bool
    chunk_ids: list[str]
    created_at: datetime


class AnswerLog:
    """Records answers and feedback; a user only ever reads their own answers."""

    def __init__(self, store: Store, *, on_vote: Callable[[], None] | None = None):
        self.store = store
        self.on_vote = on_vote  # called after every vote (the composition root refreshes the passage priors)

    def record(self, user_id: int, question: str, *, answered: bool, chunk_ids: list[str]) -> int:
        """Keep an answer given to `user_id`; returns its id (the buttons carry it)."""
        with self.store.transaction() as db:
            table = db["answers"].insert({
                "user_id": user_id, "question": question, "answered": int(answered),
                "chunk_ids": json.dumps(chunk_ids), "created_at": utc_now_iso(),
            })  # fmt: skip
        return int(table.last_pk)

    def get(self, answer_id: int, *, user_id: int) -> RecordedAnswer:
        """One of `user_id`'s answers, or AnswerNotFound."""
        rows = list(self.store.db.query("select * from answers where id = ? and user_id = ?", [answer_id, user_id]))
        if not rows:
            raise AnswerNotFound(answer_id)
        row = rows[0]
        return RecordedAnswer(
            id=row["id"], user_id=row["user_id"], question=row["question"], answered=bool(row["answered"]),
            chunk_ids=json.loads(row["chunk_ids"] or "[]"), created_at=parse_utc(row["created_at"]),
        )  # fmt: skip

    def vote(self, answer: RecordedAnswer, *, user_id: int, vote: int) -> None:
        """Record 👍 (+1) or 👎 (-1) on an answer; a second vote replaces the first."""
        with self.store.transaction() as db:
            db.execute(
                "insert into answer_feedback (answer_id, user_id, question, chunk_ids, vote, created_at) "
                "values (?, ?, ?, ?, ?, ?) on conflict(answer_id, user_id) "
                "do update set vote = excluded.vote, created_at = excluded.created_at",
                [answer.id, user_id, answer.question, json.dumps(answer.chunk_ids), 1 if vote > 0 else -1,
                 utc_now_iso()],
            )  # fmt: skip
        if self.on_vote is not None:
            self.on_vote()

    def passage_votes(self) -> dict[str, tuple[int, int]]:
        """Per cited passage: (users whose votes on it net 👍, users whose votes net 👎).

        A user counts once per passage however many of their answers cited it (their votes on it are
        summed, and only the sign counts), so one rep repeating a question cannot push a passage.
        """
        rows = self.store.db.execute(
            "select passage.value, feedback.user_id, sum(feedback.vote) from answer_feedback feedback,"
            " json_each(case when json_valid(feedback.chunk_ids) then feedback.chunk_ids else '[]' end) passage"
            " group by passage.value, feedback.user_id"
        ).fetchall()
        counts: dict[str, tuple[int, int]] = {}
        for chunk_id, _user_id, net in rows:
            up, down = counts.get(str(chunk_id), (0, 0))
            counts[str(chunk_id)] = (up + (net > 0), down + (net < 0))
        return counts
