"""Lesson 09 (ACGAN): diversity within each class (utils.acgan) and the checkers."""
import numpy as np
import pytest

from utils import acgan, exercises


# --- lesson 09: diversity within each class -------------------------------------------------------------
def test_within_class_diversity(monkeypatch):
    feats = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0], [1.0, 1.0], [9.0, 9.0]])
    monkeypatch.setattr(acgan, "features", lambda x, j=None, v=None: feats)
    div = acgan.within_class_diversity(np.zeros((5, 28, 28), "uint8"), [0, 0, 1, 1, 2], judge=object())
    np.testing.assert_allclose(div[:2], [5.0, 0.0])          # two images 5 apart; two identical ones
    assert np.isnan(div[2:]).all()                            # one image of 2, none of 3-9
    with pytest.raises(ValueError, match="labels must be digits"):
        acgan.within_class_diversity(np.zeros((5, 28, 28), "uint8"), [0, 0, 1, 1, 12], judge=object())


# --- exercise 1: the class loss -------------------------------------------------------------------------
def test_ex09_class_loss(capsys):
    tf = pytest.importorskip("tensorflow")
    loss = lambda y, z: tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(y, z))
    assert exercises.ex09_class_loss(loss)
    assert "✅" in capsys.readouterr().out
    assert not exercises.ex09_class_loss(lambda y, z: -np.mean(z[np.arange(len(y)), y]))       # no softmax
    assert "log softmax first" in capsys.readouterr().out
    assert not exercises.ex09_class_loss(lambda y, z: -loss(y, z))                             # the sign
    assert "the sign" in capsys.readouterr().out
    assert not exercises.ex09_class_loss(lambda y, z: loss(y, z) * len(y))                     # a sum, not a mean
    assert not exercises.ex09_class_loss(lambda y, z: tf.reduce_mean(                          # the wrong labels
        tf.nn.sparse_softmax_cross_entropy_with_logits(np.roll(y, 1), z)))
    assert not exercises.ex09_class_loss(lambda y, z: 1 / 0)
    assert not exercises.ex09_class_loss(...)


# --- exercise 2: the generator's loss ---------------------------------------------------------------------
def _g_loss(target=1.0, class_sign=1.0, adversarial=True, classify=True, saturating=False, halve=False,
            labels_from_head=False):
    """The ACGAN generator's loss as a student writes it with Keras, right or wrong in one way."""
    import keras
    import tensorflow as tf

    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    cce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def loss(source_logits, digit_logits, labels):
        if labels_from_head:
            labels = tf.argmax(digit_logits, axis=1)
        total = 0.0
        if adversarial:
            total += (-bce(tf.zeros_like(source_logits), source_logits) if saturating
                      else bce(tf.fill(tf.shape(source_logits), target), source_logits))
        if classify:
            total += class_sign * cce(labels, digit_logits)
        return total / 2 if halve else total

    return loss


def _g_loss_numpy(source_logits, digit_logits, labels):
    """The same loss from the formulas: softplus and log-softmax in NumPy."""
    s, d = np.asarray(source_logits, "float64"), np.asarray(digit_logits, "float64")
    log_p = d - d.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    return np.mean(np.logaddexp(0, -s)) - np.mean(log_p[np.arange(len(labels)), labels])


def test_ex09_g_loss_accepts_keras_and_the_formula(capsys):
    pytest.importorskip("tensorflow")
    assert exercises.ex09_g_loss(_g_loss())
    assert exercises.ex09_g_loss(_g_loss_numpy)
    assert capsys.readouterr().out.count("✅") == 2


@pytest.mark.parametrize("kwargs, hint", [
    (dict(target=0.0), "wrong way"),                        # BCE toward "fake"
    (dict(class_sign=-1.0), "added, not subtracted"),       # G maximising the class loss
    (dict(saturating=True), "saturating form"),             # -BCE(0): log(1 - D)
    (dict(classify=False), "class term is missing"),
    (dict(adversarial=False), "adversarial term is missing"),
    (dict(target=0.9), "no smoothing for G"),
    (dict(halve=True), "their mean"),
    (dict(labels_from_head=True), "head's own guesses"),
    (dict(target=0.0, class_sign=-1.0), "two terms, added"),   # D's view of the fakes, both signs flipped
])
def test_ex09_g_loss_rejects_wrong_answers(kwargs, hint, capsys):
    pytest.importorskip("tensorflow")
    assert not exercises.ex09_g_loss(_g_loss(**kwargs))
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def test_ex09_g_loss_no_softmax_unanswered_and_broken(capsys):
    pytest.importorskip("tensorflow")

    def no_softmax(source_logits, digit_logits, labels):
        s, d = np.asarray(source_logits, "float64"), np.asarray(digit_logits, "float64")
        return np.mean(np.logaddexp(0, -s)) - np.mean(d[np.arange(len(labels)), labels])

    assert not exercises.ex09_g_loss(no_softmax)
    assert "log softmax first" in capsys.readouterr().out
    assert not exercises.ex09_g_loss(...)
    assert "Not answered yet" in capsys.readouterr().out
    assert not exercises.ex09_g_loss(lambda s, d, y: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not exercises.ex09_g_loss(lambda s, d, y: d)                                   # not one number
    assert "one number" in capsys.readouterr().out
    assert not exercises.ex09_g_loss("g_loss")
