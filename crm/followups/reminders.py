"""Reminder delivery: claim a due reminder, send it once, retry with backoff, respect blocked users.

Pure of Telegram: the transport hands in a `send(claim)` coroutine (it words the reminder and sends it)
that raises one of the `DeliveryError`s below (the Telegram side maps its exceptions in `bot.telegram.jobs`). The clock is
injectable, so tests drive time without sleeping.

The reminder state machine (column `reminder_state`, only for open follow-ups):

    pending --claim--> sending --sent--> sent
       ^                  |  \\--permanent error--> failed
       |                  |
       +-- temporary error (network, 429, 5xx): attempts+1, next_attempt_utc = now + backoff
       +-- recipient blocked the bot (403): users.active = 0, reminder kept for when they return
       +-- a lease expired (the sender crashed mid-send): recovered by `recover_stale`, never while this
           service is still sending it (a send slower than the lease is slow, not orphaned)

A claim is one `UPDATE … WHERE id = ? AND reminder_state = 'pending'` whose rowcount says who won,
so the scheduled job and the sweeper (or two processes) never both send the same reminder.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum

from crm.followups.repository import FollowUp, followup_from_row
from crm.store import Store, parse_utc, to_utc_iso
from crm.users import User, UserRepository

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sender = Callable[["Claim"], Awaitable[None]]  # delivers one claimed reminder to its user

_CLAIMED = (
    "select f.*, c.name as customer_name from followups f left join customers c on c.id = f.customer_id"
    " where f.claimed_utc = ? and f.reminder_state = 'sending' order by f.due_utc, f.id"
)


class DeliveryError(Exception):
    """Sending a message failed; the subclass says what to do about it."""


class RecipientBlocked(DeliveryError):
    """The user blocked the bot (Telegram 403): stop sending until they come back."""


class TemporaryFailure(DeliveryError):
    """Network trouble, flood control (429) or a server error (5xx): try again later."""

    def __init__(self, reason: str = "", *, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


class PermanentFailure(DeliveryError):
    """Telegram rejected the message itself (400, e.g. chat not found): retrying will not help."""


class DeliveryUncertain(DeliveryError):
    """The request went out but its answer was lost (read timeout): it probably arrived."""


class Outcome(str, Enum):
    """What happened to one reminder."""

    SENT = "sent"
    UNCERTAIN = "uncertain"  # counted as sent: resending risks a duplicate
    SKIPPED = "skipped"  # someone else claimed it, or it is no longer due/open
    RETRY = "retry"
    BLOCKED = "blocked"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryPolicy:
    """Timing knobs; the defaults suit production, tests shrink them."""

    retry_base: timedelta = timedelta(seconds=30)  # first retry delay, doubled per attempt
    retry_max: timedelta = timedelta(minutes=30)
    lease: timedelta = timedelta(minutes=5)  # a 'sending' row older than this was orphaned by a crash
    late_after: timedelta = timedelta(minutes=5)  # a reminder this late is shown as overdue
    batch: int = 500  # reminders per sweeper pass
    concurrency: int = 8  # sends in flight at once during a sweep

    def backoff(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """Delay before the next attempt after `attempts` failures (at least Telegram's retry_after)."""
        delay = min(self.retry_max, self.retry_base * (2 ** max(0, attempts - 1)))
        if retry_after is not None:
            delay = max(delay, timedelta(seconds=retry_after))
        return delay


@dataclass(frozen=True)
class Claim:
    """A reminder this sender owns until it records the outcome."""

    followup: FollowUp
    user: User
    token: str  # the claimed_utc written by the claim; outcomes only apply while it still matches
    late: bool = False  # due long enough ago (or missed while the bot was down) to say "overdue"


@dataclass
class SweepReport:
    """What one sweeper pass did."""

    recovered: int = 0
    due: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: Outcome) -> int:
        """How many reminders ended with `outcome`."""
        return self.outcomes.get(outcome.value, 0)


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    """UTC ISO 8601 with microseconds; sorts correctly against second-precision values."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class ReminderService:
    """Finds due reminders, claims them atomically and records each delivery's outcome."""

    def __init__(
        self,
        store: Store,
        users: UserRepository,
        *,
        policy: DeliveryPolicy = DeliveryPolicy(),
        clock: Clock = utc_now,
    ):
        self.store = store
        self.users = users
        self.policy = policy
        self.clock = clock
        self._sending: set[int] = set()  # follow-ups this service claimed and has not finished sending

    # finding work ------------------------------------------------------------------------------

    def due_ids(self, *, limit: int | None = None) -> list[int]:
        """Open reminders that are due, unsent, past any backoff, for users who have not blocked the bot."""
        now = _iso(self.clock())
        rows = self.store.db.execute(
            "select f.id from followups f join users u on u.id = f.user_id"
            " where f.reminder_state = 'pending' and f.due_utc <= ? and f.status = 'open' and u.active = 1"
            " and (f.next_attempt_utc is null or f.next_attempt_utc <= ?)"
            " order by f.due_utc, f.id limit ?",
            [now, now, limit or self.policy.batch],
        ).fetchall()
        return [row[0] for row in rows]

    def upcoming(self, within: timedelta) -> list[tuple[int, datetime]]:
        """(id, due) of pending reminders falling due in the next `within`: the ones worth an exact alarm."""
        now = self.clock()
        rows = self.store.db.execute(
            "select f.id, f.due_utc from followups f join users u on u.id = f.user_id"
            " where f.reminder_state = 'pending' and f.due_utc > ? and f.due_utc <= ? and f.status = 'open'"
            " and u.active = 1 order by f.due_utc, f.id",
            [_iso(now), _iso(now + within)],
        ).fetchall()
        return [(row[0], parse_utc(row[1])) for row in rows]

    def recover_stale(self) -> int:
        """Put reminders left in 'sending' longer than the lease (a crash mid-send) back to pending."""
        cutoff = _iso(self.clock() - self.policy.lease)
        sending = sorted(self._sending)  # still ours and in flight: slow, not orphaned
        with self.store.transaction() as db:
            cursor = db.execute(
                "update followups set reminder_state = 'pending', claimed_utc = null"
                " where reminder_state = 'sending' and (claimed_utc is null or claimed_utc < ?)"
                f" and id not in ({', '.join('?' * len(sending))})",
                [cutoff, *sending],
            )
        if cursor.rowcount:
            log.warning("recovered %d reminder(s) stuck in 'sending' after a crash", cursor.rowcount)
        return cursor.rowcount

    def mark_missed(self, started_at: datetime) -> int:
        """Flag reminders that fell due before `started_at` (while the bot was down) as overdue."""
        with self.store.transaction() as db:
            cursor = db.execute(
                "update followups set overdue_notice = 1 where status = 'open'"
                " and reminder_state in ('pending', 'sending') and due_utc < ? and coalesce(overdue_notice, 0) = 0",
                [_iso(started_at)],
            )
        if cursor.rowcount:
            log.info("%d reminder(s) fell due while the bot was down; sending them now as overdue", cursor.rowcount)
        return cursor.rowcount

    # the state machine -------------------------------------------------------------------------

    def claim(self, followup_id: int) -> Claim | None:
        """Take one due reminder for sending, or None when it is not due, not pending or already taken."""
        claims = self._claim("f.id = ?", [followup_id], limit=1)
        return claims[0] if claims else None

    def claim_due(self, *, limit: int | None = None) -> list[Claim]:
        """Take every due reminder (up to the batch size) in one transaction: the sweeper's claim."""
        return self._claim("1 = 1", [], limit=limit or self.policy.batch)

    def _claim(self, where: str, params: list, *, limit: int) -> list[Claim]:
        now = _iso(self.clock())
        token = f"{now}|{secrets.token_hex(6)}"  # sorts as its time (the lease) and is unique to this claim
        with self.store.transaction() as db:
            db.execute(
                "update followups set reminder_state = 'sending', claimed_utc = ?, attempts = attempts + 1"
                " where id in (select f.id from followups f join users u on u.id = f.user_id"
                f" where {where} and f.reminder_state = 'pending' and f.status = 'open' and f.due_utc <= ?"
                " and (f.next_attempt_utc is null or f.next_attempt_utc <= ?) and u.active = 1"
                " order by f.due_utc, f.id limit ?)",
                [token, *params, now, now, limit],
            )
            rows = list(db.query(_CLAIMED, [token]))
        users: dict[int, User] = {}
        claims = []
        for row in rows:
            followup = followup_from_row(row)
            if followup.user_id not in users:
                users[followup.user_id] = self.users.get(followup.user_id)
            late = followup.overdue_notice or self.clock() - followup.due > self.policy.late_after
            claims.append(Claim(followup=followup, user=users[followup.user_id], token=token, late=late))
        return claims

    def mark_sent(self, claim: Claim, *, uncertain: bool = False) -> bool:
        """Record a delivery; False if the reminder changed meanwhile (snoozed while sending)."""
        note = "delivery uncertain: read timeout" if uncertain else None
        return self._finish(
            claim.followup.id, claim.token,
            "reminder_state = 'sent', sent_at = :now, next_attempt_utc = null, last_error = :note",
            {"now": to_utc_iso(self.clock()), "note": note},
        )  # fmt: skip

    def retry_later(self, claim: Claim, reason: str, *, retry_after: float | None = None) -> datetime:
        """Back to pending with the next attempt after a backoff; returns when that is."""
        attempts = claim.followup.attempts  # already counts this attempt (the claim added it)
        at = self.clock() + self.policy.backoff(attempts, retry_after)
        self._finish(
            claim.followup.id, claim.token,
            "reminder_state = 'pending', next_attempt_utc = :at, last_error = :reason",
            {"at": _iso(at), "reason": reason[:300]},
        )  # fmt: skip
        return at

    def mark_blocked(self, claim: Claim, reason: str = "blocked by the user") -> None:
        """The user blocked the bot: mark them inactive, keep this reminder pending for their return."""
        with self.store.transaction() as db:
            db.execute("update users set active = 0, updated_at = ? where id = ?",
                       [to_utc_iso(self.clock()), claim.user.id])  # fmt: skip
            self._finish(
                claim.followup.id, claim.token,
                "reminder_state = 'pending', attempts = max(attempts - 1, 0), last_error = :reason",
                {"reason": reason[:300]},
            )  # fmt: skip

    def mark_failed(self, claim: Claim, reason: str) -> None:
        """Telegram refused the message for good; the follow-up stays open and listed."""
        self._finish(claim.followup.id, claim.token, "reminder_state = 'failed', last_error = :reason",
                     {"reason": reason[:300]})  # fmt: skip
        log.error("reminder %s for user %s failed permanently: %s", claim.followup.id, claim.user.id, reason)

    def _finish(self, followup_id: int, token: str, assignments: str, values: dict | None = None) -> bool:
        with self.store.transaction() as db:
            cursor = db.execute(
                f"update followups set {assignments}, claimed_utc = null"
                " where id = :id and reminder_state = 'sending' and claimed_utc = :token",
                {**(values or {}), "id": followup_id, "token": token},
            )
        return cursor.rowcount == 1

    async def _send(self, claim: Claim, send: Sender, blocked: set[int] | None = None) -> Outcome:
        followup_id = claim.followup.id
        blocked = set() if blocked is None else blocked
        if claim.user.id in blocked:  # found blocked earlier in this sweep: don't knock again
            self.mark_blocked(claim)
            return Outcome.BLOCKED
        try:
            await send(claim)
        except RecipientBlocked as error:
            blocked.add(claim.user.id)
            self.mark_blocked(claim, str(error) or "blocked by the user")
            log.warning("user %s blocked the bot; their reminders wait until they return", claim.user.id)
            return Outcome.BLOCKED
        except TemporaryFailure as error:
            at = self.retry_later(claim, f"{type(error).__name__}: {error}", retry_after=error.retry_after)
            log.info("reminder %s not sent (%s); next attempt at %s", followup_id, error, at.isoformat())
            return Outcome.RETRY
        except DeliveryUncertain as error:
            self.mark_sent(claim, uncertain=True)
            log.warning("reminder %s: %s; counted as sent to avoid a duplicate", followup_id, error)
            return Outcome.UNCERTAIN
        except PermanentFailure as error:
            self.mark_failed(claim, str(error))
            return Outcome.FAILED
        except Exception as error:  # a bug in rendering or sending: log once, retry later
            log.exception("reminder %s: unexpected error while sending", followup_id)
            self.retry_later(claim, f"{type(error).__name__}: {error}")
            return Outcome.RETRY
        self.mark_sent(claim)
        return Outcome.SENT

    # delivering --------------------------------------------------------------------------------

    @contextmanager
    def _holding(self, claims: list[Claim]) -> Iterator[None]:
        """While the claims are being sent, `recover_stale` leaves them alone, however long the send takes."""
        ids = {claim.followup.id for claim in claims}
        self._sending |= ids
        try:
            yield
        finally:
            self._sending -= ids

    async def deliver(self, followup_id: int, send: Sender) -> Outcome:
        """Claim one reminder and send it; every outcome is written back before returning."""
        claim = self.claim(followup_id)
        if claim is None:
            return Outcome.SKIPPED
        with self._holding([claim]):
            return await self._send(claim, send)

    async def sweep(self, send: Sender) -> SweepReport:
        """One sweeper pass: recover orphaned claims, claim everything due at once, send (bounded concurrency)."""
        report = SweepReport(recovered=self.recover_stale())
        claims = self.claim_due()
        report.due = len(claims)
        if not claims:
            return report
        gate = asyncio.Semaphore(self.policy.concurrency)
        blocked: set[int] = set()

        async def one(claim: Claim) -> Outcome:
            async with gate:
                return await self._send(claim, send, blocked)

        with self._holding(claims):
            outcomes = await asyncio.gather(*(one(claim) for claim in claims))
        for outcome in outcomes:
            report.outcomes[outcome.value] = report.outcomes.get(outcome.value, 0) + 1
        return report
