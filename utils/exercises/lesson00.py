"""Lesson 00 checkers."""
from __future__ import annotations

import numpy as np

from . import _not_yet, _unanswered, _verdict, _whole_number_verdict

__all__ = ["ex00_count_digit", "ex00_pick", "ex00_scale"]


def ex00_count_digit(answer, labels, digit: int = 7) -> bool:
    """Lesson 00, exercise 1: how many training images show ``digit``?"""
    truth = int(np.sum(np.asarray(labels) == digit))
    return _whole_number_verdict(answer, truth, f"{truth} images of a {digit}.",
                                 f"{answer} is not it. Compare the labels with {digit} and count the matches (np.sum).")


def ex00_pick(answer) -> bool:
    """Lesson 00, exercise 2: what does ``pick(quick=1, default=8, full=50)`` give in full mode?"""
    if _unanswered(answer):
        return _not_yet()
    return _verdict(answer == 50, "pick returns the value named after the current mode.",
                    "look at which keyword argument belongs to the 'full' mode.")


def ex00_scale(fn) -> bool:
    """Lesson 00, exercise 3: ``fn(uint8 images (N, 28, 28))`` -> float32 (N, 28, 28, 1) in [-1, 1]."""
    if _unanswered(fn):
        return _not_yet()
    if not callable(fn):
        return _verdict(False, "", "pass your function itself (its name, without parentheses).")
    probe = np.array([[[0, 255], [128, 64]]], dtype=np.uint8)
    try:
        out = np.asarray(fn(probe))
    except Exception as error:  # the student's code raised: say what happened
        return _verdict(False, "", f"your function raised {type(error).__name__}: {error}.")
    if out.ndim == 0 and out.item() is None:  # the stub still returns nothing
        return _not_yet()
    if out.shape != (1, 2, 2, 1):
        return _verdict(False, "", f"the output shape should be (N, H, W, 1); got {out.shape}. Add a channel axis.")
    if out.dtype != np.float32:
        return _verdict(False, "", f"the output should be float32; got {out.dtype}.")
    expected = probe[..., None].astype("float32") / 127.5 - 1.0
    return _verdict(np.allclose(out, expected, atol=1e-6), "0 maps to -1 and 255 to +1.",
                    "pixel 0 should become -1 and pixel 255 should become +1 (divide by 127.5, subtract 1).")
