"""The MNIST judge: a small CNN, trained once and cached, that grades digits (real or generated).

Lessons 06, 07, 09 and 10 end by scoring 1,000 generated digits with it; lesson 02 builds a CNN like it.

- :func:`get_judge` returns the trained judge. The first call trains it (about a minute on two CPU
  cores) and saves it as ``judge-<source>-v1.keras`` in ``$C2G_CACHE_DIR`` (default
  ``~/.cache/conv2gan``); later calls load that file. ``<source>`` is the MNIST source it was
  trained on (``keras``: the 60,000 training digits; ``sample``: the 5,000 of the offline sample).
  A cache file that cannot be read, or that no longer classifies real digits, is retrained with a
  message.
- :func:`score` returns every measure at once; the functions below compute one each:
  :func:`label_accuracy` and :func:`per_class_accuracy` (do conditional models draw the digit
  they were asked for?),
  :func:`class_histogram` and :func:`class_coverage` (are all ten digits there?),
  :func:`mean_confidence` (does the judge recognise them?) and :func:`frechet_distance` (how far
  the judge's features of the images are from those of the reference digits, the official MNIST
  test digits 1,000 to 9,999; 0 is a perfect match, lower is better). The first ``HELD_OUT`` = 1,000
  test digits are in neither the judge's training set nor the reference, so the lessons score them
  as the fair "real digits" baseline. :func:`score_file` scores a saved ``samples.npz``.

Images may be uint8 (0-255) or floats in [0, 1] or [-1, 1], shaped (N, 28, 28) or (N, 28, 28, 1).
"""
from __future__ import annotations

import hashlib
import os
import time
import warnings
from pathlib import Path

import numpy as np

from . import checks, storage

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
VALUE_RANGES = ((0, 1), (-1, 1), (0, 255))

_judges: dict = {}       # (source, cache file) -> keras.Model, so a process trains or loads once
_real_stats: dict = {}   # cache file -> (mean, covariance) of the test digits' features
_extractors: dict = {}   # id(judge) -> (judge, its feature extractor)


# --- checking the input ------------------------------------------------------------------------
def check_images(images, value_range=None) -> np.ndarray:
    """Images as float32 (N, 28, 28, 1) in [0, 1], the judge's input, or a ``ValueError`` that says
    what was wrong and what is expected.

    Accepts uint8 (or other whole numbers) 0-255, or floats in [0, 1] or [-1, 1] (any negative
    value means [-1, 1]), shaped (N, 28, 28) or (N, 28, 28, 1). ``value_range`` forces the range:
    (0, 1), (-1, 1) or (0, 255). Used by every function of this module.
    """
    expected = "uint8 0-255 or floats in [0, 1] or [-1, 1], shaped (N, 28, 28) or (N, 28, 28, 1)"
    if value_range is not None:
        if isinstance(value_range, (str, bytes)) or np.ndim(value_range) != 1 \
                or tuple(np.asarray(value_range).tolist()) not in VALUE_RANGES:
            raise ValueError(f"value_range must be (0, 1), (-1, 1), (0, 255) or None; got {checks.describe(value_range)}.")
        value_range = tuple(np.asarray(value_range).tolist())
    x = np.asarray(images.numpy() if hasattr(images, "numpy") and not isinstance(images, np.ndarray) else images)
    if x.dtype == bool or not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise ValueError(f"images must be numbers: {expected}; got dtype {x.dtype}.")
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim == 2 and x.shape == (28, 28):
        raise ValueError(f"images must be a batch: {expected}; got one image of shape {x.shape} "
                         "(use images[None] for a batch of one).")
    if x.ndim != 3 or x.shape[1:] != (28, 28) or x.shape[0] == 0:
        raise ValueError(f"images must be {expected}, with N >= 1; got shape {np.shape(images)}.")
    integer = np.issubdtype(x.dtype, np.integer)
    x = x.astype("int64") if integer else x.astype("float32")
    if not integer and not np.all(np.isfinite(x)):
        raise ValueError(f"images must not contain NaN or infinite values; got {int(x.size - np.isfinite(x).sum())} "
                         "of them (did the training diverge?).")
    low, high = float(x.min()), float(x.max())
    if value_range is None:
        if integer:
            value_range = (0, 255)
        elif low >= 0:
            value_range = (0, 1)
        else:
            value_range = (-1, 1)
    slack = 0 if value_range == (0, 255) else 1e-3
    if low < value_range[0] - slack or high > value_range[1] + slack:
        hint = ""
        if high > 1 and value_range != (0, 255):
            hint = (" (these look like pixel values 0-255: pass value_range=(0, 255), or leave it None)" if integer
                    else " (pixel values 0-255 should be uint8: use images.astype('uint8'), or divide by 255)")
        raise ValueError(f"images must be {expected}; got values from {low:g} to {high:g}, "
                         f"outside {value_range}{hint}.")
    x = x.astype("float32")
    if value_range == (0, 255):
        x = x / 255.0
    elif value_range == (-1, 1):
        x = (x + 1.0) / 2.0
    return np.clip(x, 0.0, 1.0)[..., None]


def check_labels(labels, n: int) -> np.ndarray:
    """Labels as an int array (n,) of digits 0-9, or a ``ValueError`` that says what is expected."""
    n = checks.whole("n", n, 0)
    if labels is None or isinstance(labels, (str, bytes)):
        checks.fail("labels", f"an array of shape ({n},), one digit 0-9 per image", labels)
    y = np.asarray(labels.numpy() if hasattr(labels, "numpy") and not isinstance(labels, np.ndarray) else labels)
    if y.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one digit 0-9 per image; got shape {y.shape}.")
    if y.dtype == bool or not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y)) \
            or not np.all(np.mod(y, 1) == 0):
        raise ValueError(f"labels must be whole numbers 0-9; got dtype {y.dtype}"
                         f"{' with NaN or infinite values' if np.issubdtype(y.dtype, np.floating) and not np.all(np.isfinite(y)) else ''}.")
    if y.min() < 0 or y.max() > 9:
        raise ValueError(f"labels must be digits 0-9; got values from {y.min()} to {y.max()}.")
    return y.astype("int64")


# --- the judge itself ----------------------------------------------------------------------------
def cache_dir() -> Path:
    """Where the judge is cached: ``$C2G_CACHE_DIR``, else ``~/.cache/conv2gan``."""
    override = os.environ.get(CACHE_VARIABLE, "").strip()
    return Path(override).expanduser() if override else Path.home() / ".cache" / "conv2gan"


def cache_path(source: str, folder=None) -> Path:
    """The judge's cache file for an MNIST source (``"keras"`` or ``"sample"``)."""
    if not isinstance(source, str) or source not in ("keras", "sample"):
        raise ValueError(f"source must be 'keras' or 'sample'; got {checks.describe(source)}.")
    folder = cache_dir() if folder is None else checks.path("folder", folder)
    return folder / f"judge-{source}-v{VERSION}.keras"


def build_judge():
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


def junk_images(n: int, seed: int = SEED) -> np.ndarray:
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
    return np.round(np.clip(out, 0, 1) * 255).astype("uint8")


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
    junk = junk_images(int(len(x_train) * JUNK_FRACTION))
    x = np.concatenate([x_train, junk]).astype("float32")[..., None] / 255.0
    y = np.concatenate([np.eye(10, dtype="float32")[np.asarray(y_train, "int64")],
                        np.full((len(junk), 10), 0.1, dtype="float32")])
    ds = (tf.data.Dataset.from_tensor_slices((x, y))
          .shuffle(len(x), seed=SEED).repeat().batch(BATCH_SIZE)
          .map(lambda a, b: (augment(a, training=True), b), num_parallel_calls=tf.data.AUTOTUNE)
          .prefetch(tf.data.AUTOTUNE))
    model = build_judge()
    schedule = keras.optimizers.schedules.CosineDecay(2e-4, steps, warmup_target=2e-3,
                                                      warmup_steps=steps // 20)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="categorical_crossentropy")
    with warnings.catch_warnings():  # Keras notes that fit's shuffle=True does not apply to a tf.data stream
        warnings.filterwarnings("ignore", message=".*shuffle=True.*")
        model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0)
    return model


def _accuracy(model, images, labels) -> float:
    probs = model.predict(images.astype("float32")[..., None] / 255.0, batch_size=1000, verbose=0)
    return float(np.mean(np.argmax(probs, axis=1) == labels))


def _resolve_source(source, folder) -> str:
    """'keras' or 'sample': the source named, or for 'auto' the one at hand without a network probe."""
    from . import data

    source = data._check_source(source)
    if source != "auto":
        return source
    if data.keras_cache_path().is_file() or cache_path("keras", folder).is_file():
        return "keras"
    if cache_path("sample", folder).is_file():
        return "sample"
    data.load_mnist("auto")  # probes the network and says so when it falls back to the sample
    return data.last_source()


def get_judge(source: str | None = None, *, folder=None, verbose: bool = True):
    """The trained MNIST judge (a ``keras.Model``: images (N, 28, 28, 1) in [0, 1] -> 10 probabilities).

    ``source`` is the MNIST source to train on: ``"keras"``, ``"sample"``, ``"auto"`` or None
    (``$C2G_DATA``, default ``"auto"``: a cached judge if there is one, else the data at hand).
    Trained once (about a minute on two CPU cores, at least 98.5 % test accuracy either way) and
    cached in ``folder`` (default :func:`cache_dir`). Used by lessons 06, 07, 09 and 10.
    """
    import keras

    from . import data

    verbose = checks.flag("verbose", verbose)
    if folder is not None:
        folder = checks.path("folder", folder)
    source = _resolve_source(source, folder)
    path = cache_path(source, folder)
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
    x = check_images(images, value_range)
    judge = _judge(judge)
    return _run(judge, x)


def features(images, judge=None, value_range=None) -> np.ndarray:
    """The judge's 128 features (N, 128) of each image: the input of its last layer. Used by lesson 06."""
    import keras

    x = check_images(images, value_range)
    judge = _judge(judge)
    if id(judge) not in _extractors:
        _extractors[id(judge)] = (judge, keras.Model(judge.inputs[0], judge.get_layer(FEATURES_LAYER).output))
    return _run(_extractors[id(judge)][1], x)


def label_accuracy(images, labels, judge=None, value_range=None) -> float:
    """The share of images the judge reads as their label (for conditional models: did the model
    draw the digit it was asked for?). Used by lessons 07 and 09."""
    x = check_images(images, value_range)
    y = check_labels(labels, len(x))
    return float(np.mean(np.argmax(predict_proba(x, judge), axis=1) == y))


def per_class_accuracy(images, labels, judge=None, value_range=None) -> np.ndarray:
    """For each digit 0-9, the share of the images labelled with it that the judge reads as it
    (10 values; NaN for a digit with no images). Lesson 07 shows it as a table and a bar chart.
    Used by lesson 07."""
    x = check_images(images, value_range)
    y = check_labels(labels, len(x))
    right = np.argmax(predict_proba(x, judge), axis=1) == y
    counts = np.bincount(y, minlength=10)
    hits = np.bincount(y, weights=right, minlength=10)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, hits / np.maximum(counts, 1), np.nan)


def within_class_diversity(images, labels, judge=None, value_range=None) -> np.ndarray:
    """For each digit 0-9, the mean distance between the judge's features of two different images
    with that label: 0 when every image of a digit is the same (collapse within a class), larger
    for more varied ones. NaN for a digit with fewer than 2 images. Compare only sets scored by the
    same judge, e.g. real test digits against samples. Used by lesson 09."""
    x = check_images(images, value_range)
    y = check_labels(labels, len(x))
    feats = features(x, judge)
    result = np.full(10, np.nan)
    for digit in range(10):
        f = feats[y == digit]
        if len(f) >= 2:
            squares = (f ** 2).sum(axis=1)
            dist = np.sqrt(np.maximum(squares[:, None] + squares[None] - 2 * f @ f.T, 0))
            result[digit] = dist.sum() / (len(f) * (len(f) - 1))   # the diagonal is 0
    return result


def class_histogram(images, judge=None, value_range=None) -> np.ndarray:
    """How many images the judge reads as each digit 0-9 (10 counts)."""
    return np.bincount(np.argmax(predict_proba(images, judge, value_range), axis=1), minlength=10)


def class_coverage(images, judge=None, value_range=None, min_fraction: float = 0.1) -> float:
    """The share of the ten digits present among the images: a digit counts when the judge reads
    at least ``min_fraction`` of an even share (N / 10) of the images as it. 1.0: all ten are
    there; 0.1: one digit only (mode collapse)."""
    min_fraction = checks.number("min_fraction", min_fraction)
    if not 0 < min_fraction <= 1:
        raise ValueError(f"min_fraction must be in (0, 1]; got {min_fraction!r}.")
    counts = class_histogram(images, judge, value_range)
    return float(np.mean(counts >= max(1.0, min_fraction * counts.sum() / 10)))


def mean_confidence(images, judge=None, value_range=None) -> float:
    """The judge's mean top probability: near 1 when it recognises the digits at once.
    Used by lessons 07, 09 and 10."""
    return float(np.mean(np.max(predict_proba(images, judge, value_range), axis=1)))


def feature_stats(feats):
    """Mean (D,) and covariance (D, D) of features (N, D), N >= 2, all finite."""
    feats = checks.array("features", feats, finite=False, min_size=0, expected="features (N, D) with N >= 2")
    if feats.ndim != 2 or len(feats) < 2:
        raise ValueError(f"features must be (N, D) with N >= 2; got shape {feats.shape}.")
    if not np.all(np.isfinite(feats)):
        raise ValueError(f"features must be finite numbers; got {int(feats.size - np.isfinite(feats).sum())} NaN or "
                         "infinite values (from images with NaN, or a judge that diverged?).")
    return feats.mean(axis=0), np.cov(feats, rowvar=False)


def frechet_distance_from_stats(mu1, cov1, mu2, cov2) -> float:
    """The Fréchet distance between two Gaussians N(mu1, cov1) and N(mu2, cov2):
    ``|mu1 - mu2|^2 + tr(cov1 + cov2 - 2 (cov1^1/2 cov2 cov1^1/2)^1/2)``, the formula of FID.

    Means (D,) and covariances (D, D) of one D, finite; a covariance must be symmetric and
    positive semi-definite (up to rounding). Returns a number >= 0. Used by lesson 06."""
    mu1, mu2 = (np.atleast_1d(checks.array(n, v, min_size=1, expected="a mean vector (D,) of finite numbers"))
                for n, v in (("mu1", mu1), ("mu2", mu2)))
    cov1, cov2 = (np.atleast_2d(checks.array(n, v, min_size=1, expected="a covariance matrix (D, D) of finite numbers"))
                  for n, v in (("cov1", cov1), ("cov2", cov2)))
    d = mu1.shape[0]
    if mu1.shape != (d,) or mu2.shape != (d,) or cov1.shape != (d, d) or cov2.shape != (d, d):
        raise ValueError(f"mu1, cov1, mu2 and cov2 must be means (D,) and covariances (D, D) of one D; got mu1 {mu1.shape}, "
                         f"cov1 {cov1.shape}, mu2 {mu2.shape}, cov2 {cov2.shape}.")
    for name, cov in (("cov1", cov1), ("cov2", cov2)):
        scale = max(float(np.max(np.abs(cov))), 1e-300)
        if not np.allclose(cov, cov.T, rtol=1e-6, atol=1e-9 * scale):
            raise ValueError(f"{name} must be a covariance matrix, which is symmetric; got one that is not.")
        smallest = float(np.linalg.eigvalsh((cov + cov.T) / 2).min())
        if smallest < -1e-6 * scale:
            raise ValueError(f"{name} must be a covariance matrix (positive semi-definite); got one with the "
                             f"eigenvalue {smallest:g}.")

    def sqrt_psd(matrix):
        values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
        return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T

    with np.errstate(over="ignore", invalid="ignore"):
        root1 = sqrt_psd(cov1)
        product = root1 @ cov2 @ root1
        if not np.all(np.isfinite(product)):
            return float("inf")   # covariances too large to compare: infinitely far apart, for all purposes
        cross = np.sqrt(np.clip(np.linalg.eigvalsh((product + product.T) / 2), 0, None)).sum()
        value = np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * cross
    return float(max(value, 0.0)) if np.isfinite(value) else float("inf")


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "in-memory"


def real_stats(judge=None):
    """Mean (128,) and covariance (128, 128) of the judge's features of the reference digits (the
    official MNIST test digits from ``HELD_OUT`` on: 9,000), computed once and cached next to the
    judge (``...-test-stats.npz``). Used by lesson 06."""
    from . import data

    judge = _judge(judge)
    path = next((Path(k[1]) for k, v in _judges.items() if v is judge), None)
    key = str(path) if path else f"model-{id(judge)}"
    if key in _real_stats:
        return _real_stats[key]
    stats_file = path.with_name(path.stem + "-test-stats.npz") if path else None
    fingerprint = _fingerprint(path) if path else None
    if stats_file is not None and stats_file.is_file():
        try:
            with np.load(stats_file, allow_pickle=False) as f:
                if (str(f["fingerprint"]) == fingerprint and "held_out" in f and int(f["held_out"]) == HELD_OUT
                        and f["mu"].shape == (128,) and f["cov"].shape == (128, 128)):
                    _real_stats[key] = (f["mu"].copy(), f["cov"].copy())
                    return _real_stats[key]
        except Exception:  # a corrupt stats file is recomputed below
            pass
    _, (x_test, _) = data.load_mnist("sample")
    stats = feature_stats(features(x_test[HELD_OUT:], judge))
    if stats_file is not None:
        try:
            with storage.atomic_path(stats_file) as temporary:
                np.savez(temporary, mu=stats[0], cov=stats[1], fingerprint=np.array(fingerprint),
                         held_out=np.array(HELD_OUT))
        except OSError:  # a read-only cache still works, it just recomputes next time
            pass
    _real_stats[key] = stats
    return stats


def frechet_distance(images, judge=None, value_range=None) -> float:
    """The Fréchet distance between the judge's features of ``images`` and of the reference digits
    (MNIST test digits 1,000 to 9,999; see :func:`real_stats`): 0 for a perfect match, lower is better. Needs at least 2 images; compare
    values only between sets of the same size (1,000 in the GAN lessons), as it grows for small sets."""
    x = check_images(images, value_range)
    if len(x) < 2:
        raise ValueError(f"images must hold at least 2 images for the Fréchet distance; got {len(x)}.")
    judge = _judge(judge)
    return frechet_distance_from_stats(*feature_stats(features(x, judge)), *real_stats(judge))


def score(images, labels=None, judge=None, value_range=None) -> dict:
    """Every measure at once, as a dict: ``n``, ``class_histogram`` (10 counts),
    ``class_coverage``, ``mean_confidence``, ``frechet_distance`` and, with ``labels``,
    ``label_accuracy``. Used by lessons 06, 07, 09 and 10."""
    x = check_images(images, value_range)
    y = None if labels is None else check_labels(labels, len(x))
    judge = _judge(judge)
    probs = predict_proba(x, judge)
    counts = np.bincount(np.argmax(probs, axis=1), minlength=10)
    result = {
        "n": len(x),
        "class_histogram": counts.tolist(),
        "class_coverage": float(np.mean(counts >= max(1.0, 0.1 * len(x) / 10))),
        "mean_confidence": float(np.mean(np.max(probs, axis=1))),
    }
    if y is not None:
        result["label_accuracy"] = float(np.mean(np.argmax(probs, axis=1) == y))
    result["frechet_distance"] = frechet_distance(x, judge) if len(x) >= 2 else float("nan")
    return result


def score_file(path, judge=None, *, required: bool = True) -> dict | None:
    """:func:`score` of the samples a GAN notebook saved: an ``.npz`` file with ``images`` (N, 28, 28)
    and, for conditional models, ``labels`` (N,). A missing file is a ``FileNotFoundError``, a
    damaged one a ``ValueError``, each naming the file and the fix; with ``required=False`` either
    is one printed line and the result is None."""
    path = checks.path("path", path)
    required = checks.flag("required", required)
    made_by = storage._made_by(path)
    rerun = f"run notebook {path.parent.name}" if made_by else "run the notebook that saves it"

    def problem(message, kind=ValueError):
        if required:
            raise kind(message)
        print(message, flush=True)
        return None

    if not path.is_file():
        if path.exists():
            return problem(f"{path}{made_by} is not a readable .npz file: it is a folder. Delete it and {rerun}.")
        return problem(f"no samples file at {path}{made_by}; {rerun} first.", FileNotFoundError)
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {key: f[key] for key in f.files}
    except Exception as error:  # not an npz, truncated, ...
        return problem(f"{path}{made_by} is not a readable .npz file ({type(error).__name__}: {error}), e.g. cut "
                       f"short by an interrupted save. Delete it and {rerun} again.")
    if "images" not in arrays:
        return problem(f"{path} must hold an array 'images' (and optionally 'labels'); it holds {sorted(arrays)}.")
    return score(arrays["images"], arrays.get("labels"), judge=judge)
