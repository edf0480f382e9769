"""The SQLite store: migrations, WAL, users, message log, conversation state."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crm.conversations import ConversationRepository
from crm.migrations import migrations
from crm.store import Store
from crm.users import UserNotFound, UserRepository


def test_open_file_database_is_wal_with_foreign_keys(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "nested" / "kam.db")
    assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert store.schema_version() == [migration.name for migration in migrations._migrations]
    store.close()
    reopened = Store.open(tmp_path / "nested" / "kam.db")  # migrations run once only
    assert len(reopened.schema_version()) == len(migrations._migrations)


def test_users_round_trip(store: Store) -> None:
    with pytest.raises(UserNotFound):
        UserRepository(store).get(7)
    user = UserRepository(store).upsert(7, name="王强", role="rep", timezone_name="Asia/Shanghai", registered_via="allowlist")
    assert user.name == "王强" and user.role == "rep" and user.active and user.language is None
    UserRepository(store).update(7, language="en", timezone="Europe/Berlin")
    again = UserRepository(store).upsert(7, name="王强", timezone_name="Asia/Shanghai", registered_via="allowlist")
    assert again.language == "en" and again.timezone == "Europe/Berlin"  # preferences kept
    with pytest.raises(ValueError):
        UserRepository(store).update(7, role_name="x")


def test_message_log_requires_a_known_user(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        UserRepository(store).log_message(99, kind="text", text="hi", skill="ask")
    UserRepository(store).upsert(1, timezone_name="Asia/Shanghai", registered_via="local")
    UserRepository(store).log_message(1, kind="text", text="'; drop table users; --", skill="ask")
    rows = list(store.db.query("select text from messages"))
    assert rows == [{"text": "'; drop table users; --"}]


def test_transaction_rolls_back_everything(store: Store) -> None:
    UserRepository(store).upsert(1, timezone_name="Asia/Shanghai", registered_via="local")
    with pytest.raises(RuntimeError):
        with store.transaction():
            UserRepository(store).log_message(1, kind="text", text="one", skill=None)
            raise RuntimeError("boom")
    assert list(store.db.query("select count(*) n from messages"))[0]["n"] == 0


def test_conversation_state(store: Store) -> None:
    UserRepository(store).upsert(1, timezone_name="Asia/Shanghai", registered_via="local")
    assert ConversationRepository(store).get(1) is None
    ConversationRepository(store).set(1, "notes", {"draft": 5, "客户": "华信"})
    assert ConversationRepository(store).get(1) == ("notes", {"draft": 5, "客户": "华信"})
    ConversationRepository(store).clear(1)
    assert ConversationRepository(store).get(1) is None
