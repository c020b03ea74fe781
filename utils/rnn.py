"""The compute behind lesson 04's widgets, and its LSTM cell diagram.

Lesson 04 writes the LSTM and GRU maths out in the notebook; this module holds the one-unit gate
stepper and the memory curve that its widgets show, and the drawing of the cell. Used by lesson 04.
"""
from __future__ import annotations

import math

import numpy as np

from . import checks

GATES = ("i", "j", "f", "o")


def _sigmoid(z):
    """The logistic function 1 / (1 + e^-z), element-wise, for a number or an array ``z``."""
    z = checks.array("z", z, min_size=0)
    with np.errstate(over="ignore"):   # e^-z overflows to inf for z < -709: the answer is 0, as it should be
        out = 1.0 / (1.0 + np.exp(-z))
    return out if out.ndim else out[()]


def gate_step(x: float, h_prev: float, c_prev: float, pre: dict, weights: dict | None = None,
              forget_bias: float = 0.0) -> dict:
    """One step of a one-unit LSTM, in the i, j, f, o form of lesson 04.

    Each gate's pre-activation is ``z_g = w_h * h_prev + w_x * x + pre[g]``, with ``weights[g] =
    (w_h, w_x)`` (default (1, 1) for every gate) and ``pre[g]`` the gate's offset (its bias).
    Returns the gate values and the new state: ``i, j, f, o`` (after sigmoid/tanh), ``c`` and ``h``:

    ``c = c_prev * σ(z_f + forget_bias) + σ(z_i) * tanh(z_j)``, ``h = tanh(c) * σ(z_o)``.
    Used by lesson 04.
    """
    x, h_prev, c_prev = checks.number("x", x), checks.number("h_prev", h_prev), checks.number("c_prev", c_prev)
    forget_bias = checks.number("forget_bias", forget_bias)
    if not isinstance(pre, dict) or set(pre) != set(GATES):
        raise ValueError(f"pre must be a dict with exactly the gates {GATES} as keys; got {checks.describe(pre)}.")
    weights = weights if weights is not None else {g: (1.0, 1.0) for g in GATES}
    if not isinstance(weights, dict) or set(weights) != set(GATES):
        raise ValueError(f"weights must be a dict with the gates {GATES} as keys, each (w_h, w_x); "
                         f"got {checks.describe(weights)}.")
    z = {}
    for g in GATES:
        try:
            w_h, w_x = weights[g]
        except (TypeError, ValueError):
            raise ValueError(f"weights[{g!r}] must be a pair (w_h, w_x); got {checks.describe(weights[g])}.") from None
        z[g] = checks.number(f"weights[{g!r}][0]", w_h) * h_prev + checks.number(f"weights[{g!r}][1]", w_x) * x \
            + checks.number(f"pre[{g!r}]", pre[g])
    i, f, o = (float(_sigmoid(z["i"])), float(_sigmoid(z["f"] + forget_bias)), float(_sigmoid(z["o"])))
    j = math.tanh(z["j"])
    c = c_prev * f + i * j
    return {"i": i, "j": j, "f": f, "o": o, "c": c, "h": math.tanh(c) * o}


def memory_curve(f: float, steps: int, c0: float = 1.0) -> np.ndarray:
    """What is left of a value written into the cell state at step 0, with a constant forget gate f.

    With nothing new written, ``c_t = f * c_{t-1}``, so ``c_t = c0 * f**t`` for t = 0 .. steps.
    Used by lesson 04.
    """
    f = checks.number("forget gate f", f, 0.0, 1.0)
    c0 = checks.number("c0", c0)
    steps = checks.whole("steps", steps, 1)
    return c0 * f ** np.arange(steps + 1)


def half_life(f: float) -> float:
    """Steps until a constant forget gate f halves the memory: ln(1/2) / ln(f) (inf for f = 1).
    Used by lesson 04."""
    f = checks.number("forget gate f", f, 0.0, 1.0)
    if f == 1.0:
        return math.inf
    if f == 0.0:
        return 0.0
    return math.log(0.5) / math.log(f)


def draw_lstm_cell(ax=None):
    """Draw the LSTM cell in the i, j, f, o notation of lesson 04. Returns the matplotlib axes.
    Used by lesson 04."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.2))
    elif not hasattr(ax, "add_patch"):
        checks.fail("ax", "matplotlib axes or None", ax)
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.3, 6)
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((1.0, 0.9), 7.6, 4.3, boxstyle="round,pad=0.1", facecolor="#f4f7fb", edgecolor="#777"))

    def arrow(a, b, color="#333", style="-|>", lw=1.6):
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle=style, mutation_scale=14, color=color, lw=lw))

    def node(xy, text, color="#fff", r=0.28):
        ax.add_patch(plt.Circle(xy, r, facecolor=color, edgecolor="#333", zorder=3))
        ax.text(*xy, text, ha="center", va="center", fontsize=13, zorder=4)

    def gate(x, label, fn, color):
        ax.add_patch(FancyBboxPatch((x - 0.42, 1.55), 0.84, 0.6, boxstyle="round,pad=0.05", facecolor=color, edgecolor="#333", zorder=3))
        ax.text(x, 1.85, fn, ha="center", va="center", fontsize=11, zorder=4)
        ax.text(x, 1.2, label, ha="center", va="center", fontsize=9.5, zorder=4,
                bbox=dict(facecolor="white", edgecolor="none", pad=1.0))

    # the cell state line
    arrow((0.2, 4.6), (9.8, 4.6), color="#1f77b4", lw=2.5)
    ax.text(0.2, 4.85, r"$c_{t-1}$", fontsize=13)
    ax.text(9.3, 4.85, r"$c_t$", fontsize=13)
    # the input line [h_{t-1}, x_t]
    arrow((0.2, 0.5), (1.6, 0.5), style="-")
    ax.text(0.1, 0.15, r"$h_{t-1}$", fontsize=12)
    arrow((1.6, -0.1), (1.6, 0.5), style="-")
    ax.text(1.75, -0.05, r"$x_t$", fontsize=12)
    ax.text(3.0, 0.05, r"$[h_{t-1}, x_t]\,W + b$, split into $i,\ j,\ f,\ o$", fontsize=10)
    xs = {"f": 2.6, "i": 4.0, "j": 5.2, "o": 6.8}
    arrow((1.6, 0.5), (6.8, 0.5), style="-")
    for g, x in xs.items():
        arrow((x, 0.5), (x, 1.5))
    gate(xs["f"], "forget gate f", r"$\sigma$", "#fde0dd")
    gate(xs["i"], "input gate i", r"$\sigma$", "#e5f5e0")
    gate(xs["j"], "candidate j", r"$\tanh$", "#fff7bc")
    gate(xs["o"], "output gate o", r"$\sigma$", "#deebf7")
    # forget: multiply on the cell line
    node((xs["f"], 4.6), r"$\times$")
    arrow((xs["f"], 2.2), (xs["f"], 4.3))
    # input * candidate, then add
    node((4.6, 3.3), r"$\times$")
    arrow((xs["i"], 2.2), (4.45, 3.1))
    arrow((xs["j"], 2.2), (4.75, 3.1))
    node((4.6, 4.6), r"$+$")
    arrow((4.6, 3.6), (4.6, 4.3))
    # output: tanh(c) * sigma(o)
    node((7.8, 3.6), r"$\tanh$", r=0.36)
    arrow((7.8, 4.6), (7.8, 3.97))
    node((7.8, 2.6), r"$\times$")
    arrow((7.8, 3.24), (7.8, 2.9))
    arrow((xs["o"], 2.2), (7.52, 2.52))
    arrow((8.08, 2.6), (9.8, 2.6))
    ax.text(9.3, 2.8, r"$h_t$", fontsize=13)
    ax.set_title(r"LSTM cell: $c_t = c_{t-1}\,\sigma(f) + \sigma(i)\tanh(j)$,   $h_t = \tanh(c_t)\,\sigma(o)$", fontsize=12)
    return ax


def draw_unrolled_rnn(steps: int = 4, ax=None):
    """Draw a recurrent layer rolled up (left) and unrolled over ``steps`` time steps (right).
    Used by lesson 04."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    steps = checks.whole("steps", steps, 1, 8)
    if ax is None:
        _, ax = plt.subplots(figsize=(2.2 * steps + 3, 3.2))
    elif not hasattr(ax, "add_patch"):
        checks.fail("ax", "matplotlib axes or None", ax)
    ax.set_xlim(-0.5, 2.2 * steps + 2.6)
    ax.set_ylim(-0.2, 3.4)
    ax.axis("off")

    def box(x, label):
        ax.add_patch(FancyBboxPatch((x - 0.5, 1.1), 1.0, 0.9, boxstyle="round,pad=0.05", facecolor="#deebf7", edgecolor="#333"))
        ax.text(x, 1.55, label, ha="center", va="center", fontsize=11)

    def arrow(a, b):
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=13, color="#333", lw=1.4))

    box(0.5, "RNN")
    arrow((0.5, 0.2), (0.5, 1.05))
    arrow((0.5, 2.05), (0.5, 2.9))
    ax.add_patch(FancyArrowPatch((1.0, 1.8), (1.0, 1.3), connectionstyle="arc3,rad=-2.2", arrowstyle="-|>", mutation_scale=12, lw=1.4))
    ax.text(0.5, 0.0, r"$x_t$", ha="center", fontsize=12)
    ax.text(0.5, 3.05, r"$h_t$", ha="center", fontsize=12)
    ax.text(1.5, 1.55, "=", fontsize=20, ha="center", va="center")
    for k in range(steps):
        x = 3.0 + 2.2 * k
        box(x, "cell")
        arrow((x, 0.2), (x, 1.05))
        arrow((x, 2.05), (x, 2.9))
        ax.text(x, 0.0, rf"$x_{{{k + 1}}}$", ha="center", fontsize=12)
        ax.text(x, 3.05, rf"$h_{{{k + 1}}}$", ha="center", fontsize=12)
        arrow((x - 1.7 if k else x - 1.05, 1.55), (x - 0.55, 1.55))
    ax.text(2.0, 1.7, r"$h_0$", fontsize=11)
    ax.set_title("A recurrent layer, rolled up and unrolled: the same weights at every step", fontsize=12)
    return ax
