"""Reminders end to end: the real PTB Application and JobQueue against the fake Bot API server.

Short real delays only (sweeps every 0.3 s, due times a second or two ahead); nothing asserts speed.
"""

from __future__ import annotations

import asyncio
import time as wallclock
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from bot.telegram.jobs import RUNTIME_KEY, ReminderRuntime, _send_digest
from crm.followups.digest import DueDigest
from crm.followups.repository import FollowupRepository
from crm.store import Store, to_utc_iso
from crm.users import UserRepository
from tests.conftest import REP_ID, running_bot
from tests.fake_telegram import Call, FakeTelegram

pytestmark = pytest.mark.e2e


def _far_from_now() -> str:
    """A digest time twelve hours away in Shanghai, so no digest fires during a test."""
    local = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(hours=12)
    return local.strftime("%H:%M")


@pytest.fixture
def reminder_settings(make_settings: Callable[..., Settings], fake_telegram: FakeTelegram) -> Callable[..., Settings]:
    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "telegram_base_url": fake_telegram.base_url,
            "telegram_base_file_url": fake_telegram.base_file_url,
            "sweep_seconds": 0.3,
            "reminder_retry_seconds": 0.3,
            "reminder_lease_seconds": 1.0,
            "reminder_read_timeout": 5.0,
            "digest_time": _far_from_now(),
        }
        values.update(overrides)
        return make_settings(**values)

    return make


@pytest.fixture
async def reminder_bot(reminder_settings: Callable[..., Settings]) -> AsyncIterator[tuple[Assistant, object]]:
    assistant = build_assistant(reminder_settings())
    _register(assistant.store)
    async with running_bot(assistant) as application:
        yield assistant, application
    assistant.store.close()


def _register(store: Store) -> None:
    UserRepository(store).upsert(REP_ID, name="小王", timezone_name="Asia/Shanghai", registered_via="allowlist")


def _now() -> datetime:
    return datetime.now(UTC)


def _add(store: Store, text: str, due: datetime) -> int:
    return FollowupRepository(store).create(REP_ID, text, due)


def reminder_of(followup_id: int) -> Callable[[Call], bool]:
    """A sendMessage that is the reminder of this follow-up (not a digest, not a reply)."""
    def matches(call: Call) -> bool:
        text = str(call.params.get("text"))
        return (int(call.params["chat_id"]) == REP_ID and ("跟进提醒" in text or "follow-up reminder" in text)
                and (f"#{followup_id}）" in text or f"(#{followup_id})" in text))  # fmt: skip

    return matches


def reminders_sent(fake: FakeTelegram, followup_id: int) -> list[Call]:
    return [call for call in fake.sent("sendMessage") if reminder_of(followup_id)(call)]


async def settle(application, sweeps: int = 3, timeout: float = 20.0) -> None:
    """Wait until the sweeper has completed `sweeps` more passes."""
    runtime: ReminderRuntime = application.bot_data[RUNTIME_KEY]
    target = runtime.sweeps + sweeps
    deadline = wallclock.monotonic() + timeout
    while runtime.sweeps < target:
        assert wallclock.monotonic() < deadline, "the sweeper stopped running"
        await asyncio.sleep(0.05)


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Wait for a condition the bot makes true after the fake server has answered."""
    deadline = wallclock.monotonic() + timeout
    while not condition():
        assert wallclock.monotonic() < deadline, "condition never became true"
        await asyncio.sleep(0.05)


def _message_id(fake: FakeTelegram, followup_id: int) -> int:
    return next(mid for mid, message in fake.messages.items() if f"#{followup_id}）" in str(message.get("text")))


async def test_reminder_arrives_at_its_time_with_buttons(reminder_bot, fake_telegram: FakeTelegram) -> None:
    assistant, application = reminder_bot
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "提醒我明天上午10点给华信发方案")
    [confirmation] = await fake_telegram.wait_for("sendMessage", after=mark)
    assert "给华信发方案" in confirmation.params["text"]
    [followup] = FollowupRepository(assistant.store).list_open(REP_ID)
    due = (_now() + timedelta(seconds=2)).replace(microsecond=0)
    assistant.store.db.execute("update followups set due_utc = ? where id = ?", [to_utc_iso(due), followup.id])
    [reminder] = await fake_telegram.wait_for("sendMessage", predicate=reminder_of(followup.id))
    keyboard = reminder.params["reply_markup"]["inline_keyboard"]
    assert [[button["callback_data"] for button in row] for row in keyboard] == [
        [f"followups:done:{followup.id}", f"followups:snooze:{followup.id}:1h"],
        [f"followups:snooze:{followup.id}:tomorrow", f"followups:snooze:{followup.id}:monday"],
    ]
    assert [button["text"] for row in keyboard for button in row] == ["✅ 完成", "⏰ 1小时后", "明天 09:00", "下周一"]
    repository = FollowupRepository(assistant.store)
    await until(lambda: repository.get(followup.id).reminder_state == "sent")
    stored = repository.get(followup.id)
    assert stored.sent_at is not None and stored.sent_at >= due
    assert "已逾期" not in reminder.params["text"]
    assert application.bot_data[RUNTIME_KEY].alarms_armed >= 1  # an exact alarm, not only the sweeper
    await settle(application)
    assert len(reminders_sent(fake_telegram, followup.id)) == 1


async def test_done_and_snooze_work_from_the_buttons(reminder_bot, fake_telegram: FakeTelegram) -> None:
    assistant, application = reminder_bot
    store = assistant.store
    first, second = _add(store, "给华信发方案", _now()), _add(store, "给王总回电话", _now())
    await fake_telegram.wait_for("sendMessage", predicate=reminder_of(first))
    await fake_telegram.wait_for("sendMessage", predicate=reminder_of(second))

    mark = fake_telegram.mark()
    fake_telegram.press_button(REP_ID, f"followups:done:{first}", message_id=_message_id(fake_telegram, first))
    [edit] = await fake_telegram.wait_for("editMessageText", after=mark)
    assert "已完成" in edit.params["text"] and "给华信发方案" in edit.params["text"]
    assert FollowupRepository(store).get(first).status == "done"  # written before the edit was sent

    mark = fake_telegram.mark()
    pressed_at = _now()
    fake_telegram.press_button(REP_ID, f"followups:snooze:{second}:1h", message_id=_message_id(fake_telegram, second))
    [edit] = await fake_telegram.wait_for("editMessageText", after=mark)
    [answer] = await fake_telegram.wait_for("answerCallbackQuery", after=mark)
    assert "已推迟" in edit.params["text"] and "推迟到" in answer.params["text"]
    await until(lambda: FollowupRepository(store).get(second).snooze_count == 1)
    snoozed = FollowupRepository(store).get(second)
    assert (snoozed.status, snoozed.reminder_state, snoozed.snooze_count) == ("open", "pending", 1)
    assert timedelta(minutes=59) < snoozed.due - pressed_at < timedelta(minutes=61)
    await settle(application)
    assert len(reminders_sent(fake_telegram, second)) == 1  # not re-sent before its new time


async def test_typed_snooze_after_a_reminder(reminder_bot, fake_telegram: FakeTelegram) -> None:
    assistant, _ = reminder_bot
    followup_id = _add(assistant.store, "给华信发方案", _now())
    await fake_telegram.wait_for("sendMessage", predicate=reminder_of(followup_id))
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "推迟到下周一上午10点")
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark)
    assert "已推迟" in reply.params["text"]
    moved = FollowupRepository(assistant.store).get(followup_id)
    local = moved.due.astimezone(ZoneInfo("Asia/Shanghai"))
    assert (local.weekday(), local.hour, moved.reminder_state) == (0, 10, "pending")


async def test_restart_sends_each_reminder_exactly_once(
    reminder_settings: Callable[..., Settings], fake_telegram: FakeTelegram
) -> None:
    settings = reminder_settings()
    first_run = build_assistant(settings)
    _register(first_run.store)
    on_time = _add(first_run.store, "第一次运行", _now() + timedelta(seconds=3))
    async with running_bot(first_run) as application:
        await fake_telegram.wait_for("sendMessage", predicate=reminder_of(on_time))
        await settle(application, sweeps=2)
    first_run.store.close()

    # While the bot is down: one falls due, one falls due right at restart, one was mid-send in a crash.
    store = Store.open(settings.database_path)
    missed = _add(store, "停机期间到期", _now() - timedelta(minutes=5))
    at_restart = _add(store, "重启时到期", _now() + timedelta(seconds=1))
    crashed = _add(store, "发送中崩溃", _now() - timedelta(minutes=1))
    store.db.execute("update followups set reminder_state = 'sending', claimed_utc = ?, attempts = 1 where id = ?",
                     [to_utc_iso(_now() - timedelta(seconds=30)), crashed])  # fmt: skip
    future = _add(store, "下周的事", _now() + timedelta(days=7))
    store.close()

    second_run = build_assistant(settings)
    async with running_bot(second_run) as application:
        for followup_id in (missed, at_restart, crashed):
            await fake_telegram.wait_for("sendMessage", predicate=reminder_of(followup_id))
        await settle(application, sweeps=5)
    second_run.store.close()

    counts = {followup_id: len(reminders_sent(fake_telegram, followup_id))
              for followup_id in (on_time, missed, at_restart, crashed, future)}  # fmt: skip
    assert counts == {on_time: 1, missed: 1, at_restart: 1, crashed: 1, future: 0}
    assert "已逾期" in reminders_sent(fake_telegram, missed)[0].params["text"]
    assert "已逾期" in reminders_sent(fake_telegram, crashed)[0].params["text"]


@pytest.mark.parametrize(
    ("status", "times", "retry_after"),
    [(429, 1, 1), (429, 4, 1), (500, 2, None), (502, 1, None)],
    ids=["429-retried-by-ptb", "429-past-ptb-retries", "500-twice", "502"],
)
async def test_injected_errors_still_deliver_once(
    reminder_bot, fake_telegram: FakeTelegram, status: int, times: int, retry_after: int | None
) -> None:
    assistant, application = reminder_bot
    await settle(application, sweeps=1)
    fake_telegram.fail_next("sendMessage", status, retry_after=retry_after, times=times)
    mark = fake_telegram.mark()
    followup_id = _add(assistant.store, "给华信发方案", _now())
    await fake_telegram.wait_for("sendMessage", predicate=reminder_of(followup_id), timeout=30)
    await until(lambda: FollowupRepository(assistant.store).get(followup_id).reminder_state == "sent")
    await settle(application)
    attempts = [call.status for call in fake_telegram.calls[mark + 1:] if call.method == "sendMessage"]
    assert attempts == [status] * times + [200]
    assert len(reminders_sent(fake_telegram, followup_id)) == 1


async def test_slow_sends_racing_the_sweeper_deliver_once(reminder_bot, fake_telegram: FakeTelegram) -> None:
    assistant, application = reminder_bot
    fake_telegram.delays["sendMessage"] = 1.0  # longer than three sweeps, shorter than the read timeout
    ids = [_add(assistant.store, f"慢速提醒 {n}", _now() + timedelta(seconds=1)) for n in range(3)]
    for followup_id in ids:
        await fake_telegram.wait_for("sendMessage", predicate=reminder_of(followup_id))
    await settle(application)
    fake_telegram.delays.clear()
    assert [len(reminders_sent(fake_telegram, followup_id)) for followup_id in ids] == [1, 1, 1]


async def test_a_read_timeout_is_not_resent(reminder_settings, fake_telegram: FakeTelegram) -> None:
    assistant = build_assistant(reminder_settings(reminder_read_timeout=0.5))
    _register(assistant.store)
    async with running_bot(assistant) as application:
        fake_telegram.delays["sendMessage"] = 1.5  # the answer comes after we stopped waiting for it
        followup_id = _add(assistant.store, "给华信发方案", _now())
        await fake_telegram.wait_for("sendMessage", predicate=reminder_of(followup_id))
        await asyncio.sleep(1.6)  # let the server finish the slow request
        await settle(application)
        fake_telegram.delays.clear()
        stored = FollowupRepository(assistant.store).get(followup_id)
    assistant.store.close()
    assert len(reminders_sent(fake_telegram, followup_id)) == 1
    assert stored.reminder_state == "sent" and "uncertain" in (stored.last_error or "")


async def test_a_user_who_blocked_the_bot_is_not_spammed(reminder_bot, fake_telegram: FakeTelegram) -> None:
    assistant, application = reminder_bot
    await settle(application, sweeps=1)
    fake_telegram.fail_next("sendMessage", 403)
    mark = fake_telegram.mark()
    first, second = _add(assistant.store, "给华信发方案", _now()), _add(assistant.store, "给王总回电话", _now())
    deadline = wallclock.monotonic() + 10
    while assistant.users.get(REP_ID).active:
        assert wallclock.monotonic() < deadline
        await asyncio.sleep(0.05)
    await settle(application, sweeps=4)
    tries = [call for call in fake_telegram.calls[mark + 1:] if call.method == "sendMessage"
             and int(call.params["chat_id"]) == REP_ID and call.status != 200]  # fmt: skip
    assert [call.status for call in tries] == [403]
    repository = FollowupRepository(assistant.store)
    assert {repository.get(first).status, repository.get(second).status} == {"open"}
    assert {repository.get(first).reminder_state, repository.get(second).reminder_state} <= {"pending", "sent"}

    fake_telegram.send_text(REP_ID, "/start")  # they unblocked us and said hello
    for followup_id in (first, second):
        await fake_telegram.wait_for("sendMessage", predicate=reminder_of(followup_id))
    await settle(application)
    assert assistant.users.get(REP_ID).active
    assert [len(reminders_sent(fake_telegram, i)) for i in (first, second)] == [1, 1]


async def test_timezone_set_in_chat_drives_due_times(reminder_bot, fake_telegram: FakeTelegram) -> None:
    assistant, _ = reminder_bot
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/tz America/New_York")
    await fake_telegram.wait_for("sendMessage", after=mark)
    assert assistant.users.get(REP_ID).timezone == "America/New_York"
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "remind me to call Acme's CFO tomorrow 9am")
    [reply] = await fake_telegram.wait_for("sendMessage", after=mark)
    assert "tomorrow 09:00" in reply.params["text"]
    [followup] = FollowupRepository(assistant.store).list_open(REP_ID)
    local = followup.due.astimezone(ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) == (9, 0)
    assert local.date() == (datetime.now(ZoneInfo("America/New_York")) + timedelta(days=1)).date()


async def test_daily_digest_and_weekly_chart_arrive(reminder_settings, fake_telegram: FakeTelegram) -> None:
    now_local = datetime.now(ZoneInfo("Asia/Shanghai"))
    assistant = build_assistant(reminder_settings(digest_time=now_local.strftime("%H:%M")))
    _register(assistant.store)
    store = assistant.store
    # due later today, local time (an hour from now, or just before midnight when that is tomorrow already)
    midnight = datetime.combine(now_local.date() + timedelta(days=1), time(0), tzinfo=now_local.tzinfo)
    _add(store, "给华信发方案", min(_now() + timedelta(hours=1), midnight.astimezone(UTC) - timedelta(seconds=30)))
    done_id = _add(store, "已完成的跟进", _now() - timedelta(days=8))
    FollowupRepository(store).complete(done_id, user_id=REP_ID, now=_now() - timedelta(days=8))
    store.db["visits"].insert({"user_id": REP_ID, "visit_date": (now_local - timedelta(days=8)).date().isoformat(),
                               "summary": "见了王经理", "created_at": to_utc_iso(_now())})  # fmt: skip
    async with running_bot(assistant) as application:
        [digest] = await fake_telegram.wait_for(
            "sendMessage", predicate=lambda call: "今日跟进" in str(call.params.get("text")))
        assert "给华信发方案" in digest.params["text"]
        runtime: ReminderRuntime = application.bot_data[RUNTIME_KEY]
        user = UserRepository(store).get(REP_ID)
        await _send_digest(application.bot, runtime, DueDigest(user, "weekly", now_local.date(), None))
        photos = await fake_telegram.wait_for("sendPhoto")
        photo = photos[-1]  # on a Monday the digest tick has sent its own weekly summary first
        await settle(application)
    store.close()
    assert photo.params["photo"]["content"].startswith(b"\x89PNG")
    assert "拜访" in photo.params.get("caption", "")
    assert len([c for c in fake_telegram.sent("sendMessage") if "今日跟进" in str(c.params.get("text"))]) == 1


async def test_a_follow_up_made_in_chat_is_armed_before_the_next_sweep(
    reminder_settings: Callable[..., Settings], fake_telegram: FakeTelegram
) -> None:
    assistant = build_assistant(reminder_settings(sweep_seconds=600.0))  # the sweeper will not help
    _register(assistant.store)
    async with running_bot(assistant):
        followup_id = _add(assistant.store, "给华信发方案", _now() + timedelta(seconds=2))
        mark = fake_telegram.mark()
        fake_telegram.send_text(REP_ID, "/followups")  # any handled message re-arms the alarms
        await fake_telegram.wait_for("sendMessage", after=mark)
        [reminder] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=reminder_of(followup_id),
                                                  timeout=15)
        assert reminder.status == 200
    assistant.store.close()
