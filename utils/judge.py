"""The MNIST judge: a small CNN, trained once and cached, that grades digits (real or generated).

Lessons 06, 07, 09 and 10 end by scoring 1,000 generated digits with it; lesson 02 builds a CNN like it.

- :func:`get_judge` returns the trained judge. The first call trains it (about a minute on two CPU
  cores) and saves it as ``judge-<source>-v1.keras`` in ``$C2G_CACHE_DIR`` (default
  ``~/.cache/conv2gan``); later calls load that file. ``<source>`` is the MNIST source it was
  trained on (``keras``: the 60,000 training digits; ``sample``: the 5,000 of the offline sample).
  A cache file that cannot be read, or that no longer classifies real digits, is retrained with a
  message.
- :func:`predict_proba` and :func:`features`: the judge's probabilities (N, 10) and its 128
  features (N, 128) of images. The scores built on them (confidence, label accuracy, which digits
  are there, the Fréchet distance) are in ``utils.metrics``. The first ``HELD_OUT`` = 1,000 MNIST
  test digits are in neither the judge's training set nor the Fréchet reference (test digits
  1,000 to 9,999), so the lessons score them as the fair "real digits" baseline.

Images may be uint8 (0-255) or floats in [0, 1] or [-1, 1], shaped (N, 28, 28) or (N, 28, 28, 1).
"""
from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

import numpy as np

from . import checks, storage
from .images import infer_range, rescale

VERSION = 1  # part of the cache file name: bump it when the architecture or the training changes
CACHE_VARIABLE = "C2G_CACHE_DIR"
SEED = 1234
TRAIN_STEPS = 1000   # batches of BATCH_SIZE: ~25 passes over the 5,000-digit sample, ~2 over full MNIST
BATCH_SIZE = 128
JUNK_FRACTION = 0.1  # junk images (see junk_images) added, as a share of the training digits
CHECK_DIGITS = 1000  # test digits a cached judge must still classify ...
CHECK_ACCURACY = 0.95  # ... at least this well, or it is retrained
FEATURES_LAYER = "features"
HELD_OUT = 1000  # the first test digits: not in the Fréchet reference, so a fair "real digits" baseline

_judges: dict = {}       # (source, cache file) -> keras.Model, so a process trains or loads once
_extractors: dict = {}   # id(judge) -> (judge, its feature extractor)


# --- the judge's input -------------------------------------------------------------------------
def _input(images, value_range=None) -> np.ndarray:
    """Images as float32 (N, 28, 28, 1) in [0, 1], the judge's input, by ``utils.images.rescale``'s
    rule: uint8 (or other whole numbers) 0-255, or floats in [0, 1] or [-1, 1], shaped
    (N, 28, 28) or (N, 28, 28, 1); anything else is a ``ValueError`` that says what is expected."""
    expected = "uint8 0-255 or floats in [0, 1] or [-1, 1], shaped (N, 28, 28) or (N, 28, 28, 1)"
    x = np.asarray(images.numpy() if hasattr(images, "numpy") and not isinstance(images, np.ndarray) else images)
    infer_range(x, value_range)   # numbers, and a known range, before the shape
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim == 2 and x.shape == (28, 28):
        raise ValueError(f"images must be a batch: {expected}; got one image of shape {x.shape} "
                         "(use images[None] for a batch of one).")
    if x.ndim != 3 or x.shape[1:] != (28, 28) or x.shape[0] == 0:
        raise ValueError(f"images must be {expected}, with N >= 1; got shape {np.shape(images)}.")
    return rescale(x, (0, 1), value_range=value_range)[..., None]


# --- the judge itself ----------------------------------------------------------------------------
def _cache_dir() -> Path:
    """Where the judge is cached: ``$C2G_CACHE_DIR``, else ``~/.cache/conv2gan``."""
    override = os.environ.get(CACHE_VARIABLE, "").strip()
    return Path(override).expanduser() if override else Path.home() / ".cache" / "conv2gan"


def _cache_path(source: str, folder=None) -> Path:
    """The judge's cache file for an MNIST source (``"keras"`` or ``"sample"``)."""
    if not isinstance(source, str) or source not in ("keras", "sample"):
        raise ValueError(f"source must be 'keras' or 'sample'; got {checks.describe(source)}.")
    folder = _cache_dir() if folder is None else checks.path("folder", folder)
    return folder / f"judge-{source}-v{VERSION}.keras"


def _build_judge():
    """The judge's architecture: three conv layers with batch normalization, ReLU and pooling, a
    128-unit fully connected layer (the features for the Fréchet distance) and a 10-way softmax."""
    import keras
    from keras import layers

    init = lambda k: keras.initializers.GlorotUniform(seed=SEED + k)  # noqa: E731

    def conv(filters, size, k):
        return [layers.Conv2D(filters, size, use_bias=False, kernel_initializer=init(k)),
                layers.BatchNormalization(), layers.ReLU()]

    return keras.Sequential([
        keras.Input((28, 28, 1)),
        *conv(32, 5, 1), layers.MaxPooling2D(),
        *conv(64, 3, 2), *conv(64, 3, 3), layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(128, activation="relu", kernel_initializer=init(4), name=FEATURES_LAYER),
        layers.Dropout(0.4, seed=SEED),
        layers.Dense(10, activation="softmax", kernel_initializer=init(5)),
    ], name="mnist_judge")


def _junk_images(n: int, seed: int = SEED) -> np.ndarray:
    """``n`` uint8 images (n, 28, 28) that are no digit: noise, blobs, flat grey, speckles.
    The judge learns to give them even probabilities (0.1 each), so that its confidence means
    something on images that are not digits yet (a GAN's first steps). ``n`` >= 0."""
    n = checks.whole("n", n, 0)
    seed = checks.whole("seed", seed, 0)
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, 4, n)
    out = np.empty((n, 28, 28), dtype="float64")
    for i, k in enumerate(kind):
        if k == 0:      # uniform noise of a random strength
            out[i] = rng.random((28, 28)) * rng.uniform(0.3, 1.0)
        elif k == 1:    # blobs: coarse noise, enlarged
            size = int(rng.choice([2, 4, 7]))
            out[i] = np.kron(rng.random((28 // size, 28 // size)), np.ones((size, size)))
            out[i] = out[i] > rng.uniform(0.4, 0.8)
        elif k == 2:    # flat grey
            out[i] = rng.uniform(0.0, 1.0)
        else:           # sparse speckles
            out[i] = rng.random((28, 28)) < rng.uniform(0.02, 0.3)
    return rescale(np.clip(out, 0, 1), (0, 255), value_range=(0, 1))


def _train(x_train, y_train, *, steps: int = TRAIN_STEPS):
    """Train a fresh judge on uint8 digits (with small random rotations, shifts and zooms) plus
    junk images (``JUNK_FRACTION`` of the digits), whose target is 0.1 for every class."""
    import keras
    import tensorflow as tf
    from keras import layers

    augment = keras.Sequential([
        layers.RandomRotation(10 / 360, fill_mode="constant", seed=SEED),
        layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=SEED + 1),
        layers.RandomZoom(0.1, fill_mode="constant", seed=SEED + 2),
    ])
    junk = _junk_images(int(len(x_train) * JUNK_FRACTION))
    x = rescale(np.concatenate([x_train, junk]), (0, 1))[..., None]
    y = np.concatenate([np.eye(10, dtype="float32")[np.asarray(y_train, "int64")],
                        np.full((len(junk), 10), 0.1, dtype="float32")])
    ds = (tf.data.Dataset.from_tensor_slices((x, y))
          .shuffle(len(x), seed=SEED).repeat().batch(BATCH_SIZE)
          .map(lambda a, b: (augment(a, training=True), b), num_parallel_calls=tf.data.AUTOTUNE)
          .prefetch(tf.data.AUTOTUNE))
    model = _build_judge()
    schedule = keras.optimizers.schedules.CosineDecay(2e-4, steps, warmup_target=2e-3,
                                                      warmup_steps=steps // 20)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="categorical_crossentropy")
    with warnings.catch_warnings():  # Keras notes that fit's shuffle=True does not apply to a tf.data stream
        warnings.filterwarnings("ignore", message=".*shuffle=True.*")
        model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0)
    return model


def _accuracy(model, images, labels) -> float:
    probs = model.predict(rescale(images, (0, 1))[..., None], batch_size=1000, verbose=0)
    return float(np.mean(np.argmax(probs, axis=1) == labels))


def _resolve_source(source, folder) -> str:
    """'keras' or 'sample': the source named, or for 'auto' the one at hand without a network probe."""
    from . import data

    source = data._check_source(source)
    if source != "auto":
        return source
    if data.keras_cache_path().is_file() or _cache_path("keras", folder).is_file():
        return "keras"
    if _cache_path("sample", folder).is_file():
        return "sample"
    data.load_mnist("auto")  # probes the network and says so when it falls back to the sample
    return data.last_source()


def get_judge(source: str | None = None, *, folder=None, verbose: bool = True):
    """The trained MNIST judge (a ``keras.Model``: images (N, 28, 28, 1) in [0, 1] -> 10 probabilities).

    ``source`` is the MNIST source to train on: ``"keras"``, ``"sample"``, ``"auto"`` or None
    (``$C2G_DATA``, default ``"auto"``: a cached judge if there is one, else the data at hand).
    Trained once (about a minute on two CPU cores, at least 98.5 % test accuracy either way) and
    cached in ``folder`` (default ``$C2G_CACHE_DIR``, else ``~/.cache/conv2gan``). Used by lessons 06, 07, 09 and 10.
    """
    import keras

    from . import data

    verbose = checks.flag("verbose", verbose)
    if folder is not None:
        folder = checks.path("folder", folder)
    source = _resolve_source(source, folder)
    path = _cache_path(source, folder)
    key = (source, str(path))
    if key in _judges:
        return _judges[key]
    (x_train, y_train), (x_test, y_test) = data.load_mnist("sample")  # the official test set
    model = None
    if path.is_file():
        try:
            model = keras.models.load_model(path, compile=False)
            if tuple(model.input_shape) != (None, 28, 28, 1) or tuple(model.output_shape) != (None, 10):
                raise ValueError(f"it maps {model.input_shape} to {model.output_shape}")
            accuracy = _accuracy(model, x_test[:CHECK_DIGITS], y_test[:CHECK_DIGITS])
            if accuracy < CHECK_ACCURACY:
                raise ValueError(f"it classifies only {accuracy:.1%} of {CHECK_DIGITS} test digits")
        except Exception as error:  # unreadable, truncated, another model: train a new one
            print(f"The cached judge {path} is unusable ({type(error).__name__}: {error}); training a new one.")
            model = None
    if model is None:
        if source == "keras":
            (x_train, y_train), _ = data.load_mnist("keras")
        if verbose:
            print(f"Training the MNIST judge on {len(x_train):,} {source} digits "
                  "(once; about a minute on two CPU cores) ...")
        start = time.perf_counter()
        model = _train(x_train, y_train)
        seconds = time.perf_counter() - start
        accuracy = _accuracy(model, x_test, y_test)
        where = f"cached at {path}"
        try:
            storage.save_model(model, path)  # a crash while saving never leaves a half-written cache file
        except Exception as error:  # a read-only or full cache: keep the trained judge in memory
            reason = storage._reason(error) if isinstance(error, OSError) else type(error).__name__
            where = (f"not cached: {path.parent} cannot be written ({reason}), so it stays in memory for this "
                     f"session only. Set {CACHE_VARIABLE} to a writable folder to keep it")
            if not verbose:
                print(f"The MNIST judge is {where}.")
        if verbose:
            print(f"Judge trained in {seconds:.0f} s: {accuracy:.2%} on the 10,000 MNIST test digits; {where}.")
    _judges[key] = model
    return model


# --- what the judge says about images ----------------------------------------------------------
def _judge(judge):
    """``judge``, or the cached judge for None; anything that is not a model is a ValueError."""
    if judge is None:
        return get_judge()
    if not callable(judge) or not hasattr(judge, "inputs"):
        checks.fail("judge", "None (the cached judge) or the keras.Model that get_judge() returns", judge)
    return judge


def _run(model, x, batch_size: int = 500) -> np.ndarray:
    """``model(x)`` in batches, called directly rather than through ``model.predict``: the judge is
    asked after every epoch of a GAN's training, and each ``predict`` call left something behind
    that stalled the next epoch's training loop for about 5 s now and then (measured on TF 2.21)."""
    outputs = [np.asarray(model(x[i:i + batch_size], training=False)) for i in range(0, len(x), batch_size)]
    if not outputs:
        return np.zeros((0, model.outputs[0].shape[-1]))
    return np.concatenate(outputs).astype("float64")


def predict_proba(images, judge=None, value_range=None) -> np.ndarray:
    """The judge's probabilities (N, 10) for each image being each digit.
    Used by lessons 06, 07, 09 and 10."""
    x = _input(images, value_range)
    judge = _judge(judge)
    return _run(judge, x)


def features(images, judge=None, value_range=None) -> np.ndarray:
    """The judge's 128 features (N, 128) of each image: the input of its last layer. Used by lesson 06."""
    import keras

    x = _input(images, value_range)
    judge = _judge(judge)
    if id(judge) not in _extractors:
        _extractors[id(judge)] = (judge, keras.Model(judge.inputs[0], judge.get_layer(FEATURES_LAYER).output))
    return _run(_extractors[id(judge)][1], x)




def _cache_file(judge) -> Path | None:
    """The cache file ``judge`` was loaded from or saved to, or None (a model of the caller's own)."""
    return next((Path(key[1]) for key, model in _judges.items() if model is judge), None)
