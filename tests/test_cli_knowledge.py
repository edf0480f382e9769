"""`kam ask` / `kam ingest` through the CLI runner: JSON on stdout, the index built when missing."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main

DOCS = Path(__file__).parent / "fixtures" / "knowledge" / "docs"


def env_for(tmp_path: Path) -> dict[str, str]:
    return {"KAM_DATA_DIR": str(tmp_path / "data"), "KAM_EMBEDDER": "hashing", "KAM_KNOWLEDGE_DIR": str(DOCS)}


def test_ask_builds_a_missing_index_then_answers_as_json(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["ask", "天气", "--json"], env=env_for(tmp_path))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(answer) == {"answered", "not_stated", "answer", "sources"}
    assert "indexing" in result.stderr
    assert (tmp_path / "data" / "index" / "manifest.json").exists()
    again = runner.invoke(main, ["ask", "天气", "--json"], env=env_for(tmp_path))
    assert "indexing" not in again.stderr  # built once


def test_ingest_reports_unreadable_files_and_keeps_going(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest"], env=env_for(tmp_path))
    assert result.exit_code == 0, result.output
    assert "skipped" in result.stderr and ".docx" in result.stderr  # the fixture folder has a corrupt .docx
    assert "index" in result.output


def _indexed_sources(tmp_path: Path) -> list[str]:
    manifest = json.loads((tmp_path / "data" / "index" / "manifest.json").read_text(encoding="utf-8"))
    return manifest["sources"]


def test_ingest_of_one_file_adds_it_and_keeps_the_playbook(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["ingest"], env=env_for(tmp_path))
    assert first.exit_code == 0, first.output
    playbook = _indexed_sources(tmp_path)
    assert "retention.md" in playbook
    extra = tmp_path / "notes" / "extra.md"
    extra.parent.mkdir()
    extra.write_text("# 额外说明\n\n续约客户的回访要在合同到期前三十天安排，并带上使用报告。\n", encoding="utf-8")

    added = runner.invoke(main, ["ingest", str(extra)], env=env_for(tmp_path))

    assert added.exit_code == 0, added.output
    assert _indexed_sources(tmp_path) == [*playbook, "extra.md"]  # the playbook is still there
    total = len(playbook) + 1
    assert f"added 1 file (1 passage); the index now holds {total} files," in added.output
    again = runner.invoke(main, ["ingest", str(extra)], env=env_for(tmp_path))
    assert "index unchanged" in again.output and f"holds {total} files" in again.output


def test_ingest_replace_makes_the_index_hold_only_the_paths_and_says_so(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["ingest"], env=env_for(tmp_path)).exit_code == 0
    dropped = len(_indexed_sources(tmp_path))

    result = runner.invoke(main, ["ingest", "--replace", str(DOCS / "churn.txt")], env=env_for(tmp_path))

    assert result.exit_code == 0, result.output
    assert _indexed_sources(tmp_path) == ["churn.txt"]
    assert "replaced the index: re-read 1 file already indexed" in result.output
    assert f"dropped {dropped - 1} files not given; the index now holds 1 file," in result.output


def test_ingest_again_after_adding_a_file_finds_the_index_unchanged(tmp_path: Path) -> None:
    runner = CliRunner()
    extra = tmp_path / "extra.md"
    extra.write_text("# 额外说明\n\n续约客户的回访要在合同到期前三十天安排。\n", encoding="utf-8")
    assert runner.invoke(main, ["ingest"], env=env_for(tmp_path)).exit_code == 0
    assert runner.invoke(main, ["ingest", str(extra)], env=env_for(tmp_path)).exit_code == 0

    again = runner.invoke(main, ["ingest"], env=env_for(tmp_path))

    assert "index unchanged" in again.output and "extra.md" in _indexed_sources(tmp_path)
