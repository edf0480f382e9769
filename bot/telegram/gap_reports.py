"""The weekly knowledge-gap report to admins, sent from the digest tick (the JobQueue is only the clock).

`crm.knowledge_gaps.KnowledgeGaps.due()` decides from the database who is due (Monday 09:00 in each
admin's time zone); the delivery row is claimed before sending, so it goes out once per admin and week
even across restarts or overlapping ticks; a temporary failure releases the claim for the next tick.
"""

from __future__ import annotations

import logging

from telegram import Bot

from bot.assistant import Assistant
from bot.telegram.send import classified, send_reply
from crm.followups.reminders import DeliveryUncertain, PermanentFailure, RecipientBlocked, TemporaryFailure
from crm.knowledge_gaps import REPORT_DAYS
from skills.gaps import gap_report_reply

log = logging.getLogger(__name__)

async def deliver_gap_reports(bot: Bot, assistant: Assistant, *, read_timeout: float) -> int:
    """Claim and send the due weekly reports; returns how many were sent (an empty week sends nothing)."""
    gaps = assistant.gaps
    sent = 0
    for due in gaps.due():
        if not gaps.claim(due):
            continue
        report = gaps.report(days=REPORT_DAYS)
        if report.is_empty:
            continue  # nothing to write about this week; the week stays recorded
        reply = gap_report_reply(report, language=assistant.digests.language(due.user), weekly=True)
        try:
            await classified(send_reply(bot, due.user.id, reply, read_timeout=read_timeout))
            sent += 1
        except RecipientBlocked:
            log.warning("admin %s blocked the bot; no gap report", due.user.id)
        except TemporaryFailure as error:
            gaps.release(due)
            log.info("gap report for admin %s not sent (%s); will retry", due.user.id, error)
        except DeliveryUncertain:
            log.warning("gap report for admin %s: answer lost; not resending", due.user.id)
        except PermanentFailure as error:
            log.error("gap report for admin %s refused: %s", due.user.id, error)
    return sent
