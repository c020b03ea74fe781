"""Lesson 04 checkers: LSTM parameters, one LSTM step, the memory half-life, and Keras' gate order."""
from __future__ import annotations

import math

import numpy as np

from . import _output_of, _not_yet, _unanswered, _verdict, _whole_number_verdict
from .. import rnn

__all__ = ["ex04_lstm_params", "ex04_lstm_step", "ex04_half_life", "ex04_keras_to_ijfo"]


def ex04_lstm_params(answer, units: int = 64, features: int = 28) -> bool:
    """Lesson 04, exercise 1: trainable parameters of ``LSTM(units)`` on ``features`` inputs a step."""
    truth = 4 * (units * (units + features) + units)
    return _whole_number_verdict(answer, truth, f"4 gates × ({units}·({units} + {features}) + {units}) = {truth:,}.",
                                 "each of the 4 gates has a weight for every input and every hidden unit, plus a bias: "
                                 "4 × (units·(units + features) + units).")


def ex04_lstm_step(fn) -> bool:
    """Lesson 04, exercise 2: ``fn(z, c_prev)`` -> ``(h, c)`` for pre-activations z = [i, j, f, o] (each (n,))."""
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
    c_true = c_prev * rnn._sigmoid(f) + rnn._sigmoid(i) * np.tanh(j)
    h_true = np.tanh(c_true) * rnn._sigmoid(o)
    if c.shape != c_true.shape or not np.allclose(c, c_true, atol=1e-6):
        return _verdict(False, "", "c is off: c = c_prev·σ(f) + σ(i)·tanh(j). Use tanh for the candidate j, σ for the gates.")
    return _verdict(h.shape == h_true.shape and np.allclose(h, h_true, atol=1e-6), "h and c match the LSTM equations.",
                    "c is right but h is off: h = tanh(c)·σ(o).")


def ex04_half_life(answer, f: float = 0.9) -> bool:
    """Lesson 04, exercise 3: after how many whole steps is less than half of the memory left?"""
    truth = math.ceil(rnn.half_life(f))
    return _whole_number_verdict(answer, truth, f"{f}^{truth} = {f ** truth:.3f} < 0.5, while {f}^{truth - 1} = {f ** (truth - 1):.3f}.",
                                 f"find the smallest whole t with {f}^t < 0.5 (or compute ln 0.5 / ln {f} and round up).")


def _blocks(matrix, axis):
    return np.split(matrix, 4, axis=axis)


def ex04_keras_to_ijfo(fn) -> bool:
    """Lesson 04, exercise 4: ``fn(kernel)`` reorders the 4 column blocks of a Keras LSTM kernel.

    A Keras kernel is (rows, 4·units) with column blocks in the gate order i, f, c, o; the answer
    has the same shape with the blocks in the order i, j, f, o (c is the candidate j), i.e. Keras'
    blocks 0, 2, 1, 3. Checked on random kernels whose rows differ from their units, on a kernel
    and a recurrent kernel shape, so moving rows or taking units from the rows fails.
    """
    rng = np.random.default_rng(4)
    for rows, units in [(8, 3), (5, 5)]:
        kernel = rng.normal(size=(rows, 4 * units))
        out, verdict = _output_of(fn, kernel.copy(), where=f" on a kernel of shape {kernel.shape}")
        if verdict is not None:
            return verdict
        i, f, c, o = _blocks(kernel, axis=1)
        truth = np.concatenate([i, c, f, o], axis=1)
        if out.shape != truth.shape:
            return _verdict(False, "", f"for a kernel of shape {kernel.shape} return the same shape, not {out.shape}.")
        if np.allclose(out, truth):
            continue
        keras_names = {"i": i, "f": f, "c": c, "o": o}
        try:
            found = [next(n for n, block in keras_names.items() if np.allclose(block, part))
                     for part in _blocks(out, axis=1)]
        except (StopIteration, ValueError):
            found = None
        if np.allclose(out, kernel):
            hint = "this is Keras' order i, f, c, o unchanged; move Keras' candidate block c to the second place."
        elif found:
            hint = (f"your column blocks are Keras' {', '.join(found)}; the order i, j, f, o means Keras' i, c, f, o "
                    "(c is the candidate j).")
        elif rows % 4 == 0 and np.allclose(out, np.concatenate([_blocks(kernel, 0)[k] for k in (0, 2, 1, 3)], axis=0)):
            hint = "you moved rows; the gate blocks are the columns (the last axis)."
        else:
            hint = ("split the columns into 4 blocks of units = kernel.shape[1] // 4 each "
                    "(the rows are inputs, not units) and put them in the order i, c, f, o.")
        return _verdict(False, "", hint)
    return _verdict(True, "Keras' blocks i, f, c, o are now in the order i, j, f, o.", "")
