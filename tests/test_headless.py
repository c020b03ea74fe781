"""The headless runner (scripts/build_site.py): widget notebooks never wait out a cell timeout.

nbclient answers output captured by an ``ipywidgets.Output`` with a comm message on the shell
socket, sent through a plain copy of the asyncio socket. When the kernel's reply lands within
milliseconds of that send, a plain ``NotebookClient`` may miss the wake-up and sit until the cell
timeout (jupyter/nbclient#312). ``build_site.notebook_runner`` must not.

The stress test runs a tiny widget notebook without TensorFlow: ``C2G_STRESS_CELLS`` cell runs
(default 40, a few seconds). For the numbers in the report, run e.g.
``C2G_STRESS_CELLS=300 C2G_STRESS_PLAIN=1 pytest tests/test_headless.py -s``: it also runs a plain
NotebookClient as the baseline and prints both counts.
"""
import asyncio
import importlib.util
import os
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipywidgets")
pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build_site", ROOT / "scripts" / "build_site.py")
build_site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_site)

CELL_TIMEOUT = 8   # seconds; a cell here takes milliseconds, so a run that needs this long has stalled
SLOW = 0.9         # seconds; a cell slower than this needed the runner's fallback poll to finish


def widget_notebook(cells: int):
    """A notebook: one Output widget, then ``cells`` cells that each clear it and print into it."""
    from nbformat.v4 import new_code_cell, new_notebook

    source = ["import ipywidgets as widgets\nfrom IPython.display import display\nout = widgets.Output()\ndisplay(out)"]
    source += [f"out.clear_output()\nwith out:\n    print('cell {k}')" for k in range(cells)]
    return new_notebook(cells=[new_code_cell(s) for s in source],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def run_cells(client, cells: int) -> dict:
    """Run a widget notebook of ``cells`` cells with ``client``, cell by cell, timing each.
    Returns counts: cells run; stalled: the cell waited out the timeout (a plain client then finds
    the reply that sat unread all along) or the watchdog stopped it; slow: took more than SLOW s."""
    from nbclient.exceptions import CellTimeoutError

    counts = {"cells": 0, "stalled": 0, "slow": 0, "seconds": []}
    with client.setup_kernel():
        client.wait_for_reply(client.kc.kernel_info())
        for index, cell in enumerate(client.nb.cells):
            start = time.monotonic()
            try:
                client.execute_cell(cell, index)
            except (CellTimeoutError, build_site.CellStalled):
                counts["stalled"] += 1   # the reply is lost for good on this kernel: stop here
                counts["cells"] += 1
                break
            finally:
                elapsed = time.monotonic() - start
            if index:
                counts["cells"] += 1
                counts["seconds"].append(elapsed)
                counts["slow"] += elapsed > SLOW
                counts["stalled"] += elapsed >= CELL_TIMEOUT - 0.05
    return counts


def stress(make_client, total: int, per_kernel: int = 50) -> dict:
    """Run ``total`` widget cells, ``per_kernel`` to a fresh kernel; a stall ends that kernel's run."""
    counts = {"cells": 0, "stalled": 0, "slow": 0, "kernels": 0, "seconds": []}
    done = 0
    while done < total:
        n = min(per_kernel, total - done)
        result = run_cells(make_client(widget_notebook(n)), n)
        counts["kernels"] += 1
        done += n
        for key in ("cells", "stalled", "slow", "seconds"):
            counts[key] += result[key]
    counts["max_seconds"] = max(counts["seconds"], default=0.0)
    del counts["seconds"]
    return counts


def _safe_client(nb):
    return build_site.notebook_runner(timeout=CELL_TIMEOUT, nb=nb)


def test_widget_cells_never_stall_with_the_projects_runner():
    total = int(os.environ.get("C2G_STRESS_CELLS", "40"))
    safe = stress(_safe_client, total)
    print(f"\nbuild_site.notebook_runner: {safe}")
    if os.environ.get("C2G_STRESS_PLAIN"):
        from nbclient import NotebookClient

        plain = stress(lambda nb: NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3"), total)
        print(f"plain nbclient.NotebookClient: {plain}")
    assert safe["stalled"] == 0 and safe["cells"] == total
    assert safe["slow"] == 0, "a reply needed the fallback poll: the EVENTS re-arm after a send did not work"


def test_the_shell_channel_re_arms_after_every_send():
    """The fix itself, without timing luck: after a send, EVENTS is read through the asyncio socket."""
    manager_class, _ = build_site._runner_classes()
    client_class = manager_class().client_factory
    channel_class = client_class.shell_channel_class.default_value

    calls = []

    class FakeSocket:
        closed = False

        def get(self, option):       # get, not getsockopt: only get() re-arms zmq.asyncio's waiters
            calls.append(option)
            return 0

    channel = channel_class.__new__(channel_class)
    channel.socket = FakeSocket()
    channel.session = type("S", (), {"send": lambda self, socket, msg: calls.append("send")})()
    channel.send({"header": {}})
    import zmq

    assert calls == ["send", zmq.EVENTS]


def test_the_watchdog_names_a_cell_that_stalls(tmp_path):
    """A kernel that finishes a cell but whose reply never arrives: the runner stops within seconds
    (not the cell timeout) and names the cell."""
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("# the lost one\ny = 2")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    runner = build_site.notebook_runner(timeout=600, nb=nb)
    runner.idle_reply_seconds = 2
    with runner.setup_kernel():
        runner.wait_for_reply(runner.kc.kernel_info())
        runner.execute_cell(nb.cells[0], 0)
        channel = runner.kc.shell_channel
        original = channel.get_msg

        async def lose_replies(timeout=None):   # swallow every reply, as a lost wake-up would
            await asyncio.sleep(timeout if timeout is not None else 3600)
            from queue import Empty
            raise Empty

        channel.get_msg = lose_replies
        start = time.monotonic()
        with pytest.raises(build_site.CellStalled, match=r"cell 1.*the lost one.*did not arrive within 2 s"):
            runner.execute_cell(nb.cells[1], 1)
        assert time.monotonic() - start < 30
        channel.get_msg = original


def test_the_watchdog_stops_a_silent_cell():
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("import time\ntime.sleep(60)")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    runner = build_site.notebook_runner(timeout=600, silence_timeout=3, nb=nb)
    start = time.monotonic()
    with pytest.raises(build_site.CellStalled, match=r"cell 0 \(id [^)]+\): import time: no output.*3 s.*--silence-timeout"):
        with runner.setup_kernel():
            runner.execute_cell(nb.cells[0], 0)
    assert time.monotonic() - start < 40


def test_build_one_names_the_stalled_cell(monkeypatch, tmp_path):
    """build_site turns a stall into a one-paragraph error that names the notebook and the cell."""
    import argparse

    from nbformat.v4 import new_code_cell, new_notebook

    path = tmp_path / "99_stall.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import time\ntime.sleep(60)")],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}}), path)
    args = argparse.Namespace(execute=True, timeout=600, silence_timeout=3, mode="quick", out=tmp_path / "build",
                              assets=None, reveal_prefix=None)
    with pytest.raises(SystemExit, match=r"99_stall.ipynb stalled in quick mode, cell 0.*no output"):
        build_site.build_one(path, args)
