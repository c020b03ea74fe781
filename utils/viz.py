"""One plot style and the image grid every lesson uses.

Used by lessons 00-07.
"""
from __future__ import annotations

import numpy as np

from . import checks

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

    Accepts (H, W), (N, H, W), (N, H, W, 1) or (N, H, W, 3), as uint8 (0-255) or floats.
    ``value_range`` is the range of float input: (0, 1), (-1, 1), or None to infer it
    (any negative value means (-1, 1)). Used by :func:`show_images` and :func:`image_grid`.
    """
    value_range = _value_range(value_range)
    x = checks.array("images", images, min_size=0, dtype=None, finite=False,
                     expected="images (H, W), (N, H, W), (N, H, W, 1) or (N, H, W, 3) of numbers")
    if x.ndim == 2:
        x = x[None]
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if not (x.ndim == 3 or (x.ndim == 4 and x.shape[-1] == 3)) or x.shape[0] == 0 or x.size == 0:
        raise ValueError(
            "images must have shape (H, W), (N, H, W), (N, H, W, 1) or (N, H, W, 3) with N >= 1; "
            f"got {np.shape(images)}."
        )
    if x.dtype == np.uint8:
        return x.astype("float32") / 255.0
    x = x.astype("float32")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"images must not contain NaN or infinite values; got {checks.describe(images)} with some.")
    if value_range is None:
        value_range = (-1, 1) if x.min() < 0 else (0, 1)
    if value_range == (-1, 1):
        x = (x + 1.0) / 2.0
    return np.clip(x, 0.0, 1.0)


def _value_range(value_range):
    """(0, 1), (-1, 1) or None, from a tuple, list or array; anything else is a ValueError."""
    if value_range is None:
        return None
    if isinstance(value_range, (str, bytes)) or np.ndim(value_range) != 1 \
            or tuple(np.asarray(value_range).tolist()) not in ((0, 1), (-1, 1)):
        raise ValueError(f"value_range must be (0, 1), (-1, 1) or None; got {checks.describe(value_range)}.")
    return tuple(np.asarray(value_range).tolist())


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
