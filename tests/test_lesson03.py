"""Lesson 03's exercise checkers: the learning-rate limit, the weight and input gradients of a conv
layer by hand, and batch normalization in inference mode. Each test includes the wrong answers a student would plausibly give."""
import numpy as np

import utils
from utils import exercises


def test_learning_rate_limit_checker(capsys):
    assert exercises.ex03_learning_rate_limit(0.04) and exercises.ex03_learning_rate_limit(2 / 50)
    assert exercises.ex03_learning_rate_limit("0.04")
    for wrong in [0.039, 0.041, 0.02, 0.08, 0.5, 0.2, 2, -0.04, 0, True, "2/50", [0.04]]:  # truncated, one-step, forgot the 2, flat direction, ...
        assert not exercises.ex03_learning_rate_limit(wrong), wrong
    assert not exercises.ex03_learning_rate_limit(...) and not exercises.ex03_learning_rate_limit(None)
    assert not exercises.ex03_learning_rate_limit("fast")
    text = capsys.readouterr().out
    assert "flat direction" in text and "50 w2" in text and "Not answered yet" in text


def test_weight_gradient_checker():
    good = lambda x, d: np.array([[np.sum(d * x[m:m + 3, n:n + 3]) for n in range(3)] for m in range(3)])  # noqa: E731
    assert exercises.ex03_weight_gradient(good)
    assert not exercises.ex03_weight_gradient(lambda x, d: good(x, d)[::-1, ::-1])  # flipped (a convolution)
    assert not exercises.ex03_weight_gradient(lambda x, d: good(x, d).T)  # rows and columns swapped
    assert not exercises.ex03_weight_gradient(lambda x, d: -good(x, d))  # the sign of the descent step
    assert not exercises.ex03_weight_gradient(lambda x, d: np.round(good(x, d), 1))  # rounded
    assert not exercises.ex03_weight_gradient(lambda x, d: np.zeros((5, 5)))  # dL/dx's shape
    assert not exercises.ex03_weight_gradient(lambda x, d: None)
    assert not exercises.ex03_weight_gradient(lambda x, d: 1 / 0)
    assert not exercises.ex03_weight_gradient(...)
    assert not exercises.ex03_weight_gradient("not a function")


def _input_gradient(delta, w):
    out = np.zeros((5, 5))
    for i in range(3):
        for j in range(3):
            out[i:i + 3, j:j + 3] += delta[i, j] * w
    return out


def test_input_gradient_checker(capsys):
    import tensorflow as tf

    full = lambda d, w: np.array([[np.sum(np.pad(d, 2)[p:p + 3, q:q + 3] * w[::-1, ::-1]) for q in range(5)]  # noqa: E731
                                  for p in range(5)])
    assert exercises.ex03_input_gradient(_input_gradient) and exercises.ex03_input_gradient(full)
    # conv2d_transpose is this very operation (lesson 08).
    transpose = lambda d, w: tf.nn.conv2d_transpose(d[None, :, :, None], w[:, :, None, None], (1, 5, 5, 1), 1, "VALID")[0, :, :, 0]  # noqa: E731
    assert exercises.ex03_input_gradient(transpose)
    wrong = {
        "kernel not flipped": lambda d, w: full(d, w[::-1, ::-1]),
        "no full padding": lambda d, w: np.array([[np.sum(d * w)]]),
        "valid correlation of the padded-by-one error": lambda d, w: full(d, w)[1:4, 1:4],
        "sign swapped": lambda d, w: -_input_gradient(d, w),
        "transposed": lambda d, w: _input_gradient(d, w).T,
        "rounded": lambda d, w: np.round(_input_gradient(d, w), 1),
        "raises": lambda d, w: 1 / 0,
        "the stub": lambda d, w: None,
    }
    for name, fn in wrong.items():
        assert not exercises.ex03_input_gradient(fn), name
    assert not exercises.ex03_input_gradient(...) and not exercises.ex03_input_gradient("not a function")
    text = capsys.readouterr().out
    assert "flipped" in text and "pad" in text and "sign" in text and "rows and columns" in text


def test_batchnorm_checker():
    good = lambda x, g, b, m, v, eps: g * (x - m) / np.sqrt(v + eps) + b  # noqa: E731
    batch = lambda x, g, b, m, v, eps: g * (x - x.mean((0, 1, 2))) / np.sqrt(x.var((0, 1, 2)) + eps) + b  # noqa: E731
    assert exercises.ex03_batchnorm_inference(good)
    assert not exercises.ex03_batchnorm_inference(batch)  # training-mode statistics
    assert not exercises.ex03_batchnorm_inference(lambda x, g, b, m, v, eps: (x - m) / np.sqrt(v + eps))  # no γ, β
    assert not exercises.ex03_batchnorm_inference(lambda x, g, b, m, v, eps: g * (x - m) / (v + eps) + b)  # variance, not std
    assert not exercises.ex03_batchnorm_inference(lambda x, g, b, m, v, eps: g * (x - m) / np.sqrt(v) + b)  # no ε
    assert not exercises.ex03_batchnorm_inference(lambda x, g, b, m, v, eps: (g * (x - m) + b) / np.sqrt(v + eps))  # β scaled too
    assert not exercises.ex03_batchnorm_inference(lambda x, g, b, m, v, eps: good(x, g, b, m, v, eps)[0])  # wrong shape
    assert not exercises.ex03_batchnorm_inference(lambda *a: None)  # the unfilled stub
    assert not exercises.ex03_batchnorm_inference(lambda *a: 1 / 0)
    assert not exercises.ex03_batchnorm_inference("not a function")


def test_exported_from_utils():
    for name in exercises.lesson03.__all__:
        assert callable(getattr(utils.exercises, name)), name
