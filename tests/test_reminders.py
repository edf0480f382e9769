"""Reminder delivery with an injectable clock and a fake sender: claims, retries, 403, leases, digests."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest

from crm.followups.chart import render_weekly_chart
from crm.followups.digest import DigestService
from crm.followups.reminders import (
    Claim,
    DeliveryPolicy,
    DeliveryUncertain,
    Outcome,
    PermanentFailure,
    RecipientBlocked,
    ReminderService,
    TemporaryFailure,
)
from crm.followups.repository import FollowupRepository
from crm.store import Store
from crm.users import UserRepository
from skills.followups import daily_digest_reply, reminder_reply, weekly_reply
from skills.models import Reply
from tests.conftest import OTHER_REP_ID, REP_ID

NINE = time(9, 0)

START = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakeSender:
    """Records deliveries as the follow-ups skill words them; can fail the next calls or be slow."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, Reply]] = []
        self.failures: list[Exception] = []
        self.delay = 0.0

    async def __call__(self, claim: Claim) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((claim.user.id, reminder_reply(claim, now=claim.followup.due, default_time=NINE)))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(store: Store, clock: Clock) -> ReminderService:
    for user_id in (REP_ID, OTHER_REP_ID):
        UserRepository(store).upsert(user_id, name="rep", timezone_name="Asia/Shanghai", registered_via="allowlist")
    policy = DeliveryPolicy(retry_base=timedelta(seconds=30), lease=timedelta(minutes=5))
    return ReminderService(store, UserRepository(store), policy=policy, clock=clock)


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


def add(service: ReminderService, text: str = "给华信发方案", *, due: datetime = START, user_id: int = REP_ID) -> int:
    return FollowupRepository(service.store).create(user_id, text, due)


async def test_a_due_reminder_is_sent_once_with_its_buttons(service, sender) -> None:
    followup_id = add(service)
    add(service, "later", due=START + timedelta(hours=1))
    report = await service.sweep(sender)
    assert report.count(Outcome.SENT) == 1
    [(chat_id, reply)] = sender.sent
    assert chat_id == REP_ID and "给华信发方案" in reply.text and "已逾期" not in reply.text
    data = [button.data for row in reply.buttons for button in row]
    assert data == [f"followups:done:{followup_id}", f"followups:snooze:{followup_id}:1h",
                    f"followups:snooze:{followup_id}:tomorrow", f"followups:snooze:{followup_id}:monday"]  # fmt: skip
    assert (await service.sweep(sender)).due == 0
    assert await service.deliver(followup_id, sender) is Outcome.SKIPPED
    assert len(sender.sent) == 1
    assert FollowupRepository(service.store).get(followup_id).reminder_state == "sent"


async def test_alarm_and_sweeper_racing_send_one_message(service, sender) -> None:
    followup_id = add(service)
    sender.delay = 0.05
    outcomes = await asyncio.gather(service.deliver(followup_id, sender), service.sweep(sender),
                                    service.deliver(followup_id, sender))  # fmt: skip
    assert len(sender.sent) == 1
    assert outcomes[0] is Outcome.SENT and outcomes[2] is Outcome.SKIPPED


async def test_not_due_yet_is_not_claimed(service, sender) -> None:
    followup_id = add(service, due=START + timedelta(seconds=1))
    assert service.claim(followup_id) is None
    assert service.upcoming(timedelta(seconds=10)) == [(followup_id, START + timedelta(seconds=1))]
    service.clock.advance(seconds=1)  # type: ignore[attr-defined]
    assert await service.deliver(followup_id, sender) is Outcome.SENT


async def test_temporary_failures_back_off_then_deliver(service, sender, clock) -> None:
    followup_id = add(service)
    sender.failures = [TemporaryFailure("502 Bad Gateway"), TemporaryFailure("429", retry_after=120)]
    assert await service.deliver(followup_id, sender) is Outcome.RETRY
    row = FollowupRepository(service.store).get(followup_id)
    assert (row.reminder_state, row.attempts, row.next_attempt) == ("pending", 1, START + timedelta(seconds=30))
    assert service.due_ids() == []  # waiting out the backoff
    clock.advance(seconds=30)
    assert await service.deliver(followup_id, sender) is Outcome.RETRY
    assert FollowupRepository(service.store).get(followup_id).next_attempt == clock.now + timedelta(seconds=120)
    clock.advance(seconds=119)
    assert (await service.sweep(sender)).due == 0
    clock.advance(seconds=1)
    assert (await service.sweep(sender)).count(Outcome.SENT) == 1
    assert len(sender.sent) == 1


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = DeliveryPolicy(retry_base=timedelta(seconds=30), retry_max=timedelta(minutes=30))
    assert [policy.backoff(n).total_seconds() for n in (1, 2, 3, 10)] == [30, 60, 120, 1800]
    assert policy.backoff(1, retry_after=90).total_seconds() == 90


async def test_blocked_user_is_marked_inactive_and_kept(service, sender, store) -> None:
    first, second = add(service), add(service, "第二条")
    other = add(service, "other rep", user_id=OTHER_REP_ID)
    sender.failures = [RecipientBlocked("Forbidden: bot was blocked by the user")]
    report = await service.sweep(sender)
    assert report.count(Outcome.BLOCKED) >= 1
    assert UserRepository(store).get(REP_ID).active is False
    assert [chat for chat, _ in sender.sent] == [OTHER_REP_ID]
    repository = FollowupRepository(store)
    assert {repository.get(i).reminder_state for i in (first, second)} == {"pending"}
    assert repository.get(other).reminder_state == "sent"
    assert (await service.sweep(sender)).due == 0  # not spammed
    UserRepository(store).update(REP_ID, active=1)  # they came back (the assistant does this on their next message)
    service.clock.advance(minutes=10)  # type: ignore[attr-defined]
    await service.sweep(sender)
    replies = [reply for chat, reply in sender.sent if chat == REP_ID]
    assert len(replies) == 2 and all("已逾期" in reply.text for reply in replies)


async def test_permanent_and_uncertain_failures_are_not_resent(service, sender) -> None:
    rejected, uncertain = add(service, "rejected"), add(service, "uncertain")
    sender.failures = [PermanentFailure("Bad Request: chat not found"), DeliveryUncertain("read timeout")]
    await service.deliver(rejected, sender)
    await service.deliver(uncertain, sender)
    repository = FollowupRepository(service.store)
    assert repository.get(rejected).reminder_state == "failed"
    assert repository.get(rejected).status == "open"  # still listed, still in the digest
    assert repository.get(uncertain).reminder_state == "sent"
    assert (await service.sweep(sender)).due == 0 and sender.sent == []


async def test_unexpected_errors_are_retried(service, sender) -> None:
    followup_id = add(service)
    sender.failures = [RuntimeError("bug")]
    assert await service.deliver(followup_id, sender) is Outcome.RETRY
    assert FollowupRepository(service.store).get(followup_id).reminder_state == "pending"


async def test_a_crash_mid_send_is_recovered_after_the_lease(service, sender, clock) -> None:
    followup_id = add(service)
    assert service.claim(followup_id) is not None  # ... and then the process died
    assert service.recover_stale() == 0  # within the lease someone may still be sending
    assert (await service.sweep(sender)).due == 0
    clock.advance(minutes=5, seconds=1)
    report = await service.sweep(sender)
    assert report.recovered == 1 and report.count(Outcome.SENT) == 1


async def test_a_send_slower_than_the_lease_is_not_recovered_from_under_it(service, sender, clock) -> None:
    first, second = add(service), add(service)
    recovered: list[int] = []

    async def slow(claim: Claim) -> None:  # the send outlives the lease while the sweeper looks for orphans
        clock.advance(minutes=6)
        recovered.append(service.recover_stale())
        await sender(claim)

    assert await service.deliver(first, slow) is Outcome.SENT
    assert (await service.sweep(slow)).count(Outcome.SENT) == 1  # the second, claimed by the sweep itself
    assert recovered == [0, 0]
    assert (await service.sweep(sender)).due == 0
    assert len(sender.sent) == 2 and service.recover_stale() == 0
    assert {FollowupRepository(service.store).get(one).reminder_state for one in (first, second)} == {"sent"}


async def test_snoozed_while_sending_stays_armed(service, sender, clock) -> None:
    followup_id = add(service)
    claim = service.claim(followup_id)
    assert claim is not None
    FollowupRepository(service.store).reschedule(followup_id, user_id=REP_ID, due=START + timedelta(hours=1),
                                                 now=START, snooze=True)  # fmt: skip
    assert service.mark_sent(claim) is False
    row = FollowupRepository(service.store).get(followup_id)
    assert (row.reminder_state, row.due) == ("pending", START + timedelta(hours=1))


async def test_done_or_cancelled_follow_ups_are_not_reminded(service, sender) -> None:
    repository = FollowupRepository(service.store)
    done, cancelled = add(service), add(service)
    repository.complete(done, user_id=REP_ID, now=START)
    repository.cancel(cancelled, user_id=REP_ID, now=START)
    assert (await service.sweep(sender)).due == 0


async def test_missed_while_down_are_marked_overdue(service, sender, clock) -> None:
    missed = add(service, due=START - timedelta(hours=2))
    on_time = add(service, due=START + timedelta(minutes=1))
    assert service.mark_missed(START) == 1
    await service.sweep(sender)
    clock.advance(minutes=1)
    await service.sweep(sender)
    texts = {reply.text.split("\n")[0]: reply.text for _, reply in sender.sent}
    assert len(sender.sent) == 2
    [late] = [reply for _, reply in sender.sent if f"#{missed}" in reply.text]
    [fresh] = [reply for _, reply in sender.sent if f"#{on_time}" in reply.text]
    assert "已逾期" in late.text and "已逾期" not in fresh.text, texts


async def test_reminder_shows_local_time_in_the_users_zone(service, store, clock) -> None:
    UserRepository(store).update(REP_ID, timezone="America/New_York")
    clock.now = datetime(2026, 11, 1, 14, 0, tzinfo=UTC)  # 09:00 EST, after the change
    followup_id = add(service, "call Acme's CFO", due=clock.now)
    claim = service.claim(followup_id)
    assert claim is not None
    reply = reminder_reply(claim, now=clock.now, default_time=NINE)
    assert "today 09:00" in reply.text and "Done" in reply.buttons[0][0].label


# the digest -------------------------------------------------------------------------------------


@pytest.fixture
def digests(store: Store, clock: Clock) -> DigestService:
    for user_id in (REP_ID, OTHER_REP_ID):
        UserRepository(store).upsert(user_id, name="rep", timezone_name="Asia/Shanghai", registered_via="allowlist")
    return DigestService(store, FollowupRepository(store), UserRepository(store), default_time="08:30", clock=clock)


def test_digest_is_due_once_at_each_users_local_time(digests: DigestService, store: Store, clock: Clock) -> None:
    UserRepository(store).update(OTHER_REP_ID, timezone="America/New_York")
    clock.now = datetime(2026, 3, 4, 0, 29, tzinfo=UTC)  # 08:29 in Shanghai
    assert digests.due() == []
    clock.advance(minutes=1)
    [due] = digests.due()
    assert (due.user.id, due.kind, due.local_date) == (REP_ID, "daily", date(2026, 3, 4))
    assert digests.claim(due) and not digests.claim(due)
    assert digests.due() == []
    digests.set_digest_time(OTHER_REP_ID, "07:45")
    clock.now = datetime(2026, 3, 4, 12, 45, tzinfo=UTC)  # 07:45 EST in New York
    assert [(d.user.id, d.kind) for d in digests.due()] == [(OTHER_REP_ID, "daily")]
    clock.now = datetime(2026, 3, 9, 11, 45, tzinfo=UTC)  # Monday 07:45 EDT (DST began 8 March)
    assert [(d.user.id, d.kind) for d in digests.due()] == [(OTHER_REP_ID, "daily"), (OTHER_REP_ID, "weekly")]
    digests.set_digest_time(OTHER_REP_ID, "off")
    assert digests.due() == []


def test_a_failed_digest_is_released_and_a_late_start_catches_up(digests: DigestService, clock: Clock) -> None:
    clock.now = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # 10:00, bot was down at 08:30
    [due] = [d for d in digests.due() if d.user.id == REP_ID]
    assert digests.claim(due)
    digests.release(due)
    assert [d.user.id for d in digests.due()].count(REP_ID) == 1
    clock.now = datetime(2026, 3, 4, 4, 0, tzinfo=UTC)  # 12:00: too late for this morning's digest
    assert digests.due() == []


def test_daily_digest_lists_overdue_due_today_and_visits_without_follow_up(
    digests: DigestService, store: Store, clock: Clock
) -> None:
    repository = FollowupRepository(store)
    clock.now = datetime(2026, 3, 4, 0, 30, tzinfo=UTC)
    assert digests.daily(UserRepository(store).get(REP_ID)) is None  # nothing to say: no message
    repository.create(REP_ID, "给华信发方案", clock.now - timedelta(days=1))
    repository.create(REP_ID, "call Acme", clock.now + timedelta(hours=6))
    repository.create(REP_ID, "next week", clock.now + timedelta(days=7))
    store.db["visits"].insert({"user_id": REP_ID, "visit_date": "2026-03-03", "summary": "见了王经理，嫌贵",
                               "created_at": "2026-03-03T08:00:00+00:00"})  # fmt: skip
    digest = digests.daily(UserRepository(store).get(REP_ID))
    assert digest is not None
    reply = daily_digest_reply(digest, language="zh")
    text = reply.text
    assert text.index("已逾期") < text.index("给华信发方案") < text.index("今天到期") < text.index("call Acme")
    assert "next week" not in text and "见了王经理" in text
    assert reply.buttons[0][0].data == "followups:list"


def test_weekly_summary_counts_and_chart(digests: DigestService, store: Store, clock: Clock) -> None:
    clock.now = datetime(2026, 3, 9, 0, 30, tzinfo=UTC)  # Monday 08:30 Shanghai
    repository = FollowupRepository(store)
    done_id = repository.create(REP_ID, "done last Friday", clock.now - timedelta(days=4))
    repository.complete(done_id, user_id=REP_ID, now=datetime(2026, 3, 6, 3, 0, tzinfo=UTC))
    for day in ("2026-03-02", "2026-03-06", "2026-03-06", "2026-02-10"):
        store.db["visits"].insert({"user_id": REP_ID, "visit_date": day, "summary": "", "created_at": day})
    data = digests.weekly_data(UserRepository(store).get(REP_ID))
    assert data.days[0] == date(2026, 2, 9) and data.days[-1] == date(2026, 3, 8) and len(data.days) == 28
    assert data.last_week(data.visits) == 3 and data.last_week(data.done) == 1 and sum(data.visits) == 4
    png = render_weekly_chart(data)
    assert png.startswith(b"\x89PNG")
    assert not data.is_empty and data.has_activity
    reply = weekly_reply(data, png, language="zh")
    assert reply.file is not None and reply.file.kind == "photo"
    assert "拜访 3 次" in reply.text and "完成跟进 1 条" in reply.text
