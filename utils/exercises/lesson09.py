"""Lesson 09 checkers (ACGAN): the auxiliary class loss written by hand, and the generator's loss
with its two terms and their signs."""
from __future__ import annotations

import math

import numpy as np

from . import _mean_loss_from, _value_verdict, _verdict

__all__ = ["ex09_class_loss", "ex09_g_loss"]


def _log_softmax(logits) -> np.ndarray:
    z = np.asarray(logits, dtype="float64")
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _cross_entropy(labels, logits) -> float:
    """keras.losses.SparseCategoricalCrossentropy(from_logits=True), in float64."""
    return float(-_log_softmax(logits)[np.arange(len(labels)), labels].mean())


def _bce(target, logits) -> float:
    """keras.losses.BinaryCrossentropy(from_logits=True) for one target value, in float64."""
    a = np.asarray(logits, dtype="float64")
    return float(np.mean(target * np.logaddexp(0.0, -a) + (1 - target) * np.logaddexp(0.0, a)))


def ex09_class_loss(fn) -> bool:
    """Lesson 09, exercise 1: ``fn(labels, logits)`` is the mean sparse categorical cross-entropy
    of class logits (N, 10) against whole-number labels (N,): mean of -log softmax(logits)[label]."""
    rng = np.random.default_rng(6)
    logits = rng.normal(scale=3.0, size=(32, 10)).astype("float32")
    labels = rng.integers(0, 10, 32)
    value, verdict = _mean_loss_from(fn, labels, logits)
    if verdict is not None:
        return verdict
    truth = _cross_entropy(labels, logits)
    z = logits.astype("float64")
    without_softmax = float(-z[np.arange(32), labels].mean())
    if math.isclose(value, without_softmax, rel_tol=1e-3):
        return _verdict(False, "", "the logits are not log-probabilities: take log softmax first.")
    if math.isclose(value, -truth, rel_tol=1e-3):
        return _verdict(False, "", "the sign: a loss is -log of the probability, positive, small when the head is right.")
    return _verdict(math.isclose(value, truth, rel_tol=1e-3, abs_tol=1e-4),
                    "mean(-log softmax(logits)[label]), what SparseCategoricalCrossentropy(from_logits=True) computes.",
                    "pick, for each image, the log-softmax of its own label's logit, negate, and average.")


def ex09_g_loss(fn) -> bool:
    """Lesson 09, exercise 2: ``fn(source_logits, digit_logits, labels)`` is the ACGAN generator's
    loss on a batch of fakes: the non-saturating adversarial term, binary cross-entropy of the
    real/fake logits (N, 1) toward "real" (target 1), **plus** the sparse categorical cross-entropy
    of the class logits (N, 10) against the labels the fakes were made for (N,). Compared with the
    loss Keras' BinaryCrossentropy and SparseCategoricalCrossentropy (from_logits=True) give."""
    rng = np.random.default_rng(9)
    source = rng.normal(-0.5, 2.0, size=(24, 1)).astype("float32")
    digit = rng.normal(scale=3.0, size=(24, 10)).astype("float32")
    labels = rng.integers(0, 10, 24).astype("int32")
    value, verdict = _mean_loss_from(fn, source, digit, labels)
    if verdict is not None:
        return verdict
    adversarial, classify = _bce(1.0, source), _cross_entropy(labels, digit)
    truth = adversarial + classify
    wrong = {
        "the adversarial term points the wrong way: G wants its fakes called *real*, target 1, not 0.":
            _bce(0.0, source) + classify,
        "the class term is added, not subtracted: G wants its fakes *recognised* as their label "
        "(G maximises L_C - L_S, so it minimises -L_C, the cross-entropy).": adversarial - classify,
        "that is the saturating form, log(1 - D); the notebook's G minimises BCE toward 'real', "
        "-log D(G(z)), the non-saturating form of lesson 05.": -_bce(0.0, source) + classify,
        "the class term is missing: without it the label gives G no signal at all.": adversarial,
        "the adversarial term is missing: without it G only has to draw something the head can name, "
        "not something that looks real.": classify,
        "no smoothing for G: REAL_LABEL = 0.9 is for D's real images; G's target is 1.": _bce(0.9, source) + classify,
        "the train step adds the two terms; this is their mean.": truth / 2,
        "the class logits are not log-probabilities: take log softmax first.":
            adversarial - float(np.asarray(digit, "float64")[np.arange(24), labels].mean()),
        "the cross-entropy goes against the labels the fakes were made for, not the head's own guesses.":
            adversarial + _cross_entropy(np.asarray(digit).argmax(axis=1), digit),
    }
    return _value_verdict(value, truth, wrong,
                          "L_G = BCE(1, source logits) + CE(labels, digit logits): look real, and be the digit "
                          "asked for.",
                          "two terms, added: binary cross-entropy of the real/fake logits with target 1, and the sparse "
                          "categorical cross-entropy of the class logits against the labels.")
