"""MNIST for every lesson: the Keras loader when it can work, the bundled real sample offline.

``load_mnist()`` returns ``(x_train, y_train), (x_test, y_test)`` exactly like
``keras.datasets.mnist.load_data()`` (uint8 images 28x28, uint8 labels).

Where the data comes from (``source=`` or the environment variable ``C2G_DATA``):

- ``"auto"`` (default): Keras' cached copy if there is one; else the Keras download if the
  download server answers within a few seconds; else the bundled sample, with a one-line notice.
- ``"keras"``: always the Keras loader (an error if it cannot get the data).
- ``"sample"``: always the bundled sample: 5,000 real training digits (500 per class, returned in a
  fixed shuffled order, not sorted by class) and the complete official 10,000-digit test set. Attribution: ``data_files/MNIST-SAMPLE-README.md``.
"""
from __future__ import annotations

import hashlib
import os
import socket
import threading
from pathlib import Path

import numpy as np

from . import checks, storage
from .images import check_value_range, rescale

SOURCES = ("auto", "keras", "sample")
SOURCE_VARIABLE = "C2G_DATA"
MNIST_HOST = "storage.googleapis.com"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
SAMPLE_PATH = Path(__file__).resolve().parent / "data_files" / "mnist-sample.npz"
SAMPLE_SHA256 = "9900d4ead64ea593cc6950b29985d5fe14cf44a4b01b242ffb3dcebb0dd9ea98"
PROBE_SECONDS = 3.0
SAMPLE_ORDER_SEED = 0
VALUE_RANGES = ((0, 1), (-1, 1))

_last_source = None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def keras_cache_path() -> Path:
    """Where ``keras.datasets.mnist.load_data()`` keeps its copy, found as Keras finds it.

    ``$KERAS_HOME`` (default ``~/.keras``) if writable, else ``/tmp/.keras``; then ``datasets/mnist.npz``.
    """
    import keras  # noqa: F401  (importing Keras creates its home folder, as the loader expects)

    home = os.path.expanduser(os.environ.get("KERAS_HOME") or os.path.join("~", ".keras"))
    if not os.access(home, os.W_OK):
        home = os.path.join("/tmp", ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def _server_reachable(host: str = MNIST_HOST, port: int = 443, timeout: float = PROBE_SECONDS) -> bool:
    """True if a TCP connection to ``host:port`` opens within ``timeout`` seconds.

    The name lookup runs in a background thread too, so a network that hangs (rather than
    refusing at once) still gives an answer in ``timeout`` seconds.
    """
    host = checks.text("host", host, empty=False)
    port = checks.whole("port", port, 1, 65535)
    timeout = checks.number("timeout", timeout, 0)
    answer = []

    def probe():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                answer.append(True)
        except OSError:
            answer.append(False)

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout)
    return bool(answer and answer[0])


def _check_source(source):
    if source is None:
        source = os.environ.get(SOURCE_VARIABLE, "").strip().lower() or "auto"
        where = f"the environment variable {SOURCE_VARIABLE}"
    else:
        where = "source"
    if not isinstance(source, str) or source.lower() not in SOURCES:
        raise ValueError(f"{where}={source!r} is not a data source: it must be one of {', '.join(SOURCES)}; "
                         f"got {checks.describe(source)}. Valid sources: {', '.join(SOURCES)}.")
    return source.lower()


def _keras_cache_problem() -> str | None:
    """None when Keras can store its MNIST download, else what is wrong with its folder."""
    cached = keras_cache_path()
    if cached.is_file():
        return None
    return storage._problem(cached.parent, create=False)


def _load_sample():
    if not SAMPLE_PATH.is_file():
        raise FileNotFoundError(
            f"The bundled MNIST sample is missing at {SAMPLE_PATH}. Reinstall conv2gan "
            "(pip install -e .) or restore utils/data_files/ from the repository."
        )
    if _sha256(SAMPLE_PATH) != SAMPLE_SHA256:
        raise ValueError(
            f"The bundled MNIST sample at {SAMPLE_PATH} is corrupt (its sha256 does not match). "
            "Restore it from the repository."
        )
    with np.load(SAMPLE_PATH, allow_pickle=False) as f:
        x_train, y_train, x_test, y_test = f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    # The file stores the training digits sorted by class (all 0s, then all 1s, ...). Keras' MNIST
    # is not sorted, and code such as fit(validation_split=0.1), which holds out the *last* 10 %,
    # relies on that. So the training digits come back in one fixed shuffled order.
    order = np.random.RandomState(SAMPLE_ORDER_SEED).permutation(len(y_train))
    return (x_train[order], y_train[order]), (x_test, y_test)


def _load_keras():
    import keras

    cached = keras_cache_path()
    if cached.is_file() and _sha256(cached) != MNIST_SHA256:
        raise ValueError(
            f"The cached MNIST file {cached} is corrupt or incomplete (its sha256 does not match "
            f"Keras' published hash). Delete it to download it again, or set {SOURCE_VARIABLE}=sample "
            "to use the bundled sample."
        )
    problem = _keras_cache_problem()
    if problem is not None:
        raise RuntimeError(
            f"Keras keeps its MNIST download in {cached.parent}, which cannot be used ({problem}). Set KERAS_HOME "
            f"to a folder you can write to, or set {SOURCE_VARIABLE}=sample to use the bundled sample."
        )
    try:
        return keras.datasets.mnist.load_data()
    except Exception as error:  # network errors, hash mismatch after download, ...
        raise RuntimeError(
            f"Keras could not load MNIST ({type(error).__name__}: {error}). If you are offline, "
            f"set {SOURCE_VARIABLE}=sample (or leave it unset) to use the bundled sample."
        ) from error


def load_mnist(source: str | None = None):
    """MNIST as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.mnist.load_data()``.

    ``source`` is ``"auto"``, ``"keras"`` or ``"sample"``; ``None`` reads ``$C2G_DATA``
    (unset: ``"auto"``). See the module docstring. Used by lessons 00, 01, 02, 03, 04, 06, 07, 09 and 10.
    """
    global _last_source
    source = _check_source(source)
    if source == "auto":
        problem = _keras_cache_problem()
        if problem is not None:
            print(f"Keras cannot store MNIST in {keras_cache_path().parent} ({problem}; set KERAS_HOME to change "
                  f"that): using the bundled real MNIST sample (5,000 training digits, the full 10,000 test digits).")
            source = "sample"
        elif keras_cache_path().is_file() or _server_reachable():
            source = "keras"
        else:
            print(
                f"Offline: using the bundled real MNIST sample (5,000 training digits, the full "
                f"10,000 test digits). Set {SOURCE_VARIABLE}=keras to insist on the full data set."
            )
            source = "sample"
    data = _load_keras() if source == "keras" else _load_sample()
    _last_source = source
    return data


def last_source() -> str | None:
    """Which source the last :func:`load_mnist` call used: ``"keras"``, ``"sample"`` or None.
    Used by lessons 00, 02 and 03."""
    return _last_source


def scale_images(images, value_range=(0, 1)):
    """Images as float32 in ``value_range``: (0, 1) for classifiers, (-1, 1) for GANs.

    ``images`` are uint8 0-255 as :func:`load_mnist` returns them (other ranges are read by
    ``utils.images.rescale``'s rule), (N, H, W) or (N, H, W, C); a channel axis is added to
    (N, H, W), giving (N, H, W, 1). Used by lessons 00, 02, 03, 04, 09 and 10.
    """
    images = checks.array("images", images, min_size=1, dtype=None, finite=False,
                          expected="uint8 pixel values 0-255 (as load_mnist returns them), (N, H, W) or (N, H, W, C)")
    value_range = check_value_range(value_range, allowed=VALUE_RANGES, optional=False)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, C); got {images.shape}.")
    return rescale(images, value_range)


def as_dataset(images, labels=None, *, batch_size: int, value_range=(0, 1), shuffle: bool = True,
               seed: int | None = 0, drop_remainder: bool = False):
    """A ``tf.data.Dataset`` of scaled images (and labels): shuffled, batched and prefetched.

    ``images`` are uint8 (N, 28, 28) as :func:`load_mnist` returns them; ``value_range`` is
    (0, 1) for classifiers or (-1, 1) for GANs. Yields ``x`` or ``(x, y)`` batches.
    Used by lessons 00, 02, 03, 06, 07, 09 and 10.
    """
    import tensorflow as tf

    batch_size = checks.whole("batch_size", batch_size, 1)
    shuffle = checks.flag("shuffle", shuffle)
    drop_remainder = checks.flag("drop_remainder", drop_remainder)
    if seed is not None:
        seed = checks.whole("seed", seed, 0)
    x = scale_images(images, value_range)
    if labels is not None:
        labels = checks.labels(labels, len(x))
        ds = tf.data.Dataset.from_tensor_slices((x, labels.astype("int32")))
    else:
        ds = tf.data.Dataset.from_tensor_slices(x)
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(int(batch_size), drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
