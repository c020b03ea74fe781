"""Lesson 07 (CGAN): the "write a number" helpers, per-class accuracy of the judge, and the checkers."""
import numpy as np
import pytest

from utils import cgan, exercises


# --- text_to_labels and paste_row -------------------------------------------------------------------
def test_text_to_labels_keeps_digits_and_turns_separators_into_gaps():
    assert cgan.text_to_labels("2026").tolist() == [2, 0, 2, 6]
    assert cgan.text_to_labels(" 555-01 99 ").tolist() == [5, 5, 5, -1, 0, 1, -1, 9, 9]
    assert cgan.text_to_labels("1.2/3:4,5").tolist() == [1, -1, 2, -1, 3, -1, 4, -1, 5]
    assert cgan.text_to_labels("--").tolist() == [cgan.GAP, cgan.GAP]


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("   ", "empty"), ("12a4", r"'a' at position 3"), (2026, "must be a string"),
    ("1" * 41, "at most 40"),
])
def test_text_to_labels_bad_input(text, message):
    with pytest.raises(ValueError, match=message):
        cgan.text_to_labels(text)


def test_paste_row_places_digits_and_half_width_gaps():
    images = np.stack([np.full((28, 28), v, "float32") for v in (-1.0, 1.0, 0.0)])   # [-1, 1]: black, white, grey
    row = cgan.paste_row(images, cgan.text_to_labels("12-3"))
    assert row.shape == (28, 3 * 28 + 14) and row.dtype == np.float32
    np.testing.assert_allclose(row[:, :28], 0.0)
    np.testing.assert_allclose(row[:, 28:56], 1.0)
    np.testing.assert_allclose(row[:, 56:70], 0.0)                                   # the gap
    np.testing.assert_allclose(row[:, 70:], 0.5)
    assert cgan.paste_row(images[:1, :, :, None], np.array([7])).shape == (28, 28)     # a channel axis is fine
    assert cgan.paste_row(np.zeros((0, 28, 28)), np.array([-1, -1])).shape == (28, 28)  # gaps only


@pytest.mark.parametrize("images, labels, message", [
    (np.zeros((2, 28, 28)), [1, 2, 3], "one image for each of the 3 digits"),
    (np.zeros((1, 28, 28)), [10], "digits 0-9 and gaps"),
    (np.zeros((1, 28, 28)), [1.5], "digits 0-9 and gaps"),
    (np.zeros((1, 28, 28)), [], "digits 0-9 and gaps"),
    (np.zeros((28, 28)), [1], "one image for each"),
])
def test_paste_row_bad_input(images, labels, message):
    with pytest.raises(ValueError, match=message):
        cgan.paste_row(images, np.asarray(labels))


# --- per-class accuracy of the judge ------------------------------------------------------------------
def test_per_class_accuracy_counts_each_digit_and_gives_nan_for_missing(monkeypatch):
    probs = np.eye(10)[[0, 0, 1, 2, 2, 2]]                      # the judge reads 0 0 1 2 2 2
    monkeypatch.setattr(cgan, "predict_proba", lambda x, j=None, v=None: probs)
    acc = cgan.per_class_accuracy(np.zeros((6, 28, 28), "uint8"), [0, 1, 1, 2, 2, 3], judge=object())
    np.testing.assert_allclose(acc[:4], [1.0, 0.5, 1.0, 0.0])
    assert np.isnan(acc[4:]).all()
    with pytest.raises(ValueError, match="labels must have shape"):
        cgan.per_class_accuracy(np.zeros((6, 28, 28), "uint8"), [0, 1], judge=object())


# --- checkers -----------------------------------------------------------------------------------------
# exercise 1: the optimal conditional discriminator -------------------------------------------------------
def test_ex07_conditional_optimal_d_accepts_both_values(capsys):
    assert exercises.ex07_conditional_optimal_d((0.9 * 0.5 / 0.7, 0.9 * 0.1 / 0.7))
    assert exercises.ex07_conditional_optimal_d([0.643, 0.129])                     # three decimals
    assert exercises.ex07_conditional_optimal_d(np.array([0.6429, 0.1286]))
    assert exercises.ex07_conditional_optimal_d((0.6, 0.15), p_1=0.4, q_1=0.2, p_7=0.1, q_7=0.5)
    assert capsys.readouterr().out.count("✅") == 4


@pytest.mark.parametrize("answer, hint", [
    ((0.5 / 0.7, 0.1 / 0.7), "without smoothing"),                   # p / (p + q)
    ((0.9 * 0.6 / 1.4, 0.9 * 0.6 / 1.4), "unconditional"),           # both labels pooled
    ((0.9 * 0.1 / 0.7, 0.9 * 0.5 / 0.7), "swapped"),
    ((0.9 * 0.5 / (0.45 + 0.2), 0.9 * 0.1 / (0.09 + 0.6)), "p + q, not 0.9"),
    ((0.5, 0.5), "equilibrium"),
    ((0.45, 0.45), "equilibrium"),
    ((1 - 0.9 * 0.5 / 0.7, 1 - 0.9 * 0.1 / 0.7), "on top"),
    ((0.64, 0.12), "three decimals"),                                # truncated to two decimals
    ((0.642, 0.128), "three decimals"),                              # truncated to three decimals
    ((0.643, 0.9), "D*(x | y) = 0.9"),
])
def test_ex07_conditional_optimal_d_rejects_wrong_answers(answer, hint, capsys):
    assert not exercises.ex07_conditional_optimal_d(answer)
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def test_ex07_conditional_optimal_d_unanswered_and_malformed(capsys):
    assert not exercises.ex07_conditional_optimal_d(...)
    assert not exercises.ex07_conditional_optimal_d((..., ...))
    assert capsys.readouterr().out.count("Not answered yet") == 2
    assert not exercises.ex07_conditional_optimal_d(0.643)
    assert not exercises.ex07_conditional_optimal_d(("high", "low"))
    assert capsys.readouterr().out.count("give two numbers") == 2


# exercise 2: the conditional discriminator's loss ----------------------------------------------------------
def _d_loss(real_target=0.9, fake_target=0.0, fake_with="fake_labels", real_with="real_labels", halve=False,
            terms=("real", "fake")):
    """A conditional discriminator loss as a student writes it, right or wrong in one way."""
    import keras
    import tensorflow as tf

    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def loss(discriminator, real, real_labels, fake, fake_labels):
        labels = {"real_labels": real_labels, "fake_labels": fake_labels}
        real_logits = discriminator([real, labels[real_with]], training=True)
        fake_logits = discriminator([fake, labels[fake_with]], training=True)
        total = 0.0
        if "real" in terms:
            total += bce(tf.fill(tf.shape(real_logits), real_target), real_logits)
        if "fake" in terms:
            total += bce(tf.fill(tf.shape(fake_logits), fake_target), fake_logits)
        return total / 2 if halve else total

    return loss


def _d_loss_numpy(discriminator, real, real_labels, fake, fake_labels):
    """The same loss from the formula: softplus on the logits, in NumPy."""
    r = np.asarray(discriminator([real, real_labels]), "float64")
    f = np.asarray(discriminator([fake, fake_labels]), "float64")
    return np.mean(0.9 * np.logaddexp(0, -r) + 0.1 * np.logaddexp(0, r)) + np.mean(np.logaddexp(0, f))


def test_ex07_d_loss_accepts_keras_and_the_formula(capsys):
    pytest.importorskip("tensorflow")
    assert exercises.ex07_d_loss(_d_loss())
    assert exercises.ex07_d_loss(_d_loss_numpy)
    assert capsys.readouterr().out.count("✅") == 2


@pytest.mark.parametrize("kwargs, hint", [
    (dict(fake_with="real_labels"), "the label it was made for"),          # fakes judged with the real labels
    (dict(fake_with="real_labels", real_with="fake_labels"), "labels are swapped"),
    (dict(real_target=1.0), "smoothed to 0.9"),
    (dict(fake_target=0.1), "one-sided"),
    (dict(real_target=0.0, fake_target=0.9), "targets are swapped"),
    (dict(halve=True), "their mean"),
    (dict(terms=("real",)), "fakes' term is missing"),
    (dict(terms=("fake",)), "real images' term is missing"),
])
def test_ex07_d_loss_rejects_wrong_answers(kwargs, hint, capsys):
    pytest.importorskip("tensorflow")
    assert not exercises.ex07_d_loss(_d_loss(**kwargs))
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def test_ex07_d_loss_unanswered_and_broken(capsys):
    pytest.importorskip("tensorflow")
    assert not exercises.ex07_d_loss(...)
    assert "Not answered yet" in capsys.readouterr().out
    assert not exercises.ex07_d_loss(lambda *args: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not exercises.ex07_d_loss(lambda d, r, rl, f, fl: d([r, rl]))       # not one number
    assert "one number" in capsys.readouterr().out
    assert not exercises.ex07_d_loss("d_loss")


# exercise 3: a generator that concatenates -----------------------------------------------------------------
def _body(h):
    from keras import layers

    for units in (256, 512, 1024):
        h = layers.LeakyReLU(0.2)(layers.BatchNormalization()(layers.Dense(units)(h)))
    return layers.Reshape((28, 28, 1))(layers.Dense(784, activation="tanh")(h))


def _generator(kind):
    """Section 2's generator joined in a right or a wrong way (what a student might write)."""
    import keras
    from keras import layers, ops

    z, y = keras.Input((100,)), keras.Input((), dtype="int32")
    embed = lambda width=50: layers.Embedding(10, width)(y)
    if kind == "concat":                                    # the solution
        return keras.Model([z, y], _body(layers.Concatenate()([z, embed()])))
    if kind == "concat_e_first":                            # [e, z]: the same thing
        return keras.Model([z, y], _body(layers.Concatenate()([embed(), z])))
    if kind == "concat_label_1":                            # label of shape (1,), flattened embedding
        y1 = keras.Input((1,), dtype="int32")
        e = layers.Flatten()(layers.Embedding(10, 50)(y1))
        return keras.Model([z, y1], _body(layers.Concatenate()([z, e])))
    if kind == "concat_sequential_body":                    # the body as a Sequential, as in section 2
        body = keras.Sequential([keras.Input((150,)), layers.Dense(256), layers.BatchNormalization(),
                                 layers.LeakyReLU(0.2), layers.Dense(512), layers.LeakyReLU(0.2),
                                 layers.Dense(1024), layers.LeakyReLU(0.2), layers.Dense(784, activation="tanh"),
                                 layers.Reshape((28, 28, 1))])
        return keras.Model([z, y], body(layers.Concatenate()([z, embed()])))
    if kind == "concat_activation_layer":                   # tanh as a layer of its own
        h = layers.Concatenate()([z, embed()])
        for units in (256, 512, 1024):
            h = layers.LeakyReLU(0.2)(layers.Dense(units)(h))
        return keras.Model([z, y], layers.Reshape((28, 28, 1))(layers.Activation("tanh")(layers.Dense(784)(h))))
    if kind == "one_dense_100":                             # one Dense layer and a 100-number embedding
        h = layers.Concatenate()([z, embed(100)])
        return keras.Model([z, y], layers.Reshape((28, 28, 1))(layers.Dense(784, activation="tanh")(h)))
    if kind == "one_dense_50":
        h = layers.Concatenate()([z, embed()])
        return keras.Model([z, y], layers.Reshape((28, 28, 1))(layers.Dense(784, activation="tanh")(h)))
    if kind == "embed_100":                                 # the right body, a 100-number embedding
        return keras.Model([z, y], _body(layers.Concatenate()([z, embed(100)])))
    if kind == "z_z_plus_embedding":                        # [z, z] plus an added embedding
        h = layers.Add()([layers.Concatenate()([z, z]), embed(200)])
        return keras.Model([z, y], _body(layers.Dense(150)(h)))
    if kind == "z_z_then_embedding":
        h = layers.Concatenate()([layers.Concatenate()([z, z]), embed()])
        return keras.Model([z, y], _body(h))
    if kind == "raw_label":                                 # the integer label as one more number
        label = ops.expand_dims(ops.cast(y, "float32"), -1)
        return keras.Model([z, y], _body(layers.Concatenate()([z, label])))
    if kind == "one_hot":
        return keras.Model([z, y], _body(layers.Concatenate()([z, ops.one_hot(y, 10)])))
    if kind == "multiply":                                  # section 2's generator, unchanged
        return keras.Model([z, y], _body(layers.Multiply()([z, embed(100)])))
    if kind == "multiply_then_concat":                      # [z ⊙ e, e]
        e = embed(100)
        return keras.Model([z, y], _body(layers.Concatenate()([layers.Multiply()([z, e]), e])))
    if kind == "embedding_of_z":                            # the noise looked up in the table
        e = layers.Flatten()(layers.Embedding(10, 1)(z))
        return keras.Model([z, y], _body(layers.Concatenate()([z, e])))
    if kind == "ignores_label":                             # the embedding multiplied away
        return keras.Model([z, y], _body(layers.Concatenate()([z, embed() * 0.0])))
    if kind == "sigmoid":
        h = layers.Concatenate()([z, embed()])
        for units in (256, 512, 1024):
            h = layers.LeakyReLU(0.2)(layers.Dense(units)(h))
        return keras.Model([z, y], layers.Reshape((28, 28, 1))(layers.Dense(784, activation="sigmoid")(h)))
    if kind == "flat_output":                               # no Reshape: (N, 784)
        h = layers.Concatenate()([z, embed()])
        for units in (256, 512, 1024):
            h = layers.LeakyReLU(0.2)(layers.Dense(units)(h))
        return keras.Model([z, y], layers.Dense(784, activation="tanh")(h))
    if kind == "noise_only":                                # one input
        return keras.Model(z, _body(layers.Concatenate()([z, layers.Dense(50)(z)])))
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["concat", "concat_e_first", "concat_label_1", "concat_sequential_body",
                                  "concat_activation_layer"])
def test_ex07_concat_generator_accepts_a_concatenating_generator(kind, capsys):
    pytest.importorskip("keras")
    assert exercises.ex07_concat_generator(lambda: _generator(kind))
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize("kind, hint", [
    ("one_dense_100", "100 + 50 = 150"),
    ("one_dense_50", "section 2's body"),
    ("embed_100", "100 + 50 = 150"),
    ("z_z_plus_embedding", "noise with itself"),
    ("z_z_then_embedding", "One Concatenate is enough".lower()),
    ("raw_label", "raw label"),
    ("one_hot", "must join exactly two tensors"),
    ("multiply", "still multiplies"),
    ("multiply_then_concat", "must join exactly two tensors"),
    ("embedding_of_z", "not the noise"),                   # the noise looked up in the table
    ("ignores_label", "must join exactly two tensors"),
    ("sigmoid", "tanh"),
    ("flat_output", "(N, 28, 28, 1)"),
    ("noise_only", "two inputs"),
])
def test_ex07_concat_generator_rejects_wrong_generators(kind, hint, capsys):
    pytest.importorskip("keras")
    assert not exercises.ex07_concat_generator(lambda: _generator(kind))
    out = capsys.readouterr().out
    # Keras <= 3.13 refuses to build a model whose label input is unused, so there the hint is the
    # one for an input that does not reach the output (Colab's and the floor's Keras)
    assert "❌" in out and (hint.lower() in out.lower() or "does not reach its output" in out)


def test_ex07_concat_generator_traces_the_embedding_input(capsys):
    """An embedding of the noise (made to run) is caught by the graph, not only by the numbers."""
    import keras
    from keras import layers, ops

    def build():
        z, y = keras.Input((100,)), keras.Input((), dtype="int32")
        index = ops.cast(ops.clip(ops.abs(z[:, :1]) * 3, 0, 9), "int32")        # a 'label' made from z
        e = layers.Flatten()(layers.Embedding(10, 50)(index))
        return keras.Model([z, y], _body(layers.Concatenate()([z, e])))

    assert not exercises.ex07_concat_generator(build)
    out = capsys.readouterr().out
    assert "❌" in out and ("label input" in out or "not the noise" in out or "does not reach its output" in out)


def test_ex07_concat_generator_unanswered_and_broken(capsys):
    pytest.importorskip("keras")
    assert not exercises.ex07_concat_generator(lambda: 42)
    assert "keras.Model" in capsys.readouterr().out
    assert not exercises.ex07_concat_generator(lambda: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not exercises.ex07_concat_generator("build")
    assert not exercises.ex07_concat_generator(...)
    assert not exercises.ex07_concat_generator(lambda: None)
    assert capsys.readouterr().out.count("Not answered yet") == 2
