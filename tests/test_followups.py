"""Follow-ups: reading reminder requests, local times across DST, the repository and the skill."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.assistant import Assistant, build_assistant
from bot.settings import Settings
from crm.followups.reading import DueInPast, InvalidDue, NoDueTime, draft_reminder
from crm.followups.repository import FollowUpClosed, FollowUpNotFound, FollowupRepository
from crm.followups.schedule import at_local, snooze_target
from crm.formatting import format_due
from crm.store import Store
from crm.users import UserRepository
from skills.models import Reply
from tests.conftest import REP_ID

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NINE = time(9, 0)
WEDNESDAY_10AM_SHANGHAI = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# reading what the rep typed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "task", "due"),
    [
        ("提醒我周五下午给华信发方案", "给华信发方案", utc(2026, 3, 6, 6, 0)),  # Friday 14:00 Shanghai
        ("remind me to call Acme's CFO tomorrow 3pm", "call Acme's CFO", utc(2026, 3, 5, 7, 0)),
        ("别忘了下周一给王总回电话", "给王总回电话", utc(2026, 3, 9, 1, 0)),  # default 09:00
        ("提醒我明天上午10点给华信打电话", "给华信打电话", utc(2026, 3, 5, 2, 0)),
        ("提醒我30分钟后打电话给王总", "打电话给王总", utc(2026, 3, 4, 2, 30)),
        ("remind me in 2 hours to send the deck", "send the deck", utc(2026, 3, 4, 4, 0)),
        ("/remind 明天上午10点 报价单", "报价单", utc(2026, 3, 5, 2, 0)),
    ],
)
def test_draft_reads_task_and_due_time(text: str, task: str, due: datetime) -> None:
    draft = draft_reminder(text, now=WEDNESDAY_10AM_SHANGHAI, zone=SHANGHAI, default_time=NINE)
    assert (draft.text, draft.due) == (task, due)


def test_draft_without_a_time_or_in_the_past_is_refused() -> None:
    with pytest.raises(NoDueTime):
        draft_reminder("提醒我给华信发方案", now=WEDNESDAY_10AM_SHANGHAI, zone=SHANGHAI, default_time=NINE)
    with pytest.raises(DueInPast):
        draft_reminder("提醒我今天上午8点开会", now=WEDNESDAY_10AM_SHANGHAI, zone=SHANGHAI, default_time=NINE)


# local time and daylight saving -----------------------------------------------------------------


def test_local_nine_oclock_is_dst_correct_in_new_york() -> None:
    # 2026-11-01 02:00 EDT -> 01:00 EST: 09:00 is 13:00 UTC before and 14:00 UTC after.
    assert at_local(date(2026, 10, 31), NINE, NEW_YORK) == utc(2026, 10, 31, 13, 0)
    assert at_local(date(2026, 11, 1), NINE, NEW_YORK) == utc(2026, 11, 1, 14, 0)
    # a time skipped in spring (02:30 on 2026-03-08) lands after the gap, never before
    assert at_local(date(2026, 3, 8), time(2, 30), NEW_YORK).astimezone(NEW_YORK).hour == 3


def test_snooze_targets_across_the_dst_change() -> None:
    saturday_evening = utc(2026, 10, 31, 22, 0)  # 18:00 EDT
    tomorrow = snooze_target("tomorrow", now=saturday_evening, zone=NEW_YORK, default_time=NINE)
    monday = snooze_target("monday", now=saturday_evening, zone=NEW_YORK, default_time=NINE)
    assert tomorrow == utc(2026, 11, 1, 14, 0)  # 09:00 EST
    assert monday == utc(2026, 11, 2, 14, 0)
    assert snooze_target("1h", now=saturday_evening, zone=NEW_YORK, default_time=NINE) == utc(2026, 10, 31, 23, 0)
    assert format_due(tomorrow, zone=NEW_YORK, now=saturday_evening, language="en") == "tomorrow 09:00"


def test_next_monday_on_a_monday_is_a_week_later() -> None:
    monday_morning = utc(2026, 3, 9, 1, 0)  # Monday 09:00 Shanghai
    assert snooze_target("monday", now=monday_morning, zone=SHANGHAI, default_time=NINE) == utc(2026, 3, 16, 1, 0)


# the repository ---------------------------------------------------------------------------------


@pytest.fixture
def repository(store: Store) -> FollowupRepository:
    UserRepository(store).upsert(REP_ID, name="rep", timezone_name="Asia/Shanghai", registered_via="allowlist")
    return FollowupRepository(store)


def test_finish_snooze_edit_cancel(repository: FollowupRepository) -> None:
    now = WEDNESDAY_10AM_SHANGHAI
    first = repository.create(REP_ID, "给华信发方案", now + timedelta(hours=3))
    second = repository.create(REP_ID, "call Acme", now - timedelta(hours=1))
    assert [f.id for f in repository.list_open(REP_ID)] == [second, first]  # overdue first
    moved = repository.reschedule(second, user_id=REP_ID, due=now + timedelta(days=1), now=now, snooze=True)
    assert (moved.snooze_count, moved.reminder_state) == (1, "pending")
    assert repository.rename(first, user_id=REP_ID, text="发新方案", now=now).text == "发新方案"
    done = repository.complete(first, user_id=REP_ID, now=now)
    assert done.status == "done" and done.done_at == now
    with pytest.raises(FollowUpClosed):
        repository.complete(first, user_id=REP_ID, now=now)
    assert repository.cancel(second, user_id=REP_ID, now=now).status == "cancelled"
    assert repository.list_open(REP_ID) == []
    with pytest.raises(FollowUpNotFound):
        repository.complete(second, user_id=REP_ID + 1, now=now)


def test_create_joins_the_callers_transaction(repository: FollowupRepository, store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        repository.create(REP_ID, "rolled back", WEDNESDAY_10AM_SHANGHAI)
        raise RuntimeError
    assert repository.count_open(REP_ID) == 0


# the skill, through the router ------------------------------------------------------------------


@pytest.fixture
def chat(settings: Settings):
    assistant = build_assistant(settings, store=Store.open(":memory:"))
    assistant.users.upsert(REP_ID, name="rep", timezone_name="Asia/Shanghai", registered_via="allowlist")

    def say(
        text: str = "", *, now: datetime = WEDNESDAY_10AM_SHANGHAI, button: str | None = None, language: str | None = None
    ) -> Reply:
        user = assistant.users.get(REP_ID)
        return assistant.handle(assistant.request(user, text, now=now, callback_data=button, language=language))

    say.assistant = assistant  # type: ignore[attr-defined]
    return say


def _assistant(chat) -> Assistant:
    return chat.assistant


@pytest.mark.parametrize(
    "text", ["提醒我周五下午给华信发方案", "remind me to call Acme's CFO tomorrow 3pm", "别忘了下周一报价",
             "我有哪些待办", "what's due", "推迟到周五下午",
             "今天下午5点提醒我给华信打电话", "今天下午5點提醒我給華信打電話", "tomorrow at 3pm remind me to call Acme",
             "提醒我明天给华信科技联系人打电话"],
)  # fmt: skip
def test_free_text_routes_to_followups(chat, text: str) -> None:
    assistant = _assistant(chat)
    chosen, ranking = assistant.router.choose(assistant.request(assistant.users.get(REP_ID), text))
    assert chosen == "followups", ranking


@pytest.mark.parametrize("text", ["王总提醒我们注意合规", "王总提醒我们下周交方案"])
def test_what_a_contact_reminded_us_of_is_no_reminder_request(chat, text: str) -> None:
    assistant = _assistant(chat)
    chosen, ranking = assistant.router.choose(assistant.request(assistant.users.get(REP_ID), text))
    assert chosen != "followups", ranking


def test_create_list_and_finish_from_buttons(chat) -> None:
    _assistant(chat).users.update(REP_ID, language="zh")  # chose Chinese: an English reminder does not switch the list
    created = chat("提醒我周五下午给华信发方案")
    assert "给华信发方案" in created.text and "14:00" in created.text
    chat("remind me to call Acme's CFO tomorrow 3pm")
    repository = FollowupRepository(_assistant(chat).store)
    [acme, huaxin] = repository.list_open(REP_ID)
    listing = chat("/followups", now=acme.due + timedelta(minutes=5))
    assert listing.text.index("已逾期") < listing.text.index("call Acme's CFO") < listing.text.index("接下来")
    done = chat(button=f"followups:done:{acme.id}")
    assert done.replace_message and "已完成" in done.text
    again = chat(button=f"followups:done:{acme.id}")
    assert "已经完成" in again.text
    snoozed = chat(button=f"followups:snooze:{huaxin.id}:tomorrow")
    assert snoozed.replace_message and "明天 09:00" in snoozed.text
    assert repository.get(huaxin.id).snooze_count == 1


@pytest.mark.parametrize("text", ["我的跟進", "我有哪些待辦"])
def test_a_list_asked_in_traditional_characters_is_a_list(chat, text: str) -> None:
    chat("提醒我周五下午给华信发方案")
    listing = chat(text)
    assert "待办跟进（1）" in listing.text and "什么时候提醒你" not in listing.text


def test_typed_snooze_moves_the_latest_reminder(chat) -> None:
    chat("提醒我明天上午10点给华信打电话")
    chat("提醒我后天给王总发资料")
    store = _assistant(chat).store
    [huaxin, wang] = FollowupRepository(store).list_open(REP_ID)
    store.db.execute("update followups set reminder_state = 'sent', sent_at = ? where id = ?",
                     ["2026-03-04T01:00:00+00:00", wang.id])  # fmt: skip
    reply = chat("推迟到周五下午")
    assert "王总" in reply.text and "后天 14:00" in reply.text
    moved = FollowupRepository(store).get(wang.id)
    assert (moved.due, moved.reminder_state, moved.snooze_count) == (utc(2026, 3, 6, 6, 0), "pending", 1)
    assert "今天 11:00" in chat(f"/snooze {huaxin.id} 推迟1小时").text
    assert FollowupRepository(store).get(huaxin.id).due == WEDNESDAY_10AM_SHANGHAI + timedelta(hours=1)


def test_edit_time_text_and_cancel_through_buttons(chat) -> None:
    chat("提醒我明天给华信打电话")
    store = _assistant(chat).store
    [followup] = FollowupRepository(store).list_open(REP_ID)
    assert "改到什么时候" in chat(button=f"followups:edit:{followup.id}:time").text
    assert "后天 15:00" in chat("周五下午3点").text
    chat(button=f"followups:edit:{followup.id}:text")
    assert "给华信发报价" in chat("给华信发报价").text
    assert FollowupRepository(store).get(followup.id).text == "给华信发报价"
    assert chat(button=f"followups:cancel:{followup.id}").replace_message
    assert "没有待办" in chat("/followups").text


def test_reminder_without_time_asks_when(chat) -> None:
    assert "什么时候提醒" in chat("提醒我给华信发方案").text
    assert "明天 10:00" in chat("明天上午10点").text
    [followup] = FollowupRepository(_assistant(chat).store).list_open(REP_ID)
    assert followup.text == "给华信发方案"


def test_timezone_command_and_dst_in_new_york(chat) -> None:
    assert "America/New_York" in chat("/tz America/New_York").text
    assert "Europe/London" in chat("/tz europe/london").text
    assert "纽约" not in chat("/tz 纽约").text  # the city resolves to its zone name
    assert _assistant(chat).users.get(REP_ID).timezone == "America/New_York"
    assert "不认识" in chat("/tz Mars/Base", language="zh").text
    saturday_noon_edt = utc(2026, 10, 31, 16, 0)
    chat("remind me to call Acme's CFO tomorrow 9am", now=saturday_noon_edt)
    [followup] = FollowupRepository(_assistant(chat).store).list_open(REP_ID)
    assert followup.due == utc(2026, 11, 1, 14, 0)  # 09:00 EST, the day the clocks go back
    assert "tomorrow 09:00" in chat("what's due", now=saturday_noon_edt).text


def test_digest_settings(chat) -> None:
    assert "08:30" in chat("/digest").text
    assert "07:45" in chat("/digest 7:45").text
    assert "不再发送" in chat("/digest off", language="zh").text
    assert "关闭" in chat("/digest").text
    assert "08:30" in chat("/digest on").text
    assert "用法" in chat("/digest 25:00", language="zh").text


def test_a_named_customer_is_linked(chat) -> None:
    from crm.customer_import import CustomerInput

    assistant = _assistant(chat)
    assistant.customers.upsert(CustomerInput(name="华信科技", aliases=["华信"], value_class="I"))
    reply = chat("提醒我周五下午给华信发方案")
    assert "华信科技" in reply.text
    [followup] = FollowupRepository(assistant.store).list_open(REP_ID)
    assert followup.customer_name == "华信科技"
    assert "【华信科技】" in chat("/followups").text


def test_a_customer_named_in_traditional_characters_is_linked(chat) -> None:
    from crm.customer_import import CustomerInput

    assistant = _assistant(chat)
    assistant.customers.upsert(CustomerInput(name="华信科技", aliases=["华信"], value_class="I"))
    chat("提醒我周五下午給華信發方案")
    [followup] = FollowupRepository(assistant.store).list_open(REP_ID)
    assert followup.customer_name == "华信科技" and followup.text == "給華信發方案"  # the rep's own words are kept


# impossible dates and times, a pending question, a day whose default time has passed ----------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("提醒我明天25点给华信打电话", "25点"),
        ("提醒我明天99点给华信打电话", "99点"),
        ("提醒我下下下下周一给华信打电话", "下下下下周一"),
        ("提醒我99999999999999999999小时后给华信打电话", "99999999999999999999小时后"),
        ("提醒我2月30日给华信打电话", "2月30日"),
    ],
)
def test_impossible_times_are_named_not_guessed(chat, text: str, words: str) -> None:
    reply = chat(text).text
    assert f"“{words}”不是有效的日期或时间" in reply
    assert FollowupRepository(_assistant(chat).store).list_open(REP_ID) == []


def test_impossible_time_in_english_is_named() -> None:
    with pytest.raises(InvalidDue) as raised:
        draft_reminder("remind me tomorrow at 25:00 to call Acme", now=WEDNESDAY_10AM_SHANGHAI, zone=SHANGHAI,
                       default_time=NINE)  # fmt: skip
    assert raised.value.words == "at 25:00"


def test_a_new_request_is_not_taken_as_the_answer_to_when(chat) -> None:
    assert "什么时候提醒你" in chat("提醒我2月30日给华信打电话").text
    reply = chat("提醒我13月5日给华信打电话").text
    assert "“13月5日”不是有效的日期或时间" in reply
    reply = chat("提醒我明天上午10点给远大物流发报价").text
    assert "明天 10:00" in reply and "远大物流" in reply
    [followup] = FollowupRepository(_assistant(chat).store).list_open(REP_ID)
    assert followup.text == "给远大物流发报价"
    assert followup.due == utc(2026, 3, 5, 2, 0)


def test_the_pending_question_still_takes_a_plain_answer(chat) -> None:
    chat("提醒我2月30日给华信打电话")
    assert "明天 10:00" in chat("明天上午10点").text
    [followup] = FollowupRepository(_assistant(chat).store).list_open(REP_ID)
    assert followup.text == "给华信打电话"


def test_today_after_the_default_time_is_kept_and_said(chat) -> None:
    reply = chat("提醒我今天给华信发方案").text  # 10:00 in Shanghai, default 09:00 has passed
    assert "默认提醒时间 09:00 已经过了" in reply
    [followup] = FollowupRepository(_assistant(chat).store).list_open(REP_ID)
    assert followup.due == utc(2026, 3, 4, 3, 0)  # 11:00 today, not tomorrow
    english = chat("remind me today to send Acme the deck", language="en").text
    assert "default reminder time (09:00) has passed" in english
