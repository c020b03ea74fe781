"""Lesson 08's module: the transposed convolution, its output size, overlap counts and the compute
behind the checkerboard widget. Lesson 08 writes each idea out first and checks it against
TensorFlow; it builds on lesson 01's ``utils.conv`` (``conv2d``, ``conv_matrix``).

All functions take one 2-D feature map, as ``utils.conv`` does.
"""
from __future__ import annotations

import numpy as np

from . import checks
from .conv import _map_and_kernel, conv2d


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
    i, k = checks.whole("input size i", i, 1), checks.whole("kernel size k", k, 1)
    s, p = checks.whole("stride s", s, 1), checks.whole("padding p", p, 0)
    if output_padding is None:   # Keras' default: valid padding, no output_padding given
        if p != 0:
            raise ValueError(f"output_padding=None is Keras' default for padding='valid', that is p=0; got p={p}.")
        return s * (i - 1) + max(k, s)
    a = checks.whole("output_padding a", output_padding, 0)
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
    stride, padding = checks.whole("stride", stride, 1), checks.whole("padding", padding, 0)
    a = checks.whole("output_padding", output_padding, 0)
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
    n, k, s = checks.whole("input size n", n, 1), checks.whole("kernel size k", k, 1), checks.whole("stride s", s, 1)
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
    k, s = checks.whole("kernel size k", k, 1), checks.whole("stride s", s, 1)
    layers, n = checks.whole("number of layers", layers, 1), checks.whole("input size n", n, 1)
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
