"""GAN plumbing shared by lessons 06, 07, 09 and 10 (GAN, CGAN, ACGAN, DCGAN).

The lesson code (the losses, the models, the train step) stays in the notebooks. What is here is
what every GAN notebook needs around it:

- :class:`LiveView`: one display, updated in place after every epoch, with the loss curves, any
  other metrics (mean D(x) and D(G(z))), a sample grid from fixed noise and a progress bar.
  Outside a notebook it prints one line an epoch. It can save each epoch's grid as a PNG.
- :func:`save_grid`, :func:`epoch_grids` and :func:`make_gif`: sample grids as PNG files and a GIF
  of training made from them with imageio.
- :class:`Checkpoints`: ``tf.train.CheckpointManager`` with an epoch counter: restore the latest
  checkpoint if there is one, save every N epochs, report the epoch a run resumes from.
- :func:`fit`: one training path for a GAN written as a ``keras.Model`` with its own
  ``train_step``: Keras' ``fit`` with a callback that drives the live view and the checkpoints.
- :func:`save_samples` and :func:`load_samples`: generated images as ``samples.npz`` (``images``
  uint8 (N, H, W), optional ``labels``), the file the judge scores (``utils.judge``).
- :func:`interpolate`: points on the line (or the great circle) between two noise vectors.

Single-lesson code lives in modules named for their lesson: ``utils.toy`` (lesson 05's toy GAN
view) and ``utils.cgan`` (lesson 07's "write a number").

Every function checks its input and says what was wrong and what it expects.
"""
from __future__ import annotations

import io
import json
import math
import re
import time
from pathlib import Path

import numpy as np

from . import checks, storage, viz

GRID_PATTERN = re.compile(r"^epoch_(\d+)\.png$")


# --- small checks -------------------------------------------------------------------------------
_whole = checks.whole


def _number(name, value):
    """A finite Python float from a number, a 0-d array or a scalar tensor."""
    return checks.number(name, value, expected="one number (a float or a scalar tensor)")


def _metrics(metrics, what="metrics"):
    if not isinstance(metrics, dict) or not metrics:
        raise ValueError(f"{what} must be a non-empty dict of name -> number, e.g. "
                         f"{{'d_loss': 0.7, 'g_loss': 1.2}}; got {checks.describe(metrics)}.")
    out = {}
    for key, value in metrics.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"{what}: every name must be a non-empty string; got {key!r}.")
        out[key] = _number(f"{what}[{key!r}]", value)
    return out


def figure_png(fig) -> bytes:
    """A matplotlib figure as PNG bytes. Used by :class:`LiveView` and ``utils.toy.ToyView``."""
    if not hasattr(fig, "savefig"):
        checks.fail("fig", "a matplotlib figure", fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _new_figure(size):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


class _Screen:
    """Where a view draws: an ipywidgets ``Output`` (an Image widget inside it), the notebook cell
    (one display updated in place through its display id), or nowhere (outside a notebook)."""

    def __init__(self, output=None):
        self.handle = self.image = None
        if output is not None:
            import ipywidgets as widgets
            from IPython.display import display

            if not isinstance(output, widgets.Output):
                raise ValueError(f"output must be an ipywidgets.Output or None; got {type(output).__name__}.")
            self.image = widgets.Image(format="png")
            with output:
                display(self.image)
        self.active = output is not None or viz.in_notebook()

    def show(self, png: bytes):
        if self.image is not None:
            self.image.value = png
        elif self.active:
            from IPython.display import Image, display

            if self.handle is None:
                self.handle = display(Image(data=png), display_id=True)
            else:
                self.handle.update(Image(data=png))


# --- the live training view -----------------------------------------------------------------------
def default_panels(names) -> dict:
    """How :class:`LiveView` groups metrics when it is not told: every name with "loss" in one
    panel "losses", the others in a panel "other metrics"."""
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        checks.fail("names", "metric names (a list of strings, or a dict such as LiveView.history)", names)
    names = list(names)
    if not all(isinstance(n, str) for n in names):
        checks.fail("names", "metric names (strings)", names)
    losses = [n for n in names if "loss" in n.lower()]
    others = [n for n in names if n not in losses]
    return {k: v for k, v in (("losses", losses), ("other metrics", others)) if v}


def live_view_png(history: dict, panels: dict, grid=None, *, title=None, epochs=None,
                  epoch_numbers=None) -> bytes:
    """The live view as PNG bytes: one plot a panel (its metrics against the epoch) and the sample
    grid (an array from :func:`utils.image_grid`) on the right. Used by :class:`LiveView`."""
    if not isinstance(history, dict):
        checks.fail("history", "a dict {metric: [one value an epoch]}", history)
    if not isinstance(panels, dict):
        raise ValueError(f"panels must be a dict {{panel title: [metric names]}}; got {type(panels).__name__}.")
    if grid is not None:
        grid = checks.array("grid", grid, ndim=(2, 3), expected="an image grid (H, W) or (H, W, 3) in [0, 1] "
                            "from utils.image_grid")
    if epochs is not None:
        epochs = checks.whole("epochs", epochs, 0)
    if not panels and grid is None:
        panels = {"waiting for the first epoch": []}
    n_plots = len(panels) + (grid is not None)
    fig = _new_figure((3.7 * n_plots, 3.6))
    axes = fig.subplots(1, n_plots, squeeze=False)[0]
    for ax, (name, keys) in zip(axes, panels.items()):
        for key in keys:
            values = history.get(key, [])
            if values:
                xs = epoch_numbers if epoch_numbers is not None and len(epoch_numbers) == len(values) \
                    else range(1, len(values) + 1)
                ax.plot(list(xs), values, marker="o" if len(values) < 30 else None, markersize=3, label=key)
        ax.set(title=name, xlabel="epoch", ylabel="value")
        if epochs:
            ax.set_xlim(0.5, epochs + 0.5)
        if any(history.get(k) for k in keys):
            ax.legend(fontsize=8)
    if grid is not None:
        ax = axes[-1]
        ax.imshow(grid, cmap="gray", vmin=0.0, vmax=1.0)
        ax.set(title="samples from fixed noise", xticks=[], yticks=[])
        ax.grid(False)
    if title:
        fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return figure_png(fig)


class LiveView:
    """The live training view of a GAN: loss curves, other metrics (mean D(x), D(G(z)), ...), a grid
    of samples from fixed noise and a progress bar, all in one display updated in place after each
    epoch. Outside a notebook it prints one line an epoch instead. Used by lesson 06.

    ``epochs``: how many epochs the run has in all; ``steps_per_epoch``: batches an epoch (for the
    progress bar). ``sample_fn``: a callable with no arguments that returns the images to show
    (N, H, W) or (N, H, W, 1), e.g. ``lambda: generator(fixed_noise, training=False)``; None for no
    grid. ``panels``: ``{panel title: [metric names]}`` (default: :func:`default_panels`).
    ``grid_dir``: a folder where each epoch's grid is saved as ``epoch_001.png``, ... (for
    :func:`make_gif`), enlarged ``grid_scale`` times. ``initial_epoch`` and ``history``: where a
    resumed run starts, and the metrics of the epochs before it (see :class:`Checkpoints`).
    ``output``: an ``ipywidgets.Output`` to draw into (for training started by a button). Metrics
    that are in no panel are recorded in :attr:`history` but not drawn.

    Call :meth:`step` after each batch, :meth:`update` with the epoch's metrics after each epoch,
    and :meth:`close` at the end (or use ``with LiveView(...) as view:``).
    """

    def __init__(self, epochs, steps_per_epoch, sample_fn=None, *, panels=None, title="GAN training",
                 grid_dir=None, grid_scale=1, ncols=10, value_range=(-1, 1), initial_epoch=0, history=None,
                 output=None):
        self.epochs = _whole("epochs", epochs, 1)
        self.steps_per_epoch = _whole("steps_per_epoch", steps_per_epoch, 1)
        if sample_fn is not None and not callable(sample_fn):
            raise ValueError("sample_fn must be a function without arguments that returns images "
                             f"(e.g. lambda: generator(noise, training=False)), or None; got {sample_fn!r}.")
        self.sample_fn = sample_fn
        if panels is not None:
            if not isinstance(panels, dict) or not panels or not all(
                    isinstance(k, str) and isinstance(v, (list, tuple)) and v and all(isinstance(m, str) for m in v)
                    for k, v in panels.items()):
                raise ValueError("panels must be a dict {panel title: [metric names]}, e.g. "
                                 f"{{'losses': ['d_loss', 'g_loss']}}; got {panels!r}.")
            panels = {k: list(v) for k, v in panels.items()}
        self.panels = panels
        self.title = checks.text("title", title, allow_none=True)
        self.ncols = _whole("ncols", ncols, 1)
        self.grid_scale = _whole("grid_scale", grid_scale, 1, 16)
        if value_range is not None and (isinstance(value_range, str) or np.ndim(value_range) != 1
                                        or tuple(value_range) not in ((0, 1), (-1, 1))):
            checks.fail("value_range", "(0, 1), (-1, 1) or None", value_range)
        self.value_range = value_range
        self.initial_epoch = _whole("initial_epoch", initial_epoch, 0, self.epochs)
        self.history = {}
        self.epoch_numbers = []
        if history:
            if not isinstance(history, dict) or not all(isinstance(v, (list, tuple)) for v in history.values()):
                raise ValueError(f"history must be a dict {{metric: [one value an epoch]}}; got {history!r}.")
            lengths = {len(v) for v in history.values()}
            if len(lengths) != 1 or lengths.pop() > self.initial_epoch:
                raise ValueError("history must hold the same number of values for every metric, at most "
                                 f"initial_epoch={self.initial_epoch}; got lengths "
                                 f"{ {k: len(v) for k, v in history.items()} }.")
            self.history = {k: [_number(f"history[{k!r}]", x) for x in v] for k, v in history.items()}
            count = len(next(iter(self.history.values())))
            self.epoch_numbers = list(range(self.initial_epoch - count + 1, self.initial_epoch + 1))
        self.grid_dir = None if grid_dir is None else checks.path("grid_dir", grid_dir)
        if self.grid_dir is not None:
            self.grid_dir.mkdir(parents=True, exist_ok=True)
            for old in epoch_grids(self.grid_dir):   # grids of an abandoned, longer run would join the GIF
                if int(GRID_PATTERN.match(old.name).group(1)) > self.initial_epoch:
                    old.unlink(missing_ok=True)
        self._grid_error = None
        self.last_epoch = self.initial_epoch
        self.grid = None
        self.seconds = 0.0
        self.draw_seconds = 0.0
        self._closed = False
        self._start = time.perf_counter()
        self._screen = _Screen(output)
        from tqdm.auto import tqdm

        if output is not None:
            with output:
                self.bar = tqdm(total=(self.epochs - self.initial_epoch) * self.steps_per_epoch,
                                desc=title or "training", unit="batch")
        else:
            self.bar = tqdm(total=(self.epochs - self.initial_epoch) * self.steps_per_epoch,
                            desc=title or "training", unit="batch")
        if self._screen.active:
            if self.sample_fn is not None and self.initial_epoch > 0:  # a resumed run: show where it stands
                self.grid = self._sample_grid()
            self._draw()

    # the public calls
    def step(self, n=1):
        """Advance the progress bar by ``n`` batches."""
        self.bar.update(_whole("n", n, 0))

    def update(self, epoch, metrics):
        """Record the metrics of ``epoch`` (a dict name -> number; tensors are fine), sample a new
        grid, save it under ``grid_dir`` and redraw. Returns the saved grid's path (or None)."""
        if self._closed:
            raise RuntimeError("this LiveView is closed; make a new one for a new run.")
        epoch = _whole("epoch", epoch, self.last_epoch + 1, self.epochs)
        metrics = _metrics(metrics)
        for key, value in metrics.items():
            self.history.setdefault(key, [math.nan] * len(self.epoch_numbers)).append(value)
        for key in self.history:
            if key not in metrics:
                self.history[key].append(math.nan)
        self.epoch_numbers.append(epoch)
        self.last_epoch = epoch
        path = None
        if self.sample_fn is not None:
            self.grid = self._sample_grid()
            if self.grid_dir is not None:
                try:
                    path = save_grid(self.grid, self.grid_dir / f"epoch_{epoch:03d}.png", scale=self.grid_scale)
                except OSError as error:   # a full disk must not stop the training
                    if self._grid_error is None:
                        self._grid_error = error
                        print(f"Could not save the epoch grid in {self.grid_dir} ({storage._reason(error)}); "
                              f"training goes on without grids. Set C2G_OUTPUT_DIR to a folder with room.", flush=True)
        shown = " · ".join(f"{k} {v:.3f}" for k, v in metrics.items())
        self.bar.set_postfix_str(shown, refresh=True)
        if self._screen.active:
            self._draw()
        else:
            print(f"epoch {epoch}/{self.epochs}: {shown} ({time.perf_counter() - self._start:.0f} s)", flush=True)
        return path

    def close(self):
        """Close the progress bar; ``seconds`` then holds the run's wall time."""
        if not self._closed:
            self.bar.close()
            self.seconds = time.perf_counter() - self._start
            self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _sample_grid(self):
        images = self.sample_fn()
        images = images.numpy() if hasattr(images, "numpy") else np.asarray(images)
        return viz.image_grid(images, ncols=self.ncols, value_range=self.value_range)

    def _draw(self):
        start = time.perf_counter()
        panels = self.panels or default_panels(self.history) or {}
        done = self.last_epoch - self.initial_epoch
        elapsed = time.perf_counter() - self._start
        title = f"{self.title} · epoch {self.last_epoch}/{self.epochs}"
        if done:
            title += f" · {elapsed / done:.1f} s an epoch"
        png = live_view_png(self.history, panels, self.grid, title=title, epochs=self.epochs,
                            epoch_numbers=self.epoch_numbers)
        self._screen.show(png)
        self.draw_seconds += time.perf_counter() - start


# --- grids and GIFs -------------------------------------------------------------------------------
def _as_uint8_grid(grid_or_images, ncols, value_range):
    x = np.asarray(grid_or_images.numpy() if hasattr(grid_or_images, "numpy") else grid_or_images)
    if x.ndim == 2 or (x.ndim == 3 and x.shape[-1] == 3 and x.shape[0] > 3):
        grid = viz.to_display(x, value_range)[0]   # already a grid (H, W) or (H, W, 3)
    else:
        grid = viz.image_grid(x, ncols=ncols, value_range=value_range)
    return np.round(grid * 255).astype("uint8")


def save_grid(images, path, *, ncols=10, scale=2, value_range=None) -> Path:
    """Save images as one PNG grid (``ncols`` a row, enlarged ``scale`` times) and return its path.

    ``images`` is a batch (N, H, W) or (N, H, W, 1), uint8 or floats in [0, 1] or [-1, 1], or a grid
    already made by :func:`utils.image_grid` (H, W). Used by :class:`LiveView`.
    """
    import imageio.v2 as imageio

    path = checks.path("path", path, suffix=".png")
    scale = _whole("scale", scale, 1, 16)
    grid = _as_uint8_grid(images, _whole("ncols", ncols, 1), value_range)
    if scale > 1:
        grid = np.repeat(np.repeat(grid, scale, axis=0), scale, axis=1)
    with storage.atomic_path(path) as temporary:   # an interrupted save never leaves half a PNG
        imageio.imwrite(temporary, grid)
    return path


def epoch_grids(folder) -> list:
    """The grids :class:`LiveView` saved in ``folder`` (``epoch_001.png``, ...), sorted by epoch.
    Used by lessons 06, 07, 09 and 10."""
    folder = checks.path("folder", folder)
    if not folder.is_dir():
        raise ValueError(f"folder {str(folder)!r} does not exist; expected the grid_dir of a LiveView.")
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := GRID_PATTERN.match(p.name))]
    return [p for _, p in sorted(found)]


def make_gif(frames, path, *, fps=4, hold_last=4) -> Path:
    """Make a looping GIF of training with imageio and return its path.

    ``frames`` is a folder of epoch grids (see :func:`epoch_grids`), a list of image files, or a list
    of arrays (uint8, or floats in [0, 1]) of one shape: (H, W), (H, W, 1), (H, W, 3) or (H, W, 4).
    One frame is fine. ``fps``: frames a second; ``hold_last``: the last frame stays on screen this
    many frames longer, so the final result can be seen. An image file that cannot be read (e.g.
    half-written by an interrupted run) is left out with a one-line notice; a missing one is an
    error. The GIF is written through a temporary file. Used by lessons 06, 07, 09 and 10.
    """
    import imageio.v2 as imageio

    path = checks.path("path", path, suffix=".gif")
    fps = _number("fps", fps)
    if not 0 < fps <= 50:
        raise ValueError(f"fps must be between 0 and 50 frames a second; got {fps}.")
    hold_last = _whole("hold_last", hold_last, 0)
    if isinstance(frames, (str, Path)):
        frames = epoch_grids(frames)
    if isinstance(frames, np.ndarray) and frames.ndim >= 3:
        frames = list(frames)
    if not hasattr(frames, "__iter__") or isinstance(frames, (bytes, dict)):
        checks.fail("frames", "a folder of epoch grids, a list of image files or a list of image arrays", frames)
    frames = list(frames)
    if not frames:
        raise ValueError("make_gif needs at least one frame; got none (has the LiveView saved any grids?).")
    arrays, skipped = [], []
    for k, frame in enumerate(frames):
        if isinstance(frame, (str, Path)):
            if not Path(frame).is_file():
                raise ValueError(f"frame {k}: no file {str(frame)!r}.")
            try:
                frame = imageio.imread(frame)
            except Exception:   # truncated or not an image
                skipped.append(Path(frame).name)
                continue
        frame = checks.array(f"frames[{k}]", frame, ndim=(2, 3), dtype=None,
                             expected="an image (H, W) or (H, W, C) of numbers")
        if frame.dtype != np.uint8:
            frame = frame.astype("float64")
            if not np.issubdtype(frame.dtype, np.floating) or frame.min() < 0 or frame.max() > 1:
                raise ValueError(f"frames[{k}] must be uint8 or floats in [0, 1]; got {frame.dtype} "
                                 f"from {frame.min()} to {frame.max()}.")
            frame = np.round(frame * 255).astype("uint8")
        if frame.ndim == 3 and frame.shape[-1] == 1:
            frame = frame[..., 0]
        if frame.ndim == 3 and frame.shape[-1] not in (3, 4):
            raise ValueError(f"frames[{k}] must be an image (H, W) or (H, W, C) with C = 1, 3 or 4; "
                             f"got shape {frame.shape}.")
        if arrays and frame.shape != arrays[0].shape:
            raise ValueError(f"all frames must have one shape: frame 0 is {arrays[0].shape}, frame {k} {frame.shape}.")
        arrays.append(frame)
    if skipped:
        print(f"Left out {len(skipped)} damaged frame{'s' * (len(skipped) > 1)} ({', '.join(skipped[:3])}"
              f"{', ...' if len(skipped) > 3 else ''}): they could not be read.", flush=True)
    if not arrays:
        raise ValueError(f"frames: none of the {len(frames)} image files could be read; train again to make new grids.")
    frame_ms = int(round(1000 / fps))
    durations = [frame_ms] * (len(arrays) - 1) + [frame_ms * (1 + hold_last)]
    with storage.atomic_path(path) as temporary:
        # Pillow wants one number, not a list, for a single frame
        imageio.mimsave(temporary, arrays, format="GIF", duration=durations if len(arrays) > 1 else durations[0],
                        loop=0)
    return path


# --- checkpoints --------------------------------------------------------------------------------
class Checkpoints:
    """Save and resume training with ``tf.train.CheckpointManager``. Used by lessons 06 and 10.

    ``Checkpoints(folder, generator=G, discriminator=D, g_optimizer=..., d_optimizer=...)`` tracks
    the given objects (Keras models, built optimizers, ``tf.Variable``) plus an epoch counter.
    :meth:`restore` loads the latest checkpoint in ``folder`` if there is one and returns the
    number of epochs already done (0 for a fresh start); :attr:`history` then holds the metrics
    saved with it. :meth:`save` writes a checkpoint every ``every`` epochs (or when forced) and
    keeps the last ``max_to_keep``. ``fresh=True`` first deletes this helper's old checkpoints in
    ``folder``, to start a run over.

    Any folder name works, also one with ``[ ] * ?`` (TensorFlow reads checkpoint paths as glob
    patterns; such a folder is reached through a plain-named link, see ``utils.storage.tf_path``).
    A damaged latest checkpoint (an interrupted run) is skipped for the one before, with a notice;
    a save that fails (a full disk) prints one line and lets the training go on.
    """

    HISTORY_FILE = "history.json"

    def __init__(self, folder, *, every=1, max_to_keep=3, fresh=False, **objects):
        import tensorflow as tf

        if not isinstance(folder, (str, Path)) or not str(folder).strip():
            raise ValueError(f"folder must be a path (str or Path); got {checks.describe(folder)}.")
        self.folder = Path(folder).expanduser()
        self.every = _whole("every", every, 1)
        self.max_to_keep = _whole("max_to_keep", max_to_keep, 1)
        fresh = checks.flag("fresh", fresh)
        if not objects:
            raise ValueError("Checkpoints needs the objects to save as keywords, e.g. "
                             "Checkpoints(folder, generator=G, discriminator=D, g_optimizer=opt_g).")
        if "epoch" in objects:
            raise ValueError("'epoch' is the name of the checkpoint's own epoch counter; name your object otherwise.")
        for name, obj in objects.items():
            if not isinstance(obj, tf.__internal__.tracking.Trackable):
                raise ValueError(f"{name} must be something TensorFlow can checkpoint (a Keras model or "
                                 f"optimizer, a tf.Variable, a tf.Module); got {type(obj).__name__}.")
        self.objects = objects
        if fresh:
            self.clear()
        self._tf_folder = storage.tf_path(self.folder)   # the folder as TensorFlow may be given it
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")
        self.checkpoint = tf.train.Checkpoint(epoch=self.epoch, **objects)
        self.manager = tf.train.CheckpointManager(self.checkpoint, self._tf_folder, max_to_keep=self.max_to_keep)
        self.history = None
        self._save_error = None

    def clear(self):
        """Delete this helper's files in the folder (ckpt-*, the ``checkpoint`` index, history.json)."""
        if self.folder.is_dir():
            for p in self.folder.iterdir():
                if re.match(r"^ckpt-\d+\.(index|data-\d+-of-\d+)$", p.name) \
                        or p.name in ("checkpoint", self.HISTORY_FILE):
                    p.unlink()

    def _real(self, path):
        """A path TensorFlow returned, in ``folder`` as the student named it (not through the link)."""
        return None if path is None else str(self.folder / Path(path).name)

    @property
    def latest(self):
        """The path prefix of the latest checkpoint (``<folder>/ckpt-<epoch>``), or None."""
        return self._real(self.manager.latest_checkpoint)

    def _check_built(self):
        import keras

        for name, obj in self.objects.items():
            if isinstance(obj, keras.optimizers.Optimizer) and not obj.built:
                raise ValueError(f"{name} is an optimizer that is not built yet, so its state (e.g. Adam's "
                                 f"moments) cannot be restored: call {name}.build(model.trainable_variables) first.")
            if isinstance(obj, keras.Model) and not obj.built:
                raise ValueError(f"{name} is a model that is not built yet: give it an Input or call it once first.")

    def restore(self, verbose=True) -> int:
        """Restore the latest checkpoint if there is one. Returns the epochs already done (0: none).

        A latest checkpoint that cannot be read (damaged by an interrupted run) is skipped for the
        one before it, with a notice; when none can be read, a ``ValueError`` names the folder and
        the fix (``fresh=True``). A checkpoint of other models raises TensorFlow's error."""
        import tensorflow as tf

        verbose = checks.flag("verbose", verbose)
        self._check_built()
        candidates = list(reversed(self.manager.checkpoints))
        if not candidates:
            self.history = None
            if verbose:
                print(f"No checkpoint in {self.folder}: starting at epoch 1.")
            return 0
        damaged = []
        for path in candidates:
            try:   # read every value first: a damaged file fails here, a checkpoint of other models below
                reader = tf.train.load_checkpoint(path)
                for name in reader.get_variable_to_shape_map():
                    reader.get_tensor(name)
            except Exception as error:   # truncated, zeroed or missing files
                damaged.append((Path(path).name, error))
                continue
            status = self.checkpoint.restore(path)
            status.assert_existing_objects_matched()
            break
        else:
            first = damaged[0][1]
            raise ValueError(f"The checkpoints in {self.folder} cannot be restored: they are damaged "
                             f"({type(first).__name__}: {str(first).splitlines()[0][:150]}). Start over with "
                             "fresh=True (START_FRESH = True in the notebook), or delete the folder.")
        if damaged:
            names = ", ".join(name for name, _ in damaged)
            print(f"Checkpoint {names} in {self.folder} is damaged (an interrupted run?); resuming from "
                  f"{Path(path).name} instead.", flush=True)
        epoch = int(self.epoch.numpy())
        self.history = self._read_history(epoch)
        if verbose:
            print(f"Resumed from {self._real(path)}: {epoch} epochs done, continuing at epoch {epoch + 1}.")
        return epoch

    def _read_history(self, epoch):
        """The saved metrics of the first ``epoch`` epochs, or None (a damaged file gives a notice)."""
        history_file = self.folder / self.HISTORY_FILE
        if not history_file.is_file():
            return None
        try:
            saved = json.loads(history_file.read_text(encoding="utf-8"))
            history = saved["history"]
            if not isinstance(history, dict) or not all(isinstance(v, list) for v in history.values()):
                raise ValueError("no metric lists")
        except (OSError, ValueError, KeyError, TypeError) as error:
            # a damaged history only loses the curves, not the weights
            print(f"{history_file} is damaged ({type(error).__name__}); the curves of the epochs before "
                  "this run are lost, the weights are not.", flush=True)
            return None
        if saved.get("epoch") == epoch:
            return history
        if isinstance(saved.get("epoch"), int) and saved["epoch"] > epoch \
                and all(len(v) == saved["epoch"] for v in history.values()):
            return {k: v[:epoch] for k, v in history.items()}   # resumed from an older checkpoint
        return None

    def save(self, epoch, history=None, *, force=False):
        """Save a checkpoint for ``epoch`` (epochs done) when it is a multiple of ``every``, or when
        ``force``; ``history`` (a dict of metric lists, e.g. ``LiveView.history``) is saved with it.
        Returns the checkpoint's path, or None when it skipped this epoch. A save that fails (a
        full disk, a folder that vanished) prints one line, returns None and training goes on."""
        import tensorflow as tf

        epoch = _whole("epoch", epoch, 0)
        force = checks.flag("force", force)
        if history is not None and not isinstance(history, dict):
            raise ValueError(f"history must be a dict {{metric: [values]}} or None; got {type(history).__name__}.")
        if not force and epoch % self.every:
            return None
        self.epoch.assign(epoch)
        try:
            path = self.manager.save(checkpoint_number=epoch)
            if history is not None:
                with storage.atomic_path(self.folder / self.HISTORY_FILE) as temporary:
                    temporary.write_text(json.dumps({"epoch": epoch, "history": history}), encoding="utf-8")
        except (OSError, tf.errors.OpError) as error:
            if self._save_error is None:
                reason = storage._reason(error) if isinstance(error, OSError) else str(error).splitlines()[0][:150]
                print(f"Could not save the checkpoint of epoch {epoch} in {self.folder} ({reason}); training goes "
                      "on, but cannot resume from here. Set C2G_OUTPUT_DIR to a folder with room.", flush=True)
            self._save_error = error
            return None
        return self._real(path)


# --- one training path ------------------------------------------------------------------------------
CHECKPOINTED = ("generator", "discriminator", "generator_ema", "g_optimizer", "d_optimizer")


def fit(gan, dataset, epochs, *, sample_fn=None, metrics_fn=None, panels=None, title="GAN training",
        checkpoint_dir=None, every=1, fresh=False, grid_dir=None, stop_after=None, time_limit=None,
        steps_per_epoch=None, output=None, verbose=True) -> "LiveView":
    """Train a GAN written as a ``keras.Model`` with its own ``train_step``:
    Keras' ``gan.fit`` runs the epochs, and one callback does what lesson 06's loop does by hand.

    Before training, the latest checkpoint in ``checkpoint_dir`` is restored (``fresh=True``
    deletes it first), and ``fit`` starts at the epoch after it (``initial_epoch``). After every
    batch the progress bar moves; after every epoch the epoch's means of the train step's metrics
    (the model's ``keras.metrics.Mean`` trackers), the metrics of ``metrics_fn(images)`` on a
    fresh ``sample_fn()`` grid and the epoch's ``seconds`` (training, judging and drawing: the clock of
    ``time_limit``) go into the :class:`LiveView`, and a
    checkpoint is saved every ``every`` epochs and at the end.

    ``gan``: a compiled ``keras.Model``; its attributes among ``generator``, ``discriminator``,
    ``generator_ema``, ``g_optimizer`` and ``d_optimizer`` are what a checkpoint holds (the
    optimizers built). ``dataset``: batches as ``train_step`` takes them. ``epochs``: the run's
    last epoch. ``stop_after``: stop after this epoch, as if the kernel had died (a checkpoint is
    saved). ``time_limit``: seconds; stop at the first batch past it (an equal-time race).
    ``steps_per_epoch``: batches an epoch, for the progress bar (read from the dataset if it
    knows). Returns the closed :class:`LiveView`: ``history`` (every epoch, a resumed run's earlier
    ones included), ``seconds``, ``initial_epoch``, ``last_epoch``, ``checkpoints``.
    Used by lessons 07, 09 and 10.
    """
    import keras
    import tensorflow as tf

    if not isinstance(gan, keras.Model):
        raise ValueError(f"gan must be a keras.Model with its own train_step; got {type(gan).__name__}.")
    if not getattr(gan, "compiled", getattr(gan, "_is_compiled", False)):
        raise ValueError("gan must be compiled before fit (call gan.compile(), which builds its optimizers); "
                         "got one that is not compiled.")
    if not isinstance(dataset, tf.data.Dataset):
        raise ValueError(f"dataset must be a tf.data.Dataset of batches; got {type(dataset).__name__}.")
    epochs = _whole("epochs", epochs, 1)
    if steps_per_epoch is None:
        known = int(dataset.cardinality())
        if known < 1:
            raise ValueError("steps_per_epoch must be given when the dataset does not know its length; got None "
                             f"(the dataset's cardinality is {known}).")
        steps_per_epoch = known
    steps_per_epoch = _whole("steps_per_epoch", steps_per_epoch, 1)
    if stop_after is not None:
        stop_after = _whole("stop_after", stop_after, 1)
    if time_limit is not None:
        time_limit = _number("time_limit", time_limit)
        if not time_limit > 0:
            checks.fail("time_limit", "a number of seconds > 0, or None", time_limit)
    if metrics_fn is not None and (not callable(metrics_fn) or sample_fn is None):
        raise ValueError("metrics_fn must be a function of the sampled images that returns a dict of numbers, "
                         f"and needs sample_fn; got metrics_fn={metrics_fn!r}, sample_fn={sample_fn!r}.")
    ckpt, done, history = None, 0, None
    if checkpoint_dir is not None:
        parts = {name: getattr(gan, name) for name in CHECKPOINTED if getattr(gan, name, None) is not None}
        ckpt = Checkpoints(checkpoint_dir, every=every, fresh=fresh, **parts)
        done = ckpt.restore(verbose=verbose)
        history = ckpt.history
        if done > epochs:
            raise ValueError(f"The checkpoint in {ckpt.folder} is at epoch {done}, past epochs = {epochs} (saved in "
                             "another mode?). Set START_FRESH = True (fresh=True) to start over.")
    view = LiveView(epochs, steps_per_epoch, sample_fn, panels=panels, title=title, grid_dir=grid_dir,
                    initial_epoch=done, history=history, output=output)
    view.checkpoints = ckpt
    if done == epochs:
        view.close()
        return view

    class Monitor(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            view.step()
            if time_limit is not None and time.perf_counter() - view._start >= time_limit:
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            epoch += 1                                    # Keras counts from 0, the course from 1
            metrics = {k: float(v) for k, v in (logs or {}).items()}
            if metrics_fn is not None:
                metrics.update(metrics_fn(sample_fn()))
            view.update(epoch, metrics)
            seconds = view.history.setdefault("seconds", [math.nan] * (len(view.epoch_numbers) - 1))
            if len(seconds) == len(view.epoch_numbers):        # update() filled this epoch's in with NaN
                seconds.pop()
            seconds.append(time.perf_counter() - self.start)   # the epoch with its judge and drawing
            stop = epoch == stop_after
            if ckpt is not None:
                ckpt.save(epoch, view.history, force=stop or epoch == epochs or self.model.stop_training)
            if stop:
                self.model.stop_training = True
                print(f"Stopped after epoch {epoch}, as if the kernel had died; last checkpoint: "
                      f"{ckpt.latest if ckpt else None}", flush=True)

    with view:
        gan.fit(dataset, epochs=epochs, initial_epoch=done, callbacks=[Monitor()], verbose=0, shuffle=False)
    return view


# --- samples ---------------------------------------------------------------------------------------
def _value_range(value_range):
    if value_range is not None and (isinstance(value_range, str) or np.ndim(value_range) != 1
                                    or tuple(np.asarray(value_range).tolist()) not in ((0, 1), (-1, 1))):
        checks.fail("value_range", "(0, 1), (-1, 1) or None (to infer it)", value_range)
    return None if value_range is None else tuple(np.asarray(value_range).tolist())


def to_uint8(images, value_range=None) -> np.ndarray:
    """Images as uint8 (N, H, W) (or (N, H, W, 3) for colour), from uint8 or floats in [0, 1] or
    [-1, 1] (``value_range``, or inferred: any negative value means [-1, 1]), with or without a
    channel axis of 1. Used by :func:`save_samples`. Used by lessons 06 and 10."""
    value_range = _value_range(value_range)
    x = checks.array("images", images, ndim=(2, 3, 4), min_size=0, dtype=None, finite=False,
                     expected="a batch of images (N, H, W) or (N, H, W, 1)")
    if x.ndim not in (3, 4):
        raise ValueError(f"images must be a batch (N, H, W) or (N, H, W, 1); got shape {x.shape}.")
    if x.size == 0:
        raise ValueError(f"images must be a batch (N, H, W) or (N, H, W, 1) with N >= 1; got shape {x.shape}.")
    if x.dtype == np.uint8:
        return x[..., 0] if x.ndim == 4 and x.shape[-1] == 1 else x
    if x.ndim == 4 and x.shape[-1] not in (1, 3):
        raise ValueError(f"images must be a batch (N, H, W) or (N, H, W, 1); got shape {x.shape}.")
    if np.issubdtype(x.dtype, np.floating):
        if not np.all(np.isfinite(x)):
            raise ValueError(f"images must not contain NaN or infinite values; got {checks.describe(x)} with some "
                             "(did the training diverge?).")
        lo, hi = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
        if lo < -1.0 - 1e-3 or hi > 1.0 + 1e-3:
            raise ValueError(f"float images must be in [0, 1] or [-1, 1]; got values from {lo:g} to {hi:g}.")
    return np.round(viz.to_display(x, value_range) * 255).astype("uint8")


def save_samples(images, path, labels=None, value_range=None) -> Path:
    """Save generated images (and, for conditional models, their labels) as an ``.npz`` file with
    ``images`` uint8 (N, H, W) and ``labels`` int64 (N,), the format the judge scores. Returns the
    path. The file is written whole or not at all (through a temporary file), so an interrupted
    save never leaves a damaged file for a later lesson (``outputs/<notebook>/samples.npz``).
    Used by lessons 06, 07, 09 and 10."""
    path = checks.path("path", path, suffix=".npz")
    x = to_uint8(images, value_range)
    arrays = {"images": x}
    if labels is not None:
        y = checks.array("labels", labels, min_size=0, dtype=None, finite=False,
                         expected=f"whole numbers, one per image, shape ({len(x)},)")
        if y.shape != (len(x),) or y.dtype == bool or not np.issubdtype(y.dtype, np.number) \
                or not np.all(np.isfinite(y)) or not np.all(np.mod(y, 1) == 0):
            raise ValueError(f"labels must be whole numbers, one per image, shape ({len(x)},); "
                             f"got shape {y.shape} and dtype {y.dtype}.")
        arrays["labels"] = y.astype("int64")
    with storage.atomic_path(path) as temporary:
        np.savez_compressed(temporary, **arrays)
    return path


def load_samples(path, *, required: bool = True):
    """Read a file written by :func:`save_samples`: returns ``(images, labels)``, labels None when
    the file has none (images uint8 (N, H, W), labels int (N,)).

    A missing file raises ``FileNotFoundError``, one that is damaged (e.g. cut short by an interrupted
    save) or not a samples file ``ValueError`` (as :func:`utils.judge.score_file` and
    :func:`utils.storage.load_model` do), each naming the file and the fix; with ``required=False`` it prints that in
    one line and returns None instead, for a lesson that only compares with another lesson's
    samples and goes on without them. Used by lessons 06, 07, 09 and 10."""
    path = checks.path("path", path)
    required = checks.flag("required", required)
    made_by = storage._made_by(path)
    rerun = f"run notebook {path.parent.name}" if made_by else "run the notebook that saves it"

    def problem(message):
        if required:
            raise ValueError(message)
        print(message, flush=True)
        return None

    if not path.is_file():
        if path.exists():
            return problem(f"{path}{made_by} cannot be read: it is a folder, not a samples file. Delete it and {rerun}.")
        if required:
            raise FileNotFoundError(f"no samples file at {str(path)!r}; run the notebook's sampling cell first.")
        print(f"No samples at {path}{made_by}: {rerun} first to compare with it.", flush=True)
        return None
    try:
        with np.load(path, allow_pickle=False) as f:
            names = list(f.files)
            images = f["images"].copy() if "images" in names else None
            labels = f["labels"].copy() if "labels" in names else None
    except Exception as error:   # truncated, empty, not an npz, ...
        return problem(f"{path}{made_by} is damaged ({type(error).__name__}), e.g. cut short by an interrupted "
                       f"save. Delete it and {rerun} again.")
    if images is None:
        if required:
            raise ValueError(f"{str(path)!r} has no 'images' array (it has {names}): not a samples file{made_by}. "
                             f"Delete it and {rerun} again.")
        return problem(f"{path}{made_by} is not a samples file (no 'images' array). Delete it and {rerun} again.")
    if images.dtype != np.uint8 or images.ndim != 3 or len(images) == 0 \
            or (labels is not None and (labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer))):
        return problem(f"{path}{made_by} is not a samples file as save_samples writes it (images {images.dtype} "
                       f"{images.shape}, labels {None if labels is None else labels.shape}). Delete it and {rerun} again.")
    return images, labels


# --- the latent space ------------------------------------------------------------------------------
def interpolate(z0, z1, t, *, method="slerp") -> np.ndarray:
    """Points between two noise vectors ``z0`` and ``z1`` (each (D,)) at fractions ``t`` (a number
    or a 1-D array in [0, 1]): ``"linear"``, the straight line, or ``"slerp"``, the great circle,
    which keeps the length a Gaussian noise vector typically has. Returns (len(t), D) float32.
    Used by lessons 06 and 10."""
    a = checks.array("z0", z0, finite=False, min_size=0, expected="a noise vector (D,)")
    b = checks.array("z1", z1, finite=False, min_size=0, expected="a noise vector (D,)")
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise ValueError(f"z0 and z1 must be two vectors of one length (D,); got shapes {a.shape} and {b.shape}.")
    for name, v in (("z0", a), ("z1", b)):
        if not np.all(np.isfinite(v)):
            raise ValueError(f"z0 and z1 must be finite; got {name} with NaN or infinite values.")
    ts = np.atleast_1d(checks.array("t", t, finite=False, min_size=0, expected="a number or a 1-D array of numbers in [0, 1]"))
    if ts.ndim != 1 or ts.size == 0 or not np.all(np.isfinite(ts)) or ts.min() < 0 or ts.max() > 1:
        raise ValueError(f"t must be a number or a 1-D array of numbers in [0, 1]; got {checks.describe(t) if np.ndim(t) else t!r}.")
    if not isinstance(method, str) or method not in ("linear", "slerp"):
        raise ValueError(f"method must be 'linear' or 'slerp'; got {checks.describe(method)}.")
    ts = ts[:, None]
    if method == "linear":
        return ((1 - ts) * a + ts * b).astype("float32")
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        raise ValueError("slerp needs two non-zero vectors; use method='linear' for a zero vector.")
    omega = math.acos(float(np.clip(np.dot(a / na, b / nb), -1.0, 1.0)))
    if omega < 1e-6:  # (nearly) the same direction: the line is the circle
        return ((1 - ts) * a + ts * b).astype("float32")
    return ((np.sin((1 - ts) * omega) * a + np.sin(ts * omega) * b) / math.sin(omega)).astype("float32")
