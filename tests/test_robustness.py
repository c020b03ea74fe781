"""Robust where students run it: the utils side of "Robust where students run it".

1. Global Keras configuration (KERAS_BACKEND, keras.json, set_floatx, TF_USE_LEGACY_KERAS, ...).
2. Folders that cannot be written (outputs, the judge cache, the Keras MNIST cache).
3. Folder names with characters a tool treats specially (brackets, spaces, *, ?, non-ASCII).
4. Files left by an earlier lesson or an interrupted run (atomic writes, safe loaders).
5. Edge cases of utility functions (one GIF frame, one image, ...).
6. Bad values never reach the maths silently: a table over the public API.
9. The suite passes on CPU and GPU machines alike (see test_settings.py).

The Keras-configuration tests run ``utils.setup`` in fresh Python processes with a throw-away HOME
and KERAS_HOME, because Keras reads its configuration once, when it is imported.
"""
from __future__ import annotations

import inspect
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

import utils
from utils import (acgan, browse, cgan, checkpoints, checks, cnn, conv, data, gan, grids, images, judge, latent, live, metrics, rnn,
                   samples, settings, storage, toy, transposed, viz)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _private_temporary_folder(tmp_path_factory, monkeypatch):
    """Fallback folders and checkpoint links go to a temporary folder of this test's own."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("tempdir")))
    monkeypatch.setattr(storage, "_told", set())


NAN, INF = float("nan"), float("inf")
IMG = np.zeros((3, 28, 28), np.uint8)


# =============================================================================================
# 6. Every public function names the argument, what it got and what it expects.
# =============================================================================================
def _bad(label, arg, call, expect=None):
    return pytest.param(arg, call, expect, id=f"{label}:{arg}")


def _ax():
    import matplotlib.pyplot as plt

    return plt.subplots()[1]


def _tiny_toy():
    return np.linspace(0, 1, 3), np.ones(3)


BAD_CALLS = [
    # --- settings ---
    _bad("seed_everything", "seed", lambda: settings.seed_everything("42")),
    _bad("output_dir", "notebook", lambda: settings.output_dir(4, create=False)),
    _bad("output_dir", "create", lambda: settings.output_dir("01_convolution", create="no")),
    _bad("setup", "notebook", lambda: settings.setup(None)),
    _bad("setup", "seed", lambda: settings.setup("01_convolution", seed=-1)),
    _bad("pick", "quick", lambda: settings.pick(quick=..., default=1, full=2), "not filled in"),
    # --- data ---
    _bad("load_mnist", "source", lambda: data.load_mnist(3)),
    _bad("_server_reachable", "host", lambda: data._server_reachable(host=5)),
    _bad("_server_reachable", "port", lambda: data._server_reachable(port=-1)),
    _bad("_server_reachable", "timeout", lambda: data._server_reachable(timeout=NAN)),
    _bad("scale_images", "images", lambda: data.scale_images("abc")),
    _bad("scale_images", "images", lambda: data.scale_images(np.zeros((0, 28, 28), np.uint8))),
    _bad("scale_images", "value_range", lambda: data.scale_images(IMG, 5)),
    _bad("as_dataset", "batch_size", lambda: data.as_dataset(IMG, batch_size="32")),
    _bad("as_dataset", "labels", lambda: data.as_dataset(IMG, ["a", "b", "c"], batch_size=2)),
    _bad("as_dataset", "labels", lambda: data.as_dataset(IMG, [0, 1, NAN], batch_size=2)),
    _bad("as_dataset", "shuffle", lambda: data.as_dataset(IMG, batch_size=2, shuffle="yes")),
    _bad("as_dataset", "seed", lambda: data.as_dataset(IMG, batch_size=2, seed=1.5)),
    _bad("as_dataset", "drop_remainder", lambda: data.as_dataset(IMG, batch_size=2, drop_remainder=None)),
    # --- viz ---
    _bad("to_display", "images", lambda: viz.to_display("abc")),
    _bad("to_display", "images", lambda: viz.to_display(np.array([[NAN, 1.0]]))),
    _bad("to_display", "images", lambda: viz.to_display(np.zeros((0, 4, 4)))),
    _bad("to_display", "value_range", lambda: viz.to_display(np.zeros((2, 4, 4)), value_range=5)),
    _bad("image_grid", "ncols", lambda: viz.image_grid(IMG, ncols=0)),
    _bad("image_grid", "pad", lambda: viz.image_grid(IMG, pad=-1)),
    _bad("image_grid", "images", lambda: viz.image_grid([[["a"]]])),
    _bad("show_images", "labels", lambda: viz.show_images(IMG, labels=[1, 2])),
    _bad("show_images", "ncols", lambda: viz.show_images(IMG, ncols=2.5)),
    _bad("show_images", "size", lambda: viz.show_images(IMG, size=-1)),
    _bad("show_images", "title", lambda: viz.show_images(IMG, title=5)),
    _bad("show_images", "images", lambda: viz.show_images(np.full((2, 4, 4), INF))),
    # --- conv ---
    _bad("output_size", "stride s", lambda: conv.output_size(5, 3, "2")),
    _bad("output_size", "input size i", lambda: conv.output_size(None, 3)),
    _bad("conv2d", "x", lambda: conv.conv2d("abc", np.ones((2, 2)))),
    _bad("conv2d", "x", lambda: conv.conv2d(np.zeros((0, 3)), np.ones((2, 2)))),
    _bad("conv2d", "w", lambda: conv.conv2d(np.zeros((3, 3)), [[1, "a"], [1, 1]])),
    _bad("conv2d", "w", lambda: conv.conv2d(np.zeros((3, 3)), np.full((2, 2), INF))),
    _bad("conv2d", "b", lambda: conv.conv2d(np.zeros((3, 3)), np.ones((2, 2)), NAN)),
    _bad("conv2d", "b", lambda: conv.conv2d(np.zeros((3, 3)), np.ones((2, 2)), INF)),
    _bad("conv2d", "b", lambda: conv.conv2d(np.zeros((3, 3)), np.ones((2, 2)), "1")),
    _bad("conv2d", "b", lambda: conv.conv2d(np.zeros((3, 3)), np.ones((2, 2)), np.ones(3))),
    _bad("conv2d", "padding", lambda: conv.conv2d(np.zeros((3, 3)), np.ones((2, 2)), padding=1.0)),
    _bad("input_window", "row", lambda: conv._input_window(5, 3, 1, 0, -1, 0)),
    _bad("input_window", "col", lambda: conv._input_window(5, 3, 1, 0, 0, "1")),
    _bad("pool2d", "x", lambda: conv.pool2d(np.array([[NAN, 1.0], [1.0, 1.0]]))),
    _bad("pool2d", "x", lambda: conv.pool2d([["a", "b"], ["c", "d"]])),
    _bad("pool2d", "size", lambda: conv.pool2d(np.zeros((4, 4)), size=0)),
    _bad("pool2d", "kind", lambda: conv.pool2d(np.zeros((4, 4)), kind=None)),
    _bad("conv_matrix", "w", lambda: conv.conv_matrix(np.full((2, 2), NAN), (4, 4))),
    _bad("conv_matrix", "w", lambda: conv.conv_matrix("kernel", (4, 4))),
    _bad("conv_matrix", "input_shape", lambda: conv.conv_matrix(np.ones((2, 2)), 4)),
    _bad("conv_matrix", "input_shape", lambda: conv.conv_matrix(np.ones((2, 2)), "44")),
    _bad("conv_matrix", "input_shape", lambda: conv.conv_matrix(np.ones((2, 2)), (4.5, 4))),
    _bad("conv_matrix", "stride", lambda: conv.conv_matrix(np.ones((2, 2)), (4, 4), stride=0)),
    _bad("plot_conv_arithmetic", "stride s", lambda: conv.plot_conv_arithmetic(5, 3, 0)),
    _bad("transposed_output_size", "output_padding a", lambda: transposed.transposed_output_size(3, 3, 2, 0, -1)),
    _bad("conv_transpose2d", "x", lambda: transposed.conv_transpose2d(np.full((2, 2), NAN), np.ones((2, 2)))),
    _bad("conv_transpose2d", "w", lambda: transposed.conv_transpose2d(np.ones((2, 2)), "w")),
    _bad("conv_transpose2d", "stride", lambda: transposed.conv_transpose2d(np.ones((2, 2)), np.ones((2, 2)), stride=0)),
    _bad("overlap_counts", "input size n", lambda: transposed.overlap_counts(0, 3, 2)),
    _bad("upsampling_pattern", "method", lambda: transposed.upsampling_pattern(3, 2, method="bilinear")),
    _bad("upsampling_pattern", "number of layers", lambda: transposed.upsampling_pattern(3, 2, layers=0)),
    # --- cnn ---
    _bad("live_curves", "metrics", lambda: live.live_curves(metrics="loss")),
    _bad("live_curves", "metrics", lambda: live.live_curves(metrics=())),
    _bad("live_curves", "title", lambda: live.live_curves(title=3)),
    _bad("perturb", "image", lambda: cnn.perturb(np.full((28, 28), NAN))),
    _bad("perturb", "image", lambda: cnn.perturb("digit")),
    _bad("perturb", "noise", lambda: cnn.perturb(IMG[0], noise=-1)),
    _bad("perturb", "shift", lambda: cnn.perturb(IMG[0], shift=3)),
    _bad("perturb", "angle", lambda: cnn.perturb(IMG[0], angle=INF)),
    _bad("perturb", "erase", lambda: cnn.perturb(IMG[0], erase=2.5)),
    _bad("perturb", "erase_at", lambda: cnn.perturb(IMG[0], erase_at="centre")),
    _bad("perturb", "seed", lambda: cnn.perturb(IMG[0], noise=0.1, seed="s")),
    _bad("plot_confusion_matrix", "matrix", lambda: viz.plot_confusion_matrix(np.full((3, 3), NAN))),
    _bad("plot_confusion_matrix", "matrix", lambda: viz.plot_confusion_matrix(np.zeros((3, 4)))),
    _bad("plot_confusion_matrix", "matrix", lambda: viz.plot_confusion_matrix(-np.ones((3, 3)))),
    _bad("plot_probabilities", "probs", lambda: viz.plot_probabilities(_ax(), np.full(10, NAN))),
    _bad("plot_probabilities", "probs", lambda: viz.plot_probabilities(_ax(), np.ones(9))),
    _bad("plot_probabilities", "true", lambda: viz.plot_probabilities(_ax(), np.full(10, 0.1), true=10)),
    _bad("plot_probabilities", "ax", lambda: viz.plot_probabilities("axes", np.full(10, 0.1))),
    # --- rnn ---
    _bad("sigmoid", "z", lambda: rnn._sigmoid("x")),
    _bad("sigmoid", "z", lambda: rnn._sigmoid([NAN])),
    _bad("gate_step", "x", lambda: rnn.gate_step(NAN, 0, 0, dict.fromkeys("ijfo", 0.0))),
    _bad("gate_step", "pre", lambda: rnn.gate_step(0, 0, 0, {"i": 0})),
    _bad("gate_step", "weights", lambda: rnn.gate_step(0, 0, 0, dict.fromkeys("ijfo", 0.0), {"i": 1})),
    _bad("memory_curve", "forget gate f", lambda: rnn.memory_curve(1.5, 3)),
    _bad("memory_curve", "steps", lambda: rnn.memory_curve(0.5, 0)),
    _bad("half_life", "forget gate f", lambda: rnn.half_life("0.5")),
    _bad("draw_unrolled_rnn", "steps", lambda: rnn.draw_unrolled_rnn(9)),
    _bad("draw_lstm_cell", "ax", lambda: rnn.draw_lstm_cell(ax="here")),
    # --- browse ---
    _bad("digits_of_class", "digit", lambda: browse.digits_of_class(IMG, np.zeros(3), 10)),
    _bad("digits_of_class", "images", lambda: browse.digits_of_class(np.zeros(3), np.zeros(3), 0)),
    _bad("digits_of_class", "labels", lambda: browse.digits_of_class(IMG, ["a", "b", "c"], 0)),
    _bad("digits_of_class", "per_page", lambda: browse.digits_of_class(IMG, np.zeros(3), 0, per_page=0)),
    _bad("class_counts", "labels", lambda: browse.class_counts(np.array([0.5, 1.0]))),
    _bad("class_counts", "labels", lambda: browse.class_counts(["a"])),
    _bad("class_counts", "labels", lambda: browse.class_counts([NAN])),
    # --- gan ---
    _bad("figure_png", "fig", lambda: live._figure_png("figure")),
    _bad("default_panels", "names", lambda: live._default_panels(5)),
    _bad("live_view_png", "history", lambda: live._panels_png([1, 2], {"losses": ["d_loss"]})),
    _bad("live_view_png", "panels", lambda: live._panels_png({}, ["losses"], None)),
    _bad("live_view_png", "grid", lambda: live._panels_png({}, {}, "grid")),
    _bad("live_view_png", "epochs", lambda: live._panels_png({}, {}, None, epochs=-2)),
    _bad("LiveView", "epochs", lambda: live.LiveView("3", 1)),
    _bad("LiveView", "value_range", lambda: live.LiveView(3, 1, value_range=(0, 2))),
    _bad("LiveView", "title", lambda: live.LiveView(3, 1, title=3)),
    _bad("LiveView.step", "n", lambda: live.LiveView(3, 1).step(-1)),
    _bad("LiveView.update", "metrics", lambda: live.LiveView(3, 1).update(1, {"d_loss": "low"})),
    _bad("LiveView.update", "metrics", lambda: live.LiveView(3, 1).update(1, [1.0])),
    _bad("save_grid", "images", lambda p: grids.save_grid(np.full((2, 4, 4), NAN), p / "g.png")),
    _bad("save_grid", "path", lambda p: grids.save_grid(np.zeros((2, 4, 4)), 5)),
    _bad("save_grid", "ncols", lambda p: grids.save_grid(np.zeros((2, 4, 4)), p / "g.png", ncols=0)),
    _bad("epoch_grids", "folder", lambda: grids.epoch_grids(None)),
    _bad("fit", "gan", lambda: gan.fit("a model", None, 1), "keras.Model"),
    _bad("make_gif", "frames", lambda p: grids.make_gif(5, p / "x.gif")),
    _bad("make_gif", "frames", lambda p: grids.make_gif([np.full((4, 4), NAN)], p / "x.gif")),
    _bad("make_gif", "frames", lambda p: grids.make_gif([np.zeros((4, 4, 4, 4))], p / "x.gif")),
    _bad("make_gif", "frames", lambda p: grids.make_gif([np.zeros((0, 4))], p / "x.gif")),
    _bad("make_gif", "frames", lambda p: grids.make_gif([np.array([["a"]])], p / "x.gif")),
    _bad("make_gif", "hold_last", lambda p: grids.make_gif([np.zeros((4, 4))], p / "x.gif", hold_last=-1)),
    _bad("make_gif", "fps", lambda p: grids.make_gif([np.zeros((4, 4))], p / "x.gif", fps="4")),
    _bad("make_gif", "path", lambda p: grids.make_gif([np.zeros((4, 4))], None)),
    _bad("Checkpoints", "max_to_keep", lambda p: checkpoints.Checkpoints(p, max_to_keep=0, v=_variable())),
    _bad("Checkpoints", "fresh", lambda p: checkpoints.Checkpoints(p, fresh="yes", v=_variable())),
    _bad("Checkpoints.save", "epoch", lambda p: checkpoints.Checkpoints(p, v=_variable()).save("3")),
    _bad("Checkpoints.save", "force", lambda p: checkpoints.Checkpoints(p, v=_variable()).save(3, force="no")),
    _bad("Checkpoints.restore", "verbose", lambda p: checkpoints.Checkpoints(p, v=_variable()).restore(verbose="no")),
    _bad("to_uint8", "images", lambda: images.to_uint8("abc")),
    _bad("to_uint8", "images", lambda: images.to_uint8(np.zeros((0, 4, 4)))),
    _bad("to_uint8", "images", lambda: images.to_uint8(np.array([[[INF]]]))),
    _bad("to_uint8", "value_range", lambda: images.to_uint8(np.zeros((1, 4, 4)), value_range=5)),
    _bad("save_samples", "images", lambda p: samples.save_samples(np.full((2, 4, 4), NAN), p / "s.npz")),
    _bad("save_samples", "labels", lambda p: samples.save_samples(np.zeros((2, 4, 4)), p / "s.npz", labels=["a", "b"])),
    _bad("save_samples", "labels", lambda p: samples.save_samples(np.zeros((2, 4, 4)), p / "s.npz", labels=[0, NAN])),
    _bad("save_samples", "path", lambda p: samples.save_samples(np.zeros((2, 4, 4)), None)),
    _bad("load_samples", "path", lambda: samples.load_samples(None)),
    _bad("load_samples", "required", lambda p: samples.load_samples(p / "s.npz", required="no")),
    _bad("interpolate", "z0", lambda: latent.interpolate("ab", [1.0, 2.0], 0.5)),
    _bad("interpolate", "z1", lambda: latent.interpolate([1.0, 2.0], [1.0, INF], 0.5)),
    _bad("interpolate", "t", lambda: latent.interpolate([1.0, 2.0], [2.0, 1.0], NAN)),
    _bad("interpolate", "t", lambda: latent.interpolate([1.0, 2.0], [2.0, 1.0], "half")),
    _bad("interpolate", "t", lambda: latent.interpolate([1.0, 2.0], [2.0, 1.0], [])),
    _bad("text_to_labels", "text", lambda: cgan.text_to_labels(2026)),
    _bad("text_to_labels", "max_length", lambda: cgan.text_to_labels("12", max_length=0)),
    _bad("paste_row", "labels", lambda: cgan.paste_row(np.zeros((1, 4, 4)), ["a"])),
    _bad("paste_row", "images", lambda: cgan.paste_row(np.full((1, 4, 4), NAN), [1])),
    _bad("paste_row", "value_range", lambda: cgan.paste_row(np.zeros((1, 4, 4)), [1], value_range=5)),
    _bad("_toy_png", "x", lambda: toy._toy_png("x", np.ones(3), np.zeros(5), np.full(3, 0.5))),
    _bad("_toy_png", "real_density", lambda: toy._toy_png(np.linspace(0, 1, 3), [1, NAN, 1], np.zeros(5), np.full(3, 0.5))),
    _bad("_toy_png", "generated", lambda: toy._toy_png(*_tiny_toy(), np.array([INF]), np.full(3, 0.5))),
    _bad("_toy_png", "d_values", lambda: toy._toy_png(*_tiny_toy(), np.zeros(5), np.full(3, NAN))),
    _bad("_toy_png", "steps", lambda: toy._toy_png(*_tiny_toy(), np.zeros(5), np.full(3, 0.5), steps=-1)),
    _bad("_toy_png", "history", lambda: toy._toy_png(*_tiny_toy(), np.zeros(5), np.full(3, 0.5), history=[1])),
    _bad("ToyView", "steps", lambda: toy.ToyView(*_tiny_toy(), steps=0)),
    _bad("ToyView.update", "step", lambda: toy.ToyView(*_tiny_toy()).update(-1, np.zeros(3), np.full(3, 0.5), {"a": 1.0})),
    _bad("ToyView.update", "metrics", lambda: toy.ToyView(*_tiny_toy()).update(1, np.zeros(3), np.full(3, 0.5), {"a": "high"})),
    # --- judge ---
    _bad("check_images", "value_range", lambda: judge._input(IMG, value_range=5)),
    _bad("check_images", "value_range", lambda: judge._input(IMG, value_range="0-255")),
    _bad("check_images", "images", lambda: judge._input("abc")),
    _bad("check_images", "images", lambda: judge._input(np.full((2, 28, 28), INF))),
    _bad("labels", "labels", lambda: checks.labels([0, NAN], 2, digits=True)),
    _bad("labels", "labels", lambda: checks.labels("01", 2, digits=True)),
    _bad("labels", "n", lambda: checks.labels([0, 1], "2")),
    _bad("cache_path", "source", lambda: judge._cache_path("auto")),
    _bad("cache_path", "folder", lambda: judge._cache_path("sample", folder=5)),
    _bad("junk_images", "n", lambda: judge._junk_images(-1)),
    _bad("junk_images", "n", lambda: judge._junk_images(2.5)),
    _bad("junk_images", "seed", lambda: judge._junk_images(2, seed="s")),
    _bad("get_judge", "source", lambda: judge.get_judge("mnist")),
    _bad("get_judge", "verbose", lambda p: judge.get_judge("sample", folder=p, verbose="yes")),
    _bad("get_judge", "folder", lambda: judge.get_judge("sample", folder=3)),
    _bad("predict_proba", "judge", lambda: judge.predict_proba(IMG, judge="model")),
    _bad("predict_proba", "images", lambda: judge.predict_proba(np.zeros((3, 32, 32)))),
    _bad("features", "judge", lambda: judge.features(IMG, judge=42)),
    _bad("label_accuracy", "labels", lambda: metrics.label_accuracy(IMG, [0, 1])),
    _bad("per_class_accuracy", "labels", lambda: cgan.per_class_accuracy(IMG, [0, 1, 11])),
    _bad("within_class_diversity", "labels", lambda: acgan.within_class_diversity(IMG, None)),
    _bad("mean_confidence", "value_range", lambda: metrics.mean_confidence(IMG, value_range=(0, 2))),
    _bad("feature_stats", "features", lambda: metrics._feature_stats(np.array([[1.0, NAN], [2.0, 3.0]]))),
    _bad("feature_stats", "features", lambda: metrics._feature_stats([["a", "b"], ["c", "d"]])),
    _bad("feature_stats", "features", lambda: metrics._feature_stats(np.zeros((1, 3)))),
    _bad("frechet_distance_from_stats", "mu1", lambda: metrics.frechet_distance_from_stats([NAN], [[1.0]], [0.0], [[1.0]])),
    _bad("frechet_distance_from_stats", "cov2", lambda: metrics.frechet_distance_from_stats([0.0], [[1.0]], [0.0], [[INF]])),
    _bad("frechet_distance_from_stats", "cov1", lambda: metrics.frechet_distance_from_stats([0.0], "1", [0.0], [[1.0]])),
    _bad("frechet_distance_from_stats", "cov1", lambda: metrics.frechet_distance_from_stats([0.0, 0.0], np.eye(3), [0.0, 0.0], np.eye(2))),
    _bad("frechet_distance_from_stats", "cov1", lambda: metrics.frechet_distance_from_stats([0.0], [[-4.0]], [0.0], [[1.0]])),
    _bad("frechet_distance_from_stats", "mu2", lambda: metrics.frechet_distance_from_stats([0.0], [[1.0]], [], [[1.0]])),
    _bad("real_stats", "judge", lambda: metrics.real_stats(judge="model")),
    _bad("score", "labels", lambda: metrics.score(IMG, labels=[1, 2])),
    _bad("score", "judge", lambda: metrics.score(IMG, judge="cnn")),
    # --- images: the one pixel-range rule ---
    _bad("rescale", "images", lambda: images.rescale(np.full((2, 4, 4), 255.0))),
    _bad("rescale", "images", lambda: images.rescale(np.full((2, 4, 4), -0.5), value_range=(0, 1))),
    _bad("rescale", "images", lambda: images.rescale(np.array([[NAN, 0.5]]))),
    _bad("rescale", "images", lambda: images.rescale(np.zeros((2, 2), bool))),
    _bad("rescale", "to", lambda: images.rescale(IMG, to=(0, 2))),
    _bad("rescale", "value_range", lambda: images.rescale(IMG, value_range="0-255")),
    _bad("infer_range", "value_range", lambda: images.infer_range(IMG, value_range=(1, 2))),
    _bad("infer_range", "images", lambda: images.infer_range(["a"])),
    _bad("check_value_range", "value_range", lambda: images.check_value_range((0, 255), allowed=((0, 1), (-1, 1)))),
    # --- storage ---
    _bad("atomic_path", "path", lambda: storage.atomic_path(None).__enter__()),
    _bad("writable_folder", "variable", lambda p: storage.writable_folder(p, variable=5)),
    _bad("writable_folder", "folder", lambda: storage.writable_folder(None, variable="C2G_OUTPUT_DIR")),
    _bad("can_write", "folder", lambda: storage.can_write(5)),
    _bad("tf_path", "folder", lambda: storage.tf_path(None)),
    _bad("keras_filepath", "path", lambda: storage.keras_filepath(3)),
    _bad("save_model", "model", lambda p: storage.save_model("model", p / "m.keras")),
    _bad("save_model", "path", lambda p: storage.save_model(None, p / "m.h5")),
    _bad("load_model", "path", lambda: storage.load_model(None)),
    _bad("load_model", "required", lambda p: storage.load_model(p / "m.keras", required=1)),
]


def _variable():
    import tensorflow as tf

    return tf.Variable(1.0)


@pytest.mark.parametrize("arg, call, expect", BAD_CALLS)
def test_a_bad_argument_is_named_with_what_it_got(arg, call, expect, tmp_path):
    """The error names the argument and says what it got (and, by the words 'must be', what it expects)."""
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError) as caught:
        call(tmp_path) if inspect.signature(call).parameters else call()
    plt.close("all")
    message = str(caught.value)
    assert arg in message, f"the message does not name {arg!r}: {message}"
    assert "got" in message and ("must" in message or "expect" in message), message
    if expect:
        assert expect in message, message


# Functions with no argument a student could get wrong, or with only free-form ones.
NO_ARGUMENTS_TO_CHECK = {
    "settings.get_mode", "settings.in_colab", "settings.import_tensorflow", "settings.device_name",
    "settings.check_keras_config", "data.keras_cache_path", "data.last_source", "viz.in_notebook",
    "viz.use_style", "judge._cache_dir", "judge._build_judge", "checks.describe", "checks.fail",
    "storage.notice",
}


MODULES = (settings, data, images, viz, live, grids, checkpoints, samples, latent, gan, judge, metrics, conv, transposed,
           cnn, rnn, browse, toy, cgan, acgan, storage)


def _public_functions():
    found = set()
    for module in MODULES:
        name = module.__name__.split(".")[-1]
        for attr, value in vars(module).items():
            if attr.startswith("_") or getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(value) and not issubclass(value, BaseException):
                found.add(f"{name}.{attr}")
                for method, fn in vars(value).items():
                    if inspect.isfunction(fn) and not method.startswith("_") and \
                            len(inspect.signature(fn).parameters) > 1:
                        found.add(f"{name}.{attr}.{method}")
            elif inspect.isfunction(value):
                found.add(f"{name}.{attr}")
    return found


def test_every_public_function_is_in_the_table():
    public = _public_functions()
    tested = set()
    for param in BAD_CALLS:
        label = param.id.split(":")[0]
        tested |= {f"{module.__name__.split('.')[-1]}.{label}" for module in MODULES} & public
    missing = public - tested - NO_ARGUMENTS_TO_CHECK
    assert not missing, f"public functions without a bad-argument case: {sorted(missing)}"


def test_check_images_hint_is_right_about_uint8():
    """0-255 values that are uint8 are not told to be uint8; floats 0-255 are."""
    with pytest.raises(ValueError) as caught:
        judge._input(np.full((2, 28, 28), 255, np.uint8), value_range=(0, 1))
    assert "should be uint8" not in str(caught.value) and "value_range=(0, 255)" in str(caught.value)
    with pytest.raises(ValueError, match="should be uint8"):
        judge._input(np.full((2, 28, 28), 255.0))


def test_frechet_distance_of_degenerate_but_valid_statistics():
    """Zero covariances and a single dimension are valid: a number, never nan or LinAlgError."""
    assert metrics.frechet_distance_from_stats([0.0, 0.0], np.zeros((2, 2)), [3.0, 4.0], np.zeros((2, 2))) == pytest.approx(25)
    assert metrics.frechet_distance_from_stats(0.0, 1.0, 0.0, 4.0) == pytest.approx(1.0)
    big = np.diag([1e300, 1.0])
    value = metrics.frechet_distance_from_stats([0.0, 0.0], big, [0.0, 0.0], big)
    assert math.isfinite(value) or value == math.inf


def test_valid_edge_values_still_work():
    """The checks refuse only what is wrong: these are all fine."""
    assert judge._junk_images(0).shape == (0, 28, 28)
    assert conv.conv2d(np.ones((3, 3)), np.ones((3, 3)), np.float32(0.5))[0, 0] == pytest.approx(9.5)
    assert conv.conv_matrix(np.ones((2, 2)), [3, 3]).shape == (4, 9)
    assert conv.conv_matrix(np.ones((2, 2)), np.array([3, 3])).shape == (4, 9)
    assert judge._input(np.zeros((1, 28, 28)), value_range=[0, 1]).shape == (1, 28, 28, 1)
    assert rnn._sigmoid(0) == 0.5
    assert browse.class_counts([]).tolist() == [0] * 10
    assert latent.interpolate([1.0, 0.0], [0.0, 1.0], 0).shape == (1, 2)


# =============================================================================================
# 5. Edge cases of utility functions
# =============================================================================================
def _frames(n, shape=(8, 8)):
    """n different uint8 frames (a GIF writer merges identical neighbours)."""
    frames = [np.full(shape, 40 * k, "uint8") for k in range(n)]
    for frame in frames:
        if shape[-1:] == (4,):
            frame[..., 3] = 255   # opaque
    return frames


@pytest.mark.parametrize("frames", [
    [np.zeros((8, 8), "uint8")],                       # the case: one frame
    _frames(2),
    [np.zeros((8, 8, 3), "uint8")],                    # one colour frame
    _frames(3, (8, 8, 1)),                             # a channel axis of 1
    _frames(2, (8, 8, 4)),                             # RGBA
    [np.linspace(0, 1, 64).reshape(8, 8)],             # floats in [0, 1]
    (f for f in _frames(3)),                           # a generator
])
def test_make_gif_edge_cases(tmp_path, frames):
    import imageio.v3 as iio

    frames = list(frames)
    path = grids.make_gif(frames, tmp_path / "t.gif", fps=50, hold_last=0)
    read = iio.imread(path, index=None)
    assert read.shape[0] == len(frames) and read.shape[1:3] == (8, 8)


def test_make_gif_of_one_frame_file(tmp_path):
    import imageio.v3 as iio

    png = grids.save_grid(np.zeros((1, 8, 8)), tmp_path / "grids" / "epoch_001.png", scale=1)
    gif = grids.make_gif(tmp_path / "grids", tmp_path / "one.gif")
    assert iio.imread(gif, index=None).shape[0] == 1 and png.is_file()


def test_one_image_everywhere(tmp_path):
    one = np.zeros((1, 28, 28), "float32")
    assert viz.image_grid(one).shape == (28, 28)
    assert grids.save_grid(one, tmp_path / "one.png").is_file()
    x, y = samples.load_samples(samples.save_samples(one, tmp_path / "one.npz", labels=[3]))
    assert x.shape == (1, 28, 28) and y.tolist() == [3]
    assert cgan.paste_row(np.zeros((0, 28, 28)), cgan.text_to_labels("-")).shape == (28, 14)
    assert viz.to_display(np.zeros((28, 28))).shape == (1, 28, 28)


# =============================================================================================
# 4. Files left by an earlier lesson or an interrupted run
# =============================================================================================
def _truncate(path: Path, keep: float = 0.5):
    raw = path.read_bytes()
    path.write_bytes(raw[:max(1, int(len(raw) * keep))])


def _damaged_samples(tmp_path, how):
    path = tmp_path / "07_cgan" / "samples.npz"
    samples.save_samples(np.zeros((20, 28, 28), np.uint8), path, labels=np.arange(20) % 10)
    if how == "truncated":
        _truncate(path)
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "not npz":
        path.write_text("<html>error page</html>")
    elif how == "no images":
        np.savez(path, pictures=np.zeros(3))
    elif how == "bad labels":
        np.savez(path, images=np.zeros((2, 28, 28), np.uint8), labels=np.array([1, 2, 3]))
    elif how == "float images":
        np.savez(path, images=np.full((2, 28, 28), 0.5))
    elif how == "a folder":
        path.unlink()
        path.mkdir()
    return path


DAMAGE = ["truncated", "empty", "not npz", "no images", "bad labels", "float images", "a folder"]


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_optional_samples_file_is_a_one_line_notice(tmp_path, capsys, how):
    path = _damaged_samples(tmp_path, how)
    assert samples.load_samples(path, required=False) is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and str(path) in out and "07_cgan" in out


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_required_samples_file_names_the_file_and_the_fix(tmp_path, how):
    path = _damaged_samples(tmp_path, how)
    with pytest.raises(ValueError, match=r"(damaged|cannot be read|not a samples file).*07_cgan"):
        samples.load_samples(path)


def test_a_missing_optional_samples_file(tmp_path, capsys):
    path = tmp_path / "07_cgan" / "samples.npz"
    assert samples.load_samples(path, required=False) is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "07_cgan" in out and "run" in out


def _interrupt_write(monkeypatch, module, function):
    """Make ``module.function`` write half a file and then fail, like a kernel killed mid-write."""
    original = getattr(module, function)

    def half_then_fail(target, *args, **kwargs):
        original(target, *args, **kwargs)
        _truncate(Path(target) if not hasattr(target, "write") else Path(target.name))
        raise KeyboardInterrupt("interrupted")

    monkeypatch.setattr(module, function, half_then_fail)


@pytest.mark.parametrize("loader", ["samples", "model"])
def test_one_exception_type_for_one_kind_of_failure(tmp_path, loader):
    """Every loader: a missing file is FileNotFoundError; a damaged file, or a folder where the file
    should be, is ValueError; each names the file (utils.samples, utils.storage, utils.data's sample)."""
    load = {"samples": samples.load_samples, "model": storage.load_model}[loader]
    suffix = {"samples": ".npz", "model": ".keras"}[loader]
    with pytest.raises(FileNotFoundError, match="missing" + suffix.replace(".", r"\.")):
        load(tmp_path / f"missing{suffix}")
    (tmp_path / f"damaged{suffix}").write_bytes(b"half a file")
    with pytest.raises(ValueError, match="damaged"):
        load(tmp_path / f"damaged{suffix}")
    (tmp_path / f"folder{suffix}").mkdir()
    with pytest.raises(ValueError, match="folder"):
        load(tmp_path / f"folder{suffix}")


def test_the_missing_mnist_sample_is_file_not_found(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "SAMPLE_PATH", tmp_path / "gone.npz")
    with pytest.raises(FileNotFoundError, match="gone.npz"):
        data.load_mnist("sample")


def test_save_samples_is_atomic(tmp_path, monkeypatch):
    path = samples.save_samples(np.zeros((4, 28, 28), np.uint8), tmp_path / "samples.npz")
    before = path.read_bytes()
    _interrupt_write(monkeypatch, np, "savez_compressed")
    with pytest.raises(KeyboardInterrupt):
        samples.save_samples(np.ones((4, 28, 28), np.uint8), path)
    assert path.read_bytes() == before                       # the old file is intact ...
    assert sorted(p.name for p in tmp_path.iterdir()) == ["samples.npz"]   # ... and no temporary file is left


def test_grids_gifs_and_history_are_written_atomically(tmp_path, monkeypatch):
    import imageio.v2 as imageio

    grid = grids.save_grid(np.zeros((2, 8, 8)), tmp_path / "epoch_001.png")
    gif = grids.make_gif([np.zeros((8, 8))], tmp_path / "t.gif")
    old = {grid: grid.read_bytes(), gif: gif.read_bytes()}
    _interrupt_write(monkeypatch, imageio, "imwrite")
    _interrupt_write(monkeypatch, imageio, "mimsave")
    with pytest.raises(KeyboardInterrupt):
        grids.save_grid(np.ones((2, 8, 8)), grid)
    with pytest.raises(KeyboardInterrupt):
        grids.make_gif([np.ones((8, 8))], gif)
    assert all(p.read_bytes() == b for p, b in old.items())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["epoch_001.png", "t.gif"]


def test_make_gif_skips_a_damaged_grid_with_a_notice(tmp_path, capsys):
    for epoch in (1, 2, 3):
        grids.save_grid(np.full((2, 8, 8), epoch / 3), tmp_path / f"epoch_{epoch:03d}.png")
    _truncate(tmp_path / "epoch_002.png")
    gif = grids.make_gif(tmp_path, tmp_path / "t.gif")
    import imageio.v3 as iio

    assert iio.imread(gif, index=None).shape[0] == 2
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "epoch_002.png" in out


def test_a_new_run_removes_the_grids_of_an_abandoned_longer_run(tmp_path):
    for epoch in range(1, 6):
        grids.save_grid(np.zeros((2, 8, 8)), tmp_path / f"epoch_{epoch:03d}.png")
    view = live.LiveView(3, 1, lambda: np.zeros((2, 8, 8)), grid_dir=tmp_path, initial_epoch=2)
    view.close()
    assert [p.name for p in grids.epoch_grids(tmp_path)] == ["epoch_001.png", "epoch_002.png"]


def test_a_damaged_history_is_a_notice_and_training_resumes(tmp_path, capsys):
    import tensorflow as tf

    v = tf.Variable(1.0)
    ckpt = checkpoints.Checkpoints(tmp_path, v=v)
    ckpt.save(2, history={"d_loss": [1.0, 0.5]})
    (tmp_path / "history.json").write_text('{"epoch": 2, "hist')
    again = checkpoints.Checkpoints(tmp_path, v=v)
    assert again.restore(verbose=False) == 2 and again.history is None
    assert "history.json" in capsys.readouterr().out


@pytest.mark.parametrize("part", ["index", "data"])
def test_a_damaged_latest_checkpoint_falls_back_to_the_one_before(tmp_path, capsys, part):
    import tensorflow as tf

    v = tf.Variable([1.0, 2.0, 3.0])
    ckpt = checkpoints.Checkpoints(tmp_path, max_to_keep=3, v=v)
    for epoch in (1, 2):
        v.assign([float(epoch)] * 3)
        ckpt.save(epoch)
    damaged = next(tmp_path.glob(f"ckpt-2.{part}*"))
    damaged.write_bytes(b"\0" * 7)
    w = tf.Variable([0.0, 0.0, 0.0])
    again = checkpoints.Checkpoints(tmp_path, v=w)
    assert again.restore() == 1 and w.numpy().tolist() == [1.0, 1.0, 1.0]
    out = capsys.readouterr().out
    assert "ckpt-2" in out and "damaged" in out


def test_only_damaged_checkpoints_name_the_folder_and_the_fix(tmp_path):
    import tensorflow as tf

    v = tf.Variable([1.0, 2.0])
    checkpoints.Checkpoints(tmp_path, v=v).save(1)
    for p in tmp_path.glob("ckpt-1.*"):
        p.write_bytes(b"junk")
    with pytest.raises(ValueError, match=r"cannot be restored.*fresh=True"):
        checkpoints.Checkpoints(tmp_path, v=v).restore(verbose=False)


def test_keras_models_are_saved_atomically_and_a_damaged_one_is_optional(tmp_path, capsys):
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    path = storage.save_model(model, tmp_path / "m.keras")
    assert storage.load_model(path, required=False) is not None
    _truncate(path)
    assert storage.load_model(path, required=False) is None
    assert capsys.readouterr().out.count("\n") == 1
    with pytest.raises(ValueError, match="m.keras.*damaged"):
        storage.load_model(path)
    assert storage.load_model(tmp_path / "none.keras", required=False) is None


# =============================================================================================
# 2. Folders that cannot be written
# =============================================================================================
@pytest.fixture
def read_only_dir(tmp_path):
    """A read-only conv2gan checkout (notebooks/, utils/__init__.py) that nobody can write to, not
    even root: by chmod, or as root by a read-only tmpfs mount; skipped where neither works."""
    folder = tmp_path / "ro checkout"
    folder.mkdir()

    def populate():
        (folder / "notebooks").mkdir()
        (folder / "utils").mkdir()
        (folder / "utils" / "__init__.py").write_text("")

    populate()
    folder.chmod(0o555)
    mounted = False
    if storage.can_write(folder):   # root ignores permission bits: mount a read-only tmpfs instead
        folder.chmod(0o755)
        for p in ((folder / "utils" / "__init__.py"), (folder / "utils"), (folder / "notebooks")):
            p.unlink() if p.is_file() else p.rmdir()
        mount = lambda *args: subprocess.run(["mount", *args], capture_output=True).returncode == 0  # noqa: E731
        if sys.platform != "linux" or not mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)):
            pytest.skip("cannot make a read-only folder here (root, and no mount)")
        mounted = True
        populate()
        if not mount("-o", "remount,ro", str(folder)) or storage.can_write(folder):
            subprocess.run(["umount", str(folder)], capture_output=True)
            pytest.skip("cannot make a read-only folder here (remount failed)")
    yield folder
    if mounted:   # a lazy unmount if a plain one finds it busy: never leave a mount behind
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)
    else:
        folder.chmod(0o755)


def _checkout_with_outputs_blocked(tmp_path):
    """A checkout whose outputs/ cannot be made: a file named 'outputs' is in the way (fails for root too)."""
    checkout = tmp_path / "Kurs"
    (checkout / "notebooks").mkdir(parents=True)
    (checkout / "utils").mkdir()
    (checkout / "utils" / "__init__.py").write_text("")
    (checkout / "outputs").write_text("not a folder")
    return checkout


def test_unwritable_default_outputs_fall_back_to_a_temporary_folder(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("C2G_OUTPUT_DIR", raising=False)
    monkeypatch.setattr(storage, "_told", set())
    checkout = _checkout_with_outputs_blocked(tmp_path)
    monkeypatch.chdir(checkout / "notebooks")
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    path = utils.output_dir("06_gan_on_mnist")
    assert path.is_dir() and storage.can_write(path) and str(tmp_path / "tmp") in str(path)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "C2G_OUTPUT_DIR" in out and str(checkout / "outputs") in out
    assert utils.output_dir("06_gan_on_mnist") == path                   # the same place every time ...
    assert utils.output_dir("07_cgan", create=False).parent == path.parent   # ... for every lesson
    assert capsys.readouterr().out == ""                                  # and said once


def test_read_only_checkout_setup_falls_back(read_only_dir, monkeypatch, tmp_path, capsys):
    """The issue's case: a read-only checkout, cd notebooks, utils.setup(...)."""
    import tempfile

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.delenv("C2G_OUTPUT_DIR", raising=False)
    monkeypatch.setattr(storage, "_told", set())
    monkeypatch.chdir(read_only_dir / "notebooks")
    info = utils.setup("06_gan_on_mnist")
    out = capsys.readouterr().out
    assert storage.can_write(info["outputs"]) and not info["outputs"].startswith(str(read_only_dir))
    assert "C2G_OUTPUT_DIR" in out and f"Cannot write to {read_only_dir / 'outputs'}" in out


@pytest.mark.parametrize("make", ["a file", "under a file"])
def test_c2g_output_dir_that_cannot_be_used_names_the_variable(monkeypatch, tmp_path, make):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("C2G_OUTPUT_DIR", str(blocker if make == "a file" else blocker / "sub"))
    with pytest.raises(ValueError, match=r"C2G_OUTPUT_DIR=.*cannot be used.*writ"):
        utils.output_dir("06_gan_on_mnist")


def test_c2g_output_dir_read_only(read_only_dir, monkeypatch):
    monkeypatch.setenv("C2G_OUTPUT_DIR", str(read_only_dir))
    with pytest.raises(ValueError, match=r"C2G_OUTPUT_DIR=.*cannot be used"):
        utils.output_dir("06_gan_on_mnist")


def _stub_train(x_train, y_train, **kwargs):
    return judge._build_judge()


@pytest.mark.parametrize("make", ["a file", "under a file"])
def test_judge_cache_that_cannot_be_written_keeps_the_model(monkeypatch, tmp_path, capsys, make):
    monkeypatch.setattr(judge, "_train", _stub_train)
    monkeypatch.setattr(judge, "_judges", {})
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("C2G_CACHE_DIR", str(blocker if make == "a file" else blocker / "sub"))
    model = judge.get_judge("sample")
    out = capsys.readouterr().out
    assert model.output_shape == (None, 10)
    assert "C2G_CACHE_DIR" in out and "in memory" in out
    assert judge.get_judge("sample") is model                      # kept for the session, no retraining


def test_judge_cache_read_only_folder(read_only_dir, monkeypatch, capsys):
    monkeypatch.setattr(judge, "_train", _stub_train)
    monkeypatch.setattr(judge, "_judges", {})
    model = judge.get_judge("sample", folder=read_only_dir)
    assert model is not None and "in memory" in capsys.readouterr().out


def test_keras_home_that_cannot_be_used_names_keras_home(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("KERAS_HOME", str(blocker))
    with pytest.raises(RuntimeError, match=r"KERAS_HOME.*C2G_DATA=sample"):
        data.load_mnist("keras")


def test_checkpoint_save_failure_does_not_stop_training(tmp_path, capsys, monkeypatch):
    import tensorflow as tf

    v = tf.Variable(1.0)
    ckpt = checkpoints.Checkpoints(tmp_path / "ck", v=v)
    ckpt.save(1)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ckpt.manager, "save", disk_full)
    assert ckpt.save(2) is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "No space left" in out and "C2G_OUTPUT_DIR" in out


def test_live_view_grid_save_failure_does_not_stop_training(tmp_path, capsys, monkeypatch):
    view = live.LiveView(2, 1, lambda: np.zeros((2, 8, 8)), grid_dir=tmp_path)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(grids, "save_grid", disk_full)
    assert view.update(1, {"d_loss": 1.0}) is None
    assert view.update(2, {"d_loss": 0.5}) is None
    view.close()
    out = capsys.readouterr().out
    assert out.count("No space left") == 1 and view.history["d_loss"] == [1.0, 0.5]


# =============================================================================================
# 3. Folder names with characters a tool treats specially
# =============================================================================================
SPECIAL_FOLDERS = ["Kurs [WS24]", "with space", "a*b", "what?", "Ünïcødé ß 中文", "{braces}", "[ab]c*?"]


@pytest.mark.parametrize("name", SPECIAL_FOLDERS)
def test_checkpoints_resume_and_keep_max_in_special_folders(tmp_path, name, capsys):
    import tensorflow as tf

    folder = tmp_path / name / "outputs" / "06_gan_on_mnist" / "checkpoints"
    v = tf.Variable([0.0, 0.0])
    ckpt = checkpoints.Checkpoints(folder, max_to_keep=2, v=v)
    for epoch in (1, 2, 3, 4):
        v.assign([float(epoch), -float(epoch)])
        assert ckpt.save(epoch, history={"loss": [1.0] * epoch}) is not None
    kept = sorted(p.name for p in folder.glob("ckpt-*.index"))
    assert kept == ["ckpt-3.index", "ckpt-4.index"], kept                  # max_to_keep works
    w = tf.Variable([9.0, 9.0])
    again = checkpoints.Checkpoints(folder, v=w)
    assert again.restore() == 4 and w.numpy().tolist() == [4.0, -4.0]     # resume works
    assert again.history == {"loss": [1.0] * 4}
    assert str(folder) in capsys.readouterr().out                          # it says the real folder
    fresh = checkpoints.Checkpoints(folder, fresh=True, v=w)
    assert fresh.restore(verbose=False) == 0 and not list(folder.glob("ckpt-*"))


@pytest.mark.parametrize("name", ["Kurs [WS24]", "a*b?", "Ünïcødé"])
def test_samples_grids_gifs_and_models_in_special_folders(tmp_path, name):
    import keras

    out = tmp_path / name
    samples.load_samples(samples.save_samples(np.zeros((2, 28, 28)), out / "samples.npz"))
    grid = grids.save_grid(np.zeros((2, 8, 8)), out / "grids" / "epoch_001.png")
    assert grids.epoch_grids(out / "grids") == [grid]
    assert grids.make_gif(out / "grids", out / "training.gif").is_file()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert storage.load_model(storage.save_model(model, out / "m.keras")) is not None


def test_keras_filepath_escapes_braces(tmp_path):
    """Keras formats ModelCheckpoint paths with str.format: braces in a folder name must be doubled."""
    import keras

    folder = tmp_path / "{WS24}"
    callback = keras.callbacks.ModelCheckpoint(storage.keras_filepath(folder / "best.keras"))
    callback.set_model(keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]))
    callback.on_epoch_end(0, {"loss": 1.0})
    assert (folder / "best.keras").is_file()


def test_every_model_checkpoint_in_a_notebook_keeps_braces_in_its_path():
    """The kind of the bug above: a notebook handing ModelCheckpoint a raw path fails in a folder such as
    'course{2026}' (Keras reads the braces as a format field). Every call goes through keras_filepath."""
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "code")
        for call in code.split("ModelCheckpoint(")[1:]:
            assert call.lstrip().startswith("utils.storage.keras_filepath("), \
                f"{path.name}: ModelCheckpoint({call[:40]}...) should take utils.storage.keras_filepath(path)"


# =============================================================================================
# 1. Global Keras configuration: run setup in a fresh process
# =============================================================================================
def _run_setup(tmp_path, env=None, keras_json=None, before="", after="", home=None):
    """Run ``utils.setup`` in a fresh Python process with its own HOME and KERAS_HOME."""
    home = home or tmp_path / "home"
    (home / ".keras").mkdir(parents=True, exist_ok=True)
    if keras_json is not None:
        (home / ".keras" / "keras.json").write_text(json.dumps(keras_json) if isinstance(keras_json, dict) else keras_json)
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("KERAS_BACKEND", "KERAS_HOME", "TF_USE_LEGACY_KERAS", "C2G_OUTPUT_DIR")}
    environment.update({"HOME": str(home), "C2G_OUTPUT_DIR": str(tmp_path / "out"), "C2G_MODE": "quick",
                        "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"})
    environment.update(env or {})
    code = textwrap.dedent(before) + "\nimport utils\ninfo = utils.setup('01_convolution')\n" + textwrap.dedent(after)
    return subprocess.run([sys.executable, "-c", code], env=environment, cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("backend", ["jax", "torch", "JAX", "numpy", "openvino"])
def test_keras_backend_other_than_tensorflow_is_a_clear_error(tmp_path, backend):
    result = _run_setup(tmp_path, env={"KERAS_BACKEND": backend})
    assert result.returncode != 0
    err = result.stderr.strip().splitlines()[-1]
    assert "KERAS_BACKEND" in err and repr(backend) in err and "KERAS_BACKEND=tensorflow" in err \
        and "restart the kernel" in err, err
    assert "ModuleNotFoundError" not in result.stderr and "conv2gan ·" not in result.stdout


def test_keras_backend_error_even_when_jax_is_importable(tmp_path):
    """As on Colab: jax can be imported; setup still stops before the first Keras cell would."""
    fake = tmp_path / "fakejax"
    (fake / "jax").mkdir(parents=True)
    (fake / "jax" / "__init__.py").write_text("__version__ = '0.0'\n")
    result = _run_setup(tmp_path, env={"KERAS_BACKEND": "jax", "PYTHONPATH": f"{ROOT}{os.pathsep}{fake}"})
    assert result.returncode != 0 and "KERAS_BACKEND" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("value", ["tensorflow", "TensorFlow", " tensorflow ", ""])
def test_keras_backend_tensorflow_or_empty_is_fine(tmp_path, value):
    result = _run_setup(tmp_path, env={"KERAS_BACKEND": value}, after="print('backend', info['backend'])")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "backend tensorflow" in result.stdout and "TensorFlow backend" in result.stdout


def test_keras_json_settings_are_reset_for_the_session_and_said(tmp_path):
    """keras.json asking for another backend, float16, channels_first and an odd epsilon."""
    settings_file = {"backend": "jax", "floatx": "float16", "image_data_format": "channels_first", "epsilon": 0.1}
    result = _run_setup(tmp_path, keras_json=settings_file, after="""
        import keras
        print('now', keras.backend.backend(), keras.config.floatx(), keras.config.image_data_format(),
              keras.config.epsilon(), keras.ops.convert_to_numpy(keras.layers.Dense(2)(keras.ops.ones((1, 3)))).dtype)
    """)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "now tensorflow float32 channels_last 1e-07 float32" in result.stdout
    text = result.stdout
    assert "keras.json" in text and "float16" in text and "channels_first" in text and "'jax'" in text
    assert len(text.splitlines()) <= 9


@pytest.mark.parametrize("content", ["{not json", '{"backend": "tensorflow"}', '{"floatx": "float64"}'])
def test_other_keras_json_files(tmp_path, content):
    result = _run_setup(tmp_path, keras_json=content, after="import keras; print('floatx', keras.config.floatx())")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "floatx float32" in result.stdout


def test_settings_changed_in_the_session_before_setup_are_reset(tmp_path):
    result = _run_setup(tmp_path, before="""
        import keras
        keras.config.set_floatx('float16')
        keras.config.set_image_data_format('channels_first')
        keras.config.set_dtype_policy('mixed_float16')
    """, after="print('now', keras.config.floatx(), keras.config.image_data_format(), keras.config.dtype_policy().name)")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "now float32 channels_last float32" in result.stdout
    assert "mixed_float16" in result.stdout


def test_environment_switches_are_undone_for_the_session(tmp_path):
    """TF_USE_LEGACY_KERAS would swap tf.keras for Keras 2; KERAS_MAX_EPOCHS and
    KERAS_MAX_STEPS_PER_EPOCH would silently cut every fit() short."""
    result = _run_setup(tmp_path, env={"TF_USE_LEGACY_KERAS": "1", "KERAS_MAX_EPOCHS": "1",
                                       "KERAS_MAX_STEPS_PER_EPOCH": "2"}, after="""
        import tensorflow as tf, keras
        print('same', tf.keras.layers.Dense is keras.layers.Dense)
        cap = lambda name: getattr(keras.config, name, lambda: None)()   # older Keras has no caps
        print('caps', cap('max_epochs'), cap('max_steps_per_epoch'))
    """)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "same True" in result.stdout and "caps None None" in result.stdout
    for name in ("TF_USE_LEGACY_KERAS", "KERAS_MAX_EPOCHS", "KERAS_MAX_STEPS_PER_EPOCH"):
        assert name in result.stdout


@pytest.mark.parametrize("content, key", [('{"floatx": "bfloat16"}', "floatx"),
                                          ('{"image_data_format": "NHWC"}', "image_data_format"),
                                          ('{"epsilon": 1}', "epsilon"), ("[]", "JSON object")])
def test_keras_json_that_keras_refuses_names_the_file_and_the_key(tmp_path, content, key):
    """Keras itself would fail to import with these; setup says which file and key, and what to do."""
    result = _run_setup(tmp_path, keras_json=content)
    assert result.returncode != 0
    err = result.stderr.strip().splitlines()[-1]
    assert "SetupError" in err and "keras.json" in err and key in err and "restart the kernel" in err, err


def test_keras_imported_with_another_backend_before_setup(tmp_path):
    """A backend chosen in the same kernel before setup (an earlier cell) cannot be switched. No other
    backend is installed here, so Keras is told it runs on JAX, as it would after such a cell."""
    result = _run_setup(tmp_path, before="""
        import keras
        keras.backend.backend = lambda: 'jax'
    """)
    assert result.returncode != 0
    err = result.stderr.strip().splitlines()[-1]
    assert "'jax'" in err and "restart the kernel" in err and "KERAS_BACKEND" in err


def test_the_banner_shows_the_backend(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("C2G_OUTPUT_DIR", str(tmp_path))
    info = utils.setup("01_convolution")
    assert info["backend"] == "tensorflow" and "TensorFlow backend" in capsys.readouterr().out


# =============================================================================================
# Found by a tester who tried to break the reorganised utils (the kind of each, several members).
# =============================================================================================
def test_a_metric_missing_for_an_epoch_survives_a_checkpoint_and_a_resume(tmp_path):
    import tensorflow as tf

    ckpt = checkpoints.Checkpoints(tmp_path / "ck", counter=tf.Variable(0))
    with live.LiveView(3, 1) as view:
        view.update(1, {"d_loss": 1.0})                        # the judge scores every other epoch only
        view.update(2, {"d_loss": 0.9, "judge": 0.5})
    assert math.isnan(view.history["judge"][0])
    ckpt.save(2, view.history)
    again = checkpoints.Checkpoints(tmp_path / "ck", counter=tf.Variable(0))
    assert again.restore(verbose=False) == 2 and math.isnan(again.history["judge"][0])
    with live.LiveView(3, 1, initial_epoch=2, history=again.history) as resumed:   # NaN is a gap, not an error
        resumed.update(3, {"d_loss": 0.8, "judge": NAN})               # a diverged metric: drawn as a gap, said
    assert len(resumed.history["judge"]) == 3


@pytest.mark.parametrize("value", [np.float32(0.4), np.float64(0.4), np.int64(1), "tensor"])
def test_checkpoint_history_takes_numpy_numbers_and_tensors(tmp_path, value):
    import tensorflow as tf

    value = tf.constant(0.4) if value == "tensor" else value
    ckpt = checkpoints.Checkpoints(tmp_path / "ck", counter=tf.Variable(0))
    ckpt.save(1, {"d_loss": [value]})
    assert json.loads((tmp_path / "ck" / "history.json").read_text())["history"]["d_loss"][0] == pytest.approx(float(value))
    with pytest.raises(ValueError, match="history"):
        ckpt.save(2, {"d_loss": ["much"]})                      # refused before anything is written
    assert json.loads((tmp_path / "ck" / "history.json").read_text())["epoch"] == 1


def test_a_failed_sample_leaves_the_view_as_it_was():
    calls = iter([np.full((2, 4, 4), NAN), np.zeros((2, 4, 4))])
    with live.LiveView(2, 1, lambda: next(calls)) as view:
        with pytest.raises(ValueError, match="NaN"):
            view.update(1, {"d_loss": 1.0})
        assert view.last_epoch == 0 and view.history == {}
        view.update(1, {"d_loss": 1.0})                          # the same epoch again: accepted


@pytest.mark.parametrize("suffix", [".NPZ", ".Npz", ".PNG", ".GIF", ".KERAS"])
def test_upper_case_suffixes_are_written_whole(tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    if suffix.lower() == ".npz":
        samples.save_samples(np.zeros((2, 4, 4), np.uint8), path)
        assert samples.load_samples(path)[0].shape == (2, 4, 4)
    elif suffix.lower() == ".png":
        grids.save_grid(np.zeros((2, 4, 4), np.uint8), path)
        assert path.stat().st_size > 50
    elif suffix.lower() == ".gif":
        grids.make_gif([np.zeros((4, 4), np.uint8)], path)
        assert path.stat().st_size > 20
    else:
        import keras

        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        with pytest.raises(ValueError, match="lower case"):    # Keras loads only ".keras": said before saving
            storage.save_model(model, path)
        return
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]      # no temporary file left behind


@pytest.mark.parametrize("z1", ["opposite", "nearly opposite", "half opposite"])
def test_slerp_of_opposite_vectors_is_refused(z1):
    z0 = np.random.default_rng(0).normal(size=100)
    other = {"opposite": -z0, "nearly opposite": -z0 + 1e-9, "half opposite": -0.5 * z0}[z1]
    with pytest.raises(ValueError, match="opposite"):
        latent.interpolate(z0, other, [0.5])
    assert np.all(np.isfinite(latent.interpolate(z0, other, [0.5], method="linear")))


@pytest.mark.parametrize("shape", [(28, 28, 1), (28, 28, 3)])
def test_one_image_with_a_channel_axis_is_one_image(shape):
    image = np.zeros(shape, np.uint8)
    assert viz.to_display(image).shape[0] == 1
    grid = viz.image_grid(image)
    assert grid.shape[:2] == (28, 28)


@pytest.mark.parametrize("call, arg", [
    (lambda: cnn.perturb(np.full((8, 8), -0.5)), "(x + 1) / 2"),
    (lambda: grids.make_gif([np.full((4, 4), -0.5)], Path("x.gif")), "(x + 1) / 2"),
    (lambda: viz.to_display(np.full((2, 4, 4), -0.5), value_range=(0, 1)), "value_range=(-1, 1)"),
])
def test_hints_name_only_arguments_the_function_has(call, arg):
    with pytest.raises(ValueError) as caught:
        call()
    assert arg in str(caught.value)
    if arg != "value_range=(-1, 1)":
        assert "value_range" not in str(caught.value)


def test_a_missing_gif_frame_is_file_not_found_and_a_file_is_not_a_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file"):
        grids.make_gif([tmp_path / "gone.png"], tmp_path / "x.gif")
    (tmp_path / "a file").write_text("x")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        grids.epoch_grids(tmp_path / "a file")


@pytest.mark.parametrize("value", [[[1, 2], [3]], "keras input"])
def test_images_that_are_not_arrays_are_named(value):
    if value == "keras input":
        import keras

        value = keras.Input((28, 28))
    with pytest.raises(ValueError, match="images must be"):
        images.rescale(value)


@pytest.mark.parametrize("labels", [[1e20, 0], np.array([2 ** 63, 0], np.uint64), [-(2 ** 40), 1]])
def test_huge_labels_do_not_wrap_around(labels):
    with pytest.raises(ValueError, match="labels"):
        checks.labels(labels, 2)


def test_the_pixel_rule_at_its_edges():
    np.testing.assert_allclose(images.rescale(np.array([-1e-7, 0.5, 1.0])), [0.0, 0.5, 1.0])   # rounding, not [-1, 1]
    np.testing.assert_allclose(images.rescale(np.array([255.0000001]), value_range=(0, 255)), [1.0])
    with pytest.raises(ValueError, match="value_range"):
        images.rescale(np.zeros(3), value_range=(False, True))
    with pytest.raises(ValueError, match=r"255\.3"):
        images.rescale(np.array([255.3]), value_range=(0, 255))


def test_live_curves_skip_logs_that_are_not_numbers(capsys):
    callback = live.live_curves(metrics=("loss",))
    callback.params = {"epochs": 1, "steps": 1}
    callback.on_train_begin()
    callback.on_epoch_end(0, {"loss": 0.5, "note": "text", "vector": np.ones(3)})
    callback.on_train_end()
    assert callback.history == {"loss": [0.5]}
