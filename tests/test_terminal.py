"""`kam chat` piped: one message per line, replies printed, buttons numbered and pressable by number."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main


def chat(tmp_path: Path, lines: list[str]) -> str:
    env = {"KAM_DATA_DIR": str(tmp_path / "data"), "KAM_EMBEDDER": "hashing"}
    result = CliRunner().invoke(main, ["chat"], input="\n".join(lines) + "\n", env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_help_when_piped(tmp_path: Path) -> None:
    output = chat(tmp_path, ["/help"])
    for command in ("/help", "/ask", "/note", "/customers", "/followups", "/remind", "/quote", "/lang"):
        assert command in output


def test_buttons_are_numbered_and_picked_by_number(tmp_path: Path) -> None:
    output = chat(tmp_path, ["/customers add 明达科技 制造 III", "今天拜访了明达科技 见了李总 下周一再约", "1", "/customers"])
    assert "[1] " in output  # the note card's Save button
    assert "已保存拜访记录" in output or "已保存" in output
    assert output.count("明达科技") >= 3


def test_language_follows_the_message(tmp_path: Path) -> None:
    output = chat(tmp_path, ["hello", "你好"])
    assert "Hello!" in output and "你好！" in output


def test_a_button_press_and_a_bare_command_answer_in_the_language_of_the_latest_message(tmp_path: Path) -> None:
    output = chat(tmp_path, ["What discount can a class III customer get?", "1", "/help"])
    [_, after_button] = output.split("Which product?")
    assert "List price" in after_button and "牌价" not in after_button  # the pressed product's price, in English
    assert "Here is what I can do" in after_button and "帮助" not in after_button  # /help too
    chinese = chat(tmp_path, ["三类客户能打几折", "1"])
    assert "牌价" in chinese and "List price" not in chinese


def test_a_broken_price_book_stops_with_a_clear_error(tmp_path: Path) -> None:
    book = tmp_path / "pricing.yaml"
    book.write_text("products: [\n", encoding="utf-8")
    env = {"KAM_DATA_DIR": str(tmp_path / "data"), "KAM_EMBEDDER": "hashing", "KAM_PRICING_FILE": str(book)}
    result = CliRunner().invoke(main, ["chat"], input="/help\n", env=env)
    assert result.exit_code == 1
    assert f"{book}:2" in result.output and "Traceback" not in result.output
