"""The site build (`make site`, scripts/build_site.py): a reveal.js deck and an executed page a notebook."""
import html
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_site.py"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

spec = importlib.util.spec_from_file_location("build_site", SCRIPT)
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)


def _run(*args, mode=None):
    """Run the build command as a user would; C2G_MODE unset unless mode is given."""
    env = {k: v for k, v in os.environ.items() if k != "C2G_MODE"}
    if mode:
        env["C2G_MODE"] = mode
    result = subprocess.run([sys.executable, str(SCRIPT), *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"build_site failed:\n{result.stdout}\n{result.stderr[-3000:]}"
    return result.stdout


def test_mode_is_quick_by_default_and_follows_c2g_mode_and_the_option(monkeypatch):
    monkeypatch.delenv("C2G_MODE", raising=False)
    args = build_site.parse_args([])
    assert args.mode == "quick" and args.execute
    assert [p.name for p in args.paths] == [p.name for p in NOTEBOOKS]
    monkeypatch.setenv("C2G_MODE", "default")
    assert build_site.parse_args([]).mode == "default"
    assert build_site.parse_args(["--mode", "full"]).mode == "full"
    monkeypatch.setenv("C2G_MODE", "fast")
    with pytest.raises(SystemExit):
        build_site.parse_args([])
    with pytest.raises(SystemExit):
        build_site.parse_args(["--mode", "slow"])


def test_notebooks_are_chosen_by_number_name_or_path(capsys):
    first = NOTEBOOKS[0]
    for name in [first.stem[:2], first.stem, first.name, f"notebooks/{first.name}"]:
        assert build_site.select_notebooks([name]) == [first]
    assert build_site.select_notebooks([first.stem[:2], first.stem]) == [first]   # no duplicates
    with pytest.raises(SystemExit, match="no notebook called '99_nothing'. Choose from: 00_start_here"):
        build_site.select_notebooks(["99_nothing"])


def test_missing_offline_assets_say_how_to_get_them(tmp_path, capsys):
    with pytest.raises(SystemExit):
        build_site.parse_args(["--assets", str(tmp_path)])
    assert "npm install --prefix" in capsys.readouterr().err
    for part in build_site.ASSETS.values():
        (tmp_path / part).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / part).write_text("")
    args = build_site.parse_args(["--assets", str(tmp_path), "--out", str(tmp_path / "build")])
    config = build_site._exporter_config(args)
    assert config.SlidesExporter.reveal_url_prefix == "../../node_modules/reveal.js"   # relative, from build/slides
    assert config.HTMLExporter.require_js_url == "../../node_modules/requirejs/require.js"


def _slide_headings(path):
    """The first line of every markdown cell that starts a slide or subslide, as plain text
    (heading marks and **bold**/`code` marks removed, as the rendered deck shows it)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    firsts = [("".join(c["source"]).splitlines() or [""])[0] for c in cells
              if c["metadata"]["slideshow"]["slide_type"] in ("slide", "subslide") and c["cell_type"] == "markdown"]
    return [re.sub(r"[*`]", "", line.lstrip("#")).strip() for line in firsts]


def test_every_notebook_gets_a_deck_and_a_page(tmp_path):
    _run("--no-execute", "--out", str(tmp_path))   # conversion only; the next test runs a notebook
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for notebook in NOTEBOOKS:
        deck = (tmp_path / "slides" / f"{notebook.stem}.slides.html").read_text(encoding="utf-8")
        page = (tmp_path / "pages" / f"{notebook.stem}.html").read_text(encoding="utf-8")
        assert "Reveal.initialize" in deck and "Reveal.initialize" not in page
        text = html.unescape(re.sub(r"<[^>]+>", "", deck))
        for heading in _slide_headings(notebook):
            assert heading.split(" · ")[-1][:20] in text, f"{notebook.name}: slide {heading!r} missing from the deck"
        assert "# Solution" not in text, f"{notebook.name}: solution cells (slide_type skip) must not be in the deck"
        assert f"slides/{notebook.stem}.slides.html" in index and f"pages/{notebook.stem}.html" in index


def test_the_build_runs_a_notebook_in_quick_mode_by_default(tmp_path):
    name = NOTEBOOKS[0].stem   # 00_start_here: the quickest
    output = _run(name[:2], "--out", str(tmp_path))
    assert "quick mode" in output
    page = (tmp_path / "pages" / f"{name}.html").read_text(encoding="utf-8")
    deck = (tmp_path / "slides" / f"{name}.slides.html").read_text(encoding="utf-8")
    for built in (page, deck):
        assert "mode: quick" in built                     # the setup cell's printout: it ran, in quick mode
        assert "By hand and TensorFlow agree" in built     # an output of a later cell
        assert "data:image/png;base64" in built            # figures are embedded
    assert not (tmp_path / "slides" / f"{NOTEBOOKS[1].stem}.slides.html").exists()
