"""Lesson 02 checkers (CNN classification)."""
from __future__ import annotations

import numpy as np

from . import _not_yet, _output_of, _unanswered, _verdict

__all__ = ["ex02_conv_params", "ex02_hardest_digit", "ex02_max_pool", "ex02_output_shape"]


def ex02_conv_params(answer, *, size: int = 5, in_channels: int = 32, filters: int = 48) -> bool:
    """Lesson 02, exercise 1: how many parameters has ``Conv2D(filters, size)`` on ``in_channels``
    channels? The defaults are the exercise's: ``conv2`` with 48 filters of 5x5 on conv1's 32 channels."""
    if _unanswered(answer):
        return _not_yet()
    if isinstance(answer, (bool, np.bool_)):
        return _verdict(False, "", "give a count (a whole number), not True or False.")
    truth = (size * size * in_channels + 1) * filters
    try:
        value = float(answer)  # float, not int: a truncated 38447.9 must not pass
    except (TypeError, ValueError):
        return _verdict(False, "", f"give a whole number, not {answer!r}.")
    ok = value == truth
    weights = size * size * in_channels  # one filter's kernel
    wrong = {
        weights * filters: "close: you counted the weights; each filter also has a bias.",
        weights * filters + 1: "close: there is one bias for each filter, not one for the whole layer.",
        (size * size + 1) * in_channels * filters: "one bias for each filter, not one for each input channel.",
        (size * size + 1) * filters: f"each kernel spans all {in_channels} input channels: it has "
                                     f"{size}×{size}×{in_channels} weights.",
        (size * size * filters + 1) * filters: f"the kernels span the {in_channels} channels that come *in*, "
                                               f"not the layer's own {filters} filters.",
    }
    if size != 3:
        wrong.setdefault((3 * 3 * in_channels + 1) * filters, f"the kernels are {size}×{size} here, not 3×3.")
    hint = wrong.get(value) if not ok else None
    if hint is None and not ok and value > 0 and value % (weights + 1) == 0:
        hint = f"each filter has {weights + 1:,} parameters, but there are {filters} filters, not {value / (weights + 1):g}."
    return _verdict(ok, f"({size}·{size}·{in_channels} + 1)·{filters} = {truth:,} (weights and one bias a filter).",
                    hint or f"{answer} is not it. Each of the {filters} filters has {size}×{size}×{in_channels} "
                            "weights and a bias.")


def ex02_output_shape(answer) -> bool:
    """Lesson 02, exercise 2: the shape after Conv2D(16, 5) (valid padding, stride 1) and
    MaxPooling2D(2) on a 28x28x1 image."""
    if _unanswered(answer):
        return _not_yet()
    try:
        if isinstance(answer, (str, bytes)) or any(isinstance(v, (bool, np.bool_)) for v in answer):
            raise TypeError
        shape = tuple(float(v) for v in answer)  # float, not int: 12.9 must not pass as 12
    except (TypeError, ValueError):
        return _verdict(False, "", f"give a tuple (height, width, channels), not {answer!r}.")
    if shape == (24, 24, 16):
        return _verdict(False, "", "that is the shape after the convolution; the pooling halves height and width.")
    if shape == (14, 14, 16):
        return _verdict(False, "", "'valid' padding shrinks the image first: 28 - 5 + 1 = 24.")
    if shape == (16, 12, 12):
        return _verdict(False, "", "Keras puts the channels last: (height, width, channels).")
    if shape == (12, 12, 1):
        return _verdict(False, "", "each of the 16 filters makes one output channel.")
    return _verdict(shape == (12, 12, 16), "28 − 5 + 1 = 24 after the convolution, 24 / 2 = 12 after pooling, 16 channels.",
                    f"{shape} is not it. Use out = in − kernel + 1 for the convolution, then halve.")


def ex02_hardest_digit(answer, matrix) -> bool:
    """Lesson 02, exercise 4: which true digit does the model get right least often (lowest
    recall, the diagonal count over the row sum of the confusion matrix)?"""
    if _unanswered(answer):
        return _not_yet()
    matrix = np.asarray(matrix, dtype="float64")
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"matrix must be a square confusion matrix; got shape {matrix.shape}.")
    recall = np.diag(matrix) / np.maximum(matrix.sum(axis=1), 1)
    hardest = np.flatnonzero(np.isclose(recall, recall.min()))
    try:
        value = float(answer)  # float, not int: 1.5 must not pass as 1
    except (TypeError, ValueError):
        value = None
    if value is None or isinstance(answer, (bool, np.bool_)) or value not in range(10):
        return _verdict(False, "", f"give one digit 0-9, not {answer!r}.")
    answer = int(value)
    if answer not in hardest.tolist():
        off = matrix * (1 - np.eye(len(matrix)))
        if answer == int(np.argmin(np.diag(matrix))):
            return _verdict(False, "", f"digit {answer} has the fewest correct answers, but the classes have different "
                                       "sizes: divide each diagonal count by its row sum.")
        if answer == int(np.argmax(off.sum(axis=0))):
            return _verdict(False, "", f"digit {answer} is the most frequent wrong *prediction* (a column); the exercise "
                                       "asks for the true digit (a row) with the smallest share right.")
    return _verdict(answer in hardest.tolist(),
                    f"digit {answer}: {recall[answer]:.1%} of its test images are classified correctly.",
                    "divide each diagonal count by its row sum (the true digit's images) and find the smallest.")


def ex02_max_pool(fn) -> bool:
    """Lesson 02, exercise 3: ``fn(x)`` -> 2x2 max pooling with stride 2 of a batch of feature maps
    ``x`` (N, H, W, C), as ``keras.layers.MaxPooling2D(2)``: an odd last row or column is dropped."""
    import keras

    rng = np.random.default_rng(7)
    for shape in [(2, 6, 8, 3), (1, 7, 9, 2)]:
        x = rng.normal(size=shape).astype("float32")
        out, verdict = _output_of(fn, x.copy(), where=f" (x of shape {shape})")
        if verdict is not None:
            return verdict
        expected = np.asarray(keras.layers.MaxPooling2D(2)(x))
        n, h, w, c = shape
        if out.shape != expected.shape:
            if out.shape == (n, h - 1, w - 1, c):
                hint = "the windows overlap: with stride 1 the map barely shrinks. Move the window 2 cells at a time."
            elif out.shape[:3] == expected.shape[:3]:
                hint = "pool each channel on its own: the channels must stay."
            elif out.shape == (n, (h + 1) // 2, (w + 1) // 2, c):
                hint = "an odd last row or column is dropped ('valid'), not padded."
            else:
                hint = "for (N, H, W, C) the output is (N, H // 2, W // 2, C)."
            return _verdict(False, "", f"for x of shape {shape} the output should be {expected.shape}; got {out.shape}: {hint}")
        crop = x[:, :h // 2 * 2, :w // 2 * 2]
        average = crop.reshape(n, h // 2, 2, w // 2, 2, c).mean(axis=(2, 4))
        if np.allclose(out, average, atol=1e-5):
            return _verdict(False, "", "that is average pooling; max pooling keeps the largest value of each window.")
        if np.allclose(out, crop[:, ::2, ::2], atol=1e-6):
            return _verdict(False, "", "that keeps the top-left value of each window (plain subsampling), not its maximum.")
        if not np.allclose(out, expected, atol=1e-6):
            return _verdict(False, "", f"the values differ (x of shape {shape}). Each output cell (i, j) is the maximum of "
                                       "x[:, 2i:2i+2, 2j:2j+2, :] over the two spatial axes. If you reshape, split H into "
                                       "(H // 2, 2) and W into (W // 2, 2), in that order.")
    return _verdict(True, "your max pooling matches MaxPooling2D(2), odd sizes included.", "")
