"""Convolution arithmetic and the compute behind lesson 01's widgets.

Lesson 01 writes each of these ideas out in the notebook first and checks that its own code, this
module and TensorFlow agree; the widgets and later lessons then use this module. Lesson 07 reuses
``conv_matrix`` (transposed convolution as the transposed matrix) and adds the transposed
convolution, its output size, overlap counts and the checkerboard widget's compute.

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


def _whole(name, value, low):
    return checks.whole(name, value, low)


def output_size(i: int, k: int, s: int = 1, p: int = 0) -> int:
    """Output length of a convolution: ``o = floor((i + 2p - k) / s) + 1``.

    ``i`` input size, ``k`` kernel size, ``s`` stride, ``p`` zero padding on each side.
    A kernel larger than the padded input is an error. Used by lessons 01 and 08.
    """
    i, k = _whole("input size i", i, 1), _whole("kernel size k", k, 1)
    s, p = _whole("stride s", s, 1), _whole("padding p", p, 0)
    if k > i + 2 * p:
        raise ValueError(
            f"kernel size k={k} is larger than the padded input i + 2p = {i} + 2*{p} = {i + 2 * p}: "
            "the kernel must fit inside the padded input."
        )
    return (i + 2 * p - k) // s + 1


def _feature_map(x, name="x"):
    x = checks.array(name, x, finite=False, min_size=0, expected="a 2-D feature map (H, W) of numbers")
    if x.ndim != 2 or x.size == 0:
        raise ValueError(f"{name} must be a 2-D feature map (H, W); got shape {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must not contain NaN or infinite values; got {checks.describe(x)} with "
                         f"{int(x.size - np.isfinite(x).sum())} of them.")
    return x


def _kernel(w, name="w"):
    w = checks.array(name, w, finite=False, min_size=0, expected="a 2-D kernel (kh, kw) of numbers")
    if w.ndim != 2 or w.size == 0:
        raise ValueError(f"the kernel must be 2-D (kh, kw); got {name} of shape {w.shape}.")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"the kernel {name} must not contain NaN or infinite values; got {checks.describe(w)} with "
                         f"{int(w.size - np.isfinite(w).sum())} of them.")
    return w


def _map_and_kernel(x, w):
    return _feature_map(x), _kernel(w)


def conv2d(x, w, b: float = 0.0, *, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Cross-correlate one 2-D map with one kernel: ``out[i, j] = sum_mn w[m, n] x[s*i + m, s*j + n] + b``.

    ``padding`` zeros are added on each side first. No activation. Vectorised with a sliding
    window view. Used by lessons 01 and 08 (kernel explorer, pooling explorer; checks).
    """
    x, w = _map_and_kernel(x, w)
    b = checks.number("b", b)
    stride, padding = _whole("stride", stride, 1), _whole("padding", padding, 0)
    oh = output_size(x.shape[0], w.shape[0], stride, padding)
    ow = output_size(x.shape[1], w.shape[1], stride, padding)
    xp = np.pad(x, padding)
    windows = np.lib.stride_tricks.sliding_window_view(xp, w.shape)[::stride, ::stride]
    return np.einsum("ijmn,mn->ij", windows[:oh, :ow], w) + b


def input_window(i: int, k: int, s: int, p: int, row: int, col: int):
    """Which input cells feed output cell (row, col): ``(top, bottom, left, right)``, inclusive.

    Coordinates are in the padded input (0 .. i + 2p - 1); subtract ``p`` for the original input.

    """
    o = output_size(i, k, s, p)
    row, col = _whole("row", row, 0), _whole("col", col, 0)
    if row >= o or col >= o:
        raise ValueError(f"output cell ({row}, {col}) is outside the {o}x{o} output (rows and columns 0-{o - 1}).")
    return row * s, row * s + k - 1, col * s, col * s + k - 1


def pool2d(x, size: int = 2, stride: int | None = None, kind: str = "max") -> np.ndarray:
    """Max or average pooling of one 2-D map with a ``size`` x ``size`` window ('valid', no padding).

    ``stride`` defaults to ``size``. Used by lesson 01's pooling explorer.
    """
    x = _feature_map(x)
    size = _whole("pool size", size, 1)
    stride = size if stride is None else _whole("stride", stride, 1)
    if not isinstance(kind, str) or kind not in ("max", "average"):
        raise ValueError(f"kind must be 'max' or 'average'; got {checks.describe(kind)}.")
    oh, ow = output_size(x.shape[0], size, stride), output_size(x.shape[1], size, stride)
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size))[::stride, ::stride][:oh, :ow]
    return windows.max(axis=(2, 3)) if kind == "max" else windows.mean(axis=(2, 3))


def conv_matrix(w, input_shape, stride: int = 1) -> np.ndarray:
    """The matrix C with ``C @ x.ravel() == conv2d(x, w, stride=stride).ravel()`` ('valid' padding).

    Row ``r`` of C holds the kernel's weights at the input positions that output cell ``r``
    reads, and zeros elsewhere. For a 3x3 kernel on a 4x4 input, C is 4x16. Lesson 07 uses
    ``C.T`` to explain transposed convolution. Used by lessons 01 and 08.
    """
    w = _kernel(w)
    if isinstance(input_shape, (str, bytes)) or np.ndim(input_shape) != 1 or len(input_shape) != 2:
        raise ValueError(f"input_shape must be (H, W), two whole numbers; got {checks.describe(input_shape)}.")
    h = _whole("input_shape[0] (the input height)", input_shape[0], 1)
    wd = _whole("input_shape[1] (the input width)", input_shape[1], 1)
    stride = _whole("stride", stride, 1)
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
    top, bottom, left, right = input_window(i, k, s, p, row, col)
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


# --- lesson 08: transposed convolution and checkerboard artifacts -----------------------------------
def transposed_output_size(i: int, k: int, s: int = 1, p: int = 0, output_padding: int | None = 0) -> int:
    """Output length of a transposed convolution: ``o' = s (i' - 1) + k - 2p + a``.

    ``i`` input size, ``k`` kernel size, ``s`` stride, ``p`` the padding of the convolution it
    reverses, ``a = output_padding`` extra cells at the end (``0 <= a < s``: it picks one of the
    ``s`` input sizes that a stride-``s`` convolution maps to the same output size).

    ``output_padding=None`` means what Keras' ``Conv2DTranspose`` does by default with
    ``padding="valid"`` (``p = 0``): ``o' = s (i' - 1) + max(k, s)``, which is *not* ``a = 0`` when
    ``k < s``. Raises ``ValueError`` naming the argument for sizes below 1, ``a >= s``, or a padding
    that crops the whole output. Used by lesson 08.
    """
    i, k = _whole("input size i", i, 1), _whole("kernel size k", k, 1)
    s, p = _whole("stride s", s, 1), _whole("padding p", p, 0)
    if output_padding is None:   # Keras' default: valid padding, no output_padding given
        if p != 0:
            raise ValueError(f"output_padding=None is Keras' default for padding='valid', that is p=0; got p={p}.")
        return s * (i - 1) + max(k, s)
    a = _whole("output_padding a", output_padding, 0)
    if a >= s:
        raise ValueError(f"output_padding a={a} must be smaller than the stride s={s} (0 <= a < s).")
    o = s * (i - 1) + k - 2 * p + a
    if o < 1:
        raise ValueError(f"padding p={p} crops more than the whole output s(i-1) + k = {s * (i - 1) + k}: "
                         f"use a smaller p (at most {(s * (i - 1) + k + a - 1) // 2}).")
    return o


def conv_transpose2d(x, w, *, stride: int = 1, padding: int = 0, output_padding: int = 0) -> np.ndarray:
    """Transposed convolution of one 2-D map: every input cell adds ``x[i, j] * w`` into the output
    at ``(s*i, s*j)`` (a scatter), then ``padding`` cells are cropped from each side.

    The output has ``transposed_output_size(i, k, s, p, a)`` rows and columns and equals what
    ``tf.nn.conv2d_transpose`` computes. With ``padding=0`` it is ``C.T @ x.ravel()`` for the
    conv matrix ``C`` of ``conv_matrix``, whenever that convolution's windows cover its whole input
    (otherwise the rows and columns its windows never reach are extra zeros here).
    Used by lesson 08.
    """
    x, w = _map_and_kernel(x, w)
    stride, padding = _whole("stride", stride, 1), _whole("padding", padding, 0)
    a = _whole("output_padding", output_padding, 0)
    oh = transposed_output_size(x.shape[0], w.shape[0], stride, padding, a)
    ow = transposed_output_size(x.shape[1], w.shape[1], stride, padding, a)
    kh, kw = w.shape
    full = np.zeros((max(stride * (x.shape[0] - 1) + kh, padding + oh), max(stride * (x.shape[1] - 1) + kw, padding + ow)))
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            full[i * stride:i * stride + kh, j * stride:j * stride + kw] += x[i, j] * w
    return full[padding:padding + oh, padding:padding + ow]


def overlap_counts(n: int, k: int, s: int) -> np.ndarray:
    """How many input cells write into each output cell of a 1-D transposed convolution
    (``n`` inputs, kernel ``k``, stride ``s``, no padding): an array of length ``s (n - 1) + k``.

    Away from the ends the counts are all equal exactly when ``k`` is a multiple of ``s``;
    otherwise they alternate, which is where checkerboard artifacts come from. The 2-D counts are
    ``np.outer(rows, columns)``. Used by lesson 08.
    """
    n, k, s = _whole("input size n", n, 1), _whole("kernel size k", k, 1), _whole("stride s", s, 1)
    counts = np.zeros(s * (n - 1) + k, dtype=int)
    for i in range(n):
        counts[i * s:i * s + k] += 1
    return counts


UPSAMPLING_METHODS = ("transposed convolution", "resize, then convolve")


def upsampling_pattern(k: int, s: int, layers: int = 1, method: str = "transposed convolution", n: int = 6) -> np.ndarray:
    """What ``layers`` upsampling layers with all-ones ``k`` x ``k`` kernels and stride (or resize
    factor) ``s`` make of a constant ``n`` x ``n`` input: the overlap pattern, scaled to a maximum of 1.

    ``"transposed convolution"`` scatters with stride ``s`` and keeps the centre ``s``-times-larger
    part (as ``padding="same"``); ``"resize, then convolve"`` repeats every cell ``s`` x ``s`` times
    (nearest neighbour) and convolves with stride 1 and 'same' zero padding. Each layer multiplies
    the size by ``s``. The compute behind lesson 08's checkerboard widget. Used by lesson 08.
    """
    k, s = _whole("kernel size k", k, 1), _whole("stride s", s, 1)
    layers, n = _whole("number of layers", layers, 1), _whole("input size n", n, 1)
    if not isinstance(method, str) or method not in UPSAMPLING_METHODS:
        raise ValueError(f"method must be one of {UPSAMPLING_METHODS}; got {checks.describe(method)}.")
    if n * s ** layers > 512:
        raise ValueError(f"the output would be {n * s ** layers} cells wide (n * s**layers); keep it at most 512.")
    x, w = np.ones((n, n)), np.ones((k, k))
    for _ in range(layers):
        size = x.shape[0] * s
        if method == "transposed convolution":
            full = conv_transpose2d(x, w, stride=s)
            start = max(0, (k - s) // 2)
            full = np.pad(full, ((0, max(0, start + size - full.shape[0])),) * 2)
            x = full[start:start + size, start:start + size]
        else:
            up = np.repeat(np.repeat(x, s, axis=0), s, axis=1)
            x = conv2d(np.pad(up, ((k - 1) // 2, k // 2)), w)
        x = x / x.max()
    return x
