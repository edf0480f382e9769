"""`kam customers import|list` and `kam customer NAME` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli.customers import customer, customers
from bot.cli.notes import note

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> click.Group:
    monkeypatch.setenv("KAM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KAM_CUSTOMERS_FILE", "")
    monkeypatch.setenv("KAM_EMBEDDER", "hashing")

    @click.group()
    def kam() -> None:
        """Test group holding the commands under test."""

    kam.add_command(customers)
    kam.add_command(customer)
    kam.add_command(note)
    return kam


def test_import_reports_bad_rows_and_reimport_updates(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("name,industry,tier,city,notes\n华信科技,软件,IV,上海,\n,建材,III,武汉,\n远大物流,物流,V,广州,\n",
                    encoding="utf-8")  # fmt: skip
    runner = CliRunner()
    result = runner.invoke(cli, ["customers", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "line 3: missing name" in result.output and "line 4:" in result.output
    assert "1 created, 0 updated, 2 bad row(s)" in result.output
    again = runner.invoke(cli, ["customers", "import", str(path), "--json"])
    report = json.loads(again.output)
    assert (report["created"], report["updated"], len(report["errors"])) == (0, 1, 2)
    listing = runner.invoke(cli, ["customers", "list"])
    assert listing.output.strip() == "华信科技 · IV · 软件 · 上海"


def test_import_of_a_bad_file_is_one_clear_line(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("company\nA\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["customers", "import", str(path)])
    assert result.exit_code == 1 and "header with a `name` column" in result.output


def test_customer_card_as_json_after_a_cli_note(cli: click.Group) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["customers", "import", str(FIXTURES / "customers.csv")])
    saved = runner.invoke(cli, ["note", "今天上午拜访了华信科技，见了采购部王经理，他们嫌报价太高。下周三下午三点再约技术交流。",
                                "--now", "2026-11-18T10:00:00+08:00", "--json"])  # fmt: skip
    assert saved.exit_code == 0, saved.output
    assert json.loads(saved.output)["visit_id"] is not None
    result = runner.invoke(cli, ["customer", "华信", "--json"])
    assert result.exit_code == 0, result.output
    profile = json.loads(result.output)
    assert profile["customer"]["name"] == "华信科技" and profile["customer"]["value_class"] == "IV"
    assert [c["name"] for c in profile["contacts"]] == ["王经理"]
    assert profile["visits"][0]["visit_date"] == "2026-11-18"
    assert profile["followups"][0]["due"].startswith("2026-11-25T07:00:00")
    assert profile["objections"][0]["category"] == "price"
    text = runner.invoke(cli, ["customer", "华信科技"])
    assert "华信科技 · IV类" in text.output and "王经理（采购部）" in text.output
    missing = runner.invoke(cli, ["customer", "不存在的公司"])
    assert missing.exit_code == 1 and "no customer matches" in missing.output


def _import(cli: click.Group, path: Path):
    return CliRunner().invoke(cli, ["customers", "import", str(path)])


def _one_clear_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert "Traceback" not in result.output
    [line] = [line for line in result.output.splitlines() if line.strip()]
    return line


def test_import_of_a_text_file_renamed_to_xlsx_is_one_clear_line(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "customers.xlsx"
    path.write_text("name,city\n华信科技,上海\n", encoding="utf-8")
    line = _one_clear_line(_import(cli, path))
    assert "customers.xlsx" in line and "not a readable .xlsx" in line


def test_import_of_a_binary_csv_names_the_file_and_line(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(b"name,city\n\x81\x30\xff\xfe,x\n")
    line = _one_clear_line(_import(cli, path))
    assert "customers.csv line 2" in line and "UTF-8" in line
    path.write_bytes(b"name,city\nA,B\n\x00\x01\x02")
    assert "customers.csv line 3: binary data" in _one_clear_line(_import(cli, path))


def test_import_of_a_field_over_the_csv_limit_names_the_line(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("name,notes\n华信科技,ok\n远大物流,\"" + "长" * 140_000 + "\"\n", encoding="utf-8")
    line = _one_clear_line(_import(cli, path))
    assert "customers.csv line 3" in line and "longer than 131,072 characters" in line


def test_import_reports_duplicate_names_by_line_instead_of_merging(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("name,city\n华信科技,上海\n远大物流,广州\n华信科技,北京\n", encoding="utf-8")
    result = _import(cli, path)
    assert result.exit_code == 0, result.output
    assert "line 4: duplicate customer '华信科技': already on line 2" in result.stderr
    assert "2 created, 0 updated, 1 bad row(s)" in result.stdout
    shown = CliRunner().invoke(cli, ["customers", "list"])
    assert "华信科技 · 上海" in shown.output and "北京" not in shown.output  # the first row, not the last


def test_import_rejects_a_header_with_the_same_column_twice(cli: click.Group, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("name,city,城市\n华信科技,上海,北京\n", encoding="utf-8")
    line = _one_clear_line(_import(cli, path))
    assert "customers.csv line 1" in line and "'城市'" in line and "'city'" in line
    path.write_text("name,city,city\n华信科技,上海,北京\n", encoding="utf-8")
    assert "the column 'city' twice" in _one_clear_line(_import(cli, path))


def test_an_unreadable_sample_customers_file_is_one_clear_line(
    cli: click.Group, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = tmp_path / "sample.csv"
    sample.write_text("name,city,city\n华信科技,上海,北京\n", encoding="utf-8")
    monkeypatch.setenv("KAM_CUSTOMERS_FILE", str(sample))
    result = CliRunner().invoke(cli, ["note", "今天拜访了华信科技", "--user", "1", "--now", "2026-11-30T10:00",
                                      "--dry-run"])
    line = _one_clear_line(result)
    assert "KAM_CUSTOMERS_FILE" in line and "sample.csv line 1" in line
