"""Lesson 07 (CGAN): the "write a number" helpers, per-class accuracy of the judge, and the checkers."""
import numpy as np
import pytest

from utils import exercises, gan


# --- text_to_labels and paste_row -------------------------------------------------------------------
def test_text_to_labels_keeps_digits_and_turns_separators_into_gaps():
    assert gan.text_to_labels("2026").tolist() == [2, 0, 2, 6]
    assert gan.text_to_labels(" 555-01 99 ").tolist() == [5, 5, 5, -1, 0, 1, -1, 9, 9]
    assert gan.text_to_labels("1.2/3:4,5").tolist() == [1, -1, 2, -1, 3, -1, 4, -1, 5]
    assert gan.text_to_labels("--").tolist() == [gan.GAP, gan.GAP]


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("   ", "empty"), ("12a4", r"'a' at position 3"), (2026, "must be a string"),
    ("1" * 41, "at most 40"),
])
def test_text_to_labels_bad_input(text, message):
    with pytest.raises(ValueError, match=message):
        gan.text_to_labels(text)


def test_paste_row_places_digits_and_half_width_gaps():
    images = np.stack([np.full((28, 28), v, "float32") for v in (-1.0, 1.0, 0.0)])   # [-1, 1]: black, white, grey
    row = gan.paste_row(images, gan.text_to_labels("12-3"))
    assert row.shape == (28, 3 * 28 + 14) and row.dtype == np.float32
    np.testing.assert_allclose(row[:, :28], 0.0)
    np.testing.assert_allclose(row[:, 28:56], 1.0)
    np.testing.assert_allclose(row[:, 56:70], 0.0)                                   # the gap
    np.testing.assert_allclose(row[:, 70:], 0.5)
    assert gan.paste_row(images[:1, :, :, None], np.array([7])).shape == (28, 28)     # a channel axis is fine
    assert gan.paste_row(np.zeros((0, 28, 28)), np.array([-1, -1])).shape == (28, 28)  # gaps only


@pytest.mark.parametrize("images, labels, message", [
    (np.zeros((2, 28, 28)), [1, 2, 3], "one image for each of the 3 digits"),
    (np.zeros((1, 28, 28)), [10], "digits 0-9 and gaps"),
    (np.zeros((1, 28, 28)), [1.5], "digits 0-9 and gaps"),
    (np.zeros((1, 28, 28)), [], "digits 0-9 and gaps"),
    (np.zeros((28, 28)), [1], "one image for each"),
])
def test_paste_row_bad_input(images, labels, message):
    with pytest.raises(ValueError, match=message):
        gan.paste_row(images, np.asarray(labels))


# --- per-class accuracy of the judge ------------------------------------------------------------------
def test_per_class_accuracy_counts_each_digit_and_gives_nan_for_missing(monkeypatch):
    from utils import judge

    probs = np.eye(10)[[0, 0, 1, 2, 2, 2]]                      # the judge reads 0 0 1 2 2 2
    monkeypatch.setattr(judge, "predict_proba", lambda x, j=None, v=None: probs)
    acc = judge.per_class_accuracy(np.zeros((6, 28, 28), "uint8"), [0, 1, 1, 2, 2, 3], judge=object())
    np.testing.assert_allclose(acc[:4], [1.0, 0.5, 1.0, 0.0])
    assert np.isnan(acc[4:]).all()
    with pytest.raises(ValueError, match="labels must have shape"):
        judge.per_class_accuracy(np.zeros((6, 28, 28), "uint8"), [0, 1], judge=object())


# --- checkers -----------------------------------------------------------------------------------------
def test_ex07_concat_size(capsys):
    assert exercises.ex07_concat_size(150)
    assert not exercises.ex07_concat_size(100)
    assert "size with multiplication" in capsys.readouterr().out
    assert not exercises.ex07_concat_size(...)
    assert not exercises.ex07_concat_size("many")


def test_ex07_grid_labels(capsys):
    assert exercises.ex07_grid_labels(np.repeat(np.arange(10), 10))
    assert not exercises.ex07_grid_labels(np.tile(np.arange(10), 10))
    assert "np.tile" in capsys.readouterr().out
    assert not exercises.ex07_grid_labels(np.arange(10))
    assert not exercises.ex07_grid_labels(np.zeros(100, int))
    assert not exercises.ex07_grid_labels(...)


def _generator(combine):
    import keras
    from keras import layers

    z, y = keras.Input((100,)), keras.Input((), dtype="int32")
    if combine == "concat":
        h = layers.Concatenate()([z, layers.Embedding(10, 50)(y)])
    elif combine == "multiply":
        h = layers.Multiply()([z, layers.Embedding(10, 100)(y)])
    else:  # ignores the label
        h = layers.Concatenate()([z, layers.Embedding(10, 50)(y) * 0.0])
    return keras.Model([z, y], layers.Reshape((28, 28, 1))(layers.Dense(784, activation="tanh")(h)))


def test_ex07_concat_generator(capsys):
    pytest.importorskip("keras")
    assert exercises.ex07_concat_generator(lambda: _generator("concat"))
    assert not exercises.ex07_concat_generator(lambda: _generator("multiply"))
    assert "still multiplies" in capsys.readouterr().out
    assert not exercises.ex07_concat_generator(lambda: _generator("ignore"))
    assert "does not change with the label" in capsys.readouterr().out
    assert not exercises.ex07_concat_generator(lambda: 42)
    assert not exercises.ex07_concat_generator(lambda: 1 / 0)
    assert not exercises.ex07_concat_generator("build")
    assert not exercises.ex07_concat_generator(...)

