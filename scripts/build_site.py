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

The notebooks run through :func:`notebook_runner`, nbconvert's ``ExecutePreprocessor`` with a kernel
client that cannot lose a reply. nbclient answers an ``ipywidgets.Output`` by sending a comm message
on the shell socket through a plain (non-asyncio) copy of that socket (jupyter_client's
``Session.send``); when the kernel's execute reply lands within milliseconds of that send, the
asyncio poller misses its wake-up and the reply sat unread until the cell timeout (jupyter/nbclient#312,
jupyter/jupyter_client#1059). Here every shell send is followed by reading ``zmq.EVENTS`` through the
asyncio socket (which re-arms the poller), the shell channel also polls in short slices, and a
watchdog names the cell and stops the build when a cell stalls anyway (the kernel is idle but no
reply came, or a cell sends nothing for ``--silence-timeout`` seconds).
"""
from __future__ import annotations

import argparse
import html
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IDLE_REPLY_SECONDS = 30      # a kernel that said "idle" has sent its reply: waiting longer than this is a stall
SILENCE_SECONDS = 600        # default --silence-timeout: a cell that sends nothing for this long is stuck
SHELL_POLL_SECONDS = 1.0     # the shell channel looks for a reply at least this often
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
    parser.add_argument("--silence-timeout", type=int, default=SILENCE_SECONDS,
                        help="stop when a running cell sends no output and no progress for this many seconds "
                             f"(default: {SILENCE_SECONDS}); 0 switches this watchdog off")
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
    if args.silence_timeout < 0:
        parser.error("--silence-timeout must be 0 (off) or a positive number of seconds")
    args.paths = select_notebooks(args.notebooks)
    return args


class CellStalled(RuntimeError):
    """A cell made no progress: the kernel was idle but its reply never came, or it sent nothing for
    the silence timeout. The message names the cell."""


def describe_cell(cell, index: int) -> str:
    """'cell 12 (id c028): <first line of its code>' for error messages."""
    first = next((line.strip() for line in str(cell.get("source", "")).splitlines() if line.strip()), "")
    if len(first) > 70:
        first = first[:67] + "..."
    cell_id = cell.get("id")
    return f"cell {index}" + (f" (id {cell_id})" if cell_id else "") + (f": {first}" if first else "")


_classes = None


def _runner_classes():
    """Build (once) the kernel manager and the ExecutePreprocessor that cannot lose a reply."""
    global _classes
    if _classes is not None:
        return _classes
    import asyncio
    from queue import Empty

    import zmq
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.channels import AsyncZMQSocketChannel
    from jupyter_client.manager import AsyncKernelManager
    from nbconvert.preprocessors import ExecutePreprocessor
    from traitlets import Float, Type

    class ShellChannel(AsyncZMQSocketChannel):
        """The shell channel, made safe against the lost wake-up described in the module docstring."""

        poll_seconds = SHELL_POLL_SECONDS

        def send(self, msg):
            super().send(msg)          # jupyter_client sends through a plain copy of the asyncio socket ...
            if self.socket is not None and not self.socket.closed:
                # ... so re-arm the asyncio poller for a reply that is already waiting. It must be
                # .get: zmq.asyncio.Socket overrides get() to reschedule its waiters, but
                # getsockopt is an alias of the plain get() and would not.
                self.socket.get(zmq.EVENTS)

        async def get_msg(self, timeout=None):
            """The next message, looking at least every ``poll_seconds``: a missed wake-up costs at
            most that long instead of the whole timeout."""
            loop = asyncio.get_running_loop()
            deadline = None if timeout is None else loop.time() + timeout
            while True:
                if self.socket.get(zmq.EVENTS) & zmq.POLLIN:
                    return await self._recv()
                left = None if deadline is None else deadline - loop.time()
                if left is not None and left <= 0:
                    raise Empty
                wait = self.poll_seconds if left is None else min(left, self.poll_seconds)
                if await self.socket.poll(max(1, int(wait * 1000))):
                    return await self._recv()

    class KernelClient(AsyncKernelClient):
        shell_channel_class = Type(ShellChannel)

    class KernelManager(AsyncKernelManager):
        client_factory = Type(KernelClient, klass=AsyncKernelClient, config=True)

        def client(self, **kwargs):
            self.client_factory = KernelClient      # whatever client_class says
            return super().client(**kwargs)

    class Runner(ExecutePreprocessor):
        """nbconvert's ExecutePreprocessor with the safe shell channel and a progress watchdog."""

        kernel_manager_class = Type(KernelManager, config=True)
        idle_reply_seconds = Float(IDLE_REPLY_SECONDS, help="seconds to wait for a reply once the kernel is idle")
        silence_seconds = Float(SILENCE_SECONDS, help="seconds without any message from a running cell; 0: off")

        def process_message(self, msg, cell, cell_index):
            self._last_progress = asyncio.get_event_loop().time()
            return super().process_message(msg, cell, cell_index)

        async def _async_poll_for_reply(self, msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive):
            loop = asyncio.get_running_loop()
            self._last_progress = loop.time()
            index = self.nb.cells.index(cell) if cell in self.nb.cells else -1
            reply = asyncio.ensure_future(super()._async_poll_for_reply(
                msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive))
            idle_since = None
            try:
                while True:
                    done, _ = await asyncio.wait({reply}, timeout=1.0)
                    if done:
                        return reply.result()
                    now = loop.time()
                    if task_poll_output_msg.done() and not task_poll_output_msg.cancelled() \
                            and task_poll_output_msg.exception() is None:
                        idle_since = idle_since or now       # the kernel said idle: the reply is due
                        if now - idle_since > self.idle_reply_seconds:
                            raise CellStalled(
                                f"{describe_cell(cell, index)}: the kernel finished the cell but its reply did not "
                                f"arrive within {self.idle_reply_seconds:.0f} s (a lost message; run the build again).")
                    elif self.silence_seconds and now - self._last_progress > self.silence_seconds:
                        raise CellStalled(
                            f"{describe_cell(cell, index)}: no output and no progress for "
                            f"{self.silence_seconds:.0f} s. If this cell is slow and silent, "
                            "raise --silence-timeout (0 switches it off).")
            finally:
                if not reply.done():
                    reply.cancel()
                    task_poll_kernel_alive.cancel()

    _classes = KernelManager, Runner
    return _classes


def notebook_runner(timeout: int = 1800, silence_timeout: float = SILENCE_SECONDS, **kwargs):
    """An nbconvert ``ExecutePreprocessor`` (a ``nbclient.NotebookClient``) whose shell channel
    cannot lose a reply and whose watchdog raises :class:`CellStalled`, naming the cell, when a
    cell makes no progress (see the module docstring). ``timeout``: seconds a cell may run;
    ``silence_timeout``: seconds a running cell may send nothing (0: no limit). ``nb``: a notebook
    to run cell by cell through ``setup_kernel()`` and ``execute_cell``, instead of ``preprocess``."""
    _, runner_class = _runner_classes()
    nb = kwargs.pop("nb", None)
    runner = runner_class(timeout=timeout, silence_seconds=float(silence_timeout), kernel_name="python3", **kwargs)
    if nb is not None:
        runner.nb = nb
        runner.reset_execution_trackers()
    return runner


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
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbconvert.preprocessors import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    if args.execute:
        runner = notebook_runner(args.timeout, args.silence_timeout)
        try:   # run in the notebook's folder, like JupyterLab does
            runner.preprocess(notebook, {"metadata": {"path": str(path.parent)}})
        except CellExecutionError as error:
            raise SystemExit(f"build_site: {path.name} failed in {args.mode} mode:\n{error}") from None
        except CellStalled as error:
            raise SystemExit(f"build_site: {path.name} stalled in {args.mode} mode, {error}") from None
        except CellTimeoutError as error:
            raise SystemExit(f"build_site: {path.name} ran past --timeout {args.timeout} s in {args.mode} "
                             f"mode:\n{error}") from None
        except DeadKernelError as error:
            raise SystemExit(f"build_site: {path.name}: the kernel died in {args.mode} mode ({error}); "
                             "out of memory?") from None
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
