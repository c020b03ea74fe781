"""Lesson 07's own plumbing: "write a number" (a string of digits as labels for a conditional
generator, and the generated digits pasted into one row) and the judge's accuracy per digit.
Every function checks its input and says what was wrong."""
from __future__ import annotations

import numpy as np

from . import checks, viz
from .images import check_value_range
from .judge import _input, predict_proba


GAP = -1  # the label text_to_labels gives a gap between digits


def text_to_labels(text, *, max_length: int = 40) -> np.ndarray:
    """The digits of ``text`` as labels for a conditional generator, for the "write a number" widget
    of lesson 07: ``"2026-11 25"`` -> ``[2, 0, 2, 6, -1, 1, 1, -1, 2, 5]``. Spaces, ``-``, ``.``,
    ``/``, ``:`` and ``,`` become a gap (:data:`GAP`, -1); any other character is an error that
    names it. At most ``max_length`` characters (after stripping spaces at both ends). Used by lesson 07."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string of digits, e.g. '2026' or '555-0199'; got {checks.describe(text)}.")
    max_length = checks.whole("max_length", max_length, 1)
    text = text.strip()
    if not text:
        raise ValueError("text is empty: type some digits, e.g. '2026'.")
    if len(text) > max_length:
        raise ValueError(f"text has {len(text)} characters; at most {max_length} fit in a row.")
    labels = []
    for position, char in enumerate(text):
        if char in "0123456789":
            labels.append(int(char))
        elif char in " -./:,":
            labels.append(GAP)
        else:
            raise ValueError(f"text may hold only digits 0-9 and the separators ' -./:,'; "
                             f"got {char!r} at position {position + 1}.")
    return np.array(labels, dtype="int64")


def paste_row(images, labels, *, value_range=(-1, 1)) -> np.ndarray:
    """One image row for :func:`text_to_labels`: ``images`` (N, H, W) or (N, H, W, 1), one for each
    label that is not a gap, in order; a gap is a blank of half a digit's width. Returns floats
    (H, total width) in [0, 1], ink bright on black. Used by lesson 07."""
    value_range = check_value_range(value_range)
    y = np.asarray(labels) if not isinstance(labels, (str, bytes)) else np.asarray([labels])
    if y.ndim != 1 or y.size == 0 or not np.issubdtype(y.dtype, np.integer) or y.min() < GAP or y.max() > 9:
        raise ValueError(f"labels must be a 1-D array of digits 0-9 and gaps ({GAP}), as text_to_labels "
                         f"returns them; got {checks.describe(labels)}.")
    x = checks.array("images", images, min_size=0, dtype=None, expected="images (N, H, W) or (N, H, W, 1)")
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    digits = int(np.sum(y != GAP))
    if x.ndim != 3 or len(x) != digits:
        raise ValueError(f"images must be (N, H, W) with one image for each of the {digits} digits; "
                         f"got shape {np.shape(images)}.")
    shown = viz.to_display(x, value_range) if digits else x
    height, width = (x.shape[1], x.shape[2]) if digits else (28, 28)
    parts, k = [], 0
    for label in y:
        if label == GAP:
            parts.append(np.zeros((height, width // 2)))
        else:
            parts.append(shown[k])
            k += 1
    return np.concatenate(parts, axis=1).astype("float32")


def per_class_accuracy(images, labels, judge=None, value_range=None) -> np.ndarray:
    """For each digit 0-9, the share of the images labelled with it that the judge reads as it
    (10 values; NaN for a digit with no images). Lesson 07 shows it as a table and a bar chart.
    Used by lesson 07."""
    x = _input(images, value_range)
    y = checks.labels(labels, len(x), digits=True)
    right = np.argmax(predict_proba(x, judge), axis=1) == y
    counts = np.bincount(y, minlength=10)
    hits = np.bincount(y, weights=right, minlength=10)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, hits / np.maximum(counts, 1), np.nan)
