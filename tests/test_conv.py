"""utils.conv: lesson 01's widget compute and the conv matrix, checked against TensorFlow."""
import numpy as np
import pytest
import tensorflow as tf

from utils import conv

# On a GPU, TensorFlow multiplies float32 in TensorFloat-32 unless told not to (utils.setup does);
# these comparisons with TensorFlow need true float32 on CPU and GPU machines alike.
tf.config.experimental.enable_tensor_float_32_execution(False)
rng = np.random.default_rng(0)


def _tf_conv(x, w, stride=1, padding=0):
    out = tf.nn.conv2d(x[None, :, :, None], w[:, :, None, None], strides=stride,
                       padding=[[0, 0], [padding, padding], [padding, padding], [0, 0]])
    return out.numpy()[0, :, :, 0]


@pytest.mark.parametrize("shape, k, stride, padding", [((6, 6), 3, 1, 0), ((7, 9), 3, 2, 1), ((5, 5), 2, 3, 2), ((4, 4), 1, 1, 0)])
def test_conv2d_matches_tensorflow(shape, k, stride, padding):
    x, w = rng.normal(size=shape), rng.normal(size=(k, k))
    np.testing.assert_allclose(conv.conv2d(x, w, 0.5, stride=stride, padding=padding),
                               _tf_conv(x, w, stride, padding) + 0.5, rtol=1e-5, atol=1e-5)


def test_output_size_formula_matches_tensorflow_over_a_grid():
    for i in range(1, 9):
        for k in range(1, 5):
            for s in range(1, 4):
                for p in range(0, 3):
                    if k > i + 2 * p:
                        continue
                    expected = _tf_conv(np.zeros((i, i)), np.zeros((k, k)), s, p).shape[0]
                    assert conv.output_size(i, k, s, p) == expected, (i, k, s, p)


@pytest.mark.parametrize("args, message", [
    ((5, 3, -1, 0), "stride s must be a whole number >= 1"), ((5, 3, 0, 0), "stride"),
    ((5, 3, 1, -1), "padding p"), ((4, 7, 1, 1), "larger than the padded input"),
    ((0, 1, 1, 0), "input size"), ((5, 2.5, 1, 0), "kernel size"), ((5, True, 1, 0), "kernel size"),
])
def test_output_size_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        conv.output_size(*args)


def test_conv2d_bad_input():
    with pytest.raises(ValueError, match="stride"):
        conv.conv2d(np.zeros((5, 5)), np.ones((3, 3)), stride=-1)
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv.conv2d(np.zeros((3, 3)), np.ones((6, 6)), padding=1)
    with pytest.raises(ValueError, match="2-D feature map"):
        conv.conv2d(np.zeros((2, 3, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="2-D kernel"):
        conv.conv2d(np.zeros((3, 3)), np.ones(3))
    with pytest.raises(ValueError, match="NaN"):
        conv.conv2d(np.full((3, 3), np.nan), np.ones((2, 2)))


def test_input_window_feeds_the_right_cell():
    assert conv._input_window(5, 3, 2, 1, 0, 0) == (0, 2, 0, 2)
    assert conv._input_window(5, 3, 2, 1, 2, 1) == (4, 6, 2, 4)
    with pytest.raises(ValueError, match="outside the 3x3 output"):
        conv._input_window(5, 3, 2, 1, 3, 0)
    with pytest.raises(ValueError, match="stride"):
        conv._input_window(5, 3, -2, 1, 0, 0)


@pytest.mark.parametrize("size, stride", [(2, None), (3, 1), (3, 2), (2, 3)])
def test_pool2d_matches_keras(size, stride):
    x = rng.normal(size=(9, 8))
    for kind, layer in [("max", tf.keras.layers.MaxPool2D), ("average", tf.keras.layers.AveragePooling2D)]:
        expected = layer(pool_size=size, strides=stride)(x[None, :, :, None].astype("float32")).numpy()[0, :, :, 0]
        np.testing.assert_allclose(conv.pool2d(x, size, stride, kind), expected, rtol=1e-5, atol=1e-6)


def test_pool2d_bad_input():
    with pytest.raises(ValueError, match="'max' or 'average'"):
        conv.pool2d(np.zeros((4, 4)), kind="min")
    with pytest.raises(ValueError, match="stride"):
        conv.pool2d(np.zeros((4, 4)), 2, -1)
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv.pool2d(np.zeros((2, 2)), 3)


@pytest.mark.parametrize("shape, k, stride", [((4, 4), 3, 1), ((5, 6), 2, 1), ((7, 7), 3, 2)])
def test_conv_matrix_reproduces_tensorflow(shape, k, stride):
    x, w = rng.normal(size=shape), rng.normal(size=(k, k))
    C = conv.conv_matrix(w, shape, stride)
    expected = _tf_conv(x, w, stride)
    assert C.shape == (expected.size, x.size)
    np.testing.assert_allclose((C @ x.ravel()).reshape(expected.shape), expected, rtol=1e-5, atol=1e-5)
    assert np.count_nonzero(C) <= expected.size * k * k


def test_conv_matrix_bad_input():
    with pytest.raises(ValueError, match="input_shape"):
        conv.conv_matrix(np.ones((3, 3)), (4, 4, 1))
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv.conv_matrix(np.ones((3, 3)), (2, 2))


def test_kernel_presets_are_3x3():
    assert all(np.asarray(k).shape == (3, 3) for k in conv.KERNELS.values())
    np.testing.assert_allclose(np.sum(conv.KERNELS["blur (box)"]), 1.0)


# --- lesson 01's exercise checkers -----------------------------------------------------------
from utils import exercises  # noqa: E402


def test_ex01_checkers(capsys):
    assert exercises.ex01_output_size(13) and exercises.ex01_output_size(13.0) and not exercises.ex01_output_size(14)
    for wrong in [13.5, 12.9, 12, 26, True, "x", (13,)]:  # no floor, truncated, no +1, no stride, a bool, ...
        assert not exercises.ex01_output_size(wrong), wrong
    assert not exercises.ex01_output_size(...)
    assert exercises.ex01_output_size(1, i=1, k=1, s=1, p=0) and not exercises.ex01_output_size(True, i=1, k=1, s=1, p=0)
    good = lambda x, w, s: conv.conv2d(x, w, stride=s)  # noqa: E731
    assert exercises.ex01_conv2d_stride(good)
    assert not exercises.ex01_conv2d_stride(lambda x, w, s: conv.conv2d(x, w))  # ignores the stride
    assert not exercises.ex01_conv2d_stride(lambda x, w, s: conv.conv2d(x, w[::-1, ::-1], stride=s))  # flips
    assert not exercises.ex01_conv2d_stride(lambda x, w, s: good(x.T, w.T, s))  # rows and columns swapped
    assert not exercises.ex01_conv2d_stride(lambda x, w, s: conv.conv2d(x, w, stride=s, padding=1))  # pads
    assert not exercises.ex01_conv2d_stride(lambda x, w, s: good(x, w, s)[:-1])  # one row short
    assert not exercises.ex01_conv2d_stride(lambda x, w, s: np.round(good(x, w, s), 1))  # rounded
    assert not exercises.ex01_conv2d_stride(lambda x, w, s: None) and not exercises.ex01_conv2d_stride(None)
    assert not exercises.ex01_conv2d_stride(lambda x, w, s: 1 / 0)
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    C = conv.conv_matrix(w, (3, 3))
    assert exercises.ex01_conv_matrix(C, w) and exercises.ex01_conv_matrix(C.astype(int).tolist(), w)
    assert not exercises.ex01_conv_matrix(C.T, w)  # transposed
    assert not exercises.ex01_conv_matrix(np.zeros((4, 9)), w)
    assert not exercises.ex01_conv_matrix(conv.conv_matrix(w[::-1, ::-1], (3, 3)), w)  # flipped kernel
    column_major = C.reshape(4, 3, 3).transpose(0, 2, 1).reshape(4, 9)  # the input flattened column by column
    assert not exercises.ex01_conv_matrix(column_major, w)
    assert not exercises.ex01_conv_matrix(C[::-1], w)  # output cells in reverse order
    assert not exercises.ex01_conv_matrix("C", w)
    out = capsys.readouterr().out
    assert out.count("✅") == 6 and "Not answered yet" in out and "flipped" in out and "transposed" in out
    assert "fraction" in out and "one short" in out


def test_plot_conv_arithmetic_draws_and_validates():
    import matplotlib

    matplotlib.use("Agg")
    fig = conv.plot_conv_arithmetic(5, 3, 2, 1, 1, 2)
    assert "= 3" in fig._suptitle.get_text() and len(fig.axes) == 2
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv.plot_conv_arithmetic(2, 5, 1, 0)
    with pytest.raises(ValueError, match="outside"):
        conv.plot_conv_arithmetic(5, 3, 1, 0, 3, 0)
