"""One plot style, the image grid and the plots that several lessons share.

Images are read by ``utils.images.rescale``'s rule (0-255, [0, 1] or [-1, 1]).
"""
from __future__ import annotations

import numpy as np

from . import checks
from .images import rescale

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (7.0, 4.0),
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "image.cmap": "gray",
    "legend.frameon": False,
}


def in_notebook() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Colab), where live views draw in place; False in a
    plain Python process (tests, scripts), where they print a line instead."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def use_style() -> None:
    """Apply the collection's matplotlib style (called by ``utils.setup``)."""
    import matplotlib as mpl

    mpl.rcParams.update(STYLE)


def to_display(images, value_range=None) -> np.ndarray:
    """Images as float arrays in [0, 1] with shape (N, H, W) or (N, H, W, 3), ready for imshow.

    Accepts one image (H, W), (H, W, 1) or (H, W, 3), or a batch (N, H, W), (N, H, W, 1) or
    (N, H, W, 3) (a 3-D array whose last axis is 1 or 3 is one image), with values read by
    ``utils.images.rescale``'s rule: whole numbers 0-255, floats in [0, 1] or [-1, 1]
    (``value_range``, or None to infer it: a value below -1e-3 means (-1, 1)). Used by
    :func:`show_images` and :func:`image_grid`.
    """
    x = checks.array("images", images, min_size=0, dtype=None, finite=False,
                     expected="images (H, W), (N, H, W), (N, H, W, 1) or (N, H, W, 3) of numbers")
    if x.ndim == 2 or (x.ndim == 3 and x.shape[-1] in (1, 3)):   # one image, (H, W) or (H, W, C)
        x = x[None]
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if not (x.ndim == 3 or (x.ndim == 4 and x.shape[-1] == 3)) or x.shape[0] == 0 or x.size == 0:
        raise ValueError(
            "images must have shape (H, W), (N, H, W), (N, H, W, 1) or (N, H, W, 3) with N >= 1; "
            f"got {np.shape(images)}."
        )
    return rescale(x, (0, 1), value_range=value_range)


def image_grid(images, ncols: int = 10, pad: int = 1, value_range=None) -> np.ndarray:
    """Tile images into one array (rows of ``ncols``), values in [0, 1], with ``pad`` pixels between.

    Handy for GIF frames and live views. Used by lessons 02, 06, 07, 09 and 10.
    """
    ncols = checks.whole("ncols", ncols, 1)
    pad = checks.whole("pad", pad, 0)
    x = to_display(images, value_range)
    n, h, w = x.shape[:3]
    ncols = min(int(ncols), n)
    nrows = -(-n // ncols)
    shape = (nrows * h + (nrows - 1) * pad, ncols * w + (ncols - 1) * pad) + x.shape[3:]
    grid = np.ones(shape, dtype="float32")
    for k in range(n):
        r, c = divmod(k, ncols)
        grid[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = x[k]
    return grid


def show_images(images, labels=None, *, ncols: int = 10, title: str | None = None,
                value_range=None, size: float = 1.0, cmap: str = "gray"):
    """Show images in a grid, each with an optional caption (a label, a prediction, a score).

    ``labels`` is None or one caption (number or text) per image. Returns the matplotlib figure.
    Used by lessons 00, 02, 06, 07 and 09.
    """
    import matplotlib.pyplot as plt

    x = to_display(images, value_range)
    n = len(x)
    if labels is not None:
        if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
            checks.fail("labels", f"one caption per image ({n})", labels)
        labels = list(labels)
        if len(labels) != n:
            raise ValueError(f"labels must give one caption per image: {n} images; got {len(labels)} labels.")
    ncols = checks.whole("ncols", ncols, 1)
    checks.text("title", title, allow_none=True)
    size = checks.number("size", size, 0.05, 20)
    ncols = min(int(ncols), n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols * 0.9, size * nrows * (1.1 if labels else 0.9)),
                             squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < n:
            ax.imshow(x[k], cmap=cmap, vmin=0.0, vmax=1.0)
            if labels is not None:
                ax.set_title(str(labels[k]), fontsize=9, fontweight="normal")
    if title:
        fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


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
