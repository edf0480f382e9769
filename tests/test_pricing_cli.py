"""`kam quote` and `kam pricing check` through click's CliRunner."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.cli.pricing import pricing, quote, quote_command
from bot.settings import DEFAULT_PRICING_FILE
from tests.test_pricing_question import Customers

FIXTURES = Path(__file__).parent / "fixtures"
BOOK = ["--book", str(DEFAULT_PRICING_FILE)]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _json(runner: CliRunner, command: click.Command, *args: str) -> object:
    result = runner.invoke(command, [*BOOK, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_quote_json_carries_every_step(runner: CliRunner) -> None:
    data = _json(runner, quote, "--product", "专业版", "--qty", "50", "--customer", "华信科技", "--customer-class", "IV",
                 "--discount", "八五折")
    assert isinstance(data, dict)
    assert [(step["kind"], step["discount"], step["unit_price"]) for step in data["steps"]] == [
        ("list", "0", "2400.00"), ("class", "0.06", "2256.00"), ("volume", "0.02", "2210.88"),
        ("extra", data["extra_discount"], "2040.00"),
    ]
    assert (data["unit_price"], data["total"], data["total_discount"]) == ("2040.00", "102000.00", "0.15")
    assert data["requested"] == {"off": "0.15", "mode": "total", "text": "八五折"}
    assert data["decision"]["outcome"] == "needs_approval" and data["decision"]["approver"] == "manager"
    assert data["customer"] == "华信科技" and data["value_class"] == "IV"
    assert data["bundles"][0]["code"] == "PRO-LAUNCH"
    assert Decimal(data["extra_discount"]) > 0


def test_quote_text_in_english(runner: CliRunner) -> None:
    result = runner.invoke(quote, [*BOOK, "-p", "CRM-STD", "--qty", "50", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Quote: Standard (CRM-STD) × 50 users" in result.output
    assert "Total (50 users): CNY 58,800.00" in result.output


def test_extra_flag_and_role(runner: CliRunner) -> None:
    data = _json(runner, quote, "-p", "Enterprise", "--qty", "100", "--discount", "15%", "--extra", "--role", "admin")
    assert isinstance(data, dict)
    assert data["requested"]["mode"] == "extra"
    assert data["unit_price"] == "3916.80"  # 4800 × 0.96 × 0.85
    assert data["decision"] == {**data["decision"], "outcome": "within_authority", "level": "manager"}


def test_max_discount(runner: CliRunner) -> None:
    data = _json(runner, quote, "-p", "Pro", "--max", "--customer-class", "II", "--customer", "Acme Corp")
    assert isinstance(data, dict)
    assert (data["own"]["level"], data["own"]["unit_price"]) == ("rep", "2112.00")
    assert [level["level"] for level in data["higher"]] == ["manager", "director"]
    result = runner.invoke(quote, [*BOOK, "-p", "Pro", "--max", "--customer-class", "II", "--lang", "en"])
    assert "The most you can give: Pro (CRM-PRO) · a class II customer" in result.output


def test_list_products(runner: CliRunner) -> None:
    data = _json(runner, quote, "--list")
    assert isinstance(data, list)
    assert [item["sku"] for item in data][:3] == ["CRM-STD", "CRM-PRO", "CRM-ENT"]
    assert {item["sku"]: item["currency"] for item in data}["ADD-DRUS"] == "USD"
    text = runner.invoke(quote, [*BOOK, "--list"]).output
    assert "CRM-PRO" in text and "¥2,400.00" in text


def test_customer_lookup_from_the_factory(runner: CliRunner) -> None:
    command = quote_command(lambda: Customers())
    data = _json(runner, command, "-p", "Pro", "--qty", "10", "--customer", "acme")
    assert isinstance(data, dict)
    assert (data["customer"], data["value_class"]) == ("Acme Corp", "II")
    unknown = runner.invoke(command, [*BOOK, "-p", "Pro", "--qty", "10", "--customer", "Nobody Ltd"])
    assert unknown.exit_code == 2 and "no customer called 'Nobody Ltd'" in unknown.output
    overridden = _json(runner, command, "-p", "Pro", "--qty", "10", "--customer", "Nobody Ltd", "--customer-class", "III")
    assert isinstance(overridden, dict) and overridden["value_class"] == "III"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-p", "旗舰版", "--qty", "1"], 2, "no product called '旗舰版'"),
        (["-p", "专业版实施", "--qty", "1"], 2, "could be CRM-PRO, SVC-IMPL"),
        (["-p", "CRM-STD", "--qty", "0"], 1, "数量至少为 1"),
        (["-p", "CRM-STD", "--qty", "100001", "--lang", "en"], 1, "deal desk"),
        (["-p", "CRM-STD"], 2, "give --qty"),
        ([], 2, "give --product"),
        (["-p", "CRM-STD", "--qty", "5", "--discount", "soon"], 2, "cannot read 'soon' as a discount"),
        (["-p", "CRM-STD", "--qty", "5", "--customer", "Acme"], 2, "pass --customer-class"),
    ],
)
def test_quote_errors_are_one_clear_line(runner: CliRunner, args: list[str], code: int, message: str) -> None:
    result = runner.invoke(quote, [*BOOK, *args])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_invalid_book_is_reported_not_crashed(runner: CliRunner) -> None:
    result = runner.invoke(quote, ["--book", str(FIXTURES / "pricing_bad_floor.yaml"), "--list"])
    assert result.exit_code == 1
    assert "pricing_bad_floor.yaml:25: products[1].floor_price" in result.output


def test_pricing_check_accepts_the_sample(runner: CliRunner) -> None:
    result = runner.invoke(pricing, ["check", str(DEFAULT_PRICING_FILE)])
    assert result.exit_code == 0
    assert "OK:" in result.output and "7 products, 2 bundles, effective 2025-01-01" in result.output


@pytest.mark.parametrize(
    ("fixture", "line"),
    [
        ("pricing_bad_floor.yaml", ":25: products[1].floor_price:"),
        ("pricing_bad_percent.yaml", ":4: class_discounts.III:"),
        ("pricing_bad_field.yaml", ":18: products[0].listprice: unknown field"),
        ("pricing_bad_syntax.yaml", ":8: not valid YAML"),
    ],
)
def test_pricing_check_names_line_and_field(runner: CliRunner, fixture: str, line: str) -> None:
    result = runner.invoke(pricing, ["check", str(FIXTURES / fixture)])
    assert result.exit_code == 1
    assert f"{FIXTURES / fixture}{line}" in result.output
    assert "was not accepted" in result.output


def test_pricing_check_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(pricing, ["check", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 1 and "cannot read" in result.output


@pytest.mark.parametrize(
    ("value", "why"),
    [("1e300", "less than or equal to 1000000000"), ("1.0e300", "less than or equal to 1000000000"),
     (".inf", "finite number"), ("-.inf", "finite number"), (".nan", "finite number"), ("nan", "finite number")],
)
def test_non_finite_and_absurd_prices_are_refused_with_field_and_line(
    runner: CliRunner, tmp_path: Path, value: str, why: str
) -> None:
    lines = DEFAULT_PRICING_FILE.read_text(encoding="utf-8").splitlines()
    number = next(index for index, line in enumerate(lines, 1) if line.strip().startswith("list_price:"))
    lines[number - 1] = lines[number - 1].split(":")[0] + f": {value}"
    book = tmp_path / "pricing.yaml"
    book.write_text("\n".join(lines) + "\n", encoding="utf-8")

    checked = runner.invoke(pricing, ["check", str(book)])
    assert checked.exit_code == 1
    assert f"{book}:{number}: products[0].list_price: " in checked.output and why in checked.output

    quoted = runner.invoke(quote, ["--book", str(book), "--product", "CRM-STD", "--qty", "5"])
    assert quoted.exit_code == 1 and isinstance(quoted.exception, SystemExit)  # a clean exit, not a crash
    assert f"{book}:{number}: products[0].list_price" in quoted.output and "Traceback" not in quoted.output


@pytest.mark.parametrize("said", ["150%", "-5%", "十一折"])
def test_an_impossible_discount_is_refused_by_name(runner: CliRunner, said: str) -> None:
    result = runner.invoke(quote, [*BOOK, "--product", "CRM-PRO", "--qty", "10", "--discount", said])
    assert result.exit_code == 2
    assert f"{said!r} is not a discount" in result.output
