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
