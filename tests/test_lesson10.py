"""Lesson 10 (DCGAN): the checkers, each against TensorFlow's own answer and against the wrong answers a
student would plausibly give."""
import numpy as np
import pytest

from utils import exercises
from utils.exercises import lesson10

keras = pytest.importorskip("keras")


def test_ex10_conv_transpose_params_matches_keras_and_rejects_wrong_counts(capsys):
    layer = keras.layers.Conv2DTranspose(64, 4, strides=2, padding="same")
    layer.build((None, 7, 7, 128))
    truth = layer.count_params()
    assert truth == 4 * 4 * 128 * 64 + 64
    assert exercises.ex10_conv_transpose_params(truth) and exercises.ex10_conv_transpose_params(float(truth))
    wrong = {4 * 4 * 128 * 64: "bias", 4 * 4 * 128 * 64 + 128: "*output* channel", 4 * 4 * 64 + 64: "*every* input channel",
             4 * 4 * 128 + 128: "its own", 14 * 14 * 64: "outputs", 49 * truth: "shared", truth + 0.9: "Not yet"}
    for answer, words in wrong.items():
        capsys.readouterr()
        assert not exercises.ex10_conv_transpose_params(answer), answer
        assert words in capsys.readouterr().out, answer
    assert not exercises.ex10_conv_transpose_params(...)
    assert not exercises.ex10_conv_transpose_params("many")


def test_ex10_bn_reference_is_keras_inference_mode():
    x, gamma, beta, mean, var = lesson10._bn_case()
    bn = keras.layers.BatchNormalization()                    # epsilon 1e-3, as the checker assumes
    bn.build(x.shape)
    bn.set_weights([gamma, beta, mean, var])
    np.testing.assert_allclose(lesson10._bn_reference(x, gamma, beta, mean, var), bn(x, training=False).numpy(),
                               rtol=1e-4, atol=1e-4)
    assert not np.allclose(bn(x, training=True).numpy(), bn(x, training=False).numpy(), atol=1e-2)


def test_ex10_bn_inference_accepts_the_formula_and_rejects_wrong_ones(capsys):
    def right(x, gamma, beta, mean, var):
        return gamma * (x - mean) / np.sqrt(var + 1e-3) + beta

    def keras_layer(x, gamma, beta, mean, var):
        bn = keras.layers.BatchNormalization()
        bn.build(x.shape)
        bn.set_weights([gamma, beta, mean, var])
        return bn(x, training=False)                          # a tensor: the checker takes .numpy()

    assert exercises.ex10_bn_inference(right) and exercises.ex10_bn_inference(keras_layer)
    wrong = {
        "training mode": lambda x, g, b, m, v: g * (x - x.mean((0, 1, 2))) / np.sqrt(x.var((0, 1, 2)) + 1e-3) + b,
        "epsilon": lambda x, g, b, m, v: g * (x - m) / np.sqrt(v) + b,
        "not by the variance": lambda x, g, b, m, v: g * (x - m) / (v + 1e-3) + b,
        "swapped": lambda x, g, b, m, v: b * (x - m) / np.sqrt(v + 1e-3) + g,
        "scale by gamma": lambda x, g, b, m, v: (x - m) / np.sqrt(v + 1e-3),
        "broadcasts": lambda x, g, b, m, v: g * (x - m.mean()) / np.sqrt(v.mean() + 1e-3) + b,   # not per channel
        "shape": lambda x, g, b, m, v: (g * (x - m) / np.sqrt(v + 1e-3) + b).mean(axis=0),
        "raised": lambda x, g, b, m, v: 1 / 0,
    }
    for words, fn in wrong.items():
        capsys.readouterr()
        assert not exercises.ex10_bn_inference(fn), words
        assert words in capsys.readouterr().out, words
    assert not exercises.ex10_bn_inference(...)
    assert not exercises.ex10_bn_inference(lambda *args: None)


def test_ex10_broken_rule(capsys):
    assert exercises.ex10_broken_rule(4) and exercises.ex10_broken_rule("4")
    for answer, words in [(5, "discriminator"), (2, "rule 2 holds"), (1, "rule 1 holds"), (3, "rule 3 holds"),
                          (4.5, "1 to 5"), ("ReLU", "whole number")]:
        capsys.readouterr()
        assert not exercises.ex10_broken_rule(answer), answer
        assert words in capsys.readouterr().out, answer
    assert not exercises.ex10_broken_rule(...)
