"""Lesson 02's plumbing: utils.cnn (perturbations, live curves, plots) and its exercise checkers."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

import utils
from utils import cnn, exercises


@pytest.fixture
def digit():
    """A 28x28 uint8 test image: a bright bar with empty borders, asymmetric so rotations show."""
    image = np.zeros((28, 28), np.uint8)
    image[6:22, 12:15] = 255
    image[6:9, 15:20] = 200
    return image


# --- perturb -----------------------------------------------------------------------------------
def test_no_perturbation_only_scales(digit):
    out = cnn.perturb(digit)
    assert out.dtype == np.float32 and out.shape == (28, 28)
    np.testing.assert_allclose(out, digit / 255.0, atol=1e-7)
    np.testing.assert_allclose(cnn.perturb(digit[..., None] / 255.0), out, atol=1e-7)  # (H, W, 1) floats too


def test_rotation_matches_numpy(digit):
    np.testing.assert_allclose(cnn.perturb(digit, angle=90), np.rot90(digit) / 255.0, atol=1e-6)  # counter-clockwise
    np.testing.assert_allclose(cnn.perturb(digit, angle=-90), np.rot90(digit, -1) / 255.0, atol=1e-6)
    np.testing.assert_allclose(cnn.perturb(digit, angle=180), np.rot90(digit, 2) / 255.0, atol=1e-6)
    np.testing.assert_allclose(cnn.perturb(digit, angle=360), digit / 255.0, atol=1e-6)
    small = cnn.perturb(digit, angle=10)
    assert 0 <= small.min() and small.max() <= 1 and abs(small.sum() - digit.sum() / 255) / (digit.sum() / 255) < 0.05


def test_shift_moves_right_and_down(digit):
    expected = np.zeros((28, 28))
    expected[2:, 3:] = digit[:-2, :-3] / 255.0
    np.testing.assert_allclose(cnn.perturb(digit, shift=(3, 2)), expected, atol=1e-6)
    expected = np.zeros((28, 28))
    expected[:, :-4] = digit[:, 4:] / 255.0
    np.testing.assert_allclose(cnn.perturb(digit, shift=(-4, 0)), expected, atol=1e-6)
    assert cnn.perturb(digit, shift=(28, 0)).max() == 0  # moved out of the picture


def test_erase_blanks_a_square(digit):
    full = np.ones((28, 28), np.float32)
    out = cnn.perturb(full, erase=4)
    assert (out == 0).sum() == 16 and out[12:16, 12:16].max() == 0
    out = cnn.perturb(full, erase=6, erase_at=(0, 0))  # clipped at the corner
    assert (out == 0).sum() == 9 and out[:3, :3].max() == 0
    assert cnn.perturb(full, erase=28).max() == 0


def test_noise_is_seeded_and_clipped(digit):
    a, b = cnn.perturb(digit, noise=0.3), cnn.perturb(digit, noise=0.3)
    c = cnn.perturb(digit, noise=0.3, seed=1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c) and a.min() >= 0 and a.max() <= 1
    assert 0.15 < np.std(cnn.perturb(np.full((28, 28), 0.5, np.float32), noise=0.2) - 0.5) < 0.25


@pytest.mark.parametrize("image, kwargs, message", [
    (np.zeros((2, 28, 28)), {}, r"one image.*\(2, 28, 28\)"),
    (np.zeros(28), {}, "one image"),
    (np.full((28, 28), 2.0), {}, r"\[0, 1\]"),
    (np.full((28, 28), np.nan), {}, r"finite values in \[0, 1\]"),
    (np.zeros((28, 28), np.int16), {}, "uint8"),
    (np.zeros((28, 28)), {"noise": -0.1}, "noise must be"),
    (np.zeros((28, 28)), {"noise": float("inf")}, "noise must be"),
    (np.zeros((28, 28)), {"shift": 3}, r"shift must be a pair"),
    (np.zeros((28, 28)), {"shift": (1, 2, 3)}, r"shift must be a pair"),
    (np.zeros((28, 28)), {"shift": (100, 0)}, "shift must be"),
    (np.zeros((28, 28)), {"angle": "45"}, "angle must be"),
    (np.zeros((28, 28)), {"angle": True}, "angle must be"),
    (np.zeros((28, 28)), {"erase": -1}, "erase must be"),
    (np.zeros((28, 28)), {"erase": 29}, "erase must be"),
    (np.zeros((28, 28)), {"erase": 2.5}, "whole number"),
    (np.zeros((28, 28)), {"erase": 3, "erase_at": 5}, "erase_at must be a pair"),
    (np.zeros((28, 28)), {"noise": 0.1, "seed": 1.5}, "seed must be"),
])
def test_perturb_bad_input(image, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cnn.perturb(image, **kwargs)


# --- live curves and plots ---------------------------------------------------------------------
def test_live_curves_records_and_prints_outside_a_notebook(capsys):
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.random.default_rng(0).normal(size=(32, 4)), np.arange(32) % 2
    callback = cnn.live_curves()
    model.fit(x, y, batch_size=8, epochs=2, validation_data=(x, y), callbacks=[callback], verbose=0)
    assert len(callback.history["loss"]) == 2 and len(callback.history["val_accuracy"]) == 2
    out = capsys.readouterr().out
    assert "epoch 1/2" in out and "epoch 2/2" in out and "val_accuracy" in out
    png = cnn._curves_png(callback.history, ("loss", "accuracy"), "t", 2)
    assert png[:4] == b"\x89PNG"


def test_plots_and_their_bad_input():
    matrix = np.diag(np.full(10, 90)) + 1
    ax = cnn.plot_confusion_matrix(matrix)
    assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit"
    with pytest.raises(ValueError, match="square"):
        cnn.plot_confusion_matrix(np.zeros((3, 4)))
    fig, ax = plt.subplots()
    cnn.plot_probabilities(ax, np.eye(10)[3], true=3)
    assert "prediction: 3" in ax.get_title()
    with pytest.raises(ValueError, match="10 probabilities"):
        cnn.plot_probabilities(ax, np.ones(9) / 9)
    plt.close("all")


# --- exercises (lesson 02) ---------------------------------------------------------------------
def test_lesson02_checkers(capsys):
    assert exercises.ex02_conv_params(18496)
    assert not exercises.ex02_conv_params(18432)  # forgot the biases
    assert not exercises.ex02_conv_params("many") and not exercises.ex02_conv_params(...)
    assert exercises.ex02_conv_params(320, size=3, in_channels=1, filters=32)
    assert exercises.ex02_output_shape((12, 12, 16)) and exercises.ex02_output_shape([12, 12, 16])
    assert not exercises.ex02_output_shape((24, 24, 16)) and not exercises.ex02_output_shape((14, 14, 16))
    assert not exercises.ex02_output_shape(12) and not exercises.ex02_output_shape(None)
    matrix = np.diag([90, 80, 95, 99, 99, 99, 99, 99, 99, 99]) + 1
    assert exercises.ex02_hardest_digit(1, matrix) and not exercises.ex02_hardest_digit(0, matrix)
    assert not exercises.ex02_hardest_digit("one", matrix)
    with pytest.raises(ValueError, match="square"):
        exercises.ex02_hardest_digit(1, np.zeros((2, 3)))
    text = capsys.readouterr().out
    assert "✅" in text and "❌" in text and "Not answered yet" in text and "bias" in text


def test_batchnorm_checker():
    good = lambda x, g, b, m, v, eps: g * (x - m) / np.sqrt(v + eps) + b  # noqa: E731
    batch = lambda x, g, b, m, v, eps: g * (x - x.mean((0, 1, 2))) / np.sqrt(x.var((0, 1, 2)) + eps) + b  # noqa: E731
    assert exercises.ex02_batchnorm_inference(good)
    assert not exercises.ex02_batchnorm_inference(batch)  # training-mode statistics
    assert not exercises.ex02_batchnorm_inference(lambda x, g, b, m, v, eps: (x - m) / np.sqrt(v + eps))
    assert not exercises.ex02_batchnorm_inference(lambda *a: None)  # the unfilled stub
    assert not exercises.ex02_batchnorm_inference(lambda *a: 1 / 0)
    assert not exercises.ex02_batchnorm_inference("not a function")


def test_weight_gradient_checker():
    good = lambda x, d: np.array([[np.sum(d * x[u:u + 3, v:v + 3]) for v in range(3)] for u in range(3)])  # noqa: E731
    assert exercises.ex02_weight_gradient(good)
    assert not exercises.ex02_weight_gradient(lambda x, d: good(x, d)[::-1, ::-1])  # flipped
    assert not exercises.ex02_weight_gradient(lambda x, d: np.zeros((5, 5)))
    assert not exercises.ex02_weight_gradient(lambda x, d: None)
    assert not exercises.ex02_weight_gradient(...)


def test_exported_from_utils():
    assert utils.cnn is cnn and callable(utils.exercises.ex02_weight_gradient)
