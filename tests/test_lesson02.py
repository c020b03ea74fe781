"""Lesson 02's plumbing: utils.cnn (perturbations, live curves, plots) and its exercise checkers."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

import utils
from utils import cnn, exercises, live, viz


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
    (np.full((28, 28), np.nan), {}, "NaN"),
    (np.full((28, 28), 300, np.int16), {}, r"outside \(0, 255\)"),
    (np.full((28, 28), -0.5), {}, r"outside \(0, 1\)"),
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
    callback = live.live_curves()
    model.fit(x, y, batch_size=8, epochs=2, validation_data=(x, y), callbacks=[callback], verbose=0)
    assert len(callback.history["loss"]) == 2 and len(callback.history["val_accuracy"]) == 2
    out = capsys.readouterr().out
    assert "epoch 1/2" in out and "epoch 2/2" in out and "val_accuracy" in out
    png = callback._png()                                   # one renderer for both live views (utils.live)
    assert png[:4] == b"\x89PNG"


def test_plots_and_their_bad_input():
    matrix = np.diag(np.full(10, 90)) + 1
    ax = viz.plot_confusion_matrix(matrix)
    assert ax.get_xlabel() == "predicted digit" and ax.get_ylabel() == "true digit"
    with pytest.raises(ValueError, match="square"):
        viz.plot_confusion_matrix(np.zeros((3, 4)))
    fig, ax = plt.subplots()
    viz.plot_probabilities(ax, np.eye(10)[3], true=3)
    assert "prediction: 3" in ax.get_title()
    with pytest.raises(ValueError, match="10 probabilities"):
        viz.plot_probabilities(ax, np.ones(9) / 9)
    plt.close("all")


# --- exercises (lesson 02) ---------------------------------------------------------------------
def test_lesson02_checkers(capsys):
    # Exercise 1: conv2 with 48 filters of 5x5 on conv1's 32 channels, a count printed nowhere in the notebook.
    assert exercises.ex02_conv_params(38448) and exercises.ex02_conv_params(38448.0)
    assert exercises.ex02_conv_params(np.int64(38448))
    assert not exercises.ex02_conv_params(38400)  # forgot the biases
    assert not exercises.ex02_conv_params(38401)  # one bias for the whole layer
    assert not exercises.ex02_conv_params((5 * 5 + 1) * 32 * 48)  # a bias for each input channel
    assert not exercises.ex02_conv_params((5 * 5 + 1) * 48)  # forgot the input channels
    assert not exercises.ex02_conv_params((5 * 5 * 48 + 1) * 48)  # the layer's own filters as its input channels
    assert not exercises.ex02_conv_params((3 * 3 * 32 + 1) * 48)  # the old 3x3 kernels
    assert not exercises.ex02_conv_params((5 * 5 * 32 + 1) * 32)  # the old 32 filters
    assert not exercises.ex02_conv_params(38447.9) and not exercises.ex02_conv_params(38448.5)  # not whole
    assert not exercises.ex02_conv_params(18496) and not exercises.ex02_conv_params(9248)  # conv3's and conv2's printed counts
    assert not exercises.ex02_conv_params("many") and not exercises.ex02_conv_params(...)
    assert exercises.ex02_conv_params(320, size=3, in_channels=1, filters=32)
    assert exercises.ex02_conv_params(18496, size=3, in_channels=32, filters=64)
    assert not exercises.ex02_conv_params(True, size=1, in_channels=0, filters=1)  # True == 1 must not pass
    assert exercises.ex02_output_shape((12, 12, 16)) and exercises.ex02_output_shape([12, 12, 16])
    assert exercises.ex02_output_shape(np.array([12, 12, 16]))
    assert not exercises.ex02_output_shape((24, 24, 16)) and not exercises.ex02_output_shape((14, 14, 16))
    assert not exercises.ex02_output_shape(12) and not exercises.ex02_output_shape(None)
    assert not exercises.ex02_output_shape((12.9, 12, 16)) and not exercises.ex02_output_shape((12, 12))
    assert not exercises.ex02_output_shape((12, 12.5, 16)) and not exercises.ex02_output_shape((12, 12, 1))
    assert not exercises.ex02_output_shape((16, 12, 12))  # channels first
    assert not exercises.ex02_output_shape("(12, 12, 16)")
    matrix = np.diag([90, 80, 95, 99, 99, 99, 99, 99, 99, 99]) + 1
    assert exercises.ex02_hardest_digit(1, matrix) and not exercises.ex02_hardest_digit(0, matrix)
    assert not exercises.ex02_hardest_digit("one", matrix)
    assert exercises.ex02_hardest_digit(1.0, matrix)
    assert not exercises.ex02_hardest_digit(1.5, matrix) and not exercises.ex02_hardest_digit(11, matrix)
    assert not exercises.ex02_hardest_digit(True, matrix) and not exercises.ex02_hardest_digit(np.True_, matrix)
    # Digit 5 has the fewest correct answers (50) but is small (52 images): 96 % right. Digit 1 has
    # 80 of 110 right (73 %), the lowest share. Digit 4 is the most frequent wrong prediction.
    uneven = np.diag([100, 80, 100, 100, 100, 50, 100, 100, 100, 100])
    uneven[1, 4], uneven[5, 4], uneven[9, 4] = 30, 2, 10
    assert exercises.ex02_hardest_digit(1, uneven)
    assert not exercises.ex02_hardest_digit(5, uneven)  # the raw diagonal count, not the share
    assert not exercises.ex02_hardest_digit(4, uneven)  # the most frequent wrong prediction (a column)
    with pytest.raises(ValueError, match="square"):
        exercises.ex02_hardest_digit(1, np.zeros((2, 3)))
    text = capsys.readouterr().out
    assert "✅" in text and "❌" in text and "Not answered yet" in text and "bias" in text
    assert "each input channel" in text and "input channels" in text and "come *in*" in text and "not 3×3" in text
    assert "row sum" in text and "column" in text


def _max_pool(x):
    n, h, w, c = x.shape
    return x[:, :h // 2 * 2, :w // 2 * 2].reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def test_max_pool_checker(capsys):
    assert exercises.ex02_max_pool(_max_pool)
    assert exercises.ex02_max_pool(lambda x: _max_pool(x).tolist())  # nested lists are fine
    n_h_w_c = lambda x: x.shape  # noqa: E731
    wrong = {
        "average pooling": lambda x: _max_pool(-x) * 0 + x[:, :x.shape[1] // 2 * 2, :x.shape[2] // 2 * 2]
        .reshape(x.shape[0], x.shape[1] // 2, 2, x.shape[2] // 2, 2, x.shape[3]).mean(axis=(2, 4)),
        "min pooling": lambda x: -_max_pool(-x),
        "top-left value": lambda x: x[:, :x.shape[1] // 2 * 2:2, :x.shape[2] // 2 * 2:2],
        "stride 1": lambda x: np.maximum(np.maximum(x[:, 1:, 1:], x[:, :-1, :-1]), np.maximum(x[:, 1:, :-1], x[:, :-1, 1:])),
        "channels pooled away": lambda x: _max_pool(x).max(axis=-1),
        "odd edge padded": lambda x: _max_pool(np.pad(x, ((0, 0), (0, n_h_w_c(x)[1] % 2), (0, n_h_w_c(x)[2] % 2), (0, 0)),
                                                      constant_values=-np.inf)),
        "wrong reshape order": lambda x: x[:, :x.shape[1] // 2 * 2, :x.shape[2] // 2 * 2]
        .reshape(x.shape[0], 2, x.shape[1] // 2, 2, x.shape[2] // 2, x.shape[3]).max(axis=(1, 3)),
        "height and width swapped": lambda x: _max_pool(x).transpose(0, 2, 1, 3),
        "rounded": lambda x: np.round(_max_pool(x), 1),
        "raises": lambda x: 1 / 0,
        "the stub": lambda x: None,
    }
    for name, fn in wrong.items():
        assert not exercises.ex02_max_pool(fn), name
    assert not exercises.ex02_max_pool(...) and not exercises.ex02_max_pool("not a function")
    text = capsys.readouterr().out
    assert "average pooling" in text and "top-left" in text and "overlap" in text and "channels must stay" in text
    assert "dropped" in text


def test_exported_from_utils():
    assert utils.cnn is cnn
    for name in exercises.lesson02.__all__:
        assert callable(getattr(utils.exercises, name)), name
