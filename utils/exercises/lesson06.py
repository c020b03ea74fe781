"""Lesson 06 checkers (GAN on MNIST): the optimal discriminator under label smoothing (one-sided,
or both labels), and the discriminator's loss of the notebook's train step."""
from __future__ import annotations

import math

import numpy as np

from . import _mean_loss_from, _not_yet, _unanswered, _verdict

__all__ = ["ex06_smoothed_optimal_d", "ex06_discriminator_loss"]

REAL_LABEL = 0.9   # the notebook's one-sided label smoothing


def ex06_smoothed_optimal_d(answer, p_data: float = 0.3, p_g: float = 0.1, fake_label: float = 0.0) -> bool:
    """Lesson 06, exercise 1: the best D(x) when real samples have target 0.9 and fakes target
    ``fake_label`` (0: one-sided smoothing, as in the notebook's train step; 0.1: both labels smoothed),
    where the real density is ``p_data`` and the generator's ``p_g`` (their sum > 0):
    D*(x) = (0.9 p_data + fake_label p_g) / (p_data + p_g)."""
    if _unanswered(answer):
        return _not_yet()
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return _verdict(False, "", f"give a number between 0 and 1, not {answer!r}.")
    beta = fake_label
    truth = (REAL_LABEL * p_data + beta * p_g) / (p_data + p_g)
    close = lambda other: math.isclose(value, other, abs_tol=1e-3)
    a_text = "a = 0.9·p_data" + (f" + {beta:g}·p_g" if beta else "")
    b_text = "b = 0.1·p_data + " + (f"{1 - beta:g}·p_g" if beta else "p_g")
    hint = (f"maximise a·log D + b·log(1 - D) with {a_text} (the shares of target 1) and {b_text} "
            "(the shares of target 0): D = a / (a + b).")
    if close(truth):
        pass
    elif beta and close(REAL_LABEL * p_data / (p_data + p_g)):
        hint = (f"that is the one-sided D* of section 2; with fake target {beta:g}, the fakes add "
                f"{beta:g}·p_g to the top: {a_text}.")
    elif close(p_data / (p_data + p_g)):
        hint = "that is lesson 05's D* without smoothing; with real targets 0.9, the top is 0.9·p_data."
    elif close((REAL_LABEL * p_data + beta * p_g) / (REAL_LABEL * p_data + p_g)):
        hint = (f"the real samples' 0.1 share of target 0 counts too: {b_text}, "
                "so the bottom a + b is p_data + p_g.")
    elif close((REAL_LABEL * p_g + beta * p_data) / (p_data + p_g)) or close(1 - truth):
        hint = "D(x) is the probability that x is *real*: the shares of target 1 go on top."
    elif close(0.5):
        hint = "½ is the equilibrium without smoothing; the real target is 0.9, so D aims lower."
    where = "at equilibrium, " if math.isclose(p_data, p_g) else ""
    if beta:
        detail = (f"{where}D* = (0.9 · {p_data} + {beta:g} · {p_g}) / ({p_data} + {p_g}) = {truth:.3f}."
                  + (f" Where only fakes are, D* = {beta:g}, not 0, whatever p_g is: a constant, so D gives G no "
                     "gradient there to move those samples towards the data. That is why only the real label is "
                     "smoothed (Salimans et al. 2016)." if p_data == 0 else ""))
    else:
        detail = (f"{where}D* = 0.9 · {p_data} / ({p_data} + {p_g}) = {truth:.3f}: smoothing scales lesson 05's "
                  "D* by 0.9, so D never needs to be sure.")
    return _verdict(close(truth), detail, hint)


def _bce(target, logits):
    """Binary cross-entropy on logits, as keras.losses.BinaryCrossentropy(from_logits=True): the mean
    of target·softplus(-a) + (1 - target)·softplus(a)."""
    a = np.asarray(logits, dtype="float64")
    return float(np.mean(target * np.logaddexp(0.0, -a) + (1 - target) * np.logaddexp(0.0, a)))


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype="float64")))


def _discriminator_cases():
    """Two test cases: logits as a discriminator gives them, (N, 1) float32, real ones mostly
    positive and fake ones mostly negative; the batches differ in size in the second case."""
    rng = np.random.default_rng(6)
    cases = []
    for n_real, n_fake in [(64, 64), (48, 80)]:
        real = rng.normal(1.0, 2.5, size=(n_real, 1)).astype("float32")
        fake = rng.normal(-1.0, 2.5, size=(n_fake, 1)).astype("float32")
        cases.append((real, fake))
    return cases


def ex06_discriminator_loss(fn) -> bool:
    """Lesson 06, exercise 2: ``fn(real_logits, fake_logits)`` is the discriminator's loss of the
    notebook's train step: binary cross-entropy on logits with target 0.9 for real and 0 for fake,
    each averaged over its batch, the two added. Compared with the same loss as
    ``keras.losses.BinaryCrossentropy(from_logits=True)`` computes it."""
    for real, fake in _discriminator_cases():
        value, verdict = _mean_loss_from(fn, real, fake)
        if verdict is not None:
            return verdict
        truth = _bce(REAL_LABEL, real) + _bce(0.0, fake)
        if math.isclose(value, truth, rel_tol=1e-4, abs_tol=1e-5):
            continue
        wrong = {
            "the real target is smoothed to 0.9 here (REAL_LABEL), not 1.": _bce(1.0, real) + _bce(0.0, fake),
            "the smoothing is one-sided: fakes keep target 0, not 0.1.": _bce(REAL_LABEL, real) + _bce(0.1, fake),
            "real and fake are swapped: the real logits get target 0.9, the fake logits target 0.":
                _bce(0.0, real) + _bce(REAL_LABEL, fake),
            "the train step adds the two terms; this is their mean.": (_bce(REAL_LABEL, real) + _bce(0.0, fake)) / 2,
            "you applied the sigmoid and then treated D as a logit: pass the logits themselves "
            "(from_logits=True), or use softplus on them.": _bce(REAL_LABEL, _sigmoid(real)) + _bce(0.0, _sigmoid(fake)),
        }
        hint = ("on a logit a with target y, binary cross-entropy is y·softplus(-a) + (1 - y)·softplus(a); "
                "average it over each batch (real: y = 0.9, fake: y = 0) and add the two.")
        matches = [message for message, other in wrong.items() if math.isclose(value, other, rel_tol=1e-4, abs_tol=1e-5)]
        if matches:
            hint = matches[0]
        elif real.shape != fake.shape:
            hint = (f"right when both batches have the same size, but not with {len(real)} real and {len(fake)} "
                    "fake logits: average each term over its own batch, then add.")
        return _verdict(False, "", hint)
    return _verdict(True, "L_D = BCE(0.9, real logits) + BCE(0, fake logits), the loss of the train step, "
                          "equal to keras.losses.BinaryCrossentropy(from_logits=True) on both batches.", "")
