"""`kam note` (single, batch, dry run, JSON) and `kam eval notes` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli.customers import customers
from bot.cli.notes import eval_notes, note
from bot.cli.users import users
from crm.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
NOTES_DEV = FIXTURES / "notes_dev.jsonl"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> click.Group:
    monkeypatch.setenv("KAM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KAM_CUSTOMERS_FILE", "")
    monkeypatch.setenv("KAM_EMBEDDER", "hashing")

    @click.group()
    def kam() -> None:
        """Test group holding the commands under test."""

    @click.group("eval")
    def evaluation() -> None:
        """Evaluation commands."""

    evaluation.add_command(eval_notes)
    kam.add_command(customers)
    kam.add_command(users)
    kam.add_command(note)
    kam.add_command(evaluation)
    CliRunner().invoke(kam, ["customers", "import", str(FIXTURES / "customers.csv")])
    return kam


def rows(tmp_path: Path, sql: str) -> list[dict]:
    store = Store.open(tmp_path / "data" / "kam.db")
    try:
        return list(store.db.query(sql))
    finally:
        store.close()


def test_dry_run_json_shape_writes_nothing(cli: click.Group, tmp_path: Path) -> None:
    text = "今天下午去了花信科技 见了采购部王经理 他们嫌报价太高 说竞争对手便宜两成 下周三下午三点再约技术交流"
    result = CliRunner().invoke(cli, ["note", text, "--now", "2026-11-18T10:00:00+08:00", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["customer"]["name"] == "华信科技"
    assert data["contacts"] == [{"name": "王经理", "title": "经理", "department": "采购部"}]
    assert data["visit_date"] == "2026-11-18"
    assert {"category": "competitor", "text": "说竞争对手便宜两成", "amount": "-20%"} in data["objections"]
    assert [f["due"] for f in data["followups"]] == ["2026-11-25T15:00:00+08:00"]
    assert data["raw_note_id"] is None and data["visit_id"] is None
    assert rows(tmp_path, "select * from raw_notes") == []
    assert rows(tmp_path, "select * from users") == []


def test_note_without_dry_run_is_stored_and_saved(cli: click.Group, tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["users", "add", "42"]).exit_code == 0  # the CLI never creates a user on its own
    result = CliRunner().invoke(cli, ["note", "met Acme Corp's CFO Sarah today, follow up next Tuesday 3pm",
                                      "--now", "2026-11-18T10:00:00+08:00", "--user", "42"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Acme Corp" in result.output and "saved as visit #1" in result.output
    [raw] = rows(tmp_path, "select * from raw_notes")
    assert raw["status"] == "saved" and raw["source"] == "cli" and raw["user_id"] == 42
    [followup] = rows(tmp_path, "select due_utc, user_id from followups")
    assert followup == {"due_utc": "2026-11-24T07:00:00+00:00", "user_id": 42}


def test_unclear_customer_stays_a_draft(cli: click.Group, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["note", "华心的陈经理说续约没问题", "--now", "2026-11-18T10:00:00+08:00"])
    assert "kept as draft" in result.output
    assert rows(tmp_path, "select status from raw_notes") == [{"status": "draft"}]
    assert rows(tmp_path, "select * from visits") == []


def test_batch_outputs_one_json_line_per_note(cli: click.Group) -> None:
    result = CliRunner().invoke(cli, ["note", "--batch", str(NOTES_DEV), "--json", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    expected = [json.loads(line) for line in NOTES_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [line["id"] for line in lines] == [item["id"] for item in expected]
    first = lines[0]
    assert set(first) >= {"id", "customer", "contacts", "visit_date", "objections", "next_steps", "followups", "amounts"}
    assert first["customer"]["name"] == "华信科技"
    assert first["followups"][0]["due"] == "2026-11-25T15:00:00+08:00"


def test_note_needs_text_or_batch(cli: click.Group) -> None:
    result = CliRunner().invoke(cli, ["note"])
    assert result.exit_code == 2 and "either TEXT or --batch" in result.output


def test_an_empty_note_is_refused_not_stored(cli: click.Group, tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["users", "add", "42"]).exit_code == 0
    result = CliRunner().invoke(cli, ["note", "   ", "--user", "42"])
    assert result.exit_code == 2 and "the note is empty" in result.output
    batch = tmp_path / "notes.jsonl"
    batch.write_text('{"id": "a", "text": ""}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["note", "--batch", str(batch), "--user", "42"])
    assert result.exit_code == 1 and "notes.jsonl:1: no text" in result.output
    assert rows(tmp_path, "select * from raw_notes") == []


def test_eval_notes_prints_items_and_totals(cli: click.Group) -> None:
    result = CliRunner().invoke(cli, ["eval", "notes", str(NOTES_DEV)])
    assert result.exit_code == 0, result.output
    assert "dev-note-01: customer=ok" in result.output
    assert "notes," in result.output and "customer" in result.output.splitlines()[-4]
    as_json = CliRunner().invoke(cli, ["eval", "notes", str(NOTES_DEV), "--json"])
    totals = json.loads(as_json.output.splitlines()[-1])["totals"]
    assert totals["count"] == 12 and totals["customer"] >= 10


def test_undecodable_bytes_in_a_note_argument_are_replaced_not_a_traceback(cli: click.Group, tmp_path: Path) -> None:
    text = "华信科技王经理\udcff说续约没问题"  # how Python hands over a byte that is not UTF-8 in argv
    result = CliRunner().invoke(cli, ["note", text, "--now", "2026-11-18T10:00:00+08:00"])
    assert result.exit_code == 0, result.output
    [stored] = rows(tmp_path, "select text from raw_notes")
    assert stored["text"] == "华信科技王经理\ufffd说续约没问题"


def test_note_prints_what_the_rep_should_check(cli: click.Group) -> None:
    result = CliRunner().invoke(cli, ["note", "拜访华信科技王经理 明天25点再去 今天之内把报价发给他", "--now",
                                      "2026-12-07T20:00:00+08:00", "--dry-run"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "warning: “25点”不是有效的日期或时间，没有按它设跟进" in result.output
    assert "warning: 今天的提醒时间已过，改为 21:00 提醒：把报价发给他" in result.output
