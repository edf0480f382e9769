"""The dependency order holds: bot → skills → crm / knowledge, no cycles, SQL only in crm/."""

from __future__ import annotations

from pathlib import Path

from tests.layering import describe, violations

PROJECT = Path(__file__).resolve().parent.parent


def test_the_project_keeps_its_layers() -> None:
    problems = violations(PROJECT)
    assert problems == [], describe(problems)


def _project(root: Path, files: dict[str, str]) -> Path:
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for package in ("bot", "skills", "crm", "knowledge"):
        (root / package).mkdir(exist_ok=True)
        (root / package / "__init__.py").touch()
    return root


def test_a_cycle_hidden_in_a_function_is_found(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "crm/visits.py": "from crm.customers import Customer\n",
        "crm/customers.py": "def lookup():\n    from crm.visits import Visit\n",
    })  # fmt: skip
    assert violations(root) == ["import cycle: crm.customers -> crm.visits"]


def test_a_layer_violation_is_found(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "crm/store.py": "def reply():\n    from skills.models import Reply\n",
        "skills/ask.py": "from bot.settings import Settings\nimport telegram\nSQL = 'select * from users'\n",
        "skills/models.py": "",
        "bot/settings.py": "",
        "knowledge/base.py": "from crm.store import Store\n",
    })  # fmt: skip
    problems = violations(root)
    assert "crm.store imports skills.models (crm/ may import only crm)" in problems
    assert "skills.ask imports bot.settings (skills/ may import only crm, knowledge, skills)" in problems
    assert "skills.ask imports telegram (only bot/ may)" in problems
    assert "skills.ask runs SQL (only crm/ talks to the database)" in problems
    assert "knowledge.base imports crm.store (knowledge/ may import only knowledge)" in problems


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    root = _project(tmp_path, {"crm/a.py": "from . import b\n", "crm/b.py": "from .a import thing\n"})
    assert violations(root) == ["import cycle: crm.a -> crm.b"]
