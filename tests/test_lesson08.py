"""Lesson 08 (transposed convolution): transposed convolution, overlap counts, the checkerboard widget's compute,
and the checkers, checked against TensorFlow."""
import numpy as np
import pytest

from utils import conv, exercises, transposed

tf = pytest.importorskip("tensorflow")
rng = np.random.default_rng(7)


def _tf_transpose(x, w, s, p, a):
    o = transposed.transposed_output_size(x.shape[0], w.shape[0], s, p, a)
    return tf.nn.conv2d_transpose(x[None, :, :, None], w[:, :, None, None], output_shape=[1, o, o, 1], strides=s,
                                  padding=[[0, 0], [p, p], [p, p], [0, 0]]).numpy()[0, :, :, 0]


@pytest.mark.parametrize("i, k, s, p, a", [(2, 3, 1, 0, 0), (3, 3, 2, 0, 0), (4, 4, 2, 1, 0), (3, 3, 2, 1, 1),
                                           (4, 5, 2, 2, 1), (2, 2, 3, 0, 2), (3, 1, 2, 0, 0)])
def test_conv_transpose2d_matches_tensorflow(i, k, s, p, a):
    x, w = rng.normal(size=(i, i)), rng.normal(size=(k, k))
    np.testing.assert_allclose(transposed.conv_transpose2d(x, w, stride=s, padding=p, output_padding=a),
                               _tf_transpose(x, w, s, p, a), rtol=1e-5, atol=1e-6)


def test_conv_transpose2d_is_the_transposed_matrix():
    w = rng.normal(size=(3, 3))
    for shape, stride in [((4, 4), 1), ((5, 5), 2), ((5, 7), 2)]:
        C = conv.conv_matrix(w, shape, stride)
        oh, ow = conv.output_size(shape[0], 3, stride), conv.output_size(shape[1], 3, stride)
        y = rng.normal(size=(oh, ow))
        full = transposed.conv_transpose2d(y, w, stride=stride)
        np.testing.assert_allclose(full[:shape[0], :shape[1]], (C.T @ y.ravel()).reshape(shape), atol=1e-12)


def test_transposed_output_size_over_a_grid_matches_keras():
    import keras

    checked = 0
    for i in (1, 3, 4):
        for k in (1, 2, 3, 5):
            for s in (1, 2, 3):
                for a in range(s):
                    # Keras 3.6 and older reject output_padding=0 written out; its default None is
                    # s(i - 1) + max(k, s), which is a = 0 only when k >= s.
                    layer = keras.layers.Conv2DTranspose(1, k, strides=s, padding="valid", output_padding=a or None)
                    got = layer(np.zeros((1, i, i, 1), "float32")).shape[1]
                    expected = transposed.transposed_output_size(i, k, s, 0, a or None)   # None: Keras' default
                    assert expected == got, (i, k, s, a)
                    if a == 0 and k < s:
                        assert got != transposed.transposed_output_size(i, k, s, 0, 0), "None differs from a = 0 when k < s"
                    checked += 1
    assert checked == 3 * 4 * (1 + 2 + 3)


@pytest.mark.parametrize("args, message", [
    ((3, 3, 2, 0, 2), "output_padding a=2 must be smaller than the stride"), ((0, 3), "input size i"),
    ((1, 1, 1, 1), "crops more than the whole output"), ((3, 3, 0), "stride s"), ((3, 2.5), "kernel size k"),
])
def test_transposed_output_size_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        transposed.transposed_output_size(*args)


def test_overlap_counts_even_exactly_when_k_is_a_multiple_of_s():
    np.testing.assert_array_equal(transposed.overlap_counts(5, 3, 2), [1, 1, 2, 1, 2, 1, 2, 1, 2, 1, 1])
    for k in range(1, 8):
        for s in range(1, 4):
            middle = transposed.overlap_counts(12, k, s)[k:-k]
            assert (middle.min() == middle.max()) == (k % s == 0), (k, s)
    ones = transposed.conv_transpose2d(np.ones((4, 4)), np.ones((3, 3)), stride=2)
    np.testing.assert_array_equal(ones, np.outer(transposed.overlap_counts(4, 3, 2), transposed.overlap_counts(4, 3, 2)))
    with pytest.raises(ValueError, match="stride s"):
        transposed.overlap_counts(4, 3, 0)


def test_upsampling_pattern():
    for method in transposed.UPSAMPLING_METHODS:
        for k, s, layers in [(3, 2, 1), (4, 2, 2), (3, 3, 2)]:
            pattern = transposed.upsampling_pattern(k, s, layers, method)
            assert pattern.shape == (6 * s ** layers,) * 2 and pattern.max() == pytest.approx(1.0)
    middle = lambda p: p[8:-8, 8:-8]
    uneven = middle(transposed.upsampling_pattern(3, 2, 2, "transposed convolution"))
    assert uneven.min() < 0.5 * uneven.max()                          # checkerboard
    # One layer against TensorFlow: the centre of a stride-2 transposed convolution of ones ...
    counts = transposed.overlap_counts(6, 3, 2)
    np.testing.assert_allclose(transposed.upsampling_pattern(3, 2, 1, "transposed convolution", n=6),
                               np.outer(counts, counts)[:12, :12] / 4)
    # ... and nearest-neighbour resizing, then a 'same' convolution with ones, normalised.
    up = tf.image.resize(tf.ones((1, 6, 6, 1)), (12, 12), method="nearest")
    same = tf.nn.conv2d(up, tf.ones((3, 3, 1, 1)), strides=1, padding="SAME").numpy()[0, :, :, 0]
    np.testing.assert_allclose(transposed.upsampling_pattern(3, 2, 1, "resize, then convolve", n=6), same / same.max())
    with pytest.raises(ValueError, match="method must be one of"):
        transposed.upsampling_pattern(3, 2, 1, "bilinear")
    with pytest.raises(ValueError, match="at most 512"):
        transposed.upsampling_pattern(3, 4, 5)


def test_ex08_checkers(capsys):
    assert exercises.ex08_output_size(14)
    assert not exercises.ex08_output_size(3)
    assert "*convolution*" in capsys.readouterr().out
    assert not exercises.ex08_output_size(...)
    assert exercises.ex08_overlap_ratio(1.5) and exercises.ex08_overlap_ratio(3 / 2) and exercises.ex08_overlap_ratio("1.5")
    # what a student would plausibly give: even (1), the ratio turned round, the largest count, k / s,
    # the ratio of k = 5 or k = 3, a truncated or rounded float, no number at all
    for wrong in (1, 2 / 3, 3, 7 / 3, 2, 1.49, 1.4, 1.6, "one and a half", [1.5]):
        assert not exercises.ex08_overlap_ratio(wrong), wrong
    assert "turn it round" in capsys.readouterr().out
    assert not exercises.ex08_overlap_ratio(...)
    assert exercises.ex08_overlap_ratio(2, k=5, s=3) and exercises.ex08_overlap_ratio(2, k=3, s=2)
    assert exercises.ex08_overlap_ratio(1, k=4, s=2)   # even overlaps: every count the same

    def scatter(x, w, stride):
        out = np.zeros(stride * (len(x) - 1) + len(w))
        for i, v in enumerate(x):
            out[stride * i:stride * i + len(w)] += v * w
        return out

    assert exercises.ex08_conv_transpose1d(scatter)
    assert not exercises.ex08_conv_transpose1d(lambda x, w, s: scatter(x, w[::-1], s))
    assert "not flipped" in capsys.readouterr().out
    assert not exercises.ex08_conv_transpose1d(lambda x, w, s: 1 / 0)
    assert not exercises.ex08_conv_transpose1d(...)


def test_keras_default_output_padding_is_not_a_zero():
    """Keras' Conv2DTranspose(1, 1, strides=2) on 3x3 gives 6x6; the formula with a = 0 gives 5."""
    import keras

    got = keras.layers.Conv2DTranspose(1, 1, strides=2)(np.zeros((1, 3, 3, 1), "float32")).shape[1]
    assert got == 6 == transposed.transposed_output_size(3, 1, 2, 0, None)
    assert transposed.transposed_output_size(3, 1, 2, 0, 0) == 5
    assert transposed.transposed_output_size(3, 3, 2, 0, None) == transposed.transposed_output_size(3, 3, 2, 0, 0) == 7
    with pytest.raises(ValueError, match="output_padding=None"):
        transposed.transposed_output_size(3, 3, 2, 1, None)
