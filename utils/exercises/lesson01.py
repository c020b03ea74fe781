"""Lesson 01 checkers: output size, a strided conv2d, and the conv matrix of a 2x2 kernel."""
from __future__ import annotations

import numpy as np

from . import _not_yet, _output_of, _unanswered, _verdict, _whole_number_verdict
from .. import conv

__all__ = ["ex01_output_size", "ex01_conv2d_stride", "ex01_conv_matrix"]


def ex01_output_size(answer, i: int = 28, k: int = 5, s: int = 2, p: int = 1) -> bool:
    """Lesson 01, exercise 1: the output size of a convolution with these settings."""
    truth = conv.output_size(i, k, s, p)
    hint = f"use o = floor((i + 2p - k) / s) + 1 with i={i}, k={k}, s={s}, p={p}; don't forget the floor and the +1."
    if isinstance(answer, (bool, np.bool_)):
        return _verdict(False, "", "give the output size (a whole number), not True or False.")
    if not _unanswered(answer) and np.ndim(answer) == 0:
        try:
            value = float(answer)
        except (TypeError, ValueError):
            value = None
        if value is not None and value != truth:
            if np.isclose(value, (i + 2 * p - k) / s + 1):
                return _verdict(False, "", f"{answer} has a fraction: the kernel only stops at whole positions, "
                                           "so take the floor of (i + 2p - k) / s before adding 1.")
            if value == (i + 2 * p - k) // s:
                return _verdict(False, "", "one short: the kernel's first position counts too (the +1).")
    return _whole_number_verdict(answer, truth, f"floor(({i} + 2*{p} - {k}) / {s}) + 1 = {truth}.", hint)


def ex01_conv2d_stride(fn) -> bool:
    """Lesson 01, exercise 2: ``fn(x, w, stride)`` is a 'valid' cross-correlation of a 2-D map."""
    rng = np.random.default_rng(1)
    for shape, k, stride in [((6, 6), 3, 1), ((7, 9), 3, 2), ((8, 8), 2, 3), ((9, 7), 2, 2)]:
        x, w = rng.normal(size=shape), rng.normal(size=(k, k))
        out, verdict = _output_of(fn, x.copy(), w.copy(), stride, where=f" (x {shape}, k={k}, stride={stride})")
        if verdict is not None:
            return verdict
        out = out.astype("float64")
        expected = conv.conv2d(x, w, stride=stride)
        if out.shape != expected.shape:
            if out.shape == expected.shape[::-1]:
                return _verdict(False, "", f"rows and columns are swapped (x {shape}): output row i comes from input rows "
                                           "i*stride ... i*stride + k - 1.")
            return _verdict(False, "", f"for x {shape}, a {k}x{k} kernel and stride {stride} the output should be "
                                       f"{expected.shape}; got {out.shape}. Step the window by the stride.")
        if np.allclose(out, conv.conv2d(x, w[::-1, ::-1], stride=stride), atol=1e-6) and not np.allclose(out, expected):
            return _verdict(False, "", "you flipped the kernel: that is mathematical convolution; the layers compute "
                                       "cross-correlation (no flip).")
        if not np.allclose(out, expected, atol=1e-6):
            return _verdict(False, "", f"the values differ (x {shape}, stride {stride}). Output cell (i, j) reads the "
                                       "window starting at row i*stride, column j*stride; no kernel flip.")
    return _verdict(True, "your strided convolution matches on four test cases.", "")


def ex01_conv_matrix(answer, w) -> bool:
    """Lesson 01, exercise 3: the matrix C of a 2x2 kernel ``w`` on a 3x3 input (4x9)."""
    if _unanswered(answer):
        return _not_yet()
    try:
        answer = np.asarray(answer, dtype="float64")
    except (TypeError, ValueError):
        return _verdict(False, "", "give C as a NumPy array of numbers (np.array([[...], ...])).")
    w = np.asarray(w, dtype="float64")
    truth = conv.conv_matrix(w, (3, 3))
    if answer.shape != truth.shape:
        hint = " That is C transposed." if answer.shape == truth.shape[::-1] else ""
        return _verdict(False, "", f"C should be {truth.shape}: one row per output cell (2x2 = 4), one column per "
                                   f"input cell (3x3 = 9); got {answer.shape}.{hint}")
    if np.allclose(answer, conv.conv_matrix(w[::-1, ::-1], (3, 3))) and not np.allclose(answer, truth):
        return _verdict(False, "", "that is the matrix of the flipped kernel; the layer does not flip (cross-correlation).")
    return _verdict(np.allclose(answer, truth), "C @ x.ravel() is the convolution.",
                    "row r = 2*i + j holds w[m, n] at column (i + m)*3 + (j + n), zeros elsewhere "
                    "(the input is flattened row by row).")
