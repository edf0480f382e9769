"""A pytest plugin: in CI (the CI environment variable set) a skipped test fails the run.

A test that cannot run here is not a test: a missing extra must turn CI red, not hide behind a skip.
"""

from __future__ import annotations

import os

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Turn a green run with skips into a failed one when CI is set."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and session.exitstatus == pytest.ExitCode.OK:
        if reporter is not None:
            reporter.write_line(f"CI: {len(skipped)} test(s) skipped; a skipped test is a failure in CI", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
