"""Build reveal.js slide decks and executed HTML pages for the lessons.

    python scripts/build_site.py                  # every notebook, quick mode (or $C2G_MODE)
    python scripts/build_site.py 01 --mode default
    make site                                     # the same as the first line
    C2G_MODE=default make site                    # results worth showing in class

Each notebook runs once, top to bottom, on a fresh kernel in the chosen mode; its executed copy
becomes two files:

    build/slides/NN_name.slides.html   a reveal.js deck (from the cells' slideshow metadata)
    build/pages/NN_name.html           the whole notebook as one web page

and build/index.html links them all. The notebooks in notebooks/ are not changed; what they save
goes to outputs/ as usual.

The decks and pages load reveal.js, require.js, jQuery and MathJax from the web (CDNs). For an
offline room, download them once and pass --assets, or point --reveal-prefix at your own reveal.js 4:

    npm install --prefix ~/conv2gan-assets reveal.js@4.0.2 requirejs@2 jquery@2 mathjax@2
    python scripts/build_site.py --assets ~/conv2gan-assets

The widgets are live only in JupyterLab (or Colab); in the built files they need the web as well.
"""
from __future__ import annotations

import argparse
import html
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MODES = ("quick", "default", "full")   # as in utils/settings.py; not imported, to avoid loading TensorFlow here
ASSETS_COMMAND = "npm install --prefix {dir} reveal.js@4.0.2 requirejs@2 jquery@2 mathjax@2"
# The local copies --assets uses, as npm lays them out, and the exporter setting each one fills.
ASSETS = {
    "reveal_url_prefix": "node_modules/reveal.js",
    "require_js_url": "node_modules/requirejs/require.js",
    "jquery_url": "node_modules/jquery/dist/jquery.min.js",
    "mathjax_url": "node_modules/mathjax/MathJax.js",
}


def all_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def select_notebooks(names: list[str], folder: Path = NOTEBOOKS) -> list[Path]:
    """The notebooks named by number ("01"), stem ("01_convolution") or path; all of them for none."""
    available = all_notebooks(folder)
    if not names:
        return available
    chosen = []
    for name in names:
        stem = Path(name).name.removesuffix(".ipynb")
        matches = [p for p in available if p.stem == stem or p.stem[:2] == stem]
        if len(matches) != 1:
            choices = ", ".join(p.stem for p in available)
            raise SystemExit(f"build_site: no notebook called {name!r}. Choose from: {choices}")
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build_site", description="Build reveal.js decks and executed HTML pages for the lessons into build/.")
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="notebooks to build, by number (01) or name (01_convolution); default: all")
    parser.add_argument("--mode", choices=MODES, default=None,
                        help="C2G_MODE for the run (default: $C2G_MODE if set, else quick)")
    parser.add_argument("--out", type=Path, default=ROOT / "build", help="output folder (default: build/)")
    parser.add_argument("--no-execute", dest="execute", action="store_false",
                        help="convert the notebooks as they are, without running them")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds a cell may run (default: 1800)")
    parser.add_argument("--reveal-prefix", default=None,
                        help="where the decks load reveal.js 4 from (default: a CDN), e.g. a local copy for an offline room")
    parser.add_argument("--assets", type=Path, default=None,
                        help="a folder with local copies of reveal.js, require.js, jQuery and MathJax, made by: "
                             + ASSETS_COMMAND.format(dir="DIR"))
    args = parser.parse_args(argv)
    if args.assets is not None:
        missing = [part for part in ASSETS.values() if not (args.assets / part).exists()]
        if missing:
            parser.error(f"--assets {args.assets}: {', '.join(missing)} missing; make them with: "
                         + ASSETS_COMMAND.format(dir=args.assets))
    if args.mode is None:
        args.mode = os.environ.get("C2G_MODE", "").strip() or "quick"
        if args.mode not in MODES:
            parser.error(f"C2G_MODE={args.mode!r} is not a mode; use one of {', '.join(MODES)}")
    if args.timeout <= 0:
        parser.error("--timeout must be a positive number of seconds")
    args.paths = select_notebooks(args.notebooks)
    return args


def _exporter_config(args: argparse.Namespace):
    from traitlets.config import Config

    config = Config()
    config.SlidesExporter.reveal_scroll = True        # tall slides (code and a figure) scroll instead of being cut off
    config.SlidesExporter.reveal_number = "c/t"       # slide numbers, for "go back to slide 12"
    config.SlidesExporter.reveal_width = "1280"       # room for 100-character code lines (reveal.js scales to the screen)
    config.SlidesExporter.reveal_height = "800"
    if args.assets is not None:   # relative links, so the build folder and the assets can move together
        base = Path(os.path.relpath(args.assets.resolve(), (args.out / "slides").resolve())).as_posix()
        urls = {setting: f"{base}/{part}" for setting, part in ASSETS.items()}
        urls["mathjax_url"] += "?config=TeX-AMS_CHTML-full,Safe"
        config.SlidesExporter.reveal_url_prefix = urls.pop("reveal_url_prefix")
        for setting, url in urls.items():
            setattr(config.HTMLExporter, setting, url)       # SlidesExporter is an HTMLExporter: both get them
    if args.reveal_prefix:
        config.SlidesExporter.reveal_url_prefix = args.reveal_prefix
    return config


def build_one(path: Path, args: argparse.Namespace) -> tuple[Path, Path]:
    """Run one notebook (unless --no-execute) and write its deck and its page; returns both paths."""
    import nbformat
    from nbconvert import HTMLExporter, SlidesExporter
    from nbconvert.preprocessors import CellExecutionError, ExecutePreprocessor

    notebook = nbformat.read(path, as_version=4)
    if args.execute:
        runner = ExecutePreprocessor(timeout=args.timeout, kernel_name="python3")
        try:   # run in the notebook's folder, like JupyterLab does
            runner.preprocess(notebook, {"metadata": {"path": str(path.parent)}})
        except CellExecutionError as error:
            raise SystemExit(f"build_site: {path.name} failed in {args.mode} mode:\n{error}") from None
    config = _exporter_config(args)
    slides = args.out / "slides" / f"{path.stem}.slides.html"
    page = args.out / "pages" / f"{path.stem}.html"
    for exporter, target in [(SlidesExporter(config=config), slides), (HTMLExporter(config=config), page)]:
        body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    return slides, page


def write_index(out: Path) -> Path:
    """build/index.html: a link to every deck and page in the build folder."""
    rows = []
    for page in sorted((out / "pages").glob("*.html")):
        deck = out / "slides" / f"{page.stem}.slides.html"
        link = f'<a href="slides/{deck.name}">slides</a>' if deck.exists() else ""
        rows.append(f'<li><a href="pages/{page.name}">{html.escape(page.stem)}</a> {link}</li>')
    index = out / "index.html"
    index.write_text("<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>conv2gan lessons</title></head>\n"
                     "<body><h1>conv2gan: lessons as pages and slides</h1>\n<ul>\n" + "\n".join(rows) +
                     "\n</ul></body></html>\n", encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["C2G_MODE"] = args.mode            # the kernels inherit the environment
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    what = f"running them in {args.mode} mode" if args.execute else "without running them"
    print(f"Building {len(args.paths)} notebook(s) into {args.out}, {what}.", flush=True)
    for path in args.paths:
        start = time.monotonic()
        slides, page = build_one(path, args)
        print(f"  {path.name}: {slides.relative_to(args.out)}, {page.relative_to(args.out)} "
              f"({time.monotonic() - start:.0f} s)", flush=True)
    print(f"Open {write_index(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
