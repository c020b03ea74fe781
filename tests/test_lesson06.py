"""Lesson 06 (GAN on MNIST): the checkers of its exercises, with the wrong answers a student would give."""
import numpy as np
import pytest

from utils import exercises


# --- exercise 1: the optimal discriminator under one-sided label smoothing -----------------------------
def test_ex06_smoothed_optimal_d_accepts_the_smoothed_d_star(capsys):
    assert exercises.ex06_smoothed_optimal_d(0.9 * 0.3 / (0.3 + 0.1), p_data=0.3, p_g=0.1)
    assert exercises.ex06_smoothed_optimal_d(0.675)
    assert exercises.ex06_smoothed_optimal_d(0.45, p_data=0.2, p_g=0.2)          # equilibrium: 0.9 / 2
    assert exercises.ex06_smoothed_optimal_d(np.float32(0.45), p_data=0.7, p_g=0.7)
    assert capsys.readouterr().out.count("✅") == 4


@pytest.mark.parametrize("answer, p_data, p_g, hint", [
    (0.75, 0.3, 0.1, "without smoothing"),                 # lesson 05's D*
    (0.5, 0.2, 0.2, "without smoothing"),                  # the unsmoothed equilibrium
    (0.9 * 0.3 / (0.9 * 0.3 + 0.1), 0.3, 0.1, "0.1·p_data + p_g"),   # forgot the real samples' 0.1 of target 0
    (0.9 * 0.1 / (0.3 + 0.1), 0.3, 0.1, "on top"),         # p_g on top
    (1 - 0.675, 0.3, 0.1, "on top"),
    (0.67, 0.3, 0.1, "D = a / (a + b)"),                   # truncated
    (0.68, 0.3, 0.1, "D = a / (a + b)"),
    (0.45, 0.3, 0.1, "D = a / (a + b)"),                   # the equilibrium value where it does not apply
    (0.9, 0.3, 0.1, "D = a / (a + b)"),
])
def test_ex06_smoothed_optimal_d_rejects_wrong_answers(answer, p_data, p_g, hint, capsys):
    assert not exercises.ex06_smoothed_optimal_d(answer, p_data=p_data, p_g=p_g)
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def test_ex06_smoothed_optimal_d_unanswered_and_not_a_number(capsys):
    assert not exercises.ex06_smoothed_optimal_d(...)
    assert not exercises.ex06_smoothed_optimal_d(None)
    assert "Not answered yet" in capsys.readouterr().out
    assert not exercises.ex06_smoothed_optimal_d("most of it")
    assert "give a number" in capsys.readouterr().out



def test_ex06_smoothed_optimal_d_two_sided_accepts(capsys):
    """Both labels smoothed (fake target 0.1): D* = (0.9 p_data + 0.1 p_g) / (p_data + p_g)."""
    assert exercises.ex06_smoothed_optimal_d(0.7, p_data=0.3, p_g=0.1, fake_label=0.1)
    assert exercises.ex06_smoothed_optimal_d((0.9 * 0.3 + 0.1 * 0.1) / 0.4, p_data=0.3, p_g=0.1, fake_label=0.1)
    assert exercises.ex06_smoothed_optimal_d(0.1, p_data=0.0, p_g=0.2, fake_label=0.1)
    assert exercises.ex06_smoothed_optimal_d(0.5, p_data=0.2, p_g=0.2, fake_label=0.1)   # (0.9 + 0.1) / 2
    out = capsys.readouterr().out
    assert out.count("✅") == 4 and "not 0" in out          # where only fakes are, D* = 0.1
    assert "a constant" in out and "no gradient" in out      # ... flat there: no pull towards the data


@pytest.mark.parametrize("answer, p_data, p_g, hint", [
    (0.675, 0.3, 0.1, "one-sided"),                        # section 2's one-sided D*
    (0.0, 0.0, 0.2, "one-sided"),                          # ... where only fakes are
    (0.75, 0.3, 0.1, "without smoothing"),                 # lesson 05's D*
    ((0.27 + 0.01) / (0.27 + 0.1), 0.3, 0.1, "0.1 share"), # forgot the real samples' 0.1 of target 0
    (0.3, 0.3, 0.1, "on top"),                             # 1 - D*, or the shares swapped
    (0.9, 0.0, 0.2, "on top"),
    (0.69, 0.3, 0.1, "D = a / (a + b)"),                   # truncated
    (0.02, 0.0, 0.2, "D = a / (a + b)"),                   # 0.1 · p_g, not divided by p_data + p_g
])
def test_ex06_smoothed_optimal_d_two_sided_rejects(answer, p_data, p_g, hint, capsys):
    assert not exercises.ex06_smoothed_optimal_d(answer, p_data=p_data, p_g=p_g, fake_label=0.1)
    out = capsys.readouterr().out
    assert "❌" in out and hint in out

# --- exercise 2: the discriminator's loss -------------------------------------------------------------
def _keras_loss(real_label, fake_label, squash=False, halve=False):
    """A discriminator loss written with Keras, right or (with other labels, sigmoid outputs taken as
    logits, or the mean instead of the sum) wrong."""
    import keras
    import tensorflow as tf

    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def loss(real_logits, fake_logits):
        if squash:
            real_logits, fake_logits = tf.sigmoid(real_logits), tf.sigmoid(fake_logits)
        total = (bce(tf.fill(tf.shape(real_logits), real_label), real_logits)
                 + bce(tf.fill(tf.shape(fake_logits), fake_label), fake_logits))
        return total / 2 if halve else total

    return loss


def _softplus_loss(real_logits, fake_logits):
    real, fake = np.asarray(real_logits, "float64"), np.asarray(fake_logits, "float64")
    return (np.mean(0.9 * np.logaddexp(0, -real) + 0.1 * np.logaddexp(0, real))
            + np.mean(np.logaddexp(0, fake)))


def _pooled_loss(real_logits, fake_logits):
    """Right labels, but one mean over both batches together: wrong when they differ in size."""
    import keras
    import tensorflow as tf

    logits = tf.concat([real_logits, fake_logits], axis=0)
    labels = tf.concat([tf.fill(tf.shape(real_logits), 0.9), tf.zeros_like(fake_logits)], axis=0)
    return 2 * keras.losses.BinaryCrossentropy(from_logits=True)(labels, logits)


def test_ex06_discriminator_loss_accepts_keras_and_the_formula(capsys):
    assert exercises.ex06_discriminator_loss(_keras_loss(0.9, 0.0))       # as the notebook's train step
    assert exercises.ex06_discriminator_loss(_softplus_loss)              # from the formula, in NumPy
    assert capsys.readouterr().out.count("✅") == 2


@pytest.mark.parametrize("loss, hint", [
    (_keras_loss(1.0, 0.0), "not 1"),                      # no smoothing
    (_keras_loss(0.9, 0.1), "one-sided"),                  # smoothing the fake labels too
    (_keras_loss(0.0, 0.9), "swapped"),                    # real and fake swapped
    (_keras_loss(0.9, 0.0, squash=True), "sigmoid"),       # sigmoid outputs treated as logits
    (_keras_loss(0.9, 0.0, halve=True), "their mean"),     # the mean of the two terms
    (_pooled_loss, "its own batch"),                       # one mean over both batches
    (lambda real, fake: float(np.mean(np.asarray(real))), "softplus"),
])
def test_ex06_discriminator_loss_rejects_wrong_losses(loss, hint, capsys):
    assert not exercises.ex06_discriminator_loss(loss)
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def test_ex06_discriminator_loss_unanswered_raising_and_not_a_number(capsys):
    assert not exercises.ex06_discriminator_loss(...)
    assert not exercises.ex06_discriminator_loss(lambda real, fake: None)
    assert "Not answered yet" in capsys.readouterr().out
    assert not exercises.ex06_discriminator_loss(lambda real, fake: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not exercises.ex06_discriminator_loss(lambda real, fake: np.concatenate([real, fake]))   # per sample
    assert "one number" in capsys.readouterr().out
    assert not exercises.ex06_discriminator_loss(len)
    assert "raised" in capsys.readouterr().out
