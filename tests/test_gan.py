"""utils.gan (the GAN plumbing of lessons 05-10) and lesson 05's checkers."""
import json
import math

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from utils import checkpoints, gan, grids, latent, live, samples, toy
from utils.images import to_uint8


def _png_size(png: bytes):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# --- the live view -------------------------------------------------------------------------------
def test_live_view_records_metrics_saves_grids_and_prints_outside_a_notebook(tmp_path, capsys):
    noise = np.random.default_rng(0).uniform(-1, 1, size=(12, 28, 28)).astype("float32")
    with live.LiveView(3, 5, lambda: noise, grid_dir=tmp_path / "grids", ncols=4, title="t",
                      panels={"losses": ["d_loss", "g_loss"], "D": ["D(x)", "D(G(z))"]}) as view:
        for epoch in (1, 2, 3):
            view.step(5)
            path = view.update(epoch, {"d_loss": 1.0 / epoch, "g_loss": np.float32(2.0), "D(x)": 0.6, "D(G(z))": 0.4})
            assert path == tmp_path / "grids" / f"epoch_{epoch:03d}.png" and path.is_file()
    assert view.history["d_loss"] == pytest.approx([1.0, 0.5, 1 / 3]) and view.history["g_loss"] == [2.0] * 3
    assert view.epoch_numbers == [1, 2, 3] and view.seconds > 0
    assert view.grid.shape == (3 * 28 + 2, 4 * 28 + 3)                     # 12 images, 4 a row, 1 px gaps
    assert capsys.readouterr().out.count("epoch ") == 3                    # one line an epoch
    assert [p.name for p in grids.epoch_grids(tmp_path / "grids")] == ["epoch_001.png", "epoch_002.png", "epoch_003.png"]


def test_live_view_saves_enlarged_grids(tmp_path):
    import imageio.v3 as iio

    view = live.LiveView(1, 1, lambda: np.zeros((4, 28, 28)), grid_dir=tmp_path, grid_scale=3, ncols=2)
    path = view.update(1, {"d_loss": 1.0})
    view.close()
    assert iio.imread(path).shape == (3 * (2 * 28 + 1), 3 * (2 * 28 + 1))
    with pytest.raises(ValueError, match="grid_scale"):
        live.LiveView(1, 1, grid_scale=0)


def test_live_view_accepts_tensors_and_resumes_with_history():
    tf = pytest.importorskip("tensorflow")
    view = live.LiveView(5, 2, initial_epoch=2, history={"d_loss": [1.0, 0.9]})
    view.update(3, {"d_loss": tf.constant(0.8), "g_loss": tf.constant(1.5)})
    view.close()
    assert view.history["d_loss"] == pytest.approx([1.0, 0.9, 0.8])
    assert view.epoch_numbers == [1, 2, 3]
    assert math.isnan(view.history["g_loss"][0]) and view.history["g_loss"][2] == pytest.approx(1.5)
    with pytest.raises(RuntimeError, match="closed"):
        view.update(4, {"d_loss": 0.7})


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 0}, "epochs must be a whole number"), ({"steps_per_epoch": 2.5}, "steps_per_epoch"),
    ({"sample_fn": 3}, "sample_fn must be a function"), ({"panels": {"losses": "d_loss"}}, "panels must be a dict"),
    ({"initial_epoch": 9}, "initial_epoch"), ({"history": {"a": [1, 2], "b": [1]}}, "same number of values"),
    ({"history": {"a": [1, 2, 3]}, "initial_epoch": 2}, "at most initial_epoch"),
])
def test_live_view_bad_arguments(kwargs, message):
    args = {"epochs": 4, "steps_per_epoch": 3}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        live.LiveView(**args)


def test_live_view_bad_updates():
    view = live.LiveView(3, 1)
    for epoch, metrics, message in [(0, {"a": 1.0}, "epoch must be"), (4, {"a": 1.0}, "epoch must be"),
                                    (1, {}, "non-empty dict"),
                                    (1, {"a": [1, 2]}, "one number"), (1, {"a": "x"}, "one number")]:
        with pytest.raises(ValueError, match=message):
            view.update(epoch, metrics)
    view.update(1, {"a": float("nan")})                      # a diverged loss is shown (and said), not refused
    with pytest.raises(ValueError, match="epoch must be"):   # epochs only go forward
        view.update(1, {"a": 1.0})
    view.close()


def test_live_view_png_and_default_panels():
    assert live._default_panels(["d_loss", "g_loss", "D(x)"]) == {"losses": ["d_loss", "g_loss"], "other metrics": ["D(x)"]}
    png = live._panels_png({"d_loss": [1, 0.5]}, {"losses": ["d_loss"]}, np.zeros((10, 10)), title="x", epochs=4)
    width, height = _png_size(png)
    assert width > height > 100
    assert _png_size(live._panels_png({}, {}, None))[0] > 100           # nothing yet: an empty panel
    with pytest.raises(ValueError, match="panels must be a dict"):
        live._panels_png({}, ["losses"], None)


# --- grids and GIFs --------------------------------------------------------------------------------
def test_save_grid_scales_and_make_gif_has_every_frame(tmp_path):
    import imageio.v3 as iio

    images = np.linspace(-1, 1, 6 * 28 * 28).reshape(6, 28, 28)
    path = grids.save_grid(images, tmp_path / "g.png", ncols=3, scale=2)
    saved = iio.imread(path)
    assert saved.dtype == np.uint8 and saved.shape == (2 * (2 * 28 + 1), 2 * (3 * 28 + 2))
    assert saved[0, 0] == 0 and saved[-1, -1] == 255                      # -1 is black, +1 white
    for epoch in (1, 2, 10):
        grids.save_grid(images * (epoch / 10), tmp_path / "grids" / f"epoch_{epoch:03d}.png", ncols=3)
    (tmp_path / "grids" / "notes.png").write_bytes(b"")                     # not an epoch grid: ignored
    gif = grids.make_gif(tmp_path / "grids", tmp_path / "training.gif", fps=5, hold_last=2)
    frames = iio.imread(gif, index=None)
    assert frames.shape[0] == 3 and frames.shape[1:3] == (2 * (2 * 28 + 1), 2 * (3 * 28 + 2))
    assert [iio.immeta(gif, index=k)["duration"] for k in range(3)] == [200, 200, 600]   # the last frame is held
    gif2 = grids.make_gif([np.zeros((4, 4)), np.ones((4, 4))], tmp_path / "two.gif", hold_last=0)
    assert iio.imread(gif2, index=None).shape[0] == 2


@pytest.mark.parametrize("call, message", [
    (lambda p: grids.save_grid(np.zeros((2, 8, 8)), p / "g.jpg"), "must end in .png"),
    (lambda p: grids.save_grid(np.zeros((2, 8, 8)), p / "g.png", scale=0), "scale"),
    (lambda p: grids.save_grid(np.zeros((2, 8, 8, 2)), p / "g.png"), "shape"),
    (lambda p: grids.make_gif([], p / "x.gif"), "at least one frame"),
    (lambda p: grids.make_gif([np.zeros((4, 4))], p / "x.png"), "must end in .gif"),
    (lambda p: grids.make_gif([np.zeros((4, 4)), np.zeros((5, 4))], p / "x.gif"), "one shape"),
    (lambda p: grids.make_gif([np.full((4, 4), 2.0)], p / "x.gif"), r"outside \(0, 1\)"),
    (lambda p: grids.make_gif([np.zeros((4, 4))], p / "x.gif", fps=0), "fps"),
    (lambda p: grids.epoch_grids(p / "nowhere"), "does not exist"),
])
def test_grid_and_gif_bad_input(tmp_path, call, message):
    with pytest.raises(ValueError, match=message):
        call(tmp_path)


# --- checkpoints --------------------------------------------------------------------------------
def _models(seed):
    import keras

    keras.utils.set_random_seed(seed)
    g = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.BatchNormalization(),
                          keras.layers.Dense(3)])
    d = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    opt = keras.optimizers.Adam(1e-2)
    opt.build(g.trainable_variables)
    return g, d, opt


def test_checkpoint_save_then_new_objects_restore_the_same_weights_and_epoch(tmp_path, capsys):
    import tensorflow as tf

    g, d, opt = _models(0)
    for _ in range(3):  # train a little so the weights, BN statistics and Adam's moments all move
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(g(tf.random.normal((16, 4)), training=True) - 1.0))
        opt.apply_gradients(zip(tape.gradient(loss, g.trainable_variables), g.trainable_variables))
    ckpt = checkpoints.Checkpoints(tmp_path / "ck", every=2, max_to_keep=2, generator=g, discriminator=d, optimizer=opt)
    assert ckpt.restore() == 0 and ckpt.history is None
    assert ckpt.save(1) is None                                           # not a multiple of every=2
    for epoch in (2, 4, 6):
        assert ckpt.save(epoch, history={"d_loss": [0.5] * epoch}) is not None
    assert ckpt.save(7, force=True).endswith("ckpt-7")
    assert len(ckpt.manager.checkpoints) == 2                            # max_to_keep

    g2, d2, opt2 = _models(1)                                             # new objects, other weights
    assert not np.allclose(g2.get_weights()[0], g.get_weights()[0])
    ckpt2 = checkpoints.Checkpoints(tmp_path / "ck", generator=g2, discriminator=d2, optimizer=opt2)
    assert ckpt2.restore() == 7
    assert "Resumed from" in capsys.readouterr().out
    for a, b in zip(g.weights + d.weights + opt.variables, g2.weights + d2.weights + opt2.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    assert int(opt2.iterations.numpy()) == 3
    assert ckpt2.history is None                                          # epoch 7 was saved without history
    ckpt2.save(8, history={"d_loss": [1.0] * 8})
    ckpt3 = checkpoints.Checkpoints(tmp_path / "ck", generator=g2, discriminator=d2, optimizer=opt2)
    assert ckpt3.restore(verbose=False) == 8 and ckpt3.history == {"d_loss": [1.0] * 8}
    fresh = checkpoints.Checkpoints(tmp_path / "ck", fresh=True, generator=g2, discriminator=d2, optimizer=opt2)
    assert fresh.restore(verbose=False) == 0 and not (tmp_path / "ck" / "history.json").exists()


def test_checkpoints_bad_input(tmp_path):
    import keras

    g, _, opt = _models(0)
    with pytest.raises(ValueError, match="needs the objects"):
        checkpoints.Checkpoints(tmp_path)
    with pytest.raises(ValueError, match="epoch"):
        checkpoints.Checkpoints(tmp_path, epoch=g)
    with pytest.raises(ValueError, match="something TensorFlow can checkpoint"):
        checkpoints.Checkpoints(tmp_path, weights=np.zeros(3))
    with pytest.raises(ValueError, match="every"):
        checkpoints.Checkpoints(tmp_path, every=0, generator=g)
    with pytest.raises(ValueError, match="folder must be a path"):
        checkpoints.Checkpoints(None, generator=g)
    unbuilt = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="not built yet.*build"):
        checkpoints.Checkpoints(tmp_path, generator=g, optimizer=unbuilt).restore()
    ckpt = checkpoints.Checkpoints(tmp_path, generator=g, optimizer=opt)
    with pytest.raises(ValueError, match="epoch must be"):
        ckpt.save(-1)
    with pytest.raises(ValueError, match="history must be a dict"):
        ckpt.save(1, history=[1, 2])


def test_checkpoint_restore_refuses_a_mismatched_model(tmp_path):
    import keras

    g, _, _ = _models(0)
    checkpoints.Checkpoints(tmp_path, generator=g).save(1)
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5)])
    # TensorFlow's own error names the shapes that do not match (the saved Dense(8) against Dense(5)).
    with pytest.raises(ValueError, match=r"incompatible tensor with shape \(4, 8\).*variable with shape \(4, 5\)"):
        checkpoints.Checkpoints(tmp_path, generator=other).restore(verbose=False)


# --- samples ---------------------------------------------------------------------------------------
def test_save_and_load_samples(tmp_path):
    images = np.linspace(-1, 1, 5 * 28 * 28, dtype="float32").reshape(5, 28, 28, 1)
    path = samples.save_samples(images, tmp_path / "s" / "samples.npz", labels=[0, 1, 2, 3, 9])
    x, y = samples.load_samples(path)
    assert x.dtype == np.uint8 and x.shape == (5, 28, 28) and x.min() == 0 and x.max() == 255
    assert y.tolist() == [0, 1, 2, 3, 9] and y.dtype == np.int64
    with np.load(path) as f:
        assert sorted(f.files) == ["images", "labels"]
    x2, y2 = samples.load_samples(samples.save_samples(np.zeros((2, 28, 28), np.uint8), tmp_path / "u.npz"))
    assert y2 is None and x2.shape == (2, 28, 28)
    np.testing.assert_array_equal(to_uint8(np.array([[[0.0, 0.5, 1.0]]])), [[[0, 128, 255]]])


@pytest.mark.parametrize("images, kwargs, message", [
    (np.zeros((28, 28)), {}, "batch"), (np.zeros((2, 28, 28, 2)), {}, "batch"),
    (np.full((2, 4, 4), 3.0), {}, r"\[0, 1\] or \[-1, 1\]"), (np.full((2, 4, 4), np.nan), {}, "NaN"),
    (np.zeros((2, 4, 4)), {"labels": [1, 2, 3]}, "one per image"),
    (np.zeros((2, 4, 4)), {"labels": [0.5, 1]}, "whole numbers"),
])
def test_save_samples_bad_input(tmp_path, images, kwargs, message):
    with pytest.raises(ValueError, match=message):
        samples.save_samples(images, tmp_path / "s.npz", **kwargs)


def test_samples_paths_are_checked(tmp_path):
    with pytest.raises(ValueError, match="must end in .npz"):
        samples.save_samples(np.zeros((1, 4, 4)), tmp_path / "s.npy")
    # one kind of failure, one exception type: a missing file is FileNotFoundError here as in
    # utils.storage.load_model and utils.data's sample; a damaged one is ValueError everywhere
    with pytest.raises(FileNotFoundError, match="no samples file"):
        samples.load_samples(tmp_path / "none.npz")
    np.savez(tmp_path / "other.npz", x=np.zeros(2))
    with pytest.raises(ValueError, match="no 'images' array"):
        samples.load_samples(tmp_path / "other.npz")


# --- latent interpolation ------------------------------------------------------------------------
def test_interpolate_linear_and_slerp():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=100), rng.normal(size=100)
    ts = np.linspace(0, 1, 7)
    for method in ("linear", "slerp"):
        path = latent.interpolate(a, b, ts, method=method)
        assert path.shape == (7, 100) and path.dtype == np.float32
        np.testing.assert_allclose(path[0], a, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(path[-1], b, rtol=1e-5, atol=1e-5)
    lin, sl = (np.linalg.norm(latent.interpolate(a, b, 0.5, method=m)[0]) for m in ("linear", "slerp"))
    assert lin < 0.8 * min(np.linalg.norm(a), np.linalg.norm(b))   # the midpoint of the line is short ...
    assert sl == pytest.approx((np.linalg.norm(a) + np.linalg.norm(b)) / 2, rel=0.05)  # ... slerp keeps the length
    u, v = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    np.testing.assert_allclose(latent.interpolate(u, v, 0.5)[0], [math.sqrt(0.5)] * 2, rtol=1e-6)
    np.testing.assert_allclose(latent.interpolate(u, u, [0.3])[0], u)       # same direction: no division by zero


@pytest.mark.parametrize("z0, z1, t, kwargs, message", [
    (np.zeros(3), np.zeros(4), 0.5, {}, "one length"), (np.zeros((2, 2)), np.zeros((2, 2)), 0.5, {}, "vectors"),
    (np.ones(3), np.ones(3), 1.5, {}, r"in \[0, 1\]"), (np.ones(3), np.ones(3), [[0.5]], {}, "1-D"),
    (np.ones(3), np.ones(3), 0.5, {"method": "cubic"}, "linear' or 'slerp"),
    (np.zeros(3), np.ones(3), 0.5, {}, "non-zero"), (np.full(3, np.nan), np.ones(3), 0.5, {}, "finite"),
])
def test_interpolate_bad_input(z0, z1, t, kwargs, message):
    with pytest.raises(ValueError, match=message):
        latent.interpolate(z0, z1, t, **kwargs)


# --- the toy view ------------------------------------------------------------------------------
def test_toy_view_draws_and_records(capsys):
    x = np.linspace(-4, 4, 101)
    p = np.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)
    png = toy._toy_png(x, p, np.random.default_rng(0).normal(size=500), np.full(101, 0.5),
                      {"step": [0, 10], "d_loss": [1.4, 1.3]}, title="t", steps=100)
    width, height = _png_size(png)
    assert width > 2 * height
    view = toy.ToyView(x, p, steps=100)
    view.update(10, np.zeros(50), np.full(101, 0.4), {"d_loss": 1.3, "g_loss": 0.7})
    view.update(20, np.zeros(50), np.full(101, 0.4), {"d_loss": 1.2})
    assert view.history["step"] == [10, 20] and view.history["d_loss"] == [1.3, 1.2]
    assert math.isnan(view.history["g_loss"][1]) and view.frames == 2
    assert capsys.readouterr().out.count("step") == 2


_X = np.linspace(0, 1, 3)


@pytest.mark.parametrize("args, message", [
    ((np.array([0.0, 0.0, 1.0]), np.ones(3), np.zeros(5), np.full(3, 0.5)), "increasing"),
    ((_X, np.ones(4), np.zeros(5), np.full(3, 0.5)), "one per grid point"),
    ((_X, -np.ones(3), np.zeros(5), np.full(3, 0.5)), "non-negative"),
    ((_X, np.ones(3), np.array([]), np.full(3, 0.5)), "non-empty"),
    ((_X, np.ones(3), np.zeros(5), np.full(3, 1.5)), r"D\(x\) in \[0, 1\]"),
    ((_X, np.ones(3), np.zeros(5), np.full(2, 0.5)), "one per grid point"),
])
def test_toy_png_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        toy._toy_png(*args)


def test_views_reject_a_wrong_output():
    with pytest.raises(ValueError, match="ipywidgets.Output"):
        toy.ToyView(np.linspace(0, 1, 3), np.ones(3), output="here")


def test_views_draw_into_an_output_widget():
    widgets = pytest.importorskip("ipywidgets")
    out = widgets.Output()
    view = toy.ToyView(np.linspace(0, 1, 5), np.ones(5), output=out)
    view.update(1, np.full(10, 0.5), np.full(5, 0.5), {"d_loss": 1.0})
    assert view._screen.image.value[:4] == b"\x89PNG"
    gan_view = live.LiveView(2, 1, lambda: np.zeros((4, 8, 8)), output=out)
    gan_view.update(1, {"d_loss": 1.0})
    gan_view.close()
    assert gan_view._screen.image.value[:4] == b"\x89PNG"


def test_history_json_is_plain(tmp_path):
    g, _, _ = _models(0)
    ckpt = checkpoints.Checkpoints(tmp_path, generator=g)
    ckpt.save(3, history={"a": [1.0, 2.0, 3.0]})
    saved = json.loads((tmp_path / "history.json").read_text())
    assert saved == {"epoch": 3, "history": {"a": [1.0, 2.0, 3.0]}}


# --- one training path: utils.gan.fit ----------------------------------------------------------------
def _tiny_gan():
    """A GAN written as lessons 07, 09 and 10 write theirs: a keras.Model with its own train_step."""
    tf = pytest.importorskip("tensorflow")
    import keras

    class Tiny(keras.Model):
        def __init__(self):
            super().__init__()
            self.generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
            self.discriminator = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            self.trackers = {name: keras.metrics.Mean(name=name) for name in ("d_loss", "g_loss", "step")}

        @property
        def metrics(self):
            return list(self.trackers.values())

        def compile(self):
            super().compile(jit_compile=False)
            self.g_optimizer, self.d_optimizer = keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2)
            self.g_optimizer.build(self.generator.trainable_variables)
            self.d_optimizer.build(self.discriminator.trainable_variables)

        def train_step(self, real):
            with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                fake = self.generator(tf.random.normal((tf.shape(real)[0], 3)))
                d_loss = tf.reduce_mean(self.discriminator(fake) ** 2 + (self.discriminator(real) - 1) ** 2)
                g_loss = tf.reduce_mean((self.discriminator(fake) - 1) ** 2)
            self.d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, self.discriminator.trainable_variables),
                                                 self.discriminator.trainable_variables))
            self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, self.generator.trainable_variables),
                                                 self.generator.trainable_variables))
            self.trackers["d_loss"].update_state(d_loss)
            self.trackers["g_loss"].update_state(g_loss)
            self.trackers["step"].update_state(tf.cast(self.g_optimizer.iterations, tf.float32))   # 1, 2, 3, ...
            return {name: t.result() for name, t in self.trackers.items()}

    model = Tiny()
    model.compile()
    data = tf.data.Dataset.from_tensor_slices(np.ones((40, 4), "float32")).batch(8, drop_remainder=True)   # 5 batches
    return model, data


def test_fit_stops_resumes_and_continues_where_it_stopped(tmp_path, capsys):
    model, data = _tiny_gan()
    grid_dir = tmp_path / "grids"
    sample = lambda: np.zeros((4, 28, 28), "float32")
    first = gan.fit(model, data, 4, sample_fn=sample, metrics_fn=lambda images: {"mean": float(np.mean(images))},
                    checkpoint_dir=tmp_path / "ck", every=1, grid_dir=grid_dir, stop_after=2)
    assert first.last_epoch == 2 and int(model.g_optimizer.iterations.numpy()) == 10     # 2 epochs of 5 batches
    assert set(first.history) == {"d_loss", "g_loss", "step", "mean", "seconds"} and len(first.history["d_loss"]) == 2
    assert "Stopped after epoch 2" in capsys.readouterr().out
    weights = [w.numpy().copy() for w in model.generator.weights]

    again, _ = _tiny_gan()                                     # new models: everything comes from the checkpoint
    second = gan.fit(again, data, 4, sample_fn=sample, checkpoint_dir=tmp_path / "ck", grid_dir=grid_dir)
    assert second.initial_epoch == 2 and second.last_epoch == 4
    assert int(again.g_optimizer.iterations.numpy()) == 20 and int(again.d_optimizer.iterations.numpy()) == 20
    assert second.history["d_loss"][:2] == first.history["d_loss"]                       # the curves go on
    assert len(second.history["d_loss"]) == 4 and len(grids.epoch_grids(grid_dir)) == 4
    assert not all(np.array_equal(a, b.numpy()) for a, b in zip(weights, again.generator.weights))   # it trained on
    restored, _ = _tiny_gan()
    assert checkpoints.Checkpoints(tmp_path / "ck", generator=restored.generator).restore() == 4  # the last epoch is saved


def test_fit_epoch_logs_are_epoch_means_of_the_train_steps():
    model, data = _tiny_gan()
    run = gan.fit(model, data, 2)
    # steps 1-5, then 6-10: means 3 and 8 (not the last step's 5 and 10, nor a running mean's 5.5)
    assert run.history["step"] == [3.0, 8.0]
    assert all(np.isfinite(run.history["d_loss"])) and all(s > 0 for s in run.history["seconds"])


def test_fit_stops_at_a_time_limit_within_an_epoch():
    model, data = _tiny_gan()
    run = gan.fit(model, data.repeat(), 3, steps_per_epoch=10_000, time_limit=0.5)
    done = int(model.g_optimizer.iterations.numpy())
    assert run.last_epoch == 1 and 0 < done < 10_000 and run.seconds < 30


@pytest.mark.parametrize("change, message", [
    ({"gan": "not a model"}, "gan must be a keras.Model"),
    ({"dataset": [1, 2]}, "dataset must be a tf.data.Dataset"),
    ({"epochs": 0}, "epochs must be a whole number"),
    ({"stop_after": 0}, "stop_after"),
    ({"time_limit": -1}, "time_limit"),
    ({"time_limit": "10"}, "time_limit"),
    ({"metrics_fn": lambda images: {}}, "needs sample_fn"),
    ({"steps_per_epoch": 2.5}, "steps_per_epoch"),
])
def test_fit_rejects_bad_arguments_by_name(change, message):
    model, data = _tiny_gan()
    args = {"gan": model, "dataset": data, "epochs": 2, **change}
    with pytest.raises(ValueError, match=message):
        gan.fit(args.pop("gan"), args.pop("dataset"), args.pop("epochs"), **args)


def test_fit_needs_a_compiled_model_and_a_dataset_of_known_length():
    import keras

    model, data = _tiny_gan()
    with pytest.raises(ValueError, match="compiled"):
        gan.fit(type(model)(), data, 1)
    with pytest.raises(ValueError, match="steps_per_epoch must be given"):
        gan.fit(model, data.repeat(), 1)
    with pytest.raises(ValueError, match="steps_per_epoch must be given"):
        gan.fit(model, data.filter(lambda x: True), 1)
    assert isinstance(model, keras.Model)


def test_fit_refuses_a_checkpoint_past_the_run(tmp_path):
    model, data = _tiny_gan()
    gan.fit(model, data, 3, checkpoint_dir=tmp_path)
    again, _ = _tiny_gan()
    with pytest.raises(ValueError, match="past epochs = 2.*START_FRESH"):
        gan.fit(again, data, 2, checkpoint_dir=tmp_path)
    fresh, _ = _tiny_gan()
    assert gan.fit(fresh, data, 2, checkpoint_dir=tmp_path, fresh=True).initial_epoch == 0
