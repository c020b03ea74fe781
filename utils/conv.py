"""Lesson 01's module: convolution arithmetic and the compute behind its widgets.

Lesson 01 writes each of these ideas out in the notebook first and checks that its own code, this
module and TensorFlow agree; the widgets then use this module. Lesson 08 reuses ``output_size``,
``conv2d`` and ``conv_matrix`` (transposed convolution as the transposed matrix); its own functions
are in ``utils.transposed``.

All functions take one 2-D feature map and compute cross-correlation, as deep-learning layers do.
"""
from __future__ import annotations

import numpy as np

from . import checks

# Classic 3x3 kernels (lesson 01's kernel explorer).
KERNELS = {
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
    "edge (Laplacian)": [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
    "blur (box)": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "Sobel x (vertical edges)": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "Sobel y (horizontal edges)": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
}


def output_size(i: int, k: int, s: int = 1, p: int = 0) -> int:
    """Output length of a convolution: ``o = floor((i + 2p - k) / s) + 1``.

    ``i`` input size, ``k`` kernel size, ``s`` stride, ``p`` zero padding on each side.
    A kernel larger than the padded input is an error. Used by lessons 01 and 08.
    """
    i, k = checks.whole("input size i", i, 1), checks.whole("kernel size k", k, 1)
    s, p = checks.whole("stride s", s, 1), checks.whole("padding p", p, 0)
    if k > i + 2 * p:
        raise ValueError(
            f"kernel size k={k} is larger than the padded input i + 2p = {i} + 2*{p} = {i + 2 * p}: "
            "the kernel must fit inside the padded input."
        )
    return (i + 2 * p - k) // s + 1


def _grid(name, value, what="a 2-D feature map (H, W)"):
    """A finite 2-D array (a feature map or a kernel), or a ValueError naming ``name`` and ``what``."""
    return checks.array(name, value, ndim=2, finite=True, expected=f"{what} of finite numbers")


def _feature_map(x, name="x"):
    return _grid(name, x)


def _kernel(w, name="w"):
    return _grid(name, w, "a 2-D kernel (kh, kw)")


def _map_and_kernel(x, w):
    return _feature_map(x), _kernel(w)


def conv2d(x, w, b: float = 0.0, *, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Cross-correlate one 2-D map with one kernel: ``out[i, j] = sum_mn w[m, n] x[s*i + m, s*j + n] + b``.

    ``padding`` zeros are added on each side first. No activation. Vectorised with a sliding
    window view. Used by lessons 01 and 08 (kernel explorer, pooling explorer; checks).
    """
    x, w = _map_and_kernel(x, w)
    b = checks.number("b", b)
    stride, padding = checks.whole("stride", stride, 1), checks.whole("padding", padding, 0)
    oh = output_size(x.shape[0], w.shape[0], stride, padding)
    ow = output_size(x.shape[1], w.shape[1], stride, padding)
    xp = np.pad(x, padding)
    windows = np.lib.stride_tricks.sliding_window_view(xp, w.shape)[::stride, ::stride]
    return np.einsum("ijmn,mn->ij", windows[:oh, :ow], w) + b


def _input_window(i: int, k: int, s: int, p: int, row: int, col: int):
    """Which input cells feed output cell (row, col): ``(top, bottom, left, right)``, inclusive.

    Coordinates are in the padded input (0 .. i + 2p - 1); subtract ``p`` for the original input.

    """
    o = output_size(i, k, s, p)
    row, col = checks.whole("row", row, 0), checks.whole("col", col, 0)
    if row >= o or col >= o:
        raise ValueError(f"output cell ({row}, {col}) is outside the {o}x{o} output (rows and columns 0-{o - 1}).")
    return row * s, row * s + k - 1, col * s, col * s + k - 1


def pool2d(x, size: int = 2, stride: int | None = None, kind: str = "max") -> np.ndarray:
    """Max or average pooling of one 2-D map with a ``size`` x ``size`` window ('valid', no padding).

    ``stride`` defaults to ``size``. Used by lesson 01's pooling explorer.
    """
    x = _feature_map(x)
    size = checks.whole("pool size", size, 1)
    stride = size if stride is None else checks.whole("stride", stride, 1)
    if not isinstance(kind, str) or kind not in ("max", "average"):
        raise ValueError(f"kind must be 'max' or 'average'; got {checks.describe(kind)}.")
    oh, ow = output_size(x.shape[0], size, stride), output_size(x.shape[1], size, stride)
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size))[::stride, ::stride][:oh, :ow]
    return windows.max(axis=(2, 3)) if kind == "max" else windows.mean(axis=(2, 3))


def conv_matrix(w, input_shape, stride: int = 1) -> np.ndarray:
    """The matrix C with ``C @ x.ravel() == conv2d(x, w, stride=stride).ravel()`` ('valid' padding).

    Row ``r`` of C holds the kernel's weights at the input positions that output cell ``r``
    reads, and zeros elsewhere. For a 3x3 kernel on a 4x4 input, C is 4x16. Lesson 08 uses
    ``C.T`` to explain transposed convolution. Used by lessons 01 and 08.
    """
    w = _kernel(w)
    if isinstance(input_shape, (str, bytes)) or np.ndim(input_shape) != 1 or len(input_shape) != 2:
        raise ValueError(f"input_shape must be (H, W), two whole numbers; got {checks.describe(input_shape)}.")
    h = checks.whole("input_shape[0] (the input height)", input_shape[0], 1)
    wd = checks.whole("input_shape[1] (the input width)", input_shape[1], 1)
    stride = checks.whole("stride", stride, 1)
    kh, kw = w.shape
    oh, ow = output_size(h, kh, stride), output_size(wd, kw, stride)
    C = np.zeros((oh * ow, h * wd))
    for r in range(oh):
        for c in range(ow):
            for m in range(kh):
                for n in range(kw):
                    C[r * ow + c, (r * stride + m) * wd + (c * stride + n)] = w[m, n]
    return C


def plot_conv_arithmetic(i: int, k: int, s: int = 1, p: int = 0, row: int = 0, col: int = 0):
    """Draw the padded input with the window that feeds output cell (row, col), and the output.

    Padding cells are grey, input cells white, the window blue; the title states the formula.
    Returns the matplotlib figure. Used by lesson 01's convolution-arithmetic explorer.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    o = output_size(i, k, s, p)
    top, bottom, left, right = _input_window(i, k, s, p, row, col)
    n = i + 2 * p
    fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=(9, 4.4), gridspec_kw={"width_ratios": [max(n, 1), max(o, 1) + 1]})
    for r in range(n):
        for c in range(n):
            padded = not (p <= r < p + i and p <= c < p + i)
            inside = top <= r <= bottom and left <= c <= right
            face = "#9ecae1" if inside else ("#e0e0e0" if padded else "white")
            ax_in.add_patch(Rectangle((c, n - 1 - r), 1, 1, facecolor=face, edgecolor="#555", hatch="//" if padded else None))
    ax_in.add_patch(Rectangle((left, n - 1 - bottom), k, k, fill=False, edgecolor="tab:blue", linewidth=3))
    for r in range(o):
        for c in range(o):
            face = "#3182bd" if (r, c) == (row, col) else "white"
            ax_out.add_patch(Rectangle((c, o - 1 - r), 1, 1, facecolor=face, edgecolor="#555"))
    for ax, size, name in [(ax_in, n, f"padded input: {i}×{i} + padding {p} = {n}×{n}"),
                           (ax_out, o, f"output: {o}×{o}")]:
        ax.set_xlim(-0.2, size + 0.2)
        ax.set_ylim(-0.2, size + 0.2)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(name, fontsize=11)
    fig.suptitle(f"o = ⌊(i + 2p − k) / s⌋ + 1 = ⌊({i} + 2·{p} − {k}) / {s}⌋ + 1 = {o}   "
                 f"(kernel {k}×{k}, stride {s}; output cell ({row}, {col}) reads the blue window)", fontsize=11)
    fig.tight_layout()
    return fig
