"""utils.settings: modes, pick, seeds, the setup call and the output folder."""
import sys

import numpy as np
import pytest

import utils
from utils import settings


@pytest.mark.parametrize("value, mode", [(None, "default"), ("", "default"), ("quick", "quick"),
                                         ("default", "default"), ("FULL", "full"), (" full ", "full")])
def test_mode_from_environment(monkeypatch, value, mode):
    if value is None:
        monkeypatch.delenv("C2G_MODE", raising=False)
    else:
        monkeypatch.setenv("C2G_MODE", value)
    assert settings.get_mode() == mode


def test_bad_mode_lists_the_valid_ones(monkeypatch):
    monkeypatch.setenv("C2G_MODE", "fast")
    with pytest.raises(ValueError, match="'fast'.*quick, default, full"):
        settings.get_mode()
    with pytest.raises(ValueError):
        utils.pick(quick=1, default=2, full=3)


@pytest.mark.parametrize("mode, expected", [("quick", 1), ("default", 8), ("full", 50)])
def test_pick_returns_the_value_of_the_mode(monkeypatch, mode, expected):
    monkeypatch.setenv("C2G_MODE", mode)
    assert utils.pick(quick=1, default=8, full=50) == expected


def test_pick_needs_all_three_modes_by_keyword():
    with pytest.raises(TypeError):
        utils.pick(quick=1, default=2)
    with pytest.raises(TypeError):
        utils.pick(1, 2, 3)


def test_seeds_make_numpy_and_tensorflow_repeatable():
    import tensorflow as tf

    utils.seed_everything(7)
    first = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    utils.seed_everything(7)
    second = (np.random.rand(3), tf.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    utils.seed_everything(8)
    assert not np.array_equal(first[0], np.random.rand(3))


@pytest.mark.parametrize("seed", [-1, 1.5, "42", True, None])
def test_bad_seed_is_refused(seed):
    with pytest.raises(ValueError, match="seed must be"):
        utils.seed_everything(seed)


def test_output_dir_in_a_checkout(monkeypatch, tmp_path):
    monkeypatch.delenv("C2G_OUTPUT_DIR", raising=False)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "utils").mkdir()
    (tmp_path / "utils" / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path / "notebooks")
    path = utils.output_dir("06_gan_on_mnist")
    assert path == tmp_path / "outputs" / "06_gan_on_mnist" and path.is_dir()


def test_output_dir_override_and_colab(monkeypatch, tmp_path):
    monkeypatch.setenv("C2G_OUTPUT_DIR", str(tmp_path / "elsewhere"))
    assert utils.output_dir("01_convolution") == tmp_path / "elsewhere" / "01_convolution"
    monkeypatch.delenv("C2G_OUTPUT_DIR")
    monkeypatch.setitem(sys.modules, "google.colab", object())
    assert str(utils.output_dir("06_gan_on_mnist", create=False)) == "/content/conv2gan-outputs/06_gan_on_mnist"


@pytest.mark.parametrize("name", ["", "  ", None, "06_gan_on_mnist.ipynb", "notebooks/06_gan_on_mnist", 4])
def test_output_dir_bad_names(name):
    with pytest.raises(ValueError, match="notebook must be"):
        utils.output_dir(name, create=False)


def test_setup_prints_a_short_block(monkeypatch, tmp_path, capsys):
    """The block names the device TensorFlow sees: a CPU here, a GPU on a GPU machine."""
    import re

    monkeypatch.setenv("C2G_MODE", "quick")
    monkeypatch.setenv("C2G_OUTPUT_DIR", str(tmp_path))
    info = utils.setup("00_start_here", seed=3)
    text = capsys.readouterr().out
    assert info["mode"] == "quick" and info["seed"] == 3
    for part in ["TensorFlow", "Keras", "Python", "(TensorFlow backend)", "mode: quick", "seed: 3", str(tmp_path)]:
        assert part in text
    assert re.search(r"device: (CPU \(\d+ cores\)|GPU \(.+\))", text), text
    assert f"device: {settings.device_name()}" in text and info["device"] == settings.device_name()
    assert len(text.strip().splitlines()) <= 5


@pytest.mark.parametrize("gpus, expected", [([], r"^CPU \(\d+ cores\)$"), (["/gpu:0"], r"^GPU \(NVIDIA H200\)$"),
                                            (["/gpu:0", "/gpu:1"], r"^GPU \(NVIDIA H200 \+ 1 more\)$")])
def test_device_name_on_cpu_and_gpu_machines(monkeypatch, gpus, expected):
    """The same test passes on any machine: TensorFlow's device list is replaced by each case."""
    import re

    import tensorflow as tf

    devices = [tf.config.PhysicalDevice(name=name, device_type="GPU") for name in gpus]
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind=None: devices if kind == "GPU" else [])
    monkeypatch.setattr(tf.config.experimental, "get_device_details", lambda device: {"device_name": "NVIDIA H200"})
    assert re.match(expected, settings.device_name())


def test_setup_fails_early_on_a_bad_mode(monkeypatch):
    monkeypatch.setenv("C2G_MODE", "slow")
    with pytest.raises(ValueError, match="Valid modes"):
        utils.setup("00_start_here")


@pytest.mark.parametrize("level, silenced", [("2", True), ("3", True), ("0", False), ("junk", False)])
def test_native_stderr_is_silenced_only_when_asked(monkeypatch, capfd, level, silenced):
    import os

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", level)
    with settings._quiet_native_stderr():
        os.write(2, b"native noise\n")
    os.write(2, b"after\n")
    err = capfd.readouterr().err
    assert ("native noise" not in err) == silenced and "after" in err


def test_the_test_session_writes_outputs_outside_the_checkout():
    """A quick-mode test run once overwrote outputs/07_cgan/samples.npz that a default-mode run had
    written, and lesson 09 then compared the ACGAN with a 2-epoch CGAN. Tests write elsewhere."""
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    outputs = Path(os.environ["C2G_OUTPUT_DIR"]).resolve()
    assert root not in outputs.parents and outputs != root / "outputs"
    assert Path(utils.output_dir("07_cgan")).resolve().parent == outputs
