"""The house style is checked like everything else: ruff over the code, tests and benchmarks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lms.config import ROOT


def test_ruff_finds_nothing() -> None:
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", "lms", "tests", "bench"], cwd=ROOT,  # noqa: S603
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
