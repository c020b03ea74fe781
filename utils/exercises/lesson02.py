"""Lesson 02 checkers (CNN classification)."""
from __future__ import annotations

import numpy as np

from . import _not_yet, _unanswered, _verdict

__all__ = ["ex02_batchnorm_inference", "ex02_conv_params", "ex02_hardest_digit", "ex02_output_shape",
           "ex02_weight_gradient"]


def ex02_conv_params(answer, *, size: int = 3, in_channels: int = 32, filters: int = 64) -> bool:
    """Lesson 02, exercise 1: how many parameters has ``Conv2D(filters, size)`` on ``in_channels`` channels?"""
    if _unanswered(answer):
        return _not_yet()
    truth = (size * size * in_channels + 1) * filters
    try:
        ok = float(answer) == truth
    except (TypeError, ValueError):
        return _verdict(False, "", f"give a whole number, not {answer!r}.")
    if not ok and float(answer) == size * size * in_channels * filters:
        return _verdict(False, "", "close: you counted the weights; each filter also has a bias.")
    return _verdict(ok, f"({size}·{size}·{in_channels} + 1)·{filters} = {truth:,} (weights and one bias a filter).",
                    f"{answer} is not it. Each of the {filters} filters has {size}×{size}×{in_channels} weights and a bias.")


def ex02_output_shape(answer) -> bool:
    """Lesson 02, exercise 2: the shape after Conv2D(16, 5) (valid padding, stride 1) and
    MaxPooling2D(2) on a 28x28x1 image."""
    if _unanswered(answer):
        return _not_yet()
    try:
        shape = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        return _verdict(False, "", f"give a tuple (height, width, channels), not {answer!r}.")
    if shape == (24, 24, 16):
        return _verdict(False, "", "that is the shape after the convolution; the pooling halves height and width.")
    if shape == (14, 14, 16):
        return _verdict(False, "", "'valid' padding shrinks the image first: 28 - 5 + 1 = 24.")
    return _verdict(shape == (12, 12, 16), "28 − 5 + 1 = 24 after the convolution, 24 / 2 = 12 after pooling, 16 channels.",
                    f"{shape} is not it. Use out = in − kernel + 1 for the convolution, then halve.")


def ex02_batchnorm_inference(fn) -> bool:
    """Lesson 02, exercise 3: ``fn(x, gamma, beta, moving_mean, moving_variance, epsilon)`` ->
    batch normalization in inference mode, checked against ``keras.layers.BatchNormalization``."""
    if _unanswered(fn):
        return _not_yet()
    if not callable(fn):
        return _verdict(False, "", "pass your function itself (its name, without parentheses).")
    import keras

    rng = np.random.default_rng(2)
    x = rng.normal(2.0, 3.0, size=(4, 5, 5, 3)).astype("float32")
    gamma, beta = rng.uniform(0.5, 2, 3).astype("float32"), rng.normal(size=3).astype("float32")
    mean, var = rng.normal(size=3).astype("float32"), rng.uniform(0.5, 4, 3).astype("float32")
    layer = keras.layers.BatchNormalization(epsilon=1e-3)
    layer.build(x.shape)
    layer.set_weights([gamma, beta, mean, var])
    expected = np.asarray(layer(x, training=False))
    try:
        out = fn(x, gamma, beta, mean, var, 1e-3)
    except Exception as error:  # the student's code raised: say what happened
        return _verdict(False, "", f"your function raised {type(error).__name__}: {error}.")
    if out is None:
        return _not_yet()
    out = np.asarray(out)
    if out.shape != x.shape:
        return _verdict(False, "", f"the output should keep the input's shape {x.shape}; got {out.shape}.")
    batch = (x - x.mean((0, 1, 2))) / np.sqrt(x.var((0, 1, 2)) + 1e-3) * gamma + beta
    if np.allclose(out, batch, atol=1e-4):
        return _verdict(False, "", "that normalizes with the batch's own statistics (training mode); "
                        "at inference use the moving mean and variance.")
    return _verdict(np.allclose(out, expected, atol=1e-4),
                    "γ (x − moving mean) / √(moving variance + ε) + β, as BatchNormalization(training=False).",
                    "subtract the moving mean, divide by √(moving variance + ε), then scale by γ and add β.")


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
        answer = int(answer)
    except (TypeError, ValueError):
        return _verdict(False, "", f"give one digit 0-9, not {answer!r}.")
    return _verdict(answer in hardest.tolist(),
                    f"digit {answer}: {recall[answer]:.1%} of its test images are classified correctly.",
                    "divide each diagonal count by its row sum (the true digit's images) and find the smallest.")


def ex02_weight_gradient(fn) -> bool:
    """Lesson 02, exercise 5: ``fn(x, delta)`` -> dL/dw (3, 3) of a valid 3x3 convolution of a
    5x5 input ``x`` whose output has the error terms ``delta`` (3, 3)."""
    if _unanswered(fn):
        return _not_yet()
    if not callable(fn):
        return _verdict(False, "", "pass your function itself (its name, without parentheses).")
    rng = np.random.default_rng(5)
    x, delta = rng.normal(size=(5, 5)), rng.normal(size=(3, 3))
    expected = np.array([[np.sum(delta * x[i:i + 3, j:j + 3]) for j in range(3)] for i in range(3)])
    try:
        out = fn(x.copy(), delta.copy())
    except Exception as error:  # the student's code raised: say what happened
        return _verdict(False, "", f"your function raised {type(error).__name__}: {error}.")
    if out is None:
        return _not_yet()
    out = np.asarray(out, dtype="float64")
    if out.shape != (3, 3):
        return _verdict(False, "", f"dL/dw has the kernel's shape (3, 3); got {out.shape}.")
    if np.allclose(out, expected[::-1, ::-1]):
        return _verdict(False, "", "your result is flipped: the weight gradient correlates x with δ, no flip.")
    return _verdict(np.allclose(out, expected), "dL/dw[u, v] = Σ δ[i, j] · x[i + u, j + v]: the input correlated with the error terms.",
                    "for each kernel position (u, v), sum δ[i, j] · x[i + u, j + v] over the output positions (i, j).")
