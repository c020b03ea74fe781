"""Plumbing for training and inspecting a CNN classifier: the live training curves, the image
perturbations behind lesson 02's robustness widget, and two plots.

Introduced in lesson 02 (CNN classification); ``live_curves`` works with any ``model.fit``.
"""
from __future__ import annotations

import io
import time

import numpy as np

from . import checks, viz

_callback_class = None


def _curves_png(history: dict, metrics, title: str | None, epochs: int | None) -> bytes:
    """The training curves as a PNG: one panel a metric, training solid and validation dashed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.2 * len(metrics), 3.3))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, name in zip(axes, metrics):
        for key, style, label in ((name, "-", "training"), (f"val_{name}", "--", "validation")):
            values = history.get(key)
            if values:
                ax.plot(range(1, len(values) + 1), values, style, marker="o", markersize=3, label=label)
        ax.set(title=name, xlabel="epoch", ylabel=name)
        if epochs:
            ax.set_xlim(0.5, max(epochs, 1) + 0.5)
        if ax.lines:
            ax.legend()
    if title:
        fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def live_curves(metrics=("loss", "accuracy"), title: str | None = "Training curves"):
    """A Keras callback that shows a progress bar and redraws the training curves in place after
    every epoch (training solid, validation dashed). Outside a notebook it prints one line an
    epoch instead. ``callback.history`` holds the logged values. ``metrics``: the names of the
    logged metrics to plot, one panel each (at least one). Used by lessons 02 and 04.
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
            """Progress bar and training curves redrawn in place (see ``utils.cnn.live_curves``)."""

            def __init__(self, metrics, title):
                super().__init__()
                self.metrics = tuple(metrics)
                self.title = title
                self.history = {}

            def on_train_begin(self, logs=None):
                from tqdm.auto import tqdm

                self.epochs = self.params.get("epochs")
                steps = self.params.get("steps")
                total = self.epochs * steps if (self.epochs and steps) else None
                self.bar = tqdm(total=total, desc="training", unit="batch")
                self.start = time.perf_counter()
                self.handle = None
                if viz.in_notebook():
                    from IPython.display import display, Image

                    self.handle = display(Image(data=_curves_png({}, self.metrics, self.title, self.epochs)),
                                          display_id=True)

            def on_train_batch_end(self, batch, logs=None):
                self.bar.update(1)

            def on_epoch_end(self, epoch, logs=None):
                for key, value in (logs or {}).items():
                    if isinstance(value, (int, float, np.floating, np.integer)) or np.ndim(value) == 0:
                        self.history.setdefault(key, []).append(float(value))
                shown = {k: f"{self.history[k][-1]:.4f}" for k in self.history
                         if k.removeprefix("val_") in self.metrics}
                self.bar.set_postfix(shown, refresh=True)
                if self.handle is not None:
                    from IPython.display import Image

                    self.handle.update(Image(data=_curves_png(self.history, self.metrics, self.title, self.epochs)))
                else:
                    items = " ".join(f"{k} {v}" for k, v in shown.items())
                    print(f"epoch {epoch + 1}/{self.epochs}: {items}", flush=True)

            def on_train_end(self, logs=None):
                self.bar.close()
                self.seconds = time.perf_counter() - self.start

        _callback_class = LiveCurves
    return _callback_class(metrics, title)


def perturb(image, *, noise: float = 0.0, shift=(0, 0), angle: float = 0.0, erase: int = 0,
            erase_at=None, seed: int = 0) -> np.ndarray:
    """A moved and damaged copy of one image, as float32 (H, W) in [0, 1].

    In this order: rotate by ``angle`` degrees (counter-clockwise, about the centre) and shift by
    ``shift = (dx, dy)`` pixels (right, down) in one bilinear resampling, with black coming in at
    the edges; blank a square of ``erase`` pixels a side centred on ``erase_at = (row, col)``
    (default: the centre); add Gaussian noise of standard deviation ``noise`` (pixels are 0-1)
    drawn with ``seed``, and clip to [0, 1]. ``image`` is (H, W) or (H, W, 1), uint8 0-255 or
    floats in [0, 1]. Used by lesson 02's perturbation widget.
    """
    x = checks.array("image", image, min_size=0, dtype=None, finite=False,
                     expected="one image (H, W) or (H, W, 1), uint8 0-255 or floats in [0, 1]")
    if x.ndim == 3 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 2 or min(x.shape) < 2:
        raise ValueError(f"image must be one image, (H, W) or (H, W, 1); got shape {np.shape(image)}.")
    if x.dtype == np.uint8:
        x = x.astype("float32") / 255.0
    elif np.issubdtype(x.dtype, np.floating):
        x = x.astype("float32")
        if not np.all(np.isfinite(x)) or x.min() < 0 or x.max() > 1:
            raise ValueError("a float image must have finite values in [0, 1] (uint8 images: 0-255); got image "
                             + ("with NaN or infinite values." if not np.all(np.isfinite(x))
                                else f"values from {x.min():g} to {x.max():g}."))
    else:
        raise ValueError(f"image must be uint8 (0-255) or float in [0, 1]; got dtype {x.dtype}.")
    h, w = x.shape

    def number(name, value, low=None, high=None):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or not np.isfinite(value) or (low is not None and value < low) or (high is not None and value > high):
            bounds = f" in [{low}, {high}]" if high is not None else (f" >= {low}" if low is not None else "")
            raise ValueError(f"{name} must be a finite number{bounds}; got {value!r}.")
        return float(value)

    noise = number("noise", noise, 0)
    angle = number("angle", angle)
    if isinstance(shift, (str, bytes)) or np.ndim(shift) != 1 or len(shift) != 2:
        raise ValueError(f"shift must be a pair (dx, dy) of pixels; got {checks.describe(shift)}.")
    dx, dy = (number("shift", s, -max(h, w), max(h, w)) for s in shift)
    erase = number("erase", erase, 0, max(h, w))
    if erase != int(erase):
        raise ValueError(f"erase must be a whole number of pixels; got {erase!r}.")
    if erase_at is None:
        erase_at = ((h - 1) / 2, (w - 1) / 2)
    if isinstance(erase_at, (str, bytes)) or np.ndim(erase_at) != 1 or len(erase_at) != 2:
        raise ValueError(f"erase_at must be a pair (row, col); got {checks.describe(erase_at)}.")
    row, col = (number("erase_at", v, 0, max(h, w)) for v in erase_at)

    if angle or dx or dy:
        cy, cx = (h - 1) / 2, (w - 1) / 2
        rows, cols = np.mgrid[0:h, 0:w].astype("float64")
        u, v = cols - cx - dx, (cy - rows) + dy           # output pixel, origin at the centre, y up
        t = np.deg2rad(angle)
        us, vs = np.cos(t) * u + np.sin(t) * v, -np.sin(t) * u + np.cos(t) * v  # rotate back by -angle
        src_r, src_c = cy - vs, us + cx
        r0, c0 = np.floor(src_r).astype(int), np.floor(src_c).astype(int)
        fr, fc = src_r - r0, src_c - c0
        out = np.zeros((h, w), "float64")
        for rr, cc, weight in ((r0, c0, (1 - fr) * (1 - fc)), (r0, c0 + 1, (1 - fr) * fc),
                               (r0 + 1, c0, fr * (1 - fc)), (r0 + 1, c0 + 1, fr * fc)):
            inside = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
            out[inside] += weight[inside] * x[rr[inside], cc[inside]]
        x = out.astype("float32")
    if erase:
        r_lo, c_lo = int(np.floor(row - erase / 2 + 0.5)), int(np.floor(col - erase / 2 + 0.5))
        x = x.copy()
        x[max(r_lo, 0):max(r_lo + int(erase), 0), max(c_lo, 0):max(c_lo + int(erase), 0)] = 0.0
    if noise:
        seed = checks.whole("seed", seed, 0)
        x = x + np.random.default_rng(seed).normal(0.0, noise, size=x.shape).astype("float32")
    return np.clip(x, 0.0, 1.0).astype("float32")


def plot_confusion_matrix(matrix, ax=None, title="Confusion matrix"):
    """Draw a 10x10 confusion matrix (rows: true digit, columns: predicted digit) with its counts.
    Returns the axes. Used by lessons 02 and 07."""
    import matplotlib.pyplot as plt

    matrix = checks.array("matrix", matrix, ndim=2, dtype=None,
                          expected="a square matrix of counts (classes x classes)")
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be square (classes x classes); got shape {matrix.shape}.")
    if matrix.min() < 0:
        raise ValueError(f"matrix must hold counts (>= 0); got a smallest value of {matrix.min()}.")
    n = matrix.shape[0]
    if ax is None:
        _, ax = plt.subplots(figsize=(6.2, 5.4))
    elif not hasattr(ax, "imshow"):
        checks.fail("ax", "matplotlib axes or None", ax)
    # colour by the share of each row, so the errors show beside the large diagonal
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    shown = ax.imshow(np.where(np.eye(n, dtype=bool), np.nan, shares), cmap="Reds", vmin=0)
    ax.figure.colorbar(shown, ax=ax, label="share of the true digit's images (off the diagonal)")
    for i in range(n):
        for j in range(n):
            if matrix[i, j]:
                dark = i != j and shares[i, j] > 0.6 * np.nanmax(np.where(np.eye(n, dtype=bool), 0, shares))
                ax.text(j, i, str(int(matrix[i, j])), ha="center", va="center", fontsize=8,
                        fontweight="bold" if i == j else "normal", color="white" if dark else "black")
    ax.set(title=title, xlabel="predicted digit", ylabel="true digit", xticks=range(n), yticks=range(n))
    ax.grid(False)
    return ax


def plot_probabilities(ax, probs, true=None, title=None):
    """A bar chart of 10 class probabilities: the predicted digit in orange, the true one outlined.
    Returns the axes. Used by lessons 02 and 07."""
    if not hasattr(ax, "bar"):
        checks.fail("ax", "matplotlib axes (e.g. from plt.subplots())", ax)
    probs = checks.array("probs", probs, shape=(10,), expected="10 probabilities, shape (10,)")
    if true is not None:
        true = checks.whole("true", true, 0, 9)
    colors = ["tab:blue"] * 10
    colors[int(np.argmax(probs))] = "tab:orange"
    bars = ax.bar(range(10), probs, color=colors)
    if true is not None:
        bars[int(true)].set_edgecolor("black")
        bars[int(true)].set_linewidth(2)
    ax.set(xticks=range(10), ylim=(0, 1.05), xlabel="digit", ylabel="probability",
           title=title or f"prediction: {int(np.argmax(probs))} ({probs.max():.0%})")
    return ax
