"""The knowledge-gap report: grouping (Chinese and English), counts, the CLI JSON, /gaps for admins, the weekly claim."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.assistant import Assistant
from bot.cli import main
from crm.answers import AnswerLog
from crm.knowledge_gaps import InvalidGapWindow, KnowledgeGaps
from crm.store import Store
from crm.users import UserRepository
from knowledge.gaps import group_similar, similarity
from skills.gaps import gap_report_reply
from tests.conftest import ADMIN_ID, OTHER_REP_ID, REP_ID

MONDAY_9_SHANGHAI = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 in Asia/Shanghai


def texts_of(texts: list[str], groups: list[list[int]]) -> list[list[str]]:
    return [[texts[index] for index in group] for group in groups]


def test_similar_chinese_questions_group_and_the_repeated_wording_represents_them() -> None:
    texts = ["出差补贴标准是多少", "今天天气怎么样", "出差补贴标准是多少？", "出差的补贴标准是多少", "明天天气怎么样",
             "年假有几天"]  # fmt: skip
    groups = texts_of(texts, group_similar(texts))
    assert groups[0][0] in ("出差补贴标准是多少", "出差补贴标准是多少？")
    assert sorted(groups[0]) == sorted(["出差补贴标准是多少", "出差补贴标准是多少？", "出差的补贴标准是多少"])
    assert sorted(groups[1]) == ["今天天气怎么样", "明天天气怎么样"]
    assert groups[2] == ["年假有几天"]


def test_english_questions_group_by_stemmed_words_and_languages_stay_apart() -> None:
    texts = ["How much is the travel allowance?", "what is the travel allowance", "Who approves discounts above 20%?",
             "出差补贴标准是多少"]  # fmt: skip
    groups = texts_of(texts, group_similar(texts))
    assert sorted(groups[0]) == ["How much is the travel allowance?", "what is the travel allowance"]
    assert len(groups) == 3 and all(len(group) == 1 for group in groups[1:])


def test_unrelated_questions_are_not_grouped_and_similarity_is_bounded() -> None:
    texts = ["客户嫌价格太高怎么办", "年会在哪里办", "How do I file an expense report?"]
    assert [len(group) for group in group_similar(texts)] == [1, 1, 1]
    assert similarity(frozenset({"a", "b"}), frozenset({"a", "b"})) == 1.0
    assert similarity(frozenset(), frozenset({"a"})) == 0.0


def _gaps(store: Store, now: datetime) -> KnowledgeGaps:
    return KnowledgeGaps(store, UserRepository(store), group=group_similar, clock=lambda: now)


def _users(store: Store) -> None:
    users = UserRepository(store)
    users.upsert(ADMIN_ID, name="Boss", role="admin", timezone_name="Asia/Shanghai", registered_via="admin")
    users.upsert(REP_ID, name="小王", timezone_name="Asia/Shanghai", registered_via="allowlist")
    users.upsert(OTHER_REP_ID, name="小李", timezone_name="Asia/Shanghai", registered_via="allowlist")


def _backdate(store: Store, table: str, row_id: int, moment: datetime) -> None:
    with store.transaction() as db:
        db.execute(f"update {table} set created_at = ? where id = ?", [moment.isoformat(timespec="seconds"), row_id])


def test_report_counts_refusals_and_downvotes_in_the_window_most_frequent_first(store: Store) -> None:
    _users(store)
    log = AnswerLog(store)
    now = datetime.now(UTC)
    log.record(REP_ID, "出差补贴标准是多少", answered=False, chunk_ids=[])
    log.record(OTHER_REP_ID, "出差的补贴标准是多少？", answered=False, chunk_ids=[])
    answered = log.record(REP_ID, "客户嫌贵怎么办", answered=True, chunk_ids=["c1"])
    log.vote(log.get(answered, user_id=REP_ID), user_id=REP_ID, vote=-1)
    liked = log.record(REP_ID, "怎样提高转移成本", answered=True, chunk_ids=["c2"])
    log.vote(log.get(liked, user_id=REP_ID), user_id=REP_ID, vote=1)  # a 👍 is no gap
    old = log.record(REP_ID, "去年的旧问题年假", answered=False, chunk_ids=[])
    _backdate(store, "answers", old, now - timedelta(days=10))

    report = _gaps(store, now).report(days=7)

    assert report.total == 3 and len(report.groups) == 2
    first, second = report.groups
    assert first.count == 2 and first.refused == 2 and first.downvoted == 0 and first.users == 2
    assert first.user_ids == [REP_ID, OTHER_REP_ID] and len(first.examples) == 1
    assert second.representative == "客户嫌贵怎么办" and second.downvoted == 1 and second.refused == 0
    assert _gaps(store, now).report(days=30).total == 4


def test_a_changed_vote_is_counted_once(store: Store) -> None:
    _users(store)
    log = AnswerLog(store)
    answer = log.get(log.record(REP_ID, "客户嫌贵怎么办", answered=True, chunk_ids=["c1"]), user_id=REP_ID)
    log.vote(answer, user_id=REP_ID, vote=-1)
    log.vote(answer, user_id=REP_ID, vote=-1)
    assert _gaps(store, datetime.now(UTC)).report(days=7).total == 1
    log.vote(answer, user_id=REP_ID, vote=1)  # changed their mind: no longer a gap
    assert _gaps(store, datetime.now(UTC)).report(days=7).total == 0


def test_report_window_must_be_a_sensible_number_of_days(store: Store) -> None:
    for days in (0, -3, 10_000):
        with pytest.raises(InvalidGapWindow):
            _gaps(store, datetime.now(UTC)).report(days=days)


def test_weekly_report_is_due_for_admins_on_monday_morning_and_claimed_once(store: Store) -> None:
    _users(store)
    assert _gaps(store, MONDAY_9_SHANGHAI - timedelta(minutes=1)).due() == []  # 08:59 local
    assert _gaps(store, MONDAY_9_SHANGHAI + timedelta(days=1)).due() == []  # Tuesday
    assert _gaps(store, MONDAY_9_SHANGHAI + timedelta(hours=4)).due() == []  # past the catch-up window
    gaps = _gaps(store, MONDAY_9_SHANGHAI + timedelta(minutes=5))
    [due] = gaps.due()
    assert due.user.id == ADMIN_ID and due.local_date.isoformat() == "2026-11-30"  # never a rep
    assert gaps.claim(due) is True
    assert gaps.claim(due) is False  # a second tick or a restart
    assert gaps.due() == []
    gaps.release(due)  # a temporary failure: the next tick tries again
    assert [item.user.id for item in gaps.due()] == [ADMIN_ID]


def test_weekly_report_follows_each_admins_time_zone(store: Store) -> None:
    UserRepository(store).upsert(ADMIN_ID, name="Boss", role="admin", timezone_name="Europe/London",
                                 registered_via="admin")  # fmt: skip
    assert _gaps(store, MONDAY_9_SHANGHAI + timedelta(minutes=5)).due() == []  # 01:05 in London
    assert len(_gaps(store, datetime(2026, 11, 30, 9, 5, tzinfo=UTC)).due()) == 1


def test_chat_report_shows_counts_and_examples_but_not_who_asked(store: Store) -> None:
    _users(store)
    log = AnswerLog(store)
    for user_id, text in ((REP_ID, "出差补贴标准是多少"), (OTHER_REP_ID, "出差的补贴标准是多少？"), (REP_ID, "出差补贴标准是多少")):
        log.record(user_id, text, answered=False, chunk_ids=[])
    report = _gaps(store, datetime.now(UTC)).report(days=7)
    text = "\n".join(block.text for block in gap_report_reply(report, language="zh").blocks)
    assert "出差补贴标准是多少" in text and "3 次" in text and "2 位同事" in text and "出差的补贴标准是多少？" in text
    assert "小王" not in text and "小李" not in text and str(REP_ID) not in text
    english = "\n".join(block.text for block in gap_report_reply(report, language="en").blocks)
    assert "3×" in english and "2 reps" in english


def test_gaps_command_is_for_admins_only(assistant: Assistant) -> None:
    rep = assistant.users.upsert(REP_ID, name="小王", timezone_name="Asia/Shanghai", registered_via="allowlist")
    admin = assistant.users.upsert(ADMIN_ID, name="Boss", role="admin", timezone_name="Asia/Shanghai",
                                     registered_via="admin")
    assistant.answers.record(REP_ID, "出差补贴标准是多少", answered=False, chunk_ids=[])
    refused = assistant.handle(assistant.request(rep, "/gaps"))
    assert "只对管理员开放" in refused.blocks[0].text and "出差" not in refused.blocks[0].text
    shown = assistant.handle(assistant.request(admin, "/gaps"))
    assert "出差补贴标准是多少" in "\n".join(block.text for block in shown.blocks)
    wider = assistant.handle(assistant.request(admin, "/gaps 30天"))
    assert "近 30 天" in wider.blocks[0].text
    bad = assistant.handle(assistant.request(admin, "/gaps lots"))
    assert "“lots” is not a number of days" in bad.blocks[0].text  # the reply follows the message's language


def test_cli_prints_the_report_as_json_with_counts(tmp_path: Path) -> None:
    env = {"KAM_DATA_DIR": str(tmp_path / "data"), "KAM_EMBEDDER": "hashing", "KAM_ADMINS": str(ADMIN_ID)}
    store = Store.open(tmp_path / "data" / "kam.db")
    _users(store)
    log = AnswerLog(store)
    log.record(REP_ID, "How much is the travel allowance?", answered=False, chunk_ids=[])
    log.record(OTHER_REP_ID, "what is the travel allowance", answered=False, chunk_ids=[])
    log.record(REP_ID, "年假有几天", answered=False, chunk_ids=[])
    store.close()

    result = CliRunner().invoke(main, ["kb", "gaps", "--since", "7", "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["days"] == 7 and report["total"] == 3
    [first, second] = report["groups"]
    assert first["count"] == 2 and first["refused"] == 2 and first["user_ids"] == [REP_ID, OTHER_REP_ID]
    assert second["representative"] == "年假有几天" and second["count"] == 1

    text = CliRunner().invoke(main, ["kb", "gaps"], env=env)
    assert text.exit_code == 0 and "2x (2 refused, 0 down" in text.output
    bad = CliRunner().invoke(main, ["kb", "gaps", "--since", "0"], env=env)
    assert bad.exit_code == 2 and "--since" in bad.output
