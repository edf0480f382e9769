"""Access as operations: the CLI never creates or promotes a user; invite codes can't be guessed;
revocation takes effect on the next message; contacts a rep learned stay theirs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.assistant import Assistant
from bot.cli import main
from crm.customer_import import CustomerInput
from crm.store import Store
from crm.users import UserRepository
from tests.conftest import ADMIN_ID, OTHER_REP_ID, REP_ID, STRANGER_ID
from tests.fake_telegram import FakeTelegram

GUESSER = 5005


def to(user_id: int):
    return lambda call: int(call.params["chat_id"]) == user_id


@pytest.fixture
def cli_env(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KAM_DATA_DIR", str(data_dir))
    monkeypatch.setenv("KAM_EMBEDDER", "hashing")
    return data_dir


@pytest.mark.parametrize("command", [
    ["customer", "华信科技", "--user", "2002"],
    ["note", "见了华信科技王经理", "--user", "5005"],
    ["chat", "--user", "6006"],
])  # fmt: skip
def test_the_cli_never_creates_a_user(cli_env: Path, command: list[str]) -> None:
    result = CliRunner().invoke(main, command, input="/help\n")
    assert result.exit_code == 1 and "kam users add" in result.output
    store = Store.open(cli_env / "kam.db")
    assert [row["id"] for row in store.db.query("select id from users")] in ([], [0])
    store.close()


def test_users_add_list_revoke(cli_env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["users", "add", "4242", "--name", "小张"]).exit_code == 0
    listed = runner.invoke(main, ["users", "list"]).output
    assert "4242" in listed and "rep" in listed and "active" in listed
    assert runner.invoke(main, ["customer", "华信科技", "--user", "4242"]).exit_code in (0, 1)  # acts, never promotes
    assert runner.invoke(main, ["users", "revoke", "4242"]).exit_code == 0
    assert "REVOKED" in runner.invoke(main, ["users", "list"]).output
    assert runner.invoke(main, ["users", "revoke", "777"]).exit_code == 1


async def test_cli_created_rows_from_before_do_not_admit(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    # the old CLI wrote (2002-like) rows as 'local' admins; the migration revokes them, and admit ignores 'local'
    UserRepository(bot.store).upsert(STRANGER_ID, role="admin", timezone_name="Asia/Shanghai", registered_via="local")
    mark = fake_telegram.mark()
    fake_telegram.send_text(STRANGER_ID, "/customers")
    [refusal] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(STRANGER_ID))
    assert "权限" in refusal.params["text"]


async def test_invite_codes_cannot_be_guessed_and_strangers_get_one_refusal(
    bot: Assistant, fake_telegram: FakeTelegram
) -> None:
    mark = fake_telegram.mark()
    for attempt in range(8):
        fake_telegram.send_text(GUESSER, f"/start guess-{attempt}")
    fake_telegram.send_text(GUESSER, "/start join-kam")  # the right code, after too many guesses
    fake_telegram.send_text(REP_ID, "/help")  # handled after the guesser's messages
    await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(GUESSER))
    count = "select count(*) from access_attempts where telegram_id = ?"
    for _ in range(100):  # the guesser's messages are handled in order; wait for the last one
        if bot.store.db.execute(count, [GUESSER]).fetchone()[0] == 9:
            break
        await asyncio.sleep(0.1)
    assert bot.store.db.execute(count, [GUESSER]).fetchone()[0] == 9  # each counted; none admitted
    assert len([c for c in fake_telegram.sent("sendMessage", after=mark) if to(GUESSER)(c)]) == 1
    assert bot.users.find(GUESSER) is None


async def test_revocation_takes_effect_on_the_next_message(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    mark = fake_telegram.mark()
    fake_telegram.send_text(OTHER_REP_ID + 1, "/start join-kam")  # admitted with the invite code
    await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(OTHER_REP_ID + 1))
    fake_telegram.send_text(ADMIN_ID, f"/users revoke {OTHER_REP_ID + 1}")
    [done] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(ADMIN_ID))
    assert "revoked" in done.params["text"]
    mark = fake_telegram.mark()
    fake_telegram.send_text(OTHER_REP_ID + 1, "/customers")
    [refusal] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(OTHER_REP_ID + 1))
    assert "权限" in refusal.params["text"]
    fake_telegram.send_text(REP_ID, f"/users revoke {OTHER_REP_ID}")
    [denied] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    assert "Only admins" in denied.params["text"]


async def test_a_reps_contacts_stay_theirs(bot: Assistant, fake_telegram: FakeTelegram) -> None:
    bot.customers.upsert(CustomerInput(name="华信科技", aliases=["华信"], value_class="IV"))
    mark = fake_telegram.mark()
    fake_telegram.send_text(REP_ID, "/note 今天拜访了华信科技，见了采购部王经理，下周三再约")
    [card] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(REP_ID))
    save = next(b["callback_data"] for row in card.params["reply_markup"]["inline_keyboard"] for b in row
                if b["callback_data"].startswith("notes:save:"))  # fmt: skip
    fake_telegram.press_button(REP_ID, save)
    await fake_telegram.wait_for("answerCallbackQuery", after=mark)
    mark = fake_telegram.mark()
    fake_telegram.send_text(OTHER_REP_ID, "王经理是哪家公司的？")
    fake_telegram.send_text(OTHER_REP_ID, "/customer 华信科技")
    replies = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(OTHER_REP_ID), count=2)
    assert not any("王经理（" in fake_telegram.messages_text(call) for call in replies)
    assert "华信科技" in fake_telegram.messages_text(replies[1])  # the customer record itself is shared
    mark = fake_telegram.mark()
    fake_telegram.send_text(ADMIN_ID, "王经理是哪家公司的？")
    [answer] = await fake_telegram.wait_for("sendMessage", after=mark, predicate=to(ADMIN_ID))
    assert "华信科技" in answer.params["text"]
