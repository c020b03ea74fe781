"""The live training views: one display, redrawn in place after every epoch.

- :func:`live_curves` (lessons 02 and 04): a Keras callback for ``model.fit`` that shows a progress
  bar and the training curves, training solid and validation dashed.
- :class:`LiveView` (lesson 06 by hand; lessons 07, 09 and 10 through ``utils.gan.fit``): loss curves, other
  metrics (mean D(x), D(G(z)), the judge's scores), a grid of samples from fixed noise and a
  progress bar; it can save each epoch's grid for a GIF (``utils.grids``).

Both draw with one renderer, into one display that is updated in place (or an ipywidgets
``Output``); outside a notebook they print one line an epoch instead.
"""
from __future__ import annotations

import io
import math
import time

import numpy as np

from . import checks, grids, storage, viz
from .images import check_value_range


def _number(name, value):
    """A Python float from a number, a 0-d array or a scalar tensor. NaN and infinity are kept: a
    metric missing for an epoch is NaN in the history, and a diverged loss is worth seeing."""
    return checks.number(name, value, finite=False, expected="one number (a float or a scalar tensor)")


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


def _figure_png(fig) -> bytes:
    """A matplotlib figure as PNG bytes (the live views here and ``utils.toy.ToyView``)."""
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



# --- the GAN view (lesson 06 and utils.gan.fit) ---------------------------------------------------
def _default_panels(names) -> dict:
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


def _panels_png(history: dict, panels: dict, grid=None, *, title=None, epochs=None,
                epoch_numbers=None, size=(3.7, 3.6)) -> bytes:
    """The one renderer of both live views, as PNG bytes: one plot a panel (its metrics against
    the epoch; a ``val_`` metric dashed) and the sample grid (an array from
    :func:`utils.image_grid`) on the right."""
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
    fig = _new_figure((size[0] * n_plots, size[1]))
    axes = fig.subplots(1, n_plots, squeeze=False)[0]
    for ax, (name, keys) in zip(axes, panels.items()):
        for key in keys:
            values = history.get(key, [])
            if values:
                xs = epoch_numbers if epoch_numbers is not None and len(epoch_numbers) == len(values) \
                    else range(1, len(values) + 1)
                ax.plot(list(xs), values, "--" if key.startswith("val_") else "-",
                        marker="o" if len(values) < 30 else None, markersize=3, label=key)
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
    return _figure_png(fig)


class LiveView:
    """The live training view of a GAN: loss curves, other metrics (mean D(x), D(G(z)), ...), a grid
    of samples from fixed noise and a progress bar, all in one display updated in place after each
    epoch. Outside a notebook it prints one line an epoch instead. Used by lesson 06.

    ``epochs``: how many epochs the run has in all; ``steps_per_epoch``: batches an epoch (for the
    progress bar). ``sample_fn``: a callable with no arguments that returns the images to show
    (N, H, W) or (N, H, W, 1), e.g. ``lambda: generator(fixed_noise, training=False)``; None for no
    grid. ``panels``: ``{panel title: [metric names]}`` (default: every metric with "loss" in its name in a
    panel "losses", the others in "other metrics").
    ``grid_dir``: a folder where each epoch's grid is saved as ``epoch_001.png``, ... (for
    :func:`utils.grids.make_gif`), enlarged ``grid_scale`` times. ``initial_epoch`` and ``history``: where a
    resumed run starts, and the metrics of the epochs before it (see :class:`utils.checkpoints.Checkpoints`).
    ``value_range``: the range of the samples, (-1, 1) by default (a tanh
    generator), (0, 1), (0, 255), or None to infer it (``utils.images``). ``output``: an ``ipywidgets.Output`` to draw into (for training started by a button). Metrics
    that are in no panel are recorded in :attr:`history` but not drawn.

    Call :meth:`step` after each batch, :meth:`update` with the epoch's metrics after each epoch,
    and :meth:`close` at the end (or use ``with LiveView(...) as view:``).
    """

    def __init__(self, epochs, steps_per_epoch, sample_fn=None, *, panels=None, title="GAN training",
                 grid_dir=None, grid_scale=1, ncols=10, value_range=(-1, 1), initial_epoch=0, history=None,
                 output=None):
        self.epochs = checks.whole("epochs", epochs, 1)
        self.steps_per_epoch = checks.whole("steps_per_epoch", steps_per_epoch, 1)
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
        self.ncols = checks.whole("ncols", ncols, 1)
        self.grid_scale = checks.whole("grid_scale", grid_scale, 1, 16)
        self.value_range = check_value_range(value_range)
        self.initial_epoch = checks.whole("initial_epoch", initial_epoch, 0, self.epochs)
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
            for old in grids.epoch_grids(self.grid_dir):   # grids of an abandoned, longer run would join the GIF
                if int(grids.GRID_PATTERN.match(old.name).group(1)) > self.initial_epoch:
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
        self.bar.update(checks.whole("n", n, 0))

    def update(self, epoch, metrics):
        """Record the metrics of ``epoch`` (a dict name -> number; tensors are fine), sample a new
        grid, save it under ``grid_dir`` and redraw. Returns the saved grid's path (or None)."""
        if self._closed:
            raise RuntimeError("this LiveView is closed; make a new one for a new run.")
        epoch = checks.whole("epoch", epoch, self.last_epoch + 1, self.epochs)
        metrics = _metrics(metrics)
        grid = self._sample_grid() if self.sample_fn is not None else None   # before any state changes
        for key, value in metrics.items():
            self.history.setdefault(key, [math.nan] * len(self.epoch_numbers)).append(value)
        for key in self.history:
            if key not in metrics:
                self.history[key].append(math.nan)
        self.epoch_numbers.append(epoch)
        self.last_epoch = epoch
        path = None
        if grid is not None:
            self.grid = grid
            if self.grid_dir is not None:
                try:
                    path = grids.save_grid(self.grid, self.grid_dir / f"epoch_{epoch:03d}.png", scale=self.grid_scale)
                except OSError as error:   # a full disk must not stop the training
                    if self._grid_error is None:
                        self._grid_error = error
                        print(f"Could not save the epoch grid in {self.grid_dir} ({storage._reason(error)}); "
                              f"training goes on without grids. Set C2G_OUTPUT_DIR to a folder with room.", flush=True)
        shown = " · ".join(f"{k} {v:.3f}" for k, v in metrics.items())
        diverged = [k for k, v in metrics.items() if not math.isfinite(v)]
        if diverged:
            print(f"epoch {epoch}: {', '.join(diverged)} is not a finite number (NaN or infinite): the training "
                  "diverged. Start again with a smaller learning rate.", flush=True)
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
        panels = self.panels or _default_panels(self.history) or {}
        done = self.last_epoch - self.initial_epoch
        elapsed = time.perf_counter() - self._start
        title = f"{self.title} · epoch {self.last_epoch}/{self.epochs}"
        if done:
            title += f" · {elapsed / done:.1f} s an epoch"
        png = _panels_png(self.history, panels, self.grid, title=title, epochs=self.epochs,
                            epoch_numbers=self.epoch_numbers)
        self._screen.show(png)
        self.draw_seconds += time.perf_counter() - start


# --- the curves of model.fit (lessons 02 and 04) ---------------------------------------------------
_callback_class = None


def live_curves(metrics=("loss", "accuracy"), title: str | None = "Training curves"):
    """A Keras callback that shows a progress bar and redraws the training curves in place after
    every epoch (one panel a metric: training solid, validation dashed). Outside a notebook it
    prints one line an epoch instead. ``callback.history`` holds the logged values. ``metrics``:
    the names of the logged metrics to plot, one panel each (at least one). Used by lessons 02 and 04.
    """
    global _callback_class
    if isinstance(metrics, (str, bytes)) or not hasattr(metrics, "__iter__"):
        checks.fail("metrics", "a list of metric names, e.g. ('loss', 'accuracy')", metrics)
    metrics = tuple(metrics)
    if not metrics or not all(isinstance(m, str) and m for m in metrics):
        checks.fail("metrics", "a non-empty list of metric names, e.g. ('loss', 'accuracy')", metrics)
    checks.text("title", title, allow_none=True)
    if _callback_class is None:
        import keras

        class LiveCurves(keras.callbacks.Callback):
            """Progress bar and training curves redrawn in place (see ``utils.live.live_curves``)."""

            def __init__(self, metrics, title):
                super().__init__()
                self.metrics = tuple(metrics)
                self.title = title
                self.history = {}

            def _png(self):
                panels = {m: [m, f"val_{m}"] for m in self.metrics}
                return _panels_png(self.history, panels, title=self.title, epochs=self.epochs, size=(4.2, 3.3))

            def on_train_begin(self, logs=None):
                from tqdm.auto import tqdm

                self.epochs = self.params.get("epochs")
                steps = self.params.get("steps")
                total = self.epochs * steps if (self.epochs and steps) else None
                self.bar = tqdm(total=total, desc="training", unit="batch")
                self.start = time.perf_counter()
                self.screen = _Screen()
                if self.screen.active:
                    self.screen.show(self._png())

            def on_train_batch_end(self, batch, logs=None):
                self.bar.update(1)

            def on_epoch_end(self, epoch, logs=None):
                for key, value in (logs or {}).items():
                    try:
                        value = checks.number(key, value, finite=False)
                    except ValueError:   # a log entry that is not one number (a string, a vector): not a curve
                        continue
                    self.history.setdefault(key, []).append(value)
                shown = {k: f"{self.history[k][-1]:.4f}" for k in self.history
                         if k.removeprefix("val_") in self.metrics}
                self.bar.set_postfix(shown, refresh=True)
                if self.screen.active:
                    self.screen.show(self._png())
                else:
                    items = " ".join(f"{k} {v}" for k, v in shown.items())
                    print(f"epoch {epoch + 1}/{self.epochs}: {items}", flush=True)

            def on_train_end(self, logs=None):
                self.bar.close()
                self.seconds = time.perf_counter() - self.start

        _callback_class = LiveCurves
    return _callback_class(metrics, title)
