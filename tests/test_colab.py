"""The Colab path: the setup cell's Colab branch, run as on Colab, against a local clone.

Runs only in the Colab stack (``.ci/stack colab`` sets ``C2G_COLAB_STACK=1``), whose environment
holds Colab's published package set (constraints/colab.txt) and not conv2gan. A stand-in
``google.colab`` module makes the setup cell take its Colab branch; the clone's
``utils.course.REPOSITORY`` points at the clone itself (as a fork's would point at the fork), so the
``%pip install`` line installs from ``git+file://...``. Then: utils is installed with its package
data, nothing of Colab's set moved, and the notebook runs top to bottom in quick mode.
"""
import importlib.metadata as metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(os.environ.get("C2G_COLAB_STACK") != "1",
                                reason="runs in the Colab stack only (.ci/stack colab)")


def _colab_pins():
    pins = {}
    for line in (ROOT / "constraints" / "colab.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name] = version
    return pins


def test_setup_cell_installs_from_a_fork_and_the_notebook_runs(tmp_path):
    clone = tmp_path / "fork"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    # Uncommitted work travels too, so the test checks the tree under test, not only HEAD.
    for rel in subprocess.run(["git", "ls-files", "-m", "-o", "--exclude-standard"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.split():
        if (ROOT / rel).is_file():
            (clone / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, clone / rel)
    course = clone / "utils" / "course.py"
    text = course.read_text()
    course.write_text(text.replace('REPOSITORY = "https://github.com/conv2gan/conv2gan"', f'REPOSITORY = "file://{clone}"'))
    subprocess.run([sys.executable, "-m", "utils.course", "sync"], cwd=clone, check=True, capture_output=True)
    setup_cell = (clone / "notebooks" / "00_start_here.ipynb").read_text()
    assert f"git+file://{clone}" in setup_cell, "course sync must point the install line at the fork"
    subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qam", "fork"], cwd=clone, check=True)

    pins = _colab_pins()
    before = {name: metadata.version(name) for name in pins}
    fake = tmp_path / "fake-colab"
    (fake / "google" / "colab").mkdir(parents=True)   # no google/__init__.py: a namespace package beside protobuf
    (fake / "google" / "colab" / "__init__.py").write_text('"""A stand-in for Colab\'s module."""\n')
    (fake / "sitecustomize.py").write_text("import google.colab  # noqa: F401  (what a Colab runtime has loaded)\n")
    env = dict(os.environ, PYTHONPATH=str(fake), C2G_MODE="quick", C2G_OUTPUT_DIR=str(tmp_path / "outputs"),
               C2G_CACHE_DIR=str(tmp_path / "cache"))
    subprocess.run([sys.executable, "-m", "pip", "uninstall", "-q", "-y", "conv2gan"], check=False)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                             "--nbval-current-env", "notebooks/00_start_here.ipynb"],
                            cwd=clone, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]

    installed = subprocess.run([sys.executable, "-c", "import utils, pathlib; p = pathlib.Path(utils.__file__).parent; "
                                "print(p); print((p / 'data_files' / 'mnist-sample.npz').is_file())"],
                               cwd=tmp_path, capture_output=True, text=True, check=True).stdout.split()
    assert "site-packages" in installed[0] and installed[1] == "True", \
        f"utils must be installed with its package data; got {installed}"
    after = {name: metadata.version(name) for name in pins}
    assert after == before == pins, f"Colab's set must not move: before {before}, after {after}, Colab {pins}"
