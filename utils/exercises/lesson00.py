"""Lesson 00 checkers."""
from __future__ import annotations

import numpy as np

from . import _not_yet, _unanswered, _verdict, _whole_number_verdict

__all__ = ["ex00_count_digit", "ex00_pick", "ex00_scale"]


def _is_bool(answer) -> bool:
    return isinstance(answer, (bool, np.bool_))


def ex00_count_digit(answer, labels, digit: int = 7) -> bool:
    """Lesson 00, exercise 1: how many training images show ``digit``?"""
    labels = np.asarray(labels)
    truth = int(np.sum(labels == digit))
    if _is_bool(answer):
        return _verdict(False, "", "give a count (a whole number), not True or False.")
    if not _unanswered(answer) and np.ndim(answer) == 0:
        try:
            share = float(answer)
        except (TypeError, ValueError):
            share = None
        if share is not None and share != truth and len(labels) and np.isclose(share, truth / len(labels)):
            return _verdict(False, "", "that is the share of the digit (np.mean); the exercise asks for the count (np.sum).")
    return _whole_number_verdict(answer, truth, f"{truth} images of a {digit}.",
                                 f"{answer} is not it. Compare the labels with {digit} and count the matches (np.sum).")


def ex00_pick(answer) -> bool:
    """Lesson 00, exercise 2: what does ``pick(quick=1, default=8, full=50)`` give in full mode?"""
    if _unanswered(answer):
        return _not_yet()
    if _is_bool(answer) or np.ndim(answer) != 0:
        return _verdict(False, "", f"give the one value that pick returns, not {answer!r}.")
    hints = {1: "1 is the value for the 'quick' mode.", 8: "8 is the value for the 'default' mode."}
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return _verdict(False, "", f"give the value pick returns (a number), not {answer!r}.")
    if value in hints:
        return _verdict(False, "", hints[value] + " Which keyword argument belongs to 'full'?")
    return _verdict(value == 50, "pick returns the value named after the current mode.",
                    "look at which keyword argument belongs to the 'full' mode.")


def ex00_scale(fn) -> bool:
    """Lesson 00, exercise 3: ``fn(uint8 images (N, 28, 28))`` -> float32 (N, 28, 28, 1) in [-1, 1]."""
    if _unanswered(fn):
        return _not_yet()
    if not callable(fn):
        return _verdict(False, "", "pass your function itself (its name, without parentheses).")
    # Two images of 2x3 pixels (not square, so a transposed image shows), with 0, 255 and values between.
    probe = np.array([[[0, 255, 128], [64, 1, 254]], [[200, 0, 255], [3, 127, 128]]], dtype=np.uint8)
    try:
        out = np.asarray(fn(probe.copy()))
    except Exception as error:  # the student's code raised: say what happened
        return _verdict(False, "", f"your function raised {type(error).__name__}: {error}.")
    if out.ndim == 0 and out.item() is None:  # the stub still returns nothing
        return _not_yet()
    if out.shape == (2, 1, 2, 3):
        return _verdict(False, "", "the channel axis goes last, (N, H, W, 1), as Keras expects; you put it first.")
    if out.shape != (2, 2, 3, 1):
        return _verdict(False, "", f"the output shape should be (N, H, W, 1); got {out.shape} for input {probe.shape}. "
                                   "Add a channel axis at the end and keep H and W in order.")
    if out.dtype != np.float32:
        return _verdict(False, "", f"the output should be float32; got {out.dtype}.")
    expected = probe[..., None].astype("float32") / 127.5 - 1.0
    if np.allclose(out, -expected, atol=1e-6):
        return _verdict(False, "", "the sign is swapped: pixel 0 (black) must become -1 and 255 (white) +1.")
    return _verdict(np.allclose(out, expected, atol=1e-6), "0 maps to -1 and 255 to +1.",
                    "pixel 0 should become -1 and pixel 255 should become +1 (divide by 127.5, subtract 1). "
                    "Convert to float before multiplying: uint8 arithmetic wraps around above 255.")
