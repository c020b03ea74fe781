"""Modes, seeds, the setup call at the top of every notebook, and where outputs go.

Used by every lesson (00-07).
"""
from __future__ import annotations

import contextlib
import os
import platform
import random
import sys
from pathlib import Path

import numpy as np

MODES = ("quick", "default", "full")
MODE_VARIABLE = "C2G_MODE"
OUTPUT_VARIABLE = "C2G_OUTPUT_DIR"
DEFAULT_SEED = 42


def get_mode() -> str:
    """Return the mode named by the environment variable ``C2G_MODE``.

    Unset (or empty) means ``"default"``. Any other value than quick, default or full raises a
    ``ValueError`` that lists the valid ones. Used by every lesson, through :func:`pick`.
    """
    value = os.environ.get(MODE_VARIABLE, "").strip().lower()
    if value == "":
        return "default"
    if value not in MODES:
        raise ValueError(
            f"{MODE_VARIABLE}={os.environ[MODE_VARIABLE]!r} is not a mode. "
            f"Valid modes: {', '.join(MODES)} (unset means 'default')."
        )
    return value


def pick(*, quick, default, full):
    """Return the value for the current mode: ``EPOCHS = pick(quick=1, default=8, full=50)``.

    All three values must be given (keyword only) so a settings cell always says what every
    mode does. Used in the settings cell of every lesson.
    """
    return {"quick": quick, "default": default, "full": full}[get_mode()]


def in_colab() -> bool:
    """True when running inside Google Colab."""
    return "google.colab" in sys.modules


def seed_everything(seed: int = DEFAULT_SEED) -> int:
    """Fix the seeds of Python, NumPy, TensorFlow and Keras.

    On a CPU-only machine TensorFlow's op determinism is switched on as well (it costs little
    there); on a GPU it is left off, because deterministic GPU kernels are slower and some ops
    have none. Returns the seed. Used by :func:`setup` (every lesson).
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative whole number, got {seed!r}.")
    seed = int(seed)
    import tensorflow as tf
    import keras

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)  # also seeds Python, NumPy and TensorFlow
    if not tf.config.list_physical_devices("GPU"):
        tf.config.experimental.enable_op_determinism()
    return seed


def _find_checkout(start: Path) -> Path | None:
    """The conv2gan checkout that contains ``start``, if any (a folder with notebooks/ and utils/)."""
    for folder in [start, *start.parents]:
        if (folder / "notebooks").is_dir() and (folder / "utils" / "__init__.py").is_file():
            return folder
    return None


def output_dir(notebook: str, *, create: bool = True) -> Path:
    """The folder where a notebook writes its outputs (checkpoints, grids, GIFs, samples, models).

    In order of preference:

    1. ``$C2G_OUTPUT_DIR/<notebook>`` when that environment variable is set;
    2. ``/content/conv2gan-outputs/<notebook>`` on Colab;
    3. ``<checkout>/outputs/<notebook>`` inside a conv2gan checkout (git-ignored);
    4. ``./outputs/<notebook>`` otherwise.

    ``notebook`` is the notebook's file name without ``.ipynb``, e.g. ``"04_gan"``.
    Used by every lesson that saves something.
    """
    if not isinstance(notebook, str) or not notebook.strip():
        raise ValueError(
            f"notebook must be the notebook's name without .ipynb, e.g. '04_gan'; got {notebook!r}."
        )
    if notebook.endswith(".ipynb") or "/" in notebook or "\\" in notebook:
        raise ValueError(
            f"notebook must be a bare name like '04_gan', without folder or .ipynb; got {notebook!r}."
        )
    override = os.environ.get(OUTPUT_VARIABLE, "").strip()
    if override:
        base = Path(override).expanduser()
    elif in_colab():
        base = Path("/content/conv2gan-outputs")
    else:
        checkout = _find_checkout(Path.cwd().resolve())
        if checkout is None:
            checkout = _find_checkout(Path(__file__).resolve().parent)
        base = (checkout / "outputs") if checkout is not None else Path.cwd() / "outputs"
    path = base / notebook
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _quiet_native_stderr():
    """Silence what TensorFlow's C++ code writes to the process's stderr while it imports.

    Those lines (oneDNN, CUDA stubs) are printed before TensorFlow's logging starts, so
    ``TF_CPP_MIN_LOG_LEVEL`` cannot hide them. Only active when that level is 2 or more (the
    default ``setup`` sets); Python errors are raised as usual.
    """
    try:
        level = int(os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0"))
    except ValueError:
        level = 0
    if level < 2:
        yield
        return
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some embedded environments): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow():
    """Import TensorFlow (and list its devices) quietly; returns the ``tensorflow`` module.

    Sets ``TF_CPP_MIN_LOG_LEVEL=3`` unless you chose a level: TensorFlow's C++ code prints
    messages that look alarming but are harmless (e.g. "NodeDef mentions attribute ... which is not
    in the op definition" during ``fit``), and real errors still raise Python exceptions. Set
    ``TF_CPP_MIN_LOG_LEVEL=0`` before starting Jupyter to see everything. Used by :func:`setup`.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _quiet_native_stderr():
        import tensorflow as tf

        tf.config.list_physical_devices("GPU")
    return tf


def device_name() -> str:
    """'GPU (<name>)' when TensorFlow sees a GPU, else 'CPU (<n> cores)'."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        try:
            name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", gpus[0].name)
        except Exception:  # details are not available on every platform
            name = gpus[0].name
        extra = f" + {len(gpus) - 1} more" if len(gpus) > 1 else ""
        return f"GPU ({name}{extra})"
    return f"CPU ({os.cpu_count()} cores)"


def setup(notebook: str, *, seed: int = DEFAULT_SEED) -> dict:
    """The one call at the top of every notebook.

    Checks the mode, lets TensorFlow grow GPU memory as needed, fixes the seeds, applies the
    collection's plot style, and prints a short block: Python/TF/Keras versions, device, mode,
    seed and the output folder. Returns these facts as a dict. Used by every lesson.
    """
    mode = get_mode()  # fail early on a bad C2G_MODE
    out = output_dir(notebook)
    tf = import_tensorflow()
    import keras

    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # already initialised (setup called twice): harmless
            pass
    seed = seed_everything(seed)
    from . import viz

    viz.use_style()
    info = {
        "notebook": notebook,
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "device": device_name(),
        "mode": mode,
        "seed": seed,
        "outputs": str(out),
        "colab": in_colab(),
    }
    print(
        f"conv2gan · {notebook}\n"
        f"  Python {info['python']} · TensorFlow {info['tensorflow']} · Keras {info['keras']}"
        f"{' · Colab' if info['colab'] else ''}\n"
        f"  device: {info['device']} · mode: {mode} · seed: {seed}\n"
        f"  outputs: {out}"
    )
    return info
