"""utils.rnn (lesson 04's widget compute and diagram) and lesson 04's checkers."""
import itertools
import math

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from utils import exercises, rnn

ZERO = {g: 0.0 for g in rnn.GATES}


def test_gate_step_follows_the_lstm_equations():
    pre = {"i": 1.0, "j": -0.5, "f": 2.0, "o": 0.3}
    out = rnn.gate_step(x=0.5, h_prev=-0.2, c_prev=0.8, pre=pre, forget_bias=1.0)
    z = {g: -0.2 + 0.5 + pre[g] for g in rnn.GATES}
    c = 0.8 * rnn._sigmoid(z["f"] + 1.0) + rnn._sigmoid(z["i"]) * math.tanh(z["j"])
    assert out["c"] == pytest.approx(c) and out["h"] == pytest.approx(math.tanh(c) * rnn._sigmoid(z["o"]))
    assert out["f"] == pytest.approx(rnn._sigmoid(z["f"] + 1.0)) and out["j"] == pytest.approx(math.tanh(z["j"]))


def test_gate_step_extremes_keep_or_forget():
    keep = rnn.gate_step(0, 0, 0.7, {"i": -30, "j": 0, "f": 30, "o": 0})
    assert keep["c"] == pytest.approx(0.7, abs=1e-6)  # forget gate open, input closed: memory kept
    forget = rnn.gate_step(0, 0, 0.7, {"i": -30, "j": 0, "f": -30, "o": 0})
    assert forget["c"] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    ({"x": "a"}, "x must be a finite number"), ({"c_prev": float("nan")}, "c_prev"),
    ({"pre": {"i": 0}}, "exactly the gates"), ({"pre": [0, 0, 0, 0]}, "exactly the gates"),
    ({"weights": {"i": 1}}, "weights must be a dict"),
    ({"weights": {"i": 1, "j": (1, 1), "f": (1, 1), "o": (1, 1)}}, r"weights\['i'\] must be a pair"),
])
def test_gate_step_bad_input(kwargs, message):
    args = {"x": 0.0, "h_prev": 0.0, "c_prev": 0.0, "pre": dict(ZERO)}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        rnn.gate_step(**args)


def test_memory_curve_and_half_life():
    np.testing.assert_allclose(rnn.memory_curve(0.5, 3, c0=2.0), [2, 1, 0.5, 0.25])
    assert rnn.half_life(0.5) == pytest.approx(1.0) and rnn.half_life(1.0) == math.inf and rnn.half_life(0.0) == 0.0
    assert rnn.memory_curve(0.9, 10)[math.ceil(rnn.half_life(0.9))] < 0.5
    for bad in (1.5, -0.1, float("nan"), "0.5", True):
        with pytest.raises(ValueError, match="forget gate f"):
            rnn.memory_curve(bad, 5)
    for steps in (0, -3, 2.5):
        with pytest.raises(ValueError, match="steps"):
            rnn.memory_curve(0.5, steps)


def test_draw_lstm_cell():
    ax = rnn.draw_lstm_cell()
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "forget gate f" in texts and "candidate j" in texts and "output gate o" in texts


def out_count(capsys):
    return capsys.readouterr().out.count("✅")


def test_ex04_checkers(capsys):
    assert exercises.ex04_lstm_params(23808) and not exercises.ex04_lstm_params(5952)
    assert not exercises.ex04_lstm_params(23808.5) and not exercises.ex04_lstm_params(4 * (64 * 92))  # no biases
    assert not exercises.ex04_lstm_params(...) and not exercises.ex04_lstm_params("many")

    def step(z, c_prev):
        i, j, f, o = z
        c = c_prev * rnn._sigmoid(f) + rnn._sigmoid(i) * np.tanh(j)
        return np.tanh(c) * rnn._sigmoid(o), c

    assert exercises.ex04_lstm_step(step)
    assert not exercises.ex04_lstm_step(lambda z, c: (np.tanh(step(z, c)[1]), step(z, c)[1] * 2))
    assert not exercises.ex04_lstm_step(lambda z, c: (np.tanh(step(z, c)[1]), step(z, c)[1]))  # h without o
    assert not exercises.ex04_lstm_step(lambda z, c: None) and not exercises.ex04_lstm_step(lambda z, c: 1 / 0)
    assert exercises.ex04_half_life(7) and not exercises.ex04_half_life(6) and not exercises.ex04_half_life(None)
    assert not exercises.ex04_half_life(6.6) and not exercises.ex04_half_life(7.5)  # not rounded up to a whole step

    def to_ijfo(kernel):
        i, f, c, o = np.split(kernel, 4, axis=-1)
        return np.concatenate([i, c, f, o], axis=-1)

    assert exercises.ex04_keras_to_ijfo(to_ijfo)
    assert out_count(capsys) == 4
    # Wrong answers: Keras' order left as it is, every other order of the 4 column blocks (f and j swapped
    # back, i and o swapped, ...), rows reordered instead of columns, units taken from the rows.
    assert not exercises.ex04_keras_to_ijfo(lambda k: k)
    for order in itertools.permutations(range(4)):
        if order != (0, 2, 1, 3):
            assert not exercises.ex04_keras_to_ijfo(lambda k, order=order: np.concatenate(
                [np.split(k, 4, axis=1)[n] for n in order], axis=1)), order
    assert not exercises.ex04_keras_to_ijfo(lambda k: np.concatenate([np.split(k, 4, axis=0)[n] for n in (0, 2, 1, 3)], axis=0))

    def units_from_rows(kernel):
        units = kernel.shape[0]
        i, f, c, o = (kernel[:, n * units:(n + 1) * units] for n in range(4))
        return np.concatenate([i, c, f, o], axis=1)

    assert not exercises.ex04_keras_to_ijfo(units_from_rows)
    assert not exercises.ex04_keras_to_ijfo(lambda k: to_ijfo(k)[:, :-1])                  # wrong shape
    assert not exercises.ex04_keras_to_ijfo(lambda k: to_ijfo(k.T))                        # transposed
    assert not exercises.ex04_keras_to_ijfo(...) and not exercises.ex04_keras_to_ijfo(lambda k: None)
    assert not exercises.ex04_keras_to_ijfo(lambda k: 1 / 0) and not exercises.ex04_keras_to_ijfo(to_ijfo(np.eye(4)))
    out = capsys.readouterr().out
    assert "✅" not in out and "Keras' order i, f, c, o unchanged" in out and "you moved rows" in out


def test_draw_unrolled_rnn():
    ax = rnn.draw_unrolled_rnn(3)
    assert sum(t.get_text() == "cell" for t in ax.texts) == 3
    for bad in (0, 9, 2.0):
        with pytest.raises(ValueError, match="steps"):
            rnn.draw_unrolled_rnn(bad)
