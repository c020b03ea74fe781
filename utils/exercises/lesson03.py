"""Lesson 03 checkers (how a CNN learns): the learning-rate limit of gradient descent, the weight
and input gradients of a conv layer by hand, and batch normalization at inference."""
from __future__ import annotations

import numpy as np

from . import _not_yet, _output_of, _unanswered, _verdict

__all__ = ["ex03_batchnorm_inference", "ex03_input_gradient", "ex03_learning_rate_limit", "ex03_weight_gradient"]


def ex03_learning_rate_limit(answer) -> bool:
    """Lesson 03, exercise 1: above which learning rate does gradient descent on
    ``L(w) = 2 w1² + 25 w2²`` diverge? (The gradient is (4 w1, 50 w2), so the limit is 2/50.)"""
    if _unanswered(answer):
        return _not_yet()
    if isinstance(answer, (bool, np.bool_)):
        return _verdict(False, "", "give one number, the learning rate, not True or False.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return _verdict(False, "", f"give one number, the learning rate, not {answer!r}.")
    truth = 2 / 50
    hints = {
        2 / 4: "that is the limit of the flat direction w1; the steep direction w2 diverges much sooner.",
        1 / 50: "at that rate one step lands w2 exactly on 0; a larger rate still converges, zigzagging.",
        2 / 25: "the derivative of 25 w2² is 50 w2, not 25 w2.",
    }
    for wrong, hint in hints.items():
        if np.isclose(value, wrong, rtol=1e-9, atol=0):
            return _verdict(False, "", hint)
    return _verdict(bool(np.isclose(value, truth, rtol=1e-9, atol=0)),
                    "a step multiplies w2 by 1 − 50η, and |1 − 50η| < 1 needs η < 2/50 = 0.04.",
                    f"{answer} is not it. Write one step of each weight: w ← w − η·∂L/∂w = (1 − η·c)·w. "
                    "When does |1 − η·c| < 1 hold for both?")


def ex03_weight_gradient(fn) -> bool:
    """Lesson 03, exercise 2: ``fn(x, delta)`` -> dL/dw (3, 3) of a valid 3x3 convolution of a
    5x5 input ``x`` whose output has the error terms ``delta`` (3, 3)."""
    rng = np.random.default_rng(5)
    x, delta = rng.normal(size=(5, 5)), rng.normal(size=(3, 3))
    expected = np.array([[np.sum(delta * x[i:i + 3, j:j + 3]) for j in range(3)] for i in range(3)])
    out, verdict = _output_of(fn, x.copy(), delta.copy())
    if verdict is not None:
        return verdict
    out = out.astype("float64")
    if out.shape != (3, 3):
        return _verdict(False, "", f"dL/dw has the kernel's shape (3, 3); got {out.shape}.")
    if np.allclose(out, expected[::-1, ::-1]):
        return _verdict(False, "", "your result is flipped: the weight gradient correlates x with δ, no flip.")
    return _verdict(np.allclose(out, expected), "dL/dw[m, n] = Σ δ[i, j] · x[i + m, j + n]: the input correlated with the error terms.",
                    "for each kernel position (m, n), sum δ[i, j] · x[i + m, j + n] over the output positions (i, j).")


def ex03_input_gradient(fn) -> bool:
    """Lesson 03, exercise 3: ``fn(delta, w)`` -> dL/dx (5, 5) of a valid, stride-1 convolution of a
    5x5 input with the 3x3 kernel ``w``, whose outputs have the error terms ``delta`` (3, 3):
    ``dL/dx[p, q] = Σ_ij δ[i, j] · w[p - i, q - j]``, the full convolution of δ with w."""
    rng = np.random.default_rng(8)
    delta, w = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))   # w is not symmetric: a missing flip shows
    expected = np.zeros((5, 5))
    for i in range(3):
        for j in range(3):
            expected[i:i + 3, j:j + 3] += delta[i, j] * w          # every output cell sends δ·w back to its window
    out, verdict = _output_of(fn, delta.copy(), w.copy())
    if verdict is not None:
        return verdict
    out = out.astype("float64")
    if out.shape != (5, 5):
        hint = (" That is a 'valid' correlation: pad δ with k − 1 = 2 zeros on every side first (the full convolution)."
                if out.shape in [(1, 1), (3, 3)] else "")
        return _verdict(False, "", f"dL/dx has the input's shape (5, 5); got {out.shape}.{hint}")
    padded = np.pad(delta, 2)
    unflipped = np.array([[np.sum(padded[p:p + 3, q:q + 3] * w) for q in range(5)] for p in range(5)])
    if np.allclose(out, unflipped):
        return _verdict(False, "", "the kernel must be flipped: dL/dx[p, q] = Σ δ[i, j] · w[p − i, q − j]; correlating the "
                                   "padded δ with w needs w[::-1, ::-1].")
    if np.allclose(out, -expected):
        return _verdict(False, "", "the sign is swapped: dL/dx is + Σ δ · w (the minus belongs to the descent step).")
    if np.allclose(out, expected.T):
        return _verdict(False, "", "rows and columns are swapped: p runs over rows (i + m), q over columns (j + n).")
    return _verdict(np.allclose(out, expected), "every output cell sends δ[i, j] · w back to the window it read: the full "
                    "convolution of δ with w, which lesson 08 calls transposed convolution.",
                    "start from zeros (5, 5) and, for every output cell (i, j), add δ[i, j] · w to x's window "
                    "[i:i+3, j:j+3].")


def ex03_batchnorm_inference(fn) -> bool:
    """Lesson 03, exercise 4: ``fn(x, gamma, beta, moving_mean, moving_variance, epsilon)`` ->
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
