"""CI is red on a skip (shown once, on a throwaway test file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\ndef test_runs():\n    assert True\n\n"
        "@pytest.mark.skip(reason='needs something missing')\ndef test_skipped():\n    pass\n",
        encoding="utf-8",
    )
    env = {key: value for key, value in os.environ.items() if key != "CI"}
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "tests.skip_guard", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(tmp_path / "test_sample.py")],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_a_skip_fails_the_run_in_ci(tmp_path: Path) -> None:
    in_ci = _run(tmp_path, ci=True)
    assert in_ci.returncode == 1, in_ci.stdout
    assert "skipped; a skipped test is a failure in CI" in in_ci.stdout
    assert _run(tmp_path, ci=False).returncode == 0
