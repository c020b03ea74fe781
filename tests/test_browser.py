"""The notebooks in JupyterLab, in a real (headless) browser.

This starts JupyterLab on 127.0.0.1 with a fresh token, opens 00_start_here and 01_convolution in
headless Chromium (Debian's `chromium` package, driven by Playwright: nothing downloads a browser),
runs all cells in quick mode, and checks what a person would see:

- no cell shows an error;
- the ipywidgets render as real controls, not as their text form (`VBox(children=...)`);
- moving a slider or changing a menu redraws the picture under the widget.

Screenshots go to outputs/browser/ (git-ignored). The test skips only when Chromium is missing
(`apt-get install chromium`; .ci/run installs it). Playwright is part of the `test` extra.
"""
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "outputs" / "browser"
CHROMIUM_PATHS = ("/usr/bin/chromium",)
SKIP_MESSAGE = ("Chromium is not installed (no /usr/bin/chromium and no `chromium` on PATH), so the "
                "JupyterLab browser test cannot run. Install it with `apt-get install chromium` "
                "(Debian/Ubuntu); .ci/run does this in CI.")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_S = 90      # JupyterLab must answer within this
RUN_ALL_S = 240          # a notebook's "Run All Cells" must finish within this (quick mode)
WIDGET_S = 60            # a widget must render, or redraw after a change, within this

# What to do in each notebook: (screenshot name, the control's label, its kind, the new menu value).
# Each control's cell also holds the output whose picture must change.
INTERACTIONS = {
    "00_start_here": [
        ("digit_browser_page", "page", "slider", None),
        ("digit_browser_digit", "digit", "dropdown", "7"),
    ],
    "01_convolution": [
        ("kernel_explorer", "preset", "dropdown", "blur (box)"),
        ("arithmetic_explorer", "input i", "slider", None),
        ("pooling_explorer", "test digit", "slider", None),
    ],
}
# The text form of a widget, shown when the browser cannot render it.
WIDGET_AS_TEXT = re.compile(r"\b(VBox|HBox|IntSlider|Dropdown|interactive)\((children|value|description)=")


def find_chromium(paths=CHROMIUM_PATHS, which=shutil.which):
    """The Chromium executable: /usr/bin/chromium, else `chromium` on PATH, else None."""
    for path in paths:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return which("chromium")


def require_chromium(**lookup):
    path = find_chromium(**lookup)
    if path is None:
        pytest.skip(SKIP_MESSAGE)
    return path


def test_skips_with_a_clear_message_only_when_chromium_is_missing(tmp_path):
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        require_chromium(paths=(str(tmp_path / "chromium"),), which=lambda name: None)
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert require_chromium(paths=(str(fake),), which=lambda name: None) == str(fake)
    assert require_chromium(paths=(), which=lambda name: "/opt/bin/chromium") == "/opt/bin/chromium"


@pytest.fixture(scope="module")
def chromium():
    path = require_chromium()
    # Chromium is here, so a missing Playwright is a broken install (it is in the `test` extra): fail.
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        pytest.fail(f"Chromium is installed but Playwright is not ({error}). Install the test extra: "
                    "pip install -e '.[test]'", pytrace=False)
    return path


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """A JupyterLab server on a copy of the notebooks; yields (base URL, token)."""
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "root"
    (root / "notebooks").mkdir(parents=True)
    for name in INTERACTIONS:   # a copy, so an autosave never writes outputs into the repository
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", root / "notebooks")
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    token, port = secrets.token_hex(24), _free_port()
    env = dict(os.environ)          # conftest.py put C2G_MODE=quick and TF_CPP_MIN_LOG_LEVEL=2 here
    env.update(JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_DATA_DIR=str(home / "data"), C2G_OUTPUT_DIR=str(home / "outputs"))
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.expose_app_in_browser=True"] + (["--allow-root"] if os.geteuid() == 0 else []),
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{(home / 'server.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_S} s:\n{(home / 'server.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token
    finally:
        try:   # a clean shutdown also stops the kernels
            request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                             headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(request, timeout=10).close()
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser(chromium, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000}, timeout=60_000)
        try:
            yield context
        finally:
            context.close()


# JavaScript run in the page; `window.jupyterapp` is there because of expose_app_in_browser.
NOTEBOOK_STATE = """(path) => {
    const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!widget || !widget.content || !widget.content.model || widget.context.path !== path) return null;
    const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
    const cells = widget.content.model.cells;
    const state = {kernel: kernel ? kernel.status : "none", code: 0, done: 0, errors: [], stderr: []};
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type !== "code") continue;
        state.code += 1;
        if (cell.executionCount !== null) state.done += 1;
        for (const output of cell.outputs.toJSON()) {
            if (output.output_type === "error") state.errors.push(`cell ${i}: ${output.ename}: ${output.evalue}`);
            if (output.output_type === "stream" && output.name === "stderr") state.stderr.push(`cell ${i}: ${output.text}`);
        }
    }
    return state;
}"""


def _wait_for(check, timeout, what):
    """Poll check() until it returns something truthy; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.5)


def _image_src(cell):
    images = cell.locator(".widget-output img")
    try:
        return images.first.get_attribute("src", timeout=1000) if images.count() else None
    except Exception:   # the image is being replaced right now
        return None


@pytest.mark.parametrize("name", list(INTERACTIONS))
def test_notebook_runs_in_jupyterlab_with_working_widgets(name, lab, browser):
    base, token = lab
    path = f"notebooks/{name}.ipynb"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{base}/lab/tree/{path}?reset&token={token}", timeout=90_000)
        state = lambda: page.evaluate(NOTEBOOK_STATE, path)
        _wait_for(lambda: (s := state()) and s["kernel"] == "idle", 90, f"{name}: the notebook to open with an idle kernel")

        # Run → Run All Cells, as a person would.
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        start = time.monotonic()
        final = _wait_for(lambda: (s := state()) and s["kernel"] == "idle" and (s["done"] == s["code"] or s["errors"]) and s,
                          RUN_ALL_S, f"{name}: Run All Cells to finish")
        print(f"{name}: ran {final['done']} of {final['code']} code cells in {time.monotonic() - start:.0f} s")
        for text in final["stderr"]:
            print("stderr:", text[:300])
        assert not final["errors"], f"{name}: cells with errors:\n" + "\n".join(final["errors"])
        assert final["done"] == final["code"], f"{name}: only {final['done']} of {final['code']} code cells ran"

        # Widgets render as controls, not as text.
        notebook = page.locator(".jp-NotebookPanel:visible")
        _wait_for(lambda: notebook.locator(".widget-slider").count() and notebook.locator(".widget-dropdown").count(),
                  WIDGET_S, f"{name}: sliders and menus to render")
        # (The saved output always carries the text form as a fallback; the page must not show it.)
        shown = WIDGET_AS_TEXT.search("\n".join(notebook.locator(".jp-Cell-outputArea").evaluate_all("(es) => es.map(e => e.textContent)")))
        assert not shown, f"{name}: a widget is shown as text: {shown.group(0)}..."
        page.screenshot(path=str(SHOTS / f"{name}_0_run_all.png"))

        for number, (shot, label, kind, value) in enumerate(INTERACTIONS[name], start=1):
            selector = ".widget-slider" if kind == "slider" else ".widget-dropdown"
            labelled = page.locator(selector, has=page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(label)}$")))
            cell = notebook.locator(".jp-CodeCell", has=labelled)
            control = cell.locator(labelled)
            assert control.count() == 1, f"{name}: expected one {kind} labelled {label!r}, found {control.count()}"
            output = cell.locator(".jp-Cell-outputArea")   # the controls and their picture
            output.scroll_into_view_if_needed()
            before = _wait_for(lambda: _image_src(cell), WIDGET_S, f"{name}: the picture under {label!r}")
            output.screenshot(path=str(SHOTS / f"{name}_{number}_{shot}_before.png"))
            if kind == "slider":
                readout = control.locator(".widget-readout")
                old = readout.inner_text()
                control.locator(".noUi-handle").first.focus()
                page.keyboard.press("ArrowRight")
                _wait_for(lambda: readout.inner_text() != old, WIDGET_S, f"{name}: the slider {label!r} to move")
                print(f"{name}: slider {label!r} moved from {old} to {readout.inner_text()}")
            else:
                control.locator("select").select_option(label=value)
            _wait_for(lambda: (src := _image_src(cell)) and src != before, WIDGET_S,
                      f"{name}: the picture under {label!r} to change")
            page.wait_for_timeout(500)   # let the redraw settle before the screenshot
            output.screenshot(path=str(SHOTS / f"{name}_{number}_{shot}_after.png"))
            assert not notebook.locator('[data-mime-type="application/vnd.jupyter.error"]').count(), \
                f"{name}: an error appeared after changing {label!r}"
    except BaseException:   # pytest.fail raises a BaseException
        page.screenshot(path=str(SHOTS / f"{name}_failure.png"))
        raise
    finally:
        page.close()
