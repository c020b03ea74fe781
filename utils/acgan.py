"""Lesson 09's own measure: the diversity of generated digits within each class (does an ACGAN
collapse inside a class while its labels stay right?)."""
from __future__ import annotations

import numpy as np

from . import checks
from .judge import _input, features


def within_class_diversity(images, labels, judge=None, value_range=None) -> np.ndarray:
    """For each digit 0-9, the mean distance between the judge's features of two different images
    with that label: 0 when every image of a digit is the same (collapse within a class), larger
    for more varied ones. NaN for a digit with fewer than 2 images. Compare only sets scored by the
    same judge, e.g. real test digits against samples. Used by lesson 09."""
    x = _input(images, value_range)
    y = checks.labels(labels, len(x), digits=True)
    feats = features(x, judge)
    result = np.full(10, np.nan)
    for digit in range(10):
        f = feats[y == digit]
        if len(f) >= 2:
            squares = (f ** 2).sum(axis=1)
            dist = np.sqrt(np.maximum(squares[:, None] + squares[None] - 2 * f @ f.T, 0))
            result[digit] = dist.sum() / (len(f) * (len(f) - 1))   # the diagonal is 0
    return result
