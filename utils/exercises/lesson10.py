"""Lesson 10 checkers (DCGAN): the parameter count of a transposed convolution, batch normalization in
inference mode written by hand, and the DCGAN rule a small generator breaks."""
from __future__ import annotations

import numpy as np

from . import _not_yet, _output_of, _unanswered, _verdict, _whole_number_verdict

__all__ = ["ex10_conv_transpose_params", "ex10_bn_inference", "ex10_broken_rule"]

BN_EPSILON = 1e-3  # Keras' default


def ex10_conv_transpose_params(answer, k: int = 4, c_in: int = 128, c_out: int = 64, size: int = 7,
                               stride: int = 2) -> bool:
    """Lesson 10, exercise 1: the parameters of ``Conv2DTranspose(c_out, k, strides=stride,
    padding="same")`` (with its bias) on a ``size``×``size``×``c_in`` input:
    ``k·k·c_in·c_out + c_out``."""
    weights = k * k * c_in * c_out
    truth = weights + c_out
    hint = (f"every one of the {c_out} filters has a {k}×{k} weight for each of the {c_in} input channels, "
            "plus one bias.")
    if not _unanswered(answer):
        try:
            value = float(answer)
        except (TypeError, ValueError):
            value = None
        hints = {weights: f"those are the weights; the layer also has a bias, one number for each of its {c_out} filters.",
                 weights + c_in: f"the bias has one number for each *output* channel (the {c_out} filters), "
                                 f"not for each of the {c_in} input channels.",
                 k * k * c_out + c_out: f"each filter has a {k}×{k} kernel for *every* input channel: multiply by {c_in}.",
                 k * k * c_in + c_in: f"each of the {c_out} filters has its own {k}×{k}×{c_in} kernel.",
                 (stride * size) ** 2 * c_out: "that is how many numbers the layer *outputs*, not how many it learns.",
                 size * size * truth: "the weights are shared over all positions: the map's size does not enter."}
        hint = hints.get(value, hint)
    return _whole_number_verdict(answer, truth, f"{k}·{k}·{c_in}·{c_out} + {c_out} = {truth:,}; the size of the map "
                                                "and the stride do not enter.", hint)


def _bn_case(seed: int = 10):
    """A test case for :func:`ex10_bn_inference`: x (6, 5, 5, 3) and per-channel gamma, beta,
    moving mean and variance. The batch's own statistics are far from the moving ones, and the
    variances are small, so that a missing epsilon shows."""
    rng = np.random.default_rng(seed)
    gamma, beta = rng.uniform(0.5, 2.0, 3), rng.normal(size=3)
    moving_mean, moving_var = rng.normal(scale=2.0, size=3), rng.uniform(0.002, 0.02, 3)
    x = moving_mean + 0.3 + 3 * np.sqrt(moving_var) * rng.normal(size=(6, 5, 5, 3))
    return [a.astype("float32") for a in (x, gamma, beta, moving_mean, moving_var)]


def _bn_reference(x, gamma, beta, moving_mean, moving_var, epsilon: float = BN_EPSILON):
    """Batch normalization in inference mode, per channel (the last axis): what
    ``keras.layers.BatchNormalization(epsilon=1e-3)(x, training=False)`` computes."""
    x = np.asarray(x, "float64")
    return gamma * (x - moving_mean) / np.sqrt(np.asarray(moving_var, "float64") + epsilon) + beta


def ex10_bn_inference(fn) -> bool:
    """Lesson 10, exercise 2: ``fn(x, gamma, beta, moving_mean, moving_var)`` is batch
    normalization in inference mode, per channel (the last axis of ``x``), with epsilon 1e-3."""
    x, gamma, beta, mean, var = _bn_case()
    out, verdict = _output_of(fn, x, gamma, beta, mean, var)
    if verdict is not None:
        return verdict
    truth = _bn_reference(x, gamma, beta, mean, var)
    if out.shape != truth.shape:
        return _verdict(False, "", f"the output must have the input's shape {truth.shape}; got {out.shape}.")
    out = out.astype("float64")
    if np.allclose(out, truth, rtol=1e-4, atol=1e-4):
        return _verdict(True, "gamma · (x - moving_mean) / sqrt(moving_var + epsilon) + beta, per channel: "
                              "what BatchNormalization(training=False) computes.", "")
    batch_mean, batch_var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    wrong = [(_bn_reference(x, gamma, beta, batch_mean, batch_var),
              "that uses the batch's own mean and variance: training mode. Inference uses moving_mean and moving_var."),
             (_bn_reference(x, gamma, beta, mean, var, 0.0),
              "add epsilon = 1e-3 to the variance inside the square root (Keras' default)."),
             (gamma * (x - mean) / (var + BN_EPSILON) + beta,
              "divide by the standard deviation sqrt(moving_var + epsilon), not by the variance."),
             (_bn_reference(x, beta, gamma, mean, var),
              "gamma scales and beta shifts: you swapped them."),
             ((x - mean) / np.sqrt(var + BN_EPSILON),
              "after normalizing, scale by gamma and shift by beta.")]
    for candidate, hint in wrong:
        if np.allclose(out, candidate, rtol=1e-4, atol=1e-4):
            return _verdict(False, "", hint)
    return _verdict(False, "", "compute gamma * (x - moving_mean) / sqrt(moving_var + 1e-3) + beta; NumPy "
                               "broadcasts the per-channel arrays over the last axis.")


def ex10_broken_rule(answer) -> bool:
    """Lesson 10, exercise 3: which of the five DCGAN rules (numbered as in section 2) does the
    exercise's generator break? It uses LeakyReLU inside the generator: rule 4."""
    hints = {1: "it has no pooling and upsamples with strided transposed convolutions: rule 1 holds.",
             2: "every hidden layer is followed by BN and the output layer is not: rule 2 holds.",
             3: "its only dense layer is the projection of z, which the rules allow: rule 3 holds.",
             5: "rule 5 is about the discriminator; this is a generator. Look at its activations."}
    hint = "run dcgan_checklist on it and read which rule fails."
    if not _unanswered(answer):
        try:
            hint = hints.get(float(answer), f"answer a rule number from 1 to 5; got {answer!r}.")
        except (TypeError, ValueError):
            hint = f"answer a rule number from 1 to 5; got {answer!r}."
    return _whole_number_verdict(answer, 4, "rule 4: the generator uses ReLU inside (and tanh at the output); "
                                            "LeakyReLU belongs in the discriminator.", hint)
