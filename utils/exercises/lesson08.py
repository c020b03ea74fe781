"""Lesson 08 checkers: the output size of a transposed convolution, how uneven the overlaps of a
kernel that is not a multiple of the stride are, and a 1-D transposed convolution written by hand."""
from __future__ import annotations

import numpy as np

from . import _not_yet, _output_of, _unanswered, _verdict, _whole_number_verdict
from .. import conv, transposed

__all__ = ["ex08_output_size", "ex08_overlap_ratio", "ex08_conv_transpose1d"]


def ex08_output_size(answer, i: int = 7, k: int = 4, s: int = 2, p: int = 1) -> bool:
    """Lesson 08, exercise 1: the output size of a transposed convolution with these settings."""
    truth = transposed.transposed_output_size(i, k, s, p)
    hint = f"use o' = s(i' - 1) + k - 2p with i'={i}, k={k}, s={s}, p={p}."
    if not _unanswered(answer):
        try:
            if float(answer) == conv.output_size(i, k, s, p):
                hint = "that is the size a *convolution* with these settings gives; the transposed one goes the other way."
        except (TypeError, ValueError):
            pass
    return _whole_number_verdict(answer, truth, f"{s}·({i} - 1) + {k} - 2·{p} = {truth}.", hint)


def ex08_overlap_ratio(answer, k: int = 7, s: int = 3) -> bool:
    """Lesson 08, exercise 2: for a transposed convolution with kernel size ``k`` and stride ``s``,
    the largest number of kernel copies an output cell gets (away from the edges) over the smallest."""
    if _unanswered(answer):
        return _not_yet()
    middle = transposed.overlap_counts(4 * k, k, s)[k:-k]
    truth = float(middle.max() / middle.min())
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return _verdict(False, "", f"give one number (a ratio, e.g. 1.25); got {answer!r}.")
    hint = f"count with overlap_counts(4 * {k}, {k}, {s})[{k}:-{k}], then divide the largest count by the smallest."
    if value == 1:
        hint = f"{k} is not a multiple of {s}, so the counts are not all equal. " + hint
    elif abs(value - middle.min() / middle.max()) < 1e-9:
        hint = "that is the smallest over the largest; turn it round."
    elif value == middle.max():
        hint = f"{value:g} is the largest count itself; divide it by the smallest. " + hint
    elif abs(value - truth) < 0.05:
        hint = "close, but give it exactly (the counts are whole numbers). " + hint
    return _verdict(abs(value - truth) < 1e-9,
                    f"{truth:g}: the counts repeat {middle[:s].tolist()}: uneven, so a checkerboard can appear.", hint)


def ex08_conv_transpose1d(fn) -> bool:
    """Lesson 08, exercise 3: ``fn(x, w, stride)`` is a 1-D transposed convolution (no padding):
    every input x[i] adds x[i] * w into the output, starting at position stride * i."""
    rng = np.random.default_rng(7)
    for n, k, stride in [(4, 3, 1), (5, 3, 2), (3, 4, 2), (4, 2, 3)]:
        x, w = rng.normal(size=n), rng.normal(size=k)
        out, verdict = _output_of(fn, x, w, stride, where=f" (n={n}, k={k}, stride={stride})")
        if verdict is not None:
            return verdict
        out = np.ravel(out.astype("float64"))
        expected = transposed.conv_transpose2d(x[None], w[None], stride=stride)[0]
        if out.shape != expected.shape:
            return _verdict(False, "", f"for {n} inputs, kernel {k} and stride {stride} the output has s(n - 1) + k = "
                                       f"{len(expected)} cells; got {out.shape}.")
        if not np.allclose(out, expected, atol=1e-6):
            hint = "add x[i] * w into out[stride*i : stride*i + k] for every i (add, do not overwrite)."
            if np.allclose(out, transposed.conv_transpose2d(x[None], w[None, ::-1], stride=stride)[0], atol=1e-6):
                hint = "the kernel is not flipped in the scatter form: use w as it is."
            return _verdict(False, "", f"the values differ (n={n}, k={k}, stride={stride}). " + hint)
    return _verdict(True, "your transposed convolution matches on four test cases.", "")
