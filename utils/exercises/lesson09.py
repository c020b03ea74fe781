"""Lesson 09 checkers: the discriminator's outputs, which model gives D the label, and the
auxiliary class loss written by hand."""
from __future__ import annotations

import math

import numpy as np

from . import _mean_loss_from, _not_yet, _unanswered, _verdict, _whole_number_verdict

__all__ = ["ex09_d_outputs", "ex09_label_input", "ex09_class_loss"]


def ex09_d_outputs(answer) -> bool:
    """Lesson 09, exercise 1: how many numbers does the ACGAN discriminator output for one image?"""
    hint = "count both heads: one real/fake logit, and one logit for each of the 10 digits."
    if not _unanswered(answer) and str(answer).strip() in ("1", "10"):
        hint = "that is only one of the two heads; D outputs both."
    return _whole_number_verdict(answer, 11, "1 real/fake logit + 10 class logits = 11.", hint)


def ex09_label_input(answer) -> bool:
    """Lesson 09, exercise 2: in which of 'GAN', 'CGAN', 'ACGAN' is the label an *input* of the
    discriminator?"""
    if _unanswered(answer):
        return _not_yet()
    if not isinstance(answer, str) or answer.strip().upper() not in ("GAN", "CGAN", "ACGAN"):
        return _verdict(False, "", f"answer 'GAN', 'CGAN' or 'ACGAN' (a string); got {answer!r}.")
    choice = answer.strip().upper()
    hints = {"GAN": "a plain GAN has no labels at all.",
             "ACGAN": "the ACGAN's discriminator gets only the image; the label is the *target* of its class head."}
    return _verdict(choice == "CGAN", "only the CGAN's discriminator takes the label as an input; the ACGAN's "
                                      "must find the digit itself.", hints.get(choice, ""))


def ex09_class_loss(fn) -> bool:
    """Lesson 09, exercise 3: ``fn(labels, logits)`` is the mean sparse categorical cross-entropy
    of class logits (N, 10) against whole-number labels (N,): mean of -log softmax(logits)[label]."""
    rng = np.random.default_rng(6)
    logits = rng.normal(scale=3.0, size=(32, 10)).astype("float32")
    labels = rng.integers(0, 10, 32)
    value, verdict = _mean_loss_from(fn, labels, logits)
    if verdict is not None:
        return verdict
    z = logits.astype("float64")
    log_softmax = z - z.max(axis=1, keepdims=True)
    log_softmax -= np.log(np.exp(log_softmax).sum(axis=1, keepdims=True))
    truth = float(-log_softmax[np.arange(32), labels].mean())
    without_softmax = float(-z[np.arange(32), labels].mean())
    if math.isclose(value, without_softmax, rel_tol=1e-3):
        return _verdict(False, "", "the logits are not log-probabilities: take log softmax first.")
    return _verdict(math.isclose(value, truth, rel_tol=1e-3, abs_tol=1e-4),
                    "mean(-log softmax(logits)[label]), what SparseCategoricalCrossentropy(from_logits=True) computes.",
                    "pick, for each image, the log-softmax of its own label's logit, negate, and average.")
