"""The tooling that lets a helper write a held-out set blind (benchmarks/heldout_sets.py)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.heldout_sets import FIXTURES, PLAYBOOK, check, problems_of, write_workspace

WRITTEN = FIXTURES / "kb" / "near_domain_heldout_v100.jsonl"  # a set its writer checked


def items_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def playbook() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in PLAYBOOK.glob("*.md")}


def test_the_workspace_holds_the_playbook_without_its_example_questions_the_rules_and_the_brief(tmp_path: Path):
    write_workspace(tmp_path)
    pages = sorted((tmp_path / "playbook").glob("*.md"))
    assert [page.name for page in pages] == sorted(path.name for path in PLAYBOOK.glob("*.md"))
    assert not any("<!--" in page.read_text(encoding="utf-8") for page in pages)
    assert (tmp_path / "rules.md").read_text(encoding="utf-8").startswith("## Line format")
    brief = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert f"{tmp_path}/playbook/" in brief and "heldout_sets.py check" in brief and "{" not in brief
    assert (tmp_path / "sets").is_dir()


def test_a_checked_set_has_no_problems_and_each_broken_rule_is_named():
    items = items_of(WRITTEN)
    assert problems_of(items, "100", playbook()) == []
    items[0] = {**items[0], "id": "nd100-1"}
    answerable = next(item for item in items if item["kind"] == "situation")
    answerable["expect"] = [["手册里没有的说法"]]
    unanswerable = next(item for item in items if item["kind"] == "not_stated")
    unanswerable["kind"] = "fact"
    problems = problems_of(items, "100", playbook())
    assert "item 1: id should be nd100-01" in problems
    assert f"{answerable['id']}: no alternative of ['手册里没有的说法'] occurs verbatim in the playbook" in problems
    assert any(problem.startswith("need {'situation': 26") for problem in problems)


def test_a_question_close_to_an_earlier_one_is_named_without_the_other(tmp_path: Path, capsys):
    first = items_of(WRITTEN)[0]
    path = tmp_path / "near_domain_heldout_v900.jsonl"
    path.write_text(json.dumps({**first, "id": "nd900-01"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert not check(path)
    printed = capsys.readouterr().out
    assert "nd900-01: too close to an existing question (ratio 1.000)" in printed
    assert printed.count(first["q"]) == 0
