"""Modes, seeds, the setup call at the top of every notebook, and where outputs go.

Used by every lesson.
"""
from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import sys
from pathlib import Path

import numpy as np

from . import checks, storage

MODES = ("quick", "default", "full")
MODE_VARIABLE = "C2G_MODE"
OUTPUT_VARIABLE = "C2G_OUTPUT_DIR"
DEFAULT_SEED = 42
BACKEND = "tensorflow"   # the Keras backend every lesson needs (tf.GradientTape, tf.data, .numpy())
# Keras' global settings as the lessons assume them; anything else is reset for the session.
KERAS_DEFAULTS = {"floatx": "float32", "image_data_format": "channels_last", "epsilon": 1e-7}
_BACKEND_NAMES = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch", "numpy": "NumPy"}
KERAS_VALID = {"floatx": ("float16", "float32", "float64"), "image_data_format": ("channels_last", "channels_first")}


class SetupError(RuntimeError):
    """A setting outside the notebook (an environment variable, ~/.keras/keras.json, an earlier
    cell) that the lessons cannot run with. The message names it and says how to fix it."""


def get_mode() -> str:
    """Return the mode named by the environment variable ``C2G_MODE``.

    Unset (or empty) means ``"default"``. Any other value than quick, default or full raises a
    ``ValueError`` that lists the valid ones. Used by lessons 02, 03, 04, 05, 06, 07, 09 and 10.
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
    mode does. A value left as ``...`` is an error that names it. Used in the settings cell of
    every lesson. Used by lessons 00, 01, 02, 03, 04, 05, 06, 07, 08, 09 and 10.
    """
    for name, value in (("quick", quick), ("default", default), ("full", full)):
        if value is Ellipsis:
            checks.fail(name, "the value for that mode", value)
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
    seed = checks.whole("seed", seed, 0)
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

    ``notebook`` is the notebook's file name without ``.ipynb``, e.g. ``"06_gan_on_mnist"``.
    When 2-4 cannot be written (a read-only checkout, a file called ``outputs``), the outputs go
    to ``<temporary folder>/conv2gan-outputs-<user>/<notebook>`` and one line says so. A
    ``C2G_OUTPUT_DIR`` that cannot be written is a ``ValueError`` that names it. With
    ``create=False`` nothing is made, only checked. Used by lessons 02, 03, 04, 06, 07, 09 and 10.
    """
    if not isinstance(notebook, str) or not notebook.strip():
        raise ValueError(
            f"notebook must be the notebook's name without .ipynb, e.g. '06_gan_on_mnist'; got {checks.describe(notebook)}."
        )
    if notebook.endswith(".ipynb") or "/" in notebook or "\\" in notebook:
        raise ValueError(
            f"notebook must be a bare name like '06_gan_on_mnist', without folder or .ipynb; got {notebook!r}."
        )
    create = checks.flag("create", create)
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
    base = storage.writable_folder(base, variable=OUTPUT_VARIABLE, explicit=bool(override),
                                   fallback="conv2gan-outputs", create=create)
    path = base / notebook
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ValueError(f"cannot make the output folder {path} ({storage._reason(error)}); remove what is "
                             f"in the way or set {OUTPUT_VARIABLE} to another folder.") from error
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
    """'GPU (<name>)' when TensorFlow sees a GPU, else 'CPU (<n> cores)'. Used by lesson 06."""
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


def _keras_json() -> tuple[Path, dict | None]:
    """Keras' configuration file, found as Keras finds it, and its settings (None: no usable file)."""
    home = os.environ.get("KERAS_HOME")
    if home is None:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    path = Path(os.path.expanduser(home)) / "keras.json"
    try:
        with open(path, encoding="utf-8") as handle:
            return path, json.load(handle)
    except (OSError, ValueError):   # no file, or not JSON: Keras then uses its defaults too
        return path, None


def _restart(what: str) -> str:
    return f"{what}, then restart the kernel (Kernel > Restart) and run the notebook from the top."


def check_keras_config() -> list[str]:
    """Make the lessons independent of Keras' and TensorFlow's global settings, or stop at once.

    Call before Keras is imported where possible (``setup`` does). It

    - stops with a :class:`SetupError` when ``KERAS_BACKEND`` names another backend than
      TensorFlow (or Keras was already imported with one), or ``keras.json`` holds a value Keras
      itself refuses at import;
    - otherwise, for this session only: uses the TensorFlow backend when only ``keras.json`` asks
      for another; switches ``TF_USE_LEGACY_KERAS`` off (it would make ``tf.keras`` the old Keras 2);
      resets ``floatx``, ``image_data_format``, ``epsilon``, the dtype policy (mixed precision) and
      the epoch and step caps (``KERAS_MAX_EPOCHS``, ``KERAS_MAX_STEPS_PER_EPOCH``) to Keras'
      defaults, whether they came from ``keras.json``, the environment or an earlier cell.

    Returns one line for each thing it changed (``setup`` prints them). Used by :func:`setup`.
    """
    notes = []
    variable = os.environ.get("KERAS_BACKEND")
    if variable is not None and variable.strip() and variable.strip().lower() != BACKEND:
        raise SetupError(
            f"KERAS_BACKEND={variable!r} selects another Keras backend, but these lessons need TensorFlow's. "
            + _restart("Unset it or set KERAS_BACKEND=tensorflow (where Jupyter is started, or with "
                       "os.environ['KERAS_BACKEND'] = 'tensorflow' before anything imports Keras)"))
    config_file, config = _keras_json()
    if config is not None and "keras" not in sys.modules:
        if not isinstance(config, dict):
            raise SetupError(f"{config_file} must hold a JSON object such as {{\"backend\": \"tensorflow\"}}, and Keras "
                             "fails to import with it. " + _restart("Delete the file (Keras writes a new one)"))
        for key, valid in KERAS_VALID.items():
            if key in config and config[key] not in valid:
                raise SetupError(f"{config_file} sets {key!r} to {config[key]!r}, which Keras refuses (valid: "
                                 f"{', '.join(valid)}). " + _restart(f"Set it to {KERAS_DEFAULTS[key]!r} or delete the file"))
        if "epsilon" in config and not isinstance(config["epsilon"], float):
            raise SetupError(f"{config_file} sets 'epsilon' to {config['epsilon']!r}, which Keras refuses (it must "
                             "be a float such as 1e-07). " + _restart("Fix it or delete the file"))
        chosen = config.get("backend")
        if chosen and str(chosen).lower() != BACKEND and not (variable or "").strip():
            os.environ["KERAS_BACKEND"] = BACKEND
            notes.append(f"{config_file} asks for Keras' {chosen!r} backend; this session uses 'tensorflow', "
                         "which the lessons need.")
    if variable is not None and variable.strip().lower() == BACKEND and variable != BACKEND \
            and "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = BACKEND   # Keras does not accept ' TensorFlow '
    legacy = os.environ.get("TF_USE_LEGACY_KERAS")
    if legacy is not None and legacy.strip().lower() in ("1", "true", "yes"):
        os.environ["TF_USE_LEGACY_KERAS"] = "0"   # read when tf.keras is first used
        notes.append(f"TF_USE_LEGACY_KERAS={legacy!r} would make tf.keras the old Keras 2; switched off for this "
                     "session (the lessons use Keras 3).")
    for name in ("KERAS_MAX_EPOCHS", "KERAS_MAX_STEPS_PER_EPOCH"):
        if os.environ.get(name, "").strip():
            notes.append(f"{name}={os.environ[name]!r} would cut every fit() short; ignored for this session.")

    tf = import_tensorflow()
    import keras

    backend = keras.backend.backend()
    if backend != BACKEND:
        raise SetupError(f"Keras was imported with the {backend!r} backend before utils.setup (KERAS_BACKEND or "
                         "keras.config.set_backend in an earlier cell), but these lessons need TensorFlow's. "
                         + _restart("Set KERAS_BACKEND=tensorflow or unset it"))
    keras_of_tf = getattr(getattr(tf, "keras", None), "__version__", "3")
    if not str(keras_of_tf).startswith("3"):
        raise SetupError(f"tf.keras is Keras {keras_of_tf} (TF_USE_LEGACY_KERAS was set when it was first used), "
                         "but these lessons need Keras 3. " + _restart("Unset TF_USE_LEGACY_KERAS"))
    changed = []
    from_file = lambda key, value: f" (from {config_file.name})" if isinstance(config, dict) and config.get(key) == value else ""  # noqa: E731
    for key, default in KERAS_DEFAULTS.items():
        if not hasattr(keras.config, key):   # an older Keras without this setting (the floor, Keras 3.3)
            continue
        current = getattr(keras.config, key)()
        if current != default:
            getattr(keras.config, f"set_{key}")(default)
            changed.append(f"{key} {current!r} -> {default!r}{from_file(key, current)}")
    policy = keras.config.dtype_policy() if hasattr(keras.config, "dtype_policy") else None
    if policy is not None and getattr(policy, "name", "float32") != "float32":
        keras.config.set_dtype_policy("float32")
        changed.append(f"dtype policy {policy.name!r} -> 'float32'")
    for key, variable_name in (("max_epochs", "KERAS_MAX_EPOCHS"), ("max_steps_per_epoch", "KERAS_MAX_STEPS_PER_EPOCH")):
        if not hasattr(keras.config, key):   # older Keras (the floor) has no such caps
            continue
        cap = getattr(keras.config, key)()
        if cap is not None:
            getattr(keras.config, f"set_{key}")(None)
            if not os.environ.get(variable_name, "").strip():   # set in an earlier cell (the variable has its note)
                changed.append(f"{key} {cap!r} -> None")
    if changed:
        notes.append(f"Keras settings reset to their defaults for this session: {', '.join(changed)}.")
    return notes


def setup(notebook: str, *, seed: int = DEFAULT_SEED) -> dict:
    """The one call at the top of every notebook.

    Checks the mode and Keras' global settings (:func:`check_keras_config`: the lessons need the
    TensorFlow backend and Keras' default float32, channels_last settings), finds the output folder,
    lets TensorFlow grow GPU memory as needed and compute in true float32 there (no TensorFloat-32,
    so results match the CPU's), fixes the seeds, applies the collection's plot style,
    and prints a short block: Python/TF/Keras versions and backend, device, mode, seed and the
    output folder, with one line for each setting it had to change. Returns these facts as a dict.
    Raises ``ValueError`` for a bad ``C2G_MODE``, notebook name or seed, and :class:`SetupError`
    (naming the setting and the fix) for a setting the lessons cannot run with. Used by every lesson.
    """
    mode = get_mode()  # fail early on a bad C2G_MODE
    output_dir(notebook, create=False)   # and on a bad name
    checks.whole("seed", seed, 0)
    notes = check_keras_config()
    out = output_dir(notebook)
    tf = import_tensorflow()
    import keras

    gpus = tf.config.list_physical_devices("GPU")
    for gpu in gpus:
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # already initialised (setup called twice): harmless
            pass
    if gpus:
        # Recent NVIDIA GPUs multiply float32 matrices in TensorFloat-32 (10-bit mantissa) by default,
        # so a lesson's "by hand equals TensorFlow" check could fail on a GPU alone. True float32:
        tf.config.experimental.enable_tensor_float_32_execution(False)
    seed = seed_everything(seed)
    from . import viz

    viz.use_style()
    info = {
        "notebook": notebook,
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "device": device_name(),
        "mode": mode,
        "seed": seed,
        "outputs": str(out),
        "colab": in_colab(),
        "notes": notes,
    }
    print(
        f"conv2gan · {notebook}\n"
        f"  Python {info['python']} · TensorFlow {info['tensorflow']} · Keras {info['keras']} "
        f"({_BACKEND_NAMES.get(info['backend'], info['backend'])} backend){' · Colab' if info['colab'] else ''}\n"
        f"  device: {info['device']} · mode: {mode} · seed: {seed}\n"
        f"  outputs: {out}"
        + "".join(f"\n  note: {note}" for note in notes)
    )
    return info

