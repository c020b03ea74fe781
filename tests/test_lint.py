"""Lint: `ruff check` over the code, the tests, the scripts and the notebooks' code cells.

The rules and their reasons are in pyproject.toml ([tool.ruff]): pyflakes (unused imports and
names, undefined names) and pycodestyle's errors, so a typo or a leftover import fails CI.
Run it by hand with `make lint` or `.venv/bin/ruff check .` (`--fix` repairs the simple ones).
"""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None,
                    reason="ruff is not installed (it is in the test extra: pip install -e '.[test]')")
def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"ruff check . found problems (fix them, or see pyproject's [tool.ruff]):\n" \
                                   f"{result.stdout}{result.stderr}"
