"""The compute behind lesson 00's digit browser widget (the notebook wires it to ipywidgets).

Used by lesson 00.
"""
from __future__ import annotations

import numpy as np

from . import checks


def digits_of_class(images, labels, digit: int, *, page: int = 0, per_page: int = 20):
    """Page ``page`` of the images whose label is ``digit``: returns ``(images, indices, total)``.

    ``indices`` are positions in the original arrays; ``total`` is how many images of that digit
    there are in all. An empty page past the end is an error, so a widget can never show nothing.
    Used by lesson 00.
    """
    images = np.asarray(images)
    labels = checks.array("labels", labels, ndim=1, min_size=0, dtype=None, expected="digit labels (N,)")
    if images.ndim < 3 or len(images) != len(labels):
        raise ValueError(
            "images must be (N, H, W) and labels (N,), one label per image; "
            f"got {images.shape} and {labels.shape}."
        )
    digit, page, per_page = checks.whole("digit", digit, 0, 9), checks.whole("page", page, 0), checks.whole("per_page", per_page, 1)
    indices = np.flatnonzero(labels == digit)
    total = len(indices)
    if total == 0:
        raise ValueError(f"there are no images labelled {digit} in these labels.")
    pages = -(-total // per_page)
    if page >= pages:
        raise ValueError(f"page must be 0-{pages - 1} for digit {digit} ({total} images, {per_page} a page); got {page}.")
    chosen = indices[page * per_page:(page + 1) * per_page]
    return images[chosen], chosen, total


def class_counts(labels) -> np.ndarray:
    """How many labels there are of each digit 0-9, as an array of 10 counts. Used by lesson 00."""
    labels = checks.array("labels", labels, ndim=1, min_size=0, dtype=None, expected="a 1-D array of digits 0-9")
    if labels.size and (labels.min() < 0 or labels.max() > 9 or not np.all(np.mod(labels, 1) == 0)):
        raise ValueError(f"labels must be a 1-D array of digits 0-9; got values from {labels.min()} to {labels.max()}"
                         f"{'' if np.all(np.mod(labels, 1) == 0) else ', not all whole'}.")
    return np.bincount(labels.astype("int64"), minlength=10)
