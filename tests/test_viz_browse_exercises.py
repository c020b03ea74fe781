"""utils.viz (grids and style), utils.browse (lesson 00's widget compute), utils.exercises."""
import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

import utils
from utils import browse, exercises, viz


# --- viz -------------------------------------------------------------------------------------
def test_to_display_handles_every_range_and_shape():
    u8 = np.array([[0, 255]], np.uint8)
    np.testing.assert_allclose(viz.to_display(u8), [[[0, 1]]])
    np.testing.assert_allclose(viz.to_display(np.array([[[-1.0, 1.0]]])), [[[0, 1]]])
    np.testing.assert_allclose(viz.to_display(np.array([[[0.25]]]), value_range=(0, 1)), [[[0.25]]])
    assert viz.to_display(np.zeros((5, 28, 28, 1))).shape == (5, 28, 28)
    assert viz.to_display(np.zeros((2, 8, 8, 3))).shape == (2, 8, 8, 3)


@pytest.mark.parametrize("images, message", [
    (np.zeros((2, 8, 8, 2)), "shape"), (np.zeros((0, 8, 8)), "N >= 1"), (np.zeros(5), "shape"),
    (np.full((1, 2, 2), np.nan), "NaN"), (np.array([["a"]]), "numbers"),
])
def test_to_display_bad_input(images, message):
    with pytest.raises(ValueError, match=message):
        viz.to_display(images)


def test_image_grid_tiles_with_padding():
    grid = utils.image_grid(np.zeros((7, 3, 4), np.uint8), ncols=3, pad=1)
    assert grid.shape == (3 * 3 + 2, 3 * 4 + 2)
    assert grid[3, 0] == 1.0 and grid[0, 0] == 0.0  # padding is white, images black
    with pytest.raises(ValueError, match="ncols"):
        utils.image_grid(np.zeros((2, 3, 3)), ncols=0)
    with pytest.raises(ValueError, match="pad"):
        utils.image_grid(np.zeros((2, 3, 3)), pad=-1)


def test_show_images_draws_one_panel_per_image_with_captions():
    fig = utils.show_images(np.zeros((12, 28, 28), np.uint8), labels=range(12), ncols=5, title="t")
    drawn = [ax for ax in fig.axes if ax.images]
    assert len(drawn) == 12 and drawn[11].get_title() == "11"
    with pytest.raises(ValueError, match="one caption per image"):
        utils.show_images(np.zeros((3, 28, 28)), labels=[1, 2])


def test_use_style_sets_the_house_style():
    viz.use_style()
    assert matplotlib.rcParams["image.cmap"] == "gray"


# --- browse ----------------------------------------------------------------------------------
def test_digits_of_class_pages_through_one_digit():
    labels = np.array([3, 1, 3, 3, 0, 3, 3])
    images = np.arange(7)[:, None, None] * np.ones((7, 2, 2))
    page0, idx0, total = browse.digits_of_class(images, labels, 3, page=0, per_page=3)
    page1, idx1, _ = browse.digits_of_class(images, labels, 3, page=1, per_page=3)
    assert total == 5 and idx0.tolist() == [0, 2, 3] and idx1.tolist() == [5, 6]
    assert page1[:, 0, 0].tolist() == [5, 6]


@pytest.mark.parametrize("kwargs, message", [
    ({"digit": 10}, "digit must be a whole number from 0 to 9; got 10"), ({"digit": -1}, "digit"), ({"digit": True}, "digit"),
    ({"digit": 3, "page": 5}, "page must be 0-1"), ({"digit": 3, "per_page": 0}, "per_page"),
    ({"digit": 2}, "no images labelled 2"),
])
def test_digits_of_class_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        browse.digits_of_class(np.zeros((4, 2, 2)), np.array([3, 3, 3, 1]), per_page=kwargs.pop("per_page", 2), **kwargs)


def test_digits_of_class_mismatched_arrays():
    with pytest.raises(ValueError, match="one label per image"):
        browse.digits_of_class(np.zeros((4, 2, 2)), np.zeros(3), 0)


def test_class_counts():
    assert browse.class_counts(np.array([0, 9, 9])).tolist() == [1] + [0] * 8 + [2]
    with pytest.raises(ValueError, match="digits 0-9"):
        browse.class_counts(np.array([10]))


# --- exercises (lesson 00) -------------------------------------------------------------------
def test_checkers_accept_right_reject_wrong_and_wait_for_unanswered(capsys):
    labels = np.array([7, 7, 1, 3])
    assert exercises.ex00_count_digit(2, labels, digit=7) and exercises.ex00_count_digit(np.int64(2), labels, digit=7)
    for wrong in [3, 2.5, 1.9, 0.5, "two", True, [2]]:  # wrong count, truncated floats, the share (np.mean), ...
        assert not exercises.ex00_count_digit(wrong, labels, digit=7), wrong
    assert not exercises.ex00_count_digit(True, np.array([7, 1]), digit=7)  # True == 1 must not pass
    assert not exercises.ex00_count_digit(..., labels)
    assert exercises.ex00_pick(50) and exercises.ex00_pick(50.0)
    for wrong in [8, 1, 50.5, 49.9, "full", True, [50], None]:  # default's value, quick's value, ...
        assert not exercises.ex00_pick(wrong), wrong
    text = capsys.readouterr().out
    assert "✅" in text and "❌" in text and "Not answered yet" in text and "share" in text and "'default'" in text


def test_scale_checker(capsys):
    good = lambda x: (x.astype("float32") / 127.5 - 1)[..., None]  # noqa: E731
    assert exercises.ex00_scale(good)
    assert exercises.ex00_scale(lambda x: (x.astype("float32") * 2 / 255 - 1)[..., None])  # the same maths
    assert not exercises.ex00_scale(lambda x: (x / 255.0).astype("float32")[..., None])  # wrong range
    assert not exercises.ex00_scale(lambda x: x.astype("float32") / 127.5 - 1)  # no channel axis
    assert not exercises.ex00_scale(lambda x: (x / 127.5 - 1)[..., None])  # float64
    assert not exercises.ex00_scale(lambda x: -good(x))  # sign swapped
    assert not exercises.ex00_scale(lambda x: (1 - x.astype("float32") / 127.5)[..., None])  # black is +1
    assert not exercises.ex00_scale(lambda x: (x.astype("float32") / 128 - 1)[..., None])  # 255 is not +1
    assert not exercises.ex00_scale(lambda x: ((x * 2) / 255 - 1).astype("float32")[..., None])  # uint8 overflow
    assert not exercises.ex00_scale(lambda x: good(x).transpose(0, 2, 1, 3))  # height and width swapped
    assert not exercises.ex00_scale(lambda x: good(x)[:, None, :, :, 0])  # channels first
    assert not exercises.ex00_scale(lambda x: np.round(good(x)))  # rounded
    assert not exercises.ex00_scale(lambda x: 1 / 0)  # raises
    assert not exercises.ex00_scale(lambda x: None)  # the unfilled stub
    assert not exercises.ex00_scale("not a function")
    text = capsys.readouterr().out
    assert "sign is swapped" in text and "channel axis goes last" in text
