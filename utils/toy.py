"""Lesson 05's toy GAN view: a 1-D real density, the generated samples and D, redrawn in place.
Every function checks its input and says what was wrong."""
from __future__ import annotations

import math

import numpy as np

from . import checks
from .live import _figure_png, _metrics, _new_figure, _Screen


def _check_toy(x, real_density, generated=None, d_values=None):
    x = checks.array("x", x, finite=False, min_size=0, expected="a 1-D grid of increasing finite numbers")
    if x.ndim != 1 or len(x) < 2 or not np.all(np.isfinite(x)) or not np.all(np.diff(x) > 0):
        raise ValueError(f"x must be a 1-D grid of increasing finite numbers (at least 2); got shape {x.shape}.")
    p = checks.array("real_density", real_density, finite=False, min_size=0,
                     expected=f"non-negative numbers, one per grid point {x.shape}")
    if p.shape != x.shape or not np.all(np.isfinite(p)) or p.min() < 0:
        raise ValueError(f"real_density must be non-negative numbers, one per grid point {x.shape}; got shape {p.shape}"
                         f"{' with NaN or infinite values' if p.shape == x.shape and not np.all(np.isfinite(p)) else ''}.")
    g = d = None
    if generated is not None:
        g = checks.array("generated", generated, finite=False, min_size=0, expected="a non-empty array of finite samples").ravel()
        if g.size == 0 or not np.all(np.isfinite(g)):
            raise ValueError(f"generated must be a non-empty array of finite samples; got {checks.describe(g)}"
                             f"{' with NaN or infinite values' if g.size else ''}.")
    if d_values is not None:
        d = checks.array("d_values", d_values, finite=False, min_size=0,
                         expected=f"D(x) in [0, 1], one per grid point {x.shape}").ravel()
        if d.shape != x.shape or not np.all(np.isfinite(d)) or d.min() < 0 or d.max() > 1:
            raise ValueError(f"d_values must be D(x) in [0, 1], one per grid point {x.shape}; got shape {d.shape}"
                             f"{' with values outside [0, 1] or NaN' if d.shape == x.shape else ''}.")
    return x, p, g, d


def _toy_png(x, real_density, generated, d_values, history=None, *, title=None, steps=None) -> bytes:
    """The toy GAN's picture as PNG bytes. Left: the real density, a histogram of the generated
    samples and the discriminator's D(x) (right axis, with the line D = 1/2). Right: the metrics
    in ``history`` (``{"step": [...], name: [...]}``) against the training step. Used by
    :class:`ToyView` (lesson 05)."""
    x, p, g, d = _check_toy(x, real_density, generated, d_values)
    if g is None or d is None:
        checks.fail("generated" if g is None else "d_values", "an array (see the docstring)", None)
    if history is not None and (not isinstance(history, dict) or not all(isinstance(v, (list, tuple)) for v in history.values())):
        checks.fail("history", 'a dict {"step": [...], name: [...]} or None', history)
    steps = None if steps is None else checks.whole("steps", steps, 1)
    title = checks.text("title", title, allow_none=True)
    fig = _new_figure((11.0, 3.8))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
    left.fill_between(x, p, color="tab:blue", alpha=0.3, label="real density $p_{data}$")
    edges = np.linspace(x[0], x[-1], min(81, max(len(x), 21)))
    inside = g[(g >= x[0]) & (g <= x[-1])]
    if inside.size:
        hist, _ = np.histogram(inside, bins=edges)
        hist = hist / (g.size * np.diff(edges))  # density of all samples, so escaped mass shows as missing
        left.stairs(hist, edges, color="tab:orange", lw=1.8, label="generated density $p_g$")
    top = max(p.max(), (hist.max() if inside.size else 0.0)) * 1.15 or 1.0
    left.set(xlim=(x[0], x[-1]), ylim=(0, top), xlabel="x", ylabel="density",
             title="densities and the discriminator")
    twin = left.twinx()
    twin.plot(x, d, color="tab:green", lw=2, label="D(x)")
    twin.axhline(0.5, color="tab:green", ls=":", lw=1)
    twin.set(ylim=(0, 1.02), ylabel="D(x)")
    twin.grid(False)
    handles = left.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    left.legend(handles, [h.get_label() for h in handles], loc="upper left", fontsize=8)
    escaped = 1 - inside.size / g.size
    if escaped > 0.01:
        left.text(0.99, 0.97, f"{escaped:.0%} of samples outside the plot", transform=left.transAxes,
                  ha="right", va="top", fontsize=8)
    if history and history.get("step"):
        for key, values in history.items():
            if key != "step":
                right.plot(history["step"], values, label=key)
        right.legend(fontsize=8)
    if steps:
        right.set_xlim(0, steps)
    right.set(title="losses", xlabel="training step (G updates)", ylabel="loss")
    if title:
        fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return _figure_png(fig)


class ToyView:
    """The in-place view of a 1-D toy GAN (lesson 05): real and generated densities, the
    discriminator's D(x) and the losses, redrawn by each :meth:`update`. Outside a notebook it
    prints one line an update. ``output``: an ``ipywidgets.Output`` to draw into (for a Train
    button); ``steps``: the run's length, for the loss plot's axis. Used by lesson 05."""

    def __init__(self, x, real_density, *, steps=None, title="Toy GAN", output=None):
        self.x, self.real_density, _, _ = _check_toy(x, real_density)
        self.steps = None if steps is None else checks.whole("steps", steps, 1)
        self.title = checks.text("title", title, allow_none=True)
        self.history = {"step": []}
        self._screen = _Screen(output)
        self.frames = 0

    def update(self, step, generated, d_values, metrics):
        """Record ``metrics`` (a dict name -> number) at training step ``step`` and redraw with the
        generated samples and D(x) on the grid."""
        step = checks.whole("step", step, 0)
        metrics = _metrics(metrics)
        _check_toy(self.x, self.real_density, generated, d_values)
        self.history["step"].append(step)
        for key, value in metrics.items():
            self.history.setdefault(key, [math.nan] * (len(self.history["step"]) - 1)).append(value)
        for key, values in self.history.items():
            if len(values) < len(self.history["step"]):
                values.append(math.nan)
        self.frames += 1
        title = f"{self.title} · step {step}" + (f"/{self.steps}" if self.steps else "")
        if self._screen.active:
            self._screen.show(_toy_png(self.x, self.real_density, generated, d_values, self.history,
                                      title=title, steps=self.steps))
        else:
            print(f"{title}: " + " · ".join(f"{k} {v:.3f}" for k, v in metrics.items()), flush=True)
