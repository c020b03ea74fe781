"""Lesson 05 (GAN: the game): the checkers of its exercises, with the wrong answers a student would give."""
import math

import numpy as np
import pytest

from utils import exercises


def test_ex05_checkers(capsys):
    assert exercises.ex05_optimal_d(0.75) and not exercises.ex05_optimal_d(0.25) and not exercises.ex05_optimal_d(...)
    assert not exercises.ex05_optimal_d("most")
    assert exercises.ex05_equilibrium_value(-math.log(4)) and exercises.ex05_equilibrium_value(-1.386)
    assert not exercises.ex05_equilibrium_value(0.5) and not exercises.ex05_equilibrium_value(None)

    def non_saturating(logits):
        return float(np.mean(np.log1p(np.exp(-np.asarray(logits)))))

    def saturating(logits):
        return float(np.mean(-np.log1p(np.exp(np.asarray(logits)))))

    assert exercises.ex05_generator_loss(non_saturating)
    assert not exercises.ex05_generator_loss(saturating)
    assert not exercises.ex05_generator_loss(lambda logits: None) and not exercises.ex05_generator_loss(lambda logits: 1 / 0)
    assert not exercises.ex05_generator_loss(lambda logits: np.mean(-np.log(np.abs(np.asarray(logits)))))  # logits as D
    out = capsys.readouterr().out
    assert out.count("✅") == 4 and "saturating" in out


@pytest.mark.parametrize("answer, hint", [
    (0.25, "p_data goes on top"),          # 1 - D*
    (0.7, "share of the density"),         # truncated
    (0.5, "share of the density"),
    (3.0, "share of the density"),         # p_data / p_g
])
def test_ex05_optimal_d_rejects_wrong_answers(answer, hint, capsys):
    assert not exercises.ex05_optimal_d(answer, p_data=0.3, p_g=0.1)
    assert hint in capsys.readouterr().out


def test_ex05_optimal_d_follows_its_densities(capsys):
    assert exercises.ex05_optimal_d(0.5, p_data=0.2, p_g=0.2)
    assert not exercises.ex05_optimal_d(0.75, p_data=0.2, p_g=0.2)
    assert capsys.readouterr().out.count("✅") == 1


@pytest.mark.parametrize("answer, hint", [
    (0.5, "the value of the game"),        # D* instead of V
    (math.log(4), "mind the sign"),
    (1.386, "mind the sign"),
    (-math.log(2), "one of the two terms"),
    (-1.3, "put it into"),                 # truncated
    (-1.39, "put it into"),
])
def test_ex05_equilibrium_value_rejects_wrong_answers(answer, hint, capsys):
    assert not exercises.ex05_equilibrium_value(answer)
    assert hint in capsys.readouterr().out
