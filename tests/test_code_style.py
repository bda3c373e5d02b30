"""The house style is checked like everything else: ruff over the code, tests, benchmarks and
scripts, and mypy over the application (settings in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lms.config import ROOT

BIN = Path(sys.executable).parent


def test_ruff_finds_nothing() -> None:
    result = subprocess.run([str(BIN / "ruff"), "check", "lms", "tests", "bench", "scripts"],  # noqa: S603
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    # Its cache (.mypy_cache/) makes a second run take a few seconds.
    result = subprocess.run([str(BIN / "mypy")], cwd=ROOT,  # noqa: S603
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
