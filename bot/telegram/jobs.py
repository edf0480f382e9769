"""The JobQueue as the reminders' alarm clock, rebuilt from the database at every start.

`schedule_reminders(application)` runs from `post_init`:

1. reminders left in 'sending' by a crash (older than the lease) go back to 'pending';
2. reminders that fell due while the bot was down are flagged overdue (they are sent at once);
3. a sweeper (`run_repeating`, every KAM_SWEEP_SECONDS) sends whatever is due and unsent and arms a
   `run_once` alarm named `reminder:{id}` for each reminder due before the next sweeps, so those go
   out on the second rather than at the next sweep;
4. a digest tick (every minute) sends each user's daily digest and Monday's weekly summary;
5. a gap-report tick (every minute) sends admins Monday's knowledge-gap report (`bot.telegram.gap_reports`).

Every alarm only *asks* `ReminderService` to deliver; the service claims the row first, so an alarm
and a sweep that fire together still send one message. APScheduler drops a job that runs more than
a second late by default (`misfire_grace_time=1`): every job here passes `misfire_grace_time=None`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.ext import Application, ContextTypes

from bot.assistant import Assistant
from bot.telegram.gap_reports import deliver_gap_reports
from bot.telegram.send import classified, send_reply
from crm.followups.chart import render_weekly_chart
from crm.followups.digest import DigestService, DueDigest
from crm.followups.reminders import (
    Claim,
    DeliveryUncertain,
    PermanentFailure,
    RecipientBlocked,
    ReminderService,
    Sender,
    SweepReport,
    TemporaryFailure,
)
from skills.followups import daily_digest_reply, reminder_reply, weekly_reply

log = logging.getLogger(__name__)

RUNTIME_KEY = "reminders"
SWEEP_JOB = "reminders:sweep"
DIGEST_JOB = "digest:tick"
GAPS_JOB = "gaps:tick"
JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True}
DIGEST_TICK_SECONDS = 60.0


@dataclass
class ReminderRuntime:
    """Per-application state of the scheduler (kept in `bot_data`, never module-global)."""

    assistant: Assistant
    service: ReminderService
    digests: DigestService
    sweep_interval: float
    read_timeout: float
    sweeping: bool = False
    ticking: bool = False
    last_sweep: SweepReport | None = None
    sweeps: int = 0  # completed sweeper passes (for `kam` diagnostics and tests)
    alarms_armed: int = 0

    @property
    def horizon(self) -> timedelta:
        """How far ahead reminders get an exact alarm: two sweeps and a margin."""
        return timedelta(seconds=2 * self.sweep_interval + 5)


def schedule_reminders(application: Application) -> ReminderRuntime | None:
    """Rebuild the alarm clock from the database; call from `post_init` (before the JobQueue starts)."""
    job_queue = application.job_queue
    if job_queue is None:
        log.error("the JobQueue is not available (install python-telegram-bot[job-queue]); reminders are off")
        return None
    assistant: Assistant = application.bot_data["assistant"]
    settings = assistant.settings
    runtime = ReminderRuntime(
        assistant=assistant,
        service=assistant.reminders,
        digests=assistant.digests,
        sweep_interval=settings.sweep_seconds,
        read_timeout=settings.reminder_read_timeout,
    )
    application.bot_data[RUNTIME_KEY] = runtime
    runtime.service.recover_stale()
    runtime.service.mark_missed(datetime.now(UTC))
    for job in (job_queue.get_jobs_by_name(SWEEP_JOB) + job_queue.get_jobs_by_name(DIGEST_JOB)
                + job_queue.get_jobs_by_name(GAPS_JOB)):
        job.schedule_removal()
    job_queue.run_repeating(sweep_reminders, interval=settings.sweep_seconds, first=0, name=SWEEP_JOB,
                            job_kwargs={**JOB_KWARGS, "max_instances": 2})  # fmt: skip
    tick = min(DIGEST_TICK_SECONDS, settings.sweep_seconds)
    job_queue.run_repeating(send_digests, interval=tick, first=tick / 2, name=DIGEST_JOB,
                            job_kwargs={**JOB_KWARGS, "max_instances": 2})  # fmt: skip
    job_queue.run_repeating(send_gap_reports, interval=tick, first=tick / 2, name=GAPS_JOB,
                            job_kwargs={**JOB_KWARGS, "max_instances": 2})  # fmt: skip
    armed = arm_upcoming(application)
    log.info("reminders scheduled: sweeper every %.1fs, %d alarm(s) armed", settings.sweep_seconds, armed)
    return runtime


def arm_upcoming(application: Application) -> int:
    """Arm (or move) a `reminder:{id}` alarm for each pending reminder due within the horizon."""
    runtime: ReminderRuntime | None = application.bot_data.get(RUNTIME_KEY)
    if runtime is None:  # reminders are off (no JobQueue)
        return 0
    job_queue = application.job_queue
    assert job_queue is not None
    armed = {job.name: job for job in job_queue.jobs() if job.name and job.name.startswith("reminder:")}
    count = 0
    for followup_id, due in runtime.service.upcoming(runtime.horizon):
        name = f"reminder:{followup_id}"
        existing = armed.get(name)
        if existing is not None:
            if existing.data == {"id": followup_id, "due": due} and not existing.removed:
                continue
            existing.schedule_removal()  # snoozed or edited since it was armed
        job_queue.run_once(deliver_reminder, when=due, name=name, data={"id": followup_id, "due": due},
                           job_kwargs=JOB_KWARGS)  # fmt: skip
        count += 1
    runtime.alarms_armed += count
    return count


async def deliver_reminder(context: ContextTypes.DEFAULT_TYPE) -> None:
    """A `reminder:{id}` alarm went off: deliver that reminder (a no-op if the sweeper got there first)."""
    runtime: ReminderRuntime = context.application.bot_data[RUNTIME_KEY]
    assert context.job is not None
    followup_id = context.job.data["id"]  # type: ignore[index]
    outcome = await runtime.service.deliver(followup_id, telegram_sender(context.bot, runtime))
    log.debug("reminder %s alarm: %s", followup_id, outcome.value)


async def sweep_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The sweeper: send everything due and unsent, then arm alarms for what falls due soon."""
    runtime: ReminderRuntime = context.application.bot_data[RUNTIME_KEY]
    if runtime.sweeping:  # the previous pass is still sending
        return
    runtime.sweeping = True
    try:
        report = await runtime.service.sweep(telegram_sender(context.bot, runtime))
        runtime.last_sweep = report
        if report.due:
            log.info("sweep: %d due, outcomes %s", report.due, report.outcomes)
        arm_upcoming(context.application)
        runtime.sweeps += 1
    finally:
        runtime.sweeping = False


async def send_digests(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the daily digests (and Monday's weekly summaries) that are due now."""
    runtime: ReminderRuntime = context.application.bot_data[RUNTIME_KEY]
    if runtime.ticking:
        return
    runtime.ticking = True
    try:
        for due in runtime.digests.due():
            if runtime.digests.claim(due):
                await _send_digest(context.bot, runtime, due)
    finally:
        runtime.ticking = False


async def send_gap_reports(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the weekly knowledge-gap reports due now (admins, Monday morning in their time zone)."""
    runtime: ReminderRuntime = context.application.bot_data[RUNTIME_KEY]
    await deliver_gap_reports(context.bot, runtime.assistant, read_timeout=runtime.read_timeout)


async def _send_digest(bot: Bot, runtime: ReminderRuntime, due: DueDigest) -> None:
    service = runtime.digests
    language = service.language(due.user)
    if due.kind == "daily":
        digest = service.daily(due.user)
        reply = daily_digest_reply(digest, language=language) if digest is not None else None
    else:
        data = service.weekly_data(due.user)
        chart = await asyncio.to_thread(render_weekly_chart, data) if data.has_activity else None
        reply = None if data.is_empty else weekly_reply(data, chart, language=language)
    if reply is None:
        return  # nothing to say today; the day stays recorded
    try:
        await classified(send_reply(bot, due.user.id, reply, read_timeout=runtime.read_timeout))
    except RecipientBlocked:
        service.mark_blocked(due.user.id)
        log.warning("user %s blocked the bot; digests stop until they return", due.user.id)
    except TemporaryFailure as error:
        service.release(due)  # the next tick tries again
        log.info("%s digest for user %s not sent (%s); will retry", due.kind, due.user.id, error)
    except DeliveryUncertain:
        log.warning("%s digest for user %s: answer lost; not resending", due.kind, due.user.id)
    except PermanentFailure as error:
        log.error("%s digest for user %s refused: %s", due.kind, due.user.id, error)


def telegram_sender(bot: Bot, runtime: ReminderRuntime) -> Sender:
    """A `send(claim)` for the reminder service: the follow-ups skill words it, the one send path sends it."""
    default_time = runtime.assistant.followup_service.default_time

    async def send(claim: Claim) -> None:
        reply = reminder_reply(claim, now=runtime.service.clock(), default_time=default_time)
        await classified(send_reply(bot, claim.user.id, reply, read_timeout=runtime.read_timeout))

    return send
