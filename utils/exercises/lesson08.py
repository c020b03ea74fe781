"""Lesson 08 checkers: the output size of a transposed convolution, the kernel sizes that avoid
checkerboard artifacts, and a 1-D transposed convolution written by hand."""
from __future__ import annotations

import numpy as np

from . import _not_yet, _output_of, _unanswered, _verdict, _whole_number_verdict
from .. import conv

__all__ = ["ex08_output_size", "ex08_even_kernels", "ex08_conv_transpose1d"]


def ex08_output_size(answer, i: int = 7, k: int = 4, s: int = 2, p: int = 1) -> bool:
    """Lesson 08, exercise 1: the output size of a transposed convolution with these settings."""
    truth = conv.transposed_output_size(i, k, s, p)
    hint = f"use o' = s(i' - 1) + k - 2p with i'={i}, k={k}, s={s}, p={p}."
    if not _unanswered(answer):
        try:
            if float(answer) == conv.output_size(i, k, s, p):
                hint = "that is the size a *convolution* with these settings gives; the transposed one goes the other way."
        except (TypeError, ValueError):
            pass
    return _whole_number_verdict(answer, truth, f"{s}·({i} - 1) + {k} - 2·{p} = {truth}.", hint)


def ex08_even_kernels(answer, s: int = 2, sizes=(2, 3, 4, 5, 6)) -> bool:
    """Lesson 08, exercise 2: which kernel sizes (of ``sizes``) give every output cell of a
    stride-``s`` transposed convolution the same number of contributions (away from the edges)?"""
    if _unanswered(answer):
        return _not_yet()
    try:
        chosen = {int(a) for a in np.atleast_1d(np.asarray(list(answer) if isinstance(answer, (set, tuple, list)) else answer))}
    except (TypeError, ValueError):
        return _verdict(False, "", f"give a list of kernel sizes, e.g. [2, 3]; got {answer!r}.")
    truth = {k for k in sizes if k % s == 0}
    if not chosen <= set(sizes):
        return _verdict(False, "", f"choose among the kernel sizes {list(sizes)}.")
    missing, extra = sorted(truth - chosen), sorted(chosen - truth)
    hint = "count with utils.conv.overlap_counts(8, k, 2): the middle counts must all be equal."
    if extra:
        hint = f"k = {extra[0]}: the middle counts alternate {conv.overlap_counts(8, extra[0], s)[4:8].tolist()}. " + hint
    elif missing:
        hint = f"you missed k = {missing[0]}. " + hint
    return _verdict(chosen == truth, f"{sorted(truth)}: the kernel size is a multiple of the stride.", hint)


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
        expected = conv.conv_transpose2d(x[None], w[None], stride=stride)[0]
        if out.shape != expected.shape:
            return _verdict(False, "", f"for {n} inputs, kernel {k} and stride {stride} the output has s(n - 1) + k = "
                                       f"{len(expected)} cells; got {out.shape}.")
        if not np.allclose(out, expected, atol=1e-6):
            hint = "add x[i] * w into out[stride*i : stride*i + k] for every i (add, do not overwrite)."
            if np.allclose(out, conv.conv_transpose2d(x[None], w[None, ::-1], stride=stride)[0], atol=1e-6):
                hint = "the kernel is not flipped in the scatter form: use w as it is."
            return _verdict(False, "", f"the values differ (n={n}, k={k}, stride={stride}). " + hint)
    return _verdict(True, "your transposed convolution matches on four test cases.", "")
