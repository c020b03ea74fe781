"""Lesson 03 checkers: LSTM parameters, one LSTM step, and the memory half-life."""
from __future__ import annotations

import math

import numpy as np

from . import _not_yet, _unanswered, _verdict, _whole_number_verdict
from .. import rnn

__all__ = ["ex03_lstm_params", "ex03_lstm_step", "ex03_half_life"]


def ex03_lstm_params(answer, units: int = 64, features: int = 28) -> bool:
    """Lesson 03, exercise 1: trainable parameters of ``LSTM(units)`` on ``features`` inputs a step."""
    truth = 4 * (units * (units + features) + units)
    return _whole_number_verdict(answer, truth, f"4 gates × ({units}·({units} + {features}) + {units}) = {truth:,}.",
                                 "each of the 4 gates has a weight for every input and every hidden unit, plus a bias: "
                                 "4 × (units·(units + features) + units).")


def ex03_lstm_step(fn) -> bool:
    """Lesson 03, exercise 2: ``fn(z, c_prev)`` -> ``(h, c)`` for pre-activations z = [i, j, f, o] (each (n,))."""
    if _unanswered(fn):
        return _not_yet()
    if not callable(fn):
        return _verdict(False, "", "pass your function itself (its name, without parentheses).")
    rng = np.random.default_rng(3)
    z, c_prev = rng.normal(size=(4, 5)) * 2, rng.normal(size=5)
    try:
        result = fn(z, c_prev)
    except Exception as error:  # the student's code raised: say what happened
        return _verdict(False, "", f"your function raised {type(error).__name__}: {error}.")
    if result is None:
        return _not_yet()
    try:
        h, c = (np.asarray(v, dtype="float64") for v in result)
    except (TypeError, ValueError):
        return _verdict(False, "", "return a pair (h, c).")
    i, j, f, o = z
    c_true = c_prev * rnn.sigmoid(f) + rnn.sigmoid(i) * np.tanh(j)
    h_true = np.tanh(c_true) * rnn.sigmoid(o)
    if c.shape != c_true.shape or not np.allclose(c, c_true, atol=1e-6):
        return _verdict(False, "", "c is off: c = c_prev·σ(f) + σ(i)·tanh(j). Use tanh for the candidate j, σ for the gates.")
    return _verdict(h.shape == h_true.shape and np.allclose(h, h_true, atol=1e-6), "h and c match the LSTM equations.",
                    "c is right but h is off: h = tanh(c)·σ(o).")


def ex03_half_life(answer, f: float = 0.9) -> bool:
    """Lesson 03, exercise 3: after how many whole steps is less than half of the memory left?"""
    truth = math.ceil(rnn.half_life(f))
    return _whole_number_verdict(answer, truth, f"{f}^{truth} = {f ** truth:.3f} < 0.5, while {f}^{truth - 1} = {f ** (truth - 1):.3f}.",
                                 f"find the smallest whole t with {f}^t < 0.5 (or compute ln 0.5 / ln {f} and round up).")
