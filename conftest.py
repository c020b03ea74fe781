"""pytest configuration shared by the unit tests and the notebook runs (nbval).

The notebook kernels (and JupyterLab servers and other subprocesses) inherit this process's
environment, so setting it here, when this file is imported, reaches all of them:

- the notebooks' outputs go to a temporary folder for the session (``$C2G_OUTPUT_DIR``), so a test
  run never overwrites what a student trained in ``outputs/``;
- every notebook runs in quick mode with a quiet TensorFlow log. To run the notebooks in another
  mode: ``C2G_TEST_MODE=default pytest notebooks/01_convolution.ipynb``;
- the MNIST judge's cache (``$C2G_CACHE_DIR``, read by ``utils.judge._cache_dir``) is a temporary
  folder for the session, so tests never write to the user's cache (``~/.cache/conv2gan``). Training
  the judge takes about a minute, so the folder starts with a copy of the judge files already in the
  user's cache, when there are any.

Markers (registered in pyproject.toml), set here so that no test file has to remember them:
``notebook`` (a notebook cell run by nbval) and ``browser`` (tests/test_browser.py), both also
``slow``; ``slow``: a test file or test that takes more than about 5 s on two CPU cores (measured
with ``pytest --durations=0``; see SLOW_FILES, SLOW_TESTS and SLOW_FIXTURES below). A new slow test
goes into one of them, or carries ``@pytest.mark.slow`` itself. ``pytest -m "not slow"`` is the fast
loop (about a minute); plain ``pytest`` still runs everything.
"""
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ["C2G_MODE"] = os.environ.get("C2G_TEST_MODE", "quick")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Whole files whose tests each take more than ~5 s, or that take minutes together.
SLOW_FILES = {
    "test_browser.py",      # every notebook in JupyterLab and headless Chromium (minutes)
    "test_robustness.py",   # about 3.5 min
}
# Single slow tests in otherwise fast files: (file name, test function name). Times measured on two
# shared CPU cores with `pytest --durations=0` (whole run of tests/ without the two files above: 255 s).
SLOW_TESTS = {
    ("test_site.py", "test_every_notebook_gets_a_deck_and_a_page"),             # 87 s
    ("test_site.py", "test_the_build_runs_a_notebook_in_quick_mode_by_default"),  # 14 s
    ("test_judge.py", "test_real_stats_are_cached_next_to_the_judge"),          # 48 s
    ("test_judge.py", "test_corrupt_or_wrong_cache_is_retrained_with_a_message"),  # 22 s
}
# Tests that use one of these fixtures are slow: "trained" is the MNIST judge (about a minute to
# train where no judge is cached, else about 15 s to load it and score the 10,000 test digits).
SLOW_FIXTURES = {"trained"}
# utils.judge.CACHE_VARIABLE and the default of utils.judge._cache_dir(), repeated here so that pytest
# imports nothing of utils before a test does (tests/test_judge.py checks that they agree).
CACHE_VARIABLE = "C2G_CACHE_DIR"


def _session_cache() -> Path:
    """A temporary judge cache for this session, seeded with the user's cached judge files."""
    override = os.environ.get(CACHE_VARIABLE, "").strip()   # the user's cache, as utils.judge._cache_dir() finds it
    user_cache = Path(override).expanduser() if override else Path.home() / ".cache" / "conv2gan"
    folder = Path(tempfile.mkdtemp(prefix="c2g-test-cache-"))
    if user_cache.is_dir():
        for path in user_cache.glob("judge-*"):   # the judge (.keras) and its test-digit statistics (.npz)
            if path.is_file():
                shutil.copy2(path, folder / path.name)
    return folder


SESSION_CACHE = _session_cache()
os.environ[CACHE_VARIABLE] = str(SESSION_CACHE)

# The notebooks write their results (checkpoints, samples, grids) to $C2G_OUTPUT_DIR. A test run in
# quick mode must not overwrite what a student trained in default mode in outputs/, so every test
# session writes to a folder of its own, removed at the end; set C2G_TEST_OUTPUT_DIR to keep it.
KEEP_OUTPUTS = os.environ.get("C2G_TEST_OUTPUT_DIR", "").strip()
SESSION_OUTPUTS = Path(KEEP_OUTPUTS).expanduser() if KEEP_OUTPUTS else Path(tempfile.mkdtemp(prefix="c2g-test-outputs-"))
os.environ["C2G_OUTPUT_DIR"] = str(SESSION_OUTPUTS)


def pytest_unconfigure(config):
    shutil.rmtree(SESSION_CACHE, ignore_errors=True)
    if not KEEP_OUTPUTS:
        shutil.rmtree(SESSION_OUTPUTS, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.path))
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)
            item.add_marker(pytest.mark.slow)
        if path.name == "test_browser.py":
            item.add_marker(pytest.mark.browser)
        name = getattr(item, "originalname", item.name)
        if path.name in SLOW_FILES or (path.name, name) in SLOW_TESTS \
                or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
