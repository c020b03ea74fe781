"""Lesson 05 checkers: the optimal discriminator, the value of the game at equilibrium, and the
non-saturating generator loss."""
from __future__ import annotations

import math

import numpy as np

from . import _mean_loss_from, _not_yet, _unanswered, _verdict

__all__ = ["ex05_optimal_d", "ex05_equilibrium_value", "ex05_generator_loss"]


def _softplus(a):
    return np.logaddexp(0.0, a)


def ex05_optimal_d(answer, p_data: float = 0.3, p_g: float = 0.1) -> bool:
    """Lesson 05, exercise 1: D*(x) where the real density is ``p_data`` and the generator's ``p_g``."""
    if _unanswered(answer):
        return _not_yet()
    truth = p_data / (p_data + p_g)
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return _verdict(False, "", f"give a number between 0 and 1, not {answer!r}.")
    hint = "D*(x) = p_data(x) / (p_data(x) + p_g(x)): the share of the density at x that is real."
    if math.isclose(value, 1 - truth, abs_tol=1e-3):
        hint = "that is 1 - D*: D(x) is the probability that x is *real*, so p_data goes on top."
    return _verdict(math.isclose(value, truth, abs_tol=1e-3),
                    f"D* = {p_data} / ({p_data} + {p_g}) = {truth:.2f}: three quarters of the density at x is real.", hint)


def ex05_equilibrium_value(answer) -> bool:
    """Lesson 05, exercise 2: the value V(D*, G) of the game when p_g = p_data."""
    if _unanswered(answer):
        return _not_yet()
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return _verdict(False, "", f"give a number, not {answer!r}.")
    hint = "at equilibrium D*(x) = 1/2 for every x; put it into E[log D(x)] + E[log(1 - D(G(z)))]."
    if math.isclose(value, 0.5, abs_tol=1e-3):
        hint = "½ is D*(x) at equilibrium; the question asks for V, the value of the game: " + hint
    elif math.isclose(value, math.log(4), abs_tol=1e-3):
        hint = "mind the sign: the log of a probability below 1 is negative."
    elif math.isclose(value, -math.log(2), abs_tol=1e-3):
        hint = "that is one of the two terms; V adds E[log D(x)] and E[log(1 - D(G(z)))], each log ½."
    return _verdict(math.isclose(value, -math.log(4), abs_tol=1e-3),
                    "with D* = 1/2 everywhere, V = log(1/2) + log(1/2) = -log 4 ≈ -1.386.", hint)


def ex05_generator_loss(fn) -> bool:
    """Lesson 05, exercise 3: ``fn(logits)`` is the non-saturating generator loss, the mean of
    -log D(G(z)) over a batch, from the discriminator's logits (D = sigmoid(logits)) on fakes."""
    logits = np.random.default_rng(4).normal(scale=3.0, size=64).astype("float32")
    value, verdict = _mean_loss_from(fn, logits)
    if verdict is not None:
        return verdict
    truth = float(np.mean(_softplus(-logits.astype("float64"))))
    saturating = float(np.mean(-_softplus(logits.astype("float64"))))
    if math.isclose(value, saturating, rel_tol=1e-3, abs_tol=1e-4):
        return _verdict(False, "", "that is the saturating loss log(1 - D(G(z))); the non-saturating one is -log D(G(z)).")
    return _verdict(math.isclose(value, truth, rel_tol=1e-3, abs_tol=1e-4),
                    "mean(-log sigmoid(logits)) = mean(softplus(-logits)), the loss Keras computes with "
                    "BinaryCrossentropy(from_logits=True) and target 1.",
                    "the logits are not probabilities: D = sigmoid(logits), and the loss is mean(-log D).")
