"""Lesson 10 checkers (DCGAN): the parameter count of a transposed convolution and the DCGAN rule a small
generator breaks. (Batch normalization in inference mode is lesson 03's exercise.)"""
from __future__ import annotations

from . import _unanswered, _whole_number_verdict

__all__ = ["ex10_conv_transpose_params", "ex10_broken_rule"]


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


def ex10_broken_rule(answer) -> bool:
    """Lesson 10, exercise 2: which of the five DCGAN rules (numbered as in section 2) does the
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
