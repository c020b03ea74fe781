"""Lesson 10 (DCGAN): the checkers, each against TensorFlow's own answer and against the wrong answers a
student would plausibly give."""
import pytest

from utils import exercises

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


def test_ex10_broken_rule(capsys):
    assert exercises.ex10_broken_rule(4) and exercises.ex10_broken_rule("4")
    for answer, words in [(5, "discriminator"), (2, "rule 2 holds"), (1, "rule 1 holds"), (3, "rule 3 holds"),
                          (4.5, "1 to 5"), ("ReLU", "whole number")]:
        capsys.readouterr()
        assert not exercises.ex10_broken_rule(answer), answer
        assert words in capsys.readouterr().out, answer
    assert not exercises.ex10_broken_rule(...)
